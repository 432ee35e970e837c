"""Regret and dominance on toy policies with a known answer; the worked question runs."""

import numpy as np
import pytest

from plowshare.cli import main
from plowshare.explore.questions import QUESTIONS, objectives_of
from plowshare.explore.robust import Objective, compare_values, dominated, regret

rng = np.random.default_rng(3)
U = rng.random(500)  # the shared uncertainty (common random numbers)


def toy():
    # "good" beats "bad" in every draw on both objectives; "odd" trades one for the other
    return {
        "good": {"gain": 2 + U, "cost": 1 + U},
        "bad": {"gain": 1 + U, "cost": 2 + U},
        "odd": {"gain": 4 * U, "cost": 3 * U},
    }


def objectives(monkeypatch):
    objs = [Objective.parse("fund.coverage@2035:max"), Objective.parse("fund.need_usd@2035:min")]
    labels = {objs[0].label(): "gain", objs[1].label(): "cost"}
    values = {p: {o.label(): v[labels[o.label()]] for o in objs} for p, v in toy().items()}
    return objs, values


def test_regret_is_the_shortfall_from_the_best_in_each_draw():
    v = np.array([[1.0, 5.0], [3.0, 2.0]])
    np.testing.assert_array_equal(regret(v, "max"), [[2.0, 0.0], [0.0, 3.0]])
    np.testing.assert_array_equal(regret(v, "min"), [[0.0, 3.0], [2.0, 0.0]])


def test_a_dominating_policy_is_never_dominated_and_has_no_regret(monkeypatch):
    objs, values = objectives(monkeypatch)
    res = compare_values(values, objs)
    assert res.share_dominated["bad"] == 1.0  # good is better on both, in every draw
    assert "good" in res.never_dominated and "bad" not in res.never_dominated
    gain = {r.policy: r for r in res.tables[objs[0].label()]}
    assert gain["bad"].regret_p50 > 0 and gain["bad"].share_best == 0
    cost = {r.policy: r for r in res.tables[objs[1].label()]}
    assert cost["good"].regret_max <= cost["bad"].regret_max
    d = dominated([np.array([[1.0], [1.0]])], ["max"])
    assert not d.any()  # ties dominate nobody


def test_the_worked_question_runs_with_whatever_outputs_exist(capsys, tmp_path):
    q = QUESTIONS["blue-state-alternatives"]
    objs, notes = objectives_of(q)
    assert len(objs) + len(notes) == len(q.objectives)
    if not objs:
        pytest.skip("none of the question's outputs exists now: " + "; ".join(notes))
    path = tmp_path / "r.json"
    assert main(["robust", "--question", q.name, "--draws", "30", "--json", str(path)]) == 0
    text = capsys.readouterr().out
    assert "Never dominated" in text and "regret" in text
    for p in q.policies:
        assert p in text


def test_robust_cli_refuses_bad_input(capsys):
    assert main(["robust", "baseline", "--objective", "fund.coverage@2035:max"]) == 2
    assert main(["robust", "baseline", "bubble", "--objective", "fund.coverage@2035:up"]) == 2
