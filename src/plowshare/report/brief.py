"""`plowshare brief`: one self-contained HTML page that answers the essay's questions.

Every number comes from model runs made here (shared across sections and the claims
ledger, common random numbers throughout); every assumption is listed with its source in
the appendix. The page embeds plotly.js and draws its US map as a tile grid, so it opens
offline and makes no request.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from html import escape
from pathlib import Path

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from plowshare.claims.ledger import ClaimResult, evaluate
from plowshare.core.params import Registry, default_registry
from plowshare.core.scenario import load_scenario
from plowshare.core.sites import site_data
from plowshare.engine import api
from plowshare.models.contest import load_race
from plowshare.models.futures import OUTCOMES
from plowshare.report import html as h

Array = NDArray[np.float64]
YEARS = list(range(2025, 2051))
SCENARIOS = (
    "baseline",
    "bubble",
    "moratorium-blue-states",
    "moratorium-bill-states",
    "moratorium-sanders",
    "national-moratorium",
    "national-moratorium-treaty",
    "mandate-blue-states",
    "alternatives-blue-states",
    "labor-essay",
    "compute-tax-small",
    "mcap-tax-5pct",
    "mcap-tax-10pct",
    "nationalisation",
    "at-the-limit",
    "at-the-limit-nationalisation",
    "fund-baseline",
    "contest-ny12-2026",
)


def bands(ds: xr.Dataset, var: str, scale: float = 1.0) -> tuple[Array, Array, Array]:
    """p5, p50, p95 over draws for each year of a (draw, year) variable (NaN-aware)."""
    x = ds[var].values / scale
    ok = np.isfinite(x).any(axis=0)  # a year with no finite draw stays a gap in the chart
    q = np.full((3, x.shape[1]), np.nan)
    q[:, ok] = np.nanquantile(x[:, ok], [0.05, 0.5, 0.95], axis=0)
    return q[0], q[1], q[2]


def coverage(ds: xr.Dataset) -> xr.Dataset:
    """The fund's coverage only where there is a need (before displacement it is vacuous)."""
    return ds.assign(coverage=ds["fund.coverage"].where(ds["fund.need_usd"] > 0))


def fmt_band(x: Array, digits: int = 1) -> str:
    q = np.nanquantile(x, [0.05, 0.5, 0.95])
    return f"{q[1]:,.{digits}f} [{q[0]:,.{digits}f}, {q[2]:,.{digits}f}]"


VERDICT_COLOURS = {
    "holds": "#1b7837",
    "does not hold": "#b2182b",
    "depends": "#8c6d00",
    "cannot be evaluated": "#59636e",
}


def verdict_html(r: ClaimResult) -> str:
    """A claim as the page shows it: the answer with its magnitude, the verdict in words
    (the 80/20 rule included), why this test, what would flip it, and the verbatim quote."""
    colour = VERDICT_COLOURS.get(r.verdict, "#59636e")
    return (
        f'<div class="claim" id="claim-{escape(r.claim.id)}">'
        f'<p class="answer"><b>{escape(r.answer)}</b></p>'
        f'<p><b style="color:{colour}">{escape(r.verdict_sentence)}</b> '
        f"Test: {escape(r.claim.test)}</p>"
        f"<p><i>Why this test:</i> {escape(r.claim.why)}</p>"
        f"<p><i>What would flip it:</i> {escape(r.flip_sentence)}</p>"
        f"<blockquote>“{escape(r.claim.quote)}”</blockquote></div>"
    )


def section_answers(ledger: dict[str, ClaimResult]) -> str:
    """The top table: each claim's one quotable sentence, its verdict and a link."""
    rows = "".join(
        f'<tr><td><a href="#claim-{escape(r.claim.id)}">{escape(r.claim.title)}</a></td>'
        f"<td>{escape(r.answer)}</td>"
        f'<td class="verdict" style="color:{VERDICT_COLOURS.get(r.verdict, "#59636e")}"><b>'
        f"{escape(r.verdict)}</b></td></tr>"
        for r in ledger.values()
    )
    body = (
        "<p>A claim <b>holds</b> when its test is met in at least 8 of 10 draws (for the "
        "probability claims, 8 of 10 bootstrap resamples), <b>does not hold</b> when met in "
        "at most 2 of 10, and otherwise <b>depends</b> on the assumptions.</p>"
        '<div class="scroll"><table class="answers"><thead><tr><th>claim</th>'
        "<th>answer (median, 90 % band)</th><th>verdict</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
    )
    return h.section("The answers", body, "answers")


