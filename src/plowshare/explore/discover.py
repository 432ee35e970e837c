"""Scenario discovery: the boxes of uncertain parameters in which an outcome happens.

PRIM (Friedman & Fisher 1999, "Bump hunting in high-dimensional data",
doi:10.1023/A:1008894516817) as implemented in the EMA Workbench
(``ema_workbench.analysis.prim``, Kwakkel 2017, doi:10.1016/j.envsoft.2017.06.054):
starting from the box holding every draw, it peels off a slice ``peel_alpha`` of the
draws along whichever parameter raises the box's density most, until the box holds
``mass_min`` of the draws; each step is a point on the peeling trajectory, trading
coverage against density:

* **coverage** — of the draws where the outcome happens, the share inside the box;
* **density** — of the draws inside the box, the share where the outcome happens;
* **mass** — the share of all draws inside the box.

We pick the step with the highest coverage whose density reaches ``threshold`` (else the
densest step), paste it back where that helps, and report its limits in plain words with
each parameter's description. A second box (``boxes=2``) is sought among the draws the
first leaves out (PRIM's covering). CART (``ema_workbench.analysis.cart``, a scikit-learn
decision tree) gives leaves as boxes, for comparison.

The EMA Workbench 2.5.3 is the last release that installs on Python 3.11 (3.0.0 needs
3.12); it was written against older pandas, so its deprecation warnings are silenced
around its calls, and only its PRIM/CART objects are read, not its DataFrame helpers
(``boxes_to_dataframe`` is broken under pandas 3's copy-on-write).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from numpy.typing import NDArray

Array = NDArray[np.float64]


@contextmanager
def quiet() -> Iterator[None]:
    """Silence the EMA Workbench's import and pandas-deprecation warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def ema() -> tuple[Any, Any]:
    with quiet():
        from ema_workbench.analysis import cart, prim
    return prim, cart


@dataclass(frozen=True)
class Limit:
    """One restricted parameter of a box: ``low <= value <= high`` (None: unrestricted)."""

    name: str
    low: float | None
    high: float | None
    full: tuple[float, float]  # the parameter's range across the draws
    qp: float | None = None  # quasi-p-value of the restriction (EMA's binomial test)

    def words(self, about: Mapping[str, str] | None = None) -> str:
        desc = (about or {}).get(self.name, "")
        what = f"{self.name}" + (f" ({desc})" if desc else "")
        lo, hi = (fmt(x) if x is not None else None for x in (self.low, self.high))
        rng = f"{fmt(self.full[0])} to {fmt(self.full[1])}"
        if lo is not None and hi is not None:
            cond = f"between {lo} and {hi}"
        elif lo is not None:
            cond = f"at least {lo}"
        else:
            cond = f"at most {hi}"
        p = "" if self.qp is None else f"; quasi-p {self.qp:.1g}"
        return f"{what} is {cond} (across the draws: {rng}{p})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "parameter": self.name,
            "low": self.low,
            "high": self.high,
            "range": list(self.full),
            "quasi_p": self.qp,
        }


@dataclass
class Box:
    coverage: float
    density: float
    mass: float
    limits: list[Limit]
    method: str = "PRIM"
    step: int | None = None  # its point on the peeling trajectory

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "coverage": self.coverage,
            "density": self.density,
            "mass": self.mass,
            "trajectory_step": self.step,
            "limits": [lim.to_dict() for lim in self.limits],
        }


@dataclass
class Discovery:
    draws: int
    hits: int
    boxes: list[Box]
    trajectory: pd.DataFrame  # of the first box: coverage, density, mass, res_dim per step
    cart: list[Box] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.hits / max(self.draws, 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "draws": self.draws,
            "draws_where_it_happens": self.hits,
            "boxes": [b.to_dict() for b in self.boxes],
            "peeling_trajectory": self.trajectory.to_dict(orient="records"),
            "cart": [b.to_dict() for b in self.cart],
        }


def fmt(x: float) -> str:
    a = abs(x)
    if a != 0 and (a >= 1e5 or a < 1e-3):
        return f"{x:.3g}"
    return f"{x:,.4g}" if a < 1000 else f"{x:,.0f}"


def inputs(ds: xr.Dataset) -> pd.DataFrame:
    """The uncertain parameters of a run (``param.*`` that vary across draws), one column
    per parameter, named ``model.name``."""
    cols = {
        str(v)[6:]: np.asarray(ds[v].values, dtype=np.float64)
        for v in ds.data_vars
        if str(v).startswith("param.") and ds[v].ndim == 1
    }
    return pd.DataFrame({k: v for k, v in cols.items() if np.ptp(v) > 0})


def limits_of(lim: pd.DataFrame, init: pd.DataFrame, qp: Mapping[str, float]) -> list[Limit]:
    """The restricted parameters of a box (rows min/max, a column per parameter)."""
    out = []
    for name in lim.columns:
        lo, hi = (float(v) for v in lim[name].to_numpy()[:2])
        lo0, hi0 = (float(v) for v in init[name].to_numpy()[:2])
        if lo <= lo0 and hi >= hi0:
            continue
        out.append(
            Limit(
                str(name),
                lo if lo > lo0 else None,
                hi if hi < hi0 else None,
                (lo0, hi0),
                qp.get(str(name)),
            )
        )
    return out


def choose(traj: pd.DataFrame, threshold: float) -> int:
    """The trajectory step with the most coverage among those dense enough, the densest of
    those if several tie (else the densest step)."""
    ok = traj[traj["density"] >= threshold]
    if len(ok):
        return int(ok.sort_values(["coverage", "density"], kind="stable").index[-1])
    return int(np.asarray(traj.index)[int(np.argmax(traj["density"].to_numpy()))])


