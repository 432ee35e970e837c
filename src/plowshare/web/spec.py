"""What a lab user sets, as data: a shipped preset plus lever changes and assumption overrides.

A :class:`LabScenario` never names a file: ``base`` must be a shipped scenario, levers and
overrides are checked by the same loader as the CLI (:func:`plowshare.core.scenario.load_scenario`),
so a mistake is the same one-line :class:`~plowshare.core.errors.InputError`.

Share codes are compact, deterministic and versioned: ``1.`` + base64url(deflate(canonical
JSON)), where canonical JSON has sorted keys and no spaces; the same scenario always gives
the same code. :func:`to_toml` writes a file that ``plowshare run`` accepts.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import tomllib
import zlib
from collections import OrderedDict
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from plowshare.core.errors import InputError, nearest
from plowshare.core.sampling import DEFAULT_SEED
from plowshare.core.scenario import Scenario, load_scenario, pydantic_error, shipped_scenarios

CODE_VERSION = "1"
MAX_CODE = 4096  # characters of a share code
MAX_BODY = 64 * 1024  # bytes of a request or an uploaded TOML file
MAX_KEYS = 200  # levers or overrides in one scenario
LAB_FILE = "<lab>"  # how errors name the scenario the page sent

Name = Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=r"^[a-z0-9._-]+$")]
StateCode = Annotated[str, StringConstraints(min_length=1, max_length=40)]
# a lever value: a number, a choice, a list of states or groups, or a rate per state
LeverValue = float | StateCode | list[StateCode] | dict[StateCode, float]
# an override: a value, or a distribution table such as {kind = "uniform", p5 = 1, p95 = 2}
OverrideValue = float | dict[Annotated[str, StringConstraints(max_length=20)], float | str]


class LabScenario(BaseModel):
    """A scenario as the lab sends it: a preset and what the user changed."""

    model_config = ConfigDict(extra="forbid")

    base: Name = Field(default="baseline", description="A shipped scenario (the preset).")
    levers: dict[Name, LeverValue] = Field(default_factory=dict, max_length=MAX_KEYS)
    overrides: dict[Name, OverrideValue] = Field(default_factory=dict, max_length=MAX_KEYS)
    seed: int = Field(default=DEFAULT_SEED, ge=0, le=2**63 - 1)

    def canonical(self) -> str:
        """Sorted-key compact JSON: equal scenarios give equal strings."""
        return json.dumps(self.model_dump(), sort_keys=True, separators=(",", ":"))


def presets() -> dict[str, Scenario]:
    """The shipped scenarios the lab offers (those that need no case file such as a race)."""
    return dict(_presets())


_PRESETS: dict[str, Scenario] = {}


def _presets() -> dict[str, Scenario]:
    if not _PRESETS:
        for name, path in shipped_scenarios().items():
            try:
                sc = load_scenario(path)
            except InputError:  # a shipped file that does not load is not offered
                continue
            if not sc.inputs:
                _PRESETS[name] = sc
    return _PRESETS


def check_base(base: str) -> None:
    names = _presets()
    if base not in names:
        raise InputError(
            f"unknown preset (shipped: {', '.join(names)})",
            file=LAB_FILE,
            key="base",
            suggestion=nearest(base, names),
        )


_CACHE: OrderedDict[str, Scenario] = OrderedDict()
_CACHE_SIZE = 512


def to_scenario(spec: LabScenario) -> Scenario:
    """The validated scenario (cached by content); raises :class:`InputError`."""
    key = spec.canonical()
    hit = _CACHE.get(key)
    if hit is not None:
        _CACHE.move_to_end(key)
        return hit
    check_base(spec.base)
    # the preset's own table merged in here (what `inherits` would do, without re-reading
    # its files on every slider move): the content hash is the same
    base = _merged(spec.base)
    raw = {
        "scenario": {
            "name": f"lab-{spec.base}",
            "description": f"{spec.base} with changes made in the lab",
        },
        "levers": {**base["levers"], **spec.levers},
        "overrides": {**base["overrides"], **spec.overrides},
        "correlations": base["correlations"],
        "run": {**base["run"], "seed": spec.seed},
    }
    sc = load_scenario(LAB_FILE.strip("<>"), raw=raw)
    _CACHE[key] = sc
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return sc


_MERGED: dict[str, dict[str, Any]] = {}


def _merged(base: str) -> dict[str, Any]:
    """A preset's table with everything it inherits merged in (cached)."""
    if base not in _MERGED:
        from plowshare.core.scenario import merged_chain

        _MERGED[base] = merged_chain(base)[0]
    return _MERGED[base]


_LEVERS: OrderedDict[str, dict[str, Any]] = OrderedDict()


def lever_values(sc: Scenario) -> dict[str, Any]:
    """Every lever of the scenario as a user writes it: a number, a choice, states or rates."""
    key = sc.content_hash()
    if key not in _LEVERS:
        _LEVERS[key] = _lever_values(sc)
        if len(_LEVERS) > _CACHE_SIZE:
            _LEVERS.popitem(last=False)
    return _LEVERS[key]


