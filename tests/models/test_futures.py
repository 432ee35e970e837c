"""The futures decision tree: probabilities are probabilities, and the compute tilts act
in the stated direction (closed forms on the model function, then through the pipeline)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plowshare.core.params import default_registry
from plowshare.core.sampling import sample
from plowshare.core.scenario import load_scenario
from plowshare.engine import api
from plowshare.models.futures.model import ADMINS, OUTCOMES, run

N = 64
YEARS = np.arange(2025, 2041)


@pytest.fixture(scope="module")
def params() -> dict[str, np.ndarray]:
    return sample(default_registry().for_model("futures"), N, 7)


def _run(p, rsi=2035.0, lead=1.0):
    return run(
        p, YEARS, rsi_year=np.full(N, rsi), us_lead_oom=np.full((N, YEARS.size), float(lead))
    )


def test_probabilities_sum_to_one(params):
    r = _run(params)
    np.testing.assert_allclose(r["outcome_probability"].sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(r["outcome_probability_by_admin"].sum(axis=2), 1.0, rtol=1e-12)
    np.testing.assert_allclose(r["admin_probability"].sum(axis=1), 1.0, rtol=1e-12)
    assert r["outcome_probability"].shape == (N, len(OUTCOMES))


def test_without_tilts_the_tree_is_the_weighted_mixture(params):
    p = dict(params)
    p["futures.k_rsi_loss_of_control"] = np.zeros(N)
    p["futures.k_lead_prc"] = np.zeros(N)
    r = _run(p, rsi=2027.0, lead=3.0)  # timing cannot matter when the tilts are zero
    i = 0
    admin = np.array([p[f"futures.p_{a}"][i] for a in ADMINS])
    admin /= admin.sum()
    w = np.array([[p[f"futures.w_{a}_{o}"][i] for o in OUTCOMES] for a in ADMINS])
    w /= w.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(r["outcome_probability"][i], admin @ w, rtol=1e-12)


def test_early_rsi_raises_loss_of_control(params):
    k = OUTCOMES.index("loss_of_control")
    late, early = _run(params, rsi=2035.0), _run(params, rsi=2027.5)
    assert np.all(early["outcome_probability"][:, k] >= late["outcome_probability"][:, k])


@settings(max_examples=30, deadline=None)
@given(a=st.floats(-2.0, 4.0), b=st.floats(-2.0, 4.0))
def test_a_bigger_us_lead_never_raises_the_prc_lead_probability(params, a, b):
    k = OUTCOMES.index("prc_lead")
    lo, hi = sorted((a, b))
    p_lo = _run(params, lead=lo)["outcome_probability"][:, k]
    p_hi = _run(params, lead=hi)["outcome_probability"][:, k]
    assert np.all(p_hi <= p_lo + 1e-12)


def test_pipeline_feeds_compute_timing_into_futures():
    ds = api.run(load_scenario("baseline"), draws=200, seed=3)
    prob = ds["futures.outcome_probability"]
    np.testing.assert_allclose(prob.sum(dim=[d for d in prob.dims if d != "draw"]), 1.0)
    assert float(prob.std(dim="draw").max()) > 0  # varies with each draw's compute path
