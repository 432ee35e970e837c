r"""Where new AI data centres are built: a logit over 51 states and sites abroad, with policy.

US firms' new-capacity demand each year (the investment model's US, Gulf and other build;
Chinese build stays in China) is shared among the 51 states, the Gulf and other countries:

.. math:: p_s = \frac{e^{U_s}}{\sum_j e^{U_j}}, \qquad
          U_s = \ln s^0_s - \beta_c\, w_s + \beta_t\, r_s

where :math:`s^0` are the calibration shares (states: today's pipeline of approved and
under-construction capacity; the Gulf and other: the investment model's shares), so with
no policy the allocation reproduces them exactly; :math:`w_s` is the cost wedge of state
policies (compute tax, equity for permits, compute reserved for safety research, as
fractions of cost) and :math:`r_s` the years by which permitting reform shortens time to
power. A **moratorium** closes the states in its group, from its start to its end year,
to projects above its size threshold (a share of demand): that demand relocates to the
open sites in proportion to their probabilities (the logit's IIA property), after a delay
and less a lost share.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from plowshare.core.arrays import col
from plowshare.core.sites import site_data

Array = NDArray[np.float64]
REGION_US, REGION_GULF, REGION_CHINA, REGION_OTHER = range(4)


def window(p: Mapping[str, Array], years: Array, name: str) -> Array:
    """1.0 while a policy holds (from its start year, before its end year), (n, T)."""
    y = years[None, :]
    return ((y >= col(p[f"siting.{name}_start"])) & (y < col(p[f"siting.{name}_end"]))).astype(
        np.float64
    )


def members(p: Mapping[str, Array], name: str) -> Array:
    """Each state's weight in the policy, (n, 51): 1 for a member of its ``*_states`` lever."""
    return np.asarray(p[f"siting.{name}_states"], dtype=np.float64)


def active(p: Mapping[str, Array], name: str) -> bool:
    """Does this policy hold in some state?"""
    if name == "tax" and np.any(p["siting.compute_tax_rate_by_state"]):
        return True
    return bool(np.any(p[f"siting.{name}_states"]))


LEVERS = {  # policy -> its rate parameter
    "tax": "state_compute_tax_rate",
    "equity": "permit_equity_share",
    "safety": "safety_compute_share",
    "mandate": "time_to_power_cut_years",
}


def state_policies(p: Mapping[str, Array], years: Array) -> dict[str, tuple[Array, Array]]:
    """The policies in force somewhere, factored as (rate while in force (n, T), member
    weights (n, 51)): the per-state value is their outer product, which is never built where
    a sum over states will do. Policies in force nowhere are absent.

    The state compute tax takes a rate per state where ``compute_tax_rate_by_state`` gives
    one: the factors are then (1 while in force, each state's own or the common rate)."""
    out = {}
    for name, lever in LEVERS.items():
        if not active(p, name):
            continue
        own = np.asarray(p["siting.compute_tax_rate_by_state"]) if name == "tax" else None
        if own is not None and own.any():
            common = col(p[f"siting.{lever}"]) * members(p, name)
            out[name] = (window(p, years, name), np.where(own > 0, own, common))
        else:
            out[name] = (window(p, years, name) * col(p[f"siting.{lever}"]), members(p, name))
    return out


def over_members(pol: dict[str, tuple[Array, Array]], name: str, x: Array) -> Array:
    """sum over states of x (n, T, 51) times the policy's per-state rate, (n, T)."""
    if name not in pol:
        return np.zeros(x.shape[:2])
    rate, member = pol[name]
    return rate * np.einsum("nts,ns->nt", x, member)


def by_member(pol: dict[str, tuple[Array, Array]], names: tuple[str, ...], x: Array) -> Array:
    """x (n, T, 51) times the summed per-state rate of the named policies, (n, T, 51)."""
    out = np.zeros_like(x)
    for name in names:
        if name in pol:
            rate, member = pol[name]
            out += x * rate[:, :, None] * member[:, None, :]
    return out


def softmax(u: Array, open_: Array | None = None) -> Array:
    """Choice probabilities over the last axis; sites with open_ = 0 get none."""
    z = u - u.max(axis=-1, keepdims=True)
    e = np.exp(z)
    if open_ is not None:
        e = e * open_
    return e / np.maximum(e.sum(axis=-1, keepdims=True), 1e-300)


def delayed(flow: Array, delay: Array) -> Array:
    """Shift (n, T, S) flows forward by a per-draw fractional delay in years (loss past T)."""
    _n, T, _ = flow.shape
    k = np.floor(delay).astype(int)
    frac = (delay - k)[:, None, None]
    out = np.zeros_like(flow)
    for shift in np.unique(np.concatenate([k, k + 1])):
        if shift >= T:
            continue
        part = np.where((k == shift)[:, None, None], 1 - frac, 0.0) + np.where(
            (k + 1 == shift)[:, None, None], frac, 0.0
        )
        out[:, shift:, :] += (flow * part)[:, : T - shift, :]
    return out


