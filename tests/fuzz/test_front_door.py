"""Every case issue 11 names, one by one: a malformed scenario or race file gives exactly
one line on stderr naming the file, the key and what was expected (exit 2); user text is
printed as written, never read as markup; nothing is written outside ``--out``."""

from __future__ import annotations

import math
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from . import mutate as m

HEAD = '[scenario]\nname = "t"\ndescription = "d"\n'
BIG = "1" + "0" * 400  # 1,329 bits: beyond a float
HUGE = "1" + "0" * 5000  # beyond Python's int-from-text limit


def run(*argv: str) -> m.Outcome:
    return m.run_cli(list(argv))


def one_line_error(o: m.Outcome) -> str:
    assert o.exception is None, o.exception
    assert o.code == 2, (o.code, o.err)
    assert o.err.startswith("error: ") and o.err.count("\n") == 1, o.err
    assert "Traceback" not in o.err + o.out
    return o.err


SCENARIOS = [
    # (file text, key or file named, what the message says)
    (b"\xff\xfe[scenario]", "", "not valid UTF-8"),
    (HEAD.encode() + b'question = "caf\xc3"\n', "", "not valid UTF-8 text (line 4"),
    (HEAD + "x = " + "[" * 600 + "]" * 600, "", "nested too deeply"),
    (HEAD + f"[run]\ndraws = {HUGE}\n", "", "Exceeds the limit (4300 digits)"),
    (HEAD + f"[run]\ndraws = {BIG}\n", "run.draws", "beyond the 64-bit range"),
    (HEAD + f"[levers]\nfund.mcap_tax_rate = {BIG}\n", "levers.fund.mcap_tax_rate", "64-bit"),
    (HEAD + "[levers]\nfund.mcap_tax_rate = 1e400\n", "levers.fund.mcap_tax_rate", "finite"),
    (HEAD + "[overrides]\nfund.real_return = 1e400\n", "overrides.fund.real_return", "finite"),
    (HEAD + "[run]\nreport_years = []\n", "run.report_years", "one or more distinct years"),
    (HEAD + "[run]\nreport_years = [2030, 2030]\n", "run.report_years", "distinct years"),
    (HEAD + "[run]\nreport_years = [2030, 2060]\n", "run.report_years", "within years"),
    (HEAD + "[run]\nmodels = []\n", "run.models", "at least 1 item"),
    (HEAD + '[run]\nmodels = ["fund", "fund"]\n', "run.models", "distinct model names"),
    (HEAD + '[run]\nmodels = ["fnd"]\n', "run.models", "did you mean 'fund'"),
    (HEAD + "[run]\nyears = [2040, 2025]\n", "run.years", "2000 <= start <= end <= 2200"),
    (HEAD + "[run]\nseed = -1\n", "run.seed", "greater than or equal to 0"),
    (HEAD + "[run]\ndraws = nan\n", "run.draws", "valid integer"),
    (HEAD + '[run]\nmethod = "sobol"\n', "run.method", "'lhs' or 'mc'"),
    (HEAD + "[run]\ndraw = 5\n", "run.draw", "did you mean 'run.draws'"),
    (HEAD + "nme = 1\n", "scenario.nme", "did you mean 'scenario.name'"),
    (HEAD + "[levres]\n", "levres", "did you mean 'levers'"),
    (HEAD + "[levers]\nfund.mcap_tax_rat = 0.1\n", "levers.fund.mcap_tax_rat",
     "did you mean 'fund.mcap_tax_rate'"),
    (HEAD + "[levers]\nfund.mcap_tax_rate = nan\n", "levers.fund.mcap_tax_rate", "finite"),
    (HEAD + "[levers]\nfund.mcap_tax_rate = inf\n", "levers.fund.mcap_tax_rate", "finite"),
    (HEAD + '[levers]\nfund.mcap_tax_rate = "high"\n', "levers.fund.mcap_tax_rate", "a number"),
    (HEAD + "[levers]\nfund.mcap_tax_rate = true\n", "levers.fund.mcap_tax_rate", "a number"),
    (HEAD + "[overrides]\nfund.initial_balance_usd = inf\n", "initial_balance_usd", "finite"),
    (HEAD + "[overrides]\nfund.real_return = { kind = 'normal', mean = nan, sd = 1 }\n",
     "overrides.fund.real_return", "'mean' must be a finite number"),
    (HEAD + "[overrides]\nfund.real_return = "
     "{ kind = 'normal', mean = 0, sd = 0.01, lower = nan }\n",
     "overrides.fund.real_return", "'lower' must be a finite number"),
    (HEAD + "[overrides]\nfund.real_return = { kind = 'fixed', value = nan }\n",
     "overrides.fund.real_return", "'value' must be a finite number"),
    (HEAD + "[overrides]\nfund.real_return = { kind = 'uniform', low = 0, high = inf }\n",
     "overrides.fund.real_return", "'high' must be a finite number"),
    (HEAD + "[overrides]\nfund.real_return = { kind = 'normall', mean = 0, sd = 1 }\n",
     "overrides.fund.real_return", "did you mean 'normal'"),
    (HEAD + "[overrides]\nfund.real_retrun = 0.03\n", "fund.real_retrun", "fund.real_return"),
    (HEAD + "[[correlations]]\na = 'fund.mcap_growth'\nb = 'fund.real_return'\nrho = nan\n",
     "correlations.0.rho", "finite number"),
    (HEAD + "[[correlations]]\na = 'fund.mcap_growth'\nb = 'fund.real_return'\nrho = 1.5\n",
     "correlations.0.rho", "less than or equal to 0.99"),
    (HEAD + "[[correlations]]\na = 'fund.mcap_growth'\nb = 'fund.real_return'\nrho = 0.5\n"
     "[[correlations]]\na = 'fund.real_return'\nb = 'fund.mcap_growth'\nrho = -0.5\n",
     "correlations[1]", "correlated twice"),
    (HEAD + "[[correlations]]\na = 'fund.mcap_grwth'\nb = 'fund.real_return'\nrho = 0.5\n",
     "correlations[0].a", "unknown parameter 'fund.mcap_grwth'"),
    (HEAD.replace('"d"\n', '"d"\ninherits = "basline"\n'), "scenario.inherits",
     "did you mean 'baseline'"),
    (HEAD.replace('"d"\n', '"d"\ninherits = "nowhere.toml"\n'), "scenario.inherits",
     "file not found"),
    (HEAD.replace('"d"\n', '"d"\ninherits = "s.toml"\n'), "scenario.inherits", "cycle"),
    (HEAD + '[inputs]\ncontest.rase = "ny12-2026"\n', "inputs.contest.rase",
     "did you mean 'inputs.contest.race'"),
    (HEAD + '[inputs]\nfoo.race = "ny12-2026"\n', "inputs.foo.race", "unknown input"),
    (HEAD + '[inputs]\ncontest.race = "ny13-2026"\n', "inputs.contest.race",
     "did you mean 'ny12-2026'"),
    (HEAD + "[inputs]\ncontest.race = 5\n", "inputs.contest.race", "a shipped name or a path"),
    (HEAD + '[inputs]\ncontest.race = "ny12-2026"\ncontest.equilibrium = "yes"\n',
     "inputs.contest.equilibrium", "true or false"),
    (HEAD + '[run]\nmodels = ["contest"]\n', "run.models", "needs [inputs] contest.race"),
    (HEAD + '[levers]\nsiting.moratorium_states = ["VA", "XX"]\n',
     "levers.siting.moratorium_states", "unknown state or group 'XX'"),
    (HEAD + '[levers]\nsiting.moratorium_states = "blue-states"\n',
     "levers.siting.moratorium_states", "unknown state or group 'blue-states'"),
    (HEAD + "[levers]\nsiting.moratorium_states = 5\n", "levers.siting.moratorium_states",
     "a list of state codes"),
    (HEAD + "[levers]\nsiting.moratorium_states = { VA = 0.5 }\n",
     "levers.siting.moratorium_states", "takes no per-state rates"),
    (HEAD + "[levers]\nsiting.compute_tax_rate_by_state = { VA = nan }\n",
     "siting.compute_tax_rate_by_state.VA", "a rate in [0, 1]"),
    (HEAD + "[levers]\nsiting.compute_tax_rate_by_state = { VA = 2 }\n",
     "siting.compute_tax_rate_by_state.VA", "a rate in [0, 1]"),
    (HEAD + "[levers]\nsiting.compute_tax_rate_by_state = { XX = 0.1 }\n",
     "siting.compute_tax_rate_by_state", "unknown state or group 'XX'"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "key", "expect"), SCENARIOS)
