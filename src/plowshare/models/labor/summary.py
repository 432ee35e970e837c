"""What `plowshare run` says about who is displaced: the most affected groups and states."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from plowshare.models.labor.data import group_data

OUTPUTS = ("displaced_by_group", "displaced_by_state")


def labor_lines(ds: xr.Dataset, year: int, top: int = 5) -> list[str]:
    """The occupation groups and states most affected in ``year`` (medians across draws)."""
    if "labor.displaced_by_group" not in ds or year not in ds["year"].values:
        return []
    gd = group_data()
    by_group = ds["labor.displaced_by_group"].sel(year=year).median("draw").values
    by_state = ds["labor.displaced_by_state"].sel(year=year).median("draw").values
    state_emp = gd.employment @ gd.state_weights
    share = by_state / state_emp
    g_idx = np.argsort(by_group)[::-1][:top]
    s_idx = np.argsort(share)[::-1][:top]
    groups = "; ".join(
        f"{gd.titles[i].removesuffix(' Occupations')} {by_group[i] / 1e6:.2f} M" for i in g_idx
    )
    states = ", ".join(f"{gd.states[i]} {100 * share[i]:.1f} %" for i in s_idx)
    return [
        f"Most displaced occupation groups in {year} (median): {groups}.",
        f"States with the largest share of jobs displaced in {year} (median, of 2025 "
        f"employment): {states}.",
    ]


def lines(ds: xr.Dataset, years: Sequence[int]) -> list[str]:
    return labor_lines(ds, years[-1])