def per_state(ds: xr.Dataset, var: str, year: int | None = None) -> dict[str, float]:
    da = ds[var] if year is None else ds[var].sel(year=year)
    med = da.median("draw")
    if "state" not in med.dims:
        return {}
    states = list(site_data().sites[:51])
    return {s: float(v) for s, v in zip(states, med.sel(state=states).values, strict=True)}


def build(draws: int, seed: int, progress: Callable[[str], None] | None = None) -> str:
    """Run everything the brief needs and return the HTML page."""
    say = progress or (lambda _: None)
    cache: dict[str, xr.Dataset] = {}
    for name in SCENARIOS:
        say(f"running {name}")
        cache[name] = api.run(load_scenario(name), draws=draws, seed=seed)
    say("claims ledger")
    ledger = {r.claim.id: r for r in evaluate(draws=draws, seed=seed, cache=cache)}
    say("campaign money")
    contest = cache["contest-ny12-2026"]
    say("writing")
    d = cache
    sections = [
        section_answers(ledger),
        section_bubble(d, ledger),
        section_moratoria(d, ledger),
        section_prc(d, ledger),
        section_energy(d, ledger),
        section_labour(d),
        section_fund(d, ledger),
        section_contest(contest, ledger),
        section_futures(d),
        section_ledger(ledger),
        section_judgments(ledger, default_registry()),
        section_appendix(default_registry()),
    ]
    intro = (
        f"<p>plowshare {escape(api.package_version())}, {date.today().isoformat()}: "
        f"{draws:,} Monte Carlo draws per scenario, seed {seed}, the same draws in every "
        "scenario (common random numbers). Each number is a median with its 90 % band "
        "[p5, p95]. Every assumption, its distribution and its source are listed in the "
        "appendix; those marked <i>judgment</i> are ours to argue about. "
        "<b>This explores the consequences of stated assumptions; it is not a "
        "forecast.</b></p>"
    )
    footer = (
        "<p>Generated by <code>plowshare brief</code>. Reproduce: <code>plowshare brief "
        f"--draws {draws} --seed {seed}</code>.</p>"
    )
    return h.page("plowshare brief: AI strategy for the left, in numbers", sections, intro, footer)


def section_bubble(d: dict[str, xr.Dataset], ledger: dict[str, ClaimResult]) -> str:
    base, bub = d["baseline"], d["bubble"]
    body = verdict_html(ledger["bubble"]) + h.fan_chart(
        YEARS,
        {
            "AI capex, baseline": bands(base, "investment.ai_capex_usd", 1e9),
            "AI capex, bubble": bands(bub, "investment.ai_capex_usd", 1e9),
        },
        "AI data-centre capital spending",
        "$bn a year (2025 dollars)",
        "bubble-capex",
    )
    body += h.fan_chart(
        YEARS,
        {
            "US labs, baseline": bands(
                base.sel(bloc="US"), "compute.effective_compute_oom_by_bloc"
            ),
            "US labs, bubble": bands(bub.sel(bloc="US"), "compute.effective_compute_oom_by_bloc"),
        },
        "Effective compute of the largest training run",
        "OOM above the 2025 frontier",
        "bubble-compute",
    )
    return h.section("Does an AI bubble change the odds of transformative AI?", body, "bubble")


