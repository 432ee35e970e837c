"""Wire the models together in dependency order and run them over all draws.

The models come from :mod:`plowshare.core.registry`; each spec declares which of its
arguments an upstream model may feed (``upstream``: argument → (model, output)). The
pipeline runs the models present in dependency order; an argument whose upstream model is
absent is left out, and the model falls back on its own placeholder path (e.g. the fund's
parametric displacement when the labour model does not run).

Draws are processed in chunks of ``chunk_size`` (:data:`DEFAULT_CHUNK` by default) so
memory stays bounded; models are elementwise across draws, and parameters and a model's
extra random streams are drawn for all draws before chunking and sliced per chunk, so
results do not depend on the chunking nor on where a chunk runs (:mod:`.backends`).
For very large runs the parameters come from a :class:`~plowshare.core.sampling.DiskSample`
and the streams from a :class:`StreamSource`, both read a chunk at a time with the same
numbers, so nothing is held for every draw.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from plowshare.core import registry
from plowshare.core.contract import ModelSpec, Params
from plowshare.core.errors import InputError
from plowshare.core.params import Registry
from plowshare.core.sampling import (
    Correlation,
    DiskSample,
    Method,
    sample,
    uniforms,
    uniforms_range,
)

Array = NDArray[np.float64]
Progress = Callable[[int, int], None]
Inputs = Mapping[str, Mapping[str, Any]]  # model -> input name -> loaded case or option
Streams = dict[str, dict[str, Array]]  # model -> stream key -> (n, m) uniforms


def with_requirements(models: Sequence[str]) -> list[str]:
    """The given models plus every model they require upstream, transitively."""
    out = list(dict.fromkeys(models))
    for m in out:  # grows while iterating: a breadth-first closure
        spec = registry.get(m)
        for u in spec.upstream.values():  # a model may feed several arguments: add it once
            if u.required and u.model not in out:
                out.append(u.model)
    return out


def order(models: Sequence[str]) -> list[str]:
    """Models and their requirements in dependency order (upstream first); refuses cycles."""
    if not models:
        raise InputError("at least one model expected", key="run.models")
    done: list[str] = []
    pending = with_requirements(models)
    while pending:
        ready = [
            m
            for m in pending
            if all(u.model not in pending for u in registry.get(m).upstream.values())
        ]
        if not ready:
            raise InputError(f"models depend on each other in a cycle: {pending}", key="models")
        done.extend(ready)
        pending = [m for m in pending if m not in ready]
    return done


def call(
    spec: ModelSpec,
    params: Params,
    years: Array,
    upstream: dict[str, Array],
    inputs: Mapping[str, Any] | None,
    streams: dict[str, Array] | None,
) -> dict[str, Array]:
    """Call one model's run function with what its spec asks for."""
    extra: dict[str, Any] = {}
    if spec.inputs:
        extra["inputs"] = dict(inputs or {})
    if spec.streams is not None:
        extra["streams"] = streams or {}
    return spec.run(params, years, **extra, **upstream)


def upstream_args(spec: ModelSpec, out: Mapping[str, Mapping[str, Array]]) -> dict[str, Array]:
    """A model's upstream arguments from the outputs of the models that ran before it (an
    argument whose model did not run is left out: the model falls back on its own path)."""
    return {arg: out[u.model][u.output] for arg, u in spec.upstream.items() if u.model in out}


def run_models(
    params: Mapping[str, Array],
    years: Array,
    models: Sequence[str],
    inputs: Inputs | None = None,
    streams: Streams | None = None,
    choices: Mapping[str, tuple[str, ...]] | None = None,
) -> dict[str, dict[str, Array]]:
    """Run each model once over the given draws; returns model → output → array."""
    out: dict[str, dict[str, Array]] = {}
    for name in order(models):
        spec = registry.get(name)
        up = upstream_args(spec, out)
        mp = {k: v for k, v in params.items() if k.split(".", 1)[0] == name}
        view = Params(mp, choices)
        out[name] = call(spec, view, years, up, (inputs or {}).get(name), (streams or {}).get(name))
    return out


