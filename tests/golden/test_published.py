"""Golden numbers from published sources, reproduced by the model's own arithmetic."""

import numpy as np
import pytest

from plowshare.models.fund import revenue

from ..conftest import YEARS, fund_run, with_values


def test_altman_american_equity_fund_13500_per_adult(central):
    """Altman, 'Moore's Law for Everything' (16 March 2021, moores.samaltman.com):

    "about $50 trillion worth of value ... in US companies", assumed to "at least double
    over the next decade"; "$30 trillion worth of privately-held land", also doubling;
    2.5 % a year of both; a one-time 15 % fall in value from the tax; "each of the 250
    million adults in America would get about $13,500 every year" ten years on. (The 15 %
    and 250 million sentences were recalled, the stored copy being cut short; the other
    quotations are verbatim.) Our market-cap tax with Altman's inputs: companies paid in
    shares, avoidance set to a 15 % fall at a 2.5 % rate; land (paid in dollars) passed
    through appropriations.
    """
    g = 2 ** (1 / 10) - 1  # doubling over a decade
    p = with_values(
        central,
        covered_mcap_2025=50e12,
        covered_net_income_2025=50e12 * 0.03,
        profit_growth=g,
        valuation_multiple_change=1.0,
        automation_capture_share=0,
        mcap_tax_rate=0.025,
        mcap_tax_in_shares=1,
        start_year=2025,
        mcap_tax_avoidance_semi_elasticity=-np.log(0.85) / 0.025,
    )
    spending = np.zeros((1, len(YEARS)))
    profits = revenue.covered_profits(p, YEARS, spending)
    mcap = revenue.covered_mcap(p, YEARS, profits)
    rev = revenue.revenues(p, YEARS, spending, profits, mcap, np.ones((1, len(YEARS))))
    land = 0.025 * 30e12 * 2 * 0.85
    per_adult = (rev["mcap_tax"][0, 10] + land) / 250e6  # ten years on
    assert per_adult == pytest.approx(13_500, rel=0.01)


def test_bls_median_earnings_annualised(registry):
    """BLS, Usual Weekly Earnings 2025 (USDL-26-0119): median $1,204 a week, full time."""
    assert registry["fund.median_earnings_2025"].value == 1204 * 52


def test_norway_fiscal_rule_draw(central):
    """Norway's fiscal rule spends 3 % of the fund: on NOK 21,268 bn (end-2025, NBIM annual
    report) that is NOK 638 bn. Our POMV rule with a one-year window and a flat balance
    reproduces the draw exactly."""
    p = with_values(
        central,
        initial_balance_usd=21_268e9,
        pomv_rate=0.03,
        pomv_window_years=1,
        real_return=0.0,
        displaced_peak_share=0.95,
        start_year=2025,
        displaced_midpoint_year=2000,
        displaced_transition_years=1,
    )
    out = fund_run(p)
    assert out["payout_usd"][0, 0] == pytest.approx(638.04e9, rel=1e-4)
