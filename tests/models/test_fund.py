"""The fund model: stock-flow identities, closed forms and the behaviour of each instrument."""

import numpy as np
import pytest

from plowshare.models import investment
from plowshare.models.fund import revenue
from plowshare.models.fund.solve import solve_rate

from ..conftest import YEARS, fund_run, with_values


def spending(params):
    return investment.run(params, YEARS)["us_compute_spending_usd"]


def run(params, **changes):
    return fund_run(with_values(params, **changes))


def test_balance_identity_holds_every_year(central):
    """B(t) = B(t-1)(1 + r) + R(t) - P(t) - X(t), with every instrument switched on."""
    out = run(
        central,
        compute_tax_rate=0.02,
        mcap_tax_rate=0.03,
        appropriations_usd=5e10,
        global_south_share_of_revenue=0.1,
        global_south_per_payout=0.2,
        initial_balance_usd=1e11,
    )
    r = central["fund.real_return"][0]
    b = out["balance_usd"][0]
    prev = np.concatenate([[1e11], b[:-1]])
    active = YEARS >= central["fund.start_year"][0]
    expected = np.where(
        active,
        prev * (1 + r) + out["revenue_usd"][0] - out["payout_usd"][0] - out["transfer_usd"][0],
        prev,
    )
    np.testing.assert_allclose(b, expected, rtol=1e-12, atol=1e-3)


def test_money_is_conserved_over_the_horizon(central):
    """Start balance + revenue + returns = end balance + payouts + transfers."""
    out = run(
        central, mcap_tax_rate=0.05, global_south_share_of_revenue=0.2, initial_balance_usd=3e11
    )
    inflow = 3e11 + out["revenue_usd"].sum() + out["return_usd"].sum()
    outflow = out["balance_usd"][0, -1] + out["payout_usd"].sum() + out["transfer_usd"].sum()
    assert inflow == pytest.approx(outflow, rel=1e-12)


def test_revenue_by_instrument_sums_to_revenue(central):
    out = run(
        central,
        compute_tax_rate=0.01,
        mcap_tax_rate=0.02,
        permit_equity_share=0.1,
        nationalisation_share=0.3,
        appropriations_usd=1e10,
        equity_transfer_share=0.05,
    )
    np.testing.assert_allclose(out["revenue_by_instrument_usd"].sum(-1), out["revenue_usd"])
    assert (out["revenue_by_instrument_usd"][0].sum(0) > 0).all()  # all six raise money


def test_perpetuity_endowment_pays_constant_need_forever(central):
    """Closed form: an endowment E = P / r pays P a year forever (pay-as-you-go)."""
    p = with_values(
        central,
        real_wage_growth=0,
        employment_growth=0,
        displaced_peak_share=0.1,
        displaced_transition_years=1e-6,
        displaced_midpoint_year=2000,
        spending_rule_paygo=1,
        start_year=2025,
    )
    need = fund_run(p)["need_usd"][0, 0]
    r = p["fund.real_return"][0]
    out = fund_run(with_values(p, initial_balance_usd=need / r))
    assert out["coverage"].min() == pytest.approx(1.0)
    np.testing.assert_allclose(out["balance_usd"][0], need / r, rtol=1e-9)
    assert out["endowment_required_usd"][0] == pytest.approx(need / r, rel=1e-9)


def test_growing_perpetuity_endowment(central):
    """Closed form: E = P / (r - g) pays a need growing at g forever; 1 % less falls short."""
    g = 0.011
    p = with_values(
        central,
        real_wage_growth=g,
        employment_growth=0,
        displaced_peak_share=0.1,
        displaced_transition_years=1e-6,
        displaced_midpoint_year=2000,
        spending_rule_paygo=1,
        start_year=2025,
        real_return=0.04,
    )
    first = fund_run(p)["need_usd"][0, 0]  # paid at the end of year 1
    endowment = first / (0.04 - g)
    ok = fund_run(with_values(p, initial_balance_usd=endowment))
    assert ok["coverage"].min() == pytest.approx(1.0, abs=1e-9)
    assert ok["endowment_required_usd"][0] == pytest.approx(endowment, rel=1e-9)
    k = np.arange(1, len(YEARS) + 1)
    np.testing.assert_allclose(ok["balance_usd"][0], endowment * (1 + g) ** k, rtol=1e-9)
    # 1 % less and the fund erodes relative to need, ever faster (it runs dry after ~160 years)
    short = fund_run(with_values(p, initial_balance_usd=0.99 * endowment))
    ratio = short["balance_usd"][0] / ok["balance_usd"][0]
    assert (np.diff(ratio) < 0).all() and ratio[0] < 0.99
    assert ok["sustained_shortfall_year"][0] != ok["sustained_shortfall_year"][0]  # NaN


