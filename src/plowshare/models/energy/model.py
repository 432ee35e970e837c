r"""Electricity, emissions, water and bills of AI data centres, by site and year.

* **Capacity by site**: the compute model's installed GW by region (with retirement),
  shared among states in proportion to their cumulative capacity (2025 stock plus what the
  siting model builds there).
* **Electricity**: :math:`TWh = GW \times LF \times 8{,}760 / 1{,}000` (load factor LF).
* **CO2**: the 2025 level of load at the site's grid-average intensity; load added since
  2025 at a blend of gas-fired marginal supply and the grid average — except in states with
  a clean-energy mandate, where new load is matched by new clean supply.
* **Water**: direct (on-site cooling) and indirect (power-plant) litres per kWh.
* **Bills** (states): the average residential price rises by an elasticity times the load
  added since 2025 as a share of the state's retail sales, less the share large-load tariffs
  assign to data centres, up to a ceiling (the evidence stops at ~+25 % regionally); in
  dollars a month through the state's average residential bill.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from plowshare.core.arrays import col
from plowshare.core.sites import site_data

Array = NDArray[np.float64]
HOURS = 8760.0
LB_PER_TONNE = 2204.62
LITRES_PER_GALLON = 3.785411784


def capacity_by_site(built_by_site: Array, installed_by_region: Array) -> Array:
    """Installed GW by site, (n, T, 54): regional stocks split by cumulative build."""
    sd = site_data()
    ns = sd.n_states
    cum_states = sd.operating_gw[:ns] + np.cumsum(built_by_site[:, :, :ns], axis=1)
    share = cum_states / np.maximum(cum_states.sum(axis=2, keepdims=True), 1e-12)
    states = installed_by_region[:, :, :1] * share
    return np.concatenate([states, installed_by_region[:, :, 1:]], axis=2)


def run(
    params: Mapping[str, Array],
    years: Array,
    *,
    built_gw_by_site: Array,
    installed_gw_by_region: Array,
    mandate_by_state: Array,
) -> dict[str, Array]:
    """Energy, CO2, water and bill effects for all draws. ``installed_gw_by_region`` is the
    compute model's regional stock (n, T, 4); ``mandate_by_state`` (n, T, 51) is 1 where a
    clean-energy mandate holds."""
    p = params
    sd = site_data()
    ns = sd.n_states
    gw = capacity_by_site(built_gw_by_site, installed_gw_by_region)
    twh = gw * (col(p["energy.load_factor"])[:, :, None] * HOURS / 1000.0)
    added = twh - twh[:, :1, :]
    np.maximum(added, 0.0, out=added)
    grid = np.nan_to_num(sd.co2_lb_per_mwh, nan=float(np.nanmean(sd.co2_lb_per_mwh)))
    gas = col(p["energy.gas_share_of_new_supply"])[:, :, None]
    # lb of CO2 per MWh of added load above the grid average (gas at the margin)
    extra = gas * (col(p["energy.gas_co2_lb_per_mwh"])[:, :, None] - grid)
    co2_lb = twh * grid  # everything at the grid average, then adjust the added load
    co2_lb += added * extra
    if np.any(mandate_by_state):  # mandate states: added load carries no new emissions
        m = mandate_by_state
        co2_lb[:, :, :ns] -= added[:, :, :ns] * m * (grid[:ns] + extra[:, :, :ns])
    co2_mt = co2_lb
    co2_mt *= 1e6 / (LB_PER_TONNE * 1e6)  # TWh -> MWh, lb -> t, t -> Mt (in place)
    water_l_per_kwh = (
        col(p["energy.direct_water_l_per_kwh"]) + col(p["energy.indirect_water_l_per_kwh"])
    )[:, :, None]
    us_twh = twh[:, :, :ns].sum(axis=2)
    rise = added[:, :, :ns] / sd.total_sales_twh  # share of state sales added
    pass_through = col(p["energy.bill_elasticity"]) * (
        1.0 - col(p["energy.large_load_tariff_share"])
    )
    rise *= pass_through[:, :, None]
    np.minimum(rise, col(p["energy.max_bill_rise"])[:, :, None], out=rise)  # beyond the evidence
    monthly_kwh = np.where(
        np.isfinite(sd.residential_customers) & (sd.residential_customers > 0),
        sd.residential_sales_twh * 1e9 / np.maximum(sd.residential_customers, 1) / 12.0,
        p["energy.fallback_residential_kwh_month"][0],
    )
    bill_usd = sd.price_residential / 100.0 * monthly_kwh
    bill_change = rise * bill_usd
    weights = np.nan_to_num(sd.residential_sales_twh)
    return {
        "installed_gw_by_site": gw,
        "electricity_twh_by_site": twh,
        "electricity_twh_us": us_twh,
        "co2_mt_by_site": co2_mt,
        "co2_mt_us": co2_mt[:, :, :ns].sum(axis=2),
        # TWh x L/kWh = bn litres; / 3.785 = bn gallons
        "water_direct_bn_gallons_us": us_twh
        * col(p["energy.direct_water_l_per_kwh"])
        / LITRES_PER_GALLON,
        "water_indirect_bn_gallons_us": us_twh
        * col(p["energy.indirect_water_l_per_kwh"])
        / LITRES_PER_GALLON,
        "water_bn_litres_by_site": twh * water_l_per_kwh,
        "bill_change_pct_by_state": 100.0 * rise,
        "bill_change_usd_per_month_by_state": bill_change,
        "bill_change_usd_per_month_us": (bill_change @ weights) / weights.sum(),
    }
