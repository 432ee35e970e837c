"""The Python API: ``load_scenario`` and ``run``.

>>> import plowshare
>>> sc = plowshare.load_scenario("mcap-tax-5pct")     # a shipped name or a path
>>> ds = plowshare.run(sc, draws=1000, seed=1)
>>> ds["fund.coverage"].sel(year=2035).quantile([0.05, 0.5, 0.95])
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from importlib.metadata import PackageNotFoundError, version

import numpy as np
import xarray as xr

from .core.pipeline import MODELS, Progress, draw_params, order, run_chunked
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
    outputs: Collection[str] | None = None,
    years: Sequence[int] | None = None,
) -> xr.Dataset:
    """Sample the scenario's parameters and run its models over all draws.

    ``draws`` and ``seed`` default to the scenario's ``[run]`` settings; ``draws=1``
    runs once at central values. The same scenario and seed give identical numbers.
    ``outputs`` (``model.output`` names) keeps only those variables, to save memory on
    very large runs; by default every output is kept. ``years`` likewise keeps only
    those calendar years of the outputs (the model still runs every year).
    """
    n = scenario.run.draws if draws is None else draws
    s = scenario.run.seed if seed is None else seed
    # the contest model runs on race files (`plowshare contest`), not in the pipeline
    models = order([m for m in scenario.models if m in MODELS])
    all_years = np.asarray(scenario.years, dtype=np.float64)
    params = draw_params(
        scenario.registry,
        models,
        n,
        s,
        scenario.run.method,
        scenario.correlations,
        file=scenario.path,
    )
    idx = None if years is None else [scenario.years.index(y) for y in years]
    results = run_chunked(
        params,
        all_years,
        models,
        chunk_size or scenario.run.chunk_size,
        progress,
        keep=outputs,
        keep_years=idx,
    )
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
    kept = all_years if idx is None else all_years[idx]
    return to_dataset(results, params, kept, attrs)
