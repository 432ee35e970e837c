"""Benchmark each model stage alone: investment, compute, labour, fund, investment + compute.

Usage: ``.venv/bin/python bench/bench_models.py [--draws 10000,100000]``

Each stage runs on the baseline scenario's sampled parameters with its upstream outputs
computed beforehand (untimed), so the figure is that model's own cost. Best of 5 repeats
(``time.perf_counter``); peak memory is tracemalloc's peak on the first repeat. The
per-trajectory time of investment + compute is set beside Davidson's takeoff model, which
takes 0.4-0.6 s per run (research notes, measured on a 2-core machine). Nothing here
asserts on timings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

import plowshare
from plowshare.core.registry import models as registered
from plowshare.engine.pipeline import draw_params, order, run_models

sys.path.insert(0, str(Path(__file__).parent))
from bench_fund import measure

MODELS = registered()

DAVIDSON_S = (0.4, 0.6)
STAGES = (
    ("investment",),
    ("siting",),
    ("compute",),
    ("energy",),
    ("labor",),
    ("fund",),
    ("investment", "compute"),
    ("siting", "energy"),
)


def feed(model: str, upstream: dict[str, dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {
        a: upstream[u.model][u.output]
        for a, u in MODELS[model].upstream.items()
        if u.model in upstream
    }


ALL_LEVERS = {  # every state lever at once in Democratic trifectas (group 2)
    f"siting.{k}_group": 2.0 for k in ("moratorium", "mandate", "safety", "equity", "tax")
}
POLICY_CASES = (
    ("no policy", "baseline", {}),
    ("blue-state moratorium", "moratorium-blue-states", {}),
    ("all five state levers", "baseline", ALL_LEVERS),
)


def bench_policies(n: int) -> list[dict[str, Any]]:
    """Siting + energy under policies: the policy path is where the (n, T, 51) arrays are."""
    rows = []
    for label, name, levers in POLICY_CASES:
        sc = plowshare.load_scenario(name).with_values(levers, "bench")
        years = np.asarray(sc.years, dtype=np.float64)
        models = order([m for m in sc.models if m in MODELS])
        params = draw_params(sc.registry, models, n, 1)
        up = run_models(params, years, models)

        def fn(mp=params, up=up, years=years):  # type: ignore[no-untyped-def]
            s = MODELS["siting"].run(mp, years, **feed("siting", up))
            return MODELS["energy"].run(mp, years, **feed("energy", {**up, "siting": s}))

        t, peak = measure(fn, 5)
        rows.append(
            {
                "stage": f"siting + energy, {label}",
                "draws": n,
                "ms": t * 1e3,
                "us_per_trajectory": t * 1e6 / n,
                "peak_mb": peak / 1e6,
                "years": f"{int(years[0])}-{int(years[-1])}",
            }
        )
    return rows


def bench(n: int) -> list[dict[str, Any]]:
    sc = plowshare.load_scenario("baseline")
    years = np.asarray(sc.years, dtype=np.float64)
    params = draw_params(sc.registry, order([m for m in sc.models if m in MODELS]), n, 1)
    upstream = run_models(params, years, order([m for m in sc.models if m in MODELS]))
    rows = []
    for stage in STAGES:
        if len(stage) == 1:
            m = stage[0]
            mp = {k: v for k, v in params.items() if k.startswith(f"{m}.")}
            fn = partial(MODELS[m].run, mp, years, **feed(m, upstream))
        elif stage == ("siting", "energy"):  # the two stages together, upstream given

            def fn(mp=params, up=upstream):  # type: ignore[no-untyped-def]
                s = MODELS["siting"].run(mp, years, **feed("siting", up))
                return MODELS["energy"].run(mp, years, **feed("energy", {**up, "siting": s}))
        else:
            fn = partial(run_models, params, years, list(stage))
        t, peak = measure(fn, 5)
        rows.append(
            {
                "stage": " + ".join(stage),
                "draws": n,
                "ms": t * 1e3,
                "us_per_trajectory": t * 1e6 / n,
                "peak_mb": peak / 1e6,
                "years": f"{int(years[0])}-{int(years[-1])}",
            }
        )
    return rows + bench_policies(n)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark each model stage alone.")
    ap.add_argument("--draws", default="10000,100000")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = ap.parse_args(argv)
    rows = [r for n in map(int, args.draws.split(",")) for r in bench(n)]
    print("| stage | draws | ms | µs per trajectory | peak MB |\n|---|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['stage']} | {r['draws']:,} | {r['ms']:,.1f} | {r['us_per_trajectory']:,.2f}"
            f" | {r['peak_mb']:,.1f} |"
        )
    ic = [r for r in rows if r["stage"] == "investment + compute"]
    for r in ic:
        lo, hi = (s * 1e6 / r["us_per_trajectory"] for s in DAVIDSON_S)
        print(
            f"investment + compute at {r['draws']:,} draws: {r['us_per_trajectory']:.1f} µs per "
            f"2025-2050 trajectory vs 0.4-0.6 s per run of Davidson's takeoff model: "
            f"{lo:,.0f}-{hi:,.0f}x less time per trajectory."
        )
    today = dt.date.today().isoformat()
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"models-{today}.json"
    machine = {
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
    }
    path.write_text(json.dumps({"date": today, "machine": machine, "results": rows}, indent=2))
    print(f"Wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
