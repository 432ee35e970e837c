"""Benchmark `plowshare brief`: 17 scenarios, the claims ledger, one race, one HTML page.

Usage: ``.venv/bin/python bench/bench_brief.py [--draws 2000]``

Times each stage from the brief's own progress calls; peak memory is the process's maximum
resident set size (``ru_maxrss``), which includes the interpreter and imports. No timing is
asserted anywhere.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import tempfile
import time
from pathlib import Path

from plowshare.report.brief import write


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark the HTML brief.")
    ap.add_argument("--draws", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=20260101)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = ap.parse_args(argv)
    marks: list[tuple[str, float]] = []
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        page = write(
            Path(tmp) / "brief.html",
            args.draws,
            args.seed,
            lambda label: marks.append((label, time.perf_counter())),
        )
        size_mb = page.stat().st_size / 1e6
    total = time.perf_counter() - t0
    marks.append(("end", t0 + total))
    stage: dict[str, float] = {}
    for (label, t), (_, t_next) in itertools.pairwise(marks):
        key = "scenarios" if label.startswith("running") else label
        stage[key] = stage.get(key, 0.0) + t_next - t
    rows = {
        "draws": args.draws,
        "total_s": total,
        "stages_s": {k: round(v, 2) for k, v in stage.items()},
        "html_mb": round(size_mb, 2),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(json.dumps(rows, indent=2))
    args.out.mkdir(parents=True, exist_ok=True)
    day = time.strftime("%Y-%m-%d")
    (args.out / f"brief-{day}.json").write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
