r"""The public fund: an annual stock-flow model, vectorised over draws.

Each year :math:`t` from the start year on, in constant 2025 dollars:

.. math::

    B_t = B_{t-1}(1 + r) + R_t - P_t - X_t, \qquad X_t = g_R R_t + g_P P_t

with balance :math:`B`, real return :math:`r`, revenue :math:`R`, payouts to people
:math:`P` and Global South transfers :math:`X` (a share :math:`g_R` of revenue and
:math:`g_P` dollars per dollar paid out at home). Payouts follow a spending rule:

* **POMV** (percent of market value, as Alaska's Permanent Fund since 2018 and, at
  3 %, Norway's fiscal rule): the rule amount is ``pomv_rate`` × the average of the
  balance over the previous ``pomv_window_years`` year-ends;
* **pay-as-you-go**: everything available this year may be paid out.

Payouts never exceed need, and the balance never goes negative: payouts (and the
transfers tied to them) are capped by what is available, and the gap to need is
reported as the shortfall.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from plowshare.core.arrays import col, from_year
from plowshare.core.contract import is_on
from plowshare.models.fund import need as need_mod
from plowshare.models.fund import revenue as rev_mod

Array = NDArray[np.float64]
COVERED = 1.0 - 1e-9  # coverage at or above this counts as full


def simulate_balance(
    p: Mapping[str, Array], years: Array, revenue: Array, need: Array, active: Array
) -> dict[str, Array]:
    """Run the balance forward year by year (a loop over years, never over draws)."""
    n, T = need.shape
    r = p["fund.real_return"]
    g_rev, g_pay = p["fund.global_south_share_of_revenue"], p["fund.global_south_per_payout"]
    paygo = is_on(p["fund.spending_rule_paygo"])
    window = round(float(np.max(p["fund.pomv_window_years"])))
    b_prev = p["fund.initial_balance_usd"].astype(np.float64).copy()
    history = np.repeat(b_prev[:, None], window, axis=1)  # last `window` year-end balances
    out = {k: np.zeros((n, T)) for k in ("balance_usd", "payout_usd", "transfer_usd", "return_usd")}
    for t in range(T):
        on = active[:, t] > 0
        gain = b_prev * r * on
        available = b_prev + gain + revenue[:, t] * (1.0 - g_rev)
        rule = np.where(paygo, available, p["fund.pomv_rate"] * history.mean(axis=1))
        cap = np.minimum(rule, available) / (1.0 + g_pay)
        payout = np.clip(np.minimum(need[:, t], cap), 0.0, None) * on
        transfer = (g_rev * revenue[:, t] + g_pay * payout) * on
        b = np.where(on, b_prev + gain + revenue[:, t] - payout - transfer, b_prev)
        b = np.maximum(b, 0.0)  # guards only rounding: payouts are already capped
        history = np.column_stack([history[:, 1:], b])
        out["balance_usd"][:, t], out["payout_usd"][:, t] = b, payout
        out["transfer_usd"][:, t], out["return_usd"][:, t] = transfer, gain
        b_prev = b
    return out


def first_year_below(coverage: Array, years: Array, active: Array) -> Array:
    """First active year whose coverage falls below 100 %, per draw; NaN when never."""
    short = (coverage < COVERED) & (active > 0)
    first = np.argmax(short, axis=1)
    return np.where(short.any(axis=1), years[first].astype(np.float64), np.nan)


def sustained_shortfall_from(coverage: Array, years: Array, active: Array) -> Array:
    """First year from which coverage stays below 100 % to the horizon; NaN if covered at the end.

    This is the year a fund stops being able to sustain payments for good, as opposed
    to the first year with any shortfall (often the start year, when a new fund that
    spends a percentage of its value has nothing yet to spend).
    """
    short = (coverage < COVERED) & (active > 0)
    # reversed cumulative AND: True where every year from here on is short
    tail = np.flip(np.cumprod(np.flip(short, axis=1), axis=1), axis=1).astype(bool)
    first = np.argmax(tail, axis=1)
    return np.where(tail[:, -1], years[first].astype(np.float64), np.nan)


def steady_state_growth(p: Mapping[str, Array]) -> Array:
    """Growth of need once displacement has saturated, per draw: wages × employment.

    Payments are indexed to median earnings (``fund.real_wage_growth``) and, with the
    displaced share of the workforce settled, the number paid grows with employment
    (``fund.employment_growth``); a universal dividend grows with wages and adults.
    """
    g_w = p["fund.real_wage_growth"]
    g_e = np.maximum(p["fund.employment_growth"], p["fund.adult_population_growth"])
    has_dividend = p["fund.universal_dividend_per_adult"] > 0
    g_people = np.where(has_dividend, g_e, p["fund.employment_growth"])
    return (1.0 + g_w) * (1.0 + g_people) - 1.0


def required_endowment(
    need: Array, r: Array, years: Array, start: Array, g: Array | None = None
) -> Array:
    r"""Endowment at the start year that pays all need forever, per draw (USD).

    The present value of need over the horizon, :math:`\sum_t N_t/(1+r)^{t-t_0+1}`, plus
    a growing perpetuity beyond it, :math:`N_T (1+g)/(r-g)` discounted. With ``g`` given,
    it is the steady-state growth of need (``steady_state_growth``: need carried to
    saturation), so the endowment is finite whenever :math:`r > g`. Without it, ``g`` is
    the growth of need in the last model year: the v1 rule, kept for comparison, which
    on a still-rising S-curve overstates the tail and is infinite far more often.
    """
    rr = col(r)
    k = years[None, :] - col(start) + 1.0
    disc = np.where(k >= 1, (1.0 + rr) ** -k, 0.0)
    pv = (need * disc).sum(axis=1)
    last, prev = need[:, -1], need[:, -2] if need.shape[1] > 1 else need[:, -1]
    if g is None:
        g = np.where(prev > 0, last / np.where(prev > 0, prev, 1.0) - 1.0, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        tail = np.where(g < r, last * (1 + g) / (r - g), np.inf) * disc[:, -1]
    return np.where(last > 0, pv + tail, pv)


US = 0  # index of the United States in the region coordinate (core.dims.REGIONS)


def compute_tax_base(
    compute_spending_usd: Array,
    built_gw_by_region: Array | None,
    cost_per_gw_usd: Array | None,
    national_built_gw_by_region: Array | None = None,
    demand_gw_by_region: Array | None = None,
) -> Array:
    """The compute-tax base, (n, T): the value of AI capacity actually built in the US.

    With the siting model, US build after moratoria and relocations (``built_gw_by_region``
    for the US) times the all-in cost per GW from the investment model, so a national
    moratorium removes the base and relocations into open states add to it. Without
    siting, the investment model's US compute spending (demand before siting).

    A national moratorium is the compute model's: its US build
    (``national_built_gw_by_region``) over the investment model's US demand
    (``demand_gw_by_region``) is the share of US build the national rules let through,
    which scales the base (0 under a national moratorium).
    """
    base = compute_spending_usd
    if built_gw_by_region is not None and cost_per_gw_usd is not None:
        base = np.clip(built_gw_by_region[..., US], 0.0, None) * cost_per_gw_usd
    if national_built_gw_by_region is not None and demand_gw_by_region is not None:
        demand = demand_gw_by_region[..., US]
        allowed = np.where(
            demand > 0,
            national_built_gw_by_region[..., US] / np.where(demand > 0, demand, 1.0),
            1.0,
        )
        base = base * np.clip(allowed, 0.0, 1.0)
    return base


def run(
    params: Mapping[str, Array],
    years: Array,
    *,
    compute_spending_usd: Array,
    displaced_workers: Array | None = None,
    state_revenue_usd: Array | None = None,
    built_gw_by_region: Array | None = None,
    cost_per_gw_usd: Array | None = None,
    bubble_factor: Array | None = None,
    lost_wage_bill_usd: Array | None = None,
    gdp_usd: Array | None = None,
    national_built_gw_by_region: Array | None = None,
    demand_gw_by_region: Array | None = None,
) -> dict[str, Array]:
    """Run the fund model for every draw at once.

    Parameters
    ----------
    params : name → (n,) arrays, names ``fund.*`` (see ``models/fund/params.toml``).
    years : calendar years, (T,).
    displaced_workers : (n, T) persons from the labour model; the parametric path when None.
    state_revenue_usd : (n, T) state compute taxes and equity for permits from the siting
        model, paid into the fund through the permit-equity instrument.
    compute_spending_usd : (n, T) US AI compute spending from the investment model (the
        compute-tax base when siting does not run).
    built_gw_by_region, cost_per_gw_usd : (n, T, region) new capacity built (siting) and
        (n, T) cost per GW (investment): the compute-tax base is US build times cost.
    bubble_factor : (n, T) the investment model's bubble path; moves valuations.
    lost_wage_bill_usd : (n, T) the labour model's lost wages, part captured as AI profit.
    national_built_gw_by_region, demand_gw_by_region : (n, T, region) build after a
        national moratorium (compute) and demand (investment), see ``compute_tax_base``.
    gdp_usd : (n, T) US GDP (investment model), to report the endowment as a multiple.
    """
    years = np.asarray(years, dtype=np.float64)
    p = params
    active = from_year(p["fund.start_year"], years)
    displaced = (
        need_mod.parametric_displaced(p, years) if displaced_workers is None else displaced_workers
    )
    needs = need_mod.need(p, years, displaced, active)
    spending = compute_tax_base(
        compute_spending_usd,
        built_gw_by_region,
        cost_per_gw_usd,
        national_built_gw_by_region,
        demand_gw_by_region,
    )
    # wages lost since the first year: observed profits already include earlier automation
    if lost_wage_bill_usd is not None and displaced_workers is not None:
        lost_wages = np.maximum(lost_wage_bill_usd - lost_wage_bill_usd[:, :1], 0.0)
    else:  # the teaching presets' own path: displaced workers at median earnings
        lost_wages = np.maximum(displaced - displaced[:, :1], 0.0) * need_mod.median_earnings(
            p, years
        )
    profits = rev_mod.covered_profits(p, years, lost_wages)
    mcap = rev_mod.covered_mcap(p, years, profits, bubble_factor)
    rev = rev_mod.revenues(p, years, spending, profits, mcap, active)
    if state_revenue_usd is not None:
        rev["permit_equity"] = rev["permit_equity"] + state_revenue_usd
    # nothing flows before the fund exists
    by_instrument = np.stack([rev[k] for k in rev_mod.INSTRUMENTS], axis=-1) * active[..., None]
    revenue = by_instrument.sum(axis=-1)
    flows = simulate_balance(p, years, revenue, needs["need_usd"], active)
    with np.errstate(divide="ignore", invalid="ignore"):
        coverage = np.where(needs["need_usd"] > 0, flows["payout_usd"] / needs["need_usd"], 1.0)
    g_ss = steady_state_growth(p)
    endowment = required_endowment(
        needs["need_usd"], p["fund.real_return"], years, p["fund.start_year"], g_ss
    )
    if gdp_usd is None:
        gdp_start = np.full(len(endowment), np.nan)
    else:
        idx = np.clip(np.searchsorted(years, p["fund.start_year"]), 0, len(years) - 1)
        gdp_start = gdp_usd[np.arange(len(idx)), idx]
    return {
        "displaced_workers": displaced,
        "lost_wage_bill_usd": lost_wages,
        "employment": need_mod.employment(p, years),
        **needs,
        "compute_spending_usd": spending,
        "covered_profits_usd": profits,
        "covered_mcap_usd": mcap,
        "taxed_mcap_usd": rev["taxed_mcap_usd"],
        "share_issued_to_fund": rev["share_issued_to_fund"],
        "revenue_by_instrument_usd": by_instrument,
        "revenue_usd": revenue,
        **flows,
        "coverage": coverage,
        "shortfall_usd": needs["need_usd"] - flows["payout_usd"],
        "first_shortfall_year": first_year_below(coverage, years, active),
        "sustained_shortfall_year": sustained_shortfall_from(coverage, years, active),
        "endowment_required_usd": endowment,
        "endowment_to_gdp": endowment / gdp_start,
        "need_growth_steady_state": g_ss,
    }
