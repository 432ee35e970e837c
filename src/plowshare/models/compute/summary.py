"""What `plowshare run` and `compare` say about the milestones and the US-PRC race."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from plowshare.core.bands import Band

# outputs these sentences read, besides the key outputs (kept in large runs)
OUTPUTS = (
    "rsi_year",
    "tai_year",
    "rsi_year_by_bloc",
    "us_lead_years",
    "rsi_to_tai_years",
    "largest_run_flop_by_bloc",
)
TREND_2028_FLOP = 5e26 * 4.8**3  # the 2018-25 trend (Epoch fit, x4.8/yr) from Grok 4's 5e26
RACE_YEAR = 2035


# (variable, label, cutoff year, phrase): milestone crossing times, fractional years
MILESTONES = (
    (
        "compute.rsi_year",
        "Automated AI R&D (start of recursive self-improvement)",
        2029.0,
        "before 1 January 2029",
    ),
    (
        "compute.tai_year",
        "Transformative AI (most knowledge work automatable)",
        2037.0,
        "by the end of 2036",
    ),
)


def year_text(x: float, horizon: int) -> str:
    return f"after {horizon}" if not np.isfinite(x) else f"{x:.1f}"


def milestone_lines(ds: xr.Dataset) -> list[str]:
    """P(milestone before its cut-off), median crossing year with band, and the US-PRC race."""
    if "year" not in ds.coords:
        return []
    horizon = int(ds["year"].values[-1])
    lines = []
    for var, label, cutoff, phrase in MILESTONES:
        if var not in ds:
            continue
        y = ds[var].values
        with np.errstate(invalid="ignore"):  # quantiles between two never-crossed (inf) draws
            q = np.quantile(y, [0.05, 0.5, 0.95])
        lines.append(
            f"{label}: P({phrase}) = {float(np.mean(y < cutoff)):.0%}; year "
            f"{year_text(q[1], horizon)} [{year_text(q[0], horizon)}, "
            f"{year_text(q[2], horizon)}] (median [p5, p95])."
        )
    if "compute.rsi_year_by_bloc" in ds:
        by = ds["compute.rsi_year_by_bloc"].values
        us_first = float(np.mean(by[:, 0] < by[:, 1]))
        prc_first = float(np.mean(by[:, 1] < by[:, 0]))
        lead = ds["compute.us_lead_years"].values
        lead = lead[np.isfinite(lead)]
        med = f"; median US lead {np.median(lead):.1f} years where both cross" if lead.size else ""
        lines.append(
            f"Automated AI R&D is reached first by US labs in {us_first:.0%} of draws "
            f"and by PRC labs in {prc_first:.0%}{med}."
        )
    lines += balance_lines(ds)
    return lines


def at_year(ds: xr.Dataset, var: str, y: int) -> np.ndarray | None:
    if var not in ds or "year" not in ds[var].dims or y not in ds["year"].values:
        return None
    return np.asarray(ds[var].sel(year=y).values)


def balance_lines(ds: xr.Dataset) -> list[str]:
    """The takeoff gap, the 2028 largest run against the trend, and the US-PRC balance."""
    out = []
    if "compute.rsi_to_tai_years" in ds:
        gap = ds["compute.rsi_to_tai_years"].values
        gap = gap[np.isfinite(gap)]
        if gap.size:
            out.append(
                f"Transformative AI follows automated AI R&D by {Band.of(gap).text(1.0)} years "
                "(median [p5, p95], draws where both cross)."
            )
    run = at_year(ds, "compute.largest_run_flop_by_bloc", 2028)
    if run is not None:
        q = np.quantile(run[:, 0], [0.05, 0.5, 0.95])
        out.append(
            f"Largest training run in 2028 (US labs): {q[1]:.2g} FLOP [{q[0]:.2g}, {q[2]:.2g}]; "
            f"the 2018-25 trend (x4.8 a year) would give {TREND_2028_FLOP:.2g}."
        )
    lead = at_year(ds, "compute.us_lead_oom", RACE_YEAR)
    ahead = at_year(ds, "compute.prc_ahead", RACE_YEAR)
    if lead is not None and ahead is not None:
        out.append(
            f"US-PRC balance in {RACE_YEAR}: US labs lead by {Band.of(lead).text(1.0)} OOM of "
            f"effective compute; PRC labs ahead in {float(np.mean(ahead)):.0%} of draws."
        )
    return out


def milestone_compare_lines(a: xr.Dataset, b: xr.Dataset, name_b: str) -> list[str]:
    """Per-draw delay of each milestone (B − A, common random numbers) and the change in P."""
    lines = []
    for var, label, cutoff, phrase in MILESTONES:
        if var not in a or var not in b:
            continue
        ya, yb = a[var].values, b[var].values
        if np.array_equal(ya, yb):
            continue  # the scenarios do not differ on this milestone
        with np.errstate(invalid="ignore"):
            d = yb - ya
        both = np.isfinite(ya) & np.isfinite(yb)
        band = Band.of(d[both]).text(1.0, signed=True) if both.any() else "n/a"
        pa, pb = float(np.mean(ya < cutoff)), float(np.mean(yb < cutoff))
        lines.append(
            f"{label}: delay under {name_b} {band} years (median [p5, p95], draws where "
            f"both cross); P({phrase}) {pa:.0%} -> {pb:.0%} ({100 * (pb - pa):+.0f} "
            f"points); later in {float(np.mean(yb > ya)):.0%} of draws, earlier in "
            f"{float(np.mean(yb < ya)):.0%}."
        )
    ahead_a = at_year(a, "compute.prc_ahead", RACE_YEAR)
    ahead_b = at_year(b, "compute.prc_ahead", RACE_YEAR)
    if ahead_a is not None and ahead_b is not None:
        lines.append(
            f"PRC labs ahead of US labs in {RACE_YEAR}: {float(np.mean(ahead_a)):.0%} of draws "
            f"-> {float(np.mean(ahead_b)):.0%} under {name_b}."
        )
    return lines


def lines(ds: xr.Dataset, years: Sequence[int]) -> list[str]:
    return milestone_lines(ds)


def compare_lines(a: xr.Dataset, b: xr.Dataset, name_b: str) -> list[str]:
    return milestone_compare_lines(a, b, name_b)
