"""Big runs hold nothing per draw, with the same numbers: disk sampling, per-chunk streams,
the streamed key table, the systematic sample for the sentences, --keep and --keep-draws."""

import numpy as np
import pyarrow.parquet as pq
import pytest

import plowshare
from plowshare.cli import main
from plowshare.core.sampling import DiskSample, sample, uniforms, uniforms_range
from plowshare.engine import streamed
from plowshare.engine.pipeline import StreamSource, draw_streams, order
from plowshare.engine.tables import displayed_outputs, key_output_names, summary_lines

N = 401


@pytest.fixture(scope="module")
def sc():
    return plowshare.load_scenario("integrated-mcap-tax-5pct")


def test_disk_sample_equals_the_in_memory_sample_chunk_by_chunk(sc):
    plist = [p for p in sc.registry if p.model in order(sc.models)]
    rand = [p.name for p in plist if p.dist.kind != "fixed"][:3]
    corr = [(rand[0], rand[1], 0.6), (rand[1], rand[2], -0.3)]
    for method, correlations in (("lhs", ()), ("lhs", corr), ("mc", ())):
        full = sample(plist, N, 7, method, correlations)
        with DiskSample(plist, N, 7, method, correlations) as d:
            for s in range(0, N, 97):
                part = d.chunk(s, 97)
                assert list(part) == list(full)
                for k, v in full.items():
                    np.testing.assert_array_equal(part[k], v[s : s + 97], err_msg=k)
        assert not __import__("os").path.exists(d.dir)  # the scratch folder is removed


def test_streams_drawn_per_chunk_equal_the_whole_stream():
    u = uniforms("contest.x", 1000, 5, "mc")
    for s, c in ((0, 10), (333, 500), (999, 1)):
        np.testing.assert_array_equal(uniforms_range("contest.x", s, c, 5), u[s : s + c])
    race = plowshare.load_scenario("contest-ny12-2026")
    models, inputs = order(race.models), race.loaded_inputs()
    whole = draw_streams(models, inputs, 50, 3)
    src = StreamSource(
        {m: {k: list(v) for k, v in d.items()} for m, d in _names(models, inputs).items()}, 3
    )
    part = src.chunk(20, 15)
    for m, d in whole.items():
        for k, a in d.items():
            np.testing.assert_array_equal(part[m][k], a[20:35])


def _names(models, inputs):
    from plowshare.engine.pipeline import stream_names

    return stream_names(models, inputs)


def test_streamed_summary_prints_what_the_in_memory_run_prints(sc):
    ys = list(sc.run.report_years)
    # the same chunks in both: the energy model in progress differs by an ulp across chunkings
    a = streamed.run_summary(sc, N, 5, years=ys, outputs=displayed_outputs(), chunk_size=90)
    b = streamed.run_summary(sc, N, 5, years=ys, outputs=displayed_outputs(), big=1, chunk_size=90)
    assert a.rows == b.rows and not b.sampled and streamed.sample_note(b) is None
    for v in a.ds.data_vars:
        np.testing.assert_array_equal(a.ds[v].values, b.ds[v].values, err_msg=str(v))
    assert summary_lines(a.ds, ys) == summary_lines(b.ds, ys)
    # the sentences' sample: every 4th draw, whatever the chunking
    c = streamed.run_summary(
        sc, N, 5, years=ys, outputs=displayed_outputs(), big=1, sentence_draws=101, chunk_size=90
    )
    assert c.rows == a.rows and c.every == 4
    assert list(c.ds["draw"].values) == list(range(0, N, 4))
    for v in c.ds.data_vars:
        np.testing.assert_array_equal(c.ds[v].values, a.ds[v].values[::4], err_msg=str(v))
    note = streamed.sample_note(c)
    assert note and "101 draws (every 4th)" in note


def test_dkw_bound():
    # ε = sqrt(ln(2/α) / 2m): 0.51 percentile points at 100,000 draws and α = 1 %
    assert streamed.dkw_epsilon(100_000) == pytest.approx(0.005146, abs=1e-6)


def test_keep_chooses_what_draws_parquet_holds(tmp_path, capsys):
    base = ["run", "integrated-mcap-tax-5pct", "--draws", "30", "--years", "2030,2050"]
    assert main([*base, "--out", str(tmp_path / "key")]) == 0
    assert main([*base, "--out", str(tmp_path / "all"), "--keep", "all"]) == 0
    assert (
        main([*base, "--out", str(tmp_path / "two"), "--keep", "fund.coverage,compute.rsi_year"])
        == 0
    )
    key = set(pq.read_table(tmp_path / "key" / "draws.parquet").column("variable").to_pylist())
    every = set(pq.read_table(tmp_path / "all" / "draws.parquet").column("variable").to_pylist())
    two = set(pq.read_table(tmp_path / "two" / "draws.parquet").column("variable").to_pylist())
    assert key == key_output_names() & every and len(every) > len(key)
    assert two == {"fund.coverage", "compute.rsi_year"}
    # the summary covers every output whatever --keep says
    for d in ("key", "two"):
        assert (tmp_path / d / "summary.csv").read_bytes() == (
            tmp_path / "all" / "summary.csv"
        ).read_bytes()
    capsys.readouterr()
    assert main([*base, "--keep", "fund.coverag"]) == 2
    assert "fund.coverage" in capsys.readouterr().err


def test_keep_draws_prints_the_same(capsys):
    base = ["run", "integrated-mcap-tax-5pct", "--draws", "40", "--years", "2030,2050"]
    outs = []
    for extra in ([], ["--keep-draws"]):
        assert main([*base, *extra]) == 0
        text = capsys.readouterr().out
        outs.append(__import__("re").sub(r"\([0-9.]+ s\)", "", text))
    assert outs[0] == outs[1]
