"""Scenario files: levers, uncertainty overrides and run settings, validated before anything runs.

A scenario is a TOML file::

    [scenario]
    name = "compute-tax-small"
    description = "A 1 % tax on AI compute spending"
    question = "Could a small compute tax fund a median income for displaced workers?"

    [levers]                        # policy settings: parameters whose role is 'lever'
    fund.compute_tax_rate = 0.01

    [overrides]                     # any parameter: a value or a distribution
    fund.real_return = { kind = "normal", mean = 0.03, sd = 0.01 }

    [[correlations]]                # optional rank correlations (Gaussian copula)
    a = "fund.mcap_growth"
    b = "fund.compute_spending_growth_2026"
    rho = 0.6

    [run]
    draws = 10000
    seed = 20260101
    years = [2025, 2050]

Every mistake — a missing file, unreadable TOML, an unknown key (with the nearest
valid name), a wrong type, a value out of range — raises :class:`InputError`
whose one line names the file, the key and what was expected.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .distributions import Dist, DistError
from .errors import InputError, nearest, unknown_key
from .params import Param, Registry, default_registry, fmt_range, package_root, read_toml

MAX_DRAWS = 10_000_000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ScenarioMeta(_Strict):
    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    question: str = ""


class RunSettings(_Strict):
    draws: int = Field(default=2000, ge=1, le=MAX_DRAWS)
    seed: int = Field(default=20250101, ge=0)
    years: list[int] = Field(default_factory=lambda: [2025, 2050], min_length=2, max_length=2)
    method: Literal["lhs", "mc"] = "lhs"
    report_years: list[int] = Field(default_factory=lambda: [2030, 2035, 2040, 2050])
    chunk_size: int = Field(default=250_000, ge=1)
    models: list[str] | None = None  # run only these (and what they require); None = all

    @model_validator(mode="after")
    def _years(self) -> RunSettings:
        start, end = self.years
        if not 2000 <= start <= end <= 2200:
            raise ValueError("years must be [start, end] with 2000 <= start <= end <= 2200")
        if any(not start <= y <= end for y in self.report_years):
            raise ValueError(f"report_years must lie within years [{start}, {end}]")
        return self


class CorrelationSpec(_Strict):
    a: str
    b: str
    rho: float = Field(ge=-0.99, le=0.99)


class ScenarioFile(_Strict):
    scenario: ScenarioMeta
    levers: dict[str, Any] = Field(default_factory=dict)
    overrides: dict[str, Any] = Field(default_factory=dict)
    correlations: list[CorrelationSpec] = Field(default_factory=list)
    run: RunSettings = Field(default_factory=RunSettings)


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: parameter values to use and how to run."""

    name: str
    description: str
    question: str
    path: str
    levers: dict[str, float]
    overrides: dict[str, float | Dist]
    correlations: tuple[tuple[str, str, float], ...]
    run: RunSettings
    registry: Registry = field(repr=False, compare=False)

    @property
    def years(self) -> range:
        return range(self.run.years[0], self.run.years[1] + 1)

    @property
    def models(self) -> list[str]:
        return self.run.models if self.run.models is not None else self.registry.models()

    def params(self) -> list[Param]:
        return list(self.registry)

    def with_values(self, values: dict[str, float], origin: str) -> Scenario:
        """This scenario with each named parameter fixed at a value (recorded as overrides,
        so the content hash changes); ``origin`` says who set them."""
        reg = self.registry
        for name, value in values.items():
            reg = reg.replace(reg[name].with_override(value, None, origin))
        return replace(self, overrides={**self.overrides, **values}, registry=reg)

    def content_hash(self) -> str:
        """SHA-256 of everything that determines the numbers (not name or description)."""
        payload = {
            "levers": self.levers,
            "overrides": {
                k: v.to_dict() if isinstance(v, Dist) else v for k, v in self.overrides.items()
            },
            "correlations": self.correlations,
            "run": self.run.model_dump(),
        }
        blob = json.dumps(payload, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


def flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten nested TOML tables to dotted keys; a table with 'kind' is a distribution leaf."""
    out: dict[str, Any] = {}
    for k, v in table.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and "kind" not in v:
            out.update(flatten(v, key + "."))
        else:
            out[key] = v
    return out


def pydantic_error(
    err: ValidationError, file: str, root: type[BaseModel] | None = None
) -> InputError:
    """One line for the first (most useful) error pydantic found in a file."""
    # an unknown key explains a missing one (a typo), so report unknown keys first
    e = sorted(err.errors(), key=lambda x: x["type"] != "extra_forbidden")[0]
    key = ".".join(str(x) for x in e["loc"])
    if e["type"] == "extra_forbidden":
        parent = e["loc"][:-1]
        model: Any = root or ScenarioFile
        for part in parent:
            if isinstance(part, int):
                model = get_args(model)[0] if get_args(model) else None
            elif hasattr(model, "model_fields") and str(part) in model.model_fields:
                model = model.model_fields[str(part)].annotation
        fields = list(getattr(model, "model_fields", {}))
        valid = [".".join([*map(str, parent), f]) for f in fields]
        return unknown_key("key", key, valid, file=file)
    if e["type"] == "missing":
        return InputError("required key is missing", file=file, key=key)
    msg = e["msg"].removeprefix("Value error, ")
    return InputError(f"{msg}; got {e.get('input')!r}", file=file, key=key)


def _number(v: Any, file: str, key: str) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise InputError(f"a number expected, got {v!r}", file=file, key=key)
    return float(v)


def _apply(
    reg: Registry, levers: dict[str, Any], overrides: dict[str, Any], file: str
) -> tuple[Registry, dict[str, float], dict[str, float | Dist]]:
    lev: dict[str, float] = {}
    ovr: dict[str, float | Dist] = {}
    for name, v in levers.items():
        key = f"levers.{name}"
        if name not in reg:
            lever_names = [p.name for p in reg if p.role == "lever"]
            raise InputError(
                "unknown lever", file=file, key=key, suggestion=nearest(name, lever_names)
            )
        p = reg[name]
        if p.role != "lever":
            raise InputError(
                f"'{name}' is an {p.role} parameter, not a lever: set it under [overrides]",
                file=file,
                key=key,
            )
        x = _number(v, file, key)
        p.check_value(x, file=file, key=key)
        lev[name] = x
        reg = reg.replace(p.with_override(x, None, file))
    for name, v in overrides.items():
        key = f"overrides.{name}"
        if name not in reg:
            raise unknown_key("parameter", name, (p.name for p in reg), file=file)
        p = reg[name]
        if isinstance(v, dict):
            try:
                d = Dist.from_spec(v)
            except DistError as e:
                raise InputError(str(e), file=file, key=key) from None
            lo, hi = d.support()
            if lo < p.bounds[0] or hi > p.bounds[1]:
                raise InputError(
                    f"distribution {d.describe()} reaches outside the valid range "
                    f"({fmt_range(*p.bounds)}, {p.unit}); bound it (normal takes "
                    "lower/upper) or choose a bounded kind",
                    file=file,
                    key=key,
                )
            ovr[name] = d
            reg = reg.replace(p.with_override(None, d, file))
        else:
            x = _number(v, file, key)
            p.check_value(x, file=file, key=key)
            ovr[name] = x
            reg = reg.replace(p.with_override(x, None, file))
    return reg, lev, ovr


def shipped(folder: str) -> dict[str, Path]:
    """TOML files shipped in ``plowshare/<folder>``, by name (file stem)."""
    return {p.stem: p for p in sorted((package_root() / folder).glob("*.toml"))}


def shipped_scenarios() -> dict[str, Path]:
    """Scenario files shipped with the package, by name."""
    return shipped("scenarios")


def resolve_file(ref: str | Path, available: dict[str, Path], kind: str) -> Path:
    """A path to an existing file, or the name of a shipped one; else one clear error."""
    path = Path(ref)
    if path.is_file():
        return path
    if str(ref) in available:
        return available[str(ref)]
    if path.suffix == ".toml" or "/" in str(ref):
        raise InputError("file not found", file=str(ref), suggestion=nearest(path.stem, available))
    raise InputError(
        f"no such {kind} file or shipped {kind} (shipped: {', '.join(available)})",
        file=str(ref),
        suggestion=nearest(str(ref), available),
    )


def resolve(ref: str | Path) -> Path:
    """A path to a scenario file, or the name of a shipped scenario."""
    return resolve_file(ref, shipped_scenarios(), "scenario")


def load_scenario(ref: str | Path, registry: Registry | None = None) -> Scenario:
    """Read and validate a scenario; raises :class:`InputError` with one clear line."""
    path = resolve(ref)
    file = str(ref) if Path(ref).is_file() else str(path)
    raw = read_toml(path)
    try:
        spec = ScenarioFile.model_validate(raw)
    except ValidationError as err:
        raise pydantic_error(err, file) from None
    reg = registry or default_registry()
    reg, lev, ovr = _apply(reg, flatten(spec.levers), flatten(spec.overrides), file)
    for m in spec.run.models or []:
        if m not in reg.models():
            raise InputError(
                "unknown model", file=file, key="run.models", suggestion=nearest(m, reg.models())
            )
    corr = tuple((c.a, c.b, c.rho) for c in spec.correlations)
    for a, b, _ in corr:
        for n in (a, b):
            if n not in reg:
                raise unknown_key("parameter", n, (p.name for p in reg), file=file)
    return Scenario(
        spec.scenario.name,
        spec.scenario.description,
        spec.scenario.question,
        str(path),
        lev,
        ovr,
        corr,
        spec.run,
        reg,
    )
