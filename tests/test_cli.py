"""The command line: useful output, written files, and one-line errors with exit code 2."""

import json

import pandas as pd
import pytest

from plowshare.cli import main


def cli(capsys, *args):
    code = main(list(args))
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def test_run_prints_bands_and_writes_results_atomically(capsys, tmp_path):
    code, out, err = cli(capsys, "run", "mcap-tax-5pct", "--draws", "200", "--out", str(tmp_path))
    assert code == 0, err
    assert "Coverage of need" in out and "mcap tax" in out and "not a forecast" in out
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["draws.parquet", "params.csv", "summary.csv", "summary.json"]
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["provenance"]["draws"] == 200
    assert summary["provenance"]["scenario"] == "mcap-tax-5pct"
    table = pd.read_csv(tmp_path / "summary.csv")
    row = table[(table.variable == "fund.coverage") & (table.year == 2035)].iloc[0]
    assert 0 <= row.p5 <= row.p50 <= row.p95 <= 1
    draws = pd.read_parquet(tmp_path / "draws.parquet")
    assert set(draws["draw"]) == set(range(200))


def test_compare_uses_common_random_numbers(capsys):
    code, out, _ = cli(capsys, "compare", "mcap-tax-5pct", "mcap-tax-5pct", "--draws", "100")
    assert code == 0
    # the same scenario twice: every per-draw difference is exactly zero, so the table has
    # no rows and there is no milestone sentence
    assert "Coverage of need" not in out
    assert "delay under" not in out


def test_compare_reports_milestone_delays(capsys):
    code, out, _ = cli(capsys, "compare", "baseline", "bubble", "--draws", "300")
    assert code == 0
    assert "delay under bubble +" in out and "earlier in 0%" in out  # a bubble never advances


def test_compare_shows_differences(capsys, tmp_path):
    code, _, _ = cli(
        capsys,
        "compare",
        "fund-baseline",
        "nationalisation",
        "--draws",
        "200",
        "--out",
        str(tmp_path),
    )
    assert code == 0
    data = json.loads((tmp_path / "compare-fund-baseline-nationalisation.json").read_text())
    assert data["b"] == "nationalisation" and data["rows"]


def test_solve(capsys):
    code, out, _ = cli(
        capsys,
        "solve",
        "altman-fund",
        "--instrument",
        "mcap_tax",
        "--year",
        "2035",
        "--draws",
        "50",
    )
    assert code == 0 and "smallest mcap tax rate" in out


def test_params_json_lists_every_parameter_with_resolvable_sources(capsys, registry):
    code, out, _ = cli(capsys, "params", "--json")
    assert code == 0
    recs = json.loads(out)
    assert len(recs) == len(registry)
    for r in recs:
        assert r["unit"] and r["dist"]["kind"] and r["status"]
        if r["status"] == "sourced":
            assert r["sources"] and all(s["citation"].strip() for s in r["sources"])


def test_params_search_and_filter(capsys):
    code, out, _ = cli(capsys, "params", "fund", "--search", "Alaska", "--status", "sourced")
    assert code == 0 and "pomv_rate" in out


