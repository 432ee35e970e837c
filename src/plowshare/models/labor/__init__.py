"""What AI can automate, what firms adopt, and who is displaced — when and where."""

from plowshare.core.contract import ModelSpec, Upstream, outputs_from
from plowshare.models.labor import data, summary
from plowshare.models.labor.model import run

SPEC = ModelSpec(
    name="labor",
    run=run,
    outputs=outputs_from(__file__),
    upstream={
        "effective_compute_oom_by_bloc": Upstream("compute", "effective_compute_oom_by_bloc", True),
        "tai_year": Upstream("compute", "tai_year", True),
    },
    # a callable: the tables are read only when a labour result is built
    coords={"occupation_group": lambda: data.group_data().groups},
    summary=summary,
)

__all__ = ["SPEC", "data", "run"]
