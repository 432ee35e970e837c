r"""A stock-flow labour market per occupation group: displacement, re-employment, exits.

Each group's labour force :math:`L_{g,t} = L_{g,2025}(1+g_E)^{t-2025}` is split into four
stocks that always add up to it: employed in the group's own work :math:`E`, displaced and
unemployed :math:`U`, re-employed elsewhere :math:`R` (less-exposed work and new tasks) and
exited from the labour force after displacement :math:`X`. Yearly, in this order:

1. entrants :math:`L_t - L_{t-1}` join :math:`E`;
2. demand for the group's own work is :math:`N_t = L_t (1-A_t)/(1-A_{2025})` (adopted task
   share :math:`A`, relative to 2025, whose employment already reflects 2025 adoption);
3. re-employment slots are :math:`S_t = \rho_t (L_t - N_t)` with the reinstatement ratio
   capped by the work that is not automatable: :math:`\rho_t = \min(\rho_0, 1 - f\,
   \bar m^{dest}_t)`; re-employed beyond the slots are displaced again ("automated in
   turn"): :math:`z_t = \max(0, R - S_t)`;
4. displacement :math:`d_t = \max(0, E - N_t)` moves from :math:`E` to :math:`U`;
5. of :math:`U`, a share :math:`p_R` finds work (no more than the free slots) and a share
   :math:`p_X` leaves the labour force.

Everything is elementwise over draws and groups; the only loop is over years.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from plowshare.core.arrays import col

Array = NDArray[np.float64]


def simulate(
    p: Mapping[str, Array],
    growth: Array,
    base: Array,
    adopted: Array,
    dest_automatable: Array,
    wages: Array,
    detail: bool = False,
) -> dict[str, Array]:
    """Run the stocks forward.

    Parameters
    ----------
    growth : (n, T) employment growth factor since 2025; base : (G,) 2025 labour force,
        so that group g's labour force is ``growth * base[g]``.
    adopted : (n, T, G) adopted task share.
    dest_automatable : (n, T) automatable share of the work the displaced move into.
    wages : (G,) mean annual wage per group.

    detail : also return every group stock in every year, (4, n, T, G) as E, U, R, X
        (for checks; memory heavy).

    Returns national (n, T) totals and the displaced (U + X) by group (n, T, G).
    """
    n, t_len, g_len = adopted.shape
    p_r = col(p["labor.reemployment_probability"])
    p_x = col(p["labor.exit_probability"])
    rho0 = col(p["labor.reinstatement_ratio"])
    fade = p["labor.reabsorption_fade"][:, None]
    loss_r = col(p["labor.reemployment_earnings_loss"])
    rho = np.clip(np.minimum(rho0, 1.0 - fade * dest_automatable), 0.0, 1.0)

    e = growth[:, :1] * base[None, :]
    u = np.zeros((n, g_len))
    r = np.zeros((n, g_len))
    x = np.zeros((n, g_len))
    keep = 1.0 - adopted[:, 0, :]
    names = ("employed", "unemployed", "reemployed", "exited", "long_term", "redisplaced")
    tot = {k: np.zeros((n, t_len)) for k in names}
    tot["new_displaced"] = np.zeros((n, t_len))
    tot["lost_wages"] = np.zeros((n, t_len))
    by_group = np.zeros((n, t_len, g_len))
    stocks = np.zeros((4, n, t_len, g_len)) if detail else None
    if stocks is not None:
        stocks[0, :, 0, :] = e
    tot["employed"][:, 0] = e.sum(axis=1)
    for t in range(1, t_len):
        lf = growth[:, t : t + 1] * base[None, :]
        e = e + lf - growth[:, t - 1 : t] * base[None, :]
        demand = lf * (1.0 - adopted[:, t, :]) / keep
        slots = rho[:, t : t + 1] * np.maximum(lf - demand, 0.0)
        z = np.maximum(r - slots, 0.0)
        d = np.maximum(e - demand, 0.0)
        r -= z
        e -= d
        u_start = u
        u_all = u + z + d
        hired = np.minimum(p_r * u_all, np.maximum(slots - r, 0.0))
        left = p_x * u_all
        u = u_all - hired - left
        r = r + hired
        x = x + left
        long_term = np.where(u_all > 0, u_start * u / np.where(u_all > 0, u_all, 1.0), 0.0)
        for k, v in (
            ("employed", e),
            ("unemployed", u),
            ("reemployed", r),
            ("exited", x),
            ("long_term", long_term),
            ("redisplaced", z),
            ("new_displaced", d),
        ):
            tot[k][:, t] = v.sum(axis=1)
        by_group[:, t, :] = u + x
        tot["lost_wages"][:, t] = ((u + x + loss_r * r) * wages).sum(axis=1)
        if stocks is not None:
            for i, v in enumerate((e, u, r, x)):
                stocks[i, :, t, :] = v
    out = {**tot, "by_group": by_group, "rho": rho}
    if stocks is not None:
        out["stocks"] = stocks
    return out
