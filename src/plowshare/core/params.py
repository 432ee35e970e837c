"""The parameter registry: every number a model uses, with unit, distribution and source.

Each model keeps its parameters in ``models/<model>/params.toml``, one table per
parameter (see DESIGN §4). The bibliography lives in ``data/sources.toml``.
The loader refuses an incomplete record, an unknown unit, role or status, a
source key missing from the bibliography, and a central value outside the
distribution's support — naming the file and the key.
"""

from __future__ import annotations

import importlib
import math
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from .data import package_root
from .dims import STATES, state_vector
from .distributions import Dist, DistError
from .errors import InputError, NotFoundError, finite_number, nearest, show, unknown_key
from .units import UNITS

ROLES = ("uncertainty", "lever", "constant")
STATUSES = ("sourced", "derived", "judgment")
KINDS = ("number", "category", "states")  # a lever's kind (DESIGN §4)
REQUIRED = ("description", "unit", "role", "value", "status")
OPTIONAL = ("dist", "sources", "note", "as_of", "min", "max", "kind", "choices", "rates")
SOURCE_FIELDS = ("publisher", "title", "year", "url", "taken")

# valid ranges implied by a unit (a record's own min/max narrows them)
UNIT_BOUNDS: dict[str, tuple[float, float]] = {
    "fraction": (0.0, 1.0),
    "flag": (0.0, 1.0),
    "persons": (0.0, math.inf),
    "USD/person/yr": (0.0, math.inf),
    "USD/GW": (0.0, math.inf),
    "x/yr": (0.0, math.inf),
    "GW": (0.0, math.inf),
    "years": (0.0, math.inf),
    "weeks": (0.0, math.inf),
    "FLOP": (0.0, math.inf),
    "FLOP/s/W": (0.0, math.inf),
    "days": (0.0, math.inf),
    "GW/yr": (0.0, math.inf),
    "1/yr": (-1.0, math.inf),
}


@dataclass(frozen=True)
class Source:
    key: str
    publisher: str
    title: str
    year: int
    url: str
    taken: str
    accessed: str = ""

    def cite(self) -> str:
        return f"{self.publisher} ({self.year}), {self.title}. {self.url}"


