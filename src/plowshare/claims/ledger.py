"""The claims ledger: each claim in the essay, tested on model runs, with what drives it.

For each claim the ledger runs its scenarios on the same draws (common random numbers),
computes a per-draw metric, and records in how many draws the claim holds. Verdict:
*holds* if it holds in at least 80 % of draws, *does not hold* at most 20 %, otherwise
*depends*. What drives it: first-order sensitivity indices of the metric to every sampled
parameter by RBD-FAST (our vectorised numpy version of SALib's estimator), estimated
from the same Latin-hypercube draws — no extra model runs, which is why it is used
instead of Sobol' sampling (Saltelli's scheme would need N(2k+2) runs for k ~ 150
parameters).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from plowshare.core.data import package_root
from plowshare.core.sampling import DEFAULT_SEED
from plowshare.core.scenario import load_scenario
from plowshare.engine import api

Array = NDArray[np.float64]
HOLDS, FAILS = 0.8, 0.2
US_POWER_CO2_2024_MT = 1537.0  # EIA state emissions, US electric power 2024 (AUDIT headline)
GOLF_WATER_BN_GALLONS = 500.0  # GCSAA via the research note (secondary): 500-530 bn gal/yr
US_GDP_2025_USD = 30762.1e9  # BEA (investment.gdp_2025)


@dataclass(frozen=True)
class Claim:
    id: str
    title: str
    quote: str
    test: str
    scenarios: tuple[str, ...]
    metric: str
    op: str
    threshold: float
    unit: str


@dataclass
class ClaimResult:
    claim: Claim
    share_holds: float
    verdict: str
    metric_p5_p50_p95: tuple[float, float, float]
    drivers: list[tuple[str, float]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        c = self.claim
        return {
            "id": c.id,
            "title": c.title,
            "quote": c.quote,
            "test": c.test,
            "scenarios": list(c.scenarios),
            "metric": c.metric,
            "unit": c.unit,
            "condition": f"{c.op} {c.threshold:g}",
            "share_of_draws_holding": self.share_holds,
            "verdict": self.verdict,
            "metric_p5_p50_p95": list(self.metric_p5_p50_p95),
            "drivers": [{"parameter": n, "first_order_index": s} for n, s in self.drivers],
        }


def load_claims() -> list[Claim]:
    with open(package_root() / "claims" / "claims.toml", "rb") as fh:
        data = tomllib.load(fh)
    return [
        Claim(
            c["id"],
            c["title"],
            c["quote"],
            c["test"],
            tuple(c["scenarios"]),
            c["metric"],
            c["op"],
            float(c["threshold"]),
            c["unit"],
        )
        for c in data["claim"]
    ]


# ---- per-draw metrics: (datasets by scenario, claim) -> (n,) ----------------------------


def _delay(a: xr.Dataset, b: xr.Dataset, var: str) -> Array:
    ya, yb = a[var].values, b[var].values
    with np.errstate(invalid="ignore"):
        d = yb - ya
    return np.where(np.isfinite(ya) | np.isfinite(yb), np.nan_to_num(d, posinf=99.0), 0.0)


def _at(ds: xr.Dataset, var: str, year: int) -> Array:
    return np.asarray(ds[var].sel(year=year).values, dtype=np.float64)


def relocated_share(ds: xr.Dataset) -> Array:
    window = ds.sel(year=slice(2026, 2040))
    dest = window["siting.relocated_gw_by_destination"].sum("year")
    blocked = window["siting.blocked_gw"].sum("year").values
    kept = dest.sel(destination=["other US states", "Gulf"]).sum("destination").values
    return np.where(blocked > 0, kept / np.maximum(blocked, 1e-12), np.nan)


def bill_change_pct(ds: xr.Dataset, year: int) -> Array:
    from plowshare.core.sites import site_data

    w = np.nan_to_num(site_data().residential_sales_twh)
    pct = ds["energy.bill_change_pct_by_state"].sel(year=year).values
    return np.asarray(pct @ w / w.sum())


METRICS = {
    "tai_delay_years": lambda d, c: _delay(
        d[c.scenarios[0]], d[c.scenarios[1]], "compute.tai_year"
    ),
    "rsi_delay_years": lambda d, c: _delay(
        d[c.scenarios[0]], d[c.scenarios[1]], "compute.rsi_year"
    ),
    "relocated_share_states_gulf": lambda d, c: relocated_share(d[c.scenarios[0]]),
    "prc_ahead_2035": lambda d, c: _at(d[c.scenarios[0]], "compute.prc_ahead", 2035),
    "co2_share_of_power_2030": lambda d, c: (
        _at(d[c.scenarios[0]], "energy.co2_mt_us", 2030) / US_POWER_CO2_2024_MT
    ),
    "direct_water_vs_golf_2030": lambda d, c: (
        _at(d[c.scenarios[0]], "energy.water_direct_bn_gallons_us", 2030) / GOLF_WATER_BN_GALLONS
    ),
    "bill_change_pct_2030": lambda d, c: bill_change_pct(d[c.scenarios[0]], 2030),
    "endowment_over_gdp": lambda d, c: (
        d[c.scenarios[0]]["fund.endowment_required_usd"].values / US_GDP_2025_USD
    ),
    "coverage_2035": lambda d, c: _at(d[c.scenarios[0]], "fund.coverage", 2035),
    "coverage_2040": lambda d, c: _at(d[c.scenarios[0]], "fund.coverage", 2040),
    # P(target wins) at the largest attack budget on the response curve ($1 bn)
    "contest_win_at_1bn": lambda d, c: (
        d[c.scenarios[0]]["contest.curve_win_probability"].isel(attack_level=-1).values
    ),
}
OPS = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal}


def verdict(share: float) -> str:
    return "holds" if share >= HOLDS else "does not hold" if share <= FAILS else "depends"


def rbd_fast_s1(x: Array, y: Array, m: int = 10) -> Array:
    """First-order sensitivity indices of ``y`` to each column of ``x`` by RBD-FAST.

    Vectorised over columns: sort the draws by each input in the EASI zig-zag order
    (Plischke 2010, doi:10.1016/j.ress.2009.11.005), take the share of the output's
    periodogram power in the first ``m`` harmonics (Tarantola, Gatelli & Mara 2006,
    doi:10.1016/j.ress.2005.06.003) and remove the small-sample bias (Tissot & Prieur 2012,
    doi:10.1016/j.ress.2012.06.010). Matches SALib's ``rbd_fast`` without its bootstrap.
    """
    n = y.size
    order = np.argsort(x, axis=0, kind="stable")
    zigzag = np.concatenate([order[::2], order[1::2][::-1]], axis=0)
    yp = y[zigzag]  # (n, k): outputs re-ordered along each input
    power = np.abs(np.fft.rfft(yp - yp.mean(axis=0), axis=0)) ** 2
    power[1 : (n + 1) // 2] *= 2.0  # one-sided spectrum, as scipy's periodogram
    s1 = power[1 : m + 1].sum(axis=0) / power[1:].sum(axis=0)
    lam = 2.0 * m / n
    return np.asarray(s1 - lam / (1.0 - lam) * (1.0 - s1), dtype=np.float64)


def drivers(params: dict[str, Array], y: Array, top: int = 3) -> list[tuple[str, float]]:
    """The parameters with the largest RBD-FAST first-order indices for ``y``."""
    ok = np.isfinite(y)
    names = [k for k, v in params.items() if np.ptp(v[ok]) > 0]
    if ok.sum() < 50 or np.ptp(y[ok]) == 0 or not names:
        return []
    x = np.column_stack([params[k][ok] for k in names])
    s1 = np.nan_to_num(rbd_fast_s1(x, y[ok]))
    order = np.argsort(s1)[::-1][:top]
    return [(names[i], float(s1[i])) for i in order if s1[i] > 0.02]


def _scenario_params(ds: xr.Dataset) -> dict[str, Array]:
    return {
        str(v)[6:]: np.asarray(ds[v].values, dtype=np.float64)
        for v in ds.data_vars
        if str(v).startswith("param.")
    }


def evaluate(
    draws: int = 1000,
    seed: int = DEFAULT_SEED,
    overrides: dict[str, float] | None = None,
    cache: dict[str, xr.Dataset] | None = None,
) -> list[ClaimResult]:
    """Run every claim's scenarios (cached, common random numbers) and judge each claim.

    ``overrides`` (dotted parameter names) are applied to every scenario, to see what
    flips a verdict; ``cache`` (scenario name -> results) lets a caller share the runs.
    """
    cache = {} if cache is None else cache

    def get(name: str) -> xr.Dataset:
        if name not in cache:
            sc = load_scenario(name).with_values(overrides or {}, "claims")
            cache[name] = api.run(sc, draws=draws, seed=seed)
        return cache[name]

    results = []
    for c in load_claims():
        data = {s: get(s) for s in c.scenarios}
        y = np.asarray(METRICS[c.metric](data, c), dtype=np.float64)
        params = _scenario_params(data[c.scenarios[-1]])
        ok = np.isfinite(y)
        share = float(OPS[c.op](y[ok], c.threshold).mean()) if ok.any() else math.nan
        q = np.quantile(y[ok], [0.05, 0.5, 0.95]) if ok.any() else [math.nan] * 3
        results.append(
            ClaimResult(
                c,
                share,
                verdict(share),
                (float(q[0]), float(q[1]), float(q[2])),
                drivers(params, y),
            )
        )
    return results