def test_each_malformed_scenario_is_one_line(tmp_path: Path, text: Any, key: str, expect: str):
    (tmp_path / "r.toml").write_bytes(m.NY12.read_bytes())
    path = tmp_path / "s.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    out = tmp_path / "out"
    err = one_line_error(run("run", str(path), "-n", "2", "--out", str(out)))
    assert str(path) in err and key in err and expect in err, err
    assert not out.exists()  # refused before anything ran or was written


def race(**changes: Any) -> dict[str, Any]:
    """The shipped NY-12 race with ``section.key`` (or ``section[i].key``) changed."""
    doc = m.copy(m.shipped_docs("races")["ny12-2026"][1])
    for where, v in changes.items():
        node = doc
        parts = where.split("__")
        for p in parts[:-1]:
            node = node[int(p)] if p.isdigit() else node[p]
        last = parts[-1]
        if v is DELETE:
            del node[last]
        else:
            node[int(last) if last.isdigit() else last] = v
    return doc


DELETE = object()
INF, NAN = math.inf, math.nan


def strategic(role: str) -> int:
    return next(
        i
        for i, s in enumerate(m.shipped_docs("races")["ny12-2026"][1]["spending"])
        if s.get("strategic") == role
    )


RACES = [
    (race(race__turnout=NAN), "race.turnout", "finite number"),
    (race(race__turnout=INF), "race.turnout", "finite number"),
    (race(race__turnout=m.Raw(BIG)), "race.turnout", "64-bit"),
    (race(race__district_share_of_market=NAN), "district_share_of_market", "finite"),
    (race(race__actual_result={"Micah Lasher": NAN}), "actual_result", "finite"),
    (race(spending__0__amount_usd=INF), "spending.0.amount_usd", "finite number"),
    (race(spending__0__amount_usd=-1.0), "spending.0.amount_usd", "greater than or equal"),
    (race(spending__0__weeks_before=[200, 0]), "spending[0].weeks_before", "last 30 weeks"),
    (race(spending__0__weeks_before=[0, 5]), "spending.0", "start >= end >= 0"),
    (race(polls__0__shares={"Alex Bores": NAN}), "polls.0.shares.Alex Bores", "finite"),
    (race(polls__0__shares={"Alex Bores": 1.5}), "polls[0].shares.Alex Bores", "[0, 1]"),
    (race(polls__0__shares={"Alex Boers": 0.2}), "polls[0].shares", "did you mean 'Alex Bores'"),
    (race(candidates__2__name="Jack Schlossberg"), "candidates[2].name", "listed twice"),
    (race(race__election_date="2025-01-01"), "polls[0].date", "after election day"),
    (race(race__election_date="23 June 2026"), "race.election_date", "YYYY-MM-DD"),
    (race(race__target="Alex Boers"), "race.target", "did you mean 'Alex Bores'"),
    (race(race__weeks=0), "race.weeks", "greater than or equal to 1"),
    (race(race__wekks=30), "race.wekks", "did you mean 'race.weeks'"),
    (race(candidates=[]), "candidates", "at least 2 items"),
    (race(race=DELETE), "race", "required key is missing"),
    (race(**{f"spending__{strategic('attacker')}__strategic": "none"}), "spending",
     "strategic = 'attacker' expected, found 0"),
    (race(**{f"spending__{strategic('attacker')}__strategic": "defender"}), "spending",
     "strategic = 'attacker' expected, found 0"),
    (race(**{"spending__0__strategic": "attacker"}), "spending",
     "strategic = 'attacker' expected, found 2"),
]  # fmt: skip


