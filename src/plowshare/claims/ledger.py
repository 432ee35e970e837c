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
from collections.abc import Callable
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
DEFAULT_DRAWS = 1000  # the CLI, the ledger, the brief and the README use the same
US_POWER_CO2_2024_MT = 1537.0  # EIA state emissions, US electric power 2024 (AUDIT headline)
GOLF_WATER_BN_GALLONS = 500.0  # GCSAA via the research note (secondary): 500-530 bn gal/yr
US_GDP_2025_USD = 30762.1e9  # BEA (investment.gdp_2025)


VERDICT_RULE = (
    "holds when true in at least 8 of 10 draws, does not hold when true in at most 2 of 10, "
    "otherwise depends"
)
CANNOT = "cannot be evaluated"
BOOTSTRAP = 400


class MissingOutput(KeyError):
    """A model output a claim needs is not in its scenario's results."""


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
    why: str = ""
    aggregate: str = "draws"
    magnitude: str = ""
    answer: str = ""
    drivers_of: str = ""


@dataclass
class ClaimResult:
    claim: Claim
    share_holds: float
    verdict: str
    metric_p5_p50_p95: tuple[float, float, float]
    drivers: list[tuple[str, float]] = field(default_factory=list)
    magnitude_p5_p50_p95: tuple[float, float, float] = (math.nan, math.nan, math.nan)
    flips: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""

    @property
    def answer(self) -> str:
        """The quotable sentence: the magnitude with its 90 % band."""
        if self.error:
            return f"Not computed: {self.error}"
        return answer_sentence(self.claim, self.magnitude_p5_p50_p95)

    @property
    def verdict_sentence(self) -> str:
        """The verdict in words that explain themselves (the 80/20 rule included)."""
        return verdict_sentence(self)

    @property
    def flip_sentence(self) -> str:
        return flip_sentence(self)

    def to_dict(self) -> dict[str, Any]:
        c = self.claim
        return {
            "id": c.id,
            "title": c.title,
            "quote": c.quote,
            "test": c.test,
            "why_this_test": c.why,
            "scenarios": list(c.scenarios),
            "metric": c.metric,
            "aggregate": c.aggregate,
            "unit": c.unit,
            "condition": f"{c.op} {c.threshold:g}",
            "share_of_draws_holding": _finite(self.share_holds),
            "verdict": self.verdict,
            "verdict_sentence": self.verdict_sentence,
            "verdict_rule": VERDICT_RULE,
            "answer": self.answer,
            "metric_p5_p50_p95": [_finite(v) for v in self.metric_p5_p50_p95],
            "magnitude_metric": c.magnitude or c.metric,
            "magnitude_p5_p50_p95": [_finite(v) for v in self.magnitude_p5_p50_p95],
            "drivers": [{"parameter": n, "first_order_index": s} for n, s in self.drivers],
            "what_would_flip_it": self.flip_sentence,
            "flip_frontier": self.flips,
            "error": self.error or None,
        }


def _finite(v: float) -> float | None:
    """NaN is not JSON: missing numbers are null."""
    return v if math.isfinite(v) else None


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
            c.get("why", ""),
            c.get("aggregate", "draws"),
            c.get("magnitude", ""),
            c.get("answer", ""),
            c.get("drivers_of", ""),
        )
        for c in data["claim"]
    ]


# ---- per-draw metrics: (datasets by scenario, claim) -> (n,) ----------------------------


def _var(ds: xr.Dataset, var: str) -> xr.DataArray:
    if var not in ds:
        raise MissingOutput(
            f"model output '{var}' is not in the results (was it renamed in the model's "
            "outputs.toml?)"
        )
    return ds[var]


