"""The parameter registry: every number a model uses, with unit, distribution and source.

Each model keeps its parameters in ``models/<model>/params.toml``, one table per
parameter (see DESIGN §4). The bibliography lives in ``data/sources.toml``.
The loader refuses an incomplete record, an unknown unit, role or status, a
source key missing from the bibliography, and a central value outside the
distribution's support — naming the file and the key.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .distributions import Dist, DistError
from .errors import InputError, nearest, unknown_key
from .units import UNITS

ROLES = ("uncertainty", "lever", "constant")
STATUSES = ("sourced", "derived", "judgment")
REQUIRED = ("description", "unit", "role", "value", "status")
OPTIONAL = ("dist", "sources", "note", "as_of", "min", "max")
SOURCE_FIELDS = ("publisher", "title", "year", "url", "taken")

# valid ranges implied by a unit (a record's own min/max narrows them)
UNIT_BOUNDS: dict[str, tuple[float, float]] = {
    "fraction": (0.0, 1.0),
    "flag": (0.0, 1.0),
    "index": (0.0, math.inf),
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

    @property
    def model(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def short(self) -> str:
        return self.name.split(".", 1)[1]

    def check_value(self, x: float, *, file: str | None, key: str | None = None) -> None:
        """Refuse a value outside the parameter's valid range (unit or record min/max)."""
        lo, hi = self.bounds
        if not lo <= x <= hi:
            raise InputError(
                f"{fmt_range(lo, hi)} ({self.unit}) expected for {self.name}, got {x:g}",
                file=file,
                key=key or self.name,
            )
        if self.unit == "flag" and x not in (0.0, 1.0):
            raise InputError(f"0 or 1 expected (a switch), got {x:g}", file=file, key=key)
        if self.unit == "index" and x != round(x):
            raise InputError(f"a whole number expected (an option), got {x:g}", file=file, key=key)

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
    value = rec["value"]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"value must be a number, got {value!r}", file=file, key=f"{key}.value")
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


def load_model_params(model: str, path: Path, sources: dict[str, Source]) -> dict[str, Param]:
    data = read_toml(path)
    return {f"{model}.{n}": parse_record(model, n, r, sources, str(path)) for n, r in data.items()}


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"unreadable TOML: {e}", file=str(path)) from None


def package_root() -> Path:
    return Path(str(resources.files("plowshare")))


@cache
def default_registry() -> Registry:
    """Load every model's ``params.toml`` and the bibliography shipped with the package."""
    root = package_root()
    sources = load_sources(root / "data" / "sources.toml")
    params: dict[str, Param] = {}
    for toml in sorted((root / "models").glob("*/params.toml")):
        params.update(load_model_params(toml.parent.name, toml, sources))
    return Registry(params, sources)