def section_moratoria(d: dict[str, xr.Dataset], ledger: dict[str, ClaimResult]) -> str:
    base = d["baseline"]
    body = verdict_html(ledger["state-moratorium-rsi"]) + verdict_html(ledger["relocation"])
    labels, values = [], []
    nice = {
        "moratorium-bill-states": "States with moratorium bills",
        "moratorium-blue-states": "Democratic trifectas",
        "moratorium-sanders": "Sanders (national)",
    }
    for name in ("moratorium-bill-states", "moratorium-blue-states", "moratorium-sanders"):
        dest = (
            d[name]["siting.relocated_gw_by_destination"]
            .sel(year=slice(2026, 2040))
            .sum("year")
            .median("draw")
        )
        for k in dest["destination"].values:
            labels.append(f"{nice[name]}: {k}")
            values.append(float(dest.sel(destination=k)))
    body += h.bar_chart(
        labels,
        values,
        "Where capacity blocked by moratoria is built instead (2026-2040, median)",
        "GW",
        "relocation",
    )
    states = list(site_data().sites[:51])

    def built_by_state(ds: xr.Dataset) -> xr.DataArray:
        gw = ds["siting.built_gw_by_site"].sel(site=states, year=slice(2026, 2040))
        return gw.sum("year")

    change = (built_by_state(d["moratorium-blue-states"]) - built_by_state(base)).median("draw")
    built = {s: float(v) for s, v in zip(states, change.values, strict=True)}
    body += h.tile_map(
        built,
        "Change in AI capacity built 2026-2040 under blue-state moratoria (median)",
        "GW",
        "moratorium-map",
        fmt=".2f",
    )
    return h.section("Do state moratoria slow the labs, or move construction?", body, "moratoria")


def section_prc(d: dict[str, xr.Dataset], ledger: dict[str, ClaimResult]) -> str:
    body = verdict_html(ledger["national-moratorium-prc"]) + h.fan_chart(
        YEARS,
        {
            name: bands(d[name], "compute.us_lead_oom")
            for name in ("baseline", "national-moratorium", "national-moratorium-treaty")
        },
        "US lead over PRC labs in effective compute",
        "orders of magnitude",
        "prc-lead",
    )
    return h.section(
        "Does a national moratorium without a treaty let the PRC overtake the US?", body, "prc"
    )


def section_energy(d: dict[str, xr.Dataset], ledger: dict[str, ClaimResult]) -> str:
    base = d["baseline"]
    body = "".join(verdict_html(ledger[k]) for k in ("climate", "water", "bills"))
    body += h.fan_chart(
        YEARS,
        {
            name: bands(d[name], "energy.co2_mt_us")
            for name in (
                "baseline",
                "moratorium-blue-states",
                "mandate-blue-states",
                "alternatives-blue-states",
            )
        },
        "CO2 from US AI data centres",
        "Mt CO2 a year",
        "co2",
    )
    body += h.tile_map(
        per_state(base, "energy.bill_change_usd_per_month_by_state", 2030),
        "Change in the average household electricity bill by 2030 (baseline, median)",
        "$ a month",
        "bills-map",
        fmt=".1f",
    )
    rows = []
    for name in ("moratorium-blue-states", "mandate-blue-states", "alternatives-blue-states"):
        diff = lambda v, s=name: d[s][v].sel(year=2035).values - base[v].sel(year=2035).values  # noqa: E731
        rev = d[name]["siting.state_revenue_usd"].sel(year=slice(2026, 2040)).sum("year").values
        rows.append(
            [
                name,
                fmt_band(diff("energy.co2_mt_us")),
                fmt_band(diff("energy.bill_change_usd_per_month_us"), 2),
                fmt_band(rev / 1e9, 0),
            ]
        )
    body += h.table(
        [
            "policy (vs baseline)",
            "CO2 2035, Mt",
            "bill 2035, $/month",
            "state revenue 2026-40, $bn",
        ],
        rows,
    )
    return h.section(
        "Energy, climate, water and bills — and the alternatives to moratoria", body, "energy"
    )


