"""The export set, streamed chunk by chunk: memory does not grow with the draws.

``summary.csv``, ``summary.json``, ``draws.parquet`` and ``params.csv`` are written into
a hidden staging folder inside the output folder and renamed into place only once all
four are complete; if anything fails (or the run is interrupted) the staging folder is
removed and the previous outputs are left as they were. Files get the umask's mode.

``draws.parquet`` holds the outputs asked for (``keep``: e.g. the key outputs, which is
what ``plowshare run --out`` writes unless told ``--keep all``); the summary and
``params.csv`` always cover every output and every draw.

Layout of ``draws.parquet`` (long, one row per draw, year and coordinate): columns
``variable``, ``draw``, ``year``, one column per extra dimension used by any output
(``region``, ``site``, ``state``, ``instrument``…; null where a variable does not have
it) and ``value``. ``variable`` and the dimension columns are dictionary-encoded
strings (categoricals in pandas); ``year`` is null for outputs without a year axis
(crossing years such as ``compute.rsi_year``). Rows come in row groups of at most
``ROW_GROUP`` rows, in chunk order, and within a chunk variable by variable, draw-major.

The summary (quantiles per output and report year) is exact: each chunk's report-year
columns are spilled to a column-major scratch file in the staging folder, and the
quantiles are computed a block of columns at a time, reading every draw of those
columns only — the same numbers :func:`.results.quantile_table` gives in memory.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Collection, Iterable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import xarray as xr

from plowshare.core.errors import InputError

from .files import check_folder, check_target
from .results import (
    Array,
    as_columns,
    column_labels,
    column_stats,
    no_finite_pieces,
    stat_rows,
    summary_doc,
)

NAMES = ("summary.csv", "summary.json", "draws.parquet", "params.csv")
ROW_GROUP = 1 << 20  # rows per Parquet row group
SPILL_BLOCK_BYTES = 64 << 20  # memory for one block of summary columns when reducing
DICT = pa.dictionary(pa.int32(), pa.string())


class ExportSet:
    """Write one run's exports to ``out`` chunk by chunk; :meth:`commit` renames them in.

    >>> with ExportSet(out, years=[2030, 2050]) as ex:   # refuses bad targets now
    ...     for chunk in chunks:                          # Datasets with draw offsets
    ...         ex.add(chunk)
    ...     paths = ex.commit()

    Leaving the ``with`` block without :meth:`commit` (or with an exception) discards
    everything written so far and leaves the folder as it was.
    """

    def __init__(
        self,
        out: Path,
        years: Iterable[int],
        draws: int | None = None,
        keep: Collection[str] | None = None,
    ) -> None:
        self.out = Path(out)
        self.keep = None if keep is None else frozenset(keep)  # draws.parquet's outputs
        self.years = [int(y) for y in years]
        check_folder(self.out)
        for name in NAMES:
            check_target(self.out / name)
        self.stage: Path | None = None
        self.n = draws or 0  # draws expected (default: the run's ``draws`` attribute)
        self.done = 0  # draws written
        self.attrs: dict[str, Any] = {}
        self.writer: pq.ParquetWriter | None = None
        self.params: IO[str] | None = None
        self.spill: int | None = None  # file descriptor of the summary scratch file
        self.layout: list[tuple[str, list[str], int]] = []  # variable, dims, first column
        self.labels: list[tuple[str, int | None]] = []
        self.dicts: dict[str, pa.Array] = {}
        self.buffer: list[pa.Table] = []
        self.buffered = 0

    # ---- context --------------------------------------------------------------------

    def __enter__(self) -> ExportSet:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        err: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.abort()

    def abort(self) -> None:
        """Discard the staging folder (a no-op after :meth:`commit`)."""
        self._close()
        if self.stage is not None:
            shutil.rmtree(self.stage, ignore_errors=True)
            self.stage = None

    def _close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        if self.params is not None:
            self.params.close()
            self.params = None
        if self.spill is not None:
            os.close(self.spill)
            self.spill = None

    # ---- streaming --------------------------------------------------------------------

    def _open(self, first: xr.Dataset) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        self.stage = Path(tempfile.mkdtemp(dir=self.out, prefix=".plowshare-export-"))
        self.n = self.n or int(first.attrs.get("draws", first.sizes["draw"]))
        self.attrs = dict(first.attrs)
        outputs = [str(v) for v in first.data_vars if not str(v).startswith("param.")]
        all_years = [int(y) for y in first["year"].values]
        missing = [y for y in self.years if y not in all_years]
        if missing:
            raise InputError(f"years {missing} are not in the run", key="years")
        self.year_idx = [all_years.index(y) for y in self.years]
        extra: list[str] = []
        col = 0
        for v in outputs:
            dims = [str(d) for d in first[v].dims]
            if self.keep is None or v in self.keep:  # dimension columns of what is written
                extra += [d for d in dims if d not in ("draw", "year") and d not in extra]
            labels = column_labels(v, dims, first.coords, self.years)
            self.layout.append((v, dims, col))
            self.labels += labels
            col += len(labels)
        self.dicts = {"variable": pa.array(outputs, pa.string())}
        self.dicts |= {d: pa.array([str(x) for x in first[d].values], pa.string()) for d in extra}
        fields = [
            pa.field("variable", DICT, nullable=False),
            pa.field("draw", pa.int64(), nullable=False),
            pa.field("year", pa.int64()),
            *(pa.field(d, DICT) for d in extra),
            pa.field("value", pa.float64()),
        ]
        self.schema = pa.schema(fields)
        self.writer = pq.ParquetWriter(  # no dictionary for draw and value: 2-3x faster
            self.stage / "draws.parquet",
            self.schema,
            use_dictionary=[c for c in self.schema.names if c not in ("draw", "value")],
        )
        self.params = (self.stage / "params.csv").open("w", newline="")
        self.spill = os.open(self.stage / "summary.spill", os.O_RDWR | os.O_CREAT, 0o600)
        os.ftruncate(self.spill, col * self.n * 8)

    def add(self, chunk: xr.Dataset) -> None:
        """Append one chunk of draws (a Dataset whose ``draw`` coordinate is its offset)."""
        if self.stage is None:
            self._open(chunk)
        start, c = self.done, chunk.sizes["draw"]  # chunks come in order
        if start + c > self.n:
            raise RuntimeError(f"more than the {self.n} draws expected")
        draws = chunk["draw"].values.astype(np.int64)
        for j, (v, dims, col) in enumerate(self.layout):
            arr = np.asarray(chunk[v].values)
            if self.keep is None or v in self.keep:
                self._rows(j, v, dims, arr, draws, chunk)
            cols = np.ascontiguousarray(as_columns(arr, dims, self.year_idx).T)
            assert self.spill is not None
            for k, row in enumerate(cols):
                if os.pwrite(self.spill, row.data, ((col + k) * self.n + start) * 8) != row.nbytes:
                    raise OSError("short write to the summary scratch file")
        params = [v for v in chunk.data_vars if str(v).startswith("param.")]
        assert self.params is not None
        chunk[params].to_dataframe().to_csv(self.params, header=start == 0)
        self.done += c

    def _rows(
        self, j: int, v: str, dims: list[str], arr: Array, draws: np.ndarray, chunk: xr.Dataset
    ) -> None:
        """One variable of one chunk as long rows, in slices of at most ``ROW_GROUP``."""
        per_draw = int(np.prod(arr.shape[1:], dtype=np.int64))
        step = max(1, ROW_GROUP // max(per_draw, 1))
        inner = arr.shape[1:]
        grid = np.indices(inner, dtype=np.int32).reshape(len(inner), -1) if inner else None
        for s in range(0, len(draws), step):
            part = arr[s : s + step]
            rows = part.size
            cols: dict[str, pa.Array] = {
                "variable": dict_col(np.full(rows, j, np.int32), self.dicts["variable"]),
                "draw": pa.array(np.repeat(draws[s : s + step], per_draw)),
            }
            if "year" in dims and grid is not None:
                years = chunk["year"].values.astype(np.int64)[grid[0]]
                cols["year"] = pa.array(np.tile(years, len(part)))
            else:
                cols["year"] = pa.nulls(rows, pa.int64())
            for name in self.schema.names[3:-1]:
                if name in dims and grid is not None:
                    pos = grid[dims.index(name) - 1]
                    cols[name] = dict_col(np.tile(pos, len(part)), self.dicts[name])
                else:
                    cols[name] = pa.nulls(rows, DICT)
            cols["value"] = pa.array(part.reshape(-1), pa.float64())
            self.buffer.append(pa.table(cols, schema=self.schema))
            self.buffered += rows
            if self.buffered >= ROW_GROUP:
                self._flush()

    def _flush(self) -> None:
        if self.buffer and self.writer is not None:
            table = pa.concat_tables(self.buffer)
            self.writer.write_table(table, row_group_size=ROW_GROUP)
        self.buffer, self.buffered = [], 0

    # ---- finishing --------------------------------------------------------------------

    def _summary(self) -> pd.DataFrame:
        """Quantiles of every column of the scratch file, a block of columns at a time."""
        assert self.spill is not None
        k = len(self.labels)
        block = max(1, SPILL_BLOCK_BYTES // (8 * max(self.n, 1)))
        stats = np.empty((5, k))
        for a in range(0, k, block):
            b = min(k, a + block)
            raw = os.pread(self.spill, (b - a) * self.n * 8, a * self.n * 8)
            stats[:, a:b] = column_stats(np.frombuffer(raw, np.float64).reshape(b - a, self.n))
        rows = []
        ends = [col for _, _, col in self.layout[1:]] + [k]
        for (_, _, col), end in zip(self.layout, ends, strict=True):
            labels, part = self.labels[col:end], stats[:, col:end]
            rows += stat_rows(labels, part, no_finite_pieces(labels, part))
        return pd.DataFrame(rows)

    def commit(self) -> list[Path]:
        """Finish every file, then rename all four into ``out``; returns their paths."""
        if self.stage is None or self.done != self.n:
            raise RuntimeError(f"export incomplete: {self.done} of {self.n} draws written")
        self._flush()
        table = self._summary()
        stage = self.stage
        table.to_csv(stage / "summary.csv", index=False)
        doc = summary_doc(self.attrs, table)
        (stage / "summary.json").write_text(json.dumps(doc, indent=2))
        self._close()
        (stage / "summary.spill").unlink()
        for name in NAMES:  # checked again: the folder may have changed during the run
            check_target(self.out / name)
        for name in NAMES:
            os.replace(stage / name, self.out / name)
        shutil.rmtree(stage, ignore_errors=True)
        self.stage = None
        return [self.out / name for name in NAMES]


def dict_col(indices: np.ndarray, dictionary: pa.Array) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()), dictionary)
