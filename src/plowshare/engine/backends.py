"""Where chunks of draws run: in this process, or as tasks on a Dask cluster.

A backend maps a picklable :class:`~.pipeline.ChunkTask` over
:class:`~.pipeline.Chunk` s (each a slice of the parameters and random streams sampled
once, here) and yields each chunk's result in chunk order. Since every chunk's numbers
depend only on its slice, every backend gives identical numbers whatever the chunking
or the number of workers.

Dask: ``DaskBackend()`` starts a ``distributed.LocalCluster`` on the loopback interface
(2 single-threaded worker processes by default) and closes it on :meth:`close`;
``DaskBackend(address="tcp://host:8786")`` uses an existing cluster (start one with
``dask scheduler`` and ``dask worker tcp://host:8786`` on each machine; every worker
needs the same plowshare version installed). At most ``2 × workers + 1`` chunks are in
flight, so the client holds a bounded number of results however many draws run.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any

from plowshare.core.errors import InputError

from .pipeline import Backend, Chunk, Part

__all__ = ["Backend", "DaskBackend", "LocalBackend", "make_backend"]


class LocalBackend:
    """Each chunk in turn, in this process."""

    def map(self, task: Callable[[Chunk], Part], items: Iterator[Chunk]) -> Iterator[Part]:
        for item in items:
            yield task(item)

    def close(self) -> None:
        pass


def _apply(task: Callable[[Chunk], Part], chunk: Chunk) -> Part:
    return task(chunk)


class DaskBackend:
    """Chunks as tasks on a Dask cluster: a new ``LocalCluster`` or ``address``'s."""

    def __init__(
        self,
        address: str | None = None,
        workers: int = 2,
        *,
        processes: bool = True,
        in_flight: int | None = None,
    ) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as err:  # pragma: no cover - a declared dependency
            raise InputError("the dask backend needs dask[distributed]", key="--backend") from err
        self.cluster: Any = None
        if address is None:
            # worker processes listen on the loopback interface only; in-process workers
            # (processes=False, for tests) talk through memory and open no socket
            where = {"host": "127.0.0.1"} if processes else {}
            self.cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=processes,
                dashboard_address=None,
                **where,
            )
            self.client: Any = Client(self.cluster)
        else:
            try:
                self.client = Client(address, timeout=10)
            except (OSError, TimeoutError) as err:
                raise InputError(
                    f"no Dask scheduler at {address}: {err}", key="--scheduler"
                ) from None
        n = max(1, len(self.client.scheduler_info().get("workers", {})) or workers)
        self.in_flight = in_flight or 2 * n + 1

    def map(self, task: Callable[[Chunk], Part], items: Iterator[Chunk]) -> Iterator[Part]:
        [remote] = self.client.scatter([task], broadcast=True)
        pending: deque[Any] = deque()
        try:
            for item in items:
                [data] = self.client.scatter([item])
                pending.append(self.client.submit(_apply, remote, data, pure=False))
                if len(pending) >= self.in_flight:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for f in pending:
                f.cancel()

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def __enter__(self) -> DaskBackend:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        err: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def make_backend(name: str, scheduler: str | None = None, workers: int = 2) -> Backend:
    """A backend by name: ``local`` or ``dask`` (on ``scheduler``, or a LocalCluster)."""
    if name == "local":
        if scheduler is not None:
            raise InputError("--scheduler needs --backend dask", key="--scheduler")
        return LocalBackend()
    if name == "dask":
        return DaskBackend(scheduler, workers)
    raise InputError("one of local, dask expected", key="--backend")
