"""The sites table (50 states, DC, Gulf, China, other), in the order of ``core.dims.SITES``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from .data import load_table
from .dims import INTERNATIONAL, SITES

Array = NDArray[np.float64]


@dataclass(frozen=True)
class SiteData:
    sites: tuple[str, ...]  # 51 states (USPS), then GULF, CHINA, OTHER
    n_states: int
    pipeline_share: Array  # (51,) calibration shares of US new build
    operating_gw: Array  # (S,) AI facility GW operating in 2025 (NaN -> 0)
    co2_lb_per_mwh: Array  # (S,)
    price_residential: Array  # (51,) cents/kWh
    residential_sales_twh: Array  # (51,)
    total_sales_twh: Array  # (51,)
    residential_customers: Array  # (51,) (NaN where unknown)

    def index(self, site: str) -> int:
        return self.sites.index(site)


def _col(t: pd.DataFrame, name: str, fill: float = np.nan) -> Array:
    if name not in t:
        return np.full(len(t), fill)
    return np.asarray(t[name].astype(float).fillna(fill).to_numpy(), dtype=np.float64)


@cache
def site_data() -> SiteData:
    t = load_table("sites")
    states = t[t["kind"] == "state"].reset_index(drop=True)
    order = list(states["site"]) + list(INTERNATIONAL)
    t = t.set_index("site").loc[order].reset_index()
    n = len(states)
    share = _col(states, "pipeline_share", 0.0)
    share = share / share.sum()
    if tuple(order) != SITES:
        raise RuntimeError("data/sites.csv is not in the order of core.dims.SITES")
    return SiteData(
        sites=tuple(order),
        n_states=n,
        pipeline_share=share,
        operating_gw=_col(t, "operating_gw_2025", 0.0),
        co2_lb_per_mwh=_col(t, "co2_lb_per_mwh_2024"),
        price_residential=_col(states, "price_residential_cents_kwh"),
        residential_sales_twh=_col(states, "residential_sales_twh_2024"),
        total_sales_twh=_col(states, "retail_sales_total_twh_2024"),
        residential_customers=_col(states, "residential_customers_2024"),
    )
