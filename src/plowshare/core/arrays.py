"""Small vectorised helpers shared by the models: columns, growth paths, steps."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
BASE_YEAR = 2025  # the year of every "_2025" level and of constant dollars


def col(x: Array) -> Array:
    """A per-draw parameter (n,) as a column (n, 1) that broadcasts against years."""
    return np.asarray(x, dtype=np.float64)[:, None]


def growth_path(rate: Array, years: Array, base: int = BASE_YEAR) -> Array:
    """(1 + rate)^(year - base), (n, T): compound growth from the base year."""
    return (1.0 + col(rate)) ** (years[None, :] - base)


def from_year(start: Array, years: Array) -> Array:
    """1.0 where year >= start (per draw), else 0.0; shape (n, T)."""
    return (years[None, :] >= col(start)).astype(np.float64)


def ramp(start: Array, years: Array, length: float) -> Array:
    """0 before ``start``, rising linearly to 1 over ``length`` years, then 1; shape (n, T)."""
    return np.clip((years[None, :] - col(start)) / length, 0.0, 1.0)
