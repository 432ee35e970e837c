"""Assemble model outputs into an ``xarray.Dataset`` with provenance; summarise; export.

Variables are named ``model.output`` (``fund.balance_usd``) with dimensions
``draw`` × ``year`` (× e.g. ``instrument``); the sampled parameters ride along as
``param.model.name`` over ``draw`` so every result can be traced to its inputs.
Exports are written atomically: to a temporary file in the target folder, then
renamed, so a crash never leaves a half-written result.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from numpy.typing import NDArray

from plowshare.core import registry

Array = NDArray[np.float64]
QUANTILES = (0.05, 0.5, 0.95)


def to_dataset(
    outputs: dict[str, dict[str, Array]],
    params: dict[str, Array],
    years: Array,
    attrs: dict[str, Any],
    inputs: dict[str, dict[str, Any]] | None = None,
) -> xr.Dataset:
    """Build the Dataset: (draw,), (draw, year) and (draw, year, extra) variables.

    Dimensions and coordinates come from each model's declared outputs; two models that
    give one dimension different labels are refused (one name per dimension).
    """
    n = len(next(iter(params.values())))
    coords: dict[str, Any] = {"draw": np.arange(n), "year": np.asarray(years, dtype=int)}
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


def split_extra(ds: xr.Dataset, v: str) -> list[tuple[str, xr.DataArray]]:
    """A variable as (label, array over draw [× year]) pieces, one per extra coordinate."""
    da = ds[v]
    extra = [d for d in da.dims if d not in ("draw", "year")]
    if not extra:
        return [(v, da)]
    stacked = da.stack(_k=extra)
    out = []
    for i in range(stacked.sizes["_k"]):
        piece = stacked.isel(_k=i)
        label = ",".join(f"{d}={piece[d].item()}" for d in extra)
        out.append((f"{v}[{label}]", piece.drop_vars(["_k", *extra])))
    return out


def quantile_table(
    ds: xr.Dataset, variables: Iterable[str], years: Iterable[int] | None = None
) -> pd.DataFrame:
    """Long table: variable, year, p5, p50, p95, mean, share_finite (over draws).

    Variables with extra dimensions (site, bloc, instrument) give one row set per
    coordinate, labelled ``name[dim=value]``.
    """
    rows = []
    for v, da in (piece for name in variables for piece in split_extra(ds, name)):
        if "year" in da.dims and years is not None:
            da = da.sel(year=list(years))
        vals = np.asarray(da.values, dtype=np.float64)
        if "year" not in da.dims:
            vals = vals[:, None]
        ys = da["year"].values if "year" in da.dims else [None]
        with np.errstate(all="ignore"):
            q = (
                np.nanquantile(vals, QUANTILES, axis=0)
                if np.isfinite(vals).any()
                else np.full((3, vals.shape[1]), np.nan)
            )
        finite = np.where(np.isfinite(vals), vals, np.nan)
        for j, y in enumerate(ys):
            col = finite[:, j]
            mean = float(np.nanmean(col)) if np.isfinite(col).any() else math.nan
            rows.append(
                {
                    "variable": v,
                    "year": y,
                    "p5": q[0, j],
                    "p50": q[1, j],
                    "p95": q[2, j],
                    "mean": mean,
                    "share_finite": float(np.isfinite(vals[:, j]).mean()),
                }
            )
    return pd.DataFrame(rows)


def summary(ds: xr.Dataset, years: Iterable[int]) -> dict[str, Any]:
    """A JSON-ready summary: provenance plus quantiles of every output at ``years``."""
    outputs = [str(v) for v in ds.data_vars if not str(v).startswith("param.")]
    table = quantile_table(ds, outputs, years)
    records = json.loads(table.to_json(orient="records"))
    return {"provenance": dict(ds.attrs), "quantiles": records}


# ---- atomic writing ---------------------------------------------------------------------


def write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def long_frame(ds: xr.Dataset) -> pd.DataFrame:
    """Every (draw, year) output as one long table: draw, year, variable, [instrument], value."""
    frames = []
    for v in ds.data_vars:
        da = ds[v]
        if str(v).startswith("param.") or "year" not in da.dims:
            continue
        df = da.to_dataframe(name="value").reset_index()
        df.insert(0, "variable", str(v))
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def export(ds: xr.Dataset, out: Path, years: Iterable[int]) -> list[Path]:
    """Write ``summary.csv``, ``summary.json``, ``draws.parquet`` and ``params.csv`` to ``out``."""
    years = list(years)
    outputs = [str(v) for v in ds.data_vars if not str(v).startswith("param.")]
    table = quantile_table(ds, outputs, years)
    params = ds[[v for v in ds.data_vars if str(v).startswith("param.")]].to_dataframe()
    written = []
    jobs: list[tuple[str, Callable[[Path], object]]] = [
        ("summary.csv", lambda p: table.to_csv(p, index=False)),
        ("summary.json", lambda p: p.write_text(json.dumps(summary(ds, years), indent=2))),
        ("draws.parquet", lambda p: long_frame(ds).to_parquet(p, index=False)),
        ("params.csv", lambda p: params.to_csv(p)),
    ]
    for name, job in jobs:
        write_atomic(out / name, job)
        written.append(out / name)
    return written
