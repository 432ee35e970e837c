r"""How data-centre load reaches household bills: prices that form in markets.

Bills move against 2024 (the year of the EIA prices and sales the bills start from), from
the AI load added since then, :math:`\Delta E_s` (TWh) and :math:`\Delta G_s` (GW of average
draw), in three parts.

1. **Cost of serving new load, pooled** (a market's states share it; outside organised
   markets, each state's rate base): new load costs :math:`r\,\bar p_s` per kWh to serve
   (``new_supply_cost_ratio`` × the pool's average price), plus transmission
   :math:`\Delta G_s \cdot c_{tx} \cdot FCR` a year. Under average-cost recovery the pool's
   price moves by

   .. math:: \Delta p_k = \frac{\sum_{s\in k} w_s\,[(r - 1)\,\bar p_k\,\Delta E_s
             + c_{tx}\,FCR\,\Delta G_s]}{\sum_{s\in k} (E_s + w_s\,\Delta E_s)},
             \qquad w_s = 1 - e\,T_s

   where :math:`T_s` = 1 while a large-load tariff holds in the state and :math:`e` is the
   share of its own cost such a tariff makes the new load pay (that share of the load pays
   its own way and leaves the pool). The costs a pool shares sum
   to the pool's cost; with :math:`r \ge 1` bills never fall when load rises (with
   :math:`r < 1`, LBNL/Brattle's finding, spreading fixed costs lowers them).
2. **PJM's capacity price** from the reserve margin on the demand curve (the auctions'
   clearing points), between the floor and the cap; the price with AI load and without it
   (reserve margin higher by AI's added peak). Households pay the difference on their
   share of the capacity obligation; tariffs do not shield them from a market price.
3. The sum as a share of the residential price, up to ``max_bill_rise``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from plowshare.core.arrays import col

from .data import EnergyStates
from .grid import power_lead_years

Array = NDArray[np.float64]
HOURS = 8760.0

# ---- PJM: auction results (data), delivery year starting 1 June of the year --------------
#: Clearing points on the demand curve: reserve margin minus its target (points), price
#: (UCAP $/MW-day): 2027/28 uncapped (15.1 vs 20 %), 2026/27 uncapped (18.9 vs 19.1 %),
#: 2025/26 (18.5 vs 17.8 %), 2023/24 (20.3 vs 14.8 %).
CURVE_X = np.array([-4.9, -0.2, 0.7, 5.5])
CURVE_P = np.array([529.80, 388.57, 269.92, 34.0])
#: Reserve margin minus target in the auctions already held (delivery years 2025-2027).
OBSERVED_X = {2025: 0.7, 2026: -0.2, 2027: -4.9}
#: The Shapiro-settlement collar (UCAP) for the 2026/27 and 2027/28 auctions.
COLLAR = {2026: (177.24, 329.17), 2027: (177.24, 333.44)}
PRICE_2024 = 28.92  # the 2024/25 delivery year
PEAK_2027_GW = 159.329 + 5.25  # 2026/27 peak forecast plus the 2027/28 increase
#: Capacity obligation (UCAP incl. FRR, 2026/27) per TWh of retail sales in PJM's states.
OBLIGATION_MW = 146_244.0


def pjm_price(x: Array, floor: Array | float, cap: Array | float) -> Array:
    """Capacity price on the demand curve at reserve margin minus target ``x`` (points)."""
    return np.clip(np.interp(x, CURVE_X, CURVE_P), floor, cap)


def pjm_prices(
    p: Mapping[str, Array], years: Array, pjm_gw: Array, lead_years: Array
) -> tuple[Array, Array]:
    """PJM capacity price by delivery year with AI load and without it, (n, T) each.

    ``pjm_gw``: AI average draw in PJM's states (n, T), with its 2024 level first (n, T+1).
    """
    years = np.asarray(years)
    added_since_2024 = pjm_gw[:, 1:] - pjm_gw[:, :1]
    y27 = int(np.searchsorted(years, 2027))
    g27 = pjm_gw[:, 1 + min(y27, years.size - 1)] if years[-1] >= 2027 else pjm_gw[:, -1]
    early, late = (
        col(p["energy.pjm_additions_gw_per_year_now"]),
        col(p["energy.pjm_additions_gw_per_year_later"]),
    )
    ramp = np.clip((years[None, :] - 2027.0) / lead_years[:, None], 0.0, 1.0)
    rate = np.where(years[None, :] > 2027, early + (late - early) * ramp, 0.0)
    supply = np.cumsum(rate, axis=1)
    other = col(p["energy.pjm_other_peak_growth_gw_per_year"]) * np.maximum(years - 2027, 0)
    short = (pjm_gw[:, 1:] - g27[:, None]) + other - supply
    x = OBSERVED_X[2027] - 100.0 * short / PEAK_2027_GW
    for y, obs in OBSERVED_X.items():
        x[:, years == y] = obs
    x_without = x + 100.0 * added_since_2024 / PEAK_2027_GW
    floor = np.zeros_like(x)
    cap = np.broadcast_to(col(p["energy.pjm_price_cap_usd_mw_day"]), x.shape).copy()
    for y, (lo, hi) in COLLAR.items():
        floor[:, years == y], cap[:, years == y] = lo, hi
    with_ai = pjm_price(x, floor, cap)
    without = pjm_price(x_without, floor, cap)
    with_ai[:, years < 2025] = without[:, years < 2025] = PRICE_2024
    return with_ai, without


def calendar(dy: Array, first: float = PRICE_2024) -> Array:
    """Calendar-year average of delivery-year prices (June to May): 5/12 of last, 7/12 now."""
    prev = np.concatenate([np.full((dy.shape[0], 1), first), dy[:, :-1]], axis=1)
    return (5.0 * prev + 7.0 * dy) / 12.0


def pool_sum(x: Array, pool: NDArray[np.int64], k: int) -> Array:
    """Sum of x (..., 51) over each pool's states, (..., k). Element by element (reduceat),
    so every draw's result is the same whatever the number of draws (BLAS is not)."""
    order = np.argsort(pool, kind="stable")
    starts = np.searchsorted(pool[order], np.arange(k))
    return np.asarray(np.add.reduceat(x[..., order], starts, axis=-1), dtype=np.float64)


