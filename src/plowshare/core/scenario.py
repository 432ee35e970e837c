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
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from . import registry as model_registry
from .distributions import Dist, DistError
from .errors import InputError, NotFoundError, finite_number, nearest, show, unknown_key
from .params import Param, Registry, default_registry, fmt_range, package_root, read_toml
from .sampling import DEFAULT_SEED

MAX_DRAWS = 10_000_000
MAX_INHERITANCE = 16


class _Strict(BaseModel):
    # strict types, no unknown keys, and no NaN or infinity in any float field
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class ScenarioMeta(_Strict):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1)
    question: str = ""
    inherits: str | None = None  # a shipped scenario's name or a path


class RunSettings(_Strict):
    draws: int = Field(default=2000, ge=1, le=MAX_DRAWS)
    seed: int = Field(default=DEFAULT_SEED, ge=0, le=2**63 - 1)
    years: list[int] = Field(default_factory=lambda: [2025, 2050], min_length=2, max_length=2)
    method: Literal["lhs", "mc"] = "lhs"
    report_years: list[int] = Field(default_factory=lambda: [2030, 2035, 2040, 2050])
    chunk_size: int = Field(default=250_000, ge=1, le=MAX_DRAWS)
    # run only these (and what they require); None = every model that needs no input file
    models: list[str] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _years(self) -> RunSettings:
        # "field: message" names the key (see pydantic_error)
        start, end = self.years
        if not 2000 <= start <= end <= 2200:
            raise ValueError("years: [start, end] with 2000 <= start <= end <= 2200 expected")
        if not self.report_years or len(set(self.report_years)) != len(self.report_years):
            raise ValueError("report_years: one or more distinct years expected")
        if any(not start <= y <= end for y in self.report_years):
            raise ValueError(f"report_years: years within years [{start}, {end}] expected")
        if self.models is not None and len(set(self.models)) != len(self.models):
            raise ValueError("models: a list of distinct model names expected")
        return self


class CorrelationSpec(_Strict):
    a: str
    b: str
    rho: float = Field(ge=-0.99, le=0.99)