@dataclass(frozen=True)
class Param:
    """One parameter record. ``name`` is dotted: ``model.parameter``."""

    name: str
    description: str
    unit: str
    role: str
    value: float
    dist: Dist
    status: str
    sources: tuple[str, ...] = ()
    note: str = ""
    as_of: str = ""
    bounds: tuple[float, float] = (-math.inf, math.inf)
    origin: str = ""  # file the record came from (or the scenario that overrode it)
    kind: str = "number"  # number | category | states
    choices: tuple[str, ...] = ()  # category: the named options (value = index)
    weights: tuple[float, ...] = ()  # states: weight per state in dims.STATES order
    rates: bool = False  # states: may a scenario give a rate per state?

    @property
    def choice(self) -> str:
        """A category lever's current option by name."""
        return self.choices[int(self.value)]

    @property
    def member_states(self) -> tuple[str, ...]:
        """A states lever's member states (weight > 0)."""
        return tuple(s for s, w in zip(STATES, self.weights, strict=True) if w > 0)

    def display_value(self) -> str:
        """The value as a user writes it: a number, a choice name or a set of states."""
        if self.kind == "category":
            return self.choice
        if self.kind == "states":
            ws = dict(zip(STATES, self.weights, strict=True))
            if self.rates and any(0 < w < 1 for w in ws.values()):
                return ", ".join(f"{s} {w:g}" for s, w in ws.items() if w > 0) or "none"
            return ", ".join(self.member_states) or "none"
        return f"{self.value:g}"

    def parse_value(self, v: Any, *, file: str | None, key: str) -> Param:
        """This lever set to a value written in a scenario file (number, choice or states)."""
        if self.kind == "category":
            if not isinstance(v, str) or v not in self.choices:
                raise InputError(
                    f"one of {', '.join(self.choices)} expected, got {show(v)}",
                    file=file,
                    key=key,
                    suggestion=nearest(str(v), self.choices),
                )
            return self.with_override(float(self.choices.index(v)), None, file or "")
        if self.kind == "states":
            w = state_vector(v, rates=self.rates, file=file, key=key)
            return replace(
                self.with_override(float((w > 0).sum()), None, file or ""),
                weights=tuple(float(x) for x in w),
            )
        if isinstance(v, bool) and self.unit == "flag":
            v = float(v)
        x = finite_number(v, file=file, key=key)  # no bool, text, NaN, inf or huge int
        self.check_value(x, file=file, key=key)
        return self.with_override(x, None, file or "")

    @property
    def model(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def short(self) -> str:
        return self.name.split(".", 1)[1]

    def check_value(self, x: float, *, file: str | None, key: str | None = None) -> None:
        """Refuse a value outside the parameter's valid range (unit or record min/max)."""
        lo, hi = self.bounds
        if not math.isfinite(x) or not lo <= x <= hi:
            raise InputError(
                f"{fmt_range(lo, hi)} ({self.unit}) expected for {self.name}, got {x:g}",
                file=file,
                key=key or self.name,
            )
        if self.unit == "flag" and x not in (0.0, 1.0):
            raise InputError(f"0 or 1 expected (a switch), got {x:g}", file=file, key=key)

    def with_override(self, value: float | None, dist: Dist | None, origin: str) -> Param:
        new_value = self.value if value is None else float(value)
        new_dist = dist if dist is not None else Dist.fixed(new_value)
        if dist is not None and value is None:
            new_value = dist.quantiles((0.5,))[0]
        return replace(self, value=new_value, dist=new_dist, origin=origin)

    def to_dict(self) -> dict[str, Any]:
        p5, p50, p95 = self.dist.quantiles()
        return {
            "name": self.name,
            "model": self.model,
            "description": self.description,
            "unit": self.unit,
            "role": self.role,
            "value": self.value,
            "dist": self.dist.to_dict(),
            "p5": p5,
            "p50": p50,
            "p95": p95,
            "status": self.status,
            "kind": self.kind,
            **({"choices": list(self.choices), "choice": self.choice} if self.choices else {}),
            **({"states": list(self.member_states)} if self.kind == "states" else {}),
            "sources": list(self.sources),
            "as_of": self.as_of,
            "note": self.note,
        }


def fmt_range(lo: float, hi: float) -> str:
    if math.isinf(hi):
        return f"a value >= {lo:g}"
    if math.isinf(lo):
        return f"a value <= {hi:g}"
    return f"a value in [{lo:g}, {hi:g}]"


@dataclass
class Registry:
    """All parameters of all models plus the bibliography."""

    params: dict[str, Param] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Param:
        try:
            return self.params[name]
        except KeyError:
            raise unknown_key("parameter", name, self.params, file=None) from None

    def __contains__(self, name: object) -> bool:
        return name in self.params

    def __iter__(self) -> Iterator[Param]:
        return iter(self.params.values())

    def __len__(self) -> int:
        return len(self.params)

    def for_model(self, model: str) -> list[Param]:
        return [p for p in self if p.model == model]

    def models(self) -> list[str]:
        return sorted({p.model for p in self})

    def replace(self, param: Param) -> Registry:
        return Registry({**self.params, param.name: param}, self.sources)


# ---- loading ----------------------------------------------------------------------------


def load_sources(path: Path) -> dict[str, Source]:
    data = read_toml(path)
    out: dict[str, Source] = {}
    for key, rec in data.items():
        if not isinstance(rec, dict):
            raise InputError("expected a table of source fields", file=str(path), key=key)
        missing = [f for f in SOURCE_FIELDS if not rec.get(f)]
        if missing:
            raise InputError(f"source lacks {', '.join(missing)}", file=str(path), key=key)
        if not isinstance(rec["year"], int):
            raise InputError("year must be an integer", file=str(path), key=f"{key}.year")
        out[key] = Source(key, **{k: rec[k] for k in (*SOURCE_FIELDS, "accessed") if k in rec})
    return out


def parse_record(model: str, name: str, rec: Any, sources: dict[str, Source], file: str) -> Param:
    """Validate one parameter table and build a :class:`Param`."""
    key = name
    if not isinstance(rec, dict):
        raise InputError("expected a table of parameter fields", file=file, key=key)
    for f in REQUIRED:
        if f not in rec:
            raise InputError(f"record lacks '{f}'", file=file, key=key)
    for f in rec:
        if f not in REQUIRED + OPTIONAL:
            raise unknown_key(
                "field", f"{key}.{f}", [f"{key}.{x}" for x in REQUIRED + OPTIONAL], file=file
            )
    if rec["unit"] not in UNITS:
        raise InputError(
            f"unknown unit '{rec['unit']}'; see plowshare.core.units",
            file=file,
            key=f"{key}.unit",
            suggestion=nearest(rec["unit"], UNITS),
        )
    for f, allowed in (("role", ROLES), ("status", STATUSES)):
        if rec[f] not in allowed:
            raise InputError(
                f"{f} must be one of {', '.join(allowed)}; got {rec[f]!r}",
                file=file,
                key=f"{key}.{f}",
                suggestion=nearest(str(rec[f]), allowed),
            )
    kind = rec.get("kind", "number")
    if kind not in KINDS:
        raise InputError(
            f"kind must be one of {', '.join(KINDS)}; got {kind!r}",
            file=file,
            key=f"{key}.kind",
            suggestion=nearest(str(kind), KINDS),
        )
    if kind != "number":
        return parse_choice_record(model, name, rec, kind, sources, file)
    value = rec["value"]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"value must be a number, got {value!r}", file=file, key=f"{key}.value")
    srcs = tuple(rec.get("sources", ()))
    check_sources(rec, sources, file, key)
    if "dist" not in rec and rec["role"] == "uncertainty":
        raise InputError("an uncertainty parameter needs 'dist'", file=file, key=key)
    try:
        dist = Dist.from_spec(rec["dist"], value) if "dist" in rec else Dist.fixed(value)
    except DistError as e:
        raise InputError(str(e), file=file, key=f"{key}.dist") from None
    if not dist.contains(float(value)):
        raise InputError(
            f"central value {value} lies outside the distribution {dist.describe()}",
            file=file,
            key=f"{key}.value",
        )
    ulo, uhi = UNIT_BOUNDS.get(rec["unit"], (-math.inf, math.inf))
    bounds = (max(ulo, rec.get("min", -math.inf)), min(uhi, rec.get("max", math.inf)))
    p = Param(
        f"{model}.{name}",
        rec["description"],
        rec["unit"],
        rec["role"],
        float(value),
        dist,
        rec["status"],
        srcs,
        rec.get("note", ""),
        str(rec.get("as_of", "")),
        bounds,
        file,
    )
    p.check_value(float(value), file=file, key=f"{key}.value")
    lo, hi = dist.support()
    if lo < bounds[0] or hi > bounds[1]:
        raise InputError(
            f"distribution {dist.describe()} reaches outside the valid range {fmt_range(*bounds)}",
            file=file,
            key=f"{key}.dist",
        )
    return p


