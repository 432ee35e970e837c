"""The labour model: data, the three layers, the link to compute and to the fund."""

import numpy as np
import pytest

import plowshare
from plowshare.core.params import default_registry
from plowshare.core.sampling import sample
from plowshare.models import labor
from plowshare.models.labor import capability
from plowshare.models.labor.data import MEASURES, group_data

from ..conftest import YEARS


def params(seed, n=32, **fixed):
    p = sample(default_registry().for_model("labor"), n, seed)
    for k, v in fixed.items():
        p[f"labor.{k}"] = np.full(n, float(v))
    return p


def compute_path(n, oom_per_year=0.9, tai=2032.0):
    """A synthetic compute upstream: effective compute rising linearly in OOM."""
    ec = np.broadcast_to(oom_per_year * (YEARS - 2025.0), (n, len(YEARS)))
    return np.stack([ec, ec - 1.0], axis=-1), np.full(n, tai)


def run(p, ec, tai, **kw):
    return labor.run(p, YEARS, effective_compute_oom_by_bloc=ec, tai_year=tai, **kw)


def test_group_data_matches_the_occupation_table():
    gd = group_data()
    assert len(gd.groups) == 22
    assert gd.employment.sum() == pytest.approx(155.48e6, rel=1e-3)  # BLS OEWS May 2025
    np.testing.assert_allclose(gd.state_weights.sum(axis=1), 1.0)
    assert ((gd.exposure >= 0) & (gd.exposure <= 1)).all() and len(gd.exposure) == len(MEASURES)
    weighted_beta = gd.exposure[0] @ gd.employment / gd.employment.sum()
    assert weighted_beta == pytest.approx(0.34, abs=0.02)  # Eloundou et al. joined to OEWS


def test_today_capability_starts_from_measured_exposure():
    """In 2025 (no progress) the automatable share is theta x exposure, group by group."""
    p = params(3, n=4, capability_path=2)  # today
    ec, tai = compute_path(4)
    lay = labor.model.layers(p, YEARS, ec[:, :, 0], tai)
    np.testing.assert_allclose(lay["m"][:, 0, :], lay["m0"])
    np.testing.assert_allclose(lay["m"], np.broadcast_to(lay["m0"][:, None, :], lay["m"].shape))


def test_automatable_adopted_displaced_are_ordered():
    """Adopted never exceeds automatable; both stay in [0, 1]."""
    p = params(5, n=64)
    ec, tai = compute_path(64)
    out = run(p, ec, tai)
    assert (out["automated_task_share"] <= out["automatable_share"] + 1e-12).all()
    assert (out["knowledge_work_adopted_share"] <= 1.0).all()
    assert (out["automatable_share"] >= 0).all() and (out["automatable_share"] <= 1).all()
    assert (np.diff(out["automatable_share"], axis=1) >= -1e-12).all()


def test_uplift_floor_meets_the_definition_even_at_the_lowest_settings():
    gd = group_data()
    p = params(1, n=3, tai_uplift=0.0, automatable_share_of_exposure=0.23)
    m0 = capability.today_share(p, gd.exposure[MEASURES.index("alpha_gpt4")][None, :])
    u = capability.uplift(p, gd.exposure, gd.knowledge, gd.employment)
    m = capability.automatable(np.ones((3, 1)), m0, u)[:, 0, :]
    wk = gd.knowledge * gd.employment / (gd.knowledge @ gd.employment)
    np.testing.assert_allclose(m @ wk, 0.5)


def test_diffusion_curve_starts_at_zero_after_the_lag_and_takes_d_from_10_to_50():
    lag, d = np.array([1.0]), np.array([10.0])
    f = capability.diffusion
    assert f(np.array([1.0]), lag, d)[0] == 0.0 and f(np.array([-1.0]), lag, d)[0] == 0.0
    t10 = 1.0 + capability.TO_10_RATIO * 10.0
    assert f(np.array([t10]), lag, d)[0] == pytest.approx(0.1)
    assert f(np.array([t10 + 10.0]), lag, d)[0] == pytest.approx(0.5)


def test_never_reaching_tai_keeps_progress_below_one():
    p = params(2, n=5)
    ec, _ = compute_path(5, oom_per_year=0.1)
    out = run(p, ec, np.full(5, np.inf))
    assert (out["capability_progress"] < 1.0).all()
    assert (out["knowledge_work_automatable_share"] < 0.99).all()


def test_more_exposure_never_displaces_fewer():
    """gamma (E1 + E2) exposes at least as much as beta (E1 + 0.5 E2) in every group."""
    ec, tai = compute_path(16)
    b = run(params(7, n=16, exposure_measure=MEASURES.index("beta_gpt4")), ec, tai)
    g = run(params(7, n=16, exposure_measure=MEASURES.index("gamma_gpt4")), ec, tai)
    assert (g["automatable_share"] >= b["automatable_share"] - 1e-12).all()


def test_slower_reabsorption_displaces_more():
    ec, tai = compute_path(16)
    lo = run(params(8, n=16, reinstatement_ratio=0.4, reabsorption_fade=1.0), ec, tai)
    hi = run(params(8, n=16, reinstatement_ratio=1.0, reabsorption_fade=0.0), ec, tai)
    assert (lo["displaced_workers"] >= hi["displaced_workers"] - 1e-6).all()
    assert lo["redisplaced_workers"].sum() > 0 and hi["redisplaced_workers"].sum() == 0


def test_state_totals_add_up_to_the_nation():
    p = params(4)
    ec, tai = compute_path(32)
    out = run(p, ec, tai)
    np.testing.assert_allclose(out["displaced_by_state"].sum(axis=2), out["displaced_workers"])
    np.testing.assert_allclose(out["displaced_by_group"].sum(axis=2), out["displaced_workers"])


def test_integrated_run_feeds_the_fund():
    ds = plowshare.run(plowshare.load_scenario("baseline"), draws=200, seed=2)
    np.testing.assert_array_equal(ds["fund.displaced_workers"], ds["labor.displaced_workers"])


def test_fund_scenarios_take_displacement_from_the_labour_model():
    """One displacement source: every fund scenario runs the labour model, except the two
    'at the limit' teaching presets that keep the fund's parametric path on purpose."""
    from plowshare.core.scenario import shipped_scenarios

    teaching = {"at-the-limit", "at-the-limit-nationalisation"}
    for name in shipped_scenarios():
        sc = plowshare.load_scenario(name)
        if "fund" in sc.models and name not in teaching:
            assert "labor" in sc.models, name
