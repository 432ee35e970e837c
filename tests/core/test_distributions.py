import math

import numpy as np
import pytest

from plowshare.core.distributions import Dist, DistError


@pytest.mark.parametrize(
    "spec",
    [
        {"kind": "lognormal", "p5": 3.0, "p95": 6.0},
        {"kind": "normal", "p5": -1.0, "p95": 2.0},
        {"kind": "uniform", "p5": 0.1, "p95": 0.2},
        {"kind": "loguniform", "p5": 1e-3, "p95": 1e2},
    ],
)
def test_p5_p95_round_trip(spec):
    d = Dist.from_spec(spec)
    p5, _, p95 = d.quantiles()
    assert p5 == pytest.approx(spec["p5"], rel=1e-9)
    assert p95 == pytest.approx(spec["p95"], rel=1e-9)


def test_lognormal_median_is_geometric_mean_of_p5_p95():
    d = Dist.from_spec({"kind": "lognormal", "p5": 2.0, "p95": 8.0})
    assert d.quantiles((0.5,))[0] == pytest.approx(4.0)


def test_truncated_normal_stays_inside_bounds():
    d = Dist.from_spec({"kind": "normal", "mean": 0.0, "sd": 1.0, "lower": -0.5, "upper": 0.3})
    x = d.ppf(np.linspace(1e-9, 1 - 1e-9, 1001))
    assert x.min() >= -0.5 and x.max() <= 0.3
    assert d.support() == (-0.5, 0.3)


def test_triangular_matches_closed_form_cdf():
    d = Dist.from_spec({"kind": "triangular", "low": 0.0, "mode": 1.0, "high": 3.0})
    # F(x) = x^2 / ((b-a)(c-a)) for x <= c: F(1) = 1/3
    assert d.ppf(np.array([1 / 3]))[0] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("spec", "msg"),
    [
        ({"kind": "gamma", "a": 1}, "kind must be one of"),
        ({"kind": "uniform", "low": 2, "high": 1}, "low"),
        ({"kind": "uniform", "low": 0}, "takes"),
        ({"kind": "lognormal", "p5": -1, "p95": 2}, "positive"),
        ({"kind": "triangular", "low": 0, "mode": 5, "high": 1}, "mode"),
        ({"kind": "normal", "mean": 0, "sd": "x"}, "number"),
        ("uniform", "expected a table"),
    ],
)
def test_bad_specs_are_refused(spec, msg):
    with pytest.raises(DistError, match=msg):
        Dist.from_spec(spec)


def test_contains_and_support():
    d = Dist.from_spec({"kind": "uniform", "low": 1, "high": 2})
    assert d.contains(1.5) and not d.contains(2.5)
    assert Dist.fixed(3).contains(3) and not Dist.fixed(3).contains(3.1)
    assert math.isinf(Dist.from_spec({"kind": "lognormal", "p5": 1, "p95": 2}).support()[1])