def check_sources(rec: dict[str, Any], sources: dict[str, Source], file: str, key: str) -> None:
    """Status, sources, as_of and note rules shared by every kind of record."""
    srcs = tuple(rec.get("sources", ()))
    if rec["status"] != "judgment" and not srcs:
        raise InputError(f"a {rec['status']} record needs sources", file=file, key=key)
    if rec["status"] != "judgment" and not rec.get("as_of"):
        raise InputError(f"a {rec['status']} record needs 'as_of'", file=file, key=key)
    if rec["status"] == "judgment" and not rec.get("note"):
        raise InputError("a judgment record needs a note giving its reasoning", file=file, key=key)
    for s in srcs:
        if s not in sources:
            raise InputError(
                f"source '{s}' is not in data/sources.toml",
                file=file,
                key=f"{key}.sources",
                suggestion=nearest(s, sources),
            )


def parse_choice_record(
    model: str, name: str, rec: dict[str, Any], kind: str, sources: dict[str, Source], file: str
) -> Param:
    """A `category` lever (named choices) or a `states` lever (a set of states)."""
    key = name
    if rec["role"] != "lever":
        raise InputError(f"a {kind} parameter must be a lever", file=file, key=f"{key}.role")
    for f in ("dist", "min", "max"):
        if f in rec:
            raise InputError(f"a {kind} lever takes no '{f}'", file=file, key=f"{key}.{f}")
    check_sources(rec, sources, file, key)
    base = Param(
        f"{model}.{name}",
        rec["description"],
        rec["unit"],
        "lever",
        0.0,
        Dist.fixed(0.0),
        rec["status"],
        tuple(rec.get("sources", ())),
        rec.get("note", ""),
        str(rec.get("as_of", "")),
        (0.0, math.inf),
        file,
        kind,
    )
    if kind == "category":
        choices = rec.get("choices")
        if (
            not isinstance(choices, list)
            or len(choices) < 2
            or not all(isinstance(c, str) and c for c in choices)
            or len(set(choices)) != len(choices)
        ):
            raise InputError(
                "a category lever needs 'choices', two or more distinct names",
                file=file,
                key=f"{key}.choices",
            )
        base = replace(base, choices=tuple(choices))
    else:
        base = replace(base, rates=bool(rec.get("rates", False)), weights=(0.0,) * len(STATES))
    return replace(base.parse_value(rec["value"], file=file, key=f"{key}.value"), origin=file)