def pool_prices(cost_usd: Array, load_twh: Array, pool: NDArray[np.int64], k: int) -> Array:
    r"""Each state's price change (cents/kWh), (n, T, 51): its pool's cost over its load,
    :math:`\Delta p_k = \sum_{s \in k} C_s / \sum_{s \in k} E_s`. Shared costs sum to the
    pool's cost: :math:`\sum_s \Delta p_{k(s)} E_s = \sum_s C_s`."""
    cost_k = pool_sum(cost_usd, pool, k)
    load_k = pool_sum(load_twh, pool, k)
    np.maximum(load_k, 1e-12, out=load_k)
    cost_k /= load_k
    cost_k *= 100.0 / 1e9  # $/TWh -> cents/kWh
    return np.asarray(cost_k[..., pool], dtype=np.float64)


def pool_average_price(es: EnergyStates) -> Array:
    """Each state's pool's sales-weighted average price, cents/kWh, (51,)."""
    member = np.zeros((es.pool.size, es.n_pools))
    member[np.arange(es.pool.size), es.pool] = 1.0
    avg = (es.price_total * es.sales_twh) @ member / np.maximum(es.sales_twh @ member, 1e-12)
    return np.asarray(member @ avg, dtype=np.float64)


def tariff_in_force(p: Mapping[str, Array], years: Array, es: EnergyStates) -> Array:
    """1 where a large-load tariff holds, (n, T, 51): existing laws, plus the lever's states."""
    y = np.asarray(years, dtype=np.float64)[None, :, None]
    have = (y >= es.tariff_year[None, None, :]).astype(np.float64)
    new = np.asarray(p["energy.large_load_tariff_states"], dtype=np.float64)
    if np.any(new):
        start = col(p["energy.large_load_tariff_start"])[:, :, None]
        have = np.maximum(have, (y >= start) * new[:, None, :])
    return have


def bill_rise(
    p: Mapping[str, Array],
    years: Array,
    powered_gw: Array,
    es: EnergyStates,
    load_factor: Array,
) -> dict[str, Array]:
    """Residential price rise by state (fraction, capped), PJM prices and pooled costs.

    ``powered_gw``: powered AI load by state (n, T, 51)."""
    back = np.maximum(2 * powered_gw[:, :1] - powered_gw[:, 1:2], 0.0)  # 2024, backcast
    peak = col(p["energy.peak_draw_share"])
    r = col(p["energy.new_supply_cost_ratio"])
    member = np.zeros((es.pool.size, es.n_pools))
    member[np.arange(es.pool.size), es.pool] = 1.0
    # share of the new load's cost left to the pool (the rest pays its own way)
    keep = (
        tariff_in_force(p, years, es) * col(p["energy.large_load_tariff_effectiveness"])[:, :, None]
    )
    np.subtract(1.0, keep, out=keep)
    added = powered_gw - back  # GW of facility capacity added since 2024, then x keep
    added *= keep
    del keep
    # sums over each pool by BLAS, never a new (n, T, 51) array: TWh x (r - 1) x the pool's
    # price ($/TWh = cents/kWh x 1e7), transmission $/yr on the peak draw, and the load
    twh_per_gw = load_factor[:, None] * (HOURS / 1000.0)  # (n, 1)
    price_k = (member.T @ (es.price_total * es.sales_twh)) / (member.T @ es.sales_twh)
    gw_k = pool_sum(added, es.pool, es.n_pools)  # (n, T, k)
    cost_k = gw_k * (twh_per_gw * (r - 1.0) * 1e7)[:, :, None] * price_k
    tx = col(p["energy.transmission_usd_per_gw"]) * col(p["energy.fixed_charge_rate"]) * peak
    cost_k += gw_k * tx[:, :, None]
    load_k = gw_k * twh_per_gw[:, :, None]
    load_k += es.sales_twh @ member
    cost_k /= load_k
    cost_k *= 100.0 / 1e9  # $/TWh -> cents/kWh
    del added, gw_k, load_k
    pooled = cost_k[..., es.pool]  # (n, T, 51): each state's pool's change
    pjm_gw = np.einsum("nts,s->nt", np.concatenate([back, powered_gw], axis=1), es.pjm) * peak
    with_ai, without = pjm_prices(p, years, pjm_gw, power_lead_years(p))
    d_price = calendar(with_ai) - calendar(without)  # $/MW-day, households' increase
    per_twh = OBLIGATION_MW / float(np.sum(es.sales_twh * es.pjm))
    cap_cents = d_price * 365.0 * per_twh * (100.0 / 1e9)  # cents/kWh
    pooled += cap_cents[:, :, None] * es.pjm
    pooled /= es.price_residential
    np.minimum(pooled, col(p["energy.max_bill_rise"])[:, :, None], out=pooled)
    return {
        "rise": pooled,
        "pjm_price": with_ai,
        "pjm_price_without_ai": without,
        "pjm_capacity_cents_kwh": cap_cents,
    }
