"""plowshare: transparent, sourced, fast Monte Carlo models of the AI transition."""

from .api import load_scenario, package_version, run

__all__ = ["load_scenario", "package_version", "run"]
