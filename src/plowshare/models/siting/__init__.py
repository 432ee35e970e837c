"""Where new AI data centres are built, under state moratoria and their alternatives."""

from plowshare.models.siting import data
from plowshare.models.siting.model import DESTINATIONS, run

__all__ = ["DESTINATIONS", "data", "run"]
