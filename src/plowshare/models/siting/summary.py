"""What `plowshare run` and `compare` say about moratoria: blocked GW, where it went, revenue."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from plowshare.core.bands import Band

OUTPUTS = (
    "blocked_gw",
    "lost_gw",
    "relocated_gw_by_destination",
    "delay_gw_years",
    "safety_research_gw",
    "state_revenue_usd",
)


def siting_lines(ds: xr.Dataset) -> list[str]:
    """Where blocked capacity went over the years shown, and what the alternatives raised."""
    if "siting.blocked_gw" not in ds:
        return []
    lines = []
    blocked = ds["siting.blocked_gw"].sum("year").values
    if float(np.max(blocked)) > 0:
        dest = ds["siting.relocated_gw_by_destination"].sum("year")
        parts = ", ".join(
            f"{d}: {Band.of(dest.sel(destination=d).values).text()} GW"
            for d in dest["destination"].values
        )
        lost = ds["siting.lost_gw"].sum("year").values
        delay = ds["siting.delay_gw_years"].sum("year").values
        lines.append(
            f"Blocked by moratoria (sum over the years shown): {Band.of(blocked).text()} "
            f"GW; relocated to {parts}; never built {Band.of(lost).text()} GW; delay "
            f"{Band.of(delay).text()} GW-years (median [p5, p95])."
        )
    safety = ds["siting.safety_research_gw"].values
    if float(np.max(safety)) > 0:
        lines.append(
            "Capacity reserved for safety research in the last year shown: "
            f"{Band.of(safety[:, -1]).text()} GW."
        )
    revenue = ds["siting.state_revenue_usd"].sum("year").values
    if float(np.max(revenue)) > 0:
        lines.append(
            "State compute taxes and equity for permits (sum over the years shown): "
            f"{Band.of(revenue).text(1e9)} $bn."
        )
    return lines


def lines(ds: xr.Dataset, years: Sequence[int]) -> list[str]:
    return siting_lines(ds)


def compare_lines(a: xr.Dataset, b: xr.Dataset, name_b: str) -> list[str]:
    return siting_lines(b)
