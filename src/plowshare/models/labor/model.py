r"""The labour model: what AI can automate, what firms adopt, and who is displaced.

Three layers, reported separately (see ``capability.py`` and ``market.py``):

* **automatable** — the share of each SOC major group's tasks AI can do, rising with
  effective compute from today's measured exposure through the TAI definition (at least
  half of knowledge-work tasks at TAI) and beyond, on one continuous path;
* **adopted** — the share firms have actually automated: each increment of capability
  diffuses on its own logistic curve (vintages), calibrated to firm and technology
  adoption evidence;
* **displaced** — people: a stock-flow labour market per group (displacement, re-
  employment in less-exposed work and new tasks, exits, long-term displacement), with
  state detail kept factored as group totals times each group's state employment shares.

``displaced_workers`` (the fund's input) counts workers displaced and not re-employed:
unemployed (``unemployed_displaced``) or out of the labour force (``exited_displaced``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from plowshare.core.arrays import BASE_YEAR, col
from plowshare.core.contract import category
from plowshare.models.labor import capability as cap
from plowshare.models.labor import market
from plowshare.models.labor.data import MEASURES, group_data

Array = NDArray[np.float64]


def dot(x: Array, w: Array) -> Array:
    """Weighted sum over the last axis, row by row (no BLAS: the same bits for any chunk)."""
    return (x * w).sum(axis=-1)


def layers(
    p: Mapping[str, Array], years: Array, effective_compute_oom: Array, tai_year: Array
) -> dict[str, Array]:
    """Automatable and adopted task shares per group, (n, T, G), and their inputs."""
    gd = group_data()
    x = gd.exposure[category(p, "labor.exposure_measure", MEASURES)]  # (n, G)
    m0 = cap.today_share(p, x)
    u = cap.uplift(p, gd.exposure, gd.knowledge, gd.employment)
    pi = cap.progress(p, years, effective_compute_oom, tai_year)
    m = cap.automatable(pi, m0, u)
    return {"x": x, "m0": m0, "pi": pi, "m": m, "a": cap.adopted(p, years, m0, m)}


def run(
    params: Mapping[str, Array],
    years: Array,
    *,
    effective_compute_oom_by_bloc: Array,
    tai_year: Array,
    detail: bool = False,
) -> dict[str, Array]:
    """Run the labour model for all draws.

    Parameters
    ----------
    params : name → (n,) arrays, names ``labor.*``.
    years : calendar years, (T,).
    effective_compute_oom_by_bloc : (n, T, blocs) effective compute of each bloc's largest
        run, OOM above the 2025 frontier; the frontier (max over blocs) drives capability.
    tai_year : (n,) fractional year transformative AI is reached (inf if never).
    detail : also return ``stocks`` (4, n, T, G) for conservation checks.
    """
    p = params
    years = np.asarray(years, dtype=np.float64)
    gd = group_data()
    frontier = np.asarray(effective_compute_oom_by_bloc, dtype=np.float64).max(axis=2)
    lay = layers(p, years, frontier, tai_year)
    m, a = lay["m"], lay["a"]
    emp = gd.employment
    share = emp / emp.sum()
    know = gd.knowledge * emp / (gd.knowledge @ emp)
    # the work the displaced move into: weighted towards what is not exposed today
    dest_w = emp[None, :] * (1.0 - lay["x"])
    dest_w = dest_w / dest_w.sum(axis=1, keepdims=True)  # (n, G)
    dest = np.einsum("ntg,ng->nt", m, dest_w)
    grow = (1.0 + col(p["labor.employment_growth"])) ** (years[None, :] - BASE_YEAR)
    sim = market.simulate(p, grow, emp, a, dest, gd.mean_wage_usd, detail=detail)
    labour_force = grow * emp.sum()
    displaced = sim["unemployed"] + sim["exited"]
    wage_bill = grow * float((emp * gd.mean_wage_usd).sum())
    by_group = sim["by_group"]
    out = {
        "labour_force": labour_force,
        "employment": sim["employed"] + sim["reemployed"],
        "capability_progress": lay["pi"],
        "automatable_share": dot(m, share),
        "knowledge_work_automatable_share": dot(m, know),
        "automated_task_share": dot(a, share),
        "knowledge_work_adopted_share": dot(a, know),
        "adoption": np.divide(dot(a, share), dot(m, share)),
        "displaced_workers": displaced,
        "unemployed_displaced": sim["unemployed"],
        "exited_displaced": sim["exited"],
        "reemployed_workers": sim["reemployed"],
        "employed_in_original_work": sim["employed"],
        "long_term_displaced": sim["long_term"],
        "newly_displaced": sim["new_displaced"],
        "redisplaced_workers": sim["redisplaced"],
        "reabsorption_cap": sim["rho"],
        "displaced_by_group": by_group,
        "displaced_by_state": np.einsum("ntg,gs->nts", by_group, gd.state_weights),
        "lost_wage_bill_usd": sim["lost_wages"],
        "labour_share_proxy": col(p["labor.labour_share_2025"])
        * (1.0 - sim["lost_wages"] / wage_bill),
    }
    if detail:
        out["stocks"] = sim["stocks"]
    return out
