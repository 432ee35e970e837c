"""What ``plowshare run`` prints, for any number of draws, in bounded memory.

Up to :data:`BIG_RUN` draws this is :func:`.api.run` followed by the key-output table,
exactly as before. Above it nothing is held for every draw:

* parameters are sampled on disk and read a chunk at a time
  (:class:`~plowshare.core.sampling.DiskSample`: the same Latin-hypercube draws);
* the key-output table is **exact**: each chunk's key outputs at the report years (summed
  over any extra dimension, as :func:`.tables.total` does) are spilled to a column-major
  scratch file, and each column's band is computed from all its draws afterwards — the
  same text :func:`.tables.run_rows` prints for the same draws;
* the models' own rows and sentences (their ``summary`` hooks read per-draw arrays such as
  bills by state) are computed on a **systematic sample** of at most
  :data:`SENTENCE_DRAWS` draws (every k-th draw). Latin-hypercube draws come in random
  order, so this is a uniform sample without replacement of the run's draws; by the
  Dvoretzky–Kiefer–Wolfowitz inequality the rank of each quantile it reports is within
  ε = √(ln(2/α) / 2m) of the full run's (0.73 percentile points at m = 50,000 draws,
  α = 1 %). :func:`sample_note` states it under the table.

Peak memory is then the interpreter, one chunk, the sample (≈ 10 kB a draw of the
displayed outputs at the report years) and a few columns while reducing.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr

from plowshare.core.bands import Band, share_text
from plowshare.core.contract import KeyOutput
from plowshare.core.sampling import write_all
from plowshare.core.scenario import Scenario

from .pipeline import Array, Backend, Part, Progress, select
from .results import to_dataset
from .tables import key_outputs, run_rows, total

BIG_RUN = 100_000  # above this many draws, run streamed
SENTENCE_DRAWS = 50_000  # the most draws the sentences' sample holds
ALPHA = 0.01  # confidence of the stated rank-error bound


@dataclass
class RunSummary:
    """The key-output table of a run and the Dataset its sentences are computed from."""

    ds: xr.Dataset  # every draw, or a systematic sample of them (``attrs['sample_every']``)
    rows: list[list[str]]  # label, unit, 'median [p5, p95]' per year
    draws: int
    every: int = 1  # the sample takes every ``every``-th draw (1: all of them)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def sampled(self) -> bool:
        return self.every > 1


def dkw_epsilon(m: int, alpha: float = ALPHA) -> float:
    """Rank error bound of a sample of ``m`` draws' empirical distribution (DKW)."""
    return math.sqrt(math.log(2.0 / alpha) / (2.0 * m))


def sample_note(s: RunSummary) -> str | None:
    """One line saying which numbers come from a sample of the draws, and how close."""
    if not s.sampled:
        return None
    m = s.ds.sizes["draw"]
    eps = 100 * dkw_epsilon(m)
    return (
        f"Key outputs above: all {s.draws:,} draws (exact). Rows after them and the "
        f"sentences below: {m:,} draws (every {s.every:,}th); each of their quantiles is "
        f"within {eps:.2f} percentile points of the full run's ({100 * (1 - ALPHA):.0f} % "
        "confidence, DKW)."
    )


class KeyColumns:
    """Key outputs at the report years, spilled column-major to a scratch file."""

    def __init__(self, n: int, folder: str) -> None:
        self.n = n
        self.fd = os.open(os.path.join(folder, "key.spill"), os.O_RDWR | os.O_CREAT, 0o600)
        self.columns: dict[tuple[str, int], int] = {}  # (variable, year) -> column
        self.specs: dict[str, KeyOutput] = {}

    def add(self, start: int, ds: xr.Dataset, years: Sequence[int]) -> None:
        for var, k in key_outputs(ds):
            self.specs.setdefault(var, k)
            da = total(ds, var)
            for y in years:
                col = self.columns.setdefault((var, y), len(self.columns))
                values = np.asarray(da.sel(year=y).values, dtype=np.float64)
                write_all(self.fd, values, (col * self.n + start) * 8)

    def column(self, var: str, year: int) -> Array:
        col = self.columns[(var, year)]
        raw = os.pread(self.fd, self.n * 8, col * self.n * 8)
        return np.frombuffer(raw, np.float64)

    def rows(self, years: Sequence[int]) -> list[list[str]]:
        """The same rows :func:`.tables.run_rows` gives on the whole Dataset."""
        out = []
        for var, k in self.specs.items():
            cells = [
                share_text(self.column(var, y))
                if k.share
                else Band.of(self.column(var, y)).text(k.scale)
                for y in years
            ]
            out.append([k.label, k.unit, *cells])
        return out

    def close(self) -> None:
        os.close(self.fd)


