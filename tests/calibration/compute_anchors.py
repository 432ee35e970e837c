"""The compute model's calibration anchors: each row of ``compute.csv`` computed afresh.

``compute.csv`` lists, per anchor, its source, the anchor value, the tolerance band and
whether the model agrees with it or differs on purpose (the model README says why, with
the number). :func:`model_values` recomputes the model's value of every row;
``python tests/calibration/compute_anchors.py`` rewrites the ``model`` column, and prints the
naive baseline a sceptic would use (trend extrapolation of frontier compute).
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np

from plowshare.core.params import default_registry
from plowshare.core.sampling import sample
from plowshare.engine.pipeline import order, run_models
from plowshare.models.compute import milestones, software

TABLE = Path(__file__).with_name("compute.csv")
YEARS = np.arange(2025, 2051, dtype=np.float64)
BACKTEST_YEARS = np.arange(2018, 2026, dtype=np.float64)
MODELS = order(["compute"])  # investment, siting, compute
DRAWS, SEED = 2000, 20260101  # the baseline scenario's seed

# Epoch's fit to frontier models 2018-2025 (tests/golden/test_backtest.py) and Ho et al.
TREND_PHYSICAL, TREND_ALGORITHMS = 4.8, 2.8
FRONTIER_2025 = 5e26

# Davidson's takeoff model, best-guess preset (presets.js), in this model's units: OOM of
# effective compute above 5e26 FLOP at 2025 algorithms (2022 -> 2025 algorithms: 3 x log10 2.8)
TO_2025 = 3 * np.log10(2.8) + np.log10(FRONTIER_2025)
FTM_FULL_OOM = 36.0 - TO_2025  # full automation, 1e36 FLOP at 2022 algorithms
FTM_20PCT_OOM = FTM_FULL_OOM - 4.0  # FLOP gap 1e4 between 20 % and 100 % automation
FTM_PRESET = {
    "compute.rsi_threshold_oom": FTM_FULL_OOM - np.log10(3.0),  # AI R&D needs 1/3 of full
    "compute.tai_gap_oom": np.log10(3.0),
    "compute.automation_gap_oom": 4.0,
    "compute.software_returns": 1.25,
    "compute.research_parallelism": 0.7,
    "compute.research_compute_elasticity": 0.3,
    "compute.research_labour_growth": 1.18 * 1.01,
    "compute.software_ceiling_oom": 12.0 - 3 * np.log10(2.8),
    "compute.retirement_rate": 0.2,
}


def params(n: int, seed: int, over: dict[str, float] | None = None) -> dict[str, np.ndarray]:
    p = sample([x for x in default_registry() if x.model in MODELS], n, seed)
    for k, v in (over or {}).items():
        p[k] = np.full(n, float(v))
    return p


@cache
def central() -> dict[str, np.ndarray]:
    return run_models(params(1, 0), YEARS, MODELS)["compute"]


@cache
def draws() -> dict[str, np.ndarray]:
    return run_models(params(DRAWS, SEED), YEARS, MODELS)["compute"]


@cache
def ftm() -> dict[str, np.ndarray]:
    return run_models(params(1, 0, FTM_PRESET), YEARS, MODELS)["compute"]


def year(c: dict[str, np.ndarray], y: int) -> int:
    return int(np.searchsorted(YEARS, y))


def backtest_growth() -> float:
    out = run_models(params(1, 0), BACKTEST_YEARS, MODELS)["compute"]
    run = out["largest_run_flop_by_bloc"][0, :, 0]
    return float(10 ** np.polyfit(BACKTEST_YEARS, np.log10(run), 1)[0])


def run_flop(c: dict[str, np.ndarray], y: int) -> np.ndarray:
    return c["largest_run_flop_by_bloc"][:, year(c, y), 0]


def growth_oom(a: int, b: int) -> float:
    r = draws()["largest_run_flop_by_bloc"][:, :, 0]
    return float(np.median(np.log10(r[:, year(draws(), b)] / r[:, year(draws(), a)]) / (b - a)))


def share_2025(site: int) -> float:
    f = central()["installed_flops_by_region"][0, 0]
    return float(f[site] / f.sum())


def ftm_crossing(threshold: float) -> float:
    e = ftm()["effective_compute_oom_by_bloc"][:, :, 0]
    return float(milestones.crossing_year(e, np.array([threshold]), YEARS)[0])


def prc_lag_years_2026() -> float:
    """Years US labs' effective compute took to reach PRC labs' mid-2026 level (median)."""
    e = draws()["effective_compute_oom_by_bloc"]
    j = year(draws(), 2026)
    us_then = milestones.crossing_year(e[:, :, 0], e[:, j, 1], YEARS)
    return float(np.median(YEARS[j] + 0.5 - us_then))


def closed_form_software() -> float:
    """Relative error of the integrator against 10^(beta s) = 1 + beta ln10 g0 t at 10 years."""
    fixed = {
        "rsi_progress_multiplier": 1.0,
        "software_ceiling_oom": 99,
        "research_labour_growth": 1,
    }
    p = params(1, 0, {f"compute.{k}": v for k, v in fixed.items()})
    flat = np.zeros((1, len(YEARS), 2))
    sw = software.integrate(p, YEARS, flat, flat)
    k = 10  # mid-2035: software is reported at mid-years
    beta = p["compute.research_parallelism"][0] / p["compute.software_returns"][0]
    g0 = np.log10(p["compute.algorithmic_efficiency_growth"][0])
    exact = np.log10(1 + beta * np.log(10) * g0 * 10.0) / beta
    return float(abs(sw["software"][0, k, 0] / exact - 1))


ROWS: dict[str, Callable[[], float]] = {
    "backtest_growth_2018_2025": backtest_growth,
    "largest_run_2025": lambda: float(run_flop(central(), 2025)[0]),
    "largest_run_2028_site": lambda: float(np.median(run_flop(draws(), 2028))),
    "largest_run_2028_trend": lambda: float(np.median(run_flop(draws(), 2028))),
    "compute_growth_2025_2030": lambda: growth_oom(2025, 2030),
    "compute_growth_2030_2040": lambda: growth_oom(2030, 2040),
    "rsi_median": lambda: float(np.median(draws()["rsi_year"])),
    "p_rsi_before_2029": lambda: float(np.mean(draws()["rsi_year"] < 2029)),
    "ftm_20pct_automation": lambda: ftm_crossing(FTM_20PCT_OOM),
    "ftm_full_automation": lambda: float(ftm()["tai_year"][0]),
    "ftm_20_to_100_years": lambda: ftm_crossing(FTM_FULL_OOM) - ftm_crossing(FTM_20PCT_OOM),
    "us_share_2025": lambda: share_2025(0),
    "china_share_2025": lambda: share_2025(2),
    "prc_lag_2026_years": prc_lag_years_2026,
    "closed_form_software": closed_form_software,
}


def read_table() -> list[dict[str, str]]:
    with open(TABLE, newline="") as fh:
        return list(csv.DictReader(fh))


def model_values() -> dict[str, float]:
    return {k: f() for k, f in ROWS.items()}


def naive_baseline() -> dict[str, float]:
    """The sceptic's model: effective compute on the 2018-25 trend (physical x4.8, algorithms
    x2.8 a year) from the 2025 frontier, the same milestone thresholds per draw."""
    p = params(DRAWS, SEED)
    mid = YEARS + 0.5
    e = (mid - 2025.5)[None, :] * np.log10(TREND_PHYSICAL * TREND_ALGORITHMS)
    e = np.repeat(e, DRAWS, axis=0)
    rsi = milestones.crossing_year(e, p["compute.rsi_threshold_oom"], YEARS)
    tai = milestones.crossing_year(
        e, p["compute.rsi_threshold_oom"] + p["compute.tai_gap_oom"], YEARS
    )
    return {
        "largest_run_2028": FRONTIER_2025 * TREND_PHYSICAL**3,
        "rsi_median": float(np.median(rsi)),
        "p_rsi_before_2029": float(np.mean(rsi < 2029)),
        "tai_median": float(np.median(tai)),
        "p_tai_by_2036": float(np.mean(tai < 2036)),
        "rsi_to_tai_years": float(np.median(tai - rsi)),
    }


def write(values: dict[str, float]) -> None:
    rows = read_table()
    for r in rows:
        r["model"] = f"{values[r['id']]:.6g}"
    with open(TABLE, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":  # pragma: no cover - regenerates the table's model column
    vals = model_values()
    for r in read_table():
        print(f"{r['id']:28s} anchor {r['anchor']:>10s}  model {vals[r['id']]:.4g}")
    print("naive baseline:", {k: round(v, 3) for k, v in naive_baseline().items()})
    if "--write" in sys.argv:
        write(vals)
