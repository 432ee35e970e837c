"""The essay's futures: 2028 outcome -> policy regime -> outcomes, with compute timing."""

from plowshare.core.contract import ModelSpec, Upstream, outputs_from
from plowshare.models.futures.model import ADMINS, OUTCOMES, run

SPEC = ModelSpec(
    name="futures",
    run=run,
    outputs=outputs_from(__file__),
    upstream={
        "rsi_year": Upstream("compute", "rsi_year", True),
        "us_lead_oom": Upstream("compute", "us_lead_oom", True),
    },
    coords={"outcome": OUTCOMES, "admin": ADMINS},
)

__all__ = ["ADMINS", "OUTCOMES", "SPEC", "run"]
