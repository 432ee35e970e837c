r"""The fund's revenue instruments, each a lever that is off at zero.

All money is in constant 2025 US dollars per year, arrays shaped (n, T).

* **Compute tax** — rate × AI compute spending. The base shrinks as spending moves
  abroad: :math:`S_{taxed} = S \, e^{-\varepsilon_c \tau_c}`
  (semi-elasticity :math:`\varepsilon_c`).
* **Market-cap tax** — an annual levy :math:`\tau_m` on the market value of covered AI
  firms. Avoidance (splitting under thresholds, re-listing abroad, going private)
  shrinks the base by :math:`e^{-\varepsilon_m \tau_m}`. Paid in cash, the tax is a
  perpetual claim on the firms' earnings and is capitalised into their price: with
  earnings yield :math:`y` and capitalisation share :math:`\kappa`,
  :math:`V_{taxed} = V \, y / (y + \kappa \tau_m)` (Gordon growth model), so cash revenue
  :math:`\tau_m V_{taxed}` can never exceed the firms' profits :math:`yV/\kappa`.
  Paid in newly issued shares (Altman's American Equity Fund), the firms' total
  value is not reduced; the fund receives shares worth :math:`\tau_m V` a year and
  existing holders are diluted.
* **One-time equity transfer** — a share of covered market value in one year.
* **Public equity for permits** — a share of the value of new AI data-centre capacity.
* **Nationalisation** — a public share of covered firms' profits from a given year,
  at an efficiency ratio, minus interest on bonds issued as compensation.
* **Appropriations** — a plain annual budget line.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from plowshare.core.arrays import BASE_YEAR, col, from_year, growth_path, ramp
from plowshare.core.contract import is_on

Array = NDArray[np.float64]

INSTRUMENTS = (
    "compute_tax",
    "mcap_tax",
    "equity_transfer",
    "permit_equity",
    "nationalisation",
    "appropriations",
)
MULTIPLE_CONVERGENCE_YEARS = 10.0  # valuation multiples drift to their new level over a decade


def covered_profits(p: Mapping[str, Array], years: Array, displaced_wage_bill: Array) -> Array:
    """Net income of covered AI firms, (n, T): trend growth plus captured displaced wages."""
    trend = col(p["fund.covered_net_income_2025"]) * growth_path(p["fund.profit_growth"], years)
    return trend + col(p["fund.automation_capture_share"]) * displaced_wage_bill


def covered_mcap(
    p: Mapping[str, Array], years: Array, profits: Array, bubble: Array | None = None
) -> Array:
    r"""Untaxed market value of covered firms, (n, T): profits × a drifting valuation multiple.

    With the investment model's bubble path :math:`b_t` (share of capex left after a
    correction, 1 without one) the multiple moves with it, :math:`b_t^{\eta}` with
    ``fund.valuation_bubble_elasticity`` :math:`\eta`: the asset bubble reaches the base.
    """
    multiple0 = col(p["fund.covered_mcap_2025"] / p["fund.covered_net_income_2025"])
    drift = ramp(
        np.full(len(p["fund.covered_mcap_2025"]), float(BASE_YEAR)),
        years,
        MULTIPLE_CONVERGENCE_YEARS,
    )
    change = 1.0 + (col(p["fund.valuation_multiple_change"]) - 1.0) * drift
    shock = (
        1.0
        if bubble is None
        else np.clip(bubble, 0.0, None) ** col(p["fund.valuation_bubble_elasticity"])
    )
    return multiple0 * change * profits * shock


def revenues(
    p: Mapping[str, Array],
    years: Array,
    spending: Array,
    profits: Array,
    mcap: Array,
    active: Array,
) -> dict[str, Array]:
    """Revenue by instrument (n, T), the taxed bases and the share of firms issued to the fund."""
    tau_c = col(p["fund.compute_tax_rate"])
    taxed_spending = spending * np.exp(-col(p["fund.compute_tax_base_semi_elasticity"]) * tau_c)

    # nationalisation: a public share of profits; the market-cap tax falls on the private rest
    nat_on = from_year(p["fund.nationalisation_year"], years)
    phi = col(p["fund.nationalisation_share"]) * nat_on
    yield_ = profits / np.maximum(mcap, 1.0)
    tau_m = col(p["fund.mcap_tax_rate"])
    in_shares = col(p["fund.mcap_tax_in_shares"])
    base = mcap * np.exp(-col(p["fund.mcap_tax_avoidance_semi_elasticity"]) * tau_m)
    cash_base = base * yield_ / (yield_ + col(p["fund.mcap_tax_capitalisation"]) * tau_m)
    mcap_after = np.where(is_on(in_shares), base, cash_base) * (1.0 - phi)
    mcap_tax = tau_m * mcap_after * active

    # bonds issued as compensation carry real interest from the nationalisation year on
    idx_nat = np.clip(np.searchsorted(years, p["fund.nationalisation_year"]), 0, len(years) - 1)
    mcap_at_nat = mcap[np.arange(len(idx_nat)), idx_nat][:, None]
    compensation = (
        col(p["fund.nationalisation_compensation"])
        * phi
        * mcap_at_nat
        * col(p["fund.real_interest_rate"])
    )
    nationalisation = phi * profits * col(p["fund.nationalisation_efficiency"]) - compensation

    transfer_year = np.round(col(p["fund.equity_transfer_year"]))
    once = (years[None, :] == transfer_year).astype(np.float64)
    permit_on = from_year(p["fund.permit_equity_start_year"], years)
    per_share_issued = tau_m * in_shares * active
    return {
        "compute_tax": tau_c * taxed_spending * active,
        "mcap_tax": mcap_tax,
        "equity_transfer": col(p["fund.equity_transfer_share"]) * mcap * once,
        "permit_equity": col(p["fund.permit_equity_share"]) * spending * permit_on,
        "nationalisation": nationalisation,
        "appropriations": col(p["fund.appropriations_usd"]) * active,
        "taxed_mcap_usd": mcap_after,
        "taxed_compute_spending_usd": taxed_spending,
        "share_issued_to_fund": 1.0 - np.cumprod(1.0 / (1.0 + per_share_issued), axis=1),
    }
