"""Peak memory and time of ``plowshare run``, each case in its own process.

Usage::

    .venv/bin/python bench/bench_memory.py                   # run with and without --out
    .venv/bin/python bench/bench_memory.py --sweep           # chunk sizes at 10k and 100k
    .venv/bin/python bench/bench_memory.py --backends        # local vs dask, 1 and 2 workers
    .venv/bin/python bench/bench_memory.py --src /tmp/old/src --cap-mb 8000   # another tree
    .venv/bin/python bench/bench_memory.py --draws 1000000 10000000 --max-out 0 --timeout 20000
    .venv/bin/python bench/bench_memory.py --draws 20000 --keep all      # --out --keep all

Above 100,000 draws ``plowshare run`` streams (``engine/streamed.py``): parameters
sampled to disk, the key table reduced exactly from a disk spill, the sentences from a
sample of 50,000 draws; ``--keep-draws`` cases (``--keep-draws-too``) force that path.

Each case runs in a fresh subprocess; its peak resident memory is the kernel's
``ru_maxrss`` for that child (``os.wait4``), and a watchdog reading ``/proc/PID/status``
kills it if it passes ``--cap-mb`` (reported as killed) or ``--timeout`` seconds. Times are
wall-clock and CPU (user + system) seconds, including interpreter start-up and imports
(about 1.5 s here); on a shared machine CPU seconds vary less than wall time. The marginal
cost per trajectory is the slope between the two largest draw counts, which removes the
fixed start-up. Nothing here is asserted; results go to ``bench/results/``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

SCENARIO = "integrated-mcap-tax-5pct"
HERE = Path(__file__).resolve().parent

SWEEP_CHILD = """
import sys, time
import plowshare
from plowshare.engine import api
from plowshare.engine.tables import displayed_outputs
sc = plowshare.load_scenario(sys.argv[1])
t, c = time.perf_counter(), time.process_time()
api.run(sc, draws=int(sys.argv[2]), chunk_size=int(sys.argv[3]), outputs=displayed_outputs(),
        years=list(sc.run.report_years))
print(time.perf_counter() - t, time.process_time() - c)
"""


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(cmd: list[str], env: dict[str, str], cap_mb: int, timeout: float) -> dict[str, object]:
    """Run ``cmd``; its wall time, peak RSS (MB) and how it ended."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as fo, tempfile.TemporaryFile() as fe:
        proc = subprocess.Popen(cmd, env=env, stdout=fo, stderr=fe, start_new_session=True)
        killed = ""
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if rss_kb(proc.pid) > cap_mb * 1024:
                killed = f"killed above {cap_mb:,} MB"
            elif time.perf_counter() - t0 > timeout:
                killed = f"killed after {timeout:.0f} s"
            if killed:
                os.killpg(proc.pid, signal.SIGKILL)
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        proc.returncode = status  # reaped here, not by Popen
        secs = time.perf_counter() - t0
        fo.seek(0)
        fe.seek(0)
        out, err = fo.read().decode(), fe.read().decode()
    return {
        "seconds": round(secs, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),  # less noisy when shared
        "peak_mb": round(usage.ru_maxrss / 1024, 1),  # children of a dask run not included
        "status": killed or ("ok" if status == 0 else f"exit {status >> 8}: {err[-300:]}"),
        "stdout_tail": out.strip().splitlines()[-1] if out.strip() else "",
    }


def cli(args: list[str]) -> list[str]:
    return [
        sys.executable,
        "-c",
        "import sys; from plowshare.cli import main; sys.exit(main())",
        *args,
    ]