class ScenarioFile(_Strict):
    scenario: ScenarioMeta
    levers: dict[str, Any] = Field(default_factory=dict)
    inputs: dict[str, Any] = Field(default_factory=dict)
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
    levers: dict[str, Any]  # as written: a number, a choice name, or states
    overrides: dict[str, float | Dist]
    correlations: tuple[tuple[str, str, float], ...]
    run: RunSettings
    registry: Registry = field(repr=False, compare=False)
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)  # model -> key -> value
    inherits: tuple[str, ...] = ()  # the chain of files this one inherits from

    @property
    def years(self) -> range:
        return range(self.run.years[0], self.run.years[1] + 1)

    @property
    def models(self) -> list[str]:
        """The models to run: ``run.models``, or every model whose inputs are present."""
        if self.run.models is not None:
            return list(self.run.models)
        specs = model_registry.models()
        return [
            m
            for m, spec in specs.items()
            if all(k in self.inputs.get(m, {}) for k, i in spec.inputs.items() if i.required)
        ]

    def loaded_inputs(self) -> dict[str, dict[str, Any]]:
        """``[inputs]`` with every case file loaded by its model (options as given)."""
        out: dict[str, dict[str, Any]] = {}
        for m, entries in self.inputs.items():
            spec = model_registry.get(m)
            out[m] = {
                k: spec.inputs[k].load(v) if k in spec.inputs else v for k, v in entries.items()
            }
        return out

    def params(self) -> list[Param]:
        return list(self.registry)

    def with_values(self, values: dict[str, float], origin: str) -> Scenario:
        """This scenario with each named parameter fixed at a value (recorded as overrides,
        so the content hash changes); ``origin`` says who set them."""
        reg = self.registry
        for name, value in values.items():
            reg = reg.replace(reg[name].with_override(value, None, origin))
        return replace(self, overrides={**self.overrides, **values}, registry=reg)

    def with_inputs(self, model: str, **values: Any) -> Scenario:
        """This scenario with more ``[inputs]`` for one model (e.g. an option)."""
        merged = {**self.inputs, model: {**self.inputs.get(model, {}), **values}}
        return replace(self, inputs=check_inputs(flat_inputs(merged), self.path))

    def content_hash(self) -> str:
        """SHA-256 of everything that determines the numbers (not name, description or
        ``chunk_size``: the same seed gives the same numbers whatever the chunking)."""
        payload = {
            "levers": self.levers,
            "overrides": {
                k: v.to_dict() if isinstance(v, Dist) else v for k, v in self.overrides.items()
            },
            "correlations": self.correlations,
            "inputs": self.inputs,
            "run": self.run.model_dump(exclude={"chunk_size"}),  # never changes a number
        }
        blob = json.dumps(payload, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


def flatten(
    table: dict[str, Any], prefix: str = "", leaves: Collection[str] = ()
) -> dict[str, Any]:
    """Flatten nested TOML tables to dotted keys; a table with 'kind' is a distribution leaf,
    and so is a table at a key in ``leaves`` (a per-state rate table such as
    ``siting.compute_tax_rate_by_state = { VA = 0.02 }``)."""
    out: dict[str, Any] = {}
    for k, v in table.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and "kind" not in v and key not in leaves:
            out.update(flatten(v, key + ".", leaves))
        else:
            out[key] = v
    return out


def rate_tables() -> set[str]:
    """Levers whose value may be written as a table: states levers (a table is a rate per
    state, which only some of them take; the lever's own check says so)."""
    return {p.name for p in default_registry() if p.kind == "states"}


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
    got = e.get("input")
    field_name, sep, rest = msg.partition(": ")
    if sep and isinstance(got, dict) and field_name in got:  # a check across fields
        key, msg, got = f"{key}.{field_name}" if key else field_name, rest, got[field_name]
    return InputError(f"{msg}; got {show(got)}", file=file, key=key)


def _apply(
    reg: Registry, levers: dict[str, Any], overrides: dict[str, Any], file: str
) -> tuple[Registry, dict[str, float], dict[str, float | Dist]]:
    lev: dict[str, Any] = {}
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
        new = p.parse_value(v, file=file, key=key)
        lev[name] = new.value if new.kind == "number" else v
        reg = reg.replace(new)
    for name, v in overrides.items():
        key = f"overrides.{name}"
        if name not in reg:
            raise unknown_key("parameter", name, (p.name for p in reg), file=file)
        p = reg[name]
        if p.kind != "number":
            raise InputError(
                f"'{name}' is a {p.kind} lever: set it under [levers]", file=file, key=key
            )
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
            x = finite_number(v, file=file, key=key)
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
    """The shipped file of that name, or a path to an existing file; else one clear error.

    A bare name (no folder, no ``.toml``) means the shipped file even when a file of that
    name sits in the working directory, so a stray file never replaces a shipped one.
    """
    text = str(ref)
    path = Path(ref)
    bare = "/" not in text and "\\" not in text and path.suffix != ".toml"
    if bare and text in available:
        return available[text]
    if path.is_file():
        return path
    if not bare:
        raise NotFoundError("file not found", file=text, suggestion=nearest(path.stem, available))
    raise NotFoundError(
        f"no such {kind} file or shipped {kind} (shipped: {', '.join(available)})",
        file=text,
        suggestion=nearest(text, available),
    )


def resolve(ref: str | Path) -> Path:
    """A path to a scenario file, or the name of a shipped scenario."""
    return resolve_file(ref, shipped_scenarios(), "scenario")


def relative_to(ref: str, base: Path) -> str:
    """A path-like reference in a file, resolved against that file's folder when it exists."""
    p = Path(ref)
    if base.parent == Path("."):  # already relative to the working directory (or no file)
        return ref
    if not p.is_absolute() and ("/" in ref or p.suffix == ".toml") and (base.parent / p).is_file():
        return str(base.parent / p)
    return ref


def read_validated(path: Path, file: str) -> tuple[dict[str, Any], ScenarioFile]:
    """One file's raw table, checked on its own (so errors name the file they are in)."""
    raw = read_toml(path)
    return raw, validated(raw, file)


def validated(raw: dict[str, Any], file: str) -> ScenarioFile:
    """A scenario table checked against the schema."""
    try:
        spec = ScenarioFile.model_validate(raw)
    except ValidationError as err:
        raise pydantic_error(err, file) from None
    pairs = [frozenset((c.a, c.b)) for c in spec.correlations]
    for i, pr in enumerate(pairs):
        if pr in pairs[:i]:
            raise InputError(
                f"the pair {' and '.join(sorted(pr))} is correlated twice",
                file=file,
                key=f"correlations[{i}]",
            )
    return spec


def merged_chain(
    ref: str | Path, chain: tuple[str, ...] = (), raw: dict[str, Any] | None = None
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The scenario's table with everything it inherits merged in (its own keys win).

    ``[levers]``, ``[inputs]`` and ``[overrides]`` merge key by key, ``[run]`` setting by
    setting, correlations pair by pair; ``[scenario]`` is the file's own. Cycles and chains
    deeper than :data:`MAX_INHERITANCE` are refused.
    """
    path = resolve(ref) if raw is None else Path(f"<{ref}>")
    file = str(path)
    key = str(path.resolve()) if raw is None else file
    if key in chain:
        raise InputError(
            "scenarios inherit from each other in a cycle", file=file, key="scenario.inherits"
        )
    if len(chain) >= MAX_INHERITANCE:
        raise InputError(
            f"more than {MAX_INHERITANCE} levels of inheritance", file=file, key="scenario.inherits"
        )
    raw, spec = read_validated(path, file) if raw is None else (raw, validated(raw, file))
    own: dict[str, Any] = {
        "levers": flatten(spec.levers, leaves=rate_tables()),
        "inputs": {
            k: relative_to(v, path) if isinstance(v, str) else v
            for k, v in flatten(spec.inputs).items()
        },
        "overrides": flatten(spec.overrides),
        "correlations": [c.model_dump() for c in spec.correlations],
        "run": dict(raw.get("run", {})),
    }
    parent_ref = spec.scenario.inherits
    if parent_ref is None:
        return own | {"scenario": spec.scenario, "file": file}, (*chain, key)
    try:
        parent_path = resolve(relative_to(parent_ref, path))
    except NotFoundError as e:
        raise InputError(
            f"cannot find the scenario it inherits, {show(parent_ref)} "
            f"({e.message.split(' (shipped:')[0]}): a shipped name or a path expected",
            file=file,
            key="scenario.inherits",
            suggestion=e.suggestion,
        ) from None
    parent, full = merged_chain(parent_path, (*chain, key))
    mine = {frozenset((c["a"], c["b"])) for c in own["correlations"]}
    corr = [c for c in parent["correlations"] if frozenset((c["a"], c["b"])) not in mine]
    merged: dict[str, Any] = {
        section: {**parent[section], **own[section]}
        for section in ("levers", "inputs", "overrides", "run")
    }
    merged["correlations"] = corr + own["correlations"]
    return merged | {"scenario": spec.scenario, "file": file}, full


def check_inputs(inputs: dict[str, Any], file: str) -> dict[str, dict[str, Any]]:
    """``[inputs]`` as model -> key -> value, each key one the model declares."""
    specs = model_registry.models()
    out: dict[str, dict[str, Any]] = {}
    valid = [
        f"{m}.{k}"
        for m, sp in specs.items()
        for k in (*sp.inputs, *(o for i in sp.inputs.values() for o in i.options))
    ]
    for dotted, v in inputs.items():
        model, _, k = dotted.partition(".")
        if dotted not in valid:
            raise unknown_key(
                "input", f"inputs.{dotted}", [f"inputs.{x}" for x in valid], file=file
            )
        if k in specs[model].inputs:
            if not isinstance(v, str) or not v:
                raise InputError(
                    f"a shipped name or a path expected, got {show(v)}",
                    file=file,
                    key=f"inputs.{dotted}",
                )
            try:  # refuse a bad case file now, before anything runs
                specs[model].inputs[k].load(v)
            except NotFoundError as e:
                raise InputError(
                    f"cannot find {v!r}: {e.message}",
                    file=file,
                    key=f"inputs.{dotted}",
                    suggestion=e.suggestion,
                ) from None
        elif not isinstance(v, bool):  # options are switches
            raise InputError(
                f"true or false expected, got {show(v)}", file=file, key=f"inputs.{dotted}"
            )
        out.setdefault(model, {})[k] = v
    return out


def load_scenario(
    ref: str | Path, registry: Registry | None = None, *, raw: dict[str, Any] | None = None
) -> Scenario:
    """Read and validate a scenario (and what it inherits); raises :class:`InputError`.

    ``raw`` gives the scenario's table directly (``ref`` then only names it)."""
    merged, chain = merged_chain(ref, raw=raw)
    meta: ScenarioMeta = merged["scenario"]
    file = str(ref) if raw is None and Path(ref).is_file() and "/" in str(ref) else merged["file"]
    try:
        run = RunSettings.model_validate(merged["run"])
    except ValidationError as err:
        raise pydantic_error(err, file, RunSettings) from None
    reg = registry or default_registry()
    reg, lev, ovr = _apply(reg, merged["levers"], merged["overrides"], file)
    for m in run.models or []:
        if m not in model_registry.models():
            raise InputError(
                "unknown model",
                file=file,
                key="run.models",
                suggestion=nearest(m, model_registry.models()),
            )
    inputs = check_inputs(merged["inputs"], file)
    for m in run.models or []:
        for k, spec in model_registry.get(m).inputs.items():
            if spec.required and k not in inputs.get(m, {}):
                raise InputError(
                    f"the {m} model needs [inputs] {m}.{k}", file=file, key="run.models"
                )
    corr = tuple((c["a"], c["b"], float(c["rho"])) for c in merged["correlations"])
    for i, (a, b, _) in enumerate(corr):
        for side, n in (("a", a), ("b", b)):
            if n not in reg:
                raise InputError(
                    f"unknown parameter '{n}'",
                    file=file,
                    key=f"correlations[{i}].{side}",
                    suggestion=nearest(n, [p.name for p in reg]),
                )
    return Scenario(
        meta.name,
        meta.description,
        meta.question,
        merged["file"],
        lev,
        ovr,
        corr,
        run,
        reg,
        inputs,
        tuple(chain[1:]),
    )


def flat_inputs(inputs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {f"{m}.{k}": v for m, kv in inputs.items() for k, v in kv.items()}


def race_scenario(race: str) -> Scenario:
    """The scenario `plowshare contest RACE` runs: the contest model on one race file."""
    raw = {
        "scenario": {
            "name": f"contest-{Path(race).stem}",
            "description": f"The contest model on the race {race}",
        },
        "inputs": {"contest": {"race": race}},
        "run": {"models": ["contest"]},
    }
    return load_scenario(Path(race).stem, raw=raw)
