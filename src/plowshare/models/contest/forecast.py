r"""Where a race starts and how far the result may land from it, fitted on real races.

* **With polls** (:func:`poll_forecast`): the poll-to-result error model fitted by
  maximum likelihood on FiveThirtyEight's 11,475 poll questions with results
  (``tools/build_contest_errors.py``; presidential primaries and general elections
  separately). Each poll's share among the decided (undecided split in proportion) is
  corrected for its sponsor's house effect :math:`h` and averaged on the logit scale with
  weights :math:`1/v_j`, :math:`v_j = \sigma_p^2 + \tau^2 d_j + 1/(n_j p (1-p))`, so older
  and smaller polls count less (recency weighting that follows from the fit). Then
  :math:`\mathrm{logit}\,a = b + (1 + \beta)\,\bar\theta + e`, with
  :math:`e \sim N(0, \sigma_r^2 e^{2\phi(k_{eff}-2)} + (1+\beta)^2 (1/\sum_j v_j^{-1} +
  \tau^2 \bar d))` (the drift since the polls' weighted age :math:`\bar d` is shared by all
  of them, so averaging cannot remove it): errors
  on the logit scale, so a candidate polled at 2 % moves by fractions of a point and one
  at 40 % by several.
* **Without polls** (:func:`prior_forecast`): log shares on incumbency and party and
  group endorsements, fitted within 538's 2018 and 2022 House, Senate and governor
  primaries; the residual spread is the error.
* **The outcome** (:func:`simulate`): expected shares after the spending that followed
  the last poll, a logit-scale error per candidate, renormalised.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtri

from plowshare.models.contest.model import (
    expand,
    ranks,
    redistribute,
    share_sd,
    vote_shares,
    win_probability,
)
from plowshare.models.contest.race import Race

Array = NDArray[np.float64]


class WithRace(Mapping[str, Array]):
    """Parameters plus the race's per-draw inputs (turnout, market share) under ``race.*``
    keys, without reading (and so marking as used) every parameter."""

    def __init__(self, p: Mapping[str, Array], extra: dict[str, Array]) -> None:
        self._p, self._extra = p, extra

    def __getitem__(self, key: str) -> Array:
        return self._extra[key] if key in self._extra else self._p[key]

    def __iter__(self) -> Iterator[str]:
        yield from self._extra
        yield from self._p

    def __len__(self) -> int:
        return len(self._extra) + len(self._p)


def with_race_draws(p: Mapping[str, Array], race: Race, u: Mapping[str, Array]) -> WithRace:
    """Turnout and the district's share of the media market, drawn uniformly in their
    ranges from the streams ``u["turnout"]`` and ``u["market"]`` (n, 1)."""
    extra = {}
    for key, (lo, hi) in (("turnout", race.turnout_range), ("market", race.market_range)):
        extra[f"race.{key}"] = lo + (hi - lo) * np.asarray(u[key], dtype=np.float64)[:, 0]
    return WithRace(p, extra)


def spent(p: Mapping[str, Array], race: Race, n: int) -> Array:
    """Per-draw amounts (n, S): reported sums as given, lower bounds scaled up by
    ``lower_bound_multiple``, committed sums scaled down by ``committed_spent_share``."""
    lb = expand(p["contest.lower_bound_multiple"], 2)
    cm = expand(p["contest.committed_spent_share"], 2)
    k = race.amount_kind[None, :]
    factor = np.where(k == 1.0, lb, np.where(k == 2.0, cm, 1.0))
    return np.broadcast_to(race.amount[None, :] * factor, (n, len(race.amount))).copy()


def _kind(race: Race) -> str:
    return "primary" if race.is_primary else "general"


def poll_forecast(p: Mapping[str, Array], race: Race) -> tuple[Array, Array]:
    """Election-day logit mean and sd per candidate, (n, K), from the race's polls."""
    kd = _kind(race)
    n = len(p[f"contest.poll_bias_logit_{kd}"])
    pres = race.poll_present[None]  # (1, P, K)
    listed = race.polls.sum(axis=1, keepdims=True)
    q = np.clip(race.polls / np.maximum(listed, 1e-12), 0.005, 0.995)[None]
    raw = np.clip(race.polls, 0.005, 0.995)[None]
    h = expand(p["contest.house_effect_logit"], 3)
    lq = np.log(q / (1 - q)) - h * race.poll_fav[None]
    v = (
        expand(p[f"contest.poll_error_logit_sd_{kd}"], 3) ** 2
        + expand(p[f"contest.poll_drift_logit_sd_{kd}"], 3) ** 2 * race.poll_days[None, :, None]
        + 1.0 / (race.poll_n[None, :, None] * raw * (1 - raw))
    )
    w = pres / v  # (n, P, K)
    sw = w.sum(axis=1)
    theta = (w * lq).sum(axis=1) / sw
    qbar = 1.0 / (1.0 + np.exp(-theta))
    qbar = qbar / qbar.sum(axis=1, keepdims=True)
    k_eff = 1.0 / (qbar**2).sum(axis=1, keepdims=True)
    slope = 1.0 + expand(p[f"contest.poll_slope_{kd}"], 2)
    mean = expand(p[f"contest.poll_bias_logit_{kd}"], 2) + slope * theta
    race_var = expand(p[f"contest.race_error_logit_sd_{kd}"], 2) ** 2 * np.exp(
        2.0 * expand(p[f"contest.field_size_error_{kd}"], 2) * (k_eff - 2.0)
    )
    # the drift since a poll is a random walk shared by every poll of that age, so
    # averaging does not remove it: add it at the polls' weighted age
    drift = expand(p[f"contest.poll_drift_logit_sd_{kd}"], 2) ** 2
    age = (w * race.poll_days[None, :, None]).sum(axis=1) / sw
    sd = np.sqrt(race_var + slope**2 * (1.0 / sw + drift * age))
    shape = (n, len(race.names))
    return np.broadcast_to(mean, shape), np.broadcast_to(sd, shape)


