"""The compute model: capacity by site → largest training run per bloc → milestone years.

See ``capacity.py`` (stocks, moratorium, export controls) and ``milestones.py`` (largest
run, effective compute, crossing times); equations and sources in README.md.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from plowshare.models.compute import capacity, milestones

Array = NDArray[np.float64]


def run(
    params: Mapping[str, Array], years: Array, *, new_capacity_gw_by_region: Array
) -> dict[str, Array]:
    """Run the compute model for all draws.

    Parameters
    ----------
    params : name → (n,) arrays, names ``compute.*``.
    years : calendar years, (T,).
    new_capacity_gw_by_region : (n, T, 4) demand for new capacity (US, Gulf, China, other)
        from the investment model.
    """
    p = params
    years = np.asarray(years, dtype=np.float64)
    build = capacity.new_build(p, years, new_capacity_gw_by_region)
    st = capacity.stocks(p, years, build["built_gw"])
    run_flop = milestones.largest_run_flop(p, years, st["installed_flops"])
    oom = milestones.effective_oom(p, years, run_flop)
    ms = milestones.milestones(p, years, oom)
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
        "effective_compute_oom_by_bloc": oom,
        "us_lead_oom": us - prc,
        "prc_ahead": (prc > us).astype(np.float64),
        **ms,
        "us_lead_years": lead,
    }
