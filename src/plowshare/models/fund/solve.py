"""Vectorised solvers: the smallest tax rate that covers need, per draw.

A coarse grid finds, for every draw at once, the first rate that covers need;
bisection then narrows the bracket between it and the grid point below. The grid
step guards against the Laffer curve (a base that shrinks as the rate rises makes
revenue fall past some rate), so the answer is the *smallest* covering rate.
Draws that no rate up to ``max_rate`` covers get ``inf``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
from numpy.typing import NDArray

from plowshare.models.fund.model import COVERED, run

Array = NDArray[np.float64]
Mask = NDArray[np.bool_]
SOLVABLE = {
    "compute_tax": ("fund.compute_tax_rate", 1.0),
    "mcap_tax": ("fund.mcap_tax_rate", 0.5),
    "nationalisation": ("fund.nationalisation_share", 1.0),
    "permit_equity": ("fund.permit_equity_share", 1.0),
}


def covered(coverage: Array, years: Array, target_year: int, horizon: bool, start: Array) -> Mask:
    """Per draw: is need fully met in ``target_year`` (or every year from start to it)?"""
    j = int(np.searchsorted(years, target_year))
    if not horizon:
        return np.asarray(coverage[:, j] >= COVERED)
    window = years[None, : j + 1] >= start[:, None]
    return np.asarray(np.all((coverage[:, : j + 1] >= COVERED) | ~window, axis=1))


def smallest_rate(
    ok: Callable[[Array], Mask], n: int, max_rate: float, grid: int = 40, iters: int = 30
) -> Array:
    """Smallest rate in [0, max_rate] with ok(rate) true, per draw; inf where none is."""
    rates = np.linspace(0.0, max_rate, grid + 1)
    lo, hi = np.zeros(n), np.full(n, np.inf)
    found = np.zeros(n, dtype=bool)
    prev = 0.0
    for r in rates:
        hit = ok(np.full(n, r)) & ~found
        lo[hit], hi[hit] = prev, r
        found |= hit
        prev = r
        if found.all():
            break
    zero = found & (hi == 0.0)
    for _ in range(iters):
        mid = np.where(found, (lo + hi) / 2.0, 0.0)
        good = ok(mid)
        hi = np.where(found & good, mid, hi)
        lo = np.where(found & ~good, mid, lo)
    return np.where(zero, 0.0, hi)


def solve_rate(
    params: Mapping[str, Array],
    years: Array,
    instrument: str,
    target_year: int,
    horizon: bool = False,
    **upstream: Array,
) -> Array:
    """The smallest rate of ``instrument`` that covers need in ``target_year`` (per draw).

    With ``horizon=True`` need must be covered in every year from the fund's start to
    ``target_year``. Other levers keep their scenario values.
    """
    name, max_rate = SOLVABLE[instrument]
    years = np.asarray(years, dtype=np.float64)
    n = len(params[name])
    start = params["fund.start_year"]

    def ok(rate: Array) -> Mask:
        out = run({**params, name: rate}, years, **upstream)
        return covered(out["coverage"], years, target_year, horizon, start)

    return smallest_rate(ok, n, max_rate)