def test_balance_never_negative_and_payouts_capped(central):
    out = run(
        central,
        compute_tax_rate=0.05,
        spending_rule_paygo=1,
        global_south_per_payout=1.0,
        displaced_peak_share=0.9,
    )
    assert out["balance_usd"].min() >= 0
    assert (out["payout_usd"] <= out["need_usd"] + 1e-6).all()
    assert out["shortfall_usd"].min() >= -1e-6


def test_pomv_pays_rate_times_trailing_average(central):
    """With need far above the rule amount, payout = 5 % of the last five year-ends."""
    out = run(
        central, appropriations_usd=1e11, pomv_rate=0.05, displaced_peak_share=0.9, start_year=2025
    )
    b = np.concatenate([np.zeros(5), out["balance_usd"][0]])
    t = 10
    assert out["payout_usd"][0, t] == pytest.approx(0.05 * b[t : t + 5].mean(), rel=1e-12)


def test_cash_mcap_tax_never_exceeds_profits(central):
    """Capitalised in full, revenue from a cash tax approaches but never passes profits."""
    for rate in (0.01, 0.1, 0.5):
        out = run(
            central,
            mcap_tax_rate=rate,
            mcap_tax_in_shares=0,
            mcap_tax_capitalisation=1.0,
            mcap_tax_avoidance_semi_elasticity=0,
        )
        mcap = out["revenue_by_instrument_usd"][..., revenue.INSTRUMENTS.index("mcap_tax")]
        assert (mcap <= out["covered_profits_usd"] + 1e-3).all()


def test_shares_issued_to_fund_closed_form(central):
    """Paid in shares at rate tau for k years, the fund holds 1 - (1 + tau)^-k of the firms."""
    out = run(central, mcap_tax_rate=0.05, start_year=2027)
    k = YEARS[-1] - 2027 + 1
    assert out["share_issued_to_fund"][0, -1] == pytest.approx(1 - 1.05**-k)


def test_nationalisation_pays_profits_less_bond_interest(central):
    out = run(
        central,
        nationalisation_share=1.0,
        nationalisation_year=2029,
        nationalisation_compensation=1.0,
        nationalisation_efficiency=1.0,
    )
    j, j0 = 10, 4  # 2035, 2029
    nat = out["revenue_by_instrument_usd"][0, j, revenue.INSTRUMENTS.index("nationalisation")]
    interest = out["covered_mcap_usd"][0, j0] * central["fund.real_interest_rate"][0]
    assert nat == pytest.approx(out["covered_profits_usd"][0, j] - interest)
    assert out["revenue_by_instrument_usd"][0, :4].sum() == 0


def test_upstream_displacement_replaces_the_placeholder(central):
    displaced = np.full((1, len(YEARS)), 1e6)
    out = fund_run(central, displaced_workers=displaced)
    np.testing.assert_array_equal(out["displaced_workers"], displaced)
    assert out["need_displaced_usd"][0, -1] == pytest.approx(
        1e6 * out["payment_per_worker_usd"][0, -1]
    )


def test_nothing_flows_before_the_start_year(central):
    out = run(
        central,
        compute_tax_rate=0.05,
        equity_transfer_share=0.1,
        equity_transfer_year=2026,
        start_year=2030,
    )
    assert out["revenue_usd"][0, :5].sum() == 0 and out["need_usd"][0, :5].sum() == 0


def test_solver_finds_the_rate_that_just_covers_need(central):
    p = with_values(central, spending_rule_paygo=1)
    rate = solve_rate(p, YEARS, "mcap_tax", 2035, compute_spending_usd=spending(p))
    assert 0 < rate[0] < 0.5
    at = fund_run(with_values(p, mcap_tax_rate=rate[0]))["coverage"][0, 10]
    below = fund_run(with_values(p, mcap_tax_rate=rate[0] * 0.99))["coverage"][0, 10]
    assert at >= 1 - 1e-9 > below


def test_solver_reports_inf_when_no_rate_suffices(central):
    p = with_values(
        central,
        displaced_peak_share=0.95,
        displaced_midpoint_year=2027,
        displaced_transition_years=4,
        compute_tax_base_semi_elasticity=4,
    )
    assert np.isinf(solve_rate(p, YEARS, "compute_tax", 2035, compute_spending_usd=spending(p))[0])
