"""Campaign money taken to the limit: saturation, decay, backlash, several candidates."""

from plowshare.models.contest.race import Race, load_race, shipped_races
from plowshare.models.contest.run import RaceResult, run_race

__all__ = ["Race", "RaceResult", "load_race", "run_race", "shipped_races"]
