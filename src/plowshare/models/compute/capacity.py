r"""Installed AI data-centre capacity and compute by site, with a national moratorium.

Each site (US, Gulf, China, other) holds a capacity stock :math:`G` (GW of facility power)
and a compute stock :math:`F` (FLOP/s), both retiring at rate :math:`\delta`:

.. math::

    G_t = (1-\delta) G_{t-1} + N_t, \qquad F_t = (1-\delta) F_{t-1} + N_t\, e_t \cdot 10^9

where :math:`N_t` is new capacity (GW/yr) and :math:`e_t` the FLOP/s per watt of that
year's chips (growing at ``efficiency_growth``; China's scaled by its export-controlled
ratio). Tracking :math:`F` separately keeps each vintage at its own efficiency.

A **national moratorium** stops new US build from its start year to its end year. Without
a treaty a share of the blocked build is put up abroad by US firms (Gulf and other); with a
treaty China pauses too and nothing relocates.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from plowshare.core.arrays import BASE_YEAR, col
from plowshare.core.contract import is_on

Array = NDArray[np.float64]
US, GULF, CHINA, OTHER = range(4)


def moratorium_window(p: Mapping[str, Array], years: Array) -> Array:
    """1.0 in years a national moratorium holds, (n, T)."""
    on = is_on(col(p["compute.us_moratorium"]))
    y = years[None, :]
    inside = (y >= col(p["compute.us_moratorium_start"])) & (
        y < col(p["compute.us_moratorium_end"])
    )
    return (on & inside).astype(np.float64)


def export_control_factors(p: Mapping[str, Array]) -> tuple[Array, Array]:
    """China's efficiency ratio and chip-supply ratio under the export-control level, (n,)."""
    level = p["compute.export_control_level"]
    return (p["compute.china_efficiency_ratio"] ** level, p["compute.china_supply_ratio"] ** level)


def new_build(p: Mapping[str, Array], years: Array, demand: Array) -> dict[str, Array]:
    """New capacity actually built by site, (n, T, 4), from the investment model's demand."""
    built = demand.copy()
    _, supply = export_control_factors(p)
    built[:, :, CHINA] *= supply[:, None]
    stop = moratorium_window(p, years)
    treaty = is_on(col(p["compute.treaty"]))
    blocked = built[:, :, US] * stop
    moved = np.where(treaty, 0.0, blocked * col(p["compute.moratorium_relocation_share"]))
    gulf_part = col(p["compute.relocation_gulf_fraction"])
    built[:, :, US] -= blocked
    built[:, :, GULF] += moved * gulf_part
    built[:, :, OTHER] += moved * (1.0 - gulf_part)
    built[:, :, CHINA] *= np.where(treaty, 1.0 - stop, 1.0)
    return {"built_gw": built, "blocked_gw": blocked, "relocated_gw": moved}


def flops_per_watt(p: Mapping[str, Array], years: Array) -> Array:
    """FLOP/s per watt of facility power for chips installed each year, by site, (n, T, 4)."""
    base = col(p["compute.flops_per_watt_2025"]) * col(p["compute.efficiency_growth"]) ** (
        years[None, :] - BASE_YEAR
    )
    eff = np.repeat(base[:, :, None], 4, axis=2)
    ratio, _ = export_control_factors(p)
    eff[:, :, CHINA] *= ratio[:, None]
    return eff


def initial_stocks(p: Mapping[str, Array], years: Array, eff0: Array) -> tuple[Array, Array]:
    """Capacity (GW) and compute (FLOP/s) by site in the first model year, (n, 4) each.

    In 2025 these are the sourced installed stock split by site. A run that starts earlier
    (the backtest) scales the 2025 compute stock back at its historical growth rate.
    """
    shares = np.column_stack(
        [
            p["compute.us_installed_share"],
            p["compute.gulf_installed_share"],
            p["compute.china_installed_share"],
        ]
    )
    shares = np.column_stack([shares, np.clip(1 - shares.sum(axis=1), 0.0, None)])
    gw = p["compute.installed_gw_2025"][:, None] * shares
    back = p["compute.installed_compute_growth_history"] ** (BASE_YEAR - years[0])
    eff_2025 = eff0 * (p["compute.efficiency_growth"] ** (BASE_YEAR - years[0]))[:, None]
    flops = gw * eff_2025 * 1e9 / back[:, None]
    return gw / back[:, None], flops


def stocks(p: Mapping[str, Array], years: Array, built: Array) -> dict[str, Array]:
    """Roll the capacity and compute stocks forward year by year (a loop over years)."""
    n, T, S = built.shape
    delta = p["compute.retirement_rate"][:, None]
    eff = flops_per_watt(p, years)
    gw, flops = initial_stocks(p, years, eff[:, 0, :])
    out_gw, out_f = np.empty((n, T, S)), np.empty((n, T, S))
    out_gw[:, 0], out_f[:, 0] = gw, flops
    for t in range(1, T):
        gw = (1 - delta) * gw + built[:, t]
        flops = (1 - delta) * flops + built[:, t] * eff[:, t] * 1e9
        out_gw[:, t], out_f[:, t] = gw, flops
    return {"installed_gw": out_gw, "installed_flops": out_f}
