"""Hypothesis properties of investment and compute: bubbles, moratoria, export controls."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from plowshare.core.params import default_registry
from plowshare.core.sampling import sample
from plowshare.engine.pipeline import run_models

from ..conftest import YEARS

seeds = st.integers(0, 2**31)
MODELS = ["investment", "siting", "compute"]


def draws(seed, n=48):
    reg = default_registry()
    return sample([p for p in reg if p.model in MODELS], n, seed)


def with_(p, **kv):
    n = len(next(iter(p.values())))
    return {**p, **{k: np.full(n, float(v)) for k, v in kv.items()}}


def run(p):
    return run_models(p, YEARS, MODELS)


@given(seed=seeds)
def test_a_bubble_never_advances_a_milestone(seed):
    p = draws(seed)
    base, bub = run(p), run(with_(p, **{"investment.bubble": 1}))
    for k in ("rsi_year", "tai_year"):
        assert (bub["compute"][k] >= base["compute"][k]).all(), k
    assert (bub["investment"]["capex_usd"] <= base["investment"]["capex_usd"]).all()


@given(seed=seeds, start=st.integers(2025, 2045), treaty=st.sampled_from([0, 1]))
def test_a_moratorium_never_raises_us_compute(seed, start, treaty):
    p = draws(seed)
    base = run(p)["compute"]["effective_compute_oom_by_bloc"][:, :, 0]
    mor = run(
        with_(
            p,
            **{
                "compute.us_moratorium": 1,
                "compute.us_moratorium_start": start,
                "compute.treaty": treaty,
            },
        )
    )["compute"]
    assert (mor["effective_compute_oom_by_bloc"][:, :, 0] <= base + 1e-12).all()
    assert (mor["rsi_year_by_bloc"][:, 0] >= run(p)["compute"]["rsi_year_by_bloc"][:, 0]).all()


@given(seed=seeds, a=st.floats(0, 3), b=st.floats(0, 3))
def test_more_export_control_never_raises_prc_compute(seed, a, b):
    lo, hi = sorted((a, b))
    p = draws(seed)
    weak = run(with_(p, **{"compute.export_control_level": lo}))["compute"]
    strong = run(with_(p, **{"compute.export_control_level": hi}))["compute"]
    prc_weak = weak["effective_compute_oom_by_bloc"][:, :, 1]
    prc_strong = strong["effective_compute_oom_by_bloc"][:, :, 1]
    assert (prc_strong <= prc_weak + 1e-12).all()


@given(seed=seeds)
def test_capacity_is_non_negative_and_milestones_ordered(seed):
    out = run(draws(seed))
    assert (out["compute"]["installed_gw_by_region"] >= 0).all()
    assert (out["compute"]["tai_year"] >= out["compute"]["rsi_year"]).all()
    assert (out["investment"]["new_capacity_gw_by_region"] >= 0).all()