def _lever_values(sc: Scenario) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for p in sc.registry:
        if p.role != "lever":
            continue
        if p.kind == "category":
            out[p.name] = p.choice
        elif p.kind == "states" and p.rates:
            out[p.name] = {s: w for s, w in zip(_states(), p.weights, strict=True) if w > 0}
        elif p.kind == "states":
            out[p.name] = list(p.member_states)
        else:
            out[p.name] = p.value
    return out


def _states() -> tuple[str, ...]:
    from plowshare.core.dims import STATES

    return STATES


# ---- share codes ----------------------------------------------------------------------------


def encode(spec: LabScenario) -> str:
    """The share code of a scenario: deterministic (same scenario, same code) and versioned."""
    blob = zlib.compress(spec.canonical().encode(), 9)
    return f"{CODE_VERSION}.{base64.urlsafe_b64encode(blob).decode().rstrip('=')}"


_CODE = re.compile(r"^([0-9]+)\.([A-Za-z0-9_-]+)$")


def decode(code: str) -> LabScenario:
    """The scenario of a share code; a bad code is an :class:`InputError` naming the problem."""
    m = _CODE.match(code) if len(code) <= MAX_CODE else None
    if m is None:
        raise InputError("not a share code (expected '1.' and base64url text)", key="code")
    if m[1] != CODE_VERSION:
        raise InputError(f"share code version {m[1]} is not known (this lab reads 1)", key="code")
    try:
        raw = base64.urlsafe_b64decode(m[2] + "=" * (-len(m[2]) % 4))
        d = zlib.decompressobj()
        text = d.decompress(raw, MAX_BODY)
        if d.unconsumed_tail:
            raise InputError("share code expands beyond 64 KiB", key="code")
        data = json.loads(text)
    except (binascii.Error, zlib.error, ValueError):
        raise InputError("share code is damaged (cannot be decoded)", key="code") from None
    try:
        return LabScenario.model_validate(data)
    except ValidationError as e:
        raise pydantic_error(e, "<share code>", LabScenario) from None


# ---- TOML ----------------------------------------------------------------------------------


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        x = float(v)
        if not math.isfinite(x):
            raise InputError(f"cannot write the non-finite number {v!r}", key="toml")
        return repr(int(x)) if x.is_integer() and abs(x) < 2**53 else repr(x)
    if isinstance(v, str):
        return json.dumps(v)  # a JSON string is a valid TOML basic string
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise InputError(f"cannot write {type(v).__name__} to TOML", key="toml")


def _key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else json.dumps(k)


def to_toml(spec: LabScenario) -> str:
    """A scenario file that ``plowshare run`` accepts (it inherits the preset by name)."""
    to_scenario(spec)  # refuse to write what would not load
    lines = [
        "# Made in the plowshare lab. Run it with: plowshare run <this file>",
        "[scenario]",
        f"name = {_toml_value('lab-' + spec.base)}",
        f"description = {_toml_value(spec.base + ' with changes made in the lab')}",
        f"inherits = {_toml_value(spec.base)}",
        "",
        "[levers]",
        *(f"{k} = {_toml_value(v)}" for k, v in sorted(spec.levers.items())),
        "",
        "[overrides]",
        *(f"{k} = {_toml_value(v)}" for k, v in sorted(spec.overrides.items())),
        "",
        "[run]",
        f"seed = {spec.seed}",
        "",
    ]
    return "\n".join(lines)


def from_toml(text: str) -> LabScenario:
    """A lab scenario from an uploaded scenario file (no paths: ``inherits`` must be a preset)."""
    file = "<upload>"
    if len(text.encode()) > MAX_BODY:
        raise InputError("file is larger than 64 KiB", file=file)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"unreadable TOML: {e}", file=file) from None
    extra = sorted(set(raw) - {"scenario", "levers", "overrides", "run"})
    if extra:
        raise InputError(
            f"the lab reads [scenario], [levers], [overrides] and [run] only; got [{extra[0]}]",
            file=file,
            key=extra[0],
        )
    meta = raw.get("scenario", {})
    base = meta.get("inherits", "baseline") if isinstance(meta, dict) else "baseline"
    if not isinstance(base, str) or base not in _presets():
        raise InputError(
            "inherits must name a shipped scenario (the lab reads no paths)",
            file=file,
            key="scenario.inherits",
            suggestion=nearest(str(base), _presets()),
        )
    from plowshare.core.scenario import flatten, rate_tables

    for section in ("levers", "overrides", "run"):
        if not isinstance(raw.get(section, {}), dict):
            raise InputError("a table expected", file=file, key=section)
    run = raw.get("run", {})
    seed = run.get("seed", DEFAULT_SEED) if isinstance(run, dict) else DEFAULT_SEED
    data = {
        "base": base,
        "levers": flatten(raw.get("levers", {}), leaves=rate_tables()),
        "overrides": flatten(raw.get("overrides", {})),
        "seed": seed,
    }
    try:
        spec = LabScenario.model_validate(data)
    except ValidationError as e:
        raise pydantic_error(e, file, LabScenario) from None
    to_scenario(spec)
    return spec
