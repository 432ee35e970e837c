r"""Equilibrium spending: each spender maximises prize × win probability − spending.

Two strategic spenders, an attacker (wants the target to lose, prize :math:`V_A`) and a
defender (wants the target to win, prize :math:`V_D`), each with a budget. Best responses
are found numerically for every draw at once: a log-spaced grid of spending levels, then
golden-section refinement around the best grid point, both players' candidates in one
evaluation; the pair iterates damped best responses to a fixed point, and each draw is
frozen as soon as it has converged. The same solver reproduces the classic Tullock contest
(closed form) and, applied to the race model, shows how a saturating vote response caps
what money can buy.

Closed forms used by the tests:

* **Tullock, r = 1** (lottery contest): :math:`x_1 = V_1^2V_2/(V_1+V_2)^2`,
  :math:`x_2 = V_1V_2^2/(V_1+V_2)^2`, :math:`P_1 = V_1/(V_1+V_2)`; as :math:`V_1\to\infty`,
  :math:`x_1\to V_2` and :math:`P_1 \to 1` — a huge prize wins almost surely.
* **All-pay auction** (Baye, Kovenock & de Vries 1996), :math:`V_1 \ge V_2`: player 1 bids
  uniformly on :math:`[0, V_2]`; player 2 bids 0 with probability :math:`1 - V_2/V_1`, else
  uniformly on :math:`[0, V_2]`; :math:`E[x_1] = V_2/2`, :math:`E[x_2] = V_2^2/(2V_1)`,
  :math:`P_2 = V_2/(2V_1)`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
# P(player 1 wins) given both players' spending (m, G) each, for the draws ``rows`` (m,)
# of the problem (player 2 wins otherwise): returns (m, G)
WinProb = Callable[[Array, Array, NDArray[np.intp]], Array]
GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0


def best_responses(
    win: WinProb,
    x1: Array,
    x2: Array,
    prizes: tuple[Array, Array],
    budgets: tuple[Array, Array],
    rows: NDArray[np.intp],
    grid: int = 32,
    refine: int = 20,
) -> tuple[Array, Array]:
    """Both players' argmax over x in [0, budget] of prize * P(win) - x, per row, against
    the other's current spending; every evaluation of both players in one call of ``win``.
    """
    m = len(x1)
    v1, v2 = prizes
    frac = np.concatenate([[0.0], np.logspace(-6, 0, grid - 1)])
    g1, g2 = budgets[0][:, None] * frac, budgets[1][:, None] * frac  # (m, G)
    c1, c2 = np.broadcast_to(x1[:, None], g1.shape), np.broadcast_to(x2[:, None], g2.shape)
    p = win(np.concatenate([g1, c1], 1), np.concatenate([c2, g2], 1), rows)
    pay1 = v1[:, None] * p[:, :grid] - g1
    pay2 = v2[:, None] * (1.0 - p[:, grid:]) - g2
    ar = np.arange(m)
    j1, j2 = pay1.argmax(axis=1), pay2.argmax(axis=1)
    lo1, hi1 = g1[ar, np.maximum(j1 - 1, 0)], g1[ar, np.minimum(j1 + 1, grid - 1)]
    lo2, hi2 = g2[ar, np.maximum(j2 - 1, 0)], g2[ar, np.minimum(j2 + 1, grid - 1)]
    for _ in range(refine):  # golden section inside each bracket, both players at once
        a1, b1 = hi1 - GOLDEN * (hi1 - lo1), lo1 + GOLDEN * (hi1 - lo1)
        a2, b2 = hi2 - GOLDEN * (hi2 - lo2), lo2 + GOLDEN * (hi2 - lo2)
        p = win(np.stack([a1, b1, x1, x1], axis=1), np.stack([x2, x2, a2, b2], axis=1), rows)
        pa1, pb1 = v1 * p[:, 0] - a1, v1 * p[:, 1] - b1
        pa2, pb2 = v2 * (1.0 - p[:, 2]) - a2, v2 * (1.0 - p[:, 3]) - b2
        lo1, hi1 = np.where(pa1 >= pb1, lo1, a1), np.where(pa1 >= pb1, b1, hi1)
        lo2, hi2 = np.where(pa2 >= pb2, lo2, a2), np.where(pa2 >= pb2, b2, hi2)
    y1, y2 = (lo1 + hi1) / 2.0, (lo2 + hi2) / 2.0
    p = win(np.stack([y1, x1], axis=1), np.stack([x2, y2], axis=1), rows)
    py1, py2 = v1 * p[:, 0] - y1, v2 * (1.0 - p[:, 1]) - y2
    r1 = np.where(py1 >= pay1[ar, j1], y1, g1[ar, j1])
    r2 = np.where(py2 >= pay2[ar, j2], y2, g2[ar, j2])
    return r1, r2


def solve(
    win: WinProb,
    prizes: tuple[Array, Array],
    budgets: tuple[Array, Array],
    iters: int = 300,
    tol: float = 1e-7,
    start: tuple[Array, Array] | None = None,
) -> tuple[Array, Array]:
    """Damped best-response iteration to a pure-strategy equilibrium; spending (x1, x2).

    Undamped best responses can cycle (a weak player's reply to a strong one is zero, to
    zero it is large); a step that shrinks over the rounds, as in fictitious play, settles
    them. A row (draw) is frozen once its relative step is below ``tol``; the iteration
    stops when every row is frozen or after ``iters`` rounds.
    """
    v1, v2 = (np.asarray(v, dtype=np.float64) for v in prizes)
    w1, w2 = (np.asarray(w, dtype=np.float64) for w in budgets)
    x1, x2 = (start[0].copy(), start[1].copy()) if start is not None else (w1 * 0.01, w2 * 0.01)
    active = np.arange(len(v1))
    for k in range(iters):
        damping = max(0.5 / (1.0 + k / 10.0), 0.01)
        a = active
        b1, b2 = best_responses(win, x1[a], x2[a], (v1[a], v2[a]), (w1[a], w2[a]), a)
        n1 = (1 - damping) * x1[a] + damping * b1
        n2 = (1 - damping) * x2[a] + damping * b2
        scale = np.maximum(np.abs(n1) + np.abs(n2), 1e-9 * (w1[a] + w2[a]) + 1e-12)
        step = (np.abs(b1 - x1[a]) + np.abs(b2 - x2[a])) / scale
        x1[a], x2[a] = n1, n2
        active = a[step >= tol]
        if active.size == 0:
            break
    return x1, x2


def tullock(r: float = 1.0) -> WinProb:
    """Contest success function x_1^r / (x_1^r + x_2^r) (0.5 when both spend nothing)."""

    def win(x1: Array, x2: Array, rows: NDArray[np.intp] | None = None) -> Array:
        a, b = x1**r, x2**r
        return np.where(a + b > 0, a / np.where(a + b > 0, a + b, 1.0), 0.5)

    return win


def tullock_closed_form(v1: Array, v2: Array) -> tuple[Array, Array, Array]:
    """Equilibrium spending and player 1's win probability of the r = 1 Tullock contest."""
    s = (v1 + v2) ** 2
    return v1**2 * v2 / s, v1 * v2**2 / s, v1 / (v1 + v2)


def allpay_closed_form(v1: float, v2: float) -> dict[str, float]:
    """Baye-Kovenock-de Vries mixed equilibrium of the two-player all-pay auction, v1 >= v2."""
    return {"e_x1": v2 / 2, "e_x2": v2**2 / (2 * v1), "p2": v2 / (2 * v1), "p1": 1 - v2 / (2 * v1)}


def allpay_sample(v1: float, v2: float, n: int, seed: int) -> tuple[Array, Array]:
    """Draw bids from the all-pay equilibrium's mixed strategies (for checking the formulae)."""
    rng = np.random.default_rng(seed)
    x1 = rng.uniform(0, v2, n)
    bids = rng.uniform(0, v2, n)
    x2 = np.where(rng.random(n) < 1 - v2 / v1, 0.0, bids)
    return x1, x2
