"""The essay's futures: 2028 outcome -> policy regime -> outcomes, with compute timing."""

from plowshare.models.futures.model import ADMINS, OUTCOMES, run

__all__ = ["ADMINS", "OUTCOMES", "run"]
