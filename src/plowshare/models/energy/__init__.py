"""Electricity, emissions, water and household bills of AI data centres."""

from plowshare.core.contract import ModelSpec, Upstream, outputs_from
from plowshare.models.energy import summary
from plowshare.models.energy.model import run

SPEC = ModelSpec(
    name="energy",
    run=run,
    outputs=outputs_from(__file__),
    upstream={
        "built_gw_by_site": Upstream("siting", "built_gw_by_site", True),
        "installed_gw_by_region": Upstream("compute", "installed_gw_by_region", True),
        "mandate_by_state": Upstream("siting", "mandate_by_state", True),
    },
    summary=summary,
)

__all__ = ["SPEC", "run"]