def section_labour(d: dict[str, xr.Dataset]) -> str:
    body = h.fan_chart(
        YEARS,
        {
            name: bands(d[name], "labor.displaced_workers", 1e6)
            for name in ("baseline", "labor-essay")
        },
        "Workers displaced by automation",
        "million",
        "displaced",
    )
    base = d["baseline"]
    by_state = base["labor.displaced_by_state"].sel(year=2045).median("draw")
    from plowshare.models.labor.data import group_data

    gd = group_data()
    state_emp = gd.employment @ gd.state_weights
    share = {s: 100 * float(by_state.sel(state=s)) / state_emp[i] for i, s in enumerate(gd.states)}
    body += h.tile_map(
        share, "Share of jobs displaced by 2045 (baseline, median)", "%", "labour-map"
    )
    return h.section("Who is displaced by automation, when and where?", body, "labour")


def section_fund(d: dict[str, xr.Dataset], ledger: dict[str, ClaimResult]) -> str:
    body = "".join(
        verdict_html(ledger[k])
        for k in ("fund-too-large", "small-compute-tax", "mcap-tax-at-the-limit", "nationalisation")
    )
    body += h.fan_chart(
        YEARS,
        {
            name: bands(coverage(d[name]), "coverage", 0.01)
            for name in ("compute-tax-small", "mcap-tax-5pct", "mcap-tax-10pct", "nationalisation")
        },
        "Share of the median-income need the fund pays",
        "%",
        "coverage",
    )
    body += h.fan_chart(
        YEARS,
        {
            name: bands(coverage(d[name]), "coverage", 0.01)
            for name in ("at-the-limit", "at-the-limit-nationalisation")
        },
        "At the limit (60-95 % displaced)",
        "%",
        "coverage-limit",
    )
    return h.section("Could a fund pay displaced workers a median income?", body, "fund")


def section_contest(ds: xr.Dataset, ledger: dict[str, ClaimResult]) -> str:
    body = verdict_html(ledger["deluge"]) + (
        "<p>The essay's question, <i>“What happens when you take money in politics to the "
        "limit when the payoff of victory for the labs is extremely large?”</i>, is an "
        "analysis, not a claim: the target's chance of winning as attack spending grows.</p>"
    )
    win = ds["contest.curve_win_probability"].mean("draw").values * 100
    target = load_race(json.loads(ds.attrs["inputs"])["contest"]["race"]).meta.target
    body += h.bar_chart(
        [f"${x / 1e6:,.0f} M" for x in ds["attack_level"].values],
        win,
        f"NY-12 2026: P({target} wins) against attack spending",
        "%",
        "contest-curve",
    )
    body += (
        f"<p>Money-proof margin: a lead of "
        f"{fmt_band(ds['contest.money_proof_margin'].values * 100)} points over "
        "the strongest rival cannot be overturned on average by any amount of attack "
        "spending.</p>"
    )
    return h.section("What happens when campaign money is taken to the limit?", body, "contest")


FUTURES_SCENARIOS = (
    "baseline",
    "bubble",
    "moratorium-blue-states",
    "national-moratorium",
    "national-moratorium-treaty",
)


