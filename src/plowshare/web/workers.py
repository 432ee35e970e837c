"""Bands, comparisons and claims off the request path: a bounded pool of worker processes.

A worker is a separate process (spawned, so it shares no state with the server's threads)
that imports the models once and keeps its own caches; the server process only validates
requests and computes central answers, so it never waits behind a band. At most
``max_pending`` jobs wait at once (more is HTTP 503, "busy"), and a job that takes longer
than ``timeout`` seconds is answered 503 too.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

from . import service
from .spec import LabScenario


class Busy(Exception):
    """Too many jobs are waiting, or one took too long."""


def _warm() -> None:
    """Import everything and fill the caches once, so the first real job is fast."""
    service.bands(LabScenario(), service.MIN_BAND_DRAWS)


def job_bands(spec: str, draws: int, year: int) -> dict[str, Any]:
    return service.bands(LabScenario.model_validate_json(spec), draws, year)


def job_compare(a: str, b: str, draws: int) -> dict[str, Any]:
    return service.compare(
        LabScenario.model_validate_json(a), LabScenario.model_validate_json(b), draws
    )


def job_claims(spec: str, draws: int) -> dict[str, Any]:
    return service.claims(LabScenario.model_validate_json(spec), draws)


class Workers:
    """``processes`` worker processes (0: one thread in this process, for tests)."""

    def __init__(self, processes: int = 1, max_pending: int = 64, timeout: float = 60.0) -> None:
        self.processes = processes
        self.max_pending = max_pending
        self.timeout = timeout
        self.pending = 0
        self._pool: Executor | None = None

    def start(self) -> None:
        if self._pool is not None:
            return
        if self.processes > 0:
            self._pool = ProcessPoolExecutor(
                self.processes, mp_context=mp.get_context("spawn"), initializer=_warm
            )
            for _ in range(self.processes):  # start them now, not on the first request
                self._pool.submit(int, 0)
        else:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="lab-bands")

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    async def run(self, fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
        if self.pending >= self.max_pending:
            raise Busy(f"{self.pending} jobs are waiting; try again shortly")
        self.start()
        assert self._pool is not None
        self.pending += 1
        try:
            fut = asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)
            return await asyncio.wait_for(fut, self.timeout)
        except TimeoutError:
            raise Busy(f"the job took longer than {self.timeout:g} s") from None
        finally:
            self.pending -= 1
