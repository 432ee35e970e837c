"""Energy v2: markets share their costs, bills rise with load, the grid constrains, water
and carbon on one basis, and each energy claim has a setting where it holds and one where
it fails."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from plowshare.core.dims import STATES
from plowshare.core.params import default_registry
from plowshare.core.sampling import sample
from plowshare.engine.pipeline import run_models
from plowshare.models.energy import markets
from plowshare.models.energy.data import energy_states
from plowshare.models.energy.grid import powered

from ..conftest import YEARS

MODELS = ["investment", "siting", "compute", "energy"]


def draws(seed: int, n: int = 16, **fixed: float) -> dict[str, np.ndarray]:
    reg = default_registry()
    p = sample([q for q in reg if q.model in MODELS], n, seed)
    for k, v in fixed.items():
        p[k.replace("__", ".")] = np.full(n, float(v))
    return p


def energy(p: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return run_models(p, YEARS, MODELS)["energy"]


@given(seed=st.integers(0, 2**31), n=st.integers(1, 4))
def test_costs_shared_in_a_market_sum_to_the_market_cost(seed: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    es = energy_states()
    cost = rng.uniform(-1e9, 1e10, (n, 3, 51))
    load = rng.uniform(1.0, 500.0, (n, 3, 51))
    cents = markets.pool_prices(cost, load, es.pool, es.n_pools)
    for k in range(es.n_pools):
        m = es.pool == k
        shared = (cents[:, :, m] * load[:, :, m]).sum(axis=2) * 1e9 / 100.0
        np.testing.assert_allclose(shared, cost[:, :, m].sum(axis=2), rtol=1e-9)
    # one market, one price: every PJM state sees the same pooled change
    pjm = es.pjm > 0
    assert np.ptp(cents[:, :, pjm], axis=2).max() < 1e-9


@given(seed=st.integers(0, 2**31), state=st.sampled_from(STATES), gw=st.floats(0.1, 20.0))
def test_bills_never_fall_when_load_in_a_market_rises(seed: int, state: str, gw: float) -> None:
    """More load in one state raises (never lowers) every bill in its market when new
    supply costs at least the average price; other markets are untouched outside PJM."""
    es = energy_states()
    p = draws(seed, n=4, energy__new_supply_cost_ratio=1.5, energy__max_bill_rise=10.0)
    base = np.random.default_rng(seed).uniform(0.0, 3.0, (4, YEARS.size, 51)).cumsum(axis=1)
    more = base.copy()
    i = STATES.index(state)
    more[:, 1:, i] += gw
    lf = p["energy.load_factor"]
    a = markets.bill_rise(p, YEARS, base, es, lf)["rise"]
    b = markets.bill_rise(p, YEARS, more, es, lf)["rise"]
    same = es.pool == es.pool[i]
    assert (b[:, :, same] >= a[:, :, same] - 1e-12).all()
    assert (b[:, 1:, i] > a[:, 1:, i]).all()
    untouched = ~same & (es.pjm == 0) if es.pjm[i] else ~same
    np.testing.assert_allclose(b[:, :, untouched], a[:, :, untouched], rtol=1e-12, atol=1e-15)


def test_cheap_new_supply_lowers_bills_outside_pjm() -> None:
    """LBNL/Brattle: where new load costs less than the average price, spreading fixed
    costs lowers bills (r < 1, with transmission at the low end of its range)."""
    es = energy_states()
    p = draws(1, n=2, energy__new_supply_cost_ratio=0.8, energy__transmission_usd_per_gw=0.5e9)
    load = np.linspace(0.0, 10.0, YEARS.size)[None, :, None] * np.ones((2, 1, 51))
    rise = markets.bill_rise(p, YEARS, load, es, p["energy.load_factor"])["rise"]
    outside = es.pjm == 0
    assert (rise[:, 5:, outside] <= 0).all()


def test_pjm_prices_reproduce_the_auctions_held() -> None:
    e = energy(draws(3))
    price = e["pjm_capacity_price_usd_mw_day"]
    for year, want in ((2025, 269.92), (2026, 329.17), (2027, 333.44)):
        np.testing.assert_allclose(price[:, int(year - 2025)], want)
    assert (price >= 0).all() and (price <= 1000).all()
    assert (e["pjm_capacity_price_without_ai_usd_mw_day"] <= price + 1e-9).all()


def test_the_grid_never_powers_more_than_is_sited_and_headroom_removes_delays() -> None:
    es = energy_states()
    p = draws(4, n=3)
    sited = np.random.default_rng(0).uniform(0, 2, (3, YEARS.size, 51)).cumsum(axis=1)
    got = powered(p, sited, es)
    assert (got <= sited + 1e-12).all() and (got >= sited[:, :1] - 1e-12).all()
    p["energy.grid_headroom_gw_us"] = np.full(3, 1e6)
    np.testing.assert_allclose(powered(p, sited, es), sited)


def test_wyoming_no_longer_dominates_and_virginia_leads_the_2025_geography() -> None:
    e = energy(draws(5))
    gw = e["installed_gw_by_site"][:, :, :51]
    share = gw / gw.sum(axis=2, keepdims=True)
    va, wy = STATES.index("VA"), STATES.index("WY")
    assert np.allclose(share[:, 0, va], energy_states().base_share[va])
    assert (share[:, 0, va] == share[:, 0].max(axis=1)).all()
    assert np.median(share[:, 5, wy]) < 0.1


def test_direct_water_prior_has_its_median_at_lbnl() -> None:
    p = draws(6, n=4000)
    assert np.median(p["energy.direct_water_l_per_kwh"]) == pytest.approx(0.37, rel=0.05)


def test_a_new_large_load_tariff_lowers_bills_where_it_holds() -> None:
    base = energy(draws(7))
    p = draws(7)
    p["energy.large_load_tariff_states"] = np.ones((16, 51))
    p["energy.large_load_tariff_start"] = np.full(16, 2026.0)
    new = energy(p)
    ga = STATES.index("GA")
    assert (
        new["bill_change_pct_by_state"][:, 5, ga] < base["bill_change_pct_by_state"][:, 5, ga]
    ).all()


# ---- the claims: an in-range setting where each holds and one where it fails -------------
LOW_LOAD = dict(energy__load_factor=0.4, energy__generation_lead_time_years=7.0)
HIGH_LOAD = dict(energy__load_factor=0.8, energy__grid_headroom_gw_us=126.0)


@pytest.mark.parametrize(
    ("fixed", "holds"),
    [
        (
            dict(
                energy__gas_share_of_new_supply=0.9,
                energy__grid_co2_decline_per_year=0.0,
                **HIGH_LOAD,
            ),
            True,
        ),
        (
            dict(
                energy__gas_share_of_new_supply=0.3,
                energy__grid_co2_decline_per_year=0.05,
                **LOW_LOAD,
            ),
            False,
        ),
    ],
)
def test_climate_claim_holds_and_fails_in_range(fixed: dict[str, float], holds: bool) -> None:
    """CO2 of US AI data centres in 2030 >= 5 % of 2024 power-sector CO2 (1,537 Mt)."""
    share = np.median(energy(draws(8, **fixed))["co2_mt_us"][:, 5]) / 1537.0
    assert bool(share >= 0.05) is holds


@pytest.mark.parametrize(("direct", "holds"), [(0.2, True), (1.3, False)])
def test_water_claim_holds_and_fails_in_range(direct: float, holds: bool) -> None:
    """Direct water in 2030 under 10 % of golf courses' 500 bn gallons (p5-p95 of the prior
    is 0.1-1.37 L/kWh)."""
    fixed = dict(energy__direct_water_l_per_kwh=direct, **(LOW_LOAD if holds else HIGH_LOAD))
    share = np.median(energy(draws(9, **fixed))["water_direct_share_of_golf"][:, 5])
    assert bool(share < 0.1) is holds


@pytest.mark.parametrize(
    ("fixed", "holds"),
    [
        (dict(energy__new_supply_cost_ratio=2.0), True),
        (
            dict(
                energy__new_supply_cost_ratio=0.85,
                energy__pjm_price_cap_usd_mw_day=333.44,
                energy__large_load_tariff_effectiveness=1.0,
                **LOW_LOAD,
            ),
            False,
        ),
    ],
)
def test_bills_claim_holds_and_fails_in_range(fixed: dict[str, float], holds: bool) -> None:
    """The average US household bill rises at least 1 % by 2030."""
    pct = np.median(energy(draws(10, **fixed))["bill_change_pct_us"][:, 5])
    assert bool(pct >= 1.0) is holds


@pytest.mark.parametrize("chunk", [1, 3, 7])
def test_results_do_not_depend_on_how_draws_are_chunked(chunk: int) -> None:
    """Every energy output, bit for bit, whatever the chunk (pool sums by reduceat, not BLAS)."""
    p = draws(11, n=14)
    full = energy(p)
    parts = [energy({k: v[i : i + chunk] for k, v in p.items()}) for i in range(0, 14, chunk)]
    for name, x in full.items():
        assert np.array_equal(x, np.concatenate([q[name] for q in parts])), name
