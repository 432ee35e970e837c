r"""Capability → automatable share of each occupation group's tasks, and firm adoption.

**Capability progress** :math:`\pi_t` is effective compute measured in units of the
transformative-AI threshold: :math:`\pi_t = \max_{s \le t} C_s / C^*`, where :math:`C_t` is
the frontier bloc's effective compute (OOM above the 2025 frontier run, so
:math:`\pi_{2025} = 0`) and :math:`C^*` its value in the TAI year (so :math:`\pi = 1` at
TAI). Capability is never lost (running maximum). Where a draw never reaches TAI within the
horizon, :math:`C^*` is the last year's compute plus ``no_tai_headroom_oom``.

**Automatable share** of group :math:`g` (FTM-style: each unit of progress makes a constant
fraction of the remaining tasks automatable):

.. math:: m_{g}(\pi) = 1 - (1 - m^0_g)\,(1 - u_g)^{\pi},\qquad m^0_g = \theta\,x_g,

with :math:`x_g` today's measured exposure (2023-era models), :math:`\theta` the share of
exposed work those models can do without a human, and :math:`u_g = u` for knowledge-work
groups, :math:`\varphi u` for the others (physical work lags). At TAI (:math:`\pi = 1`) the
employment-weighted knowledge-work share is :math:`\bar m^0_K + (1-\bar m^0_K)u`; ``u`` is
raised where needed so that it is at least ``tai_knowledge_work_share_min`` (the TAI
definition, "most knowledge work automatable") in every draw, whichever exposure measure
is chosen (the floor is set with the least-exposed measure, so more exposure never means
less automatable work).

**Adoption**: each increment of automatable share diffuses through firms on its own
logistic curve from the year it becomes automatable (a vintage model), so adopted share is
a convolution of capability increments with the diffusion curve

.. math:: F(s) = \frac{\sigma(k(s-\ell-c)) - \sigma(-kc)}{1-\sigma(-kc)},\quad s \ge \ell,

a logistic normalised to start at 0 after a deployment delay :math:`\ell`, scaled so that it
takes exactly :math:`D` years from 10 % to 50 % (it reaches 10 % about 0.45 D after it
starts).
Today's automatable share :math:`m^0` dates from the exposure measures' model (GPT-4).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from plowshare.core.arrays import BASE_YEAR, col
from plowshare.core.contract import category

Array = NDArray[np.float64]
LN9 = float(np.log(9.0))
PATHS = ("compute", "asserted", "today")  # labor.capability_path


def progress(
    p: Mapping[str, Array], years: Array, effective_compute_oom: Array, tai_year: Array
) -> Array:
    """Capability progress pi, (n, T): 0 in 2025, 1 at the TAI year, growing after."""
    path = category(p, "labor.capability_path", PATHS)
    c = np.maximum.accumulate(np.maximum(effective_compute_oom, 0.0), axis=1)  # (n, T)
    tai = np.asarray(tai_year, dtype=np.float64)
    reached = np.isfinite(tai) & (tai <= years[-1])
    idx = np.arange(len(tai))
    # compute at the TAI year, linearly interpolated between the yearly values
    t_clip = np.clip(np.where(reached, tai, years[0]), years[0], years[-1])
    j = np.clip(np.searchsorted(years, t_clip, side="right") - 1, 0, len(years) - 2)
    w = (t_clip - years[j]) / (years[j + 1] - years[j])
    at_tai = c[idx, j] * (1.0 - w) + c[idx, j + 1] * w
    headroom = p["labor.no_tai_headroom_oom"]
    c_star = np.where(reached, at_tai, c[:, -1] + headroom)
    pi_compute = c / np.maximum(c_star, 0.1)[:, None]
    asserted = (years[None, :] - BASE_YEAR) / np.maximum(
        col(p["labor.asserted_tai_year"]) - BASE_YEAR, 0.5
    )
    out = np.where(col(path == 0), pi_compute, np.where(col(path == 1), asserted, 0.0))
    return np.maximum(out, 0.0)


def today_share(p: Mapping[str, Array], exposure: Array) -> Array:
    """Share of each group's tasks automatable by today's models, (n, G)."""
    return np.clip(col(p["labor.automatable_share_of_exposure"]) * exposure, 0.0, 1.0)


def uplift(p: Mapping[str, Array], exposures: Array, knowledge: Array, employment: Array) -> Array:
    """Per-group share u_g of today's non-automatable tasks automatable at TAI, (n, G).

    The floor is set with the least-exposed measure in ``exposures`` (M, G), so that it
    holds whichever measure a scenario chooses and a more exposed measure is never given
    a smaller uplift (automatable shares stay ordered by exposure in every year).
    """
    wk = knowledge * employment / (knowledge @ employment)
    theta = col(p["labor.automatable_share_of_exposure"])
    m0k = np.clip(theta * (exposures @ wk)[None, :], 0.0, 1.0).min(axis=1)  # (n,)
    floor = p["labor.tai_knowledge_work_share_min"]
    need = (floor - m0k) / np.maximum(1.0 - m0k, 1e-9)
    u = np.clip(np.maximum(p["labor.tai_uplift"], need), 0.0, 1.0)
    phys = col(u * p["labor.physical_work_relative_progress"])
    return np.where(knowledge[None, :] > 0, col(u), phys)


def automatable(pi: Array, m0: Array, u: Array) -> Array:
    """m_{g,t} = 1 - (1 - m0_g)(1 - u_g)^pi_t, (n, T, G)."""
    with np.errstate(divide="ignore"):
        log_keep = np.log1p(-np.minimum(u, 1.0 - 1e-12))  # (n, G), <= 0
    return 1.0 - (1.0 - m0)[:, None, :] * np.exp(pi[:, :, None] * log_keep[:, None, :])


def _logit(q: Array) -> Array:
    return np.log(q / (1.0 - q))


# The logistic G(s) = sigma(ln9 (s - 1)) normalised to start at 0, F = (G - G(0)) / (1 - G(0)),
# has a shorter 10 -> 50 time than G; its own 10 % and 50 % points set the scale so that F
# takes exactly D years from 10 % to 50 % (and reaches 10 % TO_10_RATIO x D after starting).
_G0 = 1.0 / (1.0 + np.exp(LN9))
_T10 = 1.0 + float(np.log((_G0 + 0.1 * (1 - _G0)) / (0.9 * (1 - _G0)))) / LN9
_T50 = 1.0 + float(np.log((_G0 + 0.5 * (1 - _G0)) / (0.5 * (1 - _G0)))) / LN9
TO_10_RATIO = _T10 / (_T50 - _T10)


def diffusion(s: Array, lag: Array, d: Array) -> Array:
    """Share of a vintage adopted s years after it became automatable.

    Zero until ``lag`` years have passed; then a logistic that starts at 0, reaches 10 %
    ``TO_10_RATIO`` x ``d`` years later and 50 % another ``d`` years on.
    """
    scale = np.asarray(d) / (_T50 - _T10)
    x = (np.asarray(s) - lag) / scale
    with np.errstate(over="ignore"):
        g = 1.0 / (1.0 + np.exp(-LN9 * (x - 1.0)))
    return np.where(x >= 0.0, (g - _G0) / (1.0 - _G0), 0.0)


def adopted(p: Mapping[str, Array], years: Array, m0: Array, m: Array) -> Array:
    """Adopted (automated by firms) share of each group's tasks, (n, T, G).

    Vintages: today's share m0 from the exposure measures' model year; the increment of
    m from year t-1 to t at mid-interval (the 2025 value's increment over m0 at 2025).
    """
    lag = p["labor.adoption_lag_years"][:, None, None]
    d = p["labor.diffusion_years_10_to_50"][:, None, None]
    t0 = p["labor.exposure_model_year"][:, None]
    vintage = np.concatenate([[years[0]], 0.5 * (years[1:] + years[:-1])])  # (T,)
    inc = np.diff(m, axis=1, prepend=m0[:, None, :])  # (n, T, G), >= 0
    age = years[:, None] - vintage[None, :]  # (T, T): year t, vintage v
    kernel = diffusion(age[None, :, :], lag, d)  # (n, T, T), zero above the diagonal
    base = diffusion(years[None, :] - t0, lag[:, :, 0], d[:, :, 0])  # (n, T)
    return base[:, :, None] * m0[:, None, :] + kernel @ inc
