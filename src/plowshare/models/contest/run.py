"""A race run end to end: outcome with bands, response curve, equilibrium, money-proof margin."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from plowshare.core.sampling import uniforms
from plowshare.models.contest import equilibrium as eq
from plowshare.models.contest import kernel, model
from plowshare.models.contest.race import Race

Array = NDArray[np.float64]
# attack budgets for the response curve, USD: up to and far past the largest sums ever spent
# in one House race (GA-06 2017, about $56-60 M in all) and Leading the Future's $125 M
ATTACK_LEVELS = (0, 1e6, 2e6, 5e6, 1e7, 2e7, 3e7, 6e7, 1.25e8, 2.5e8, 5e8, 1e9)
PRIZES = (1e6, 1e7, 1e8, 1e9, 1e10, 1e11)


@dataclass(frozen=True)
class RaceResult:
    race: Race
    shares: Array  # (n, K) simulated final shares
    expected: Array  # (n, K)
    win_prob: Array  # (K,) share of draws each candidate wins
    curve_levels: Array  # (L,) attack spending
    curve_win: Array  # (n, L) P(target wins) per draw
    curve_share: Array  # (n, L) target's expected share
    money_proof: Array  # (n,) lead that no attack overturns on average
    equilibrium: dict[str, Array]  # prize sweep: spending and win probabilities


def stream_names(inputs: Mapping[str, Any]) -> dict[str, list[str]]:
    """The race's own random streams (drawn by ``core.sampling`` for the engine): poll
    weights (one per poll), the undecided split and forecast errors (one per candidate)."""
    race: Race = inputs["race"]
    tag = f"contest.{race.meta.name}"
    k = len(race.names)
    return {
        "poll_weight": [f"{tag}.poll.{j}" for j in range(len(race.polls))],
        "undecided": [f"{tag}.undecided.{j}" for j in range(k)],
        "error": [f"{tag}.error.{j}" for j in range(k)],
    }


def race_uniforms(race: Race, n: int, seed: int) -> dict[str, Array]:
    """The race's streams drawn directly (tests): (n, P), (n, K) and (n, K)."""
    return {
        key: np.column_stack([uniforms(s, n, seed, "mc") for s in names])
        for key, names in stream_names({"race": race}).items()
    }


def amounts_with(race: Race, n: int, stream: int | None, levels: Array) -> Array:
    """Race amounts (n, L, S) with one stream set to each level (others as in the race)."""
    a = np.broadcast_to(race.amount, (n, len(levels), len(race.amount))).copy()
    if stream is not None:
        a[:, :, stream] = levels[None, :]
    return a


def race_win(p: Mapping[str, Array], race: Race, base: Array) -> eq.WinProb:
    """The race as a two-player contest between the attacker and defender streams."""
    k = kernel.prepare(p, race, base)

    def win(i: int, x: Array, other: Array) -> Array:
        xa, xd = (x, other) if i == 0 else (other, x)
        xa, xd = np.broadcast_arrays(xa, xd)
        pt = kernel.target_win(k, np.ascontiguousarray(xa), np.ascontiguousarray(xd))
        return 1.0 - pt if i == 0 else pt

    return win


def prize_sweep(p: Mapping[str, Array], race: Race, base: Array) -> dict[str, Array]:
    """Equilibrium as the attacker's prize grows, saturating race vs classic Tullock."""
    n = len(p["contest.defender_prize_usd"])
    vd, wa, wd = (
        p["contest.defender_prize_usd"],
        p["contest.attacker_budget_usd"],
        p["contest.defender_budget_usd"],
    )
    win = race_win(p, race, base)
    out: dict[str, list[Array]] = {
        k: []
        for k in (
            "x_attacker",
            "x_defender",
            "p_attacker",
            "tullock_x_attacker",
            "tullock_p_attacker",
        )
    }
    start = None
    for v in PRIZES:  # each solve starts from the previous prize's equilibrium
        va = np.full(n, v)
        xa, xd = eq.solve(win, (va, vd), (wa, wd), iters=40, tol=1e-4, start=start)
        start = (xa, xd)
        out["x_attacker"].append(xa)
        out["x_defender"].append(xd)
        out["p_attacker"].append(win(0, xa[:, None], xd[:, None])[:, 0])
        ta, _, tp = eq.tullock_closed_form(va, vd)
        out["tullock_x_attacker"].append(ta)
        out["tullock_p_attacker"].append(tp)
    return {k: np.column_stack(v) for k, v in out.items()} | {"prizes": np.array(PRIZES)}


def run_race(
    p: Mapping[str, Array], race: Race, seed: int, solve_equilibrium: bool = True
) -> RaceResult:
    """Everything `plowshare contest` reports, for all draws at once."""
    n = len(p["contest.forecast_error_sd"])
    u = race_uniforms(race, n, seed)
    base = model.base_shares(p, race, u)
    sim = model.simulate(p, race, np.broadcast_to(race.amount, (n, len(race.amount))), base, u)
    k = len(race.names)
    win_prob = np.bincount(sim["winner"], minlength=k) / n
    levels = np.array(ATTACK_LEVELS)
    amounts = amounts_with(race, n, race.strategic("attacker"), levels)
    curve_win = model.target_win_probability(p, race, amounts, base)
    curve_share = model.vote_shares(p, race, amounts, base)[..., race.target]
    sweep = prize_sweep(p, race, base) if solve_equilibrium else {}
    return RaceResult(
        race,
        sim["shares"],
        sim["expected_shares"],
        win_prob,
        levels,
        curve_win,
        curve_share,
        model.money_proof_margin(p, race, base),
        sweep,
    )


EQUILIBRIUM_OUTPUTS = {
    "eq_attacker_usd": "x_attacker",
    "eq_defender_usd": "x_defender",
    "eq_attacker_win_probability": "p_attacker",
    "tullock_attacker_usd": "tullock_x_attacker",
    "tullock_attacker_win_probability": "tullock_p_attacker",
}


def run(
    params: Mapping[str, Array],
    years: Array,
    *,
    inputs: Mapping[str, Any],
    streams: Mapping[str, Array],
) -> dict[str, Array]:
    """The contest model on the engine's contract: one race (``inputs["race"]``), its random
    streams from the engine, every output over draws (and candidate, attack level, prize).

    The equilibrium sweep is slow (a best-response iteration per prize); it runs only with
    ``[inputs] contest.equilibrium = true``, else its outputs are NaN.
    """
    race: Race = inputs["race"]
    p = params
    n = len(p["contest.forecast_error_sd"])
    u = dict(streams)
    base = model.base_shares(p, race, u)
    sim = model.simulate(p, race, np.broadcast_to(race.amount, (n, len(race.amount))), base, u)
    k = len(race.names)
    levels = np.array(ATTACK_LEVELS)
    amounts = amounts_with(race, n, race.strategic("attacker"), levels)
    out = {
        "shares": sim["shares"],
        "expected_shares": sim["expected_shares"],
        "wins": (sim["winner"][:, None] == np.arange(k)[None, :]).astype(np.float64),
        "curve_win_probability": model.target_win_probability(p, race, amounts, base),
        "curve_share": model.vote_shares(p, race, amounts, base)[..., race.target],
        "money_proof_margin": model.money_proof_margin(p, race, base),
    }
    if inputs.get("equilibrium", False):
        sweep = prize_sweep(p, race, base)
        out |= {name: sweep[key] for name, key in EQUILIBRIUM_OUTPUTS.items()}
    else:
        out |= {name: np.full((n, len(PRIZES)), np.nan) for name in EQUILIBRIUM_OUTPUTS}
    return out
