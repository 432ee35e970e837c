"""Probability distributions of parameters, as inverse CDFs over uniforms.

Each distribution maps uniform draws ``u`` in (0, 1) to values through its
quantile function, so plain Monte Carlo, Latin hypercube sampling and the
Gaussian copula all share one code path. Lognormal, uniform and loguniform
may be given by their 5th and 95th percentiles (``p5``, ``p95``).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from .errors import nearest

Z95 = float(stats.norm.ppf(0.95))  # 1.6449: half-width of a 90 % normal interval in sd

KINDS = ("fixed", "uniform", "triangular", "normal", "lognormal", "loguniform")

_FIELDS: dict[str, tuple[set[str], ...]] = {
    # each kind: the accepted sets of fields (besides 'kind'); optional lower/upper on normal
    "fixed": (set(),),
    "uniform": ({"low", "high"}, {"p5", "p95"}),
    "triangular": ({"low", "mode", "high"},),
    "normal": ({"mean", "sd"}, {"p5", "p95"}),
    "lognormal": ({"p5", "p95"}, {"median", "sigma"}),
    "loguniform": ({"low", "high"}, {"p5", "p95"}),
}


_EXTRA: dict[str, set[str]] = {"normal": {"lower", "upper"}, "fixed": {"value"}}

# probabilities at which a new distribution's quantiles must be finite
_PROBE = (1e-9, 0.05, 0.5, 0.95, 1 - 1e-9)


class DistError(ValueError):
    """A distribution specification that cannot be used (message names the problem)."""


def _show(v: Any, limit: int = 60) -> str:
    """``repr`` shortened to one bounded line (huge ints are not converted to text)."""
    if isinstance(v, int) and not isinstance(v, bool) and v.bit_length() > 64:
        return f"an integer of {v.bit_length()} bits"
    r = repr(v)
    return r if len(r) <= limit else r[: limit - 1] + "…"


def _finite(kind: str, key: str, v: Any) -> float:
    """``v`` as a finite float, or a DistError naming ``key``."""
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise DistError(f"{kind}: '{key}' must be a finite number, got {_show(v)}")
    try:
        x = float(v)
    except OverflowError:
        x = math.inf
    if not math.isfinite(x):
        raise DistError(f"{kind}: '{key}' must be a finite number, got {_show(v)}")
    return x


@dataclass(frozen=True)
class Dist:
    """A univariate distribution with a vectorised quantile function."""

    kind: str
    args: dict[str, float] = field(default_factory=dict)

    # ---- construction -------------------------------------------------------------------
    @classmethod
    def from_spec(cls, spec: Any, central: float | None = None) -> Dist:
        """Parse a TOML table such as ``{kind = "lognormal", p5 = 3, p95 = 6}``.

        Every field must be a finite number (not a bool, string, NaN or infinity);
        an unknown field is named with the nearest valid one.
        """
        if not isinstance(spec, dict):
            raise DistError(
                f"expected a table like {{kind = 'uniform', low = …}}, got {_show(spec)}"
            )
        kind = spec.get("kind")
        if not isinstance(kind, str) or kind not in KINDS:
            hint = nearest(kind, KINDS) if isinstance(kind, str) else None
            raise DistError(
                f"kind must be one of {', '.join(KINDS)}; got {_show(kind)}"
                + (f" (did you mean '{hint}'?)" if hint else "")
            )
        want = " or ".join("{" + ", ".join(sorted(s)) + "}" for s in _FIELDS[kind])
        valid = set().union(*_FIELDS[kind]) | _EXTRA.get(kind, set())
        for k in spec:
            if k != "kind" and (not isinstance(k, str) or k not in valid):
                hint = nearest(k, sorted(valid)) if isinstance(k, str) else None
                raise DistError(
                    f"a {kind} distribution takes {want or 'only value'}"
                    + (f" (optionally {', '.join(sorted(_EXTRA[kind]))})" if kind in _EXTRA else "")
                    + f"; unknown field {_show(k)}"
                    + (f" (did you mean '{hint}'?)" if hint else "")
                )
        args = {k: _finite(kind, k, v) for k, v in spec.items() if k != "kind"}
        keys = set(args) - _EXTRA.get(kind, set())
        if keys not in _FIELDS[kind]:
            raise DistError(
                f"a {kind} distribution takes {want or 'no fields'}; got {sorted(keys)}"
            )
        if kind == "fixed":
            value = args.get("value", central)
            if value is None:
                raise DistError("a fixed distribution needs a value")
            return cls("fixed", {"value": _finite(kind, "value", value)})
        return cls._normalise(kind, args)

    @classmethod
    def fixed(cls, value: float) -> Dist:
        return cls("fixed", {"value": float(value)})

    @classmethod
    def _normalise(cls, kind: str, a: dict[str, float]) -> Dist:
        """Convert p5/p95 forms to canonical parameters and check them."""
        if "p5" in a and not a["p5"] < a["p95"]:
            raise DistError(f"{kind}: p5 ({a['p5']}) must be below p95 ({a['p95']})")
        try:
            if kind == "uniform" and "p5" in a:
                w = (a["p95"] - a["p5"]) / 0.9
                a = {"low": a["p5"] - 0.05 * w, "high": a["p95"] + 0.05 * w}
            elif kind == "normal" and "p5" in a:
                extra: dict[str, float] = {k: a[k] for k in ("lower", "upper") if k in a}
                a = {
                    "mean": a["p5"] / 2 + a["p95"] / 2,
                    "sd": (a["p95"] - a["p5"]) / (2 * Z95),
                    **extra,
                }
            elif kind == "lognormal" and "p5" in a:
                if a["p5"] <= 0:
                    raise DistError("lognormal p5 must be positive")
                lo, hi = math.log(a["p5"]), math.log(a["p95"])
                a = {"median": math.exp((lo + hi) / 2), "sigma": (hi - lo) / (2 * Z95)}
            elif kind == "loguniform" and "p5" in a:
                if a["p5"] <= 0:
                    raise DistError("loguniform p5 must be positive")
                lo, hi = math.log(a["p5"]), math.log(a["p95"])
                w = (hi - lo) / 0.9
                a = {"low": math.exp(lo - 0.05 * w), "high": math.exp(hi + 0.05 * w)}
        except OverflowError:
            raise DistError(f"{kind}: p5/p95 too far apart to represent") from None
        for k, v in a.items():
            if not math.isfinite(v):
                raise DistError(f"{kind}: p5/p95 too far apart to represent ({k} = {v})")
        cls._check(kind, a)
        d = cls(kind, a)
        d._check_quantiles()
        return d

    @staticmethod
    def _check(kind: str, a: dict[str, float]) -> None:
        if kind in ("uniform", "loguniform", "triangular") and not a["low"] < a["high"]:
            raise DistError(f"{kind}: low ({a['low']}) must be below high ({a['high']})")
        if kind == "loguniform" and a["low"] <= 0:
            raise DistError(f"loguniform low must be positive, got {a['low']}")
        if kind == "triangular" and not a["low"] <= a["mode"] <= a["high"]:
            raise DistError(
                f"triangular mode ({a['mode']}) must lie between low ({a['low']})"
                f" and high ({a['high']})"
            )
        if kind == "normal":
            if a["sd"] <= 0:
                raise DistError(f"normal sd must be positive, got {a['sd']}")
            if a.get("lower", -math.inf) >= a.get("upper", math.inf):
                raise DistError(
                    f"normal lower bound ({a.get('lower')}) must be below"
                    f" upper bound ({a.get('upper')})"
                )
            for k in ("lower", "upper"):
                # a bound so many sd away that its z-score overflows would be silently dropped
                if k in a and not math.isfinite((a[k] - a["mean"]) / a["sd"]):
                    raise DistError(f"normal '{k}' is too many sd from the mean to represent")
        if kind == "lognormal" and (a["sigma"] <= 0 or a["median"] <= 0):
            raise DistError(
                f"lognormal median ({a['median']}) and sigma ({a['sigma']}) must be positive"
            )

    def _check_quantiles(self) -> None:
        """Refuse parameters whose quantiles overflow (e.g. uniform over ±1e308)."""
        unstable = False
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            x = self.ppf(np.asarray(_PROBE))
        with np.errstate(over="raise", invalid="raise"), warnings.catch_warnings():
            warnings.simplefilter("error")  # overflow inside scipy on the way to a finite value
            try:
                self.ppf(np.asarray(_PROBE[1:-1]))
            except (FloatingPointError, RuntimeWarning):
                unstable = True
        if unstable or not np.all(np.isfinite(x)):
            raise DistError(
                f"{self.kind}: parameters {self.args} give quantiles beyond floating-point range"
            )

    # ---- use ------------------------------------------------------------------------------
    def support(self) -> tuple[float, float]:
        """The closed interval of values this distribution can produce."""
        a = self.args
        if self.kind == "fixed":
            return a["value"], a["value"]
        if self.kind in ("uniform", "loguniform", "triangular"):
            return a["low"], a["high"]
        if self.kind == "normal":
            return a.get("lower", -math.inf), a.get("upper", math.inf)
        return 0.0, math.inf  # lognormal

    def contains(self, x: float) -> bool:
        lo, hi = self.support()
        if self.kind == "lognormal":
            return x > 0
        return lo <= x <= hi

    def ppf(self, u: NDArray[np.float64]) -> NDArray[np.float64]:
        """Quantile function, vectorised over ``u`` in (0, 1)."""
        a = self.args
        u = np.asarray(u, dtype=np.float64)
        if self.kind == "fixed":
            return np.full_like(u, a["value"])
        if self.kind == "uniform":
            return a["low"] + u * (a["high"] - a["low"])
        if self.kind == "loguniform":
            lo, hi = math.log(a["low"]), math.log(a["high"])
            return np.exp(lo + u * (hi - lo))
        if self.kind == "triangular":
            w = a["high"] - a["low"]
            return np.asarray(stats.triang.ppf(u, (a["mode"] - a["low"]) / w, a["low"], w))
        if self.kind == "lognormal":
            return np.asarray(a["median"] * np.exp(a["sigma"] * stats.norm.ppf(u)))
        # normal, optionally truncated
        lo = (a.get("lower", -math.inf) - a["mean"]) / a["sd"]
        hi = (a.get("upper", math.inf) - a["mean"]) / a["sd"]
        if math.isinf(lo) and math.isinf(hi):
            return np.asarray(a["mean"] + a["sd"] * stats.norm.ppf(u))
        return np.asarray(stats.truncnorm.ppf(u, lo, hi, loc=a["mean"], scale=a["sd"]))

    def quantiles(self, qs: tuple[float, ...] = (0.05, 0.5, 0.95)) -> list[float]:
        return [float(x) for x in self.ppf(np.asarray(qs))]

    def describe(self, unit: str = "") -> str:
        """Short human text, e.g. ``lognormal (p5 3, p95 6)``."""

        def f(x: float) -> str:
            return fmt(x, unit)

        a = self.args
        if self.kind == "fixed":
            return f"fixed {f(a['value'])}"
        if self.kind == "triangular":
            return f"triangular ({f(a['low'])}, {f(a['mode'])}, {f(a['high'])})"
        if self.kind in ("uniform", "loguniform"):
            return f"{self.kind} [{f(a['low'])}, {f(a['high'])}]"
        p5, _, p95 = self.quantiles()
        return f"{self.kind} (p5 {f(p5)}, p95 {f(p95)})"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **self.args}


def fmt(x: float, unit: str = "") -> str:
    """Compact number formatting for tables: 3 significant figures, engineering-friendly."""
    if unit == "year":
        return f"{x:.0f}" if x == round(x) else f"{x:.1f}"
    if x == 0 or not math.isfinite(x):
        return str(x)
    ax = abs(x)
    if ax >= 1e6 or ax < 1e-3:
        return f"{x:.3g}"
    if ax >= 1000:
        return f"{x:,.0f}"
    return f"{x:.4g}"
