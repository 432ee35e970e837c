"""Who is displaced by automation, when and where."""

from plowshare.core.contract import ModelSpec, Upstream, outputs_from
from plowshare.models.labor import data, summary
from plowshare.models.labor.model import run

SPEC = ModelSpec(
    name="labor",
    run=run,
    outputs=outputs_from(__file__),
    upstream={"tai_year": Upstream("compute", "tai_year", True)},
    # a callable: the tables are read only when a labour result is built
    coords={"occupation_group": lambda: data.group_data().groups},
    summary=summary,
)

__all__ = ["SPEC", "data", "run"]
