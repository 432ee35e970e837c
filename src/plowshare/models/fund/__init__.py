"""The public fund: need, revenue instruments, balance and spending rules."""

from plowshare.core.contract import ModelSpec, Upstream, outputs_from
from plowshare.models.fund import summary
from plowshare.models.fund.model import run
from plowshare.models.fund.revenue import INSTRUMENTS

SPEC = ModelSpec(
    name="fund",
    run=run,
    outputs=outputs_from(__file__),
    upstream={
        "displaced_workers": Upstream("labor", "displaced_workers"),
        "compute_spending_usd": Upstream("investment", "us_compute_spending_usd", True),
        "state_revenue_usd": Upstream("siting", "state_revenue_usd"),
        "built_gw_by_region": Upstream("siting", "built_gw_by_region"),
        "cost_per_gw_usd": Upstream("investment", "cost_per_gw_usd"),
        "bubble_factor": Upstream("investment", "bubble_factor"),
        "lost_wage_bill_usd": Upstream("labor", "lost_wage_bill_usd"),
        "gdp_usd": Upstream("investment", "gdp_usd"),
        "national_built_gw_by_region": Upstream("compute", "built_gw_by_region"),
        "demand_gw_by_region": Upstream("investment", "new_capacity_gw_by_region"),
    },
    coords={"instrument": INSTRUMENTS},
    summary=summary,
)

__all__ = ["SPEC", "run"]
