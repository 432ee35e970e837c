"""Each fund claim with an in-range setting where it holds and one where it fails (issue 15).

Settings are parameter values inside each parameter's stated range (dist or lever bounds),
at central values otherwise, on the fund's own displacement path (the teaching presets'
path; the integrated runs take displacement from labour). Metrics follow the claims
ledger's definitions in ``claims/claims.toml``.
"""

import numpy as np

from plowshare.models import investment

from ..conftest import YEARS, fund_run, with_values


def at(a, year):
    return a[:, int(np.searchsorted(YEARS, year))]


def endowment_over_gdp(p):
    out = fund_run(p)
    gdp = investment.run(p, YEARS)["gdp_usd"]
    return float(out["endowment_required_usd"][0] / at(gdp, 2025)[0])


def breakeven_compute_tax(p, year=2035):
    out = fund_run(p)
    return float(at(out["need_usd"], year)[0] / at(out["compute_spending_usd"], year)[0])


LIMIT = dict(displaced_midpoint_year=2032, displaced_transition_years=8)


def coverage_2040(p):
    return float(at(fund_run(p)["coverage"], 2040)[0])


# ---- fund-too-large: endowment > 2x GDP
def test_fund_too_large_holds_with_low_return_and_high_displacement(central):
    p = with_values(central, real_return=0.015, displaced_peak_share=0.45, real_wage_growth=0.0176)
    assert endowment_over_gdp(p) > 2.0


def test_fund_too_large_fails_at_central_return_and_moderate_displacement(central):
    p = with_values(central, real_return=0.04, displaced_peak_share=0.17)
    assert endowment_over_gdp(p) < 2.0


# ---- small-compute-tax: break-even compute-tax rate > 10 %
def test_small_compute_tax_holds_at_central_displacement(central):
    assert breakeven_compute_tax(with_values(central, displaced_peak_share=0.17)) > 0.10


def test_small_compute_tax_fails_with_low_late_displacement(central):
    p = with_values(central, displaced_peak_share=0.03, displaced_midpoint_year=2045)
    assert breakeven_compute_tax(p) < 0.10


# ---- mcap-tax-at-the-limit: 10 % mcap + 1 % compute tax covers < 90 % of 2040 need
def test_mcap_tax_at_the_limit_holds_at_the_preset_mode(central):
    p = with_values(central, mcap_tax_rate=0.10, compute_tax_rate=0.01, displaced_peak_share=0.8)
    assert coverage_2040(with_values(p, **LIMIT)) < 0.9


def test_mcap_tax_at_the_limit_fails_with_strong_profits_and_paygo(central):
    p = with_values(
        central,
        mcap_tax_rate=0.10,
        compute_tax_rate=0.01,
        displaced_peak_share=0.6,
        automation_capture_share=0.6,
        profit_growth=0.15,
        valuation_multiple_change=1.2,
        real_return=0.065,
        spending_rule_paygo=1,
        **LIMIT,
    )
    assert coverage_2040(p) >= 0.9


# ---- nationalisation: full nationalisation from 2029 covers more than the tax package
def nationalisation_gain(p):
    tax = with_values(p, mcap_tax_rate=0.10, compute_tax_rate=0.01, **LIMIT)
    nat = with_values(
        p,
        nationalisation_share=1.0,
        nationalisation_year=2029,
        start_year=2029,
        spending_rule_paygo=1,
        **LIMIT,
    )
    return coverage_2040(nat) - coverage_2040(tax)


def test_nationalisation_holds_with_high_capture_and_profit_growth(central):
    p = with_values(
        central, displaced_peak_share=0.8, automation_capture_share=0.6, profit_growth=0.15
    )
    assert nationalisation_gain(p) > 0.0


def test_nationalisation_fails_with_profit_squeeze_and_low_capture(central):
    p = with_values(
        central, displaced_peak_share=0.6, automation_capture_share=0.05, profit_growth=-0.02
    )
    assert nationalisation_gain(p) < 0.0