def _delay(a: xr.Dataset, b: xr.Dataset, var: str) -> Array:
    ya = np.asarray(_var(a, var).values, dtype=np.float64)
    yb = np.asarray(_var(b, var).values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        d = yb - ya
    return np.where(np.isfinite(ya) | np.isfinite(yb), np.nan_to_num(d, posinf=99.0), 0.0)


def _at(ds: xr.Dataset, var: str, year: int) -> Array:
    return np.asarray(_var(ds, var).sel(year=year).values, dtype=np.float64)


def _before(ds: xr.Dataset, var: str, year: float) -> Array:
    """1 where the (fractional) calendar year in ``var`` comes before ``year``, else 0."""
    return (np.asarray(_var(ds, var).values, dtype=np.float64) < year).astype(np.float64)


def relocated_share(ds: xr.Dataset) -> Array:
    window = ds.sel(year=slice(2026, 2040))
    dest = _var(window, "siting.relocated_gw_by_destination").sum("year")
    blocked = _var(window, "siting.blocked_gw").sum("year").values
    kept = dest.sel(destination=["other US states", "Gulf"]).sum("destination").values
    return np.where(blocked > 0, kept / np.maximum(blocked, 1e-12), np.nan)


def bill_change_pct(ds: xr.Dataset, year: int) -> Array:
    if "energy.bill_change_pct_us" in ds:
        return _at(ds, "energy.bill_change_pct_us", year)
    from plowshare.core.sites import site_data

    w = np.nan_to_num(site_data().residential_sales_twh)
    pct = _var(ds, "energy.bill_change_pct_by_state").sel(year=year).values
    return np.asarray(pct @ w / w.sum())


def breakeven_compute_tax(ds: xr.Dataset, year: int) -> Array:
    need = _at(ds, "fund.need_usd", year)
    base = _at(ds, "fund.compute_spending_usd", year)
    return np.where(base > 0, need / np.maximum(base, 1e-12), np.nan)


def _water_2030(ds: xr.Dataset) -> Array:
    direct = _at(ds, "energy.water_direct_bn_gallons_us", 2030)
    indirect = _at(ds, "energy.water_indirect_bn_gallons_us", 2030)
    return (direct + indirect) / GOLF_WATER_BN_GALLONS


def _eq_spend(ds: xr.Dataset, prize: float) -> Array:
    return np.asarray(
        _var(ds, "contest.eq_attacker_usd").sel(prize=prize, method="nearest").values,
        dtype=np.float64,
    )


Metric = Callable[[dict[str, xr.Dataset], Claim], Array]
METRICS: dict[str, Metric] = {
    # change of an indicator between two scenarios on the same draws: its mean is the
    # change in probability (aggregate = "mean")
    "tai_by_2036_drop": lambda d, c: (
        _before(d[c.scenarios[0]], "compute.tai_year", 2036.0)
        - _before(d[c.scenarios[1]], "compute.tai_year", 2036.0)
    ),
    "rsi_before_2029_drop": lambda d, c: (
        _before(d[c.scenarios[0]], "compute.rsi_year", 2029.0)
        - _before(d[c.scenarios[1]], "compute.rsi_year", 2029.0)
    ),
    "tai_delay_years": lambda d, c: _delay(
        d[c.scenarios[0]], d[c.scenarios[1]], "compute.tai_year"
    ),
    "rsi_delay_years": lambda d, c: _delay(
        d[c.scenarios[0]], d[c.scenarios[1]], "compute.rsi_year"
    ),
    "relocated_share_states_gulf": lambda d, c: relocated_share(d[c.scenarios[0]]),
    "prc_ahead_2035": lambda d, c: _at(d[c.scenarios[0]], "compute.prc_ahead", 2035),
    "us_lead_oom_2035": lambda d, c: _at(d[c.scenarios[0]], "compute.us_lead_oom", 2035),
    "co2_share_of_power_2030": lambda d, c: (
        _at(d[c.scenarios[0]], "energy.co2_mt_us", 2030) / US_POWER_CO2_2024_MT
    ),
    "total_water_vs_golf_2030": lambda d, c: _water_2030(d[c.scenarios[0]]),
    "direct_water_vs_golf_2030": lambda d, c: (
        _at(d[c.scenarios[0]], "energy.water_direct_bn_gallons_us", 2030) / GOLF_WATER_BN_GALLONS
    ),
    "bill_change_pct_2030": lambda d, c: bill_change_pct(d[c.scenarios[0]], 2030),
    "endowment_over_gdp": lambda d, c: (
        np.asarray(_var(d[c.scenarios[0]], "fund.endowment_required_usd").values) / US_GDP_2025_USD
    ),
    "breakeven_compute_tax_2035": lambda d, c: breakeven_compute_tax(d[c.scenarios[0]], 2035),
    "coverage_2035": lambda d, c: _at(d[c.scenarios[0]], "fund.coverage", 2035),
    "coverage_2040": lambda d, c: _at(d[c.scenarios[0]], "fund.coverage", 2040),
    "coverage_2040_gain": lambda d, c: (
        _at(d[c.scenarios[1]], "fund.coverage", 2040)
        - _at(d[c.scenarios[0]], "fund.coverage", 2040)
    ),
    "attacker_spend_at_1bn_prize": lambda d, c: _eq_spend(d[c.scenarios[0]], 1e9),
    # P(target wins) at the largest attack budget on the response curve ($1 bn)
    "contest_win_at_1bn": lambda d, c: np.asarray(
        _var(d[c.scenarios[0]], "contest.curve_win_probability").isel(attack_level=-1).values
    ),
}
OPS = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal}


def verdict(share: float) -> str:
    if not math.isfinite(share):
        return CANNOT
    return "holds" if share >= HOLDS else "does not hold" if share <= FAILS else "depends"