def stream_names(models: Sequence[str], inputs: Inputs) -> dict[str, dict[str, list[str]]]:
    """Every model's extra random streams: model -> key -> the streams' names (columns)."""
    out: dict[str, dict[str, list[str]]] = {}
    for name in models:
        spec = registry.get(name)
        if spec.streams is None:
            continue
        wanted = spec.streams(dict(inputs.get(name, {})))
        out[name] = {key: list(names) for key, names in wanted.items()}
    return out


def draw_streams(models: Sequence[str], inputs: Inputs, n: int, seed: int) -> Streams:
    """Every model's extra uniform streams for all ``n`` draws (plain Monte Carlo)."""
    return {
        m: {
            k: np.column_stack([uniforms(s, n, seed, "mc") for s in names])
            for k, names in d.items()
        }
        for m, d in stream_names(models, inputs).items()
    }


@dataclass(frozen=True)
class StreamSource:
    """The streams of :func:`draw_streams`, drawn a chunk at a time (same numbers)."""

    names: dict[str, dict[str, list[str]]]
    seed: int

    def chunk(self, start: int, size: int) -> Streams:
        return {
            m: {
                k: np.column_stack([uniforms_range(s, start, size, self.seed) for s in names])
                for k, names in d.items()
            }
            for m, d in self.names.items()
        }


def has_year(model: str, output: str) -> bool:
    """Does this output have a year axis (always the second)?"""
    return registry.get(model).outputs[output].has_year


DEFAULT_CHUNK = 1_000  # draws per chunk: fastest and smallest in bench/README.md, "chunk size"

Part = dict[str, dict[str, Array]]  # model -> output -> array over a chunk's draws
Sink = Callable[[int, Part, dict[str, Array]], None]  # (first draw, outputs, parameters)
ParamSource = Mapping[str, Array] | DiskSample  # every draw in memory, or read per chunk
StreamInput = Streams | StreamSource | None


def select(part: Part, keep: Collection[str] | None, keep_years: Sequence[int] | None) -> Part:
    """Only the ``keep`` outputs (``model.output``) and the ``keep_years`` (indices)."""
    if keep is not None:
        part = {
            m: {o: a for o, a in outs.items() if f"{m}.{o}" in keep} for m, outs in part.items()
        }
    if keep_years is not None:
        part = {
            m: {o: a[:, keep_years] if has_year(m, o) else a for o, a in outs.items()}
            for m, outs in part.items()
        }
    return part


@dataclass(frozen=True)
class Chunk:
    """One chunk's slice of the parameters and random streams (what a worker is sent)."""

    start: int
    params: dict[str, Array]
    streams: Streams


@dataclass(frozen=True)
class ChunkTask:
    """Run the models on one chunk (picklable: the same call on any worker)."""

    years: Array
    models: tuple[str, ...]
    inputs: Inputs | None = None
    choices: Mapping[str, tuple[str, ...]] | None = None
    keep: frozenset[str] | None = None
    keep_years: tuple[int, ...] | None = None

    def __call__(self, chunk: Chunk) -> Part:
        part = run_models(
            chunk.params, self.years, self.models, self.inputs, chunk.streams, self.choices
        )
        return select(part, self.keep, self.keep_years)


def draws_of(params: ParamSource) -> int:
    return params.n if isinstance(params, DiskSample) else len(next(iter(params.values())))


def chunks(params: ParamSource, streams: StreamInput, size: int) -> Iterator[Chunk]:
    """The parameters and streams in chunks of ``size`` draws (views of arrays in memory,
    or read from a disk sample and drawn per chunk: the same numbers either way)."""
    n = draws_of(params)
    for s in range(0, n, size):
        p = (
            params.chunk(s, size)
            if isinstance(params, DiskSample)
            else {k: v[s : s + size] for k, v in params.items()}
        )
        st = (
            streams.chunk(s, min(size, n - s))
            if isinstance(streams, StreamSource)
            else {m: {k: a[s : s + size] for k, a in d.items()} for m, d in (streams or {}).items()}
        )
        yield Chunk(s, p, st)


