"""Occupation data aggregated to SOC major groups, loaded once from the shipped tables.

Monte Carlo runs at the level of the 22 SOC major groups (the occupation table has 830
detailed occupations): exposure, employment and wages are aggregated with employment
weights; occupations without a score take their group's mean. States enter through each
group's distribution of employment across the 50 states and DC: a state's exposure
differs from the nation's through its mix of occupation groups (DC and Maryland high,
Mississippi and Nevada low), which is where most of the state differences lie.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from plowshare.core.data import load_table
from plowshare.core.dims import STATES

Array = NDArray[np.float64]

# the exposure measures a scenario can choose with labor.exposure_measure (a category)
MEASURES = (
    "beta_gpt4",
    "beta_human",
    "gamma_gpt4",
    "alpha_gpt4",
    "msft_applicability",
    "aei_automation_share",
)
# SOC major groups of "knowledge work": management to media (11-27), health
# practitioners (29), sales (41) and office support (43)
KNOWLEDGE_GROUPS = ("11", "13", "15", "17", "19", "21", "23", "25", "27", "29", "41", "43")


@dataclass(frozen=True)
class GroupData:
    groups: tuple[str, ...]  # SOC major-group codes, e.g. "15"
    titles: tuple[str, ...]
    employment: Array  # (G,) jobs, May 2025
    mean_wage_usd: Array  # (G,)
    exposure: Array  # (M, G), one row per measure in MEASURES
    states: tuple[str, ...]  # (S,) USPS codes
    state_weights: Array  # (G, S): share of each group's employment in each state
    knowledge: Array  # (G,) 1.0 for knowledge-work groups


def _group_exposure(occ: pd.DataFrame, measure: str) -> pd.Series:
    x = occ[measure].astype(float)
    filled = x.fillna(occ.groupby("major_group")[measure].transform("mean"))
    w = occ["employment"].astype(float)
    return (filled * w).groupby(occ["major_group"]).sum() / w.groupby(occ["major_group"]).sum()


@cache
def group_data() -> GroupData:
    """Aggregate the shipped occupation and state tables (cached)."""
    occ = load_table("occupations").copy()
    occ["major_group"] = occ["major_group"].astype(str).str.zfill(2)
    g = occ.groupby("major_group")
    groups = tuple(sorted(str(k) for k in g.groups))
    emp = g["employment"].sum().reindex(groups).to_numpy(float)
    wage = (occ["mean_wage_usd"] * occ["employment"]).groupby(occ["major_group"]).sum()
    wage_emp = (
        occ["employment"].where(occ["mean_wage_usd"].notna()).groupby(occ["major_group"]).sum()
    )
    mean_wage = (wage / wage_emp).reindex(groups).to_numpy(float)
    exposure = np.vstack(
        [_group_exposure(occ, m).reindex(groups).to_numpy(float) for m in MEASURES]
    )
    exposure = np.clip(np.nan_to_num(exposure, nan=float(np.nanmean(exposure))), 0.0, 1.0)
    titles = tuple(str(t) for t in g["major_group_title"].first().reindex(groups))
    st = load_table("state_major_group").copy()
    st["major_group"] = st["major_group"].astype(str).str.zfill(2)
    st["employment"] = st["employment"].astype(float)
    states = STATES
    if set(st["state"].unique()) != set(STATES):
        raise RuntimeError("data/state_major_group.csv does not list exactly core.dims.STATES")
    piv = st.pivot_table(
        index="major_group", columns="state", values="employment", aggfunc="sum", fill_value=0.0
    ).reindex(index=list(groups), columns=list(states), fill_value=0.0)
    weights = piv.to_numpy(float)
    weights = weights / np.where(
        weights.sum(axis=1, keepdims=True) > 0, weights.sum(axis=1, keepdims=True), 1.0
    )
    knowledge = np.array([1.0 if gr in KNOWLEDGE_GROUPS else 0.0 for gr in groups])
    return GroupData(groups, titles, emp, mean_wage, exposure, states, weights, knowledge)
