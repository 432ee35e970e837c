"""The curated tables shipped in ``plowshare/data`` (built by ``tools/build_data.py``)."""

from __future__ import annotations

from functools import cache

import pandas as pd

from .core.params import package_root


@cache
def load_table(name: str) -> pd.DataFrame:
    """Read ``data/<name>.csv``; cached, so treat the frame as read-only."""
    return pd.read_csv(package_root() / "data" / f"{name}.csv")