@pytest.mark.parametrize(("doc", "key", "expect"), RACES)
def test_each_malformed_race_is_one_line(tmp_path: Path, doc: dict[str, Any], key, expect):
    path = tmp_path / "race.toml"
    path.write_bytes(m.dumps(doc))
    err = one_line_error(run("contest", str(path), "-n", "2", "--equilibrium-draws", "0"))
    assert str(path) in err and key in err and expect in err, err
    # the same file as a scenario's [inputs] is refused the same way, before anything runs
    sc = tmp_path / "s.toml"
    sc.write_text(HEAD + '[inputs]\ncontest.race = "race.toml"\n')
    err = one_line_error(run("run", str(sc), "-n", "2"))
    assert str(path) in err and key in err, err


def test_the_shipped_races_still_load_and_run():
    for name in ("ny12-2026", "progressive-challenger"):
        o = run("contest", name, "-n", "2", "--equilibrium-draws", "0")
        assert o.code == 0 and o.exception is None, o.err


# ---- user text is data ------------------------------------------------------------------
MARKUP = "[/bold] [link=https://example.com]click[/link] [red]x"


def test_markup_in_a_scenario_prints_as_written(tmp_path: Path):
    path = tmp_path / "s.toml"
    path.write_text(
        f'[scenario]\nname = "[/i]odd"\ninherits = "fund-baseline"\n'
        f'description = "{MARKUP}"\nquestion = "[/italic]?"\n'
    )
    o = run("run", str(path), "-n", "2")
    assert o.code == 0 and o.exception is None, o.err
    text = " ".join(o.out.split())
    assert MARKUP in text and "[/i]odd" in text and "[/italic]?" in text
    assert "\x1b]8;" not in o.out  # no terminal hyperlink escape