class Thinned:
    """Every ``every``-th draw of each chunk's kept outputs and parameters."""

    def __init__(self, n: int, every: int) -> None:
        self.every = every
        self.m = -(-n // every)
        self.outputs: dict[str, dict[str, Array]] = {}
        self.params: dict[str, Array] = {}

    def add(self, start: int, part: Part, params: dict[str, Array]) -> None:
        first = (-start) % self.every  # index in the chunk of its first sampled draw
        size = len(next(iter(params.values())))
        if first >= size:
            return
        at = (start + first) // self.every
        for m, outs in part.items():
            dest = self.outputs.setdefault(m, {})
            for o, a in outs.items():
                if o not in dest:
                    dest[o] = np.empty((self.m, *a.shape[1:]), dtype=a.dtype)
                rows = a[first :: self.every]
                dest[o][at : at + len(rows)] = rows
        for k, v in params.items():
            if v.ndim != 1:
                continue
            if k not in self.params:
                self.params[k] = np.empty(self.m, dtype=v.dtype)
            rows = v[first :: self.every]
            self.params[k][at : at + len(rows)] = rows


def run_summary(
    scenario: Scenario,
    draws: int | None = None,
    seed: int | None = None,
    *,
    years: Sequence[int],
    outputs: Collection[str] | None = None,
    progress: Progress | None = None,
    sink: Callable[[xr.Dataset], None] | None = None,
    backend: Backend | None = None,
    big: int = BIG_RUN,
    sentence_draws: int = SENTENCE_DRAWS,
    chunk_size: int | None = None,
) -> RunSummary:
    """Run ``scenario`` for what ``plowshare run`` prints: the key-output table at
    ``years`` and a Dataset (of ``outputs`` at ``years``) for the models' sentences.

    Up to ``big`` draws: :func:`.api.run` and :func:`.tables.run_rows`, unchanged. Above:
    streamed (see the module's docstring); ``sink`` still sees every chunk's every output.
    """
    from . import api

    n = scenario.run.draws if draws is None else draws
    if n <= big:
        ds = api.run(
            scenario,
            draws=n,
            seed=seed,
            chunk_size=chunk_size,
            progress=progress,
            outputs=outputs,
            years=years,
            sink=sink,
            backend=backend,
        )
        return RunSummary(ds, run_rows(ds, years), n)
    every = max(1, -(-n // sentence_draws))
    folder = tempfile.mkdtemp(prefix="plowshare-run-")
    try:
        keys = KeyColumns(n, folder)
        thin = Thinned(n, every)
        idx = [scenario.years.index(y) for y in years]
        keep = None if outputs is None else set(outputs)
        inputs = scenario.loaded_inputs()
        every_year = all_years_of(scenario)

        def consume(
            start: int, part: Part, params: dict[str, Array], attrs: dict[str, Any]
        ) -> None:
            if sink is not None:
                sink(to_dataset(part, params, every_year, attrs, inputs, start=start))
            shown = select(part, keep, idx)
            one = dict([next(iter(params.items()))])  # to_dataset counts the draws from it
            keys.add(start, to_dataset(shown, one, every_year[idx], attrs, inputs), years)
            thin.add(start, shown, params)

        attrs = api.stream(
            scenario,
            n,
            seed,
            consume,
            chunk_size=chunk_size,
            progress=progress,
            backend=backend,
            folder=folder,
        )
        rows = keys.rows(years)
        keys.close()
        ds = to_dataset(thin.outputs, thin.params, every_year[idx], attrs, inputs)
        ds = ds.assign_coords(draw=np.arange(thin.m) * every)
        ds.attrs["sample_every"] = every
        return RunSummary(ds, rows, n, every)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def all_years_of(scenario: Scenario) -> Array:
    return np.asarray(scenario.years, dtype=np.float64)
