r"""The essay's "space of bad worlds" as a transparent decision tree.

Per draw: the 2028 outcome (four administrations, judgment probabilities) → for each, a
distribution over five futures (extreme power concentration, gradual disempowerment, loss
of control, PRC lead, broadly shared flourishing) given by judgment weights, tilted by the
compute model's timing in that draw:

.. math:: w_{a,o}' = w_{a,o}\,\exp\bigl(k_{RSI}\,[o = \text{loss}]\,\mathbb 1_{RSI<2029}
          - k_{PRC}\,[o = \text{PRC}]\,L_{2030}\bigr)

where :math:`L_{2030}` is the US lead in effective compute (OOM) in 2030, then normalised
per administration and mixed with the administration probabilities. Every number is a
``judgment`` in ``params.toml`` for users to edit; the model only makes the arithmetic
and the dependence on compute timing explicit.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
ADMINS = ("vance", "establishment_democrat", "progressive_ban", "progressive_takes_on_labs")
OUTCOMES = (
    "power_concentration",
    "gradual_disempowerment",
    "loss_of_control",
    "prc_lead",
    "shared_flourishing",
)


def run(
    params: Mapping[str, Array], years: Array, *, rsi_year: Array, us_lead_oom: Array
) -> dict[str, Array]:
    """Outcome probabilities per draw, (n, 5), and by administration, (n, 4, 5)."""
    p = params
    years = np.asarray(years)
    j = int(np.searchsorted(years, 2030)) if years[-1] >= 2030 else len(years) - 1
    lead = us_lead_oom[:, j]
    early = (rsi_year < 2029.0).astype(np.float64)
    admin = np.column_stack([p[f"futures.p_{a}"] for a in ADMINS])
    admin = admin / admin.sum(axis=1, keepdims=True)
    w = np.stack(
        [np.column_stack([p[f"futures.w_{a}_{o}"] for o in OUTCOMES]) for a in ADMINS], axis=1
    )  # (n, 4, 5)
    tilt = np.ones_like(w)
    tilt[:, :, OUTCOMES.index("loss_of_control")] *= np.exp(
        p["futures.k_rsi_loss_of_control"] * early
    )[:, None]
    tilt[:, :, OUTCOMES.index("prc_lead")] *= np.exp(-p["futures.k_lead_prc"] * lead)[:, None]
    w = w * tilt
    by_admin = w / w.sum(axis=2, keepdims=True)
    return {
        "outcome_probability": np.einsum("na,nao->no", admin, by_admin),
        "outcome_probability_by_admin": by_admin,
        "admin_probability": admin,
    }
