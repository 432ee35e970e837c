"""A race run end to end: outcome with bands, response curve, equilibrium, money-proof margin."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from plowshare.core.sampling import uniforms
from plowshare.models.contest import equilibrium as eq
from plowshare.models.contest import forecast, kernel, model
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
    """The race's own random streams (drawn by ``core.sampling`` for the engine): the
    election-day error (one per candidate), turnout and the district's market share."""
    race: Race = inputs["race"]
    tag = f"contest.{race.meta.name}"
    k = len(race.names)
    return {
        "error": [f"{tag}.error.{j}" for j in range(k)],
        "turnout": [f"{tag}.turnout"],
        "market": [f"{tag}.market"],
    }


def race_uniforms(race: Race, n: int, seed: int) -> dict[str, Array]:
    """The race's streams drawn directly (tests): (n, K), (n, 1) and (n, 1)."""
    return {
        key: np.column_stack([uniforms(s, n, seed, "mc") for s in names])
        for key, names in stream_names({"race": race}).items()
    }


def amounts_with(base: Array, stream: int | None, levels: Array) -> Array:
    """Per-draw amounts (n, S) as (n, L, S) with one stream set to each level."""
    a = np.broadcast_to(base[:, None, :], (base.shape[0], len(levels), base.shape[1])).copy()
    if stream is not None:
        a[:, :, stream] = levels[None, :]
    return a


def race_win(k: kernel.Kernel) -> eq.WinProb:
    """P(attacker wins) = P(target loses), for rows of a (repeated) kernel."""

    def win(xa: Array, xd: Array, rows: NDArray[np.intp]) -> Array:
        sub = k.take(rows)
        return 1.0 - kernel.target_win(sub, np.ascontiguousarray(xa), np.ascontiguousarray(xd))

    return win


def prize_sweep(p: Mapping[str, Array], race: Race, base: Array) -> dict[str, Array]:
    """Equilibrium as the attacker's prize grows, saturating race vs classic Tullock: all
    prizes solved in one batch (draws x prizes rows), converged rows frozen."""
    n = len(p["contest.defender_prize_usd"])
    m = len(PRIZES)
    vd, wa, wd = (
        np.tile(p["contest.defender_prize_usd"], m),
        np.tile(p["contest.attacker_budget_usd"], m),
        np.tile(p["contest.defender_budget_usd"], m),
    )
    va = np.repeat(np.array(PRIZES, dtype=np.float64), n)
    k = kernel.prepare(p, race, base).repeat(m)
    win = race_win(k)
    xa, xd = eq.solve(win, (va, vd), (wa, wd), iters=40, tol=1e-4)
    pa = win(xa[:, None], xd[:, None], np.arange(n * m))[:, 0]
    ta, _, tp = eq.tullock_closed_form(va, vd)

    def grid(x: Array) -> Array:
        return x.reshape(m, n).T  # (n, prizes)

    return {
        "x_attacker": grid(xa),
        "x_defender": grid(xd),
        "p_attacker": grid(pa),
        "tullock_x_attacker": grid(ta),
        "tullock_p_attacker": grid(tp),
        "prizes": np.array(PRIZES),
    }


def outcome(
    params: Mapping[str, Array], race: Race, u: Mapping[str, Array]
) -> tuple[Mapping[str, Array], Array, dict[str, Array], dict[str, Array]]:
    """Parameters with the race's draws, base shares, the simulated outcome and the attack
    curve (P(target wins) and its share at each attack level)."""
    p = forecast.with_race_draws(params, race, u)
    n = len(p["contest.cost_per_net_vote_usd"])
    base = forecast.base_shares(p, race)
    amount = forecast.spent(p, race, n)
    sim = forecast.simulate(p, race, amount, base, u)
    amounts = amounts_with(amount, race.strategic("attacker"), np.array(ATTACK_LEVELS))
    curve = {
        "win": forecast.target_win_probability(p, race, amounts, base),
        "share": model.vote_shares(p, race, amounts, base)[..., race.target],
    }
    return p, base, sim, curve


def run_race(
    p: Mapping[str, Array], race: Race, seed: int, solve_equilibrium: bool = True
) -> RaceResult:
    """Everything `plowshare contest` reports, for all draws at once."""
    n = len(p["contest.cost_per_net_vote_usd"])
    u = race_uniforms(race, n, seed)
    pr, base, sim, curve = outcome(p, race, u)
    k = len(race.names)
    win_prob = np.bincount(sim["winner"], minlength=k) / n
    sweep = prize_sweep(pr, race, base) if solve_equilibrium else {}
    return RaceResult(
        race,
        sim["shares"],
        sim["expected_shares"],
        win_prob,
        np.array(ATTACK_LEVELS),
        curve["win"],
        curve["share"],
        model.money_proof_margin(pr, race, base),
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
    p, base, sim, curve = outcome(params, race, streams)
    n = len(base)
    k = len(race.names)
    out = {
        "shares": sim["shares"],
        "expected_shares": sim["expected_shares"],
        "wins": (sim["winner"][:, None] == np.arange(k)[None, :]).astype(np.float64),
        "top_k": sim["top_k"].astype(np.float64),
        "above_threshold": sim["above_threshold"].astype(np.float64),
        "curve_win_probability": curve["win"],
        "curve_share": curve["share"],
        "money_proof_margin": model.money_proof_margin(p, race, base),
    }
    if inputs.get("equilibrium", False):
        sweep = prize_sweep(p, race, base)
        out |= {name: sweep[key] for name, key in EQUILIBRIUM_OUTPUTS.items()}
    else:
        out |= {name: np.full((n, len(PRIZES)), np.nan) for name in EQUILIBRIUM_OUTPUTS}
    return out
