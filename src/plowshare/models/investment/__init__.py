"""AI data-centre investment: capex path, bubble, and new capacity by region."""

from plowshare.core.contract import ModelSpec, outputs_from
from plowshare.models.investment.model import run

SPEC = ModelSpec(name="investment", run=run, outputs=outputs_from(__file__))

__all__ = ["SPEC", "run"]
