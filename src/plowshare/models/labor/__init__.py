"""Who is displaced by automation, when and where."""

from plowshare.models.labor import data
from plowshare.models.labor.model import run

__all__ = ["data", "run"]
