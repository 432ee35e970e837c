"""AI data-centre investment: capex path, bubble, and new capacity by site."""

from plowshare.models.investment.model import SITES, run

__all__ = ["SITES", "run"]
