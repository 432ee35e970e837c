"""Load test of the lab on loopback: simulated users moving sliders (stops by itself).

Starts ``plowshare serve`` on a free 127.0.0.1 port (or uses ``--url``, which must be a
loopback address), then runs ``--users`` concurrent users for ``--seconds``. Each user
moves a lever (a moratorium start year, the states on the map, a tax rate), asking for the
central answer on every move, as the page does; after a burst of moves it pauses and asks
for the 90 % bands (1,000 draws), then thinks before the next burst. Prints p50/p95/p99
latency of central and bands requests and the error count; ``--json`` writes them to a file.

    python bench/load_lab.py                       # 50 users, 60 s
    python bench/load_lab.py --users 10 --seconds 15
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx
import numpy as np

STATES = ["VA", "GA", "TX", "AZ", "OH", "PA", "NY", "IL", "OR", "WA", "NC", "IN"]
PRESETS = ["baseline", "moratorium-va-ga", "integrated-mcap-tax-5pct", "national-moratorium"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def move(rng: random.Random, levers: dict[str, object]) -> dict[str, object]:
    """One slider or map move."""
    out = dict(levers)
    kind = rng.random()
    if kind < 0.4:
        out["siting.moratorium_start"] = rng.randint(2026, 2040)
    elif kind < 0.8:
        cur = set(out.get("siting.moratorium_states", []))  # type: ignore[call-overload]
        cur ^= {rng.choice(STATES)}
        out["siting.moratorium_states"] = sorted(cur)
    else:
        out["fund.mcap_tax_rate"] = round(rng.uniform(0.0, 0.1), 3)
    return out


async def user(
    i: int, client: httpx.AsyncClient, stop: float, lat: dict[str, list[float]], errors: list[str]
) -> None:
    rng = random.Random(i)
    base = PRESETS[i % len(PRESETS)]
    levers: dict[str, object] = {}

    async def call(kind: str, path: str, body: dict[str, object]) -> None:
        t0 = time.perf_counter()
        try:
            r = await client.post(path, json=body)
            ok = r.status_code == 200
            why = f"{kind} HTTP {r.status_code}: {r.text[:120]}"
        except httpx.HTTPError as e:
            ok, why = False, f"{kind} {type(e).__name__}: {e}"
        if not ok:
            errors.append(why)
            return
        lat[kind].append(time.perf_counter() - t0)
        lat[f"{kind} (inside the server)"].append(r.json()["timing_ms"]["total"] / 1e3)

    while time.monotonic() < stop:
        for _ in range(rng.randint(2, 6)):  # a burst of slider moves, one central each
            levers = move(rng, levers)
            await call("central", "/api/central", {"scenario": {"base": base, "levers": levers}})
            await asyncio.sleep(rng.uniform(0.05, 0.25))
            if time.monotonic() >= stop:
                return
        body = {"scenario": {"base": base, "levers": levers}, "draws": 1000}
        await call("bands", "/api/bands", body)  # the pause after the burst
        await asyncio.sleep(rng.uniform(1.0, 3.0))  # reading the answer


async def run(url: str, users: int, seconds: float) -> dict[str, object]:
    kinds = ("central", "bands")
    lat: dict[str, list[float]] = {
        k: [] for k in (*kinds, *(f"{k} (inside the server)" for k in kinds))
    }
    errors: list[str] = []
    limits = httpx.Limits(max_connections=users + 5)
    async with httpx.AsyncClient(base_url=url, timeout=90, limits=limits) as client:
        await client.get("/api/meta")
        stop = time.monotonic() + seconds
        await asyncio.gather(*(user(i, client, stop, lat, errors) for i in range(users)))
    out: dict[str, object] = {"users": users, "seconds": seconds, "errors": len(errors)}
    for kind, xs in lat.items():
        a = np.asarray(xs) * 1e3
        out[kind] = {
            "requests": len(xs),
            **{f"p{q}_ms": float(np.percentile(a, q)) if len(a) else None for q in (50, 95, 99)},
        }
    out["first_errors"] = errors[:5]
    return out


def start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    exe = Path(sys.executable).with_name("plowshare")
    cmd = [str(exe), "serve", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(cmd, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGTERM)
    raise SystemExit("the lab did not start within 60 s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=1, help="band worker processes")
    ap.add_argument("--url", help="a running lab on a loopback address")
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args()
    if not 1 <= args.users <= 200 or not 1 <= args.seconds <= 600:
        raise SystemExit("--users in [1, 200] and --seconds in [1, 600]")
    proc = None
    url = args.url
    if url is None:
        port = free_port()
        proc = start_server(port, args.workers)
        url = f"http://127.0.0.1:{port}"
    elif urlparse(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("--url must be a loopback address (this test never leaves the machine)")
    try:
        t0 = time.monotonic()
        out = asyncio.run(run(url, args.users, args.seconds))
        out["wall_s"] = time.monotonic() - t0
        out["cpus"] = os.cpu_count()
        out["workers"] = args.workers
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
    text = json.dumps(out, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
