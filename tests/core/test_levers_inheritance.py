"""Policies as data (number, category and states levers), scenario inheritance, [inputs]."""

from __future__ import annotations

import numpy as np
import pytest

from plowshare.cli import main
from plowshare.core.dims import STATES, state_groups
from plowshare.core.errors import InputError
from plowshare.core.scenario import load_scenario
from plowshare.engine import api


def scenario(tmp_path, body: str, name: str = "s.toml"):
    path = tmp_path / name
    path.write_text('[scenario]\nname = "t"\ndescription = "test"\n' + body)
    return path


def weights(sc, lever: str) -> dict[str, float]:
    w = sc.registry[lever].weights
    return {s: x for s, x in zip(STATES, w, strict=True) if x}


def test_states_lever_takes_codes_groups_and_mixes(tmp_path) -> None:
    sc = load_scenario(scenario(tmp_path, '[levers]\nsiting.moratorium_states = ["va", "GA"]\n'))
    assert weights(sc, "siting.moratorium_states") == {"GA": 1.0, "VA": 1.0}
    sc = load_scenario(
        scenario(tmp_path, '[levers]\nsiting.mandate_states = ["democratic-trifectas", "GA"]\n')
    )
    assert set(weights(sc, "siting.mandate_states")) == {
        *state_groups()["democratic-trifectas"],
        "GA",
    }
    sc = load_scenario(scenario(tmp_path, '[levers]\nsiting.safety_states = "all"\n'))
    assert len(weights(sc, "siting.safety_states")) == 51


def test_rate_table_sets_a_rate_per_state_and_the_model_uses_it(tmp_path) -> None:
    path = scenario(
        tmp_path,
        "[levers]\nsiting.compute_tax_rate_by_state = { VA = 0.02, TX = 0.01 }\n"
        "[run]\nmodels = ['siting']\n",
    )
    sc = load_scenario(path)
    assert weights(sc, "siting.compute_tax_rate_by_state") == {"TX": 0.01, "VA": 0.02}
    ds = api.run(sc, draws=20, seed=1)
    rev = ds["siting.state_revenue_usd_by_state_cumulative"].isel(year=-1)
    taxed = {str(s) for s in rev["state"].values if float(rev.sel(state=s).max()) > 0}
    assert taxed == {"TX", "VA"}
    # revenue per GW built is the state's own rate times the cost of a GW
    sub = ds.sel(year=2030)
    gw = sub["siting.built_gw_by_site"]
    cost = sub["investment.cost_per_gw_usd"].values
    yearly = ds["siting.state_revenue_usd_by_state_cumulative"].diff("year").sel(year=2030)
    np.testing.assert_allclose(
        yearly.sel(state="VA").values, 0.02 * gw.sel(site="VA").values * cost, rtol=1e-9
    )


@pytest.mark.parametrize(
    ("levers", "fragment", "suggestion"),
    [
        ('siting.moratorium_states = ["VX"]', "unknown state or group 'VX'", "VT"),
        (
            'siting.moratorium_states = "democratic-trifecta"',
            "unknown state",
            "democratic-trifectas",
        ),
        ("siting.moratorium_states = { VA = 0.5 }", "takes no per-state rates", None),
        ("siting.compute_tax_rate_by_state = { VA = 1.5 }", "a rate in [0, 1]", None),
        ("siting.moratorium_states = 3", "a list of state codes", None),
        ('labor.exposure_measure = "gamma"', "one of beta_gpt4", "gamma_gpt4"),
        ("labor.exposure_measure = 2", "one of beta_gpt4", None),
        ("siting.moratorium_group = 2", "unknown lever", "siting.moratorium_start"),
    ],
)
def test_bad_levers_name_what_is_valid(tmp_path, levers, fragment, suggestion) -> None:
    with pytest.raises(InputError) as e:
        load_scenario(scenario(tmp_path, f"[levers]\n{levers}\n"))
    assert fragment in e.value.message
    if suggestion:
        assert e.value.suggestion == suggestion


