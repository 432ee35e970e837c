"""Sobol' indices of a per-draw metric for a few named parameters, with the rest grouped.

A check on the ledger's RBD-FAST first-order indices (which reuse the Latin-hypercube
draws): SALib's Saltelli/Sobol' design (``SALib.sample.sobol``, Saltelli et al. 2010,
doi:10.1016/j.cpc.2009.09.018) and estimator (``SALib.analyze.sobol``, first-order S1
and total ST with bootstrap 95 % intervals). With k ~ 150 uncertain parameters a full
design would need N(2k + 2) runs, so the parameters named (the top drivers) are factors
of their own and **every other uncertain parameter is one group** ("the rest"): the design
has G = len(names) + 1 factors and N(2G + 2) runs. Each factor's uniforms go through its
own distribution's quantile function; the design assumes independent inputs, so any
``[[correlations]]`` of the scenario are not imposed (said in the output). A model's
extra random streams (only the contest model has them) stay one draw per run, i.e. noise
outside every factor.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from plowshare.core.params import Param

Array = NDArray[np.float64]
REST = "the rest"


@dataclass(frozen=True)
class Index:
    factor: str
    s1: float
    s1_conf: float
    st: float
    st_conf: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "factor": self.factor,
            "S1": self.s1,
            "S1_conf95": self.s1_conf,
            "ST": self.st,
            "ST_conf95": self.st_conf,
        }


def design(
    params: Sequence[Param], names: Sequence[str], base: int, seed: int
) -> tuple[dict[str, Array], list[str]]:
    """Saltelli rows for ``params`` (the uncertain ones) with ``names`` as factors and the
    rest grouped: parameter → values per run, and the factor names."""
    from SALib.sample import sobol as sobol_sample

    random = [p for p in params if p.dist.kind != "fixed" and p.kind == "number"]
    known = {p.name for p in random}
    missing = [n for n in names if n not in known]
    if missing:
        raise KeyError(f"not uncertain parameters: {missing}")
    groups = [p.name if p.name in names else REST for p in random]
    problem = {
        "num_vars": len(random),
        "names": [p.name for p in random],
        "bounds": [[0.0, 1.0]] * len(random),
        "groups": groups,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SALib warns when N is not a power of 2
        u = sobol_sample.sample(problem, base, calc_second_order=False, seed=seed)
    u = np.clip(u, 1e-12, 1 - 1e-12)
    values = {p.name: np.asarray(p.dist.ppf(u[:, j])) for j, p in enumerate(random)}
    factors = list(dict.fromkeys(groups))
    return values, factors


def sobol(
    params: Sequence[Param],
    names: Sequence[str],
    metric: Callable[[dict[str, Array]], Array],
    base: int = 256,
    seed: int = 1,
) -> list[Index]:
    """Sobol' S1 and ST of ``metric(values)`` (one number per run) for each of ``names``
    and for the rest of the uncertain parameters as one group."""
    from SALib.analyze import sobol as sobol_analyze

    values, factors = design(params, names, base, seed)
    y = np.asarray(metric(values), dtype=np.float64)
    # a non-finite metric (e.g. a claim undefined in a draw) becomes the finite mean
    y = np.where(np.isfinite(y), y, np.nanmean(np.where(np.isfinite(y), y, np.nan)))
    problem = {
        "num_vars": len(factors),
        "names": factors,
        "bounds": [[0.0, 1.0]] * len(factors),
    }
    if np.ptp(y) == 0:
        return [Index(f, 0.0, 0.0, 0.0, 0.0) for f in factors]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed)
    return [
        Index(
            f,
            float(res["S1"][i]),
            float(res["S1_conf"][i]),
            float(res["ST"][i]),
            float(res["ST_conf"][i]),
        )
        for i, f in enumerate(factors)
    ]
