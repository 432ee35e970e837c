"""Siting and energy: megawatts conserved, moratoria hold, calibration, identities."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from plowshare.core.dims import STATES, state_groups, state_vector
from plowshare.core.params import default_registry
from plowshare.core.sampling import sample
from plowshare.core.sites import site_data
from plowshare.engine.pipeline import run_models
from plowshare.models.labor.data import group_data

from ..conftest import YEARS

MODELS = ["investment", "siting", "compute", "energy"]


def draws(seed, n=24, **levers):
    reg = default_registry()
    p = sample([q for q in reg if q.model in MODELS], n, seed)
    for k, v in levers.items():
        name = k.replace("__", ".")
        if name.endswith("_states"):
            w = state_vector(v, rates=False, file=None, key=name)
            p[name] = np.broadcast_to(w, (n, len(STATES)))
        else:
            p[name] = np.full(n, float(v))
    return p


def closed(states) -> np.ndarray:
    return state_vector(states, rates=False, file=None, key="test") > 0


def run(p):
    return run_models(p, YEARS, MODELS)


# any set of states: a named group, or a list of codes drawn at random
groups = st.one_of(
    st.sampled_from(list(state_groups())), st.lists(st.sampled_from(STATES), max_size=12)
)


@given(seed=st.integers(0, 2**31), group=groups, start=st.integers(2025, 2045))
def test_megawatts_are_conserved_every_year_and_draw(seed, group, start):
    """Demanded = built where first chosen + relocated + never built (hypothesis)."""
    p = draws(seed, siting__moratorium_states=group, siting__moratorium_start=start)
    s = run(p)["siting"]
    total = s["built_direct_gw"] + s["relocated_gw"] + s["lost_gw"]
    np.testing.assert_allclose(total, s["us_firms_demand_gw"], rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(
        s["relocated_gw_by_destination"].sum(axis=2), s["relocated_gw"], rtol=1e-10, atol=1e-12
    )


@pytest.mark.parametrize("group", ["bill-states-2026", "democratic-trifectas", "all", ["VA", "GA"]])
def test_moratorium_states_build_nothing_above_the_threshold_while_it_holds(group):
    p = draws(
        3,
        siting__moratorium_states=group,
        siting__moratorium_start=2028,
        siting__moratorium_end=2040,
        siting__moratorium_share_above_threshold=1.0,
    )
    built = run(p)["siting"]["built_gw_by_site"]
    shut = closed(group)
    holds = (YEARS >= 2028) & (YEARS < 2040)
    assert built[:, holds][:, :, :51][:, :, shut].max() == 0.0
    assert built[:, ~holds][:, :, :51][:, :, shut].sum() > 0


def test_no_policy_reproduces_the_calibration_shares():
    built = run(draws(5))["siting"]["built_gw_by_site"][:, :, :51]
    shares = built / built.sum(axis=2, keepdims=True)
    np.testing.assert_allclose(
        shares, np.broadcast_to(site_data().pipeline_share, shares.shape), atol=1e-9
    )


def test_electricity_identity():
    """TWh = powered GW x load factor x 8,760 / 1,000, site by site (powered = installed
    less what waits for power in the states)."""
    p = draws(2)
    e = run(p)["energy"]
    lf = p["energy.load_factor"][:, None, None]
    gw = e["installed_gw_by_site"].copy()
    gw[:, :, :51] -= e["power_delayed_gw_by_state"]
    np.testing.assert_allclose(e["electricity_twh_by_site"], gw * lf * 8760 / 1000, rtol=1e-12)


def test_regional_capacity_is_split_without_loss():
    out = run(draws(4))
    e, c = out["energy"], out["compute"]
    np.testing.assert_allclose(
        e["installed_gw_by_site"][:, :, :51].sum(axis=2),
        c["installed_gw_by_region"][:, :, 0],
        rtol=1e-10,
    )


def test_epri_baseline_reproduces_lbnl_2023_within_tolerance():
    """LBNL (2024): US data centres used 176 TWh in 2023. EPRI's state shares of 2023 load
    times 2024 retail sales give 152 TWh: within the stated 15 % (EPRI's own national total
    is lower than LBNL's)."""
    sd = site_data()
    from plowshare.core.data import load_table

    t = load_table("sites")
    states = t[t["kind"] == "state"]
    twh = float((states["dc_share_of_load_2023"].fillna(0) * sd.total_sales_twh).sum())
    assert twh == pytest.approx(176.0, rel=0.15)


@given(seed=st.integers(0, 2**31), group=groups)
def test_a_state_moratorium_never_raises_us_capacity_and_barely_moves_compute(seed, group):
    """US capacity never rises. US labs' effective compute can rise by a hair late in the
    horizon: relocated capacity arrives later with newer, more efficient chips (a real
    vintage effect of delay), bounded by delay x log10(efficiency growth) per draw."""
    p = draws(seed)
    base = run(p)
    mor = run(draws(seed, siting__moratorium_states=group))
    bound = p["siting.relocation_delay_years"] * np.log10(p["compute.efficiency_growth"])
    assert (
        mor["compute"]["effective_compute_oom_by_bloc"][:, :, 0]
        <= base["compute"]["effective_compute_oom_by_bloc"][:, :, 0] + bound[:, None]
    ).all()
    assert (
        mor["siting"]["built_gw_by_region"][:, :, 0].sum(axis=1)
        <= base["siting"]["built_gw_by_region"][:, :, 0].sum(axis=1) + 1e-9
    ).all()


@given(seed=st.integers(0, 2**31))
def test_a_clean_energy_mandate_never_raises_emissions_in_its_states(seed):
    base = run(draws(seed))["energy"]
    mand = run(
        draws(
            seed, siting__mandate_states="democratic-trifectas", siting__time_to_power_cut_years=0.0
        )
    )
    dem = closed("democratic-trifectas")
    assert (
        mand["energy"]["co2_mt_by_site"][:, :, :51][:, :, dem]
        <= base["co2_mt_by_site"][:, :, :51][:, :, dem] + 1e-9
    ).all()


def test_state_labels_agree_between_labour_and_siting_tables():
    assert group_data().states == site_data().sites[:51]


@given(seed=st.integers(0, 2**31), cap=st.floats(0.01, 0.6))
def test_bill_rise_stays_within_the_evidence_ceiling(seed, cap):
    """No state's price rises beyond energy.max_bill_rise; below it the pass-through is linear
    (Wyoming's planned load exceeds its retail sales: uncapped, its bills would double)."""
    p = draws(seed, energy__max_bill_rise=cap)
    pct = run(p)["energy"]["bill_change_pct_by_state"]
    assert pct.max() <= 100 * cap + 1e-9
    uncapped = run(draws(seed, energy__max_bill_rise=1e9))["energy"]["bill_change_pct_by_state"]
    np.testing.assert_allclose(pct, np.minimum(uncapped, 100 * cap), rtol=1e-12, atol=1e-12)
