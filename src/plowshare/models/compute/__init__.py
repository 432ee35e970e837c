"""Frontier compute by bloc and the timing of AI milestones."""

from plowshare.core.contract import ModelSpec, Upstream, outputs_from
from plowshare.models.compute import summary
from plowshare.models.compute.model import run

SPEC = ModelSpec(
    name="compute",
    run=run,
    outputs=outputs_from(__file__),
    # US and Gulf capacity come from the siting model's allocation
    upstream={"new_capacity_gw_by_region": Upstream("siting", "built_gw_by_region", True)},
    summary=summary,
)

__all__ = ["SPEC", "run"]