class Backend(Protocol):
    """Maps a task over chunks and yields the results in chunk order."""

    def map(self, task: Callable[[Chunk], Part], items: Iterator[Chunk]) -> Iterator[Part]: ...

    def close(self) -> None: ...


def run_chunked(
    params: ParamSource,
    years: Array,
    models: Sequence[str],
    chunk_size: int,
    progress: Progress | None = None,
    keep: Collection[str] | None = None,
    keep_years: Sequence[int] | None = None,
    inputs: Inputs | None = None,
    streams: StreamInput = None,
    choices: Mapping[str, tuple[str, ...]] | None = None,
    *,
    sink: Sink | None = None,
    backend: Backend | None = None,
    collect: bool = True,
) -> dict[str, dict[str, Array]]:
    """Run in chunks of draws into preallocated arrays; identical to one big run.

    Each chunk's outputs are copied into arrays sized for all draws, so peak memory is
    the kept result plus one chunk (not two full copies, as concatenation would need).
    ``keep`` (dotted ``model.output`` names) drops every other output as each chunk
    finishes, and ``keep_years`` (indices into ``years``) keeps only those years of
    every output with a year axis, so a million-draw run can keep just what it reports.
    ``sink(start, part, params)`` sees every output of each chunk first, with the chunk's
    parameters (to stream them to disk); with ``collect=False`` nothing is kept (the
    sink is the only consumer) and an empty dict is returned.
    Parameters and streams are sliced per chunk, so the ``backend`` (local by default,
    or Dask) gives the same numbers whatever the chunking or the number of workers.
    """
    from collections import deque

    from .backends import LocalBackend

    n = draws_of(params)
    size = max(1, min(chunk_size, n))
    total = -(-n // size)
    task = ChunkTask(
        years,
        tuple(models),
        inputs,
        choices,
        keep=None if sink or keep is None else frozenset(keep),
        keep_years=None if sink or keep_years is None else tuple(keep_years),
    )
    out: dict[str, dict[str, Array]] = {}
    sent: deque[dict[str, Array]] = deque()  # parameters of the chunks in flight, in order

    def items() -> Iterator[Chunk]:
        for c in chunks(params, streams, size):
            if sink is not None:
                sent.append(c.params)
            yield c

    results = (backend or LocalBackend()).map(task, items())
    for i, part in enumerate(results):
        s = i * size
        if sink is not None:
            sink(s, part, sent.popleft())
            part = select(part, keep, keep_years)
        if progress:
            progress(i + 1, total)
        if not collect:
            continue
        if total == 1:
            return part
        for m, outs in part.items():
            dest = out.setdefault(m, {})
            for o, arr in outs.items():
                if o not in dest:
                    dest[o] = np.empty((n, *arr.shape[1:]), dtype=arr.dtype)
                dest[o][s : s + len(arr)] = arr
    return out


def draw_params(
    reg: Registry,
    models: Sequence[str],
    draws: int,
    seed: int,
    method: Method = "lhs",
    correlations: Sequence[Correlation] = (),
    file: str | None = None,
) -> dict[str, Array]:
    """Sample the parameters of the given models."""
    plist = [p for p in reg if p.model in models]
    return sample(plist, draws, seed, method, correlations, file=file)


def disk_params(
    reg: Registry,
    models: Sequence[str],
    draws: int,
    seed: int,
    method: Method = "lhs",
    correlations: Sequence[Correlation] = (),
    file: str | None = None,
    folder: str | None = None,
) -> DiskSample:
    """The same draws as :func:`draw_params`, on disk, read a chunk at a time (close it)."""
    plist = [p for p in reg if p.model in models]
    return DiskSample(plist, draws, seed, method, correlations, file=file, folder=folder)


def choices_of(reg: Registry) -> dict[str, tuple[str, ...]]:
    """The named options of every category lever."""
    return {p.name: p.choices for p in reg if p.kind == "category"}
