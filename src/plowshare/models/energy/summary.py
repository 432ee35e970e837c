"""What `plowshare run` and `compare` say about bills, the grid and water.

Bills are reported for 2030 when the run keeps it (the year of the published estimates),
otherwise for the last year shown.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from plowshare.core.bands import Band

from .data import energy_states

OUTPUTS = (
    "bill_change_pct_us",
    "bill_change_usd_per_month_us",
    "bill_change_pct_by_state",
    "bill_change_usd_per_month_by_state",
    "pjm_capacity_price_usd_mw_day",
    "pjm_capacity_price_without_ai_usd_mw_day",
    "power_delayed_gw_us",
    "water_direct_bn_gallons_us",
    "water_direct_share_of_golf",
    "water_direct_share_of_irrigation",
    "water_direct_arid_basin_bn_gallons",
)
TOP = 10
YEAR = 2030


def _year(ds: xr.Dataset) -> int:
    ys = [int(y) for y in ds["year"].values]
    return YEAR if YEAR in ys else ys[-1]


def _pct(x: np.ndarray) -> str:
    return Band.of(x).text(signed=True)


def bill_lines(ds: xr.Dataset) -> list[str]:
    if "energy.bill_change_pct_by_state" not in ds:
        return []
    y = _year(ds)
    at = ds.sel(year=y)
    pct = at["energy.bill_change_pct_by_state"]
    usd = at["energy.bill_change_usd_per_month_by_state"]
    med = np.median(pct.values, axis=0)
    order = np.argsort(med)[::-1][:TOP]
    states = pct["state"].values
    parts = [
        f"{states[i]} {_pct(pct.values[:, i])} % ({_pct(usd.values[:, i])} $/month)" for i in order
    ]
    us = at["energy.bill_change_pct_us"].values
    us_usd = at["energy.bill_change_usd_per_month_us"].values
    return [
        f"Household electricity bills in {y} from AI data-centre load added since 2024: "
        f"US {_pct(us)} % ({_pct(us_usd)} $/month); highest: " + ", ".join(parts) + "."
    ]


def grid_lines(ds: xr.Dataset, years: Sequence[int]) -> list[str]:
    out = []
    if "energy.pjm_capacity_price_usd_mw_day" in ds:
        y = _year(ds)
        at = ds.sel(year=y)
        w = at["energy.pjm_capacity_price_usd_mw_day"].values
        wo = at["energy.pjm_capacity_price_without_ai_usd_mw_day"].values
        out.append(
            f"PJM capacity price, delivery year {y}/{(y + 1) % 100:02d}: {Band.of(w).text()} "
            f"$/MW-day; without the AI load added since 2024 {Band.of(wo).text()}."
        )
    if "energy.power_delayed_gw_us" in ds:
        d = ds["energy.power_delayed_gw_us"]
        parts = ", ".join(f"{y} {Band.of(d.sel(year=y).values).text()}" for y in years)
        out.append(f"AI data-centre capacity waiting for power (GW): {parts}.")
    if "energy.water_direct_bn_gallons_us" in ds:
        at = ds.sel(year=_year(ds))
        golf = 100 * at["energy.water_direct_share_of_golf"].values
        irr = 100 * at["energy.water_direct_share_of_irrigation"].values
        arid = at["energy.water_direct_arid_basin_bn_gallons"].values
        out.append(
            f"Direct (on-site) water of US AI data centres in {_year(ds)}: "
            f"{Band.of(at['energy.water_direct_bn_gallons_us'].values).text()} bn gallons = "
            f"{Band.of(golf).text()} % of golf courses' and {Band.of(irr).text()} % of "
            f"irrigation's; in the Colorado River basin states {Band.of(arid).text()} bn gallons."
        )
    return out


def lines(ds: xr.Dataset, years: Sequence[int]) -> list[str]:
    return bill_lines(ds) + grid_lines(ds, years)


def compare_lines(a: xr.Dataset, b: xr.Dataset, name_b: str) -> list[str]:
    """Where bills change (B − A, same draws), naming each state's market."""
    var = "energy.bill_change_pct_by_state"
    if var not in a or var not in b:
        return []
    y = _year(b)
    d = b[var].sel(year=y).values - a[var].sel(year=y).values
    if not np.any(d):
        return []
    med = np.median(d, axis=0)
    order = [i for i in np.argsort(-np.abs(med)) if abs(med[i]) >= 0.005][:TOP]
    states = b[var]["state"].values
    market = energy_states().market
    parts = [f"{states[i]} ({market[i]}) {_pct(d[:, i])} pp" for i in order]
    us = b["energy.bill_change_pct_us"].sel(year=y).values
    us -= a["energy.bill_change_pct_us"].sel(year=y).values
    return [
        f"Bills in {y}, {name_b} against the base (percentage points): US {_pct(us)}; "
        "largest changes: " + ", ".join(parts) + "."
    ]
