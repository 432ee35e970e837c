r"""Campaign money in one race: media prices, adstock, saturating persuasion, backlash.

Every function broadcasts over leading batch axes (draws, and a grid of spending levels
when solving best responses); parameters are (n,) arrays reshaped to broadcast.

* **Media supply.** A dollar buys :math:`1/(p\,m\,f_t)` units of persuasion dose, where
  outside groups pay a multiple :math:`m` of the candidates' lowest unit rate and the
  price rises as the week's total spending :math:`S_t` fills the market's inventory:
  :math:`f_t = 1 + \kappa (S_t/S^*)^2`. Only the district's share :math:`w` of a broadcast
  market's impressions reaches its voters; targeted media (digital, mail) share
  :math:`1 - b` reaches them all.
* **Adstock.** A week's dose decays by :math:`\lambda` a week to election day, with a
  durable share :math:`\delta` that does not decay:
  :math:`r_\tau = \delta + (1-\delta)\lambda^\tau` for :math:`\tau` weeks before.
* **Persuasion** saturates (Hill, :math:`k=1`): :math:`\Delta = \Delta_{max} D/(D + D_{50})`,
  with the ceiling :math:`\Delta_{max}` larger in open primaries than in partisan generals
  and the half-saturation dose :math:`D_{50} = \Delta_{max} \cdot turnout \cdot CPV` set by
  the cost per net vote at the first dollar.
* **Backlash.** Attacks lose a share :math:`\theta` of their effect (negative :math:`\theta`:
  attacks work better than the evidence average).
* **Several candidates.** A candidate's losses go to every other candidate in proportion
  to their support; gains come from them in the same proportion.
* **Turnout** (field spending) adds votes at a cost per vote, shifting shares.
* **Uncertainty about the start**: a random mix of the race's polls, a random break of
  the undecided, and a forecast error that grows with the polls' age.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from plowshare.models.contest.race import Race

Array = NDArray[np.float64]


def expand(x: Array, ndim: int) -> Array:
    """An (n,) parameter reshaped to (n, 1, ..., 1) with ``ndim`` axes in all."""
    return np.asarray(x, dtype=np.float64).reshape((-1,) + (1,) * (ndim - 1))


def ceiling(p: Mapping[str, Array], race: Race) -> Array:
    key = "open_primary" if race.meta.kind == "open_primary" else "partisan_general"
    return p[f"contest.persuasion_ceiling_{key}"]


def doses(p: Mapping[str, Array], race: Race, amount: Array) -> Array:
    """Persuasion dose of each media stream at election day, (..., S), from amounts (..., S).

    ``amount`` has leading batch axes whose first is the draw axis (n or 1).
    """
    nd = amount.ndim + 1  # (..., S, W)
    weekly = amount[..., None] * race.pattern  # (..., S, W) dollars a week
    total = (weekly * race.media[:, None]).sum(axis=-2, keepdims=True)  # media spending a week
    congestion = (
        1.0
        + expand(p["contest.price_congestion"], nd)
        * (total / expand(p["contest.inventory_usd_per_week"], nd)) ** 2
    )
    price = 1.0 + race.outside[:, None] * (expand(p["contest.outside_price_multiple"], nd) - 1.0)
    b = expand(p["contest.broadcast_share"], nd)
    reach = b * race.meta.district_share_of_market + (1.0 - b)
    tau = race.weeks_to_election()
    lam, dur = (
        expand(p["contest.adstock_weekly_retention"], nd),
        expand(p["contest.durable_share"], nd),
    )
    retain = dur + (1.0 - dur) * lam**tau
    dose = weekly / (price * congestion) * reach * retain
    return (dose * race.media[:, None]).sum(axis=-1)


def effects(p: Mapping[str, Array], race: Race, amount: Array) -> tuple[Array, Array]:
    """Share gained (support) and lost (attacks, after backlash) per candidate, (..., K) each."""
    dose = doses(p, race, amount)  # (..., S)
    nd = dose.ndim
    k = len(race.names)
    onehot = np.eye(k)[race.target_idx]  # (S, K)
    support = (dose * (race.sign > 0)) @ onehot
    attack = (dose * (race.sign < 0)) @ onehot
    top = expand(ceiling(p, race), nd)
    half = top * race.meta.turnout * expand(p["contest.cost_per_net_vote_usd"], nd)
    gain = top * support / (support + half)
    loss = top * attack / (attack + half) * (1.0 - expand(p["contest.backlash_share"], nd))
    return gain, loss


def base_shares(p: Mapping[str, Array], race: Race, u: dict[str, Array]) -> Array:
    """Where the race stands before the modelled spending, per draw, (n, K).

    Two uncertainties, drawn from the uniforms ``u`` (see ``run.race_uniforms``):

    * which poll to believe: a random convex combination of the race's polls (flat
      Dirichlet weights) — sponsored polls disagree;
    * where the undecided go: Dirichlet with mean equal to the decided shares and
      concentration ``undecided_concentration`` (low: they break unpredictably);
    * then candidates with a major endorsement after the last poll gain
      ``endorsement_effect`` (drawn from the others by their support).
    """
    w = -np.log(u["poll_weight"])  # (n, P) exponential -> flat Dirichlet after normalising
    w = w / w.sum(axis=1, keepdims=True)
    decided = w @ race.polls  # (n, K)
    undecided = np.clip(1.0 - decided.sum(axis=1, keepdims=True), 0.0, 1.0)
    mean = decided / np.maximum(decided.sum(axis=1, keepdims=True), 1e-12)
    alpha = np.maximum(p["contest.undecided_concentration"][:, None] * mean, 1e-3)
    g = stats.gamma.ppf(u["undecided"], alpha)
    split = g / np.maximum(g.sum(axis=1, keepdims=True), 1e-300)
    start = decided + undecided * split
    # major endorsements after the polls: a gain drawn from the others by their support
    gain = p["contest.endorsement_effect"][:, None] * race.endorsed_after_polls[None, :]
    return redistribute(start, gain, np.zeros_like(gain))


def align(base: Array, amount: Array) -> Array:
    """Base shares (n, K) reshaped to broadcast against amounts (n, ..., S)."""
    return base.reshape((base.shape[0],) + (1,) * (amount.ndim - 2) + (base.shape[1],))


def redistribute(shares: Array, gain: Array, loss: Array) -> Array:
    """Apply gains and losses; each candidate's change moves to/from the others by share."""
    s = shares
    net = gain - loss  # (..., K)
    others = s[..., None, :] * (1.0 - np.eye(s.shape[-1]))  # (..., K, K): row k = others of k
    weights = others / np.maximum(others.sum(axis=-1, keepdims=True), 1e-12)
    moved = (net[..., :, None] * weights).sum(axis=-2)  # what the others give or receive
    out = np.clip(s + net - moved, 0.0, None)
    return out / out.sum(axis=-1, keepdims=True)


