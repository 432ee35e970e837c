r"""Where AI load sits and how much of it the grid can power, by state and year.

* **Geography**: the compute model's US stock is split among states by weights
  :math:`w_s(t) = b_s K_{2025} + \sum_{2026}^{t} B_s(\tau)\, o_s`, where :math:`b_s` is
  EPRI's 2023 state share of data-centre load (EPRI share × retail sales), :math:`K_{2025}`
  the 2025 US stock, :math:`B_s` the siting model's build and :math:`o_s` the completion
  odds of the state's pipeline: projects of 1 GW or more realise the share
  ``large_project_completion_odds`` (AEP Ohio 30 → 5.7 GW), smaller approved ones all.
  The split conserves the national stock.
* **Power**: load up to the 2025 level plus the state's headroom :math:`H_s` is powered at
  once; load above it waits until supply and wires follow, after the lead time
  :math:`L = \max(\text{interconnection wait}, \text{generation lead time})`:

  .. math:: P_s(t) = \min\bigl(K_s(t),\; K_s(2025) + H_s + \max(0, K_s(t - L) - K_s(2025))\bigr)

  with :math:`H_s` = Duke's national headroom for flexible load × the state's share of
  retail sales × the share of new load that accepts curtailment (1 where the law requires
  it: Texas SB 6, Nebraska LB 1010). :math:`K_s - P_s` is the load delayed by power.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from plowshare.core.arrays import col

from .data import EnergyStates

Array = NDArray[np.float64]


def completion_odds(es: EnergyStates, odds_large: Array) -> Array:
    """Share of each state's pipeline expected to be built, (n, 51)."""
    large = es.pipeline_large_share[None, :]
    return 1.0 - large + large * odds_large[:, None]


def split_us_stock(
    built_states: Array, installed_us: Array, es: EnergyStates, odds_large: Array
) -> Array:
    """The US stock (n, T) split among states, (n, T, 51), conserving the total."""
    weight = np.cumsum(built_states[:, 1:, :], axis=1)
    weight *= completion_odds(es, odds_large)[:, None, :]
    weight = np.concatenate([np.zeros_like(weight[:, :1]), weight], axis=1)
    weight += es.base_share * installed_us[:, :1, None]
    weight /= np.maximum(weight.sum(axis=2, keepdims=True), 1e-12)
    weight *= installed_us[:, :, None]
    return weight


def lagged(x: Array, lag_years: Array) -> Array:
    """x (n, T, S) at t − lag (fractional, per draw), holding the first year before it."""
    _n, T, _ = x.shape
    t = np.arange(T)[None, :] - lag_years[:, None]  # (n, T)
    t = np.clip(t, 0.0, T - 1.0)
    k = np.floor(t).astype(np.int64)
    frac = (t - k)[:, :, None]
    k1 = np.minimum(k + 1, T - 1)
    lo = np.take_along_axis(x, k[:, :, None], axis=1)
    hi = np.take_along_axis(x, k1[:, :, None], axis=1)
    hi -= lo
    hi *= frac
    lo += hi
    return lo


def headroom_gw(p: Mapping[str, Array], es: EnergyStates) -> Array:
    """GW of new load each state can power at once, (n, 51)."""
    share = es.sales_twh / es.sales_twh.sum()
    flex = np.maximum(es.curtailment[None, :], col(p["energy.flexible_load_share"]))
    return col(p["energy.grid_headroom_gw_us"]) * share * flex


def power_lead_years(p: Mapping[str, Array]) -> Array:
    """Years until supply and wires follow load beyond the headroom, (n,)."""
    return np.maximum(
        np.asarray(p["energy.interconnection_wait_years"], dtype=np.float64),
        np.asarray(p["energy.generation_lead_time_years"], dtype=np.float64),
    )


def powered(p: Mapping[str, Array], sited: Array, es: EnergyStates) -> Array:
    """GW of sited load the grid powers, (n, T, 51) (never above the sited load)."""
    base = sited[:, :1, :]
    ready = lagged(sited, power_lead_years(p))
    ready -= base
    np.maximum(ready, 0.0, out=ready)
    ready += base
    ready += headroom_gw(p, es)[:, None, :]
    np.minimum(ready, sited, out=ready)
    return ready