def test_markup_in_candidate_and_race_names_prints_as_written(tmp_path: Path):
    doc = m.copy(m.shipped_docs("races")["ny12-2026"][1])
    text = m.dumps(doc).decode().replace('"Alex Bores"', '"[/i]Alex"')
    text = text.replace('"NY-12 Democratic primary 2026"', '"[link=x]NY[/link] [/b]"')
    path = tmp_path / "race.toml"
    path.write_text(text)
    o = run("contest", str(path), "-n", "2", "--equilibrium-draws", "0")
    assert o.code == 0 and o.exception is None, o.err
    flat = " ".join(o.out.split())
    assert "[/i]Alex" in flat and "[link=x]NY[/link] [/b]" in flat


def test_markup_in_an_error_is_printed_literally(tmp_path: Path):
    err = one_line_error(run("run", "[/bold][link=x]nosuch"))
    assert "[/bold][link=x]nosuch" in err


# ---- paths ----------------------------------------------------------------------------------
def test_a_scenario_name_never_writes_outside_out(tmp_path: Path):
    base = tmp_path / "a" / "b" / "c" / "d"
    base.mkdir(parents=True)
    path = base / "s.toml"
    path.write_text(
        '[scenario]\nname = "x/../../../../escape"\ninherits = "fund-baseline"\ndescription = "d"\n'
    )
    out = base / "out"
    o = run("run", str(path), "-n", "2", "--out", str(out))
    assert o.code == 0, o.err
    o = run("compare", str(path), str(path), "-n", "2", "--out", str(out))
    assert o.code == 0, o.err
    inside = {p.relative_to(tmp_path) for p in tmp_path.rglob("*")}
    assert all(str(p).startswith("a/b/c/d") or str(p) in ("a", "a/b", "a/b/c") for p in inside)
    assert not list(tmp_path.rglob("escape*"))
    assert any(p.name.startswith("compare-x-escape") for p in out.iterdir())


