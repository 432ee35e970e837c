"""What each API call computes, as plain functions of a :class:`~.spec.LabScenario`.

The central answer runs in the server process (a few milliseconds); bands, A/B comparisons
and claims run in a worker process (:mod:`.workers`) through the same functions, so a slider
never waits on them.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from plowshare.core.params import default_registry

from .answers import answers, charts, differences, state_view
from .compute import run_fast
from .spec import LabScenario, encode, lever_values, presets, to_scenario

STATE_YEAR = 2035


def central(spec: LabScenario, state_year: int = STATE_YEAR) -> dict[str, Any]:
    """The central path (one run at central values) and everything the page shows of it."""
    t0 = time.perf_counter()
    sc = to_scenario(spec)
    r, years = run_fast(sc, 1, spec.seed)
    t1 = time.perf_counter()
    out = {
        "share": encode(spec),
        "draws": 1,
        "levers": lever_values(sc),
        "answers": answers(r, years, 1),
        "charts": charts(r, years, 1),
        "states": state_view(r, years, state_year),
    }
    out["timing_ms"] = {"model": 1e3 * (t1 - t0), "total": 1e3 * (time.perf_counter() - t0)}
    return out


def bands(spec: LabScenario, draws: int, state_year: int = STATE_YEAR) -> dict[str, Any]:
    """The 90 % bands over ``draws`` draws (same seed, so the same draws every time)."""
    t0 = time.perf_counter()
    sc = to_scenario(spec)
    r, years = run_fast(sc, draws, spec.seed)
    t1 = time.perf_counter()
    out = {
        "share": encode(spec),
        "draws": draws,
        "answers": answers(r, years, draws),
        "charts": charts(r, years, draws),
        "states": state_view(r, years, state_year),
    }
    out["timing_ms"] = {"model": 1e3 * (t1 - t0), "total": 1e3 * (time.perf_counter() - t0)}
    return out


def compare(a: LabScenario, b: LabScenario, draws: int) -> dict[str, Any]:
    """B − A per draw on the same draws (both run with A's seed: common random numbers)."""
    t0 = time.perf_counter()
    sa, sb = to_scenario(a), to_scenario(b)
    ra, years = run_fast(sa, draws, a.seed)
    rb, years_b = run_fast(sb, draws, a.seed)
    if not np.array_equal(years, years_b):
        from plowshare.core.errors import InputError

        raise InputError("A and B must cover the same years to be compared", key="b.base")
    return {
        "draws": draws,
        "seed": a.seed,
        "differences": differences(ra, rb, years, draws),
        "charts": charts(rb, years, draws, base=ra),
        "timing_ms": {"total": 1e3 * (time.perf_counter() - t0)},
    }


def claims(spec: LabScenario, draws: int) -> dict[str, Any]:
    """The claims ledger on your scenario: each claim's policy scenario replaced by yours
    (its reference scenario kept), beside the verdict on the shipped scenarios."""
    from plowshare.claims import ledger
    from plowshare.engine import api

    t0 = time.perf_counter()
    mine = api.run(to_scenario(spec), draws=draws, seed=spec.seed)
    shipped: dict[str, Any] = {}

    def run(name: str) -> Any:
        if name not in shipped:
            from plowshare.core.scenario import load_scenario

            shipped[name] = api.run(load_scenario(name), draws=draws, seed=spec.seed)
        return shipped[name]

    rows = []
    for c in ledger.load_claims():
        if c.metric not in ledger.METRICS or any(s not in presets() for s in c.scenarios):
            continue  # e.g. the contest claim: its scenario needs a race file
        row: dict[str, Any] = {"id": c.id, "title": c.title, "test": c.test}
        for key, data in (
            ("shipped", {s: run(s) for s in c.scenarios}),
            ("yours", {**{s: run(s) for s in c.scenarios[:-1]}, c.scenarios[-1]: mine}),
        ):
            try:
                y = np.asarray(ledger.METRICS[c.metric](data, c), dtype=np.float64)
            except KeyError:  # your scenario does not run the model the claim reads
                row[key] = None
                continue
            ok = np.isfinite(y)
            share = float(ledger.OPS[c.op](y[ok], c.threshold).mean()) if ok.any() else math.nan
            q = np.quantile(y[ok], [0.05, 0.5, 0.95]) if ok.any() else [math.nan] * 3
            row[key] = {
                "share_holding": share if math.isfinite(share) else None,
                "verdict": ledger.verdict(share) if math.isfinite(share) else "no data",
                "metric": [float(v) if math.isfinite(v) else None for v in q],
                "unit": c.unit,
            }
        row["touched"] = row.get("yours") != row.get("shipped")
        row["replaces"] = c.scenarios[-1]
        rows.append(row)
    return {
        "draws": draws,
        "claims": rows,
        "timing_ms": {"total": 1e3 * (time.perf_counter() - t0)},
    }


def meta() -> dict[str, Any]:
    """Everything the page builds its controls from: levers, uncertainties, presets, states."""
    from plowshare.core.dims import GROUP_DESCRIPTIONS, STATES, state_groups
    from plowshare.report.html import NOTE, PALETTE, STATE_NAMES, TILE_POSITIONS

    reg = default_registry()

    def cite(keys: tuple[str, ...]) -> list[str]:
        return [reg.sources[k].cite() for k in keys]

    levers, uncertain = [], []
    for p in reg:
        rec: dict[str, Any] = {
            "name": p.name, "model": p.model, "description": p.description, "unit": p.unit,
            "kind": p.kind, "status": p.status, "sources": cite(p.sources), "note": p.note,
        }  # fmt: skip
        if p.role == "lever":
            lo, hi = p.bounds
            rec |= {
                "value": p.value,
                "min": lo if math.isfinite(lo) else None,
                "max": hi if math.isfinite(hi) else None,
                "choices": list(p.choices),
                "rates": p.rates,
            }
            levers.append(rec)
        elif p.role == "uncertainty":
            p5, p50, p95 = p.dist.quantiles()
            rec |= {
                "value": p.value, "dist": p.dist.to_dict(), "describe": p.dist.describe(p.unit),
                "p5": p5, "p50": p50, "p95": p95,
            }  # fmt: skip
            uncertain.append(rec)
    return {
        "note": NOTE,
        "levers": levers,
        "uncertainties": uncertain,
        "presets": [
            {"name": n, "question": s.question or s.description, "description": s.description}
            for n, s in presets().items()
        ],
        "states": list(STATES),
        "state_names": STATE_NAMES,
        "tiles": {s: list(rc) for s, rc in TILE_POSITIONS.items()},
        "groups": {
            g: {"states": list(v), "description": GROUP_DESCRIPTIONS.get(g, "")}
            for g, v in state_groups().items()
        },
        "palette": list(PALETTE),
        "limits": limits(),
    }


def limits() -> dict[str, int]:
    from .spec import MAX_BODY, MAX_KEYS

    return {
        "band_draws_default": BAND_DRAWS,
        "band_draws_max": MAX_BAND_DRAWS,
        "claims_draws_max": MAX_CLAIMS_DRAWS,
        "body_bytes_max": MAX_BODY,
        "keys_max": MAX_KEYS,
    }


BAND_DRAWS = 1000
MAX_BAND_DRAWS = 2000
MIN_BAND_DRAWS = 50
MAX_CLAIMS_DRAWS = 500
