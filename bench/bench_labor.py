"""Benchmark the labour model at 10,000 draws with state detail: time and peak memory.

Usage: ``.venv/bin/python bench/bench_labor.py [--draws 10000] [--repeats 3]``

The compute model runs once beforehand (untimed) on the baseline scenario's sampled
parameters; the timed call is the labour model alone, with its (n, T, 22) group and
(n, T, 51) state outputs. Best of the repeats (``time.perf_counter``); peak memory is
tracemalloc's peak on the first repeat. Nothing here asserts on timings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import time
import tracemalloc
from pathlib import Path

import numpy as np

import plowshare
from plowshare.core.contract import Params
from plowshare.core.registry import models as registered
from plowshare.engine.pipeline import choices_of, draw_params, order, run_models


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    sc = plowshare.load_scenario("baseline")
    years = np.asarray(sc.years, dtype=np.float64)
    spec = registered()["labor"]
    models = order(["labor"])
    params = draw_params(sc.registry, models, args.draws, 1)
    up = run_models(params, years, [m for m in models if m != "labor"])
    feed = {a: up[u.model][u.output] for a, u in spec.upstream.items()}
    mine = {k: v for k, v in params.items() if k.startswith("labor.")}
    times, peak = [], 0
    for i in range(args.repeats):
        view = Params(mine, choices_of(sc.registry))
        if i == 0:
            tracemalloc.start()
        t0 = time.perf_counter()
        out = spec.run(view, years, **feed)
        times.append(time.perf_counter() - t0)
        if i == 0:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    size = sum(a.nbytes for a in out.values())
    row = {
        "date": dt.date.today().isoformat(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "draws": args.draws,
        "years": len(years),
        "best_s": round(min(times), 3),
        "peak_mb": round(peak / 2**20, 1),
        "outputs_mb": round(size / 2**20, 1),
        "state_output_shape": list(out["displaced_by_state"].shape),
    }
    print(json.dumps(row, indent=2))
    path = Path(__file__).parent / "results" / f"labor-{row['date']}.json"
    path.write_text(json.dumps(row, indent=2) + "\n")


if __name__ == "__main__":
    main()
