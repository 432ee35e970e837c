r"""AI data-centre investment: capital spending with an optional bubble, and the GW it buys.

Global AI data-centre capital spending (constant 2025 dollars):

* **History** (years up to 2025): big-four hyperscaler capex from ``data/ai_capex_totals.csv``
  × ``capex_other_multiplier`` (other builders) × an AI share that rose to
  ``ai_share_of_capex`` by 2025 (at ``ai_share_growth_history`` a year).
* **Projection**: growth starts at the 2026 guidance rate and decays toward a long-run rate
  with a half-life,

  .. math:: g_t = g_\infty + (g_{2026} - g_\infty)\, 2^{-(t-2026)/h},

  and spending never exceeds a ceiling share of US GDP.
* **Bubble** (lever): in the correction year :math:`t_c` a fraction :math:`L` of spending is
  lost; the loss shrinks linearly to zero over :math:`\rho` years,

  .. math:: m_t = 1 - L \cdot \max\bigl(0, 1 - (t - t_c)/\rho\bigr)\ \text{for}\ t \ge t_c.

New AI data-centre capacity (GW of facility power) is AI capex ÷ the all-in cost per GW,
which changes at a constant rate; it is split among sites (US, Gulf, China, other) by
sampled shares of new build.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from plowshare.core.arrays import BASE_YEAR, col, growth_path
from plowshare.core.data import load_table

Array = NDArray[np.float64]


def gdp_path(p: Mapping[str, Array], years: Array) -> Array:
    """Real US GDP, (n, T), constant 2025 dollars."""
    return col(p["investment.gdp_2025"]) * growth_path(p["investment.gdp_real_growth"], years)


def capex_history(years: Array) -> Array:
    """Big-four capex (USD) for years up to 2025 from the shipped table; NaN where absent."""
    t = load_table("ai_capex_totals")
    hist = dict(zip(t["year"], t["sum_available_usd_bn"] * 1e9, strict=True))
    return np.array([hist.get(int(y), np.nan) if y <= BASE_YEAR else np.nan for y in years])


def projected_growth(p: Mapping[str, Array], years: Array) -> Array:
    """Growth rate of capex in each year after 2025 (0 up to 2025), (n, T)."""
    t = years[None, :] - BASE_YEAR
    g0 = col(p["investment.capex_growth_2026"])
    g_inf = col(p["investment.capex_growth_longrun"])
    decay = 0.5 ** (np.maximum(t - 1, 0) / col(p["investment.capex_growth_halflife"]))
    return np.where(t >= 1, g_inf + (g0 - g_inf) * decay, 0.0)


def bubble_factor(p: Mapping[str, Array], years: Array) -> Array:
    """Multiplier on capex from a bubble's correction, (n, T); 1 without a bubble.

    The loss shrinks linearly to zero over the recovery years; a persistent slowdown then
    leaves spending ``bubble_growth_cut`` a year further behind the pre-bubble path."""
    on = col(p["investment.bubble"])
    since = years[None, :] - col(p["investment.bubble_year"])
    remaining = np.clip(1.0 - since / col(p["investment.bubble_recovery_years"]), 0.0, 1.0)
    hit = on * col(p["investment.bubble_capex_loss"]) * remaining
    slow = (1.0 - on * col(p["investment.bubble_growth_cut"])) ** np.maximum(since, 0.0)
    return (1.0 - np.where(since >= 0, hit, 0.0)) * slow


def capex(p: Mapping[str, Array], years: Array, gdp: Array) -> Array:
    """Global capex of AI data-centre builders (all of it, AI and not), (n, T), before a bubble."""
    mult = col(p["investment.capex_other_multiplier"])
    base = col(p["investment.capex_2025"]) * mult
    grow = np.cumprod(1.0 + projected_growth(p, years), axis=1)
    # anchor the projection at 2025 when the years start earlier (a backtest)
    j0 = int(np.searchsorted(years, BASE_YEAR))
    if 0 < j0 < len(years):
        grow = grow / grow[:, j0 : j0 + 1]
    proj = np.minimum(base * grow, col(p["investment.capex_gdp_ceiling"]) * gdp)
    hist = capex_history(years)[None, :] * mult
    return np.where(np.isfinite(hist), hist, proj)


def ai_share(p: Mapping[str, Array], years: Array) -> Array:
    """Share of capex that buys AI data centres, (n, T): constant from 2025, lower before.

    Before 2025 the share is scaled back at ``ai_share_growth_history`` a year, so that
    AI capacity built from the capex history grows as fast as the installed AI compute
    stock did (only backtests starting before 2025 use this).
    """
    back = np.minimum(years[None, :] - BASE_YEAR, 0.0)
    return (
        col(p["investment.ai_share_of_capex"])
        * col(p["investment.ai_share_growth_history"]) ** back
    )


def china_path(p: Mapping[str, Array], years: Array, pool: Array) -> Array:
    """New capacity China's builders demand, (n, T): their 2025 share of the world's new
    build, growing at China's own rate from 2025 to ``china_own_growth_until``, then with
    the rest of the world's build (the 2025 share of each year before 2025)."""
    share = col(p["investment.china_share_of_new_build"])
    y = years[None, :]
    until = col(p["investment.china_own_growth_until"])
    j0 = int(np.clip(np.searchsorted(years, BASE_YEAR), 0, len(years) - 1))
    own_years = np.clip(y, BASE_YEAR, until) - BASE_YEAR
    own = share * pool[:, j0 : j0 + 1] * col(p["investment.china_build_growth"]) ** own_years
    # after the own-growth years: the pool's growth since then (linear in log between years)
    log_pool = np.log(np.maximum(pool, 1e-300))
    j = np.clip(np.searchsorted(years, until[:, 0], side="right") - 1, 0, max(len(years) - 2, 0))
    k = np.minimum(j + 1, len(years) - 1)
    w = np.clip((until[:, 0] - years[j]) / np.maximum(years[k] - years[j], 1e-9), 0.0, 1.0)
    rows = np.arange(len(j))
    at_until = log_pool[rows, j] * (1.0 - w) + log_pool[rows, k] * w
    later = np.exp(np.where(y > until, log_pool - at_until[:, None], 0.0))
    return np.where(y <= BASE_YEAR, share * pool, own * later)


