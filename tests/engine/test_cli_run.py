"""`plowshare run --out` streams an atomic set; bad targets and backends exit with 2."""

import os

import pandas as pd

from plowshare.cli import main


def test_run_out_writes_the_set_and_refuses_devices(capsys, tmp_path):
    assert main(["run", "mcap-tax-5pct", "--draws", "30", "--out", str(tmp_path / "a")]) == 0
    table = pd.read_csv(tmp_path / "a" / "summary.csv")
    assert {"fund.coverage", "investment.gdp_usd"} <= set(table["variable"])
    assert len(pd.read_parquet(tmp_path / "a" / "draws.parquet", columns=["draw"])) > 0
    (tmp_path / "a" / "params.csv").unlink()
    os.symlink("/dev/full", tmp_path / "a" / "params.csv")
    capsys.readouterr()
    assert main(["run", "mcap-tax-5pct", "--draws", "30", "--out", str(tmp_path / "a")]) == 2
    assert "refusing to replace a symbolic link" in capsys.readouterr().err
    assert os.readlink(tmp_path / "a" / "params.csv") == "/dev/full"


def test_unknown_backend_exits_2(capsys):
    assert main(["run", "mcap-tax-5pct", "--draws", "5", "--backend", "spark"]) == 2
    assert "one of local, dask" in capsys.readouterr().err
