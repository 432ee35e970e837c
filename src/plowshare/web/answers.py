"""From result arrays to what the page shows: key answers, charts by question, the state view.

Every answer is a per-draw number (a year, GW, dollars, or a 0/1 indicator), so the same
definitions give the central answer (one draw), the 90 % band (p5–p95 over draws) and the
A/B difference on the same draws (B − A per draw). Outputs of a model that did not run are
left out, never shown as zero.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from plowshare.core.dims import DESTINATIONS, REGIONS, STATES
from plowshare.core.params import default_registry
from plowshare.engine.api import package_version

from .compute import Array, Results, get, year_index

BAND = "band: 5th–95th percentile of the draws; line: median"
CENTRAL = "central path: one run at every parameter's central value"


def _at(var: str, year: int, scale: float = 1.0) -> Callable[[Results, Array], Array | None]:
    def f(r: Results, years: Array) -> Array | None:
        a = get(r, var)
        return None if a is None else a[:, year_index(years, year)] / scale

    return f


def _last(var: str, col: int | None = None) -> Callable[[Results, Array], Array | None]:
    def f(r: Results, years: Array) -> Array | None:
        a = get(r, var)
        if a is None:
            return None
        return a[:, -1] if col is None else a[:, -1, col]

    return f


def _plain(var: str) -> Callable[[Results, Array], Array | None]:
    return lambda r, years: get(r, var)


def _before(var: str, year: float) -> Callable[[Results, Array], Array | None]:
    def f(r: Results, years: Array) -> Array | None:
        a = get(r, var)
        return None if a is None else (a < year).astype(np.float64)

    return f


@dataclass(frozen=True)
class Metric:
    """One per-draw answer: ``fn(results, years) -> (draws,)`` or None if not computed."""

    id: str
    label: str
    unit: str
    fn: Callable[[Results, Array], Array | None]
    share: bool = False  # a 0/1 indicator: report the share of draws
    kind: str = "number"  # number | year


METRICS: tuple[Metric, ...] = (
    Metric("rsi-year", "Automated AI R&D (start of RSI)", "year", _plain("compute.rsi_year"),
           kind="year"),
    Metric("rsi-before-2029", "Automated AI R&D before 1 January 2029", "% of draws",
           _before("compute.rsi_year", 2029.0), share=True),
    Metric("tai-year", "Transformative AI", "year", _plain("compute.tai_year"), kind="year"),
    Metric("prc-ahead-2035", "PRC labs ahead of US labs in 2035", "% of draws",
           _at("compute.prc_ahead", 2035), share=True),
    Metric("blocked-gw", "Capacity blocked by state moratoria (cumulative)", "GW",
           _last("siting.blocked_gw_cumulative")),
    *(
        Metric(f"relocated-{i}", f"… relocated to {d}", "GW",
               _last("siting.relocated_gw_by_destination_cumulative", i))
        for i, d in enumerate(DESTINATIONS)
    ),
    Metric("lost-gw", "… never built", "GW", _last("siting.lost_gw_cumulative")),
    Metric("state-revenue", "State compute-tax and permit-equity revenue (cumulative)", "$bn",
           lambda r, y: None if (a := get(r, "siting.state_revenue_usd_cumulative")) is None
           else a[:, -1] / 1e9),
    Metric("bill-2030", "Household electricity bill change in 2030 (US average)", "$/month",
           _at("energy.bill_change_usd_per_month_us", 2030)),
    Metric("co2-2030", "CO₂ from US AI data centres in 2030", "Mt",
           _at("energy.co2_mt_us", 2030)),
    Metric("displaced-2035", "Workers displaced by automation in 2035", "million",
           _at("labor.displaced_workers", 2035, 1e6)),
    Metric("coverage-2035", "Fund payouts as a share of need in 2035", "%",
           _at("fund.coverage", 2035, 0.01)),
)  # fmt: skip


def fmt(x: float, kind: str = "number") -> str:
    if not math.isfinite(x):
        return "after the horizon" if kind == "year" else "—"
    if kind == "year":
        return f"{x:.1f}"
    a = abs(x)
    digits = 0 if a >= 100 else 1 if a >= 10 else 2
    return f"{x:,.{digits}f}"


def _finite(x: Array) -> Array:
    return x[np.isfinite(x)]


def band(x: Array) -> list[float | None]:
    """[p5, p50, p95] of the finite values (None if none is finite)."""
    f = _finite(np.asarray(x, dtype=np.float64))
    if f.size == 0:
        return [None, None, None]
    return [float(v) for v in np.quantile(f, [0.05, 0.5, 0.95])]


def answers(r: Results, years: Array, n: int) -> list[dict[str, Any]]:
    """Every metric the run can answer: central value (n = 1) or band and share of draws."""
    out: list[dict[str, Any]] = []
    for m in METRICS:
        x = m.fn(r, years)
        if x is None:
            continue
        x = np.asarray(x, dtype=np.float64)
        rec: dict[str, Any] = {"id": m.id, "label": m.label, "unit": m.unit}
        if m.share:
            p = float(np.mean(x)) * 100
            rec |= {"value": p, "text": f"{p:.0f} %" if n > 1 else ("yes" if p else "no")}
        elif n == 1:
            v = float(x[0])
            rec |= {"value": v if math.isfinite(v) else None, "text": fmt(v, m.kind)}
            if m.unit != "year" and math.isfinite(v):
                rec["text"] += f" {m.unit}"
        else:
            b = band(x)
            never = float(np.mean(~np.isfinite(x)))
            rec["band"] = b
            rec["value"] = b[1]
            if b[0] is None or b[1] is None or b[2] is None:
                rec["text"] = fmt(math.nan, m.kind)
            else:
                unit = "" if m.kind == "year" else f" {m.unit}"
                rec["text"] = (
                    f"{fmt(b[1], m.kind)}{unit} [{fmt(b[0], m.kind)}, {fmt(b[2], m.kind)}]"
                )
            if m.kind == "year" and never > 0:
                rec["text"] += f"; not reached by {int(years[-1])} in {never:.0%} of draws"
        out.append(rec)
    blocked = get(r, "siting.blocked_gw_by_state_cumulative")
    if blocked is not None:
        last = np.median(blocked[:, -1, :], axis=0)
        top = [(STATES[i], float(last[i])) for i in np.argsort(last)[::-1][:5] if last[i] > 0.05]
        for rec in out:
            if rec["id"] == "blocked-gw":
                rec["by_state"] = [{"state": s, "gw": v} for s, v in top]
                if top:
                    rec["text"] += " (" + ", ".join(f"{s} {v:.1f} GW" for s, v in top) + ")"
    return out


def differences(ra: Results, rb: Results, years: Array, n: int) -> list[dict[str, Any]]:
    """B − A per draw for every metric both runs answer (common random numbers)."""
    out = []
    for m in METRICS:
        a, b = m.fn(ra, years), m.fn(rb, years)
        if a is None or b is None:
            continue
        with np.errstate(invalid="ignore"):
            d = np.asarray(b, dtype=np.float64) - np.asarray(a, dtype=np.float64)
        rec: dict[str, Any] = {"id": m.id, "label": m.label, "unit": m.unit}
        if m.share:
            pp = float(np.mean(b) - np.mean(a)) * 100
            rec |= {"value": pp, "text": f"{pp:+.0f} points"}
        else:
            bd = band(d) if n > 1 else [None, float(d[0]), None]
            rec |= {"value": bd[1], "band": bd}
            unit = "years" if m.kind == "year" else m.unit
            if bd[1] is None or not math.isfinite(bd[1]):
                rec["text"] = "—"
            elif n > 1:
                rec["text"] = f"{bd[1]:+,.2f} [{bd[0]:+,.2f}, {bd[2]:+,.2f}] {unit}"
            else:
                rec["text"] = f"{bd[1]:+,.2f} {unit}"
        out.append(rec)
    return out


# ---- charts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    unit: str
    question: str
    models: tuple[str, ...]
    series: tuple[tuple[str, str, int | None, float], ...]  # label, var, column, divide by


CHARTS: tuple[Chart, ...] = (
    Chart("compute", "Effective compute of the largest training run, US and PRC labs",
          "orders of magnitude (log10 FLOP)", "Who gets there first?", ("compute",),
          (("US labs", "compute.effective_compute_oom_by_bloc", 0, 1.0),
           ("PRC labs", "compute.effective_compute_oom_by_bloc", 1, 1.0))),
    Chart("siting", "Data-centre capacity blocked by state moratoria, and where it went",
          "GW (cumulative)", "Do moratoria stop construction or move it?", ("siting",),
          (("blocked", "siting.blocked_gw_cumulative", None, 1.0),
           *((f"to {d}", "siting.relocated_gw_by_destination_cumulative", i, 1.0)
             for i, d in enumerate(DESTINATIONS)),
           ("never built", "siting.lost_gw_cumulative", None, 1.0))),
    Chart("capacity", "Installed AI data-centre capacity by region", "GW",
          "Where is the compute?", ("compute",),
          tuple((r, "compute.installed_gw_by_region", i, 1.0) for i, r in enumerate(REGIONS))),
    Chart("bills", "Change in the average US household electricity bill", "USD per month",
          "What happens to electricity bills?", ("energy",),
          (("US average", "energy.bill_change_usd_per_month_us", None, 1.0),)),
    Chart("co2", "CO₂ from the electricity of US AI data centres", "Mt CO₂ per year",
          "What are the climate effects?", ("energy",),
          (("US", "energy.co2_mt_us", None, 1.0),)),
    Chart("workers", "Workers displaced by automation", "million per year",
          "How many workers lose their jobs, and when?", ("labor",),
          (("US", "labor.displaced_workers", None, 1e6),)),
    Chart("fund", "Fund payouts against need", "USD bn per year",
          "Could a fund pay displaced workers?", ("fund",),
          (("need", "fund.need_usd", None, 1e9), ("payouts", "fund.payout_usd", None, 1e9),
           ("revenue", "fund.revenue_usd", None, 1e9))),
)  # fmt: skip


@cache
def chart_sources(models: tuple[str, ...]) -> str:
    """The publishers behind a chart's models' sourced parameters (first few), for its line."""
    reg = default_registry()
    pubs: list[str] = []
    for p in reg:
        if p.model in models:
            for s in p.sources:
                pub = reg.sources[s].publisher
                if pub not in pubs:
                    pubs.append(pub)
    shown = "; ".join(pubs[:4]) + (f"; and {len(pubs) - 4} more" if len(pubs) > 4 else "")
    return (
        f"Source: plowshare {package_version()}, model {', '.join(models)}; "
        f"data: {shown or 'judgment parameters only'} (every parameter in the assumptions)."
    )


def _series(r: Results, var: str, col: int | None, scale: float) -> Array | None:
    a = get(r, var)
    if a is None:
        return None
    return (a if col is None else a[..., col]) / scale


def _clean(x: Array) -> list[float | None]:
    """As a list, with None for NaN and infinities (JSON has neither)."""
    a = np.asarray(x, dtype=np.float64)
    if np.isfinite(a).all():
        return a.tolist()
    return [float(v) if math.isfinite(v) else None for v in a]


def charts(r: Results, years: Array, n: int, base: Results | None = None) -> list[dict[str, Any]]:
    """Chart data: per series the central line (n = 1) or p5/p50/p95 by year.

    With ``base``, each series is B − A per draw (the A/B view)."""
    out = []
    for c in CHARTS:
        series = []
        for label, var, col, scale in c.series:
            x = _series(r, var, col, scale)
            if x is None:
                continue
            if base is not None:
                xa = _series(base, var, col, scale)
                if xa is None:
                    continue
                x = x - xa
            if n == 1:
                series.append({"name": label, "central": _clean(x[0])})
            else:
                q = np.nanquantile(x, [0.05, 0.5, 0.95], axis=0)
                series.append(
                    {
                        "name": label,
                        **{k: _clean(v) for k, v in zip(("p5", "p50", "p95"), q, strict=True)},
                    }
                )
        if not series:
            continue
        what = CENTRAL if n == 1 else f"{BAND}, {n:,} draws"
        out.append({
            "id": c.id, "title": ("Change in: " if base is not None else "") + c.title,
            "unit": c.unit, "question": c.question, "years": [int(y) for y in years],
            "series": series, "source": f"{chart_sources(c.models)} {what[0].upper()}{what[1:]}.",
        })  # fmt: skip
    return out


STATE_METRICS: tuple[tuple[str, str, str, float, Sequence[int] | None], ...] = (
    ("capacity", "Installed AI capacity", "energy.installed_gw_by_site", 1.0, range(len(STATES))),
    ("blocked", "Blocked by its moratorium (cumulative)", "siting.blocked_gw_by_state_cumulative",
     1.0, None),
    ("bills", "Household bill change", "energy.bill_change_usd_per_month_by_state", 1.0, None),
    ("jobs", "Workers displaced", "labor.displaced_by_state", 1.0, None),
    ("revenue", "State revenue (cumulative)", "siting.state_revenue_usd_by_state_cumulative",
     1e9, None),
)  # fmt: skip
STATE_UNITS = {"capacity": "GW", "blocked": "GW", "bills": "$/month", "jobs": "workers",
               "revenue": "$bn"}  # fmt: skip


def state_view(r: Results, years: Array, year: int) -> dict[str, Any]:
    """Per state, at one year: capacity, GW blocked, bill change, jobs displaced, revenue
    (median over draws)."""
    i = year_index(years, year)
    metrics = []
    for mid, label, var, scale, cols in STATE_METRICS:
        a = get(r, var)
        if a is None:
            continue
        v = a[:, i, :] if cols is None else a[:, i, : len(STATES)]
        med = (v[0] if len(v) == 1 else np.median(v, axis=0)) / scale
        metrics.append({"id": mid, "label": label, "unit": STATE_UNITS[mid],
                        "values": dict(zip(STATES, _clean(med), strict=True))})  # fmt: skip
    return {"year": int(years[i]), "metrics": metrics}
