"""Seeded draws of every parameter: plain Monte Carlo or Latin hypercube, with rank correlation.

Randomness lives here and nowhere else. Each parameter draws from its own
random stream, seeded by ``(seed, hash of its dotted name)``: adding a
parameter or a model never changes the draws of the others, and two scenarios
run with the same seed share their random numbers (common random numbers), so
``compare`` measures the effect of a policy rather than sampling noise.

Latin hypercube sampling stratifies each parameter into ``n`` equal-probability
bins (``scipy.stats.qmc.LatinHypercube`` with one dimension per stream; LHS is by
construction independent permutations per dimension, so this is exact LHS).
Rank correlations between named parameters are imposed with a Gaussian copula:
uniforms → normal scores → Cholesky factor of the target correlation → uniforms.
With ``n == 1`` every parameter takes its central value.

For very large runs :class:`DiskSample` gives the same numbers a chunk at a time: each
parameter's ``n`` uniforms are drawn exactly as :func:`uniforms` draws them (the whole
Latin-hypercube permutation, one parameter at a time) and written to a scratch file on
disk; a chunk reads its slice of every parameter back, applies the copula (row by row,
so per chunk is the same as all at once) and the quantile functions. Memory is one
parameter's ``n`` draws while sampling and one chunk after, never ``n`` × parameters.
Extra random streams (plain Monte Carlo) are likewise drawn per chunk by advancing the
stream's generator to the chunk's first draw (:func:`uniforms_range`).
"""

from __future__ import annotations

import hashlib
import math
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy import stats
from scipy.stats import qmc

from .errors import InputError
from .params import Param

Method = Literal["lhs", "mc"]
DEFAULT_SEED = 20260101  # the one default seed (scenarios, contest, claims, brief)
Correlation = tuple[str, str, float]


def stream_id(name: str) -> int:
    """A stable 64-bit integer for a parameter name (independent of Python's hash seed)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")


def uniforms(name: str, n: int, seed: int, method: Method) -> NDArray[np.float64]:
    """``n`` uniform draws in (0, 1) for one parameter's own stream."""
    rng = np.random.default_rng([seed, stream_id(name)])
    u = qmc.LatinHypercube(d=1, rng=rng).random(n)[:, 0] if method == "lhs" else rng.random(n)
    # keep strictly inside (0, 1) so unbounded quantile functions stay finite
    return np.clip(u, 1e-12, 1 - 1e-12)


def uniforms_range(name: str, start: int, size: int, seed: int) -> NDArray[np.float64]:
    """Draws ``start`` to ``start + size`` of ``uniforms(name, n, seed, "mc")`` for any
    ``n >= start + size``: the generator is advanced past the first ``start`` doubles (each
    double consumes one 64-bit output of PCG64), so chunks give the same numbers."""
    rng = np.random.default_rng([seed, stream_id(name)])
    bits: Any = rng.bit_generator  # PCG64: advance(k) skips k 64-bit outputs
    bits.advance(start)
    return np.clip(rng.random(size), 1e-12, 1 - 1e-12)


def spearman_to_pearson(rho_s: float) -> float:
    """Pearson correlation of normal scores giving Spearman rank correlation ``rho_s``."""
    return 2.0 * math.sin(math.pi * rho_s / 6.0)


def correlate(
    u: dict[str, NDArray[np.float64]], correlations: Sequence[Correlation], *, file: str | None
) -> dict[str, NDArray[np.float64]]:
    """Impose rank correlations on independent uniforms through a Gaussian copula."""
    if not correlations:
        return u
    names = sorted({a for a, _, _ in correlations} | {b for _, b, _ in correlations})
    idx = {n: i for i, n in enumerate(names)}
    corr = np.eye(len(names))
    for a, b, rho in correlations:
        if a == b:
            raise InputError("a parameter cannot be correlated with itself", file=file, key=a)
        corr[idx[a], idx[b]] = corr[idx[b], idx[a]] = spearman_to_pearson(rho)
    try:
        chol = np.linalg.cholesky(corr)
    except np.linalg.LinAlgError:
        raise InputError(
            "these rank correlations are impossible together (matrix not positive definite)",
            file=file,
            key="correlations",
        ) from None
    z = np.column_stack([stats.norm.ppf(u[n]) for n in names]) @ chol.T
    out = dict(u)
    for n, col in zip(names, z.T, strict=True):
        out[n] = np.clip(stats.norm.cdf(col), 1e-12, 1 - 1e-12)
    return out


