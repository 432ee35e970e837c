"""Calibration table of the compute model (``compute.csv``): every anchor checked afresh.

A row that ``agrees`` must put the model inside the row's band; a row that ``differs`` must
put it outside, and the compute model's README must name the row and say why. The
``model`` column is what ``python tests/calibration/compute_anchors.py --write`` last wrote:
it must match the model to 1 % (0.05 years for years), so the table never goes stale.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest

HERE = Path(__file__).parent
README = HERE.parents[1] / "src" / "plowshare" / "models" / "compute" / "README.md"
_spec = importlib.util.spec_from_file_location("compute_anchors", HERE / "compute_anchors.py")
assert _spec and _spec.loader
anchors = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(anchors)

ROWS = anchors.read_table()


def test_table_rows_have_sources_and_bands():
    from plowshare.core.params import default_registry

    known = default_registry().sources
    assert {r["id"] for r in ROWS} == set(anchors.ROWS)
    for r in ROWS:
        assert float(r["low"]) <= float(r["anchor"]) <= float(r["high"]), r["id"]
        assert r["expect"] in ("agrees", "differs"), r["id"]
        keys = [k for k in r["sources"].split(";") if k]
        assert keys or r["kind"] == "closed form", r["id"]
        assert all(k in known for k in keys), r["id"]


@pytest.fixture(scope="module")
def values():
    return anchors.model_values()


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_anchor(row, values):
    v = values[row["id"]]
    inside = float(row["low"]) <= v <= float(row["high"])
    if row["expect"] == "agrees":
        assert inside, f"{row['id']}: model {v:.4g} outside [{row['low']}, {row['high']}]"
    else:
        assert not inside, f"{row['id']}: model {v:.4g} now agrees; update the table and README"
        assert row["id"] in README.read_text(), f"README must explain {row['id']}"
    recorded = float(row["model"])
    tol = 0.05 if row["unit"] == "year" else 0.01 * abs(v) + 1e-12
    assert math.isclose(recorded, v, abs_tol=tol), f"{row['id']}: table says {recorded}, model {v}"


def test_naive_baseline_cannot_see_policy():
    """The sceptic's trend has no input a bubble or a moratorium could move: its numbers are
    fixed by the trend, which is why the model, not the trend, answers the claims."""
    a, b = anchors.naive_baseline(), anchors.naive_baseline()
    assert a == b and a["largest_run_2028"] == pytest.approx(5e26 * 4.8**3)
