"""Every model meets the contract: at n = 3 it returns exactly its declared outputs, with the
declared dims and shapes, and reads exactly the parameters its params.toml declares."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from plowshare.core import registry
from plowshare.core.contract import Params
from plowshare.core.dims import state_vector
from plowshare.core.params import default_registry
from plowshare.core.sampling import sample
from plowshare.engine.pipeline import call, choices_of, draw_streams, order, run_models
from plowshare.models.contest import load_race

N = 3
YEARS = np.arange(2025, 2051, dtype=np.float64)
INPUTS = {"contest": {"race": load_race("ny12-2026"), "equilibrium": True}}


def test_every_model_package_is_discovered() -> None:
    assert set(registry.models()) == {
        "investment",
        "siting",
        "compute",
        "energy",
        "futures",
        "labor",
        "fund",
        "contest",
    }
    assert set(registry.models()) == set(default_registry().models())


@pytest.mark.parametrize("name", sorted(registry.models()))
def test_model_meets_its_contract(name: str) -> None:
    reg = default_registry()
    spec = registry.get(name)
    models = order([name])
    params = sample([p for p in reg if p.model in models], N, 11)
    for p in reg:  # every states lever on somewhere, so every policy branch runs
        if p.kind == "states" and p.model in models:
            w = state_vector(
                {"VA": 0.02, "GA": 0.01} if p.rates else ["VA", "GA"],
                rates=p.rates,
                file=None,
                key=p.name,
            )
            params[p.name] = np.broadcast_to(w, (N, len(w)))
    streams = draw_streams(models, INPUTS, N, 11)
    before = (
        run_models(params, YEARS, models[:-1], INPUTS, streams, choices_of(reg))
        if len(models) > 1
        else {}
    )
    up = {a: before[u.model][u.output] for a, u in spec.upstream.items() if u.model in before}
    mine = {k: v for k, v in params.items() if k.startswith(f"{name}.")}
    view = Params(mine, choices_of(reg))
    result = call(spec, view, YEARS, up, INPUTS.get(name), streams.get(name))

    assert set(result) == set(spec.outputs), "returns exactly the declared outputs"
    for o, arr in result.items():
        dims = spec.outputs[o].dims
        assert arr.ndim == len(dims), f"{o}: dims {dims}, shape {arr.shape}"
        assert arr.shape[0] == N, o
        for d, size in zip(dims[1:], arr.shape[1:], strict=True):
            expected = len(YEARS) if d == "year" else len(spec.labels(d, INPUTS.get(name)))
            assert size == expected, f"{o}: {d} has {size}, labels {expected}"
        assert arr.dtype == np.float64, o
    if name == "contest":  # a partisan general reads the other persuasion ceiling
        ny12 = INPUTS["contest"]["race"]
        general = replace(ny12, meta=ny12.meta.model_copy(update={"kind": "partisan_general"}))
        call(spec, view, YEARS, up, {"race": general}, streams.get(name))
    assert view.read == set(mine), (
        f"declared but unread: {sorted(set(mine) - view.read)}; "
        f"read but undeclared: {sorted(view.read - set(mine))}"
    )


@pytest.mark.parametrize("name", sorted(registry.models()))
def test_outputs_are_documented(name: str) -> None:
    """Each declared output has a unit and a one-sentence description."""
    for o in registry.get(name).outputs.values():
        assert o.unit and len(o.description) > 20, o.name
        assert o.dims[0] == "draw"
