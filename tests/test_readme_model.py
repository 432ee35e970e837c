"""The README's "Adding a model" example, built from the README text and run for real:
adding a model is adding one sub-package, and nothing else changes."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import plowshare.models
from plowshare.core import registry
from plowshare.core.params import default_registry
from plowshare.core.scenario import load_scenario
from plowshare.engine import api

README = Path(__file__).resolve().parents[1] / "README.md"


def example_files() -> dict[str, str]:
    """file name -> the code block that follows its name in the README."""
    text = README.read_text()
    section = text[text.index("## Adding a model") :]
    blocks = re.findall(r"`models/jobs/([\w.]+)`.*?```\w+\n(.*?)```", section, re.S)
    return dict(blocks)


@pytest.fixture
def jobs_model(tmp_path, monkeypatch):
    pkg = tmp_path / "jobs"
    pkg.mkdir()
    files = example_files()
    assert set(files) == {"__init__.py", "params.toml", "outputs.toml"}
    for name, text in files.items():
        (pkg / name).write_text(text)
    monkeypatch.setattr(plowshare.models, "__path__", [*plowshare.models.__path__, str(tmp_path)])
    registry.models.cache_clear()
    default_registry.cache_clear()
    yield
    registry.models.cache_clear()
    default_registry.cache_clear()


def test_the_readme_model_runs_through_the_engine(jobs_model) -> None:
    assert "jobs" in registry.models()
    sc = load_scenario(
        "jobs",
        raw={
            "scenario": {"name": "jobs", "description": "construction jobs"},
            "run": {"models": ["jobs"], "draws": 200, "seed": 3},
        },
    )
    ds = api.run(sc)
    assert ds.attrs["models"] == "investment,jobs"
    jobs = ds["jobs.construction_jobs"].values
    expected = (
        ds["investment.new_capacity_gw"].values * ds["param.jobs.jobs_per_gw"].values[:, None]
    )
    np.testing.assert_array_equal(jobs, expected)
    assert 500 <= ds["param.jobs.jobs_per_gw"].min() <= ds["param.jobs.jobs_per_gw"].max() <= 3000
    from plowshare.engine.tables import key_outputs

    assert [label.label for _, label in key_outputs(ds)][-1] == "Construction jobs"