def test_scenarios_lists_questions(capsys):
    code, out, _ = cli(capsys, "scenarios")
    assert code == 0 and "at-the-limit" in out


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (["run", "no-such-scenario"], "shipped: alternatives-blue-states"),
        (["run", "mcap-tax-5pc"], "did you mean 'mcap-tax-5pct'"),
        (["run", "/nonexistent/dir/s.toml"], "file not found"),
        (["run", "mcap-tax-5pct", "--draws", "abc"], "--draws"),
        (["run", "mcap-tax-5pct", "--drws", "3"], "--draws"),
        (["run", "mcap-tax-5pct", "--years", "2031,1999"], "--years"),
        (["solve", "mcap-tax-5pct", "--instrument", "mcap_tx"], "did you mean 'mcap_tax'"),
        (["params", "fnd"], "did you mean 'fund'"),
        (["params", "--status", "sourcd"], "did you mean 'sourced'"),
        (["frobnicate"], "frobnicate"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(capsys, args, expect):
    code, out, err = cli(capsys, *args)
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert expect in err
    assert "Traceback" not in err + out


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("[scenario\nname=", "unreadable TOML"),
        (
            '[scenario]\nname = "x"\ndescription = "y"\n[levers]\nfund.mcap_tax_rat = 0.1\n',
            "did you mean 'fund.mcap_tax_rate'",
        ),
        (
            '[scenario]\nname = "x"\ndescription = "y"\n[levers]\nfund.mcap_tax_rate = "a"\n',
            "a number expected",
        ),
        (
            '[scenario]\nname = "x"\ndescription = "y"\n[levers]\nfund.mcap_tax_rate = 0.9\n',
            "a value in [0, 0.5]",
        ),
        ('[scenario]\nname = "x"\ndescription = "y"\n[run]\nseed = -1\n', "run.seed"),
    ],
)
def test_bad_scenario_files_exit_2_naming_file_and_key(capsys, tmp_path, text, expect):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    out_dir = tmp_path / "out"
    code, _, err = cli(capsys, "run", str(path), "--out", str(out_dir))
    assert code == 2 and err.count("\n") == 1
    assert str(path) in err and expect in err
    assert not out_dir.exists()  # nothing written


def test_help_teaches(capsys):
    code, out, _ = cli(capsys, "run", "--help")
    assert code == 0 and "--draws" in out and "shipped name" in out


def test_contest_prints_bands_curve_and_margin(capsys, tmp_path):
    code, out, err = cli(
        capsys,
        "contest",
        "ny12-2026",
        "--draws",
        "300",
        "--equilibrium-draws",
        "0",
        "--out",
        str(tmp_path),
    )
    assert code == 0, err
    assert "Micah Lasher" in out and "Money-proof margin" in out and "attack $M" in out
    data = json.loads((tmp_path / "contest-ny12-2026.json").read_text())
    assert len(data["response_curve"]) == 12 and "Alex Bores" in data["candidates"]


def test_contest_bad_race_exits_2(capsys):
    code, _, err = cli(capsys, "contest", "ny-12")
    assert code == 2 and "did you mean 'ny12-2026'" in err


def test_races_lists_shipped_races(capsys):
    code, out, _ = cli(capsys, "races")
    assert code == 0 and "ny12-2026" in out


def test_an_unexpected_error_is_one_line_with_a_bug_hint_and_exit_1(capsys, monkeypatch):
    """The last resort: a bug never prints a traceback (the fuzz suite shows bad input
    never gets here)."""
    from plowshare.cli import runs

    def boom(*_a, **_k):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(runs, "load_scenario", boom)
    code, out, err = cli(capsys, "run", "baseline")
    assert code == 1
    assert err.startswith("error: RuntimeError: boom second line") and err.count("\n") == 1
    assert "bug in plowshare" in err and "Traceback" not in err + out


@pytest.mark.parametrize(("exc", "code"), [("KeyboardInterrupt", 130), ("Terminated", 143)])
def test_interrupt_and_sigterm_exit_130_and_143(capsys, monkeypatch, exc, code):
    import plowshare.cli as cli_pkg
    from plowshare.cli import runs

    def stop(*_a, **_k):
        raise KeyboardInterrupt if exc == "KeyboardInterrupt" else cli_pkg.Terminated

    monkeypatch.setattr(runs, "load_scenario", stop)
    got, _, err = cli(capsys, "run", "baseline")
    assert got == code and err.count("\n") == 1


def test_sigterm_handler_is_installed_only_during_main_and_restored():
    import signal

    import plowshare.cli as cli_pkg

    before = signal.getsignal(signal.SIGTERM)
    seen = []

    def probe(*_a, **_k):
        seen.append(signal.getsignal(signal.SIGTERM))
        raise cli_pkg.Terminated

    from plowshare.cli import runs

    orig = runs.load_scenario
    runs.load_scenario = probe
    try:
        assert main(["run", "baseline"]) == 143
    finally:
        runs.load_scenario = orig
    assert seen == [cli_pkg._on_sigterm] and signal.getsignal(signal.SIGTERM) is before