def qp_values(box: Any, i: int) -> dict[str, float]:
    """EMA's quasi-p-values of each restriction of step ``i`` (the larger of the two sides)."""
    try:
        with quiet():
            raw = box._calculate_quasi_p(i, list(box.prim.x.columns))  # no public API for it
        return {str(k): max(float(q) for q in v) for k, v in raw.items() if max(v) >= 0}
    except Exception:  # a private helper: its absence must not stop discovery
        return {}


def prim_boxes(
    x: pd.DataFrame,
    hit: NDArray[np.bool_],
    *,
    threshold: float = 0.8,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
    boxes: int = 1,
) -> tuple[list[Box], pd.DataFrame]:
    """Up to ``boxes`` PRIM boxes for ``hit`` over the columns of ``x``, and the first
    box's peeling trajectory."""
    prim, _ = ema()
    y = np.asarray(hit, dtype=bool)
    found: list[Box] = []
    trajectory = pd.DataFrame(columns=["coverage", "density", "mass", "res_dim"])
    with quiet():
        # a tiny threshold inside (a case of interest is y >= it, so y == 1): below its
        # threshold EMA returns an empty "dump" box, and we want the trajectory anyway;
        # our threshold picks the step (and drops later boxes)
        p = prim.Prim(x.copy(), y, threshold=1e-9, peel_alpha=peel_alpha, mass_min=mass_min)
        for k in range(boxes):
            box = p.find_box()
            if box is None:
                break
            traj = box.peeling_trajectory[["coverage", "density", "mass", "res_dim"]].copy()
            i = choose(traj, threshold)
            box.select(i)
            lims = limits_of(box.box_lims[i], p.box_init, qp_values(box, i))
            row = traj.loc[i]
            if k == 0:
                trajectory = traj.reset_index(drop=True)
            if not lims or (k > 0 and float(row["density"]) < threshold):
                break
            found.append(
                Box(
                    float(row["coverage"]),
                    float(row["density"]),
                    float(row["mass"]),
                    lims,
                    step=i,
                )
            )
    return found, trajectory


def cart_boxes(
    x: pd.DataFrame, hit: NDArray[np.bool_], *, mass_min: float = 0.05, top: int = 3
) -> list[Box]:
    """CART's leaves as boxes, the ``top`` with the most coverage among those where the
    outcome is the majority (density > 0.5)."""
    _, cart = ema()
    with quiet():
        c = cart.CART(x.copy(), np.asarray(hit, dtype=bool), mass_min=mass_min)
        c.build_tree()
        init = pd.DataFrame(
            {k: [float(x[k].min()), float(x[k].max())] for k in x.columns}, columns=x.columns
        )
        out = []
        for stats, lim in zip(c.stats, c.boxes, strict=True):
            if stats["density"] <= 0.5:
                continue
            lim = lim.reset_index(drop=True)
            out.append(
                Box(
                    float(stats["coverage"]),
                    float(stats["density"]),
                    float(stats["mass"]),
                    limits_of(lim, init, {}),
                    method="CART",
                )
            )
    out.sort(key=lambda b: -b.coverage)
    return out[:top]


def discover(
    x: pd.DataFrame,
    hit: NDArray[np.bool_],
    *,
    threshold: float = 0.8,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
    boxes: int = 1,
    with_cart: bool = False,
) -> Discovery:
    """PRIM boxes (and optionally CART's) where ``hit`` is true, over the columns of ``x``."""
    hit = np.asarray(hit, dtype=bool)
    n, k = len(hit), int(hit.sum())
    if k == 0 or k == n:
        return Discovery(n, k, [], pd.DataFrame(columns=["coverage", "density", "mass"]))
    found, traj = prim_boxes(
        x, hit, threshold=threshold, peel_alpha=peel_alpha, mass_min=mass_min, boxes=boxes
    )
    carts = cart_boxes(x, hit, mass_min=mass_min) if with_cart else []
    return Discovery(n, k, found, traj, carts)


def trajectory_rows(traj: pd.DataFrame, chosen: int | None, rows: int = 8) -> list[int]:
    """A few evenly spaced steps of the trajectory, always with the first, last and chosen."""
    if traj.empty:
        return []
    last = len(traj) - 1
    picks = {round(i * last / max(rows - 1, 1)) for i in range(rows)} | {0, last}
    if chosen is not None:
        picks.add(chosen)
    return sorted(i for i in picks if 0 <= i <= last)


def describe(d: Discovery, about: Mapping[str, str] | None = None) -> list[str]:
    """The result in plain words: one paragraph per box."""
    lines = [f"The outcome happens in {d.hits:,} of {d.draws:,} draws ({100 * d.share:.1f} %)."]
    if 0 < min(d.hits, d.draws - d.hits) < 30:
        lines.append(
            f"Only {min(d.hits, d.draws - d.hits)} draws on one side: too few for the boxes to "
            "mean much (quasi-p values near 1 say so); run more draws."
        )
    if not d.boxes and d.hits not in (0, d.draws):
        lines.append("PRIM found no box that restricts any parameter.")
    for j, b in enumerate(d.boxes + d.cart, 1):
        lines.append(
            f"{b.method} box {j}: coverage {100 * b.coverage:.0f} % (of the draws where it "
            f"happens, the share inside), density {100 * b.density:.0f} % (of the draws inside, "
            f"the share where it happens), mass {100 * b.mass:.0f} % of all draws. It is where:"
        )
        lines += [f"  - {lim.words(about)}" for lim in b.limits]
    return lines


def base_rate_ok(hit: NDArray[np.bool_]) -> float:
    """Share of draws where the outcome happens (NaN for no draws)."""
    return float(np.mean(hit)) if len(hit) else math.nan
