r"""Software (algorithmic) progress per bloc: semi-endogenous, with AI automation of AI R&D.

Each bloc :math:`b` has a software level :math:`s_b` (OOM of effective compute per physical
FLOP above 2025 algorithms). It grows with the bloc's research input (a Jones-type
semi-endogenous law, as in Davidson's takeoff model and the AI Futures Model):

.. math::

    \frac{ds_b}{dt} = g_0\, m_b(t) \Bigl(\frac{R_b(t)}{R_{US}(t_0)}\Bigr)^{\lambda} 10^{-\beta s_b},
    \qquad R_b = C_b^{\alpha} L_b^{1-\alpha}, \qquad \beta = \lambda / r

where :math:`g_0` is the 2025 rate of the frontier (US labs, Ho et al.), :math:`C_b` the
bloc's reachable installed compute (research compute moves with the fleet), :math:`L_b`
human research labour (growing at a constant rate; PRC labs' a ratio of US labs'), both
relative to US labs' in 2025 (:math:`t_0`), so a bloc with less research input improves its
own algorithms more slowly, :math:`\lambda` the parallelisation penalty, :math:`r` the returns to
software R&D and :math:`m_b` the AI R&D progress multiplier: log-linear in the bloc's
effective compute :math:`E_b = c_b + s_b`, from 1 at :math:`\theta - w` to :math:`m^*` at
the RSI threshold :math:`\theta`; beyond it AI researchers scale with effective compute, so
:math:`\log_{10} m` gains :math:`(1-\alpha)\lambda` per OOM (explosive when
:math:`(1-\alpha)\lambda > \beta`, i.e. :math:`(1-\alpha) r > 1`), up to a cap;
normalised to US labs' 2025 value. :math:`s_b` never exceeds a ceiling.

**Diffusion**: each bloc's level is at least the other bloc's level ``lag`` years earlier
(open weights, distillation, theft): :math:`s_b(t) \ge s_{b'}(t - \ell)`.

Each step :math:`\Delta t` holds inputs constant and integrates exactly:
:math:`10^{\beta s}` rises by :math:`\beta \ln 10 \; g_0 m (R/R_0)^\lambda \Delta t`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from plowshare.core.arrays import BASE_YEAR, col

Array = NDArray[np.float64]
DT = 0.25  # years per step (a quarter; Davidson's takeoff model steps 0.1 yr)
LN10 = np.log(10.0)


def fine_times(years: Array) -> Array:
    """The integration grid: mid-year of the first year to mid-year of the last, step DT."""
    k = round((years[-1] - years[0]) / DT)
    return years[0] + 0.5 + DT * np.arange(k + 1)


def to_fine(x: Array, years: Array, times: Array) -> Array:
    """Interpolate yearly mid-year values (n, T, B) linearly onto ``times``; time-major
    (K, n, B), so that each step of the integration reads contiguous memory."""
    mid = years + 0.5
    j = np.clip(np.searchsorted(mid, times, side="right") - 1, 0, len(mid) - 2)
    w = ((times - mid[j]) / (mid[j + 1] - mid[j]))[:, None, None]
    xt = np.ascontiguousarray(np.moveaxis(x, 1, 0))
    return xt[j] * (1.0 - w) + xt[j + 1] * w


class Multiplier:
    """log10 of the AI R&D progress multiplier as a function of effective compute (n, B).

    Below the RSI threshold ``theta`` it rises log-linearly from 0 at ``theta - w`` to
    log10(m*). Beyond it AI research labour grows with effective compute, so research input's
    labour term rises 1:1 with E: log10 m gains ``(1 - alpha) lambda`` per OOM. Capped."""

    def __init__(self, p: Mapping[str, Array]) -> None:
        w = col(p["compute.automation_gap_oom"])
        self.top = np.log10(col(p["compute.rsi_progress_multiplier"]))
        self.slope = self.top / w
        self.theta = col(p["compute.rsi_threshold_oom"])
        self.after = col(
            (1.0 - p["compute.research_compute_elasticity"]) * p["compute.research_parallelism"]
        )
        self.cap = np.log10(col(p["compute.max_progress_multiplier"]))

    def __call__(self, e: Array) -> Array:
        x = e - self.theta
        m = self.top + np.where(x < 0.0, self.slope, self.after) * x
        return np.minimum(np.maximum(m, 0.0), self.cap)


def integrate(
    p: Mapping[str, Array], years: Array, log_run: Array, log_research: Array
) -> dict[str, Array]:
    """Software level and effective compute per bloc on the fine grid.

    Parameters
    ----------
    log_run : (n, T, 2) log10 of each bloc's largest run over the 2025 frontier run.
    log_research : (n, T, 2) log10 of each bloc's reachable installed compute (FLOP/s).

    Returns ``times`` (K,); ``effective`` (n, K, 2), effective compute in OOM on that grid;
    and at mid-year of each year, ``software`` (n, T, 2) in OOM and ``multiplier``
    (n, T, 2), the AI R&D progress multiplier relative to US labs' in 2025.
    """
    times = fine_times(years)
    mids = 0.5 * (times[:-1] + times[1:])
    n = log_run.shape[0]
    g0 = np.log10(p["compute.algorithmic_efficiency_growth"])
    lam = col(p["compute.research_parallelism"])
    beta = col(p["compute.research_parallelism"] / p["compute.software_returns"])  # (n, 1)
    b = beta * LN10
    tiny = b < 1e-12
    inv_b = 1.0 / np.where(tiny, 1.0, b)
    alpha = col(p["compute.research_compute_elasticity"])
    ceiling = col(p["compute.software_ceiling_oom"])
    lag = np.rint(p["compute.diffusion_lag_years"] / DT).astype(np.intp)  # steps, (n,)
    mult_of = Multiplier(p)
    # log10 of R_b / R_US(t0), research input relative to the frontier (US labs) at the start:
    # compute share alpha, labour share 1 - alpha (PRC labour a ratio of US labour). It is
    # affine in yearly values, so it is formed yearly and interpolated to the steps' midpoints.
    lab = np.log10(p["compute.research_labour_growth"])[:, None] * (years - years[0])[None, :]
    ratio = np.stack([np.zeros(n), np.log10(p["compute.prc_research_labour_ratio"])], axis=1)
    labour = lab[:, :, None] + ratio[:, None, :]  # (n, T, B)
    d_research = (
        alpha[:, :, None] * (log_research - log_research[:, :1, :1])
        + (1.0 - alpha[:, :, None]) * labour
    )
    s0 = (years[0] - BASE_YEAR) * g0  # 2025 algorithms at mid-2025, (n,)
    m0 = mult_of(log_run[:, 0] + s0[:, None])[:, :1]  # the frontier's 2025 AI assistance
    # ln of the rate (OOM per step) before the multiplier and diminishing returns, at midpoints
    push = LN10 * (
        np.log10(np.maximum(g0, 1e-6) * DT)[:, None, None] + lam[:, :, None] * d_research
    )
    push_mid = to_fine(push - LN10 * m0[:, :, None], years, mids)  # (K-1, n, B)
    x_mid = to_fine(log_run, years, mids) - mult_of.theta  # E less software, minus theta
    c = to_fine(log_run, years, times)  # (K, n, B)
    K, _, B = c.shape
    top, slope, after, cap = (
        LN10 * a for a in (mult_of.top, mult_of.slope, mult_of.after, mult_of.cap)
    )
    decay = LN10 * beta
    s = np.empty((K, n, B))
    s[0] = s0[:, None]
    flat = s.reshape(K * n, B)
    rows = np.arange(n)
    step = np.empty((n, B))
    step[:] = (g0 * DT)[:, None]
    x, m, q = np.empty((n, B)), np.empty((n, B)), np.empty((n, B))
    any_tiny = bool(tiny.any())
    idx = np.empty(n, dtype=np.intp)
    for k in range(K - 1):
        # the multiplier at the step's midpoint, predicted with the previous step
        np.multiply(step, 0.5, out=x)
        x += x_mid[k]
        x += s[k]
        np.multiply(np.where(x < 0.0, slope, after), x, out=m)
        m += top
        np.clip(m, 0.0, cap, out=m)
        # q = A dt 10^(-beta s): rate over the step, A held at the midpoint
        np.multiply(decay, s[k], out=q)
        np.subtract(m, q, out=q)
        q += push_mid[k]
        np.exp(q, out=q)
        # exact for ds/dt = A 10^(-beta s) with A held over the step
        if any_tiny:
            step[:] = np.where(tiny, q, np.log1p(b * q) * inv_b)
        else:
            np.multiply(b, q, out=step)
            np.log1p(step, out=step)
            step *= inv_b
        nxt = np.minimum(s[k] + step, ceiling)
        # diffusion: at least the other bloc's level `lag` steps ago (before the start: the
        # common 2025 level, which no bloc falls below)
        np.clip(k + 1 - lag, 0, k, out=idx)
        idx *= n
        idx += rows
        np.maximum(nxt, flat[idx, ::-1], out=s[k + 1])
    yearly = slice(0, None, round(1.0 / DT))
    mult = mult_of(c[yearly] + s[yearly]) - m0  # (T, n, B)
    return {
        "times": times,
        "effective": (c + s).transpose(1, 0, 2),
        "software": np.ascontiguousarray(s[yearly].transpose(1, 0, 2)),
        "multiplier": np.ascontiguousarray((10.0**mult).transpose(1, 0, 2)),
    }
