"""A fast path for the contest: everything that does not depend on the two strategic
spenders' amounts is computed once per draw, so a best-response search evaluates only
the parts that do. Numerically identical to ``forecast.target_win_probability``.

A kernel's per-draw arrays can be repeated (one block of draws per prize, so every prize
is solved in one batch) and indexed by rows (only the draws still iterating)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

import numpy as np
from numpy.typing import NDArray

from plowshare.models.contest import forecast, model
from plowshare.models.contest.race import Race

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Kernel:
    race: Race
    att: int
    dfd: int
    fixed_weekly: Array  # (n, W) media dollars a week from the non-strategic streams
    coef: Array  # (n, S, W) dose per dollar of stream s in week t, before congestion
    kappa: Array  # (n,)
    inventory: Array  # (n,)
    top: Array  # (n,)
    half: Array  # (n,)
    backlash: Array  # (n,)
    base: Array  # (n, K)
    field: Array  # (n, K) extra votes from field spending (fixed)
    sigma: Array  # (n, K) logit-scale error
    amount: Array  # (n, S) every stream's amount (the strategic two are replaced)
    turnout: Array  # (n,)

    def per_draw(self) -> list[str]:
        return [f.name for f in fields(self) if f.name not in ("race", "att", "dfd")]

    def take(self, rows: NDArray[np.intp]) -> Kernel:
        """The kernel for a subset of rows."""
        new: dict[str, Array] = {f: getattr(self, f)[rows] for f in self.per_draw()}
        return replace(self, **new)  # type: ignore[arg-type]

    def repeat(self, times: int) -> Kernel:
        """The kernel with its draws repeated ``times`` times, block after block."""
        new: dict[str, Array] = {
            f: np.concatenate([getattr(self, f)] * times) for f in self.per_draw()
        }
        return replace(self, **new)  # type: ignore[arg-type]


def prepare(p: Mapping[str, Array], race: Race, base: Array) -> Kernel:
    att, dfd = race.strategic("attacker"), race.strategic("defender")
    if att is None or dfd is None:
        raise ValueError("the race needs one 'attacker' and one 'defender' spending stream")
    n = len(base)
    amount = forecast.spent(p, race, n)
    pat = race.pattern * race.media[:, None]  # (S, W)
    fixed_amount = amount.copy()
    fixed_amount[:, [att, dfd]] = 0.0
    fixed_weekly = fixed_amount @ pat  # (n, W)
    price = 1.0 + race.outside[None, :] * (p["contest.outside_price_multiple"][:, None] - 1.0)
    b = p["contest.broadcast_share"][:, None]
    reach = b * p["race.market"][:, None] + (1.0 - b)  # (n, 1)
    tau = race.weeks_to_election()
    lam, dur = p["contest.adstock_weekly_retention"][:, None], p["contest.durable_share"][:, None]
    retain = dur + (1.0 - dur) * lam**tau  # (n, W)
    coef = pat[None] * (reach / price)[:, :, None] * retain[:, None, :]
    top = model.ceiling(p, race)
    turnout = np.broadcast_to(p["race.turnout"], (n,)).copy()
    return Kernel(
        race,
        att,
        dfd,
        np.ascontiguousarray(fixed_weekly),
        coef,
        p["contest.price_congestion"],
        p["contest.inventory_usd_per_week"],
        top,
        top * turnout * p["contest.cost_per_net_vote_usd"],
        p["contest.backlash_share"],
        base,
        model.field_votes(p, race, amount),
        np.ascontiguousarray(forecast.error_sd(p, race)),
        amount,
        turnout,
    )


def target_win(k: Kernel, xa: Array, xd: Array) -> Array:
    """P(target wins), (n, G), for attacker and defender totals xa, xd of shape (n, G)."""
    race = k.race
    pat_a, pat_d = race.pattern[k.att], race.pattern[k.dfd]
    weekly = k.fixed_weekly[:, None, :] + xa[..., None] * pat_a + xd[..., None] * pat_d
    inv_f = 1.0 / (1.0 + k.kappa[:, None, None] * (weekly / k.inventory[:, None, None]) ** 2)
    per_dollar = inv_f @ k.coef.transpose(0, 2, 1)  # (n, G, S): batched matmul
    amount = np.broadcast_to(k.amount[:, None, :], per_dollar.shape).copy()
    amount[..., k.att], amount[..., k.dfd] = xa, xd
    dose = amount * per_dollar
    onehot = np.eye(len(race.names))[race.target_idx]
    support = (dose * (race.sign > 0)) @ onehot
    attack = (dose * (race.sign < 0)) @ onehot
    top, half = k.top[:, None, None], k.half[:, None, None]
    gain = top * support / (support + half)
    loss = top * attack / (attack + half) * (1.0 - k.backlash[:, None, None])
    s = model.redistribute(np.broadcast_to(k.base[:, None, :], gain.shape), gain, loss)
    votes = s * k.turnout[:, None, None] + k.field[:, None, :]
    v = votes / votes.sum(axis=-1, keepdims=True)
    sd = model.share_sd(v, k.sigma[:, None, :])
    return model.win_probability(v, race.target, sd, race.bucket)
