"""The energy state table: a fresh build from ../shared/data/raw equals the shipped one."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
RAW_DIR = REPO_ROOT.parent / "shared" / "data" / "raw"
DATA_DIR = REPO_ROOT / "src" / "plowshare" / "data"
needs_raw = pytest.mark.skipif(not RAW_DIR.is_dir(), reason=f"raw data folder absent: {RAW_DIR}")


def builder() -> ModuleType:
    path = REPO_ROOT / "tools" / "build_energy_tables.py"
    spec = importlib.util.spec_from_file_location("build_energy_tables", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@needs_raw
def test_energy_tables_rebuild_byte_for_byte_and_pass_their_checks(tmp_path: Path) -> None:
    b = builder()
    for name in b.build_all(RAW_DIR, tmp_path):
        assert (tmp_path / name).read_bytes() == (DATA_DIR / name).read_bytes(), name
    assert all(ok for ok, _ in b.run_checks(RAW_DIR, tmp_path))


def test_missing_raw_folder_exits_2(tmp_path: Path) -> None:
    assert builder().main(["--raw", str(tmp_path / "nowhere"), "--out", str(tmp_path)]) == 2
