"""Robust comparison of policies across what we do not know (Robust Decision Making).

Every policy (a scenario) is run on the same draws — the same seed, so the same sampled
uncertainties (common random numbers) — and each objective is one number per draw
(:class:`~.outcomes.Quantity`) to be minimised or maximised. Per objective and policy:

* the **outcome** distribution across draws (median and 5th–95th percentiles);
* the **regret** in each draw: the shortfall from the best policy *in that draw*
  (``best − value`` for a maximised objective, ``value − best`` for a minimised one;
  Savage 1951's minimax-regret criterion, as in Lempert, Popper & Bankes 2003, RAND
  MR-1626), summarised by its median, 95th percentile and maximum;
* the share of draws in which the policy is the best (ties count for every tied policy).

A policy is **dominated in a draw** when another is at least as good on every objective
and strictly better on one; **never dominated** policies are those dominated in no draw.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from plowshare.core.errors import InputError

from .outcomes import Quantity

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Objective:
    quantity: Quantity
    sense: str  # "min" or "max"

    @classmethod
    def parse(cls, text: str) -> Objective:
        m = re.fullmatch(r"\s*(.+?)\s*:\s*(min|max)\s*", text)
        if not m:
            raise InputError("OUTPUT[@YEAR]:min or :max expected", key="--objective", file=text)
        return cls(Quantity.parse(m.group(1), key="--objective"), m.group(2))

    def label(self) -> str:
        return f"{self.quantity.label()}:{self.sense}"


def regret(values: Array, sense: str) -> Array:
    """(policies, draws) values → regret of each policy in each draw (≥ 0, 0 for the best)."""
    if sense == "max":
        return np.asarray(values.max(axis=0, keepdims=True) - values)
    return np.asarray(values - values.min(axis=0, keepdims=True))


def dominated(values: Sequence[Array], senses: Sequence[str]) -> NDArray[np.bool_]:
    """(policies, draws): is the policy dominated in the draw by some other policy?"""
    # as "larger is better" everywhere
    g = np.stack([v if s == "max" else -v for v, s in zip(values, senses, strict=True)])
    _, p, n = g.shape  # objectives, policies, draws
    out = np.zeros((p, n), dtype=bool)
    for i in range(p):
        for j in range(p):
            if i == j:
                continue
            ge = (g[:, j] >= g[:, i]).all(axis=0)
            gt = (g[:, j] > g[:, i]).any(axis=0)
            out[i] |= ge & gt
    return out


def q3(x: Array) -> tuple[float, float, float]:
    q = np.quantile(x, [0.05, 0.5, 0.95])
    return float(q[0]), float(q[1]), float(q[2])


@dataclass
class PolicyRow:
    policy: str
    outcome: tuple[float, float, float]  # p5, p50, p95
    regret_p50: float
    regret_p95: float
    regret_max: float
    share_best: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "outcome_p5_p50_p95": list(self.outcome),
            "regret_p50": self.regret_p50,
            "regret_p95": self.regret_p95,
            "regret_max": self.regret_max,
            "share_of_draws_best": self.share_best,
        }


@dataclass
class Comparison:
    policies: list[str]
    objectives: list[Objective]
    draws: int
    tables: dict[str, list[PolicyRow]]  # objective label -> one row per policy
    share_dominated: dict[str, float]  # policy -> share of draws in which it is dominated

    @property
    def never_dominated(self) -> list[str]:
        return [p for p in self.policies if self.share_dominated[p] == 0.0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "policies": self.policies,
            "draws": self.draws,
            "objectives": {
                label: [r.to_dict() for r in rows] for label, rows in self.tables.items()
            },
            "share_of_draws_dominated": self.share_dominated,
            "never_dominated": self.never_dominated,
        }


def compare_values(
    values: Mapping[str, Mapping[str, Array]], objectives: Sequence[Objective]
) -> Comparison:
    """``values[policy][objective label]`` (one number per draw, the same draws for every
    policy) → per-objective outcome and regret tables and dominance across draws."""
    policies = list(values)
    if len(policies) < 2:
        raise InputError("at least two policies (scenarios) to compare expected", key="SCENARIO")
    tables: dict[str, list[PolicyRow]] = {}
    full = [
        np.stack([np.asarray(values[p][o.label()], dtype=np.float64) for p in policies])
        for o in objectives
    ]
    n = full[0].shape[1]
    for obj, v in zip(objectives, full, strict=True):
        v = v[:, np.isfinite(v).all(axis=0)]  # a draw counts where every policy has a value
        r = regret(v, obj.sense)
        best = r == 0
        tables[obj.label()] = [
            PolicyRow(
                p,
                q3(v[i]),
                float(np.median(r[i])),
                float(np.quantile(r[i], 0.95)),
                float(r[i].max()),
                float(best[i].mean()),
            )
            for i, p in enumerate(policies)
        ]
    ok = np.all([np.isfinite(v).all(axis=0) for v in full], axis=0)
    dom = dominated([v[:, ok] for v in full], [o.sense for o in objectives])
    share = {p: float(dom[i].mean()) for i, p in enumerate(policies)}
    return Comparison(policies, list(objectives), n, tables, share)


def compare(datasets: Mapping[str, xr.Dataset], objectives: Sequence[Objective]) -> Comparison:
    """Policies' results (the same draws, e.g. the same seed) → :func:`compare_values`."""
    draws = {int(ds.sizes["draw"]) for ds in datasets.values()}
    seeds = {ds.attrs.get("seed") for ds in datasets.values()}
    if len(draws) > 1 or len(seeds) > 1:
        raise InputError("every policy must be run on the same draws (draws and seed)")
    values = {
        p: {o.label(): o.quantity.per_draw(ds) for o in objectives} for p, ds in datasets.items()
    }
    return compare_values(values, objectives)
