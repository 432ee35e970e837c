"""Shared fixtures. Tests never touch the network and treat warnings as errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from plowshare.core.params import Registry, default_registry
from plowshare.core.sampling import sample
from plowshare.models import investment
from plowshare.models.fund import model as fund_model

settings.register_profile(
    "plowshare", deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("plowshare")

YEARS = np.arange(2025, 2051, dtype=np.float64)


@pytest.fixture(scope="session")
def registry() -> Registry:
    return default_registry()


@pytest.fixture()
def central(registry: Registry) -> dict[str, np.ndarray]:
    """Central values of every fund and investment parameter, n = 1."""
    return sample([p for p in registry if p.model in ("fund", "investment")], 1, 0)


def fund_run(params: dict[str, np.ndarray], years: np.ndarray = YEARS, **upstream):
    """Run the investment model, then the fund on its compute spending."""
    spending = investment.run(params, years)["us_compute_spending_usd"]
    return fund_model.run(params, years, compute_spending_usd=spending, **upstream)


def with_values(params: dict[str, np.ndarray], **changes: float) -> dict[str, np.ndarray]:
    """A copy of ``params`` with ``fund.<name>`` set to the given scalars (broadcast to n)."""
    n = len(next(iter(params.values())))
    out = dict(params)
    for k, v in changes.items():
        out[f"fund.{k}"] = np.full(n, float(v))
    return out
