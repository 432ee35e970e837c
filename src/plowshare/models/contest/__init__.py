"""Campaign money taken to the limit: saturation, decay, backlash, several candidates."""

from typing import Any

from plowshare.core.contract import InputSpec, ModelSpec, outputs_from
from plowshare.models.contest import summary
from plowshare.models.contest.race import Race, load_race, shipped_races
from plowshare.models.contest.run import (
    ATTACK_LEVELS,
    PRIZES,
    RaceResult,
    run,
    run_race,
    stream_names,
)


def race_coords(race: Any) -> dict[str, tuple[str, ...]]:
    return {"candidate": race.names}


SPEC = ModelSpec(
    name="contest",
    run=run,
    outputs=outputs_from(__file__),
    coords={"attack_level": ATTACK_LEVELS, "prize": PRIZES},
    inputs={"race": InputSpec(load_race, race_coords, required=True, options=("equilibrium",))},
    streams=stream_names,
    summary=summary,
)

__all__ = ["SPEC", "Race", "RaceResult", "load_race", "run_race", "shipped_races"]
