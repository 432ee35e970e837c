"""The Python API: ``load_scenario`` and ``run``.

>>> import plowshare
>>> sc = plowshare.load_scenario("mcap-tax-5pct")     # a shipped name or a path
>>> ds = plowshare.run(sc, draws=1000, seed=1)
>>> ds["fund.coverage"].sel(year=2035).quantile([0.05, 0.5, 0.95])
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import numpy as np
import xarray as xr

from plowshare.core import registry
from plowshare.core.errors import InputError
from plowshare.core.scenario import Scenario, load_scenario

from .backends import make_backend
from .pipeline import (
    DEFAULT_CHUNK,
    Backend,
    Part,
    Progress,
    StreamSource,
    choices_of,
    disk_params,
    draw_params,
    draw_streams,
    order,
    run_chunked,
    run_models,
    stream_names,
    upstream_args,
)
from .results import to_dataset

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
    sink: Callable[[xr.Dataset], None] | None = None,
    backend: str | Backend | None = None,
) -> xr.Dataset:
    """Sample the scenario's parameters and run its models over all draws.

    ``draws`` and ``seed`` default to the scenario's ``[run]`` settings; ``draws=1``
    runs once at central values. The same scenario and seed give identical numbers.
    ``outputs`` (``model.output`` names) keeps only those variables, to save memory on
    very large runs; by default every output is kept. ``years`` likewise keeps only
    those calendar years of the outputs (the model still runs every year).

    ``chunk_size`` defaults to the scenario's ``[run] chunk_size`` if it sets one, else
    :data:`~.pipeline.DEFAULT_CHUNK`; memory then stays bounded by one chunk plus what is
    kept. ``sink`` is called with each chunk's every output and year as a Dataset (its
    ``draw`` coordinate numbering the chunk's draws, the run's attrs attached), before
    ``outputs``/``years`` drop anything: e.g. :meth:`.export.ExportSet.add`, to stream
    the draws to disk. ``backend`` is ``"local"`` (the default), ``"dask"`` (a
    LocalCluster with 2 workers for this run) or a :mod:`.backends` instance; every
    backend gives identical numbers.
    """
    n = scenario.run.draws if draws is None else draws
    s = scenario.run.seed if seed is None else seed
    models = order(scenario.models)
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
    inputs = scenario.loaded_inputs()
    idx = None if years is None else [scenario.years.index(y) for y in years]
    attrs = provenance(scenario, models, n, s)
    size = max(1, min(chunk_size or default_chunk(scenario), n))

    def to_sink(start: int, part: Part, sl: dict[str, np.ndarray]) -> None:
        assert sink is not None
        sink(to_dataset(part, sl, all_years, attrs, inputs, start=start))

    owned = isinstance(backend, str)
    engine = make_backend(backend) if isinstance(backend, str) else backend
    try:
        results = run_chunked(
            params,
            all_years,
            models,
            size,
            progress,
            keep=outputs,
            keep_years=idx,
            inputs=inputs,
            streams=draw_streams(models, inputs, n, s),
            choices=choices_of(scenario.registry),
            sink=None if sink is None else to_sink,
            backend=engine,
        )
    finally:
        if owned and engine is not None:
            engine.close()
    kept = all_years if idx is None else all_years[idx]
    return to_dataset(results, params, kept, attrs, inputs)


def run_with(
    scenario: Scenario,
    values: dict[str, np.ndarray],
    seed: int | None = None,
    *,
    outputs: Collection[str] | None = None,
) -> xr.Dataset:
    """Run the scenario on given parameter values (name → one value per draw, the same
    length for all), every other parameter sampled as :func:`run` samples it (for designs
    such as Saltelli's, whose rows are chosen, not drawn)."""
    n = len(next(iter(values.values())))
    s = scenario.run.seed if seed is None else seed
    models = order(scenario.models)
    all_years = np.asarray(scenario.years, dtype=np.float64)
    params = draw_params(
        scenario.registry, models, n, s, scenario.run.method, scenario.correlations
    )
    unknown = sorted(set(values) - set(params))
    if unknown:
        raise KeyError(f"not parameters of this scenario's models: {unknown}")
    params.update({k: np.asarray(v, dtype=np.float64) for k, v in values.items()})
    inputs = scenario.loaded_inputs()
    results = run_chunked(
        params,
        all_years,
        models,
        default_chunk(scenario),
        keep=outputs,
        inputs=inputs,
        streams=draw_streams(models, inputs, n, s),
        choices=choices_of(scenario.registry),
    )
    return to_dataset(results, params, all_years, provenance(scenario, models, n, s), inputs)


def default_chunk(scenario: Scenario) -> int:
    """The scenario's ``[run] chunk_size`` if it sets one, else :data:`DEFAULT_CHUNK`."""
    explicit = "chunk_size" in scenario.run.model_fields_set
    return scenario.run.chunk_size if explicit else DEFAULT_CHUNK


def provenance(scenario: Scenario, models: Sequence[str], n: int, seed: int) -> dict[str, Any]:
    """The attributes every result carries: version, scenario and its hash, seed, draws…"""
    levers = {
        p.name: p.display_value()
        for p in scenario.registry
        if p.role == "lever" and p.model in models and p.kind != "number"
    }
    return {
        "plowshare_version": package_version(),
        "scenario": scenario.name,
        "scenario_hash": scenario.content_hash(),
        "seed": seed,
        "draws": n,
        "method": scenario.run.method,
        "models": ",".join(models),
        "first_year": scenario.years.start,
        "inputs": json.dumps(scenario.inputs, sort_keys=True),
        "levers": json.dumps(levers, sort_keys=True),
        "note": "Explores consequences of stated assumptions; not a forecast.",
    }


Consumer = Callable[[int, Part, dict[str, np.ndarray], dict[str, Any]], None]


def stream(
    scenario: Scenario,
    draws: int,
    seed: int | None,
    consume: Consumer,
    *,
    chunk_size: int | None = None,
    progress: Progress | None = None,
    backend: Backend | None = None,
    folder: str | None = None,
) -> dict[str, Any]:
    """Run every draw and hand each chunk to ``consume(start, outputs, params, attrs)``,
    holding nothing for every draw: parameters are sampled to a scratch file on disk
    (in ``folder``) and read per chunk, streams drawn per chunk — the same numbers as
    :func:`run`. Returns the run's attributes (provenance)."""
    s = scenario.run.seed if seed is None else seed
    models = order(scenario.models)
    all_years = np.asarray(scenario.years, dtype=np.float64)
    inputs = scenario.loaded_inputs()
    attrs = provenance(scenario, models, draws, s)
    size = max(1, min(chunk_size or default_chunk(scenario), draws))
    with disk_params(
        scenario.registry,
        models,
        draws,
        s,
        scenario.run.method,
        scenario.correlations,
        file=scenario.path,
        folder=folder,
    ) as params:
        run_chunked(
            params,
            all_years,
            models,
            size,
            progress,
            inputs=inputs,
            streams=StreamSource(stream_names(models, inputs), s),
            choices=choices_of(scenario.registry),
            sink=lambda start, part, p: consume(start, part, p, attrs),
            backend=backend,
            collect=False,
        )
    return attrs


def upstream_of(
    scenario: Scenario, model: str, draws: int, seed: int | None = None
) -> tuple[dict[str, np.ndarray], np.ndarray, dict[str, np.ndarray]]:
    """One model's sampled parameters, the years and its upstream arguments, from running
    every model before it in the scenario (for solvers that call the model many times)."""
    models = order(scenario.models)
    if model not in models:
        raise InputError(f"the scenario does not run the {model} model", key="run.models")
    s = scenario.run.seed if seed is None else seed
    years = np.asarray(scenario.years, dtype=np.float64)
    params = draw_params(
        scenario.registry,
        models,
        draws,
        s,
        scenario.run.method,
        scenario.correlations,
        file=scenario.path,
    )
    before = models[: models.index(model)]
    inputs = scenario.loaded_inputs()
    out = (
        run_models(
            params,
            years,
            before,
            inputs,
            draw_streams(before, inputs, draws, s),
            choices_of(scenario.registry),
        )
        if before
        else {}
    )
    kwargs = upstream_args(registry.get(model), out)
    mine = {k: v for k, v in params.items() if k.split(".", 1)[0] == model}
    return mine, years, kwargs
