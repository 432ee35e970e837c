"""Frontier compute by bloc and the timing of AI milestones."""

from plowshare.models.compute.milestones import BLOCS
from plowshare.models.compute.model import run

__all__ = ["BLOCS", "run"]
