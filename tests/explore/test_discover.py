"""PRIM finds a box it must find; the CLI reads outcomes and claims."""

import numpy as np
import pandas as pd
import pytest

from plowshare.cli import main
from plowshare.core.errors import InputError
from plowshare.explore.discover import describe, discover
from plowshare.explore.outcomes import Condition, Quantity


@pytest.fixture(scope="module")
def toy():
    rng = np.random.default_rng(7)
    x = pd.DataFrame(rng.random((3000, 5)), columns=[f"x{i}" for i in range(1, 6)])
    return x, ((x.x1 > 0.7) & (x.x2 < 0.3)).to_numpy()


def test_prim_finds_the_box(toy):
    x, hit = toy
    d = discover(x, hit, threshold=0.9, with_cart=True)
    [box] = d.boxes
    lims = {lim.name: lim for lim in box.limits}
    assert set(lims) == {"x1", "x2"}  # the noise inputs x3-x5 are left alone
    assert lims["x1"].low == pytest.approx(0.7, abs=0.03) and lims["x1"].high is None
    assert lims["x2"].high == pytest.approx(0.3, abs=0.03) and lims["x2"].low is None
    assert box.coverage >= 0.9 and box.density >= 0.9
    # the trajectory trades coverage for density, from the whole space to the box
    t = d.trajectory
    assert t["mass"].iloc[0] == 1 and t["mass"].is_monotonic_decreasing
    assert t["density"].iloc[-1] > t["density"].iloc[0]
    # CART finds the same corner
    cart = {lim.name: lim for lim in d.cart[0].limits}
    assert cart["x1"].low == pytest.approx(0.7, abs=0.03)
    text = "\n".join(describe(d, {"x1": "the first input"}))
    assert "x1 (the first input) is at least 0.7" in text and "x2 is at most 0." in text


def test_nothing_to_find():
    x = pd.DataFrame({"a": np.linspace(0, 1, 50)})
    assert discover(x, np.zeros(50, bool)).boxes == []


def test_outcome_and_condition_parsing():
    assert Quantity.parse("fund.coverage@2035").year == 2035
    assert Quantity.parse("compute.rsi_year").year is None
    with pytest.raises(InputError) as e:
        Quantity.parse("fund.coverag@2035")
    assert "fund.coverage" in e.value.one_line()  # the nearest name is suggested
    with pytest.raises(InputError, match="add @YEAR"):
        Quantity.parse("fund.coverage")
    with pytest.raises(InputError, match="no year axis"):
        Quantity.parse("compute.rsi_year@2030")
    c = Condition.parse("<= 0.5")
    assert list(c.holds(np.array([0.2, 0.5, 0.9, np.nan]))) == [True, True, False, False]
    with pytest.raises(InputError):
        Condition.parse("about 3")


def test_discover_cli(capsys, tmp_path):
    args = ["discover", "baseline", "--outcome", "compute.rsi_year", "--when", "< 2030"]
    assert main([*args, "--draws", "300", "--json", str(tmp_path / "d.json")]) == 0
    text = capsys.readouterr().out
    assert "PRIM" in text and "coverage" in text and (tmp_path / "d.json").exists()
    assert main(["discover", "--claim", "no-such-claim"]) == 2
    assert main(["discover", "baseline"]) == 2


def test_sobol_cli_checks_the_ledger_drivers(capsys):
    assert main(["sobol", "--claim", "climate", "--draws", "300", "--base", "16"]) == 0
    text = capsys.readouterr().out
    assert "RBD-FAST S1" in text and "the rest" in text
