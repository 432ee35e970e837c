"""Assemble model outputs into an ``xarray.Dataset`` with provenance; summarise; export.

Variables are named ``model.output`` (``fund.balance_usd``) with dimensions
``draw`` × ``year`` (× e.g. ``instrument``); the sampled parameters ride along as
``param.model.name`` over ``draw`` so every result can be traced to its inputs.
Exports stream chunk by chunk and are written as one atomic set (:mod:`.export`);
:func:`write_atomic` (in :mod:`.files`) writes one file atomically.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from numpy.typing import NDArray

from plowshare.core import registry

from .files import write_atomic

__all__ = ["export", "quantile_table", "summary", "to_dataset", "write_atomic"]

Array = NDArray[np.float64]
QUANTILES = (0.05, 0.5, 0.95)


def to_dataset(
    outputs: dict[str, dict[str, Array]],
    params: dict[str, Array],
    years: Array,
    attrs: dict[str, Any],
    inputs: Mapping[str, Mapping[str, Any]] | None = None,
    start: int = 0,
) -> xr.Dataset:
    """Build the Dataset: (draw,), (draw, year) and (draw, year, extra) variables.

    Dimensions and coordinates come from each model's declared outputs; two models that
    give one dimension different labels are refused (one name per dimension). ``start``
    numbers the draws from there (a chunk of a larger run).
    """
    n = len(next(iter(params.values())))
    coords: dict[str, Any] = {
        "draw": np.arange(start, start + n),
        "year": np.asarray(years, dtype=int),
    }
    owner: dict[str, str] = {}
    data: dict[str, Any] = {}
    for model, outs in outputs.items():
        spec = registry.get(model)
        for name, arr in outs.items():
            dims = spec.outputs[name].dims
            if len(dims) != arr.ndim:
                raise RuntimeError(f"{model}.{name}: declared dims {dims}, got shape {arr.shape}")
            for d in dims:
                if d in ("draw", "year"):
                    continue
                labels = spec.labels(d, (inputs or {}).get(model))
                if d not in coords:
                    coords[d], owner[d] = labels, model
                elif list(coords[d]) != labels:
                    raise RuntimeError(
                        f"dimension '{d}' has different labels in {owner[d]} and {model}"
                    )
            data[f"{model}.{name}"] = (dims, arr)
    for name, arr in params.items():
        if arr.ndim == 1:  # states levers (n, 51) are recorded in attrs, not per draw
            data[f"param.{name}"] = (("draw",), arr)
    return xr.Dataset(data, coords=coords, attrs=attrs)


def pieces(v: str, dims: Sequence[str], coords: Any) -> list[str]:
    """Labels of a variable's pieces: ``v`` alone, or ``v[dim=value,…]`` per coordinate of
    its extra dimensions (C order: the first extra dimension varies slowest)."""
    extra = [d for d in dims if d not in ("draw", "year")]
    if not extra:
        return [v]
    combos = itertools.product(*(np.asarray(coords[d]).tolist() for d in extra))
    return [f"{v}[{','.join(f'{d}={x}' for d, x in zip(extra, c, strict=True))}]" for c in combos]


def as_columns(arr: Array, dims: Sequence[str], year_idx: Sequence[int] | None) -> Array:
    """(draw, [year], *extra) as (draw, pieces × years): piece-major, year-minor columns,
    keeping only ``year_idx`` of the year axis (all years if None)."""
    a = np.asarray(arr, dtype=np.float64)
    if "year" in dims:
        if year_idx is not None:
            a = a[:, list(year_idx)]
        a = np.moveaxis(a, 1, -1)  # year last: (draw, *extra, year)
    return a.reshape(a.shape[0], -1)


def column_stats(cols: Array) -> Array:
    """(k, n) → (5, k): p5, p50, p95 (ignoring NaN), mean of the finite values and share
    finite of each of ``k`` columns of ``n`` draws (held as rows, so that every reduction
    runs over contiguous memory and gives the same bits however the columns were gathered);
    NaN where a column has nothing to summarise."""
    cols = np.ascontiguousarray(cols, dtype=np.float64)
    k, n = cols.shape
    stats = np.full((5, k), np.nan)
    has = ~np.isnan(cols).all(axis=1)
    with np.errstate(all="ignore"):
        if has.any():
            stats[:3, has] = np.nanquantile(cols[has], QUANTILES, axis=1)
        finite = np.isfinite(cols)
        counts = finite.sum(axis=1)
        total = np.where(finite, cols, 0.0).sum(axis=1)
        stats[3] = np.where(counts > 0, total / np.maximum(counts, 1), np.nan)
        stats[4] = counts / max(n, 1)
    return stats


def stat_rows(
    label_years: list[tuple[str, int | None]], stats: Array, no_finite: set[str]
) -> list[dict[str, Any]]:
    """Rows of the quantile table from per-column statistics (see :func:`column_stats`)."""
    rows = []
    for j, (label, y) in enumerate(label_years):
        q = (math.nan,) * 3 if label in no_finite else tuple(float(x) for x in stats[:3, j])
        rows.append(
            {
                "variable": label,
                "year": y,
                "p5": q[0],
                "p50": q[1],
                "p95": q[2],
                "mean": float(stats[3, j]),
                "share_finite": float(stats[4, j]),
            }
        )
    return rows


def column_labels(
    v: str, dims: Sequence[str], coords: Any, years: Sequence[int] | None
) -> list[tuple[str, int | None]]:
    """(piece label, year) of each column of :func:`as_columns`."""
    ys: list[int | None] = list(years) if "year" in dims and years is not None else [None]
    if "year" in dims and years is None:
        ys = [int(y) for y in coords["year"]]
    return [(p, y) for p in pieces(v, dims, coords) for y in ys]


def quantile_table(
    ds: xr.Dataset, variables: Iterable[str], years: Iterable[int] | None = None
) -> pd.DataFrame:
    """Long table: variable, year, p5, p50, p95, mean, share_finite (over draws).

    Variables with extra dimensions (site, bloc, instrument) give one row set per
    coordinate, labelled ``name[dim=value]``. A piece with no finite value in any year has
    NaN quantiles. The streaming export computes the same numbers column by column.
    """
    ys = None if years is None else [int(y) for y in years]
    all_years = [int(y) for y in ds["year"].values]
    idx = None if ys is None else [all_years.index(y) for y in ys]
    rows: list[dict[str, Any]] = []
    for v in variables:
        da = ds[v]
        dims = [str(d) for d in da.dims]
        cols = np.ascontiguousarray(as_columns(da.values, dims, idx).T)
        labels = column_labels(v, dims, ds.coords, ys)
        stats = column_stats(cols)
        rows += stat_rows(labels, stats, no_finite_pieces(labels, stats))
    return pd.DataFrame(rows)


def no_finite_pieces(labels: list[tuple[str, int | None]], stats: Array) -> set[str]:
    """Pieces (labels) none of whose columns holds a finite value (share finite 0)."""
    seen: dict[str, bool] = {}
    for (label, _), share in zip(labels, stats[4], strict=True):
        seen[label] = seen.get(label, False) or bool(share > 0)
    return {label for label, f in seen.items() if not f}


def summary(ds: xr.Dataset, years: Iterable[int]) -> dict[str, Any]:
    """A JSON-ready summary: provenance plus quantiles of every output at ``years``."""
    outputs = [str(v) for v in ds.data_vars if not str(v).startswith("param.")]
    return summary_doc(dict(ds.attrs), quantile_table(ds, outputs, years))


def summary_doc(attrs: Mapping[str, Any], table: pd.DataFrame) -> dict[str, Any]:
    records = json.loads(table.to_json(orient="records"))
    return {"provenance": dict(attrs), "quantiles": records}


# ---- writing ------------------------------------------------------------------------


def export(ds: xr.Dataset, out: Path, years: Iterable[int], chunk: int = 1_000) -> list[Path]:
    """Write ``summary.csv``, ``summary.json``, ``draws.parquet`` and ``params.csv`` to ``out``
    as one atomic set, streaming ``chunk`` draws at a time (see :mod:`.export`)."""
    from .export import ExportSet

    n = ds.sizes["draw"]
    with ExportSet(out, years, draws=n) as ex:
        for s in range(0, n, chunk):
            ex.add(ds.isel(draw=slice(s, s + chunk)))
        return ex.commit()
