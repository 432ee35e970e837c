"""The one contract every model meets (DESIGN §4): a spec, declared outputs, a params view.

A model package ``plowshare.models.<m>`` exports ``SPEC = ModelSpec(...)``. The engine
discovers specs through :mod:`plowshare.core.registry`, orders them by their upstream
edges and calls ``spec.run(params, years, inputs=..., streams=..., **upstream)``. Core
never names a model; a model imports only core.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .dims import SHARED
from .errors import InputError

Array = NDArray[np.float64]
RunFn = Callable[..., dict[str, Array]]
# dims that index draws and years, in this order, before any other
LEADING = ("draw", "year")


@dataclass(frozen=True)
class KeyOutput:
    """How an output is shown as a row of the summary table."""

    label: str
    scale: float = 1.0  # divide by this for display
    unit: str = ""
    share: bool = False  # a 0/1 indicator: show the share of draws, not a band


@dataclass(frozen=True)
class Output:
    """One declared output: its dimensions, unit and meaning (from ``outputs.toml``)."""

    name: str
    dims: tuple[str, ...]
    unit: str
    description: str
    key: KeyOutput | None = None

    @property
    def has_year(self) -> bool:
        return len(self.dims) > 1 and self.dims[1] == "year"


@dataclass(frozen=True)
class Upstream:
    """An argument fed by another model's output; ``required`` pulls that model in."""

    model: str
    output: str
    required: bool = False


@dataclass(frozen=True)
class InputSpec:
    """A case file a model reads (e.g. a race): ``load(ref)`` returns the parsed case,
    ``coords(case)`` the labels of the dimensions that depend on it (e.g. candidates)."""

    load: Callable[[str], Any]
    coords: Callable[[Any], Mapping[str, Sequence[str]]] = lambda _case: {}
    required: bool = True
    options: tuple[str, ...] = ()  # further keys the model accepts under [inputs]


@dataclass(frozen=True)
class ModelSpec:
    """Everything the engine and the front ends need to know about a model."""

    name: str
    run: RunFn
    outputs: dict[str, Output]
    upstream: dict[str, Upstream] = field(default_factory=dict)
    # labels of dimensions of this model only (the shared ones come from core.dims)
    coords: dict[str, Sequence[Any] | Callable[[], Sequence[Any]]] = field(default_factory=dict)
    inputs: dict[str, InputSpec] = field(default_factory=dict)
    # named uniform streams the model needs besides its parameters: given the loaded
    # inputs, key -> the stream names (one column each), drawn by core.sampling
    streams: Callable[[dict[str, Any]], dict[str, list[str]]] | None = None
    summary: Any = None  # optional module with `lines(ds, years)` / `compare_lines(a, b, name)`
    section: Any = None  # optional brief section

    def labels(self, dim: str, inputs: Mapping[str, Any] | None = None) -> list[str]:
        """The coordinate labels of one of this model's dimensions."""
        if dim in SHARED:
            return list(SHARED[dim])
        for name, spec in self.inputs.items():
            case = (inputs or {}).get(name)
            if case is not None and dim in (from_case := spec.coords(case)):
                return list(from_case[dim])
        c = self.coords[dim]
        return list(c() if callable(c) else c)

    def key_outputs(self) -> list[tuple[str, KeyOutput]]:
        return [(o.name, o.key) for o in self.outputs.values() if o.key is not None]


def outputs_from(module_file: str) -> dict[str, Output]:
    """Read ``outputs.toml`` beside a model's ``__init__.py``."""
    path = Path(module_file).with_name("outputs.toml")
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    out = {}
    for name, rec in data.items():
        dims = tuple(rec["dims"])
        if not dims or dims[0] != "draw":
            raise ValueError(f"{path}: {name}: dims must start with 'draw'")
        key = KeyOutput(**rec["key"]) if "key" in rec else None
        out[name] = Output(name, dims, rec["unit"], rec["description"], key)
    return out


class Params(Mapping[str, Array]):
    """A read-recording view of one model's sampled parameters: name -> (n,) array.

    ``read`` collects every name the model looked up, so the registry test can check that
    a model reads exactly what its ``params.toml`` declares; it also carries the named
    options of category levers, for :func:`category`.
    """

    def __init__(
        self, values: Mapping[str, Array], choices: Mapping[str, tuple[str, ...]] | None = None
    ) -> None:
        self._values = values
        self._choices = dict(choices or {})
        self.read: set[str] = set()

    def __getitem__(self, name: str) -> Array:
        self.read.add(name)
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def choices(self, name: str) -> tuple[str, ...] | None:
        return self._choices.get(name)


def category(p: Mapping[str, Array], name: str, options: Sequence[str]) -> NDArray[np.intp]:
    """Per-draw position in the model's own ``options`` of the option a category lever
    names. With a plain mapping (a test's), the lever's indices are taken to follow
    ``options``; through :class:`Params` they are matched by name."""
    idx = np.asarray(p[name]).astype(np.intp)
    declared = (p.choices(name) if isinstance(p, Params) else None) or tuple(options)
    missing = [c for c in declared if c not in options]
    if missing:
        raise InputError(f"the model does not know the options {missing}", key=name)
    lookup = np.array([list(options).index(c) for c in declared], dtype=np.intp)
    return lookup[idx]


def is_on(x: Array) -> NDArray[np.bool_]:
    """A switch parameter (0 or 1, checked on load) as booleans."""
    return np.asarray(x) == 1.0
