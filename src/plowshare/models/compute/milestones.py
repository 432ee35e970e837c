r"""Effective compute of the largest training run per bloc, and when milestones are crossed.

Labs of each bloc train on the compute they can reach: US labs on US sites plus shares of
Gulf and other sites; PRC labs on Chinese sites plus a share of other sites. The largest
run uses a share :math:`s_t` of that compute (growing from its 2025 level to a cap) at
utilisation :math:`u` for a duration :math:`d_t` (growing to a cap):

.. math:: C_t = s_t\, u\, d_t \sum_{site} a_{site} F_{site,t}

Effective compute adds the bloc's software level (``software.py``), in orders of
magnitude (OOM) above the 2025 frontier run (5e26 FLOP at 2025 algorithms):
:math:`E_{b,t} = \log_{10}(C_{b,t} / C^*_{2025}) + s_{b,t}`.

A milestone with threshold :math:`\theta` OOM is crossed at the fractional time where
:math:`E` first reaches :math:`\theta`, interpolating linearly in :math:`E` between
the points of the integration grid (a year's value is held at mid-year). Not crossed by
the horizon: ``inf``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from plowshare.core.arrays import BASE_YEAR, col

Array = NDArray[np.float64]
SECONDS_PER_DAY = 86_400.0


def access_matrix(p: Mapping[str, Array]) -> Array:
    """Share of each site (US, Gulf, China, other) usable by each bloc's labs, (n, 4, 2)."""
    n = len(p["compute.us_access_gulf"])
    one, zero = np.ones(n), np.zeros(n)
    us = np.column_stack([one, p["compute.us_access_gulf"], zero, p["compute.us_access_other"]])
    prc = np.column_stack([zero, p["compute.prc_access_gulf"], one, p["compute.prc_access_other"]])
    return np.stack([us, prc], axis=2)


def growing_to_cap(level: Array, growth: Array, cap: Array, years: Array) -> Array:
    """level × growth^(t - 2025), capped, (n, T)."""
    return np.minimum(col(level) * col(growth) ** (years[None, :] - BASE_YEAR), col(cap))


def reachable_flops(p: Mapping[str, Array], installed_flops: Array) -> Array:
    """Installed compute (FLOP/s) each bloc's labs can use, (n, T, 2)."""
    return np.einsum("nts,nsb->ntb", installed_flops, access_matrix(p))


def largest_run_flop(p: Mapping[str, Array], years: Array, installed_flops: Array) -> Array:
    """Physical FLOP of each bloc's largest training run, (n, T, 2)."""
    reach = reachable_flops(p, installed_flops)
    share = growing_to_cap(
        p["compute.largest_run_share_2025"],
        p["compute.largest_run_share_growth"],
        p["compute.largest_run_share_max"],
        years,
    )
    days = growing_to_cap(
        p["compute.run_duration_days_2025"],
        p["compute.run_duration_growth"],
        p["compute.run_duration_days_max"],
        years,
    )
    seconds = days * SECONDS_PER_DAY * col(p["compute.utilisation"])
    return reach * (share * seconds)[:, :, None]


def crossing_time(oom: Array, threshold: Array, times: Array) -> Array:
    """First time each row of ``oom`` (n, K), valued at ``times`` (K,), reaches ``threshold``
    (n,), interpolating linearly between points; the first time if already reached, inf if
    never."""
    above = oom >= threshold[:, None]
    hit = above.any(axis=1)
    j = np.argmax(above, axis=1)
    rows = np.arange(len(j))
    jp = np.maximum(j - 1, 0)
    lo, hi = oom[rows, jp], oom[rows, j]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(hi > lo, (threshold - lo) / (hi - lo), 1.0)
    t = np.where(j == 0, times[0], times[jp] + np.clip(frac, 0.0, 1.0) * (times[j] - times[jp]))
    return np.where(hit, t, np.inf)


def crossing_year(oom: Array, threshold: Array, years: Array) -> Array:
    """:func:`crossing_time` for yearly values held at mid-year, (n,)."""
    return crossing_time(oom, threshold, years + 0.5)


def milestones(p: Mapping[str, Array], times: Array, oom: Array) -> dict[str, Array]:
    """Crossing times of automated AI R&D (RSI) and transformative AI per bloc, (n, 2) each,
    from effective compute ``oom`` (n, K, 2) on the grid ``times``."""
    rsi = p["compute.rsi_threshold_oom"]
    tai = rsi + p["compute.tai_gap_oom"]
    rsi_b = np.column_stack([crossing_time(oom[:, :, b], rsi, times) for b in range(2)])
    tai_b = np.column_stack([crossing_time(oom[:, :, b], tai, times) for b in range(2)])
    with np.errstate(invalid="ignore"):
        gap = tai_b.min(axis=1) - rsi_b.min(axis=1)
    return {
        "rsi_year_by_bloc": rsi_b,
        "tai_year_by_bloc": tai_b,
        "rsi_year": rsi_b.min(axis=1),
        "tai_year": tai_b.min(axis=1),
        "rsi_to_tai_years": gap,
    }