@pytest.mark.parametrize("name", ["baseline", "ny12-2026"])
def test_a_bare_name_means_the_shipped_file_even_beside_a_stray_file(tmp_path, name):
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        Path(name).write_text('[scenario]\nname = "impostor"\ndescription = "x"\n')
        if name == "baseline":
            o = run("run", name, "-n", "2")
            assert o.code == 0 and "impostor" not in o.out, o.err
            o = run("run", f"./{name}", "-n", "2")  # a path names the user's file
            assert o.code == 0 and "impostor" in o.out, o.err
        else:
            o = run("contest", name, "-n", "2", "--equilibrium-draws", "0")
            assert o.code == 0 and "NY-12" in o.out, o.err
            err = one_line_error(run("contest", f"./{name}", "-n", "2", "--equilibrium-draws", "0"))
            assert f"./{name}" in err  # the user's file, refused: it is not a race
    finally:
        os.chdir(cwd)


def test_brief_reads_the_shipped_scenarios_not_stray_files(tmp_path, monkeypatch):
    """`brief` resolves its scenarios by name: a stray ./baseline must not replace one."""
    from plowshare.core.scenario import load_scenario

    monkeypatch.chdir(tmp_path)
    Path("baseline").write_text('[scenario]\nname = "impostor"\ndescription = "x"\n')
    Path("baseline.toml").write_text('[scenario]\nname = "impostor"\ndescription = "x"\n')
    assert load_scenario("baseline").name == "baseline"
    from plowshare.report import brief

    for name in brief.SCENARIOS:
        assert load_scenario(name).name != "impostor"


def device(tmp: Path, name: str) -> Path:
    """A private stand-in for /dev/null (tests never aim at the real device nodes)."""
    return Path(m.device(tmp, name, 3))


@pytest.mark.parametrize(
    ("target", "expect"),
    [
        ("device", "exists and is not a directory"),
        ("a-file", "exists and is not a directory"),
        ("a-file/sub", "is not a directory"),
        ("x" * 300, "at most 255 bytes"),
        ("nul\0byte", "null byte"),
    ],
)
@pytest.mark.parametrize("command", ["run", "contest", "compare"])
def test_a_bad_out_is_refused_before_the_run(tmp_path, target, expect, command):
    (tmp_path / "a-file").write_text("keep me")
    dest = device(tmp_path, "null") if target == "device" else tmp_path / target
    argv = {
        "run": ["run", "fund-baseline"],
        "contest": ["contest", "ny12-2026", "--equilibrium-draws", "0"],
        "compare": ["compare", "fund-baseline", "bubble"],
    }[command]
    err = one_line_error(run(*argv, "-n", "2", "--out", str(dest)))
    assert "--out" in err and expect in err, err
    assert (tmp_path / "a-file").read_text() == "keep me"
    if target == "device":
        assert stat.S_ISCHR(dest.stat().st_mode) or stat.S_ISFIFO(dest.stat().st_mode)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_a_read_only_out_is_refused(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        err = one_line_error(run("run", "fund-baseline", "-n", "2", "--out", str(ro / "x")))
        assert "not writable" in err
    finally:
        ro.chmod(0o755)


@pytest.mark.parametrize(
    ("target", "expect"),
    [
        ("full", "not a regular file"),
        (".", "is a directory"),
        ("a-file/b.html", "is not a directory"),
        ("z" * 300 + ".html", "at most 255 bytes"),
    ],
)
def test_brief_refuses_a_bad_out_before_the_work(tmp_path, target, expect):
    (tmp_path / "a-file").write_text("keep me")
    dest = Path(m.device(tmp_path, "full", 7)) if target == "full" else tmp_path / target
    err = one_line_error(run("brief", "--out", str(dest)))
    assert expect in err, err
    if target == "full":
        assert stat.S_ISCHR(dest.stat().st_mode) or stat.S_ISFIFO(dest.stat().st_mode)


def test_a_missing_out_folder_is_created(tmp_path):
    out = tmp_path / "new" / "deeper"
    o = run("run", "fund-baseline", "-n", "2", "--out", str(out))
    assert o.code == 0, o.err
    assert (out / "summary.json").is_file()


def test_years_repeated_thousands_of_times_is_one_line_quickly():
    err = one_line_error(run("run", "fund-baseline", "-n", "2", "--years", "2030," * 2000))
    assert "--years" in err
    o = run("run", "fund-baseline", "-n", "2", *["--years", "2030"] * 2000)
    assert o.code == 0, o.err
