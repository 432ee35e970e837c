"""The compute model: capacity by site → largest run per bloc → software → milestone years.

See ``capacity.py`` (stocks, moratorium, export controls), ``milestones.py`` (largest run,
crossing times) and ``software.py`` (semi-endogenous algorithmic progress per bloc, AI
automation of AI R&D, diffusion); equations and sources in README.md.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from plowshare.core.arrays import col
from plowshare.models.compute import capacity, milestones, software

Array = NDArray[np.float64]


def run(
    params: Mapping[str, Array], years: Array, *, new_capacity_gw_by_region: Array
) -> dict[str, Array]:
    """Run the compute model for all draws.

    Parameters
    ----------
    params : name → (n,) arrays, names ``compute.*``.
    years : calendar years, (T,).
    new_capacity_gw_by_region : (n, T, 4) new capacity built (US, Gulf, China, other) from
        the siting model's allocation of the investment model's demand.
    """
    p = params
    years = np.asarray(years, dtype=np.float64)
    build = capacity.new_build(p, years, new_capacity_gw_by_region)
    st = capacity.stocks(p, years, build["built_gw"])
    reach = milestones.reachable_flops(p, st["installed_flops"])
    run_flop = milestones.largest_run_flop(p, years, st["installed_flops"])
    with np.errstate(divide="ignore"):
        log_run = np.log10(run_flop) - np.log10(col(p["compute.frontier_2025_flop"]))[:, :, None]
        log_reach = np.log10(np.maximum(reach, 1e-300))
    sw = software.integrate(p, years, log_run, log_reach)
    ms = milestones.milestones(p, sw["times"], sw["effective"])
    oom = np.ascontiguousarray(sw["effective"][:, :: round(1.0 / software.DT)])  # mid-years
    us, prc = oom[:, :, 0], oom[:, :, 1]
    with np.errstate(invalid="ignore"):  # neither bloc crosses: inf - inf = NaN
        lead = ms["rsi_year_by_bloc"][:, 1] - ms["rsi_year_by_bloc"][:, 0]
    return {
        "built_gw_by_region": build["built_gw"],
        "blocked_gw": build["blocked_gw"],
        "relocated_gw": build["relocated_gw"],
        "installed_gw_by_region": st["installed_gw"],
        "installed_flops_by_region": st["installed_flops"],
        "largest_run_flop_by_bloc": run_flop,
        "software_oom_by_bloc": sw["software"],
        "rnd_multiplier_by_bloc": sw["multiplier"],
        "effective_compute_oom_by_bloc": oom,
        "us_lead_oom": us - prc,
        "prc_ahead": (prc > us).astype(np.float64),
        **ms,
        "us_lead_years": lead,
    }
