import numpy as np
import pytest
from scipy import stats

from plowshare.core.errors import InputError
from plowshare.core.sampling import sample, spearman_to_pearson


def test_one_draw_gives_central_values(registry):
    params = list(registry)
    s = sample(params, 1, 123)
    for p in params:
        if p.kind == "states":  # a (51,) weight per state, shared by every draw
            assert s[p.name].shape == (1, 51)
            assert (s[p.name][0] == p.weights).all()
        else:
            assert s[p.name].shape == (1,)
            assert s[p.name][0] == p.value


def test_same_seed_same_draws_other_seed_other_draws(registry):
    ps = registry.for_model("fund")
    a, b, c = sample(ps, 500, 7), sample(ps, 500, 7), sample(ps, 500, 8)
    name = "fund.real_return"
    assert np.array_equal(a[name], b[name])
    assert not np.array_equal(a[name], c[name])


def test_adding_a_parameter_leaves_other_streams_unchanged(registry):
    ps = registry.for_model("fund")
    full = sample(ps, 300, 1)
    fewer = sample([p for p in ps if p.name != "fund.profit_growth"], 300, 1)
    assert np.array_equal(full["fund.real_return"], fewer["fund.real_return"])


def test_latin_hypercube_puts_one_draw_in_each_stratum(registry):
    p = registry["fund.employment_growth"]
    n = 200
    x = sample([p], n, 3, "lhs")[p.name]
    u = np.sort(stats.triang.cdf(x, 0.5, 0.001, 0.004))  # the parameter's own CDF
    assert np.array_equal(np.floor(u * n), np.arange(n))


def test_plain_monte_carlo_is_not_stratified(registry):
    p = registry["fund.employment_growth"]
    x = sample([p], 200, 3, "mc")[p.name]
    u = np.sort(stats.triang.cdf(x, 0.5, 0.001, 0.004))
    assert not np.array_equal(np.floor(u * 200), np.arange(200))


def test_draws_follow_the_distribution(registry):
    p = registry["fund.real_return"]
    x = sample([p], 20_000, 5)[p.name]
    p5, p50, p95 = p.dist.quantiles()
    assert np.quantile(x, [0.05, 0.5, 0.95]) == pytest.approx([p5, p50, p95], abs=5e-4)


def test_rank_correlation_is_imposed_and_margins_kept(registry):
    a, b = registry["fund.real_return"], registry["fund.profit_growth"]
    s = sample([a, b], 20_000, 11, correlations=[(a.name, b.name, 0.6)])
    rho = stats.spearmanr(s[a.name], s[b.name]).statistic
    assert rho == pytest.approx(0.6, abs=0.02)
    assert np.median(s[b.name]) == pytest.approx(b.dist.quantiles((0.5,))[0], abs=2e-3)


def test_spearman_to_pearson_closed_form():
    assert spearman_to_pearson(0.0) == 0.0
    assert spearman_to_pearson(1.0) == pytest.approx(1.0)
    assert spearman_to_pearson(0.5) == pytest.approx(2 * np.sin(np.pi / 12))


def test_impossible_correlations_are_refused(registry):
    a, b, c = (
        registry[n] for n in ("fund.real_return", "fund.profit_growth", "fund.real_wage_growth")
    )
    corr = [(a.name, b.name, 0.95), (b.name, c.name, 0.95), (a.name, c.name, -0.95)]
    with pytest.raises(InputError, match="not positive definite"):
        sample([a, b, c], 100, 1, correlations=corr)


def test_fixed_parameters_cannot_be_correlated(registry):
    a, b = registry["fund.real_return"], registry["investment.gdp_2025"]
    with pytest.raises(InputError, match="only parameters with an uncertain"):
        sample([a, b], 100, 1, correlations=[(a.name, b.name, 0.5)])
