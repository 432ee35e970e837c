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
* **Where the race starts and how far it may miss** live in :mod:`.forecast` (fitted on
  538's polls and results).
* ``p`` carries the race's per-draw turnout and market share as ``race.turnout`` and
  ``race.market`` (:func:`.forecast.with_race_draws`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr

from plowshare.models.contest.race import Race

Array = NDArray[np.float64]


def expand(x: Array, ndim: int) -> Array:
    """An (n,) parameter reshaped to (n, 1, ..., 1) with ``ndim`` axes in all."""
    return np.asarray(x, dtype=np.float64).reshape((-1,) + (1,) * (ndim - 1))


def ceiling(p: Mapping[str, Array], race: Race) -> Array:
    key = "open_primary" if race.is_primary else "partisan_general"
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
    reach = b * expand(p["race.market"], nd) + (1.0 - b)
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
    half = top * expand(p["race.turnout"], nd) * expand(p["contest.cost_per_net_vote_usd"], nd)
    gain = top * support / (support + half)
    loss = top * attack / (attack + half) * (1.0 - expand(p["contest.backlash_share"], nd))
    return gain, loss


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
    votes = s * expand(p["race.turnout"], s.ndim) + field_votes(p, race, amount)
    return votes / votes.sum(axis=-1, keepdims=True)


HERMITE_X, HERMITE_W = np.polynomial.hermite.hermgauss(16)


def share_sd(v: Array, sd_logit: Array) -> Array:
    """A logit-scale error as a share-scale sd (delta method): v (1 - v) sd."""
    return np.maximum(v * (1.0 - v) * sd_logit, 1e-6)


def win_probability(
    v: Array, t: int, sigma: Array, bucket: NDArray[np.bool_] | None = None
) -> Array:
    r"""P(candidate ``t`` has the largest share among the candidates that can win), (...),
    when share :math:`k` carries an independent normal error of sd :math:`\sigma_k`
    (``sigma`` broadcasts against ``v``):

    .. math:: P = \int \phi(z) \prod_{k \ne t} \Phi\!\left(
        \frac{v_t - v_k + \sigma_t z}{\sigma_k}\right) dz

    by 16-point Gauss-Hermite quadrature (smooth in spending, so best responses are too),
    with ``scipy.special.ndtr``. Buckets (``Others``) are left out of the rivals.
    """
    sigma = np.broadcast_to(sigma, v.shape)
    k = v.shape[-1]
    rivals = [j for j in range(k) if j != t and (bucket is None or not bucket[j])]
    z = np.sqrt(2.0) * HERMITE_X  # nodes for a standard normal
    num = v[..., t : t + 1] - v[..., rivals]  # (..., R)
    st = sigma[..., t : t + 1]
    sr = sigma[..., rivals]
    arg = (num[..., None, :] + st[..., None, :] * z[:, None]) / sr[..., None, :]
    inner = ndtr(arg).prod(axis=-1)  # (..., nodes)
    return np.asarray(inner @ HERMITE_W / np.sqrt(np.pi))


def ranks(final: Array, bucket: NDArray[np.bool_]) -> NDArray[np.intp]:
    """Each candidate's place (0 = first) among those that can win; buckets rank last."""
    score = np.where(bucket[None, :], -np.inf, final)
    order = np.argsort(-score, axis=-1, kind="stable")
    r = np.empty_like(order)
    np.put_along_axis(r, order, np.arange(final.shape[-1])[None, :], axis=-1)
    return r


def money_proof_margin(p: Mapping[str, Array], race: Race, base: Array) -> Array:
    """The lead over the strongest rival that no amount of attack spending overturns on
    average, per draw: the most an attack can take from the target (the ceiling after
    backlash) plus what the strongest rival gains from that loss (its share of the rest)."""
    t = race.target
    rival = np.delete(base, t, axis=1).max(axis=1)
    take = ceiling(p, race) * (1.0 - p["contest.backlash_share"])
    return take * (1.0 + rival / np.maximum(1.0 - base[:, t], 1e-12))
