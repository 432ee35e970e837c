"""What the fund must pay: displaced workers at a wage-indexed target, a dividend, the Global South.

Until the labour model exists, displaced workers follow a parametric logistic
path (peak share of employment, midpoint year, 10-90 % transition time). The
fund's ``run`` accepts ``displaced_workers`` from upstream through the same
argument, so the labour model can replace the placeholder without touching
this file's callers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from plowshare.core.arrays import col, growth_path

Array = NDArray[np.float64]
LOGIT_10_90 = 2.0 * math.log(9.0)  # logistic rises from 10 % to 90 % over this many 1/k


def employment(p: Mapping[str, Array], years: Array) -> Array:
    """Employed persons, (n, T): the 2025 level grown at the employment growth rate."""
    return col(p["fund.employment_2025"]) * growth_path(p["fund.employment_growth"], years)


def displaced_share(p: Mapping[str, Array], years: Array) -> Array:
    r"""Share of employment displaced, (n, T): a logistic S-curve.

    .. math:: s(t) = \frac{s_{max}}{1 + e^{-k (t - t_{mid})}},\quad k = \frac{2\ln 9}{w}

    with :math:`w` the years from 10 % to 90 % of the peak share.
    """
    k = LOGIT_10_90 / col(p["fund.displaced_transition_years"])
    z = k * (years[None, :] - col(p["fund.displaced_midpoint_year"]))
    return col(p["fund.displaced_peak_share"]) / (1.0 + np.exp(-z))


def parametric_displaced(p: Mapping[str, Array], years: Array) -> Array:
    """Displaced workers, (n, T), from the parametric placeholder path."""
    return employment(p, years) * displaced_share(p, years)


def median_earnings(p: Mapping[str, Array], years: Array) -> Array:
    """Median full-time earnings, (n, T), growing with real wages."""
    return col(p["fund.median_earnings_2025"]) * growth_path(p["fund.real_wage_growth"], years)


def payment_per_worker(p: Mapping[str, Array], years: Array) -> Array:
    """Annual payment per displaced worker, (n, T): a share of median earnings indexed to wages."""
    return col(p["fund.payment_share_of_median"]) * median_earnings(p, years)


def adults(p: Mapping[str, Array], years: Array) -> Array:
    """Resident adults, (n, T), for an optional universal dividend."""
    return col(p["fund.adult_population_2025"]) * growth_path(
        p["fund.adult_population_growth"], years
    )


def need(p: Mapping[str, Array], years: Array, displaced: Array, active: Array) -> dict[str, Array]:
    """Domestic need in USD/yr, (n, T): displaced workers' payments plus a universal dividend.

    ``active`` (n, T) is 1 from the fund's start year on and 0 before.
    """
    per_worker = payment_per_worker(p, years)
    workers = displaced * per_worker
    dividend = (
        adults(p, years)
        * col(p["fund.universal_dividend_per_adult"])
        * growth_path(p["fund.real_wage_growth"], years)
    )
    return {
        "payment_per_worker_usd": per_worker,
        "need_displaced_usd": workers * active,
        "need_dividend_usd": dividend * active,
        "need_usd": (workers + dividend) * active,
    }
