"""The labour model: published anchors, bounds, and its link to the compute model."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import plowshare
from plowshare.core.params import default_registry
from plowshare.core.sampling import sample
from plowshare.models import labor
from plowshare.models.labor.data import MEASURES, group_data

from ..conftest import YEARS


def central(name):
    return plowshare.run(plowshare.load_scenario(name), draws=1)


def at(ds, var, year):
    return float(ds[var].sel(year=year).values[0])


def test_slow_preset_reproduces_acemoglu():
    """Acemoglu (2024), 'The Simple Macroeconomics of AI', NBER w32487: about 4.6 % of all
    tasks affected within ten years (20 % exposed x 23 % profitably automatable). Tolerance
    +/- 1 percentage point on the share of tasks automated by 2034."""
    assert at(central("labor-slow"), "labor.automated_task_share", 2034) == pytest.approx(
        0.046, abs=0.01
    )


def test_fri_rapid_preset_reproduces_about_ten_million_jobs():
    """Karger et al. (2026, NBER w35046; Forecasting Research Institute): in the 'rapid' AI
    scenario about 10 million jobs are lost to AI by 2050. Tolerance +/- 30 %."""
    assert at(central("labor-fri-rapid"), "labor.displaced_workers", 2050) == pytest.approx(
        10e6, rel=0.3
    )


def test_essay_preset_automates_most_knowledge_work_within_ten_years():
    """The essay: 'the automation of most knowledge work within the next ten years'."""
    assert at(central("labor-essay"), "labor.knowledge_work_automated_share", 2036) > 0.5


def test_group_data_matches_the_occupation_table():
    gd = group_data()
    assert len(gd.groups) == 22
    assert gd.employment.sum() == pytest.approx(155.48e6, rel=1e-3)  # BLS OEWS May 2025
    np.testing.assert_allclose(gd.state_weights.sum(axis=1), 1.0)
    assert ((gd.exposure >= 0) & (gd.exposure <= 1)).all() and len(gd.exposure) == len(MEASURES)
    weighted_beta = gd.exposure[0] @ gd.employment / gd.employment.sum()
    assert weighted_beta == pytest.approx(0.34, abs=0.02)  # Eloundou et al. joined to OEWS


def params(seed, n=32):
    reg = default_registry()
    return sample(reg.for_model("labor"), n, seed)


@given(seed=st.integers(0, 2**31), shift=st.floats(0.5, 15))
def test_a_later_milestone_never_raises_displacement(seed, shift):
    p = params(seed)
    tai = np.full(len(p["labor.reabsorption_share"]), 2033.0)
    early = labor.run(p, YEARS, tai_year=tai)["displaced_workers"]
    late = labor.run(p, YEARS, tai_year=tai + shift)["displaced_workers"]
    assert (late <= early + 1e-6).all()


@given(seed=st.integers(0, 2**31), tai=st.floats(2025, 2060))
def test_displaced_never_exceed_employed_in_any_state_group_or_year(seed, tai):
    p = params(seed)
    out = labor.run(p, YEARS, tai_year=np.full(32, tai))
    gd = group_data()
    employed_g = out["employment"][:, :, None] * (gd.employment / gd.employment.sum())
    assert (out["displaced_by_group"] <= employed_g + 1e-6).all()
    employed_s = employed_g @ gd.state_weights
    assert (out["displaced_by_state"] <= employed_s + 1e-6).all()
    np.testing.assert_allclose(out["displaced_by_state"].sum(axis=2), out["displaced_workers"])


def test_never_reaching_tai_displaces_nobody():
    p = params(1, n=3)
    out = labor.run(p, YEARS, tai_year=np.full(3, np.inf))
    assert out["displaced_workers"].max() == 0


def test_integrated_run_feeds_the_fund():
    ds = plowshare.run(plowshare.load_scenario("baseline"), draws=200, seed=2)
    np.testing.assert_array_equal(ds["fund.displaced_workers"], ds["labor.displaced_workers"])
