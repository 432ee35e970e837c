"""Results do not depend on the chunking; the default chunk is fixed and small."""

import pytest
import xarray as xr

import plowshare
from plowshare.engine.pipeline import DEFAULT_CHUNK


@pytest.fixture(scope="module")
def full():
    return plowshare.load_scenario("baseline")  # every model


@pytest.fixture(scope="module")
def whole(full):
    return plowshare.run(full, draws=50, seed=5, chunk_size=50)


@pytest.mark.parametrize("chunk", [7, 50, 10_000])
def test_every_chunk_size_gives_identical_results(full, whole, chunk):
    xr.testing.assert_identical(plowshare.run(full, draws=50, seed=5, chunk_size=chunk), whole)


def test_kept_outputs_are_chunk_independent(full, whole):
    keep = ["fund.coverage", "compute.rsi_year", "energy.co2_mt_by_site"]
    small = plowshare.run(full, draws=50, seed=5, chunk_size=7, outputs=keep, years=[2030, 2050])
    for v in keep:
        expect = whole[v].sel(year=[2030, 2050]) if "year" in whole[v].dims else whole[v]
        xr.testing.assert_identical(small[v], expect)


def test_the_default_chunk_is_fixed_whatever_the_draws():
    sc = plowshare.load_scenario("mcap-tax-5pct")  # sets no chunk_size
    assert "chunk_size" not in sc.run.model_fields_set
    seen: list[tuple[int, int]] = []
    n = 2 * DEFAULT_CHUNK + 1
    plowshare.run(sc, draws=n, seed=1, progress=lambda i, t: seen.append((i, t)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
