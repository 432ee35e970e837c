"""Backtest: started in 2018, the investment and compute models reproduce frontier compute growth.

Data: Epoch AI, 'Data on AI Models' (frontier-flagged models with compute estimates,
shipped as data/frontier_models.csv); Epoch reports frontier training compute growing
4-5x a year ('Training compute of frontier AI models grows by 4-5x per year', 2024), and a
fit to the shipped table gives 4.8x a year over 2018-2025 (n = 44). The largest run
through 2025 is Grok 4 at 5e26 FLOP.

Tolerances: the central run's growth within 4.0-5.5x a year; its 2018 and 2025 levels
within 0.5 orders of magnitude of the Epoch fit; across draws the 90 % band of growth
rates contains the observed 4.8x.
"""

import numpy as np
import pytest

from plowshare.core.data import load_table
from plowshare.core.params import default_registry
from plowshare.core.sampling import sample
from plowshare.engine.pipeline import order, run_models

YEARS = np.arange(2018, 2026, dtype=np.float64)


def epoch_fit():
    f = load_table("frontier_models")
    f = f[(f.year_fraction >= 2018) & (f.year_fraction < 2026)]
    slope, intercept = np.polyfit(f.year_fraction, np.log10(f.training_compute_flop), 1)
    return slope, intercept


def us_largest_run(n, seed=0):
    reg = default_registry()
    models = order(["compute"])  # compute and what it requires (investment, siting)
    p = sample([x for x in reg if x.model in models], n, seed)
    out = run_models(p, YEARS, models)
    return out["compute"]["largest_run_flop_by_bloc"][:, :, 0]


def test_epoch_fit_is_the_published_trend():
    slope, _ = epoch_fit()
    assert 10**slope == pytest.approx(4.8, abs=0.1)


def test_central_run_reproduces_growth_and_levels():
    run = us_largest_run(1)[0]
    growth = 10 ** np.polyfit(YEARS, np.log10(run), 1)[0]
    assert 4.0 <= growth <= 5.5
    slope, intercept = epoch_fit()
    observed = slope * (YEARS + 0.5) + intercept  # the model's years are mid-year values
    assert np.abs(np.log10(run[[0, -1]]) - observed[[0, -1]]).max() < 0.5


def test_band_of_growth_rates_contains_the_observed_rate():
    run = us_largest_run(1000, seed=3)
    growth = 10 ** np.polyfit(YEARS, np.log10(run).T, 1)[0]
    lo, hi = np.quantile(growth, [0.05, 0.95])
    assert lo < 4.8 < hi
