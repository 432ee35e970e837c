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
    },
    coords={"instrument": INSTRUMENTS},
    summary=summary,
)

__all__ = ["SPEC", "run"]