def prior_forecast(p: Mapping[str, Array], race: Race) -> tuple[Array, Array]:
    """Without polls: expected shares (n, K) from incumbency and endorsements (a softmax of
    the fitted log-share effects) and the residual log-share spread (n, K)."""
    beta = np.stack(
        [
            p["contest.prior_log_share_incumbent"],
            p["contest.prior_log_share_party_endorsed"],
            p["contest.prior_log_share_group_endorsed"],
        ],
        axis=1,
    )  # (n, 3)
    z = beta @ race.features.T  # (n, K)
    share = np.exp(z - z.max(axis=1, keepdims=True))
    share = share / share.sum(axis=1, keepdims=True)
    sd = np.broadcast_to(expand(p["contest.prior_log_share_sd"], 2), share.shape)
    return share, sd


def error_sd(p: Mapping[str, Array], race: Race) -> Array:
    """Each candidate's election-day error on the logit scale, (n, K)."""
    return poll_forecast(p, race)[1] if race.has_polls else prior_forecast(p, race)[1]


def base_shares(p: Mapping[str, Array], race: Race) -> Array:
    """Expected election-day shares before the spending that followed the last poll, (n, K):
    the poll forecast (or the prior), then candidates with a major endorsement after the
    last poll gain ``endorsement_effect`` from the others."""
    prior, _ = prior_forecast(p, race)  # always evaluated: the race kind is data, not code
    if race.has_polls:
        mean, _ = poll_forecast(p, race)
        start = 1.0 / (1.0 + np.exp(-mean))
        start = start / start.sum(axis=1, keepdims=True)
    else:
        start = prior
    gain = p["contest.endorsement_effect"][:, None] * race.endorsed_after_polls[None, :]
    return redistribute(start, gain, np.zeros_like(gain))


def target_win_probability(p: Mapping[str, Array], race: Race, amount: Array, base: Array) -> Array:
    """P(target wins), (...), from its expected share and everyone's forecast error."""
    v = vote_shares(p, race, amount, base)
    sd = error_sd(p, race)  # (n, K)
    sd = sd.reshape((sd.shape[0],) + (1,) * (v.ndim - 2) + (sd.shape[1],))
    return win_probability(v, race.target, share_sd(v, sd), race.bucket)


def simulate(
    p: Mapping[str, Array], race: Race, amount: Array, base: Array, u: Mapping[str, Array]
) -> dict[str, Array]:
    """Outcome per draw: expected and final shares (n, K), the winner (n,), whether each
    candidate finishes in the top k and reaches the threshold (n, K)."""
    v = vote_shares(p, race, amount, base)
    z = ndtri(np.clip(u["error"], 1e-12, 1 - 1e-12))
    lv = np.log(np.clip(v, 1e-9, 1.0) / np.clip(1.0 - v, 1e-9, 1.0))
    raw = 1.0 / (1.0 + np.exp(-(lv + error_sd(p, race) * z)))
    final = raw / raw.sum(axis=-1, keepdims=True)
    r = ranks(final, race.bucket)
    return {
        "expected_shares": v,
        "shares": final,
        "winner": np.argmin(r, axis=-1),
        "top_k": (r < race.top_k) & ~race.bucket[None, :],
        "above_threshold": final >= race.threshold,
    }
