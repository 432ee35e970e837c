"""What `plowshare run` and `compare` say about moratoria: blocked GW, where it went, revenue.

Every sentence reads running totals (``*_cumulative``) at the last year shown, so it says
the same whichever years a run keeps.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from plowshare.core.bands import Band

OUTPUTS = (
    "blocked_gw_cumulative",
    "lost_gw_cumulative",
    "relocated_gw_by_destination_cumulative",
    "delay_gw_years_cumulative",
    "safety_research_gw",
    "state_revenue_usd_cumulative",
    "blocked_gw_by_state_cumulative",
    "state_revenue_usd_by_state_cumulative",
)
TOP_STATES = 8  # states named one by one; the rest are summed


def by_state(da: xr.DataArray, scale: float, unit: str) -> str:
    """'VA 3.1 [1.2, 5.9] GW, GA …' for the states with the largest median, largest first."""
    med = da.median("draw").values
    order = [i for i in np.argsort(med)[::-1] if med[i] > 0]
    parts = [
        f"{da['state'].values[i]} {Band.of(da.isel(state=i).values).text(scale)} {unit}"
        for i in order[:TOP_STATES]
    ]
    if len(order) > TOP_STATES:
        rest = da.isel(state=order[TOP_STATES:]).sum("state").values
        parts.append(f"{len(order) - TOP_STATES} other states {Band.of(rest).text(scale)} {unit}")
    return ", ".join(parts)


def siting_lines(ds: xr.Dataset) -> list[str]:
    """Where blocked capacity went, to the last year shown, and what the alternatives raised."""
    if "siting.blocked_gw_cumulative" not in ds:
        return []
    last = ds["year"].values[-1]
    first = int(ds.attrs.get("first_year", 2025))
    span = f"{first}–{last}"
    at = ds.sel(year=last)
    lines = []
    blocked = at["siting.blocked_gw_cumulative"].values
    if float(np.max(blocked)) > 0:
        dest = at["siting.relocated_gw_by_destination_cumulative"]
        parts = ", ".join(
            f"{d}: {Band.of(dest.sel(destination=d).values).text()} GW"
            for d in dest["destination"].values
        )
        lost = at["siting.lost_gw_cumulative"].values
        delay = at["siting.delay_gw_years_cumulative"].values
        lines.append(
            f"Blocked by moratoria, {span}: {Band.of(blocked).text()} GW "
            f"({by_state(at['siting.blocked_gw_by_state_cumulative'], 1.0, 'GW')}); relocated "
            f"to {parts}; never built {Band.of(lost).text()} GW; delay "
            f"{Band.of(delay).text()} GW-years (median [p5, p95])."
        )
    safety = at["siting.safety_research_gw"].values
    if float(np.max(safety)) > 0:
        lines.append(
            f"Capacity reserved for safety research in {last}: {Band.of(safety).text()} GW."
        )
    revenue = at["siting.state_revenue_usd_cumulative"].values
    if float(np.max(revenue)) > 0:
        per = by_state(at["siting.state_revenue_usd_by_state_cumulative"], 1e9, "$bn")
        lines.append(
            f"State compute taxes and equity for permits, {span}: "
            f"{Band.of(revenue).text(1e9)} $bn ({per})."
        )
    return lines


def lines(ds: xr.Dataset, years: Sequence[int]) -> list[str]:
    return siting_lines(ds)


def compare_lines(a: xr.Dataset, b: xr.Dataset, name_b: str) -> list[str]:
    return siting_lines(b)
