"""Hypothesis properties of the labour model: conservation, timing, no look-ahead."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import plowshare
from plowshare.core.params import default_registry
from plowshare.core.sampling import sample
from plowshare.models import labor
from plowshare.models.labor.data import group_data

from ..conftest import YEARS

N = 16


def params(seed, n=N):
    return sample(default_registry().for_model("labor"), n, seed)


def compute(rate, tai, n=N):
    ec = np.broadcast_to(rate * (YEARS - 2025.0), (n, len(YEARS)))
    return np.stack([ec, ec - 0.5], axis=-1), np.full(n, tai)


@given(seed=st.integers(0, 2**31), rate=st.floats(0.1, 2.0), tai=st.floats(2026.0, 2049.0))
def test_workers_are_conserved_in_every_group_state_and_year(seed, rate, tai):
    """employed + displaced (unemployed) + re-employed + exited = labour force."""
    ec, t = compute(rate, tai)
    out = labor.run(params(seed), YEARS, effective_compute_oom_by_bloc=ec, tai_year=t, detail=True)
    stocks = out["stocks"]  # (E, U, R, X) x (n, T, G)
    assert (stocks >= -1e-6).all()
    gd = group_data()
    lf_group = out["labour_force"][:, :, None] * (gd.employment / gd.employment.sum())
    np.testing.assert_allclose(stocks.sum(axis=0), lf_group, rtol=1e-9, atol=1e-3)
    by_state = stocks @ gd.state_weights  # every state: the same identity
    np.testing.assert_allclose(by_state.sum(axis=0), lf_group @ gd.state_weights, rtol=1e-9)
    np.testing.assert_allclose(stocks[1] + stocks[3], out["displaced_by_group"], atol=1e-6)


@given(seed=st.integers(0, 2**31), rate=st.floats(0.2, 2.0), tai=st.floats(2027.0, 2045.0))
def test_before_tai_only_the_capability_of_the_day_counts(seed, rate, tai):
    """No look-ahead: a capability explosion after TAI changes nothing before it, and
    before TAI knowledge work automatable stays below its TAI level."""
    p = params(seed)
    ec, t = compute(rate, tai)
    late = ec.copy()
    after = YEARS >= np.ceil(tai) + 1  # keeps the yearly values TAI is interpolated from
    late[:, after, :] += 5.0 * (YEARS[after] - tai)[None, :, None]
    a = labor.run(p, YEARS, effective_compute_oom_by_bloc=ec, tai_year=t)
    b = labor.run(p, YEARS, effective_compute_oom_by_bloc=late, tai_year=t)
    before = YEARS <= tai
    for k in ("displaced_workers", "automatable_share", "automated_task_share"):
        np.testing.assert_allclose(a[k][:, before], b[k][:, before], rtol=1e-12)
    gd = group_data()
    lay = labor.model.layers(p, YEARS, ec.max(axis=2), t)
    wk = gd.knowledge * gd.employment / (gd.knowledge @ gd.employment)
    at_tai = lay["m"][:, :, :] @ wk
    first = np.argmax(YEARS >= tai)
    assert (at_tai[:, YEARS < tai] <= at_tai[:, [first]] + 1e-12).all()


@given(seed=st.integers(0, 2**31))
def test_frozen_capability_displaces_only_what_today_models_can_do(seed):
    """With no compute growth the path is today's capability, and adoption of it alone."""
    p = params(seed)
    ec, _ = compute(0.0, np.inf)
    t = np.full(N, np.inf)
    out = labor.run(p, YEARS, effective_compute_oom_by_bloc=ec, tai_year=t)
    lay = labor.model.layers(p, YEARS, ec.max(axis=2), t)
    np.testing.assert_allclose(lay["m"], np.broadcast_to(lay["m0"][:, None, :], lay["m"].shape))
    today = dict(p, **{"labor.capability_path": np.full(N, 2.0)})
    ref = labor.run(today, YEARS, effective_compute_oom_by_bloc=ec, tai_year=t)
    np.testing.assert_allclose(out["displaced_workers"], ref["displaced_workers"])


@given(seed=st.integers(0, 2**31), shift=st.floats(0.5, 10.0))
def test_a_later_milestone_never_raises_displacement(seed, shift):
    """Compute arriving later (the same path shifted) never displaces more in any year."""
    p = params(seed)
    ec, t = compute(0.8, 2033.0)
    later = np.maximum(ec - 0.8 * shift, 0.0)
    a = labor.run(p, YEARS, effective_compute_oom_by_bloc=ec, tai_year=t)
    b = labor.run(p, YEARS, effective_compute_oom_by_bloc=later, tai_year=t + shift)
    assert (b["displaced_workers"] <= a["displaced_workers"] + 1e-6).all()


def test_integrated_baseline_at_tai_most_knowledge_work_is_automatable_in_every_draw():
    ds = plowshare.run(plowshare.load_scenario("baseline"), draws=400, seed=3)
    tai = ds["compute.tai_year"].values
    share = ds["labor.knowledge_work_automatable_share"].values
    years = ds["year"].values
    hit = np.isfinite(tai) & (tai <= years[-1])
    assert hit.sum() > 100
    idx = np.searchsorted(years, tai[hit], side="left")  # first whole year at or after TAI
    assert (share[hit, idx] >= 0.5).all()
    # and before TAI, displacement comes only from capability below the TAI level
    for i, j in zip(np.flatnonzero(hit), idx, strict=True):
        assert (share[i, :j][years[:j] < tai[i]] <= share[i, j] + 1e-12).all()