def test_category_and_switch_levers(tmp_path) -> None:
    sc = load_scenario(scenario(tmp_path, '[levers]\nlabor.exposure_measure = "gamma_gpt4"\n'))
    assert sc.registry["labor.exposure_measure"].choice == "gamma_gpt4"
    base = api.run(load_scenario("baseline"), draws=1)
    ds = api.run(sc, draws=1)
    # gamma (E1 + E2) exposes at least as much as beta (E1 + 0.5 E2) on the same path
    var = "labor.knowledge_work_automatable_share"
    assert (ds[var].values >= base[var].values - 1e-12).all()
    assert (ds[var].values > base[var].values).any()
    sw = load_scenario(scenario(tmp_path, "[levers]\ninvestment.bubble = true\n", "b.toml"))
    assert sw.registry["investment.bubble"].value == 1.0
    bubble = api.run(sw, draws=1)
    assert (bubble["investment.capex_usd"].values <= base["investment.capex_usd"].values).all()


def test_inheritance_merges_key_by_key_and_child_wins(tmp_path) -> None:
    scenario(
        tmp_path,
        "[levers]\nfund.mcap_tax_rate = 0.05\nfund.compute_tax_rate = 0.01\n"
        "[run]\nmodels = ['fund']\ndraws = 100\nseed = 5\n",
        "parent.toml",
    )
    child = scenario(
        tmp_path,
        "[levers]\nfund.mcap_tax_rate = 0.02\n[run]\ndraws = 50\n",
    )
    child.write_text(
        child.read_text().replace('name = "t"', 'name = "t"\ninherits = "parent.toml"')
    )
    sc = load_scenario(child)
    assert sc.levers == {"fund.mcap_tax_rate": 0.02, "fund.compute_tax_rate": 0.01}
    assert (sc.run.draws, sc.run.seed, sc.run.models) == (50, 5, ["fund"])
    assert sc.inherits and sc.inherits[0].endswith("parent.toml")


def test_inheritance_cycles_and_missing_parents_are_refused(tmp_path) -> None:
    a = scenario(tmp_path, "", "a.toml")
    b = scenario(tmp_path, "", "b.toml")
    a.write_text(a.read_text().replace('name = "t"', 'name = "t"\ninherits = "b.toml"'))
    b.write_text(b.read_text().replace('name = "t"', 'name = "t"\ninherits = "a.toml"'))
    with pytest.raises(InputError, match="cycle"):
        load_scenario(a)
    a.write_text(a.read_text().replace('"b.toml"', '"nowhere.toml"'))
    with pytest.raises(InputError, match="file not found"):
        load_scenario(a)


def test_shipped_scenarios_inherit_baseline() -> None:
    sc = load_scenario("moratorium-blue-states")
    assert sc.run.report_years == [2026, 2028, 2030, 2035, 2040]
    assert sc.inherits[0].endswith("baseline.toml")


def test_a_race_needs_its_input_and_unknown_inputs_are_named(tmp_path, capsys) -> None:
    path = scenario(tmp_path, "[run]\nmodels = ['contest']\n")
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "needs [inputs] contest.race" in err[0]
    path = scenario(tmp_path, '[inputs]\ncontest.rase = "ny12-2026"\n')
    with pytest.raises(InputError) as e:
        load_scenario(path)
    assert e.value.suggestion == "inputs.contest.race"
    path = scenario(tmp_path, '[inputs]\ncontest.race = "ny13-2026"\n')
    with pytest.raises(InputError, match="no such race"):
        load_scenario(path)


def test_a_race_scenario_runs_through_plowshare_run(capsys) -> None:
    assert main(["run", "contest-ny12-2026", "-n", "200"]) == 0
    text = capsys.readouterr().out
    assert "Vote shares" in text and "Alex Bores" in text and "Money-proof margin" in text


def test_moratorium_va_ga_says_where_the_blocked_gw_went(capsys) -> None:
    assert main(["run", "moratorium-va-ga", "-n", "200"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "Blocked by moratoria, 2025–2040" in text
    assert "(VA " in text and ", GA " in text
    assert "other US states" in text and "Gulf" in text and "abroad" in text
    assert "State compute taxes and equity for permits" in text
    assert main(["compare", "baseline", "moratorium-va-ga", "-n", "200"]) == 0
    assert "moratorium-va-ga minus baseline" in " ".join(capsys.readouterr().out.split())
