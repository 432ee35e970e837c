"""What `plowshare run` and `compare` say about the fund: revenue by instrument, shortfalls."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from plowshare.core.bands import Band

OUTPUTS = (
    "first_shortfall_year",
    "sustained_shortfall_year",
    "endowment_required_usd",
    "revenue_by_instrument_usd",
)


def instrument_rows(ds: xr.Dataset, years: Sequence[int]) -> list[list[str]]:
    """Revenue by instrument (median [p5, p95], $bn/yr), instruments that raise anything."""
    var = "fund.revenue_by_instrument_usd"
    if var not in ds:
        return []
    rows = []
    for inst in ds["instrument"].values:
        da = ds[var].sel(instrument=inst)
        if float(np.abs(da).max()) == 0.0:
            continue
        rows.append(
            [
                f"  {inst.replace('_', ' ')}",
                "$bn/yr",
                *(Band.of(da.sel(year=y).values).text(1e9) for y in years),
            ]
        )
    return rows


def scalar_lines(ds: xr.Dataset) -> list[str]:
    """Sentences about per-draw scalars (first shortfall year, required endowment)."""
    lines = []
    if "fund.first_shortfall_year" in ds:
        never = float(np.isnan(ds["fund.first_shortfall_year"].values).mean())
        lines.append(f"Need is met in every year in {never:.0%} of draws.")
    if "fund.sustained_shortfall_year" in ds:
        y = ds["fund.sustained_shortfall_year"].values
        ok = float(np.isnan(y).mean())
        b = Band.of(y)
        when = (
            ""
            if ok == 1
            else f"; where it does not, the shortfall lasts to the horizon from {b.p50:.0f} "
            f"(median; 90 % of those draws {b.p5:.0f}–{b.p95:.0f})"
        )
        lines.append(f"Need is fully met in the last year in {ok:.0%} of draws{when}.")
    if "fund.endowment_required_usd" in ds:
        e = ds["fund.endowment_required_usd"].values
        lines.append(
            "Endowment that would pay all need forever, at the start year: "
            f"{Band.of(e).text(1e12)} $ trillion (median [p5, p95])."
        )
    return lines


def rows(ds: xr.Dataset, years: Sequence[int]) -> list[list[str]]:
    return instrument_rows(ds, years)


def lines(ds: xr.Dataset, years: Sequence[int]) -> list[str]:
    return scalar_lines(ds)


def compare_lines(a: xr.Dataset, b: xr.Dataset, name_b: str) -> list[str]:
    """How often coverage in the last year shown is higher under B."""
    var = "fund.coverage"
    if var not in a or var not in b or np.array_equal(a[var], b[var]):
        return []
    y = int(b["year"].values[-1])
    p = float((b[var].sel(year=y).values > a[var].sel(year=y).values).mean())
    return [f"Coverage in {y} is higher under {name_b} in {p:.0%} of draws."]
