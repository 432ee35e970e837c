"""The pipeline and results: determinism, provenance, chunking, exports."""

import numpy as np
import pytest
import xarray as xr

import plowshare
from plowshare.core.errors import InputError
from plowshare.engine.pipeline import order
from plowshare.engine.results import quantile_table, write_atomic


@pytest.fixture(scope="module")
def sc():
    return plowshare.load_scenario("mcap-tax-5pct")


def test_same_seed_identical_numbers(sc):
    a, b = plowshare.run(sc, draws=300, seed=9), plowshare.run(sc, draws=300, seed=9)
    xr.testing.assert_identical(a, b)
    c = plowshare.run(sc, draws=300, seed=10)
    assert not np.array_equal(a["fund.coverage"].values, c["fund.coverage"].values)


@pytest.fixture(scope="module")
def full():
    return plowshare.load_scenario("baseline")  # every model


def test_dataset_shape_and_provenance(sc, full):
    assert sc.models == ["labor", "fund"]
    assert plowshare.run(sc, draws=5).attrs["models"] == "investment,siting,compute,labor,fund"
    assert (plowshare.run(sc, draws=5)["param.fund.mcap_tax_rate"] == 0.05).all()
    ds = plowshare.run(full, draws=50, seed=1)
    assert ds["fund.balance_usd"].dims == ("draw", "year")
    assert ds["fund.revenue_by_instrument_usd"].dims == ("draw", "year", "instrument")
    expected = {
        "draw": 50,
        "year": 26,
        "instrument": 6,
        "region": 4,
        "bloc": 2,
        "occupation_group": 22,
        "state": 51,
        "site": 54,
        "destination": 3,
        "admin": 4,
        "outcome": 5,
    }
    assert dict(ds.sizes) == expected
    assert ds.attrs["scenario_hash"] == full.content_hash() and ds.attrs["seed"] == 1
    assert "not a forecast" in ds.attrs["note"]


def test_one_draw_is_the_central_run(sc):
    ds = plowshare.run(sc, draws=1)
    assert float(ds["param.fund.real_return"][0]) == sc.registry["fund.real_return"].value


def test_chunk_size_does_not_change_results(sc):
    a = plowshare.run(sc, draws=101, seed=3, chunk_size=101)
    b = plowshare.run(sc, draws=101, seed=3, chunk_size=7)
    xr.testing.assert_identical(a, b)


def test_quantile_table(sc):
    ds = plowshare.run(sc, draws=400, seed=2)
    t = quantile_table(ds, ["fund.coverage", "fund.first_shortfall_year"], [2030])
    row = t[t.variable == "fund.coverage"].iloc[0]
    assert row.p5 <= row.p50 <= row.p95
    assert row.p50 == pytest.approx(float(ds["fund.coverage"].sel(year=2030).median()))


def test_order_and_unknown_models():
    assert order(["fund"]) == ["investment", "fund"]  # the fund requires investment
    with pytest.raises(InputError, match="unknown model"):
        order(["fund", "weather"])


def test_write_atomic_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "x.csv"
    target.write_text("old")

    def boom(p):
        p.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomic(target, boom)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv"]


def test_keeping_outputs_and_years_matches_the_full_run(full):
    sc = full
    full = plowshare.run(sc, draws=60, seed=4, chunk_size=25)
    keep = ["fund.coverage", "compute.rsi_year", "fund.revenue_by_instrument_usd"]
    small = plowshare.run(sc, draws=60, seed=4, chunk_size=25, outputs=keep, years=[2030, 2040])
    assert set(small.data_vars) - {v for v in small.data_vars if v.startswith("param.")} == set(
        keep
    )
    for v in keep:
        expect = full[v].sel(year=[2030, 2040]) if "year" in full[v].dims else full[v]
        xr.testing.assert_equal(small[v], expect)


def test_order_lists_each_model_once_even_when_it_feeds_several_arguments():
    """labor takes two outputs of compute; compute must still run once, before labor."""
    from plowshare.core import registry

    for names in (["fund"], ["labor", "fund"], list(registry.models())):
        ordered = order(names)
        assert len(ordered) == len(set(ordered))
        for i, m in enumerate(ordered):
            ups = {u.model for u in registry.get(m).upstream.values() if u.model in ordered}
            assert ups <= set(ordered[:i])