def env_for(src: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
    return env


def report(name: str, case: dict[str, object]) -> None:
    print(
        f"{name:<48} {case['seconds']:>7} s {case['cpu_seconds']:>7} cpu-s"
        f" {case['peak_mb']:>8} MB  {case['status']}",
        flush=True,
    )


def run_cases(a: argparse.Namespace, env: dict[str, str]) -> list[dict[str, object]]:
    cases = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in a.draws:
            for with_out in (False, True):
                if with_out and n > a.max_out:
                    continue
                args = ["run", SCENARIO, "--draws", str(n)]
                if with_out:
                    args += ["--out", str(Path(tmp) / f"out-{n}"), "--keep", a.keep]
                case = measure(cli(args), env, a.cap_mb, a.timeout)
                size = sum(p.stat().st_size for p in (Path(tmp) / f"out-{n}").glob("*"))
                case |= {"draws": n, "out": with_out, "written_mb": round(size / 2**20, 1)}
                case |= {"keep": a.keep if with_out else None}
                report(f"run --draws {n:,}{' --out --keep ' + a.keep if with_out else ''}", case)
                cases.append(case)
            if a.keep_draws_too and n <= 100_000:
                case = measure(cli([*args[:4], "--keep-draws"]), env, a.cap_mb, a.timeout)
                case |= {"draws": n, "out": False, "keep_draws": True}
                report(f"run --draws {n:,} --keep-draws", case)
                cases.append(case)
    return cases


def run_sweep(a: argparse.Namespace, env: dict[str, str]) -> list[dict[str, object]]:
    cases = []
    for n in a.sweep_draws:
        for c in a.chunks:
            cmd = [sys.executable, "-c", SWEEP_CHILD, SCENARIO, str(n), str(c)]
            case = measure(cmd, env, a.cap_mb, a.timeout)
            wall, cpu = (float(x) for x in (str(case["stdout_tail"]) or "nan nan").split())
            case |= {"draws": n, "chunk": c, "run_seconds": round(wall, 3)}
            case |= {"run_cpu_seconds": round(cpu, 3), "us_per_draw": round(cpu / n * 1e6, 1)}
            report(f"api.run {n:,}, chunk {c:,}: {case['us_per_draw']} cpu-µs/draw", case)
            cases.append(case)
    return cases


def run_backends(a: argparse.Namespace, env: dict[str, str]) -> list[dict[str, object]]:
    cases = []
    n = a.backend_draws
    for name, extra in [
        ("local", ["--backend", "local"]),
        ("dask, 1 worker", ["--backend", "dask", "--workers", "1"]),
        ("dask, 2 workers", ["--backend", "dask", "--workers", "2"]),
    ]:
        case = measure(cli(["run", SCENARIO, "--draws", str(n), *extra]), env, a.cap_mb, a.timeout)
        case |= {"draws": n, "backend": name}
        report(f"run --draws {n:,} {name}", case)
        cases.append(case)
    return cases


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, nargs="+", default=[2_000, 20_000, 100_000])
    ap.add_argument("--max-out", type=int, default=100_000, help="largest --out case")
    ap.add_argument("--keep", default="key", help="--keep of the --out cases")
    ap.add_argument("--keep-draws-too", action="store_true", help="add --keep-draws cases")
    ap.add_argument("--sweep", action="store_true", help="chunk-size sweep instead")
    ap.add_argument("--sweep-draws", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--chunks", type=int, nargs="+", default=[500, 1_000, 2_000, 5_000, 20_000])
    ap.add_argument("--backends", action="store_true", help="local vs dask instead")
    ap.add_argument("--backend-draws", type=int, default=100_000)
    ap.add_argument("--src", help="benchmark the source tree at this path (PYTHONPATH)")
    ap.add_argument("--cap-mb", type=int, default=12_000)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--tag", default="", help="suffix of the results file name")
    a = ap.parse_args()
    env = env_for(a.src)
    kind = "sweep" if a.sweep else "backends" if a.backends else "memory"
    fn = run_sweep if a.sweep else run_backends if a.backends else run_cases
    cases = fn(a, env)
    result = {
        "date": date.today().isoformat(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "python": platform.python_version(),
        "scenario": SCENARIO,
        "src": a.src or "installed",
        "cases": cases,
    }
    path = HERE / "results" / f"{kind}-{result['date']}{'-' + a.tag if a.tag else ''}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