def field_votes(p: Mapping[str, Array], race: Race, amount: Array) -> Array:
    """Extra votes per candidate from field (turnout) spending, (..., K)."""
    field = amount * (1.0 - race.media) * (race.sign > 0)
    onehot = np.eye(len(race.names))[race.target_idx]
    return (field @ onehot) / expand(p["contest.field_cost_per_vote_usd"], field.ndim)


def vote_shares(p: Mapping[str, Array], race: Race, amount: Array, base: Array) -> Array:
    """Expected final vote shares, (..., K), before forecast error; ``base`` is (n, K)."""
    gain, loss = effects(p, race, amount)
    s = redistribute(np.broadcast_to(align(base, amount), gain.shape), gain, loss)
    votes = s * race.meta.turnout + field_votes(p, race, amount)
    return votes / votes.sum(axis=-1, keepdims=True)


HERMITE_X, HERMITE_W = np.polynomial.hermite.hermgauss(16)


def win_probability(v: Array, t: int, sigma: Array) -> Array:
    r"""P(candidate ``t`` has the largest share), (...), when every share carries an
        independent normal error of sd ``sigma`` (broadcast against ``v[..., 0]``):

        .. math:: P = \int \phi(z) \prod_{k
    e t} \Phi\!\left(rac{v_t - v_k}{\sigma} + z
    ight) dz

        by 16-point Gauss-Hermite quadrature (smooth in spending, so best responses are too).
    """
    gap = (v[..., t : t + 1] - np.delete(v, t, axis=-1)) / sigma[..., None]  # (..., K-1)
    z = np.sqrt(2.0) * HERMITE_X  # nodes for a standard normal
    inner = stats.norm.cdf(gap[..., None, :] + z[:, None]).prod(axis=-1)  # (..., nodes)
    return np.asarray(inner @ HERMITE_W / np.sqrt(np.pi))


def target_win_probability(p: Mapping[str, Array], race: Race, amount: Array, base: Array) -> Array:
    """P(target wins), (...), from its expected share and everyone's forecast error."""
    v = vote_shares(p, race, amount, base)
    return win_probability(v, race.target, expand(forecast_sd(p, race), v.ndim - 1))


def forecast_sd(p: Mapping[str, Array], race: Race) -> Array:
    """Each candidate's forecast error, (n,): the election-eve error grown with poll age.

    Opinion between a poll and election day moves like a random walk (Linzer 2013), so
    the error variance grows linearly with the weeks in between, doubling every
    ``forecast_error_doubling_weeks``.
    """
    weeks = race.poll_weeks_out()
    return p["contest.forecast_error_sd"] * np.sqrt(
        1.0 + weeks / p["contest.forecast_error_doubling_weeks"]
    )


def simulate(
    p: Mapping[str, Array], race: Race, amount: Array, base: Array, u: dict[str, Array]
) -> dict[str, Array]:
    """Outcome per draw with forecast error: final shares (n, K) and the winner (n,)."""
    v = vote_shares(p, race, amount, base)
    noise = stats.norm.ppf(u["error"]) * forecast_sd(p, race)[:, None]
    final = np.clip(v + noise, 0.0, None)
    final = final / final.sum(axis=-1, keepdims=True)
    return {"expected_shares": v, "shares": final, "winner": final.argmax(axis=-1)}


def money_proof_margin(p: Mapping[str, Array], race: Race, base: Array) -> Array:
    """The lead over the strongest rival that no amount of attack spending overturns on
    average, per draw: the most an attack can take from the target (the ceiling after
    backlash) plus what the strongest rival gains from that loss (its share of the rest)."""
    t = race.target
    rival = np.delete(base, t, axis=1).max(axis=1)
    take = ceiling(p, race) * (1.0 - p["contest.backlash_share"])
    return take * (1.0 + rival / np.maximum(1.0 - base[:, t], 1e-12))
