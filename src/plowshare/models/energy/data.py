"""The energy model's state table (``data/energy_states.csv``) joined to the sites table."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray

from plowshare.core.data import load_table
from plowshare.core.dims import STATES
from plowshare.core.sites import site_data

Array = NDArray[np.float64]
#: Organised markets, where prices form across the market's states; elsewhere (the
#: Southeast's and the West's vertically integrated utilities) costs are recovered through
#: each state's rate base.
MARKETS = ("PJM", "ERCOT", "MISO", "SPP", "NYISO", "ISONE", "CAISO")
#: Relative water consumption of generation by fuel, gal/MWh (Macknick et al. 2012 medians,
#: recirculating cooling; hydropower: reservoir evaporation). Only the ratios are used.
WATER_WEIGHT = {
    "coal": 687.0,
    "gas": 198.0,
    "nuclear": 672.0,
    "hydro": 4491.0,
    "wind_solar": 0.0,
    "other": 687.0,
}


@dataclass(frozen=True)
class EnergyStates:
    market: tuple[str, ...]  # (51,) market or region name
    pool: NDArray[np.int64]  # (51,) index of the pool that shares costs (market, or the state)
    n_pools: int
    pjm: Array  # (51,) 1 for PJM states
    base_share: Array  # (51,) EPRI share of US data-centre load, 2023
    pipeline_odds_weight: Array  # (51,) small + large pipeline (for completion odds)
    pipeline_large_share: Array  # (51,) large projects' share of the state's pipeline
    tariff_year: Array  # (51,) first year of a large-load tariff (inf where none)
    curtailment: Array  # (51,) 1 where the law requires large loads to curtail
    arid: Array  # (51,) 1 in the Colorado River basin states
    water_factor: Array  # (51,) indirect water per kWh relative to the US mix
    sales_twh: Array  # (51,) retail sales 2024
    price_total: Array  # (51,) average price, cents/kWh
    price_residential: Array  # (51,) cents/kWh


@cache
def energy_states() -> EnergyStates:
    t = load_table("energy_states").set_index("site").reindex(list(STATES))
    if t["market"].isna().any():
        raise RuntimeError("data/energy_states.csv does not list the 51 states")
    sd = site_data()
    market = tuple(str(m) for m in t["market"])
    names = list(MARKETS) + [s for s, m in zip(STATES, market, strict=True) if m not in MARKETS]
    pool = np.array(
        [
            names.index(m) if m in MARKETS else names.index(s)
            for s, m in zip(STATES, market, strict=True)
        ]
    )
    dc = t["dc_twh_2023"].to_numpy(float)
    small = t["pipeline_mw_small"].to_numpy(float)
    large = t["pipeline_mw_large"].to_numpy(float)
    total = small + large
    mix = {f: t[f"mix_{f}"].to_numpy(float) for f in WATER_WEIGHT}
    w = np.asarray(sum(WATER_WEIGHT[f] * mix[f] for f in WATER_WEIGHT), dtype=np.float64)
    sales = np.nan_to_num(sd.total_sales_twh)
    w_us = float(np.sum(w * sales) / sales.sum())
    year = t["large_load_tariff_year"].astype(float).to_numpy()
    return EnergyStates(
        market=market,
        pool=pool,
        n_pools=len(names),
        pjm=np.array([m == "PJM" for m in market], dtype=np.float64),
        base_share=dc / dc.sum(),
        pipeline_odds_weight=total,
        pipeline_large_share=np.where(total > 0, large / np.maximum(total, 1e-12), 0.0),
        tariff_year=np.where(np.isfinite(year), year, np.inf),
        curtailment=t["curtailment_required"].to_numpy(float),
        arid=t["arid_basin"].to_numpy(float),
        water_factor=w / w_us,
        sales_twh=sales,
        price_total=_price_total(),
        price_residential=np.asarray(sd.price_residential, dtype=np.float64),
    )


def _price_total() -> Array:
    s = load_table("sites")
    s = s[s["kind"] == "state"].set_index("site").reindex(list(STATES))
    return np.asarray(s["price_total_cents_kwh"].astype(float).to_numpy(), dtype=np.float64)