def run(
    params: Mapping[str, Array],
    years: Array,
    *,
    new_capacity_gw_by_region: Array,
    cost_per_gw_usd: Array,
) -> dict[str, Array]:
    """Allocate new capacity among sites under the scenario's state policies."""
    p = params
    years = np.asarray(years, dtype=np.float64)
    sd = site_data()
    ns = sd.n_states
    demand = new_capacity_gw_by_region
    us_firms = demand[:, :, [REGION_US, REGION_GULF, REGION_OTHER]].sum(axis=2)  # (n, T)
    safe = np.maximum(us_firms, 1e-12)[:, :, None]
    s0 = np.concatenate(
        [
            demand[:, :, :1] / safe * sd.pipeline_share,
            demand[:, :, [REGION_GULF]] / safe,
            demand[:, :, [REGION_OTHER]] / safe,
        ],
        axis=2,
    )  # (n, T, 53)
    pol = state_policies(p, years)
    n, T = us_firms.shape
    if not pol:
        p_all = s0 / np.maximum(s0.sum(axis=2, keepdims=True), 1e-300)  # no policy: the shares
    else:  # utility shift: - cost sensitivity x cost wedge + time sensitivity x speed-up
        beta = {"mandate": col(p["siting.time_sensitivity"])}
        beta.update({k: -col(p["siting.cost_sensitivity"]) for k in ("tax", "equity", "safety")})
        names = list(pol)
        coef = np.stack([beta[k] * pol[k][0] for k in names], axis=2)  # (n, T, k)
        member = np.stack([pol[k][1] for k in names], axis=1)  # (n, k, 51)
        util = np.log(np.maximum(s0, 1e-300))
        util[:, :, :ns] += np.matmul(coef, member)
        p_all = softmax(util)
    if active(p, "moratorium"):
        closed = window(p, years, "moratorium")[:, :, None] * members(p, "moratorium")[:, None]
        open_ = np.concatenate([1.0 - closed, np.ones((n, T, 2))], axis=2)
        p_open = p_all * open_
        p_open /= np.maximum(p_open.sum(axis=2, keepdims=True), 1e-300)  # IIA: renormalise
        above = col(p["siting.moratorium_share_above_threshold"])[:, :, None]
        shut = p_all * (1.0 - open_)
        direct = us_firms[:, :, None] * (p_all - above * shut)
        blocked_by_state = us_firms[:, :, None] * shut[:, :, :ns] * above
        blocked = us_firms * shut.sum(axis=2) * above[:, :, 0]
        lost = blocked * col(p["siting.relocation_loss_share"])
        relocated = (blocked - lost)[:, :, None] * p_open  # by destination, before the delay
        built = direct + delayed(relocated, p["siting.relocation_delay_years"])
    else:
        direct = us_firms[:, :, None] * p_all
        blocked = lost = np.zeros((n, T))
        blocked_by_state = np.zeros((n, T, ns))
        relocated = np.zeros((n, T, ns + 2))
        built = direct  # (n, T, 53)
    china = demand[:, :, [REGION_CHINA]]
    by_site = np.concatenate([built[:, :, : ns + 1], china, built[:, :, ns + 1 :]], axis=2)
    gw_states = built[:, :, :ns]
    tax_revenue = over_members(pol, "tax", gw_states) * cost_per_gw_usd
    equity = over_members(pol, "equity", gw_states) * cost_per_gw_usd
    revenue_by_state = by_member(pol, ("tax", "equity"), gw_states) * cost_per_gw_usd[:, :, None]
    relocated_by_destination = np.stack(
        [relocated[:, :, :ns].sum(axis=2), relocated[:, :, ns], relocated[:, :, ns + 1]], axis=2
    )
    if "mandate" in pol:
        member = pol["mandate"][1]
        mandate = window(p, years, "mandate")[:, :, None] * member[:, None, :]
        mandate_gw = np.einsum("nts,nts->nt", gw_states, mandate)
    else:
        mandate, mandate_gw = np.zeros((n, T, ns)), np.zeros((n, T))
    return {
        "built_gw_by_site": by_site,  # (n, T, 54): 51 states, GULF, CHINA, OTHER
        "built_gw_by_region": np.stack(
            [gw_states.sum(axis=2), by_site[:, :, ns], china[:, :, 0], by_site[:, :, ns + 2]],
            axis=2,
        ),
        "built_direct_gw": direct.sum(axis=2),
        "blocked_gw": blocked,
        "lost_gw": lost,
        "relocated_gw": relocated.sum(axis=2),
        "relocated_gw_by_destination": relocated_by_destination,
        "delay_gw_years": relocated.sum(axis=2) * col(p["siting.relocation_delay_years"]),
        "us_firms_demand_gw": us_firms,
        "state_tax_revenue_usd": tax_revenue,
        "public_equity_usd": equity,
        "state_revenue_usd": tax_revenue + equity,
        # running totals from the first year, so a summary at any year needs no other years
        "blocked_gw_cumulative": np.cumsum(blocked, axis=1),
        "lost_gw_cumulative": np.cumsum(lost, axis=1),
        "relocated_gw_by_destination_cumulative": np.cumsum(relocated_by_destination, axis=1),
        "delay_gw_years_cumulative": np.cumsum(
            relocated.sum(axis=2) * col(p["siting.relocation_delay_years"]), axis=1
        ),
        "state_revenue_usd_cumulative": np.cumsum(tax_revenue + equity, axis=1),
        "blocked_gw_by_state_cumulative": np.cumsum(blocked_by_state, axis=1),
        "state_revenue_usd_by_state_cumulative": np.cumsum(revenue_by_state, axis=1),
        "safety_research_gw": np.cumsum(over_members(pol, "safety", gw_states), axis=1),
        "mandate_by_state": mandate,
        "mandate_share_of_us_build": mandate_gw / np.maximum(gw_states.sum(axis=2), 1e-12),
    }