def share_holding(claim: Claim, y: Array, rng_seed: int = 0) -> float:
    """Share of draws in which the claim holds, or (aggregate = "mean") share of bootstrap
    resamples of the draws whose mean meets the condition."""
    y = y[np.isfinite(y)]
    if y.size == 0:
        return math.nan
    op = OPS[claim.op]
    if claim.aggregate == "mean":
        rng = np.random.default_rng(rng_seed)
        idx = rng.integers(0, y.size, (BOOTSTRAP, y.size))
        return float(op(y[idx].mean(axis=1), claim.threshold).mean())
    return float(op(y, claim.threshold).mean())


def magnitude(claim: Claim, y: Array) -> tuple[float, float, float]:
    """Median and 90 % band of the quantity: across draws, or for a mean (a probability
    change) the estimate and its 90 % bootstrap band."""
    y = y[np.isfinite(y)]
    if y.size == 0:
        return (math.nan, math.nan, math.nan)
    if claim.aggregate == "mean":
        rng = np.random.default_rng(1)
        means = y[rng.integers(0, y.size, (BOOTSTRAP, y.size))].mean(axis=1)
        lo, hi = np.quantile(means, [0.05, 0.95])
        return (float(lo), float(y.mean()), float(hi))
    q = np.quantile(y, [0.05, 0.5, 0.95])
    return (float(q[0]), float(q[1]), float(q[2]))


def answer_sentence(claim: Claim, band: tuple[float, float, float]) -> str:
    if not claim.answer or not all(math.isfinite(v) for v in band):
        lo, mid, hi = band
        return f"{claim.title}: median {mid:.3g} {claim.unit} (90 % band {lo:.3g} to {hi:.3g})."
    lo, mid, hi = band
    ctx: dict[str, Any] = {"p5": lo, "p50": mid, "p95": hi}
    for k, v in (("p5", lo), ("p50", mid), ("p95", hi)):
        ctx[f"{k}_pp"] = v * 100.0
        ctx[f"{k}_m"] = v / 1e6
        ctx[f"{k}_x"] = _times(v)
    return _pct_space(claim.answer.format(**ctx))


def _pct_space(text: str) -> str:
    """House style: a space before the per-cent sign ("81 %")."""
    import re

    return re.sub(r"(\d)%", r"\1 %", text)


def _times(oom: float) -> str:
    """Orders of magnitude in words: 1 OOM is 10 times."""
    f = 10.0 ** abs(oom)
    who = "the US ahead" if oom >= 0 else "the PRC ahead"
    return f"{who} by a factor of {f:,.0f}" if f >= 10 else f"{who} by a factor of {f:.1f}"


def verdict_sentence(r: ClaimResult) -> str:
    """E.g. "Holds: true in 100 % of draws (the rule: ...)"; never "does not hold in 0 %"."""
    if r.verdict == CANNOT:
        return f"Cannot be evaluated: {r.error or 'no draw gives a finite value'}."
    what = "bootstrap resamples of the draws" if r.claim.aggregate == "mean" else "draws"
    pct = f"{r.share_holds:.0%}".replace("%", " %")
    if r.verdict == "holds":
        head = f"Holds: the test is met in {pct} of {what}"
    elif r.verdict == "does not hold":
        head = f"Does not hold: the test is met in only {pct} of {what}"
    else:
        head = f"Depends: the test is met in {pct} of {what}, between the cut-offs"
    return f"{head} (a claim holds when met in at least 8 of 10, fails when in at most 2 of 10)."


# ---- what would flip it -------------------------------------------------------------------


def _param_words(name: str) -> tuple[str, str]:
    """A parameter's description and unit for sentences (the name if unregistered)."""
    try:
        from plowshare.core.params import default_registry

        reg = default_registry()
        if name in reg:
            p = reg[name]
            return (p.description.rstrip(".") or name, p.unit)
    except Exception:
        pass
    return (name, "")


def _fmt_value(v: float, unit: str) -> str:
    u = unit.strip()
    if u in ("fraction", "share") and 0 <= v <= 1.5:
        return f"{v:.0%} ".replace("% ", " %")
    if u in ("USD", "USD/yr") and abs(v) >= 1e6:
        return f"${v / 1e9:,.2g} bn" if abs(v) >= 1e9 else f"${v / 1e6:,.0f} M"
    txt = f"{v:,.3g}"
    return f"{txt} {u}" if u and u not in ("1", "-", "0/1") else txt


