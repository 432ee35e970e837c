"""Summaries of results over whatever models ran: the key-output table, the comparison
table and each model's own sentences (its optional ``summary`` module)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from plowshare.core import registry
from plowshare.core.bands import Band, share_text
from plowshare.core.contract import KeyOutput


def ran(ds: xr.Dataset) -> list[str]:
    """The models whose results are in ``ds``, in the order they ran."""
    return [m for m in str(ds.attrs.get("models", "")).split(",") if m in registry.models()]


def displayed_outputs(models: Sequence[str] | None = None) -> set[str]:
    """Every output that ``plowshare run`` and ``compare`` print (to keep large runs small)."""
    out: set[str] = set()
    for m, spec in registry.models().items():
        if models is not None and m not in models:
            continue
        out |= {f"{m}.{name}" for name, _ in spec.key_outputs()}
        out |= {f"{m}.{name}" for name in getattr(spec.summary, "OUTPUTS", ())}
    return out


def key_output_names(models: Sequence[str] | None = None) -> set[str]:
    """The ``model.output`` names of every key output (the rows of the run table)."""
    return {
        f"{m}.{name}"
        for m, spec in registry.models().items()
        if models is None or m in models
        for name, _ in spec.key_outputs()
    }


def key_outputs(ds: xr.Dataset) -> list[tuple[str, KeyOutput]]:
    """(variable name, display spec) for every key output present in ``ds``."""
    return [
        (f"{m}.{name}", k)
        for m in ran(ds)
        for name, k in registry.get(m).key_outputs()
        if f"{m}.{name}" in ds
    ]


def total(ds: xr.Dataset, var: str) -> xr.DataArray:
    """The variable summed over any extra dimension (e.g. instrument)."""
    da = ds[var]
    extra = [d for d in da.dims if d not in ("draw", "year")]
    return da.sum(extra) if extra else da


def run_rows(ds: xr.Dataset, years: Sequence[int]) -> list[list[str]]:
    """Rows of the key-output table: label, unit, then 'median [p5, p95]' per year."""
    rows = []
    for var, k in key_outputs(ds):
        da = total(ds, var)
        cells = [
            share_text(da.sel(year=y).values)
            if k.share
            else Band.of(da.sel(year=y).values).text(k.scale)
            for y in years
        ]
        rows.append([k.label, k.unit, *cells])
    return rows


def compare_rows(a: xr.Dataset, b: xr.Dataset, years: Sequence[int]) -> list[list[str]]:
    """Per key output: B − A per draw (common random numbers), median [p5, p95] by year."""
    rows = []
    for var, k in key_outputs(b):
        if var not in a:
            continue
        da, db = total(a, var), total(b, var)
        if np.array_equal(da.values, db.values, equal_nan=True):
            continue  # the two scenarios do not differ here: say nothing
        cells = []
        for y in years:
            va, vb = da.sel(year=y).values, db.sel(year=y).values
            if k.share:
                cells.append(f"{100 * (float(np.mean(vb)) - float(np.mean(va))):+.0f} pp")
            else:
                cells.append(Band.of(vb - va).text(k.scale, signed=True))
        rows.append([k.label, "points" if k.share else k.unit, *cells])
    return rows


def extra_rows(ds: xr.Dataset, years: Sequence[int]) -> list[list[str]]:
    """Rows the models add to the key-output table (e.g. revenue by instrument)."""
    out: list[list[str]] = []
    for m in ran(ds):
        hook = getattr(registry.get(m).summary, "rows", None)
        out += hook(ds, years) if hook else []
    return out


def summary_lines(ds: xr.Dataset, years: Sequence[int]) -> list[str]:
    """Each model's sentences about a result."""
    out: list[str] = []
    for m in ran(ds):
        hook = getattr(registry.get(m).summary, "lines", None)
        out += hook(ds, years) if hook else []
    return out


def compare_lines(a: xr.Dataset, b: xr.Dataset, name_b: str) -> list[str]:
    """Each model's sentences about B against A (same draws)."""
    out: list[str] = []
    for m in ran(b):
        hook = getattr(registry.get(m).summary, "compare_lines", None)
        out += hook(a, b, name_b) if hook else []
    return out
