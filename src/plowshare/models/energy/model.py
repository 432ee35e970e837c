r"""Electricity, emissions, water and bills of AI data centres, by site and year.

* **Capacity and power** (:mod:`.grid`): the compute model's US stock split among states
  from EPRI's 2025 geography and the siting model's build weighted by completion odds;
  the grid powers load up to its headroom at once and the rest after the lead time; the
  difference is the load delayed by power.
* **Electricity**: :math:`TWh = GW_{powered} \times LF \times 8{,}760 / 1{,}000`; all data
  centres = AI + the non-AI load, held at IEA's 2024 total less AI's 2025 load.
* **CO2**, one basis everywhere (combustion CO2 of the supply; Electricity Maps' lifecycle
  intensities abroad scaled to it by the US ratio): grids decarbonise at a yearly rate;
  load added since 2025 is served at the margin (gas share × gas + rest × grid); in
  mandate states the hourly-matched share of the added load emits nothing.
* **Water**: direct (lognormal, median LBNL's 0.37 L/kWh) consumption, and withdrawal
  through the evaporated share; indirect by each state's generation mix (Macknick's
  relative factors scaled to LBNL's national 4.5 L/kWh); the Colorado River basin states
  as the basin-stress proxy; golf and irrigation comparisons.
* **Bills** (:mod:`.markets`): prices that form in markets and rate bases.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from plowshare.core.arrays import col
from plowshare.core.sites import site_data

from .data import energy_states
from .grid import powered, split_us_stock
from .markets import bill_rise

Array = NDArray[np.float64]
HOURS = 8760.0
LB_PER_TONNE = 2204.62
LITRES_PER_GALLON = 3.785411784


def capacity_by_site(built_by_site: Array, installed_by_region: Array, odds: Array) -> Array:
    """Installed GW by site, (n, T, 54): the US stock split among states, abroad as is."""
    ns = site_data().n_states
    states = split_us_stock(
        built_by_site[:, :, :ns], installed_by_region[:, :, 0], energy_states(), odds
    )
    return np.concatenate([states, installed_by_region[:, :, 1:]], axis=2)


def grid_intensity(p: Mapping[str, Array], years: Array) -> tuple[Array, Array]:
    """CO2 per MWh of each site's grid (lb, 2024 basis, (54,)) and its path factor (n, T)."""
    sd = site_data()
    ns = sd.n_states
    grid = np.array(sd.co2_lb_per_mwh, dtype=np.float64)
    grid[:ns] = np.nan_to_num(grid[:ns], nan=float(np.nanmean(grid[:ns])))
    grid[ns:] *= p["energy.lifecycle_to_combustion"][0]
    path = (1.0 - col(p["energy.grid_co2_decline_per_year"])) ** (
        np.asarray(years, dtype=np.float64)[None, :] - 2024.0
    )
    return grid, path


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
    es = energy_states()
    ns = sd.n_states
    lf = np.asarray(p["energy.load_factor"], dtype=np.float64)
    gw = capacity_by_site(
        built_gw_by_site,
        installed_gw_by_region,
        np.asarray(p["energy.large_project_completion_odds"]),
    )
    power = powered(p, gw[:, :, :ns], es)
    delayed = gw[:, :, :ns] - power
    bills = bill_rise(p, years, power, es, lf)
    twh = gw * (lf[:, None, None] * HOURS / 1000.0)
    twh[:, :, :ns] = power
    twh[:, :, :ns] *= lf[:, None, None] * HOURS / 1000.0
    del power
    us_twh = twh[:, :, :ns].sum(axis=2)
    non_ai = np.maximum(col(p["energy.all_dc_twh_2024"]) - us_twh[:, :1], 0.0)

    # ---- CO2 (lb, then Mt in place)
    grid, path = grid_intensity(p, years)
    gas = col(p["energy.gas_share_of_new_supply"])
    added = twh - twh[:, :1, :]
    np.maximum(added, 0.0, out=added)
    co2 = twh * grid
    co2 *= path[:, :, None]
    # added load at the margin: gas share x (gas - grid(t)) above the grid average
    margin = added * grid
    margin *= (-gas * path)[:, :, None]
    margin += added * (gas * col(p["energy.gas_co2_lb_per_mwh"]))[:, :, None]
    co2 += margin
    if np.any(mandate_by_state):  # hourly-matched share of added load emits nothing
        m = mandate_by_state * col(p["energy.hourly_matching_share"])[:, :, None]
        margin[:, :, :ns] += added[:, :, :ns] * grid[:ns] * path[:, :, None]
        co2[:, :, :ns] -= margin[:, :, :ns] * m
    del margin, added
    co2 *= 1e6 / (LB_PER_TONNE * 1e6)  # TWh -> MWh, lb -> t, t -> Mt

    # ---- water (TWh x L/kWh = bn litres)
    direct = col(p["energy.direct_water_l_per_kwh"])
    indirect = col(p["energy.indirect_water_l_per_kwh"])
    factor = np.concatenate([es.water_factor, np.ones(twh.shape[2] - ns)])
    water = twh * factor
    water *= indirect[:, :, None]
    water += twh * direct[:, :, None]
    indirect_us = np.einsum("nts,s->nt", twh[:, :, :ns], es.water_factor) * indirect
    direct_us = us_twh * direct / LITRES_PER_GALLON
    arid = np.einsum("nts,s->nt", twh[:, :, :ns], es.arid) * direct / LITRES_PER_GALLON

    # ---- bills
    rise = bills["rise"]
    monthly_kwh = np.where(
        np.isfinite(sd.residential_customers) & (sd.residential_customers > 0),
        sd.residential_sales_twh * 1e9 / np.maximum(sd.residential_customers, 1) / 12.0,
        p["energy.fallback_residential_kwh_month"][0],
    )
    bill_usd = sd.price_residential / 100.0 * monthly_kwh
    bill_change = rise * bill_usd
    weights = np.nan_to_num(sd.residential_sales_twh)
    golf = p["energy.golf_water_bn_gallons"][0]
    irrigation = p["energy.irrigation_water_bn_gallons"][0]
    return {
        "installed_gw_by_site": gw,
        "power_delayed_gw_by_state": delayed,
        "power_delayed_gw_us": delayed.sum(axis=2),
        "electricity_twh_by_site": twh,
        "electricity_twh_us": us_twh,
        "electricity_twh_all_dc_us": us_twh + non_ai,
        "co2_mt_by_site": co2,
        "co2_mt_us": co2[:, :, :ns].sum(axis=2),
        "water_direct_bn_gallons_us": direct_us,
        "water_direct_all_dc_bn_gallons_us": (us_twh + non_ai) * direct / LITRES_PER_GALLON,
        "water_direct_withdrawal_bn_gallons_us": direct_us
        / col(p["energy.direct_evaporated_share"]),
        "water_indirect_bn_gallons_us": indirect_us / LITRES_PER_GALLON,
        "water_indirect_withdrawal_bn_gallons_us": us_twh
        * col(p["energy.indirect_withdrawal_l_per_kwh"])
        / LITRES_PER_GALLON,
        "water_direct_arid_basin_bn_gallons": arid,
        "water_direct_share_of_golf": direct_us / golf,
        "water_direct_share_of_irrigation": direct_us / irrigation,
        "water_bn_litres_by_site": water,
        "pjm_capacity_price_usd_mw_day": bills["pjm_price"],
        "pjm_capacity_price_without_ai_usd_mw_day": bills["pjm_price_without_ai"],
        "bill_change_pct_by_state": 100.0 * rise,
        "bill_change_pct_us": 100.0 * (rise @ weights) / weights.sum(),
        "bill_change_usd_per_month_by_state": bill_change,
        "bill_change_usd_per_month_us": (bill_change @ weights) / weights.sum(),
    }