def sample(
    params: Iterable[Param],
    n: int,
    seed: int,
    method: Method = "lhs",
    correlations: Sequence[Correlation] = (),
    *,
    file: str | None = None,
) -> dict[str, NDArray[np.float64]]:
    """Draw ``n`` values of every parameter; returns name → float64 array of shape ``(n,)``
    (``(n, 51)`` for a states lever: a read-only broadcast of its weight per state).

    ``n == 1`` returns the central values (a deterministic run).
    """
    plist = list(params)
    if n < 1:
        raise InputError(f"draws must be at least 1, got {n}", file=file, key="draws")
    # a states lever is one (51,) weight vector shared by every draw: a broadcast view
    states = {
        p.name: np.broadcast_to(np.asarray(p.weights), (n, len(p.weights)))
        for p in plist
        if p.kind == "states"
    }
    plist = [p for p in plist if p.kind != "states"]
    if n == 1:
        return {p.name: np.array([p.value]) for p in plist} | states
    random = [p for p in plist if p.dist.kind != "fixed"]
    known = {p.name for p in random}
    for a, b, _ in correlations:
        for name in (a, b):
            if name not in known:
                raise InputError(
                    "only parameters with an uncertain distribution can be correlated",
                    file=file,
                    key=f"correlations.{name}",
                )
    u = {p.name: uniforms(p.name, n, seed, method) for p in random}
    u = correlate(u, correlations, file=file)
    out = {p.name: np.full(n, p.value) for p in plist if p.dist.kind == "fixed"}
    out.update({p.name: p.dist.ppf(u[p.name]) for p in random})
    return out | states


class DiskSample:
    """The draws :func:`sample` gives, held on disk and read back a chunk at a time.

    >>> with DiskSample(params, n, seed, "lhs") as ds:
    ...     first = ds.chunk(0, 1000)      # == {k: v[:1000] for k, v in sample(...).items()}

    The uniforms of every uncertain parameter go to one scratch file in a temporary
    folder (``folder``, else the system's), parameter-major, 8 bytes a draw; it is
    removed on :meth:`close`. Written with ``pwrite`` and read with ``pread``, so none of
    it is mapped into the process (the page cache holds it, not the process's memory).
    """

    def __init__(
        self,
        params: Iterable[Param],
        n: int,
        seed: int,
        method: Method = "lhs",
        correlations: Sequence[Correlation] = (),
        *,
        file: str | None = None,
        folder: str | None = None,
    ) -> None:
        plist = list(params)
        if n < 2:
            raise InputError(f"a disk sample needs at least 2 draws, got {n}", key="draws")
        self.n = n
        self.states = {p.name: np.asarray(p.weights) for p in plist if p.kind == "states"}
        plist = [p for p in plist if p.kind != "states"]
        self.fixed = {p.name: p.value for p in plist if p.dist.kind == "fixed"}
        self.random = [p for p in plist if p.dist.kind != "fixed"]
        self.correlations = tuple(correlations)
        self.file = file
        # refuse bad correlations now, as sample() does, on a two-draw stand-in
        sample(plist, 2, seed, method, correlations, file=file)
        self.dir = tempfile.mkdtemp(prefix="plowshare-sample-", dir=folder)
        self.fd: int | None = os.open(
            os.path.join(self.dir, "uniforms"), os.O_RDWR | os.O_CREAT, 0o600
        )
        try:
            for j, p in enumerate(self.random):
                u = uniforms(p.name, n, seed, method)
                write_all(self.fd, u, j * n * 8)
        except BaseException:
            self.close()
            raise

    def chunk(self, start: int, size: int) -> dict[str, NDArray[np.float64]]:
        """Draws ``start`` to ``start + size`` (clipped to ``n``) of every parameter."""
        assert self.fd is not None, "closed"
        size = max(0, min(size, self.n - start))
        u = {}
        for j, p in enumerate(self.random):
            raw = os.pread(self.fd, size * 8, (j * self.n + start) * 8)
            u[p.name] = np.frombuffer(raw, np.float64).copy()
        u = correlate(u, self.correlations, file=self.file)
        out = {k: np.full(size, v) for k, v in self.fixed.items()}
        out.update({p.name: p.dist.ppf(u[p.name]) for p in self.random})
        states = {k: np.broadcast_to(w, (size, len(w))) for k, w in self.states.items()}
        return out | states

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> DiskSample:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_all(fd: int, a: NDArray[np.float64], offset: int) -> None:
    """Write ``a``'s bytes at ``offset`` (``pwrite`` may write less than asked: loop)."""
    view = np.ascontiguousarray(a).data.cast("B")
    done = 0
    while done < len(view):
        done += os.pwrite(fd, view[done:], offset + done)
