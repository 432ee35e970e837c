"""The Dask backend gives the local backend's numbers to the bit, whatever the chunking."""

import pytest
import xarray as xr

import plowshare
from plowshare.core.errors import InputError
from plowshare.engine.backends import DaskBackend, LocalBackend, make_backend
from plowshare.engine.export import ExportSet


@pytest.fixture(scope="module")
def cluster():
    # two in-process workers on the loopback interface, no dashboard; closed at the end
    with DaskBackend(workers=2, processes=False) as backend:
        yield backend


@pytest.fixture(scope="module")
def sc():
    return plowshare.load_scenario("integrated-mcap-tax-5pct")


def test_dask_equals_local_to_the_bit(sc, cluster):
    local = plowshare.run(sc, draws=40, seed=3, chunk_size=40, backend=LocalBackend())
    for chunk in (7, 40):
        remote = plowshare.run(sc, draws=40, seed=3, chunk_size=chunk, backend=cluster)
        xr.testing.assert_identical(remote, local)


def test_dask_export_is_byte_identical(sc, cluster, tmp_path):
    for name, backend, chunk in (("local", None, 40), ("dask", cluster, 9)):
        with ExportSet(tmp_path / name, [2030, 2050]) as ex:
            plowshare.run(sc, draws=40, seed=3, chunk_size=chunk, sink=ex.add, backend=backend)
            ex.commit()
    for f in ("summary.csv", "params.csv"):
        assert (tmp_path / "dask" / f).read_bytes() == (tmp_path / "local" / f).read_bytes()


def test_backend_names_are_checked():
    assert isinstance(make_backend("local"), LocalBackend)
    with pytest.raises(InputError, match="one of local, dask"):
        make_backend("spark")
    with pytest.raises(InputError, match="needs --backend dask"):
        make_backend("local", scheduler="tcp://127.0.0.1:8786")
