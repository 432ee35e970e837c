"""Where new AI data centres are built, under state moratoria and their alternatives."""

from plowshare.core.contract import ModelSpec, Upstream, outputs_from
from plowshare.models.siting import summary
from plowshare.models.siting.model import run

SPEC = ModelSpec(
    name="siting",
    run=run,
    outputs=outputs_from(__file__),
    upstream={
        "new_capacity_gw_by_region": Upstream("investment", "new_capacity_gw_by_region", True),
        "cost_per_gw_usd": Upstream("investment", "cost_per_gw_usd", True),
    },
    summary=summary,
)

__all__ = ["SPEC", "run"]