def section_futures(d: dict[str, xr.Dataset]) -> str:
    """Outcome probabilities per policy scenario, and per 2028 outcome (baseline)."""
    names = [o.replace("_", " ") for o in OUTCOMES]
    rows = []
    for name in FUTURES_SCENARIOS:
        pr = d[name]["futures.outcome_probability"]
        rows.append([name] + [fmt_band(pr.sel(outcome=o).values * 100, 0) for o in OUTCOMES])
    by_admin = d["baseline"]["futures.outcome_probability_by_admin"]
    admin_p = d["baseline"]["futures.admin_probability"]
    admin_rows = []
    for a in by_admin["admin"].values:
        admin_rows.append(
            [f"{str(a).replace('_', ' ')} ({np.median(admin_p.sel(admin=a).values) * 100:.0f} %)"]
            + [fmt_band(by_admin.sel(admin=a, outcome=o).values * 100, 0) for o in OUTCOMES]
        )
    base = d["baseline"]["futures.outcome_probability"]
    body = (
        "<p>The essay's space of futures as a decision tree: who wins in 2028 → which "
        "future. Every conditional probability is a <i>judgment</i> (edit "
        "<code>futures.*</code> in a scenario; all are listed in the appendix). Only two "
        "terms come from the models, per draw: automated AI R&amp;D before 2029 raises the "
        "chance of loss of control, and the US lead in effective compute in 2030 lowers "
        "the chance of a PRC lead. So policies move these numbers only through compute "
        "timing — the table shows how far.</p>"
    )
    body += h.bar_chart(
        names,
        [float(np.median(base.sel(outcome=o).values) * 100) for o in OUTCOMES],
        "Futures under the baseline (median; bars: half the 90 % band)",
        "%",
        "futures-chart",
        errors=[
            float(np.diff(np.quantile(base.sel(outcome=o).values * 100, [0.05, 0.95]))[0] / 2)
            for o in OUTCOMES
        ],
    )
    body += "<h3>By policy scenario, % (median [p5, p95])</h3>"
    body += h.table(["scenario", *names], rows)
    body += "<h3>By 2028 outcome (baseline; its probability in brackets), %</h3>"
    body += h.table(["2028 outcome", *names], admin_rows)
    return h.section("Which futures follow from which political outcomes?", body, "futures")


def section_ledger(ledger: dict[str, ClaimResult]) -> str:
    rows = [
        [
            r.claim.title,
            r.answer,
            r.verdict_sentence,
            r.flip_sentence,
            ", ".join(f"{n} ({s:.2f})" for n, s in r.drivers) or "none measurable",
        ]
        for r in ledger.values()
    ]
    body = (
        "<p>Verdict rule: a claim holds when its test is met in at least 8 of 10 draws, does "
        "not hold when met in at most 2 of 10, otherwise it depends. What would flip it: on "
        "the same draws, the setting of each of the two strongest drivers past which the "
        "verdict turns; drivers are ranked by their first-order sensitivity index "
        "(RBD-FAST).</p>"
        + h.table(
            ["claim", "answer", "verdict", "what would flip it", "drivers (first-order index)"],
            rows,
        )
    )
    return h.section("The claims ledger", body, "ledger")


def section_judgments(ledger: dict[str, ClaimResult], reg: Registry) -> str:
    weight: dict[str, float] = {}
    for r in ledger.values():
        for n, s in r.drivers:
            if n in reg and reg[n].status == "judgment":
                weight[n] = weight.get(n, 0.0) + s
    rows = [
        [n, reg[n].description, reg[n].dist.describe(reg[n].unit), f"{w:.2f}", reg[n].note]
        for n, w in sorted(weight.items(), key=lambda kv: -kv[1])
    ]
    body = (
        "<p>The judgment calls that drive the verdicts most (sum of their first-order "
        "indices across claims). Change them in a scenario's <code>[overrides]</code>.</p>"
        + h.table(["parameter", "what", "distribution", "weight", "our reasoning"], rows)
    )
    return h.section("The judgment calls that matter most", body, "judgments")


def section_appendix(reg: Registry) -> str:
    rows = [
        [
            p.name,
            p.description,
            f"{p.value:g} {p.unit}",
            p.dist.describe(p.unit),
            p.status,
            ", ".join(p.sources),
        ]
        for p in reg
    ]
    src = [
        [k, f"{s.publisher} ({s.year}). {s.title}. {s.url}", s.taken]
        for k, s in sorted(reg.sources.items())
    ]
    body = (
        "<p>Methods: each model is documented in its README (equations, assumptions, what "
        "it leaves out) in the source tree; the parameter reference is "
        "<code>docs/parameters.md</code>.</p>"
        + h.table(["parameter", "description", "value", "distribution", "status", "sources"], rows)
        + h.table(["source", "citation", "taken"], src)
    )
    return h.section("Appendix: every assumption and its source", body, "appendix")


def write(path: Path, draws: int, seed: int, progress: Callable[[str], None] | None = None) -> Path:
    h.write_page(path, build(draws, seed, progress))
    return path
