r"""Equilibrium spending: each spender maximises prize × win probability − spending.

Two strategic spenders, an attacker (wants the target to lose, prize :math:`V_A`) and a
defender (wants the target to win, prize :math:`V_D`), each with a budget. Best responses
are found numerically for every draw at once: a log-spaced grid of spending levels, then
golden-section refinement around the best grid point; the pair iterates damped best
responses to a fixed point. The same solver reproduces the classic Tullock contest
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
# P(player i wins) given own spending (n, G) and the other's (n, 1): returns (n, G)
WinProb = Callable[[int, Array, Array], Array]
GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0


def best_response(
    win: WinProb,
    i: int,
    other: Array,
    prize: Array,
    budget: Array,
    grid: int = 32,
    refine: int = 20,
) -> Array:
    """argmax over x in [0, budget] of prize * win(i, x, other) - x, per draw, (n,)."""
    n = len(prize)
    frac = np.concatenate([[0.0], np.logspace(-6, 0, grid - 1)])
    xs = budget[:, None] * frac[None, :]  # (n, G)
    payoff = prize[:, None] * win(i, xs, other[:, None]) - xs
    j = payoff.argmax(axis=1)
    lo = xs[np.arange(n), np.maximum(j - 1, 0)]
    hi = xs[np.arange(n), np.minimum(j + 1, grid - 1)]
    for _ in range(refine):  # golden section inside the bracket around the best grid point
        a = hi - GOLDEN * (hi - lo)
        b = lo + GOLDEN * (hi - lo)
        pa = prize * win(i, a[:, None], other[:, None])[:, 0] - a
        pb = prize * win(i, b[:, None], other[:, None])[:, 0] - b
        lo, hi = np.where(pa >= pb, lo, a), np.where(pa >= pb, b, hi)
    x = (lo + hi) / 2.0
    best_grid = payoff[np.arange(n), j]
    px = prize * win(i, x[:, None], other[:, None])[:, 0] - x
    return np.where(px >= best_grid, x, xs[np.arange(n), j])


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
    them. Stops when the largest relative step across draws is below ``tol`` or after
    ``iters`` rounds; ``start`` warm-starts from a nearby equilibrium.
    """
    x1, x2 = start if start is not None else (budgets[0] * 0.01, budgets[1] * 0.01)
    for k in range(iters):
        damping = max(0.5 / (1.0 + k / 10.0), 0.01)
        b1 = best_response(win, 0, x2, prizes[0], budgets[0])
        b2 = best_response(win, 1, x1, prizes[1], budgets[1])
        n1 = (1 - damping) * x1 + damping * b1
        n2 = (1 - damping) * x2 + damping * b2
        scale = np.maximum(np.abs(n1) + np.abs(n2), 1e-9 * (budgets[0] + budgets[1]) + 1e-12)
        done = np.max((np.abs(b1 - x1) + np.abs(b2 - x2)) / scale) < tol
        x1, x2 = n1, n2
        if done:
            break
    return x1, x2


def tullock(r: float = 1.0) -> WinProb:
    """Contest success function x_i^r / (x_i^r + x_j^r) (0.5 when both spend nothing)."""

    def win(i: int, x: Array, other: Array) -> Array:
        a, b = x**r, other**r
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
