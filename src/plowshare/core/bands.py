"""Median-and-band text for summaries: the one number format every front end uses."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Band:
    p5: float
    p50: float
    p95: float

    @classmethod
    def of(cls, x: Array) -> Band:
        x = np.asarray(x, dtype=np.float64)
        x = x[np.isfinite(x)]
        if x.size == 0:
            return cls(math.nan, math.nan, math.nan)
        q = np.quantile(x, [0.05, 0.5, 0.95])
        return cls(float(q[0]), float(q[1]), float(q[2]))

    def text(self, scale: float = 1.0, signed: bool = False) -> str:
        if math.isnan(self.p50):
            return "—"
        f = number_format(self.p50 / scale, signed)
        if self.p5 == self.p95:
            return f(self.p50 / scale)
        return f"{f(self.p50 / scale)} [{f(self.p5 / scale)}, {f(self.p95 / scale)}]"


def number_format(typical: float, signed: bool = False) -> Callable[[float], str]:
    a = abs(typical)
    digits = 0 if a >= 100 else 1 if a >= 10 else 2
    sign = "+" if signed else ""

    def f(x: float) -> str:
        return f"{x:{sign},.{digits}f}"

    return f


def share_text(x: Array) -> str:
    """Share of draws in which a 0/1 indicator is 1, as a percentage."""
    return f"{100 * float(np.mean(x)):.0f}"
