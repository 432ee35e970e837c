"""plowshare: transparent, sourced, fast Monte Carlo models of the AI transition.

``import plowshare`` is light: the engine (xarray, pandas, the models) loads on first use of
``plowshare.run`` or ``plowshare.load_scenario``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from plowshare.engine.api import load_scenario, package_version, run

__all__ = ["load_scenario", "package_version", "run"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from plowshare.engine import api

        return getattr(api, name)
    raise AttributeError(f"module 'plowshare' has no attribute {name!r}")