def load_model_params(model: str, path: Path, sources: dict[str, Source]) -> dict[str, Param]:
    data = read_toml(path)
    return {f"{model}.{n}": parse_record(model, n, r, sources, str(path)) for n, r in data.items()}


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; any unreadable file becomes a one-line :class:`InputError`."""
    limit = 1 << 20  # 1 MiB: scenario, parameter and race files are a few kB
    file = str(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(limit + 1)
    except FileNotFoundError:
        raise NotFoundError("file not found", file=file) from None
    except IsADirectoryError:
        raise InputError("is a directory; a TOML file was expected", file=file) from None
    except PermissionError:
        raise InputError("permission denied; cannot read the file", file=file) from None
    except (OSError, ValueError) as e:  # ValueError: e.g. a NUL byte in the path
        reason = getattr(e, "strerror", None) or e
        raise InputError(f"cannot read the file: {reason}", file=file) from None
    if len(raw) > limit:
        raise InputError("file is larger than 1 MiB; a TOML input file was expected", file=file)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise InputError(
            f"not valid UTF-8 text (line {line}, byte {e.start}: {e.reason}); "
            "TOML files must be UTF-8",
            file=file,
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"unreadable TOML: {e}", file=file) from None
    except RecursionError:
        raise InputError("unreadable TOML: tables or arrays nested too deeply", file=file) from None
    except ValueError as e:  # e.g. an integer beyond Python's int-string conversion limit
        why = str(e).split(";")[0]
        raise InputError(f"unreadable TOML: cannot convert a value ({why})", file=file) from None
    check_integers(data, file)
    return data


INT64 = 2**63


def check_integers(data: dict[str, Any], file: str) -> None:
    """Refuse an integer outside the 64-bit range TOML allows (Python would take any)."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        key, v = stack.pop()
        if isinstance(v, dict):
            stack += [(f"{key}.{k}" if key else str(k), x) for k, x in v.items()]
        elif isinstance(v, list):
            stack += [(f"{key}[{i}]", x) for i, x in enumerate(v)]
        elif isinstance(v, int) and not isinstance(v, bool) and not -INT64 <= v < INT64:
            raise InputError(
                f"an integer of {v.bit_length()} bits is beyond the 64-bit range TOML allows",
                file=file,
                key=key,
            )


@cache
def default_registry() -> Registry:
    """Load every model's ``params.toml`` and the bibliography shipped with the package.

    Models are found in every folder of the ``plowshare.models`` package (as the model
    registry finds them), so a model package added there brings its parameters along."""
    root = package_root()
    sources = load_sources(root / "data" / "sources.toml")
    params: dict[str, Param] = {}
    folders = importlib.import_module("plowshare.models").__path__
    for toml in sorted(t for f in folders for t in Path(f).glob("*/params.toml")):
        params.update(load_model_params(toml.parent.name, toml, sources))
    return Registry(params, sources)
