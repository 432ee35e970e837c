"""The curated tables shipped in ``plowshare/data`` (built by ``tools/build_data.py``)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd


def package_root() -> Path:
    """The installed ``plowshare`` package folder (shipped tables, scenarios, races)."""
    return Path(str(resources.files("plowshare")))


@cache
def load_table(name: str) -> pd.DataFrame:
    """Read ``data/<name>.csv``; cached, so treat the frame as read-only."""
    return pd.read_csv(package_root() / "data" / f"{name}.csv")