def site_shares(p: Mapping[str, Array]) -> Array:
    """Shares of new build by site, (n, 4), summing to one."""
    raw = np.column_stack(
        [
            p["investment.us_share_of_new_build"],
            p["investment.gulf_share_of_new_build"],
            p["investment.china_share_of_new_build"],
        ]
    )
    other = np.clip(1.0 - raw.sum(axis=1, keepdims=True), 0.0, None)
    shares = np.column_stack([raw, other])
    return shares / shares.sum(axis=1, keepdims=True)


def run(params: Mapping[str, Array], years: Array) -> dict[str, Array]:
    """Run the investment model for all draws; see the module docstring for the equations."""
    p = params
    years = np.asarray(years, dtype=np.float64)
    gdp = gdp_path(p, years)
    total = capex(p, years, gdp) * bubble_factor(p, years)
    ai = total * ai_share(p, years)
    cost = col(p["investment.cost_per_gw_2025"]) * growth_path(
        p["investment.cost_per_gw_change"], years
    )
    pool = ai / cost  # what the (mostly US-financed) builders outside China buy, with China's
    shares = site_shares(p)
    china = china_path(p, years, pool)
    # outside China: the pool less China's 2025 share, split by the other sites' shares
    outside = pool * (1.0 - shares[:, 2:3])
    by_region = outside[:, :, None] * shares[:, None, :] / (1.0 - shares[:, None, 2:3])
    by_region[:, :, 2] = china
    new_gw = by_region.sum(axis=2)
    return {
        "gdp_usd": gdp,
        "capex_usd": total,
        "ai_capex_usd": ai,
        "cost_per_gw_usd": cost,
        "new_capacity_gw": new_gw,
        "new_capacity_gw_by_region": by_region,
        "us_compute_spending_usd": ai * shares[:, :1],
        "bubble_factor": bubble_factor(p, years),
    }
