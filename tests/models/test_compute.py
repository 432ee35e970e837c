"""The compute model: closed forms, megawatt bookkeeping, milestones."""

import numpy as np
import pytest

from plowshare.core.params import default_registry
from plowshare.core.sampling import sample
from plowshare.models import compute, investment
from plowshare.models.compute import capacity, milestones

from ..conftest import YEARS


@pytest.fixture()
def cp():
    reg = default_registry()
    return sample([p for p in reg if p.model in ("investment", "compute")], 1, 0)


def set_(p, **kv):
    out = dict(p)
    for k, v in kv.items():
        out[k if "." in k else f"compute.{k}"] = np.full(len(next(iter(p.values()))), float(v))
    return out


def demand(p):
    return investment.run(p, YEARS)["new_capacity_gw_by_region"]


def test_no_build_gives_exponential_compute(cp):
    """Closed form: with no new build, reachable compute decays as (1 - d)^t, and with share,
    duration and algorithms growing at constant rates effective compute rises linearly in OOM
    with slope log10((1 - d) g_s g_d a)."""
    p = set_(
        cp,
        retirement_rate=0.2,
        largest_run_share_growth=1.3,
        largest_run_share_max=1e9,
        run_duration_growth=1.1,
        run_duration_days_max=1e9,
        algorithmic_efficiency_growth=2.0,
    )
    out = compute.run(p, YEARS, new_capacity_gw_by_region=np.zeros((1, len(YEARS), 4)))
    oom = out["effective_compute_oom_by_bloc"][0, :, 0]
    slope = np.log10(0.8 * 1.3 * 1.1 * 2.0)
    np.testing.assert_allclose(np.diff(oom), slope, rtol=1e-10)


def test_crossing_year_of_a_pure_exponential():
    """Closed form: E(t) = g^(t - t0) crosses a threshold at t0 + log(threshold) / log(g)."""
    g, threshold = 3.0, 1e4
    oom = (YEARS - 2025)[None, :] * np.log10(g)  # value at mid-year t + 0.5
    t = milestones.crossing_year(oom, np.array([np.log10(threshold)]), YEARS)
    assert t[0] == pytest.approx(2025.5 + np.log(threshold) / np.log(g), abs=1e-9)


def test_crossing_not_reached_is_inf_and_already_reached_is_first_year():
    oom = np.tile(np.linspace(0, 5, len(YEARS)), (2, 1))
    t = milestones.crossing_year(oom, np.array([99.0, -1.0]), YEARS)
    assert np.isinf(t[0]) and t[1] == YEARS[0] + 0.5


def test_largest_2025_run_is_calibrated_to_grok4(cp):
    out = compute.run(cp, YEARS, new_capacity_gw_by_region=demand(cp))
    run_2025 = out["largest_run_flop_by_bloc"][0, 0, 0]
    assert run_2025 == pytest.approx(5e26, rel=0.05)  # Epoch: Grok 4, July 2025


def test_megawatts_are_conserved(cp):
    """Demanded = built + blocked - relocated + what China cannot equip, every year and site."""
    p = set_(cp, us_moratorium=1, us_moratorium_start=2028, treaty=0)
    d = demand(p)
    b = capacity.new_build(p, YEARS, d)
    _, supply = capacity.export_control_factors(p)
    unbuilt_china = d[:, :, 2] * (1 - supply[:, None])
    lhs = d.sum(axis=2)
    rhs = b["built_gw"].sum(axis=2) + b["blocked_gw"] - b["relocated_gw"] + unbuilt_china
    np.testing.assert_allclose(lhs, rhs, rtol=1e-12)
    assert (b["built_gw"][:, YEARS >= 2028, 0] == 0).all()  # nothing new in the US
    assert (b["built_gw"][:, YEARS < 2028, 0] > 0).all()


def test_treaty_pauses_china_and_stops_relocation(cp):
    p = set_(cp, us_moratorium=1, us_moratorium_start=2027, treaty=1)
    b = capacity.new_build(p, YEARS, demand(p))
    paused = YEARS >= 2027
    assert (b["built_gw"][:, paused, 0] == 0).all() and (b["built_gw"][:, paused, 2] == 0).all()
    assert (b["relocated_gw"] == 0).all()


def test_export_controls_lifted_give_parity(cp):
    p = set_(cp, export_control_level=0)
    eff, supply = capacity.export_control_factors(p)
    assert eff[0] == 1.0 and supply[0] == 1.0
    e = capacity.flops_per_watt(p, YEARS)
    np.testing.assert_array_equal(e[:, :, 2], e[:, :, 0])


def test_outputs_have_the_documented_shapes(cp):
    out = compute.run(cp, YEARS, new_capacity_gw_by_region=demand(cp))
    n, T = 1, len(YEARS)
    assert out["installed_flops_by_region"].shape == (n, T, 4)
    assert out["effective_compute_oom_by_bloc"].shape == (n, T, 2)
    assert out["rsi_year_by_bloc"].shape == (n, 2) and out["rsi_year"].shape == (n,)
    assert out["tai_year"][0] >= out["rsi_year"][0]
