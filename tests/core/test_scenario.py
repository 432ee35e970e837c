"""Every bad scenario input is refused with one line naming file, key and expectation."""

from pathlib import Path

import pytest

from plowshare.core.distributions import Dist
from plowshare.core.errors import InputError
from plowshare.core.scenario import load_scenario, shipped_scenarios

BASE = """
[scenario]
name = "t"
description = "test"

[levers]
fund.compute_tax_rate = 0.02

[overrides]
fund.real_return = { kind = "normal", mean = 0.03, sd = 0.01, lower = -0.02, upper = 0.08 }
fund.profit_growth = 0.04

[run]
draws = 100
seed = 5
years = [2025, 2040]
report_years = [2030, 2040]
"""


def write(tmp_path, text):
    p = tmp_path / "s.toml"
    p.write_text(text)
    return p


def test_good_scenario(tmp_path):
    sc = load_scenario(write(tmp_path, BASE))
    assert sc.levers == {"fund.compute_tax_rate": 0.02}
    assert isinstance(sc.overrides["fund.real_return"], Dist)
    assert sc.registry["fund.compute_tax_rate"].value == 0.02
    assert sc.registry["fund.profit_growth"].dist.kind == "fixed"
    assert list(sc.years) == list(range(2025, 2041))


def test_hash_depends_on_numbers_not_on_wording(tmp_path):
    a = load_scenario(write(tmp_path, BASE)).content_hash()
    b = load_scenario(write(tmp_path, BASE.replace('"test"', '"other words"'))).content_hash()
    c = load_scenario(write(tmp_path, BASE.replace("0.02", "0.03"))).content_hash()
    assert a == b != c


@pytest.mark.parametrize(
    ("old", "new", "pattern"),
    [
        (
            "fund.compute_tax_rate = 0.02",
            "fund.compute_tax_rat = 0.02",
            r"levers\.fund\.compute_tax_rat: unknown lever \(did you mean 'fund\.compute_tax_rate'",
        ),
        (
            "fund.compute_tax_rate = 0.02",
            "fund.compute_tax_rate = 2",
            r"levers\.fund\.compute_tax_rate: a value in \[0, 1\] \(fraction\) expected",
        ),
        (
            "fund.compute_tax_rate = 0.02",
            'fund.compute_tax_rate = "high"',
            "a number expected, got 'high'",
        ),
        (
            "fund.compute_tax_rate = 0.02",
            "fund.real_return = 0.02",
            "is an uncertainty parameter, not a lever",
        ),
        (
            "fund.profit_growth = 0.04",
            "fund.profit_grwth = 0.04",
            r"unknown parameter 'fund\.profit_grwth' \(did you mean 'fund\.profit_growth'",
        ),
        ("draws = 100", "drawz = 100", r"run\.drawz: unknown key .*did you mean 'run\.draws'"),
        ("draws = 100", "draws = 0", r"run\.draws: Input should be greater than or equal to 1"),
        ("draws = 100", 'draws = "many"', r"run\.draws: Input should be a valid integer"),
        ("years = [2025, 2040]", "years = [2040, 2025]", r"run\.years: \[start, end\] with"),
        (
            "report_years = [2030, 2040]",
            "report_years = [2030, 2045]",
            r"run\.report_years: years within years \[2025, 2040\] expected; got \[2030, 2045\]",
        ),
        ('name = "t"', 'nme = "t"', r"scenario\.nme: unknown key.*did you mean 'scenario\.name'"),
        ("[levers]", "[lever]", r"lever: unknown key.*did you mean 'levers'"),
        ("upper = 0.08 }", "upper = 0.08, kind2 = 1 }", "normal distribution takes"),
        (
            "fund.profit_growth = 0.04",
            "fund.mcap_tax_capitalisation = { kind = 'normal', mean = 0.5, sd = 0.1 }",
            "reaches outside the valid range",
        ),
    ],
)
def test_bad_input_names_file_and_key(tmp_path, old, new, pattern):
    assert old in BASE
    path = write(tmp_path, BASE.replace(old, new))
    with pytest.raises(InputError, match=pattern) as e:
        load_scenario(path)
    line = e.value.one_line()
    assert line.startswith(str(path)) and "\n" not in line


def test_missing_section(tmp_path):
    text = BASE.replace('[scenario]\nname = "t"\ndescription = "test"\n', "")
    with pytest.raises(InputError, match="scenario: required key is missing"):
        load_scenario(write(tmp_path, text))


def test_unreadable_toml(tmp_path):
    with pytest.raises(InputError, match="unreadable TOML"):
        load_scenario(write(tmp_path, BASE + "\n[run\n"))


def test_missing_file_and_shipped_name_suggestion(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        load_scenario(tmp_path / "nope.toml")
    with pytest.raises(InputError, match="did you mean 'mcap-tax-5pct'"):
        load_scenario("mcap-tax-5pc")


@pytest.mark.parametrize("name", sorted(shipped_scenarios()))
def test_shipped_scenarios_load_and_say_what_they_answer(name):
    sc = load_scenario(name)
    assert sc.name == name
    assert sc.question and sc.description


def test_hash_ignores_chunk_size(tmp_path):
    a = write(tmp_path, BASE)
    sa = load_scenario(a)
    b = tmp_path / "b.toml"
    b.write_text(BASE.replace("[run]\n", "[run]\nchunk_size = 17\n"))
    sb = load_scenario(b)
    assert sb.run.chunk_size == 17 and sa.content_hash() == sb.content_hash()
    c = tmp_path / "c.toml"
    c.write_text(BASE.replace("draws = 100", "draws = 101"))
    assert load_scenario(c).content_hash() != sa.content_hash()


def test_a_path_to_an_input_never_collapses_into_a_shipped_name(tmp_path, monkeypatch):
    """`./ny12-2026` is the user's file even though `ny12-2026` is a shipped race."""
    from plowshare.core.scenario import race_scenario

    monkeypatch.chdir(tmp_path)
    Path("ny12-2026").write_text("not a race")
    with pytest.raises(InputError, match="unreadable TOML"):  # the user's file, not ours
        race_scenario("./ny12-2026")
    assert race_scenario("ny12-2026").inputs["contest"]["race"] == "ny12-2026"
