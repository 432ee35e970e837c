"""The Python API: ``load_scenario`` and ``run``.

>>> import plowshare
>>> sc = plowshare.load_scenario("mcap-tax-5pct")     # a shipped name or a path
>>> ds = plowshare.run(sc, draws=1000, seed=1)
>>> ds["fund.coverage"].sel(year=2035).quantile([0.05, 0.5, 0.95])
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import numpy as np
import xarray as xr

from .core.pipeline import Progress, draw_params, order, run_chunked
from .core.results import to_dataset
from .core.scenario import Scenario, load_scenario

__all__ = ["load_scenario", "package_version", "run"]


def package_version() -> str:
    try:
        return version("plowshare")
    except PackageNotFoundError:  # running from a source tree without installing
        return "0+unknown"


def run(
    scenario: Scenario,
    draws: int | None = None,
    seed: int | None = None,
    *,
    chunk_size: int | None = None,
    progress: Progress | None = None,
) -> xr.Dataset:
    """Sample the scenario's parameters and run its models over all draws.

    ``draws`` and ``seed`` default to the scenario's ``[run]`` settings; ``draws=1``
    runs once at central values. The same scenario and seed give identical numbers.
    """
    n = scenario.run.draws if draws is None else draws
    s = scenario.run.seed if seed is None else seed
    models = order(scenario.models)
    years = np.asarray(scenario.years, dtype=np.float64)
    params = draw_params(
        scenario.registry,
        models,
        n,
        s,
        scenario.run.method,
        scenario.correlations,
        file=scenario.path,
    )
    outputs = run_chunked(params, years, models, chunk_size or scenario.run.chunk_size, progress)
    attrs = {
        "plowshare_version": package_version(),
        "scenario": scenario.name,
        "scenario_hash": scenario.content_hash(),
        "seed": s,
        "draws": n,
        "method": scenario.run.method,
        "models": ",".join(models),
        "note": "Explores consequences of stated assumptions; not a forecast.",
    }
    return to_dataset(outputs, params, years, attrs)
