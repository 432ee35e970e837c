"""Race files: candidates, early polls, spending by group, electorate and media market.

A race is a TOML file validated like a scenario (pydantic, one-line errors naming the
file and key). Shares are fractions; money is US dollars; weeks count back from
election day (``weeks_before = [16, 0]`` = the last sixteen weeks).

Format v2: kinds ``open_primary``, ``incumbent_primary``, ``top_two`` and ``general``, an
optional runoff threshold; races without polls (a prior from incumbency and endorsements);
a poll's explicit ``undecided``, ``sample_size`` and the candidate its sponsor favours or
opposes; a ``bucket`` candidate (``Others``) that cannot win; turnout and market share as
``{ low, high }`` ranges; spending flagged ``lower_bound`` or ``committed``; ``combined``
streams split between support and an attack on another candidate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from plowshare.core.errors import InputError, nearest, show
from plowshare.core.params import default_registry, read_toml
from plowshare.core.scenario import pydantic_error, resolve_file, shipped

Array = NDArray[np.float64]


class _Strict(BaseModel):
    # strict types, no unknown keys, and no NaN or infinity in any float field
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class Range(_Strict):
    """An uncertain input drawn uniformly between ``low`` and ``high``."""

    low: float = Field(gt=0)
    high: float = Field(gt=0)

    @model_validator(mode="after")
    def _order(self) -> Range:
        if self.high < self.low:
            raise ValueError("high must be at least low")
        return self


KINDS = ("open_primary", "incumbent_primary", "top_two", "general")
PRIMARY_KINDS = ("open_primary", "incumbent_primary", "top_two")


class RaceMeta(_Strict):
    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    kind: Literal["open_primary", "incumbent_primary", "top_two", "general"]
    election_date: str
    weeks: int = Field(ge=1, le=104, description="campaign weeks modelled")
    turnout: float | Range = Field(description="votes expected (a number or {low, high})")
    district_share_of_market: float | Range
    runoff_threshold: float | None = Field(
        default=None, gt=0, le=1, description="share that wins outright (else a runoff)"
    )
    advance: int = Field(default=1, ge=1, le=5, description="how many advance (top_two: 2)")
    target: str = Field(description="the candidate the strategic spenders fight over")
    sources: list[str] = Field(default_factory=list)
    actual_result: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _positive(self) -> RaceMeta:
        """A plain number gets the same bounds as a range's ends (a race with no voters or
        no share of its market has no persuasion to model, and 0/0 follows)."""
        low, high = _range(self.turnout)
        if low <= 0:
            raise ValueError(f"turnout must be positive, got {self.turnout!r}")
        share = self.district_share_of_market
        low, high = _range(share)
        if not 0 < low <= high <= 1:
            raise ValueError(f"district_share_of_market must lie in (0, 1], got {share!r}")
        return self


class Candidate(_Strict):
    name: str
    bucket: bool = Field(default=False, description="several minor candidates: cannot win")
    incumbent: bool = False


class Poll(_Strict):
    pollster: str
    date: str
    sponsor: str = "independent"
    favours: str | None = Field(default=None, description="candidate the sponsor backs")
    opposes: str | None = Field(default=None, description="candidate the sponsor opposes")
    sample_size: int | None = Field(default=None, ge=10, description="respondents")
    undecided: float | None = Field(default=None, ge=0, lt=1)
    shares: dict[str, float] = Field(description="candidate -> share; the rest is undecided")
    source: str = ""


class Spending(_Strict):
    group: str
    candidate: str
    stance: Literal["support", "attack", "combined"]
    buyer: Literal["candidate", "outside"]
    amount_usd: float = Field(ge=0)
    amount_kind: Literal["reported", "lower_bound", "committed"] = "reported"
    attacks: str | None = Field(default=None, description="combined: the candidate attacked")
    support_share: float | None = Field(default=None, ge=0, le=1, description="combined")
    weeks_before: list[int] = Field(min_length=2, max_length=2)
    channel: Literal["media", "field"] = "media"
    strategic: Literal["attacker", "defender", "none"] = "none"
    source: str = ""

    @model_validator(mode="after")
    def _weeks(self) -> Spending:
        start, end = self.weeks_before
        if not start >= end >= 0:
            raise ValueError("weeks_before must be [start, end] with start >= end >= 0")
        if self.stance == "combined" and (self.attacks is None or self.support_share is None):
            raise ValueError("a combined stream needs attacks and support_share")
        if self.stance != "combined" and (self.attacks or self.support_share is not None):
            raise ValueError("attacks and support_share are for combined streams only")
        return self


class Endorsement(_Strict):
    candidate: str
    endorser: str
    date: str
    kind: Literal["party", "group", "person"] = "person"
    source: str = ""


class RaceFile(_Strict):
    race: RaceMeta
    candidates: list[Candidate] = Field(min_length=2)
    polls: list[Poll] = Field(default_factory=list)
    endorsements: list[Endorsement] = Field(default_factory=list)
    spending: list[Spending] = Field(default_factory=list)


@dataclass(frozen=True)
class Race:
    """A validated race with spending laid out as arrays (streams × weeks)."""

    meta: RaceMeta
    names: tuple[str, ...]
    polls: Array  # (P, K) early poll shares; each row's undecided share = 1 - its sum
    streams: tuple[Spending, ...]
    amount: Array  # (S,) USD
    pattern: Array  # (S, W) share of each stream's money spent in each week (rows sum to 1)
    target_idx: Array  # (S,) candidate index
    sign: Array  # (S,) +1 support, -1 attack
    outside: Array  # (S,) 1 for outside groups (pay more than the lowest unit rate)
    media: Array  # (S,) 1 for media, 0 for field
    path: str
    poll_dates: tuple[str, ...] = ()
    endorsed_after_polls: Array = field(default_factory=lambda: np.zeros(0))  # (K,) 0/1
    bucket: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))  # (K,)
    poll_present: Array = field(default_factory=lambda: np.zeros((0, 0)))  # (P, K) 0/1
    poll_days: Array = field(default_factory=lambda: np.zeros(0))  # (P,) days before election
    poll_n: Array = field(default_factory=lambda: np.zeros(0))  # (P,) sample size (600 if absent)
    poll_fav: Array = field(default_factory=lambda: np.zeros((0, 0)))  # (P, K) +1/-1 sponsor
    amount_kind: Array = field(default_factory=lambda: np.zeros(0))  # (S,) 0 rep, 1 lb, 2 comm
    features: Array = field(default_factory=lambda: np.zeros((0, 3)))  # (K, 3) no-poll prior
    turnout_range: tuple[float, float] = (1.0, 1.0)
    market_range: tuple[float, float] = (1.0, 1.0)

    @property
    def is_primary(self) -> bool:
        return self.meta.kind in PRIMARY_KINDS

    @property
    def has_polls(self) -> bool:
        return len(self.polls) > 0

    @property
    def threshold(self) -> float:
        """Share that wins outright (a majority unless the race file sets a threshold)."""
        return self.meta.runoff_threshold if self.meta.runoff_threshold is not None else 0.5

    @property
    def top_k(self) -> int:
        return max(self.meta.advance, 2)

    @property
    def target(self) -> int:
        return self.names.index(self.meta.target)

    def weeks_to_election(self) -> Array:
        """Weeks remaining at each modelled week, (W,), ending at 0 on election week."""
        return np.arange(self.meta.weeks - 1, -1, -1, dtype=np.float64)

    def poll_weeks_out(self) -> float:
        """Weeks from the latest poll to election day (the whole campaign without polls)."""
        if not self.has_polls:
            return float(self.meta.weeks)
        return max(float(self.poll_days.min()) / 7.0, 0.0)

    def strategic(self, role: str) -> int | None:
        hits = [i for i, s in enumerate(self.streams) if s.strategic == role]
        return hits[0] if hits else None


def shipped_races() -> dict[str, Path]:
    return shipped("races")


def resolve_race(ref: str | Path) -> Path:
    return resolve_file(ref, shipped_races(), "race")


def _layout(spend: list[Spending], weeks: int) -> Array:
    pattern = np.zeros((len(spend), weeks))
    to_go = np.arange(weeks - 1, -1, -1)
    for i, s in enumerate(spend):
        start, end = s.weeks_before
        on = (to_go <= min(start, weeks - 1)) & (to_go >= end)
        pattern[i, on] = 1.0 / max(on.sum(), 1)
    return pattern


def load_race(ref: str | Path) -> Race:
    """Read and validate a race file; raises InputError with one clear line."""
    path = resolve_race(ref)
    file = str(ref) if Path(ref).is_file() else str(path)
    try:
        spec = RaceFile.model_validate(read_toml(path))
    except ValidationError as err:
        raise pydantic_error(err, file, RaceFile) from None
    for key, text in [
        ("race.election_date", spec.race.election_date),
        *((f"polls[{i}].date", q.date) for i, q in enumerate(spec.polls)),
        *((f"endorsements[{i}].date", e.date) for i, e in enumerate(spec.endorsements)),
    ]:
        try:
            date.fromisoformat(text)
        except ValueError:
            raise InputError(
                f"a date YYYY-MM-DD expected, got {show(text)}", file=file, key=key
            ) from None
    check_consistent(spec, file)
    bibliography = default_registry().sources
    cited = [("race.sources", k) for k in spec.race.sources]
    items: list[tuple[str, Poll | Spending | Endorsement]] = [
        *((f"polls[{i}]", q) for i, q in enumerate(spec.polls)),
        *((f"spending[{i}]", q) for i, q in enumerate(spec.spending)),
        *((f"endorsements[{i}]", q) for i, q in enumerate(spec.endorsements)),
    ]
    cited += [(f"{where}.source", item.source) for where, item in items if item.source]
    for key, src in cited:
        if src not in bibliography:
            raise InputError(
                f"source '{src}' is not in data/sources.toml",
                file=file,
                key=key,
                suggestion=nearest(src, bibliography),
            )
    names = tuple(c.name for c in spec.candidates)
    polls = np.zeros((len(spec.polls), len(names)))
    refs = [  # every place a race file names a candidate, with the key to report
        *((f"polls[{i}].shares", who) for i, p in enumerate(spec.polls) for who in p.shares),
        ("race.target", spec.race.target),
        *((f"endorsements[{i}].candidate", e.candidate) for i, e in enumerate(spec.endorsements)),
        *((f"spending[{i}].candidate", s.candidate) for i, s in enumerate(spec.spending)),
        *(("race.actual_result", who) for who in spec.race.actual_result),
        *(
            (f"polls[{i}].{k}", who)
            for i, q in enumerate(spec.polls)
            for k, who in (("favours", q.favours), ("opposes", q.opposes))
            if who is not None
        ),
        *((f"spending[{i}].attacks", s.attacks) for i, s in enumerate(spec.spending) if s.attacks),
    ]
    for key, who in refs:
        if who not in names:
            raise InputError(
                f"unknown candidate '{who}'", file=file, key=key, suggestion=nearest(who, names)
            )
    for i, poll in enumerate(spec.polls):
        for who, share in poll.shares.items():
            if not 0 <= share <= 1:
                raise InputError(
                    f"a share in [0, 1] expected, got {share}",
                    file=file,
                    key=f"polls[{i}].shares.{who}",
                )
            polls[i, names.index(who)] = share
        total = polls[i].sum() + (poll.undecided or 0.0)
        if total > 1 + 1e-9:
            raise InputError(
                f"shares add up to {total:.3f} > 1", file=file, key=f"polls[{i}].shares"
            )
    sp = expand_combined(spec.spending)
    election = date.fromisoformat(spec.race.election_date)
    present = np.array([[float(n in q.shares) for n in names] for q in spec.polls]).reshape(
        len(spec.polls), len(names)
    )
    fav = np.zeros_like(present)
    for i, q in enumerate(spec.polls):
        if q.favours is not None:
            fav[i, names.index(q.favours)] = 1.0
        if q.opposes is not None:
            fav[i, names.index(q.opposes)] = -1.0
    polled = [bool(x) for x in np.asarray(present.any(axis=0)).ravel()]
    if spec.polls and (missing := [n for n, k in zip(names, polled, strict=True) if not k]):
        raise InputError(
            f"candidate {show(missing[0])} is in no poll: give it a share (0 if unpolled)",
            file=file,
            key="polls",
        )
    kinds = {"reported": 0.0, "lower_bound": 1.0, "committed": 2.0}
    return Race(
        meta=spec.race,
        names=names,
        polls=polls,
        streams=tuple(sp),
        amount=np.array([s.amount_usd for s in sp], dtype=np.float64),
        pattern=_after_polls(_layout(sp, spec.race.weeks), spec),
        target_idx=np.array([names.index(s.candidate) for s in sp], dtype=np.int64),
        sign=np.array([1.0 if s.stance == "support" else -1.0 for s in sp]),
        outside=np.array([1.0 if s.buyer == "outside" else 0.0 for s in sp]),
        media=np.array([1.0 if s.channel == "media" else 0.0 for s in sp]),
        path=str(path),
        poll_dates=tuple(poll.date for poll in spec.polls),
        endorsed_after_polls=_endorsed_after(spec, names),
        bucket=np.array([c.bucket for c in spec.candidates], dtype=bool),
        poll_present=present,
        poll_days=np.array(
            [max((election - date.fromisoformat(q.date)).days, 0) for q in spec.polls], float
        ),
        poll_n=np.array([float(q.sample_size or 600) for q in spec.polls]),
        poll_fav=fav,
        amount_kind=np.array([kinds[s.amount_kind] for s in sp]),
        features=_features(spec, names),
        turnout_range=_range(spec.race.turnout),
        market_range=_range(spec.race.district_share_of_market),
    )


def _after_polls(pattern: Array, spec: RaceFile) -> Array:
    """Only money spent after the latest poll moves the forecast: what came before is
    already in the polls. Weeks at or before the latest poll are zeroed (rows then sum to
    the share of each stream spent after it)."""
    if not spec.polls:
        return pattern
    election = date.fromisoformat(spec.race.election_date)
    last = min((election - date.fromisoformat(q.date)).days for q in spec.polls) / 7.0
    to_go = np.arange(spec.race.weeks - 1, -1, -1)
    return pattern * (to_go < last)[None, :]


def _range(x: float | Range) -> tuple[float, float]:
    return (x, x) if isinstance(x, float) else (x.low, x.high)


def expand_combined(spending: list[Spending]) -> list[Spending]:
    """A combined stream becomes two: its support share for its candidate, the rest an
    attack on the candidate it names (same group, buyer, window and flags)."""
    out: list[Spending] = []
    for s in spending:
        if s.stance != "combined":
            out.append(s)
            continue
        share = float(s.support_share or 0.0)
        common = {"attacks": None, "support_share": None}
        out.append(
            s.model_copy(update={**common, "stance": "support", "amount_usd": s.amount_usd * share})
        )
        out.append(
            s.model_copy(
                update={
                    **common,
                    "stance": "attack",
                    "candidate": s.attacks,
                    "amount_usd": s.amount_usd * (1.0 - share),
                    "group": f"{s.group} (attack part)",
                }
            )
        )
    return out


def _features(spec: RaceFile, names: tuple[str, ...]) -> Array:
    """Per candidate: incumbent, party endorsement, group endorsement (the no-poll prior)."""
    x = np.zeros((len(names), 3))
    for i, c in enumerate(spec.candidates):
        x[i, 0] = float(c.incumbent)
    for e in spec.endorsements:
        j = names.index(e.candidate)
        if e.kind == "party":
            x[j, 1] = 1.0
        elif e.kind == "group":
            x[j, 2] = 1.0
    return x


def check_consistent(spec: RaceFile, file: str) -> None:
    """What the schema cannot see: distinct candidates, polls and endorsements before
    election day, spending inside the modelled campaign, one attacker and one defender
    stream (the response curve and the equilibrium need both)."""
    seen: dict[str, int] = {}
    for i, c in enumerate(spec.candidates):
        if c.name in seen:
            raise InputError(
                f"candidate {show(c.name)} is listed twice (also candidates[{seen[c.name]}])",
                file=file,
                key=f"candidates[{i}].name",
            )
        seen[c.name] = i
    election = date.fromisoformat(spec.race.election_date)
    dated = [
        *((f"polls[{i}].date", q.date) for i, q in enumerate(spec.polls)),
        *((f"endorsements[{i}].date", e.date) for i, e in enumerate(spec.endorsements)),
    ]
    for key, text in dated:
        if date.fromisoformat(text) > election:
            raise InputError(
                f"{text} is after election day ({spec.race.election_date}); only what was "
                "known before the election goes into the model",
                file=file,
                key=key,
            )
    weeks = spec.race.weeks
    for i, s in enumerate(spec.spending):
        if s.weeks_before[0] >= weeks:
            raise InputError(
                f"spending starts {s.weeks_before[0]} weeks before election day but the race "
                f"models only the last {weeks} weeks (race.weeks): weeks_before within "
                f"[{weeks - 1}, 0] expected",
                file=file,
                key=f"spending[{i}].weeks_before",
            )
    for role in ("attacker", "defender"):
        hits = [i for i, s in enumerate(spec.spending) if s.strategic == role]
        if len(hits) != 1:
            raise InputError(
                f"exactly one spending stream with strategic = {role!r} expected, found "
                f"{len(hits)}" + (f" (spending{hits})" if hits else ""),
                file=file,
                key="spending",
                suggestion=None,
            )


def _endorsed_after(spec: RaceFile, names: tuple[str, ...]) -> Array:
    """1 for candidates with a major endorsement after the latest poll (earlier ones are
    already in the polls)."""
    out = np.zeros(len(names))
    if not spec.polls:
        return out  # without polls, every endorsement enters through the prior
    last_poll = max(date.fromisoformat(q.date) for q in spec.polls)
    for e in spec.endorsements:
        if date.fromisoformat(e.date) > last_poll:
            out[names.index(e.candidate)] = 1.0
    return out
