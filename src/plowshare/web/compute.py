"""The lab's fast path: the same models and draws as :func:`plowshare.engine.api.run`, as numpy.

A one-draw run spends most of its time assembling the xarray Dataset; the lab needs only a
few arrays, so it calls the pipeline's own pieces (the sampler, then
:func:`~plowshare.engine.pipeline.call` per model in the pipeline's order) and keeps
``model -> output -> array``.
The numbers are identical to ``api.run`` (a test checks every output).

Each parameter draws from its own seeded stream and levers are fixed, so a scenario's
uncertain draws depend only on the uncertainties, the seed and the number of draws: they
are cached, and moving a lever re-runs the models without re-sampling.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from plowshare.core import registry
from plowshare.core.contract import Params
from plowshare.core.params import Param
from plowshare.core.sampling import sample
from plowshare.core.scenario import Scenario
from plowshare.engine.pipeline import call, choices_of, draw_streams, order, upstream_args

Array = NDArray[np.float64]
Results = dict[str, dict[str, Array]]  # model -> output -> (draws, ...) array


class LRU(OrderedDict[str, Any]):
    """A small least-recently-used cache."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def get_or(self, key: str, make: Any) -> Any:
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = make()
        self[key] = value
        if len(self) > self.size:
            self.popitem(last=False)
        return value


_DRAWS = LRU(16)  # uncertain parameters' draws (n x k floats each)
_PLANS = LRU(256)


@dataclass(frozen=True)
class Plan:
    """What a scenario runs, worked out once: models in order, years, inputs, choices."""

    scenario: Scenario
    models: tuple[str, ...]
    years: Array
    inputs: dict[str, dict[str, Any]]
    choices: dict[str, tuple[str, ...]]
    params: tuple[Param, ...]
    by_model: dict[str, tuple[str, ...]]  # model -> its parameter names


def plan(sc: Scenario) -> Plan:
    def make() -> Plan:
        models = tuple(order(sc.models))
        return Plan(
            sc,
            models,
            np.asarray(sc.years, dtype=np.float64),
            sc.loaded_inputs(),
            choices_of(sc.registry),
            tuple(p for p in sc.registry if p.model in models),
            {m: tuple(p.name for p in sc.registry if p.model == m) for m in models},
        )

    return _PLANS.get_or(sc.content_hash(), make)


def _draws_key(random: list[Param], sc: Scenario, n: int, seed: int) -> str:
    payload = [
        n,
        seed,
        sc.run.method,
        [list(c) for c in sc.correlations],
        [[p.name, p.dist.to_dict()] for p in random],
    ]
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def sample_params(pl: Plan, n: int, seed: int) -> dict[str, Array]:
    """The scenario's parameters for ``n`` draws, exactly as the engine samples them."""
    sc = pl.scenario
    if n == 1:
        return sample(pl.params, 1, seed, sc.run.method, sc.correlations, file=sc.path)
    random = [p for p in pl.params if p.kind != "states" and p.dist.kind != "fixed"]
    drawn: dict[str, Array] = _DRAWS.get_or(
        _draws_key(random, sc, n, seed),
        lambda: sample(random, n, seed, sc.run.method, sc.correlations, file=sc.path),
    )
    fixed = [p for p in pl.params if not (p.kind != "states" and p.dist.kind != "fixed")]
    return sample(fixed, n, seed, sc.run.method, file=sc.path) | drawn


def run_fast(sc: Scenario, n: int = 1, seed: int | None = None) -> tuple[Results, Array]:
    """Run the scenario's models over ``n`` draws (1 = central values): (results, years)."""
    pl = plan(sc)
    s = sc.run.seed if seed is None else seed
    params = sample_params(pl, n, s)
    streams = draw_streams(pl.models, pl.inputs, n, s)
    # the pipeline's run_models, with each model's parameters grouped once per plan
    out: Results = {}
    for name in pl.models:
        spec = registry.get(name)
        up = upstream_args(spec, out)
        view = Params({k: params[k] for k in pl.by_model[name]}, pl.choices)
        out[name] = call(spec, view, pl.years, up, pl.inputs.get(name), streams.get(name))
    return out, pl.years


def get(r: Mapping[str, Mapping[str, Array]], var: str) -> Array | None:
    """``model.output`` from results, or None when that model did not run."""
    m, _, o = var.partition(".")
    return r.get(m, {}).get(o)


def year_index(years: Array, year: int) -> int:
    """Index of a calendar year, clipped into the run's years."""
    return int(np.clip(year - int(years[0]), 0, len(years) - 1))
