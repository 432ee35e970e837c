"""Benchmark the fund model: sampling, pure model and full ``plowshare.run`` per scenario.

Usage: ``.venv/bin/python bench/bench_fund.py [--quick] [--scenarios a,b]``

Times are the best of k repeats (k=5 up to 10,000 draws, k=1 at 1,000,000) with
``time.perf_counter``. Peak memory is the tracemalloc peak (Python and numpy
allocations) of the first repeat of each stage. At 1,000,000 draws the model stage
runs in chunks of 250,000 (times summed, peak is the largest chunk) and the full run
uses ``chunk_size=250_000`` and keeps what ``plowshare run`` keeps at that size (the
printed outputs at the report years); 1,000,000 draws run only for the scenarios in
``BIG`` unless ``--all``. Nothing here asserts on timings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

import plowshare
from plowshare.core.registry import models as registered
from plowshare.core.scenario import Scenario, shipped_scenarios
from plowshare.engine.pipeline import draw_params, order, run_models
from plowshare.engine.tables import displayed_outputs
from plowshare.models.fund.solve import solve_rate

MODELS = registered()

CHUNK = 250_000
BIG = ("mcap-tax-5pct", "at-the-limit", "nationalisation", "baseline")
MB = 1e6
DAVIDSON = "0.4–0.6 s per run (Davidson's takeoff model, as documented in the research notes)"
COLUMNS = ["scenario", "draws", "sample ms", "model ms", "full run ms", "µs/draw", "peak MB"]


def measure(fn: Callable[[], object], k: int) -> tuple[float, float]:
    """Best wall time (s) of k calls, and the tracemalloc peak (bytes) of the first call."""
    best = float("inf")
    peak = 0.0
    for i in range(k):
        gc.collect()
        if i == 0:
            tracemalloc.start()
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
        if i == 0:
            peak = float(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
        del result
    return best, peak


def bench_scenario(sc: Scenario, draws: int, full: bool = True) -> dict[str, Any]:
    k = 1 if draws > 10_000 else 5
    years = np.asarray(sc.years, dtype=np.float64)
    models = order(
        [m for m in sc.models if m in MODELS]
    )  # the scenario's models plus required upstream, as plowshare.run
    t_sample, p_sample = measure(lambda: draw_params(sc.registry, models, draws, 1), k)
    params = draw_params(sc.registry, models, draws, 1)
    t_model, p_model = 0.0, 0.0
    for s in range(0, draws, CHUNK):
        chunk = {name: v[s : s + CHUNK] for name, v in params.items()}
        t, p = measure(partial(run_models, chunk, years, models), k)
        t_model, p_model = t_model + t, max(p_model, p)
    del params, chunk
    slim = draws > 100_000  # as the CLI: keep the printed outputs and years only
    run = partial(
        plowshare.run,
        sc,
        draws=draws,
        seed=1,
        chunk_size=CHUNK,
        outputs=displayed_outputs() if slim else None,
        years=list(sc.run.report_years) if slim else None,
    )
    t_full, p_full = measure(run, k) if full else (float("nan"), float("nan"))
    return {
        "scenario": sc.name,
        "models": models,
        "draws": draws,
        "repeats": k,
        "model_chunks": -(-draws // CHUNK),
        "full_run_keeps": "printed outputs at report years" if slim else "everything",
        "sample_ms": t_sample * 1e3,
        "model_ms": t_model * 1e3,
        "full_run_ms": t_full * 1e3,
        "model_us_per_draw": t_model * 1e6 / draws,
        "peak_mb": {"sample": p_sample / MB, "model": p_model / MB, "full_run": p_full / MB},
    }


def bench_solver(sc: Scenario, draws: int = 10_000) -> dict[str, Any]:
    years = np.asarray(sc.years, dtype=np.float64)
    models = order(["fund"])
    params = draw_params(sc.registry, models, draws, 1)
    up = run_models(params, years, [m for m in models if m != "fund"])  # upstream, untimed
    feed = {a: up[u.model][u.output] for a, u in MODELS["fund"].upstream.items() if u.model in up}
    t, p = measure(lambda: solve_rate(params, years, "mcap_tax", 2035, **feed), 5)
    call = {"scenario": sc.name, "draws": draws, "instrument": "mcap_tax", "target_year": 2035}
    return call | {"repeats": 5, "ms": t * 1e3, "us_per_draw": t * 1e6 / draws, "peak_mb": p / MB}


def max_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / MB if sys.platform == "darwin" else rss * 1024 / MB  # bytes on macOS, KiB else


def machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "plowshare": plowshare.package_version(),
    }


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join(["---"] + ["---:"] * 6) + "|"]
    for r in rows:
        cells = [r["scenario"], f"{r['draws']:,}", f"{r['sample_ms']:,.1f}"]
        cells += [f"{r[c]:,.1f}".replace("nan", "skipped") for c in ("model_ms", "full_run_ms")]
        peak = max(v for v in r["peak_mb"].values() if v == v)  # v == v drops NaN
        cells += [f"{r['model_us_per_draw']:,.2f}", f"{peak:,.1f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--quick", action="store_true", help="skip 1,000,000 draws")
    ap.add_argument("--scenarios", help="comma-separated names (default: all shipped)")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    ap.add_argument("--max-gb", type=float, default=8.0, help="skip full runs estimated above")
    ap.add_argument("--all", action="store_true", help="1,000,000 draws for every scenario")
    args = ap.parse_args(argv)
    names = args.scenarios.split(",") if args.scenarios else sorted(shipped_scenarios())
    sizes = [1, 10_000] if args.quick else [1, 10_000, 1_000_000]
    rows: list[dict[str, Any]] = []
    for name in names:
        sc = plowshare.load_scenario(name)
        for n in sizes:
            if n > 100_000 and not (args.all or name in BIG):
                continue
            # estimate the full run's peak from the previous size's, per draw (slim runs: /5)
            est_mb = rows[-1]["peak_mb"]["full_run"] / rows[-1]["draws"] * n if n > 1 else 0.0
            est_mb /= 5 if n > 100_000 else 1
            rows.append(bench_scenario(sc, n, full=est_mb <= args.max_gb * 1000))
            r = rows[-1]
            print(
                f"  {name} @ {n:,}: model {r['model_ms']:,.1f} ms, full {r['full_run_ms']:,.1f} ms",
                file=sys.stderr,
                flush=True,
            )
    solver_sc = "mcap-tax-5pct" if "mcap-tax-5pct" in names else names[0]
    solver = bench_solver(plowshare.load_scenario(solver_sc))
    rss = max_rss_mb()
    today = dt.date.today().isoformat()

    print(f"\n## Fund model benchmark, {today}\n")
    print(table(rows))
    print(
        f"\nModel stage above {CHUNK:,} draws runs in chunks of {CHUNK:,} (times summed); "
        f"full run uses chunk_size={CHUNK:,}. µs/draw is the model stage. Peak MB is the "
        "largest tracemalloc peak of the three stages."
    )
    big = [r for r in rows if r["draws"] == max(sizes)]
    us = min(r["model_us_per_draw"] for r in big)
    print(
        f"Model: {us:,.1f}–{max(r['model_us_per_draw'] for r in big):,.1f} µs per trajectory at "
        f"{max(sizes):,} draws, vs {DAVIDSON}: ~{0.5e6 / us:,.0f}× fewer seconds per trajectory."
    )
    print(
        f"Solver: solve_rate(mcap_tax, 2035) on {solver_sc} at {solver['draws']:,} draws: "
        f"{solver['ms']:,.0f} ms ({solver['us_per_draw']:,.0f} µs/draw), "
        f"peak {solver['peak_mb']:,.0f} MB."
    )
    print(f"Process max RSS: {rss:,.0f} MB.")
    m = machine()
    print(
        f"Machine: {m['platform']}, {m['cpu_count']} CPUs, Python {m['python']}, "
        f"numpy {m['numpy']}."
    )

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"fund-{today}{'-quick' if args.quick else ''}.json"
    doc = {
        "date": today,
        "machine": m,
        "quick": args.quick,
        "chunk_size": CHUNK,
        "comparison": DAVIDSON,
        "results": rows,
        "solver": solver,
        "max_rss_mb": rss,
    }
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False).replace("NaN", "null") + "\n")
    print(f"Wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
