"""Human-readable summaries of results: the key-output table and the comparison table."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from .core.pipeline import MODELS, KeyOutput

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Band:
    p5: float
    p50: float
    p95: float

    @classmethod
    def of(cls, x: Array) -> Band:
        x = np.asarray(x, dtype=np.float64)
        x = x[np.isfinite(x)]
        if x.size == 0:
            return cls(math.nan, math.nan, math.nan)
        q = np.quantile(x, [0.05, 0.5, 0.95])
        return cls(float(q[0]), float(q[1]), float(q[2]))

    def text(self, scale: float = 1.0, signed: bool = False) -> str:
        if math.isnan(self.p50):
            return "—"
        f = number_format(self.p50 / scale, signed)
        if self.p5 == self.p95:
            return f(self.p50 / scale)
        return f"{f(self.p50 / scale)} [{f(self.p5 / scale)}, {f(self.p95 / scale)}]"


def number_format(typical: float, signed: bool = False):  # type: ignore[no-untyped-def]
    a = abs(typical)
    digits = 0 if a >= 100 else 1 if a >= 10 else 2
    sign = "+" if signed else ""

    def f(x: float) -> str:
        return f"{x:{sign},.{digits}f}"

    return f


# per-draw outputs the summary sentences use, besides the key outputs
SENTENCE_OUTPUTS = (
    "fund.first_shortfall_year",
    "fund.sustained_shortfall_year",
    "fund.endowment_required_usd",
    "fund.revenue_by_instrument_usd",
    "compute.rsi_year",
    "compute.tai_year",
    "compute.rsi_year_by_bloc",
    "compute.us_lead_years",
    "siting.relocated_gw_by_destination",
    "siting.delay_gw_years",
    "siting.safety_research_gw",
    "siting.state_revenue_usd",
    "labor.displaced_by_group",
    "labor.displaced_by_state",
)


def displayed_outputs() -> set[str]:
    """Every output that ``plowshare run`` and ``compare`` print (to keep large runs small)."""
    keys = {f"{m}.{k.name}" for m, spec in MODELS.items() for k in spec.key_outputs}
    return keys | set(SENTENCE_OUTPUTS)


def key_outputs(ds: xr.Dataset) -> list[tuple[str, KeyOutput]]:
    """(variable name, spec) for every key output present in ``ds``."""
    out = []
    for model in str(ds.attrs.get("models", "")).split(","):
        if model in MODELS:
            out += [
                (f"{model}.{k.name}", k)
                for k in MODELS[model].key_outputs
                if f"{model}.{k.name}" in ds
            ]
    return out


def total(ds: xr.Dataset, var: str) -> xr.DataArray:
    """The variable summed over any extra dimension (e.g. instrument)."""
    da = ds[var]
    extra = [d for d in da.dims if d not in ("draw", "year")]
    return da.sum(extra) if extra else da


def run_rows(ds: xr.Dataset, years: Sequence[int]) -> list[list[str]]:
    """Rows of the key-output table: label, unit, then 'median [p5, p95]' per year."""
    rows = []
    for var, k in key_outputs(ds):
        da = total(ds, var)
        cells = [
            share_text(da.sel(year=y).values)
            if k.share
            else Band.of(da.sel(year=y).values).text(k.scale)
            for y in years
        ]
        rows.append([k.label, k.unit, *cells])
    return rows


def share_text(x: Array) -> str:
    """Share of draws in which a 0/1 indicator is 1, as a percentage."""
    return f"{100 * float(np.mean(x)):.0f}"


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


def compare_rows(a: xr.Dataset, b: xr.Dataset, years: Sequence[int]) -> list[list[str]]:
    """Per key output: B − A per draw (common random numbers), median [p5, p95] by year."""
    rows = []
    for var, k in key_outputs(b):
        if var not in a:
            continue
        da, db = total(a, var), total(b, var)
        if np.array_equal(da.values, db.values, equal_nan=True):
            continue  # the two scenarios do not differ here: say nothing
        cells = []
        for y in years:
            va, vb = da.sel(year=y).values, db.sel(year=y).values
            if k.share:
                cells.append(f"{100 * (float(np.mean(vb)) - float(np.mean(va))):+.0f} pp")
            else:
                cells.append(Band.of(vb - va).text(k.scale, signed=True))
        rows.append([k.label, "points" if k.share else k.unit, *cells])
    return rows


def prob_higher(a: xr.Dataset, b: xr.Dataset, var: str, year: int) -> float:
    """Share of draws in which B exceeds A for ``var`` in ``year``."""
    return float((total(b, var).sel(year=year).values > total(a, var).sel(year=year).values).mean())


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
    return lines


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
    return lines


def labor_lines(ds: xr.Dataset, year: int, top: int = 5) -> list[str]:
    """The occupation groups and states most affected in ``year`` (medians across draws)."""
    from .models.labor.data import group_data

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