def flip_frontier(
    claim: Claim, y: Array, params: dict[str, Array], names: list[str], min_tail: float = 0.1
) -> list[dict[str, Any]]:
    """For each driver, the in-range setting nearest the median past which the verdict turns.

    On the same draws (no new runs): keep the draws with the driver above (or below) a cut
    point, moving the cut from the median outwards to the 10 % tail, and judge the claim on
    those draws alone. The first cut at which the verdict differs from the overall verdict is
    the frontier; none if no cut in range turns it.
    """
    ok = np.isfinite(y)
    base = verdict(share_holding(claim, y[ok]))
    out: list[dict[str, Any]] = []
    for name in names:
        if name not in params:
            continue
        x = params[name][ok]
        yy = y[ok]
        if np.ptp(x) == 0 or yy.size < 20:
            continue
        desc, unit = _param_words(name)
        found: dict[str, Any] | None = None
        for q in np.linspace(0.5, 1.0 - min_tail, 9):
            for side in ("above", "below"):
                cut = float(np.quantile(x, q if side == "above" else 1.0 - q))
                sel = x > cut if side == "above" else x < cut
                if sel.sum() < max(10, int(min_tail * x.size)):
                    continue
                share = share_holding(claim, yy[sel])
                v = verdict(share)
                if v != base:
                    found = {
                        "parameter": name,
                        "description": desc,
                        "side": side,
                        "value": cut,
                        "value_text": _fmt_value(cut, unit),
                        "range": [float(x.min()), float(x.max())],
                        "share_beyond": share,
                        "verdict_beyond": v,
                        "draws_beyond": int(sel.sum()),
                    }
                    break
            if found:
                break
        out.append(
            found
            or {
                "parameter": name,
                "description": desc,
                "side": None,
                "value": None,
                "range": [float(x.min()), float(x.max())],
                "verdict_beyond": None,
            }
        )
    return out


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def flip_sentence(r: ClaimResult) -> str:
    if r.verdict == CANNOT:
        return "Not computed."
    if not r.flips:
        return (
            "No sampled parameter measurably drives the result (RBD-FAST finds none), so no "
            "in-range setting of a sampled parameter flips it: the verdict is set by the "
            "scenario's levers and fixed inputs."
        )
    parts, none = [], []
    for f in r.flips:
        if f["side"] is None:
            none.append(_lower(f["description"]))
            continue
        word = "exceeds" if f["side"] == "above" else "is below"
        parts.append(
            _pct_space(
                f"{_lower(f['description'])} {word} {f['value_text']} (then it "
                f"{f['verdict_beyond']}: met in {f['share_beyond']:.0%} of those draws)"
            )
        )
    s = ""
    if parts:
        s = f"{r.verdict.capitalize()} unless " + "; or unless ".join(parts) + "."
    if none:
        s += (" " if s else "") + ("No in-range setting of " + " or of ".join(none) + " flips it.")
    return s


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
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    overrides: dict[str, float] | None = None,
    cache: dict[str, xr.Dataset] | None = None,
    only: set[str] | None = None,
) -> list[ClaimResult]:
    """Run every claim's scenarios (cached, common random numbers) and judge each claim.

    ``overrides`` (dotted parameter names) are applied to every scenario, to see what
    flips a verdict; ``cache`` (scenario name -> results) lets a caller share the runs;
    ``only`` restricts to some claim ids. A claim whose model output is missing is reported
    as "cannot be evaluated" with the reason, not raised.
    """
    cache = {} if cache is None else cache

    def get(name: str) -> xr.Dataset:
        if name not in cache:
            sc = load_scenario(name).with_values(overrides or {}, "claims")
            cache[name] = api.run(sc, draws=draws, seed=seed)
        return cache[name]

    results = []
    nan3 = (math.nan, math.nan, math.nan)
    for c in load_claims():
        if only is not None and c.id not in only:
            continue
        try:
            data = {s: get(s) for s in c.scenarios}
            y = np.asarray(METRICS[c.metric](data, c), dtype=np.float64)
            mag_y = (
                np.asarray(METRICS[c.magnitude](data, c), dtype=np.float64) if c.magnitude else y
            )
        except (MissingOutput, KeyError) as e:
            msg = e.args[0] if isinstance(e, MissingOutput) else f"missing {e}"
            results.append(ClaimResult(c, math.nan, CANNOT, nan3, error=str(msg)))
            continue
        ok = np.isfinite(y)
        if not ok.any():
            results.append(
                ClaimResult(
                    c,
                    math.nan,
                    CANNOT,
                    nan3,
                    error=f"the metric {c.metric} is not finite in any draw",
                )
            )
            continue
        params = _scenario_params(data[c.scenarios[-1]])
        share = share_holding(c, y)
        q = np.quantile(y[ok], [0.05, 0.5, 0.95])
        rank_y = y
        if c.drivers_of or np.ptp(y[ok]) == 0:  # rank drivers on a continuous quantity
            rank_y = (
                np.asarray(METRICS[c.drivers_of](data, c), dtype=np.float64)
                if c.drivers_of
                else mag_y
            )
        drive = drivers(params, rank_y)
        results.append(
            ClaimResult(
                c,
                share,
                verdict(share),
                (float(q[0]), float(q[1]), float(q[2])),
                drive,
                magnitude(c, mag_y),
                flip_frontier(c, y, params, [n for n, _ in drive[:2]]),
            )
        )
    return results
