"""Benchmark the contest model: race simulation and the equilibrium prize sweep.

Usage: ``.venv/bin/python bench/bench_contest.py [--draws 10000] [--chunk 1000]``

The equilibrium sweep (6 prizes, damped best responses, each a 32-point grid plus 20
golden-section steps) is independent per draw, so it runs in chunks of draws to bound
memory; times are summed. Peak memory is tracemalloc's peak. No timing is asserted.
"""

from __future__ import annotations

import argparse
import json
import time
import tracemalloc
from pathlib import Path

import numpy as np

from plowshare.core.params import default_registry
from plowshare.core.sampling import sample
from plowshare.models.contest import load_race, run_race


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark the contest model.")
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--chunk", type=int, default=1_000)
    ap.add_argument("--race", default="ny12-2026")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = ap.parse_args(argv)
    race = load_race(args.race)
    p = sample(default_registry().for_model("contest"), args.draws, 1)
    tracemalloc.start()
    t0 = time.perf_counter()
    run_race(p, race, 1, solve_equilibrium=False)
    t_sim = time.perf_counter() - t0
    peak_sim = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    t_eq, peak_eq = 0.0, 0
    for s in range(0, args.draws, args.chunk):
        chunk = {k: v[s : s + args.chunk] for k, v in p.items()}
        t0 = time.perf_counter()
        run_race(chunk, race, 1, solve_equilibrium=True)
        t_eq += time.perf_counter() - t0
        peak_eq = max(peak_eq, tracemalloc.get_traced_memory()[1])
        tracemalloc.reset_peak()
    tracemalloc.stop()
    rows = {
        "race": race.meta.name,
        "draws": args.draws,
        "simulation_s": t_sim,
        "simulation_peak_mb": peak_sim / 1e6,
        "equilibrium_sweep_s": t_eq,
        "equilibrium_chunk": args.chunk,
        "equilibrium_peak_mb": peak_eq / 1e6,
        "equilibrium_ms_per_draw": 1e3 * t_eq / args.draws,
    }
    print(json.dumps(rows, indent=2))
    args.out.mkdir(parents=True, exist_ok=True)
    day = time.strftime("%Y-%m-%d")
    (args.out / f"contest-{day}.json").write_text(json.dumps(rows, indent=2) + "\n")
    print(f"(equilibrium: 6 prizes; {np.round(t_eq / 6, 1)} s per prize)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
