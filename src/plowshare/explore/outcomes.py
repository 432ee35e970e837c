"""Per-draw outcomes named on the command line: ``OUTPUT[@YEAR]`` with a condition.

``energy.co2_mt_us@2035`` is one number per draw (summed over any extra dimension such as
instrument or state); ``compute.rsi_year`` has no year axis and takes no ``@YEAR``.
Crossing years (unit ``year``) that are not reached by the horizon are ``inf`` in the
results; :func:`per_draw` counts them as the year after the horizon so that differences
and regrets stay finite (said in every table that uses them).
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from plowshare.core import registry
from plowshare.core.errors import InputError, nearest

Array = NDArray[np.float64]
OPS: dict[str, Callable[[Array, float], NDArray[np.bool_]]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
    "==": operator.eq,
    "!=": operator.ne,
}


@dataclass(frozen=True)
class Quantity:
    """One output (at one year, if it has a year axis), one number per draw."""

    output: str  # model.output
    year: int | None

    @classmethod
    def parse(cls, text: str, key: str = "--outcome") -> Quantity:
        name, _, year = text.strip().partition("@")
        model, _, out = name.partition(".")
        known = {f"{m}.{o}" for m, spec in registry.models().items() for o in spec.outputs}
        if name not in known:
            raise InputError(
                "model.output[@year] expected, naming an output in some model's outputs.toml",
                key=key,
                suggestion=nearest(name, sorted(known)),
            )
        has_year = registry.get(model).outputs[out].has_year
        if has_year and not year:
            raise InputError(f"{name} has a year axis: add @YEAR, e.g. {name}@2035", key=key)
        if year and not has_year:
            raise InputError(f"{name} has no year axis: drop @{year}", key=key)
        if year and not re.fullmatch(r"\d{4}", year):
            raise InputError(f"a four-digit year after @ expected, got {year!r}", key=key)
        return cls(name, int(year) if year else None)

    @property
    def unit(self) -> str:
        m, o = self.output.split(".", 1)
        return registry.get(m).outputs[o].unit

    @property
    def description(self) -> str:
        m, o = self.output.split(".", 1)
        return registry.get(m).outputs[o].description

    def label(self) -> str:
        return self.output if self.year is None else f"{self.output}@{self.year}"

    def per_draw(self, ds: xr.Dataset) -> Array:
        """The quantity in every draw of ``ds`` (a crossing year not reached → horizon + 1)."""
        if self.output not in ds:
            raise InputError(f"the run has no output {self.output}", key=self.label())
        da = ds[self.output]
        if self.year is not None:
            if self.year not in ds["year"].values:
                ys = ds["year"].values
                raise InputError(
                    f"year {self.year} is not in the run ({ys[0]}–{ys[-1]})", key=self.label()
                )
            da = da.sel(year=self.year)
        extra = [d for d in da.dims if d != "draw"]
        if extra:
            da = da.sum(extra)
        y = np.asarray(da.values, dtype=np.float64)
        if self.unit == "year":
            y = np.where(np.isfinite(y), y, self.horizon(ds) + 1.0)
        return y

    @staticmethod
    def horizon(ds: xr.Dataset) -> float:
        return float(ds.attrs.get("last_year", ds["year"].values[-1]))


@dataclass(frozen=True)
class Condition:
    """``< 0``, ``>= 2030.5``…: when the outcome happens in a draw."""

    op: str
    threshold: float

    @classmethod
    def parse(cls, text: str, key: str = "--when") -> Condition:
        m = re.fullmatch(r"\s*(<=|>=|==|!=|<|>)\s*([-+0-9.eE]+)\s*", text)
        if not m:
            raise InputError(
                "a comparison such as '< 0' or '>= 0.5' expected", key=key, file=repr(text)
            )
        try:
            value = float(m.group(2))
        except ValueError:
            raise InputError(f"a number expected, got {m.group(2)!r}", key=key) from None
        if not math.isfinite(value):
            raise InputError("a finite threshold expected", key=key)
        return cls(m.group(1), value)

    def holds(self, y: Array) -> NDArray[np.bool_]:
        with np.errstate(invalid="ignore"):
            return np.asarray(OPS[self.op](y, self.threshold) & np.isfinite(y))

    def text(self) -> str:
        return f"{self.op} {self.threshold:g}"
