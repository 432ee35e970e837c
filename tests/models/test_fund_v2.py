"""Fund v2 (issue 15): tax bases that see siting, moratoria, bubbles and labour; endowment."""

import numpy as np
import pytest

from plowshare.core.scenario import load_scenario
from plowshare.engine.api import run as engine_run
from plowshare.models import investment
from plowshare.models.fund.model import required_endowment, steady_state_growth

from ..conftest import YEARS, fund_run, with_values

T = len(YEARS)


def regions(us: float, n: int = 1) -> np.ndarray:
    out = np.ones((n, T, 4))
    out[..., 0] = us
    return out


def test_compute_tax_base_is_us_capacity_actually_built(central):
    p = with_values(central, compute_tax_rate=0.02)
    cost = investment.run(p, YEARS)["cost_per_gw_usd"]
    built = fund_run(p, built_gw_by_region=regions(5.0), cost_per_gw_usd=cost)
    none = fund_run(p, built_gw_by_region=regions(0.0), cost_per_gw_usd=cost)
    np.testing.assert_allclose(built["compute_spending_usd"], 5.0 * cost)
    assert np.all(none["revenue_by_instrument_usd"][..., 0] == 0.0)
    assert built["revenue_by_instrument_usd"][0, -1, 0] > 0.0


def test_national_moratorium_removes_the_compute_tax_base(central):
    p = with_values(central, compute_tax_rate=0.02)
    inv = investment.run(p, YEARS)
    demand = inv["new_capacity_gw_by_region"]
    open_ = fund_run(p, national_built_gw_by_region=demand, demand_gw_by_region=demand)
    shut = demand.copy()
    shut[..., 0] = 0.0
    closed = fund_run(p, national_built_gw_by_region=shut, demand_gw_by_region=demand)
    np.testing.assert_allclose(open_["compute_spending_usd"], inv["us_compute_spending_usd"])
    assert np.all(closed["compute_spending_usd"] == 0.0)


@pytest.mark.parametrize("eta", [0.5, 1.0, 2.0])
def test_bubble_moves_the_market_cap_base(central, eta):
    p = with_values(central, valuation_bubble_elasticity=eta)
    bubble = np.ones((1, T))
    bubble[:, 5:10] = 0.5
    calm = fund_run(p)
    hit = fund_run(p, bubble_factor=bubble)
    np.testing.assert_allclose(hit["covered_mcap_usd"], calm["covered_mcap_usd"] * bubble**eta)


def test_labour_lost_wages_drive_captured_profits(central):
    p = with_values(central, automation_capture_share=0.5)
    displaced = np.linspace(0.0, 5e6, T)[None, :]
    lost = np.linspace(1e9, 301e9, T)[None, :]
    a = fund_run(p, displaced_workers=displaced, lost_wage_bill_usd=lost)
    b = fund_run(p, displaced_workers=displaced, lost_wage_bill_usd=lost * 2 - 1e9)
    np.testing.assert_allclose(a["lost_wage_bill_usd"], lost - lost[:, :1])
    np.testing.assert_allclose(
        b["covered_profits_usd"] - a["covered_profits_usd"], 0.5 * (lost - lost[:, :1])
    )


def test_endowment_finite_whenever_return_exceeds_steady_state_growth(central):
    rng = np.random.default_rng(15)
    n = 400
    p = {k: np.repeat(v, n) for k, v in central.items()}
    p["fund.real_return"] = rng.uniform(0.0, 0.08, n)
    p["fund.real_wage_growth"] = rng.uniform(0.005, 0.02, n)
    p["fund.employment_growth"] = rng.uniform(0.001, 0.005, n)
    p["fund.displaced_transition_years"] = rng.uniform(5.0, 60.0, n)  # still rising at 2050
    out = fund_run(p)
    g = steady_state_growth(p)
    e = out["endowment_required_usd"]
    assert np.all(np.isfinite(e[p["fund.real_return"] > g]))
    assert np.all(np.isinf(e[(p["fund.real_return"] <= g) & (out["need_usd"][:, -1] > 0)]))
    # the v1 rule (last-year growth of a still-rising S-curve) was infinite more often
    v1 = required_endowment(out["need_usd"], p["fund.real_return"], YEARS, p["fund.start_year"])
    assert np.mean(np.isinf(v1)) > np.mean(np.isinf(e))


# ------------------------------------------------------------ integrated runs (the engine)
def integrated(name: str, levers: dict[str, float]):
    raw = {
        "scenario": {"name": name, "inherits": "integrated-mcap-tax-5pct", "description": "t"},
        "levers": {"fund.compute_tax_rate": 0.02, **levers},
        "run": {"draws": 40},
    }
    return engine_run(load_scenario(name, raw=raw))


@pytest.fixture(scope="module")
def runs():
    return {
        "base": integrated("t-base", {}),
        "moratorium": integrated(
            "t-mor",
            {"compute.us_moratorium": 1, "compute.us_moratorium_start": 2027, "compute.treaty": 0},
        ),
        "bubble": integrated("t-bub", {"investment.bubble": 1}),
    }


def instrument(ds, name, year):
    return ds["fund.revenue_by_instrument_usd"].sel(instrument=name, year=year).values


def test_national_moratorium_cuts_compute_tax_revenue(runs):
    base, mor = runs["base"], runs["moratorium"]
    assert np.median(instrument(base, "compute_tax", 2035)) > 0.0
    assert np.all(instrument(mor, "compute_tax", 2035) == 0.0)
    assert np.all(instrument(mor, "compute_tax", 2026) == instrument(base, "compute_tax", 2026))


def test_bubble_cuts_market_cap_base_and_revenue(runs):
    base, bub = runs["base"], runs["bubble"]
    for y in (2030, 2035):
        assert np.median(bub["fund.covered_mcap_usd"].sel(year=y).values) < np.median(
            base["fund.covered_mcap_usd"].sel(year=y).values
        )
        assert np.median(instrument(bub, "mcap_tax", y)) < np.median(
            instrument(base, "mcap_tax", y)
        )


def test_workers_and_money_conserved_labour_to_fund(runs):
    ds = runs["base"]
    np.testing.assert_array_equal(
        ds["fund.displaced_workers"].values, ds["labor.displaced_workers"].values
    )
    lost = ds["labor.lost_wage_bill_usd"].values
    np.testing.assert_allclose(
        ds["fund.lost_wage_bill_usd"].values, np.maximum(lost - lost[:, :1], 0.0)
    )
    need = ds["fund.need_displaced_usd"].values
    pay = ds["fund.payment_per_worker_usd"].values * ds["fund.displaced_workers"].values
    active = need > 0
    np.testing.assert_allclose(need[active], pay[active])
