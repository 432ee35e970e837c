"""The long fuzz run (``make fuzz``): many mutated scenario files, race files and command
lines through ``plowshare.cli.main``; prints the counts and the first problems found.

    python -m tests.fuzz.run --scenarios 2000 --races 1000 --cli 500
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.fuzz import mutate as m

HANG_SECONDS = 10.0


def campaign(
    label: str, n: int, strategy: st.SearchStrategy[Any], case: Callable[[Any], m.Outcome]
) -> int:
    counts: collections.Counter[str] = collections.Counter()
    problems: list[str] = []
    t_start = time.perf_counter()

    @settings(
        max_examples=n,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def one(x: Any) -> None:
        t0 = time.perf_counter()
        o = case(x)
        secs = time.perf_counter() - t0
        counts["examples"] += 1
        counts[f"exit {o.code}" if o.exception is None else "exception"] += 1
        p = o.problem() or (f"hang {secs:.1f} s" if secs > HANG_SECONDS else None)
        if p:
            counts["problems"] += 1
            kind = p.split(":")[0]
            counts[f"  {kind}"] += 1
            if len(problems) < 12:
                problems.append(f"{p} <- {str(x)[:200]!r}")

    one()
    secs = time.perf_counter() - t_start
    print(
        f"{label}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + f" ({secs:.0f} s)"
    )
    for p in problems:
        print("   ", p)
    return counts["problems"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenarios", type=int, default=2000)
    ap.add_argument("--races", type=int, default=1000)
    ap.add_argument("--cli", type=int, default=500)
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        cwd = os.getcwd()
        os.chdir(tmp)  # a stray ./baseline file must not replace the shipped one
        try:
            bad = campaign(
                "scenario files",
                a.scenarios,
                m.mutated("scenarios", m.scenario_semantics()),
                lambda data: m.scenario_case(data, tmp),
            )
            bad += campaign(
                "race files",
                a.races,
                m.mutated("races", m.race_semantics()),
                lambda data: m.race_case(data, tmp),
            )
            bad += campaign("command lines", a.cli, m.cli_args(tmp), m.run_cli)
        finally:
            os.chdir(cwd)
    print(f"total problems: {bad}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
