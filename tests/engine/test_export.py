"""The export set: streamed, identical to the dataset, atomic, umask modes, no devices."""

import os
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import plowshare
from plowshare.core.errors import InputError
from plowshare.engine import api
from plowshare.engine.export import NAMES, ExportSet
from plowshare.engine.results import export, quantile_table, write_atomic

YEARS = [2030, 2050]


@pytest.fixture(scope="module")
def sc():
    return plowshare.load_scenario("baseline")  # every model: extra dims, no-year outputs


@pytest.fixture(scope="module")
def ds(sc):
    return plowshare.run(sc, draws=30, seed=2, chunk_size=30)


@pytest.fixture(scope="module")
def written(ds, tmp_path_factory):
    out = tmp_path_factory.mktemp("export")
    export(ds, out, YEARS, chunk=7)
    return out


def test_parquet_round_trip_equals_the_dataset(ds, written):
    table = pq.read_table(written / "draws.parquet")
    assert table.num_rows == sum(ds[v].size for v in ds.data_vars if not v.startswith("param."))
    df = table.to_pandas()
    for v in [v for v in ds.data_vars if not v.startswith("param.")]:
        da = ds[v]
        rows = df[df["variable"] == v]
        dims = [d for d in da.dims if d != "draw"]
        assert rows["year"].isna().all() == ("year" not in da.dims)
        keys = ["draw", *dims]
        got = rows.sort_values(keys)["value"].to_numpy()
        want = da.transpose("draw", *dims).values.reshape(-1)  # draw-major, labels in order
        order = np.lexsort(
            [rows[k].cat.codes if hasattr(rows[k], "cat") else rows[k] for k in reversed(keys)]
        )
        np.testing.assert_array_equal(rows["value"].to_numpy()[order], want)
        assert len(got) == da.size


def test_summary_and_params_equal_the_in_memory_tables(ds, written):
    outputs = [str(v) for v in ds.data_vars if not str(v).startswith("param.")]
    expect = quantile_table(ds, outputs, YEARS)
    got = pd.read_csv(written / "summary.csv")
    assert list(got["variable"]) == list(expect["variable"])
    for c in ("p5", "p50", "p95", "mean", "share_finite"):
        np.testing.assert_array_equal(got[c].to_numpy(), expect[c].to_numpy())
    params = pd.read_csv(written / "params.csv", index_col="draw")
    np.testing.assert_array_equal(params["param.fund.real_return"], ds["param.fund.real_return"])


def test_streaming_from_the_run_writes_the_same_files(sc, written, tmp_path):
    with ExportSet(tmp_path, YEARS) as ex:
        plowshare.run(sc, draws=30, seed=2, chunk_size=11, sink=ex.add, outputs=["fund.coverage"])
        ex.commit()
    for name in ("summary.csv", "params.csv"):
        assert (tmp_path / name).read_bytes() == (written / name).read_bytes()
    a, b = (pq.read_table(p / "draws.parquet").to_pandas() for p in (tmp_path, written))
    key = ["variable", "draw", "year", "site", "state", "region", "instrument"]
    a, b = (x.sort_values(key, kind="stable").reset_index(drop=True) for x in (a, b))
    np.testing.assert_array_equal(a["value"].to_numpy(), b["value"].to_numpy())


def test_a_failure_mid_export_leaves_the_old_set_intact(ds, tmp_path, monkeypatch):
    export(ds, tmp_path, YEARS)
    before = {n: (tmp_path / n).read_bytes() for n in NAMES}
    (tmp_path / "mine.txt").write_text("the user's own file")

    def boom(self):
        raise OSError("disk full")

    monkeypatch.setattr(ExportSet, "_summary", boom)  # after draws and params are written
    with pytest.raises(OSError, match="disk full"):
        export(ds.isel(draw=slice(0, 10)), tmp_path, YEARS, chunk=3)
    assert {n: (tmp_path / n).read_bytes() for n in NAMES} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*NAMES, "mine.txt"])


def test_a_failing_run_writes_nothing(sc, tmp_path):
    calls = []

    def flaky(chunk):
        calls.append(chunk)
        if len(calls) == 2:
            raise RuntimeError("worker lost")
        ex.add(chunk)

    with pytest.raises(RuntimeError), ExportSet(tmp_path / "new", YEARS) as ex:
        api.run(sc, draws=20, seed=1, chunk_size=8, sink=flaky)
    assert list((tmp_path / "new").iterdir()) == []


def test_files_respect_the_umask(ds, tmp_path):
    old = os.umask(0o022)
    try:
        export(ds, tmp_path / "a", YEARS)
        write_atomic(tmp_path / "a" / "x.json", lambda p: p.write_text("{}"))
        os.umask(0o077)
        export(ds, tmp_path / "b", YEARS)
    finally:
        os.umask(old)
    for n in [*NAMES, "x.json"]:
        assert stat.S_IMODE((tmp_path / "a" / n).stat().st_mode) == 0o644
    for n in NAMES:
        assert stat.S_IMODE((tmp_path / "b" / n).stat().st_mode) == 0o600


def test_device_nodes_and_other_special_targets_are_refused(ds, tmp_path):
    os.symlink("/dev/full", tmp_path / "summary.csv")
    with pytest.raises(InputError, match="symbolic link"):
        export(ds, tmp_path, YEARS)
    assert os.readlink(tmp_path / "summary.csv") == "/dev/full"
    with pytest.raises(InputError, match="device or other special file"):
        write_atomic(Path("/dev/full"), lambda p: p.write_text("x"))
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(InputError, match="device or other special file"):
        write_atomic(tmp_path / "pipe", lambda p: p.write_text("x"))
    with pytest.raises(InputError, match="folder expected"):
        ExportSet(tmp_path / "pipe", YEARS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe", "summary.csv"]
