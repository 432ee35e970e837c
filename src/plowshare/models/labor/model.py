r"""The labour model: who is displaced by automation, when and where.

Per draw, for each SOC major group :math:`g` (employment :math:`E_g`, exposure
:math:`x_g` by the chosen measure):

* **Adoption** of automation follows a logistic S-curve timed by the compute model:
  it reaches 10 % in the year transformative AI becomes possible (:math:`T_{TAI}`, per
  draw) plus a deployment lag, and goes from 10 % to 50 % in :math:`D` years (technology
  diffusion data),

  .. math:: A_t = \frac{1}{1 + e^{-k(t - t_{mid})}},\quad k = \frac{\ln 9}{D},\quad
            t_{mid} = T_{TAI} + \ell + D.

* **Gross job loss**: :math:`L_{g,t} = E_g (1+g_E)^{t-2025}\, \tilde x_g\, c\, A_t` with
  :math:`c` the share of exposed work that becomes job loss (rather than augmentation) and
  :math:`\tilde x_g = x_g + u\,K_g(1 - x_g)`: today's exposure (measured on 2023-era
  language models) raised, for knowledge-work groups (:math:`K_g = 1`), by the share
  :math:`u` of their remaining tasks that transformative AI makes automatable.
* **Reabsorption**: a share :math:`\rho` of those displaced find new work, but new work is
  automated in turn after a lag :math:`\lambda`:
  :math:`D_{g,t} = L_{g,t}\,\bigl(1 - \rho\,(1 - A_{t-\lambda})\bigr)`.

With ``use_milestone_timing = 0`` the curve starts at ``fixed_start_year`` instead of
:math:`T_{TAI}` — for presets that describe today's AI diffusing (Acemoglu's slow case)
or a timeline asserted rather than modelled (the essay's ten years).

States receive each group's displacement in proportion to the group's employment there,
so displacement never exceeds a state's employment in any group. Outputs are national,
by group and by state, per year.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from plowshare.core.arrays import BASE_YEAR, col
from plowshare.core.contract import category, is_on
from plowshare.models.labor.data import MEASURES, group_data

Array = NDArray[np.float64]
LN9 = float(np.log(9.0))


def adoption(
    p: Mapping[str, Array], years: Array, tai_year: Array, lag: float | Array = 0.0
) -> Array:
    """Share of exposed work automated, (n, T); zero in draws where TAI never arrives."""
    d = col(p["labor.diffusion_years_10_to_50"])
    mid = col(tai_year) + col(p["labor.deployment_lag_years"]) + d
    with np.errstate(over="ignore", invalid="ignore"):
        a = 1.0 / (1.0 + np.exp(-LN9 / d * (years[None, :] - lag - mid)))
    return np.where(np.isfinite(col(tai_year)), a, 0.0)


def run(params: Mapping[str, Array], years: Array, *, tai_year: Array) -> dict[str, Array]:
    """Run the labour model for all draws.

    Parameters
    ----------
    params : name → (n,) arrays, names ``labor.*``.
    years : calendar years, (T,).
    tai_year : (n,) fractional year transformative AI is reached, from the compute model.
    """
    p = params
    years = np.asarray(years, dtype=np.float64)
    gd = group_data()
    measure = category(p, "labor.exposure_measure", MEASURES)
    x = gd.exposure[measure]  # (n, G), today's exposure
    # at TAI, knowledge work not exposed today becomes automatable too, by the uplift share
    x = x + col(p["labor.capability_uplift"]) * gd.knowledge[None, :] * (1.0 - x)
    grow = (1.0 + col(p["labor.employment_growth"])) ** (years[None, :] - BASE_YEAR)  # (n, T)
    fixed = ~is_on(p["labor.use_milestone_timing"])
    start = np.where(fixed, p["labor.fixed_start_year"], tai_year)
    a = adoption(p, years, start)
    a_lag = adoption(p, years, start, lag=p["labor.new_work_automation_lag_years"][:, None])
    # one (n, T, G) array, scaled in place: employment x exposure x conversion x adoption
    per_group = gd.employment[None, :] * x * col(p["labor.job_loss_conversion"])  # (n, G)
    by_group = (grow * a)[:, :, None] * per_group[:, None, :]
    gross_total = by_group.sum(axis=2)
    gross_knowledge = by_group @ gd.knowledge
    by_group *= (1.0 - col(p["labor.reabsorption_share"]) * (1.0 - a_lag))[:, :, None]
    employed = grow * gd.employment.sum()
    wages = by_group @ gd.mean_wage_usd
    wage_bill = grow * (gd.employment @ gd.mean_wage_usd)
    return {
        "employment": employed,
        "adoption": a,
        "automated_task_share": gross_total / employed,
        "displaced_workers": by_group.sum(axis=2),
        "displaced_by_group": by_group,
        "displaced_by_state": by_group @ gd.state_weights,
        "knowledge_work_automated_share": gross_knowledge / (grow * (gd.employment @ gd.knowledge)),
        "lost_wage_bill_usd": wages,
        "labour_share_proxy": col(p["labor.labour_share_2025"]) * (1.0 - wages / wage_bill),
    }
