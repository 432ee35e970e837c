"""`plowshare run`, `compare` and `solve`: a scenario through the engine, printed or written."""

from __future__ import annotations

import json
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from plowshare.core.errors import InputError, nearest
from plowshare.core.scenario import load_scenario
from plowshare.engine import api
from plowshare.engine.backends import make_backend
from plowshare.engine.export import ExportSet
from plowshare.engine.results import write_atomic
from plowshare.engine.tables import (
    compare_lines,
    compare_rows,
    displayed_outputs,
    extra_rows,
    summary_lines,
)

from .common import (
    FOOTER,
    DrawsOpt,
    SeedOpt,
    YearsOpt,
    app,
    header,
    out,
    parse_years,
    print_table,
    progress_bar,
    run_scenario,
    safe,
    slug,
)
from .common import (
    out_dir as check_out_dir,
)
from .contest import print_race

OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Write CSV, Parquet, JSON here.")]


BackendOpt = Annotated[
    str, typer.Option("--backend", help="local, or dask (a LocalCluster unless --scheduler).")
]
SchedulerOpt = Annotated[
    str | None, typer.Option("--scheduler", help="Dask scheduler address, tcp://host:8786.")
]
WorkersOpt = Annotated[
    int, typer.Option("--workers", min=1, max=256, help="Workers of the Dask LocalCluster.")
]


KeepOpt = Annotated[
    str,
    typer.Option(
        "--keep",
        help="Outputs in draws.parquet with --out: key (the table's rows), all, or "
        "model.output names separated by commas.",
    ),
]
KeepDrawsOpt = Annotated[
    bool,
    typer.Option(
        "--keep-draws",
        help="Hold no draw in memory at any size: parameters sampled to disk, the table "
        "reduced from a disk spill (automatic above 100,000 draws).",
    ),
]


def keep_names(keep: str, models: list[str]) -> set[str] | None:
    """``--keep``: key → the key outputs, all → None (everything), else the names given."""
    from plowshare.core import registry
    from plowshare.engine.tables import key_output_names

    if keep == "key":
        return key_output_names(models)
    if keep == "all":
        return None
    names = {k.strip() for k in keep.split(",") if k.strip()}
    known = {f"{m}.{o}" for m in models for o in registry.get(m).outputs}
    for name in sorted(names):
        if name not in known:
            raise InputError(
                "key, all or model.output names expected",
                key="--keep",
                suggestion=nearest(name, sorted(known)),
            )
    return names


@app.command()
def run(
    scenario: Annotated[str, typer.Argument(help="A scenario file or a shipped name.")],
    draws: DrawsOpt = None,
    seed: SeedOpt = None,
    years: YearsOpt = None,
    out_dir: OutOpt = None,
    backend: BackendOpt = "local",
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = 2,
    keep: KeepOpt = "key",
    keep_draws: KeepDrawsOpt = False,
) -> None:
    """Run a scenario and print its key outputs: median (p5 to p95) by year."""
    from plowshare.engine.pipeline import order
    from plowshare.engine.streamed import BIG_RUN, run_summary, sample_note

    out_dir = check_out_dir(out_dir)  # refuse a bad --out before any work
    sc = load_scenario(scenario)
    ys = parse_years(years, sc)
    n = sc.run.draws if draws is None else draws
    kept = keep_names(keep, order(sc.models))
    with ExitStack() as stack:
        # the export set refuses bad targets before the run; it streams every chunk to disk
        ex = None if out_dir is None else stack.enter_context(ExportSet(out_dir, ys, keep=kept))
        engine = make_backend(backend, scheduler, workers)
        stack.callback(engine.close)
        t0 = time.perf_counter()
        with progress_bar(f"{sc.name}: {n:,} draws", enabled=n >= 100_000) as update:
            res = run_summary(
                sc,
                draws=n,
                seed=seed,
                progress=update,
                outputs=displayed_outputs(),
                years=ys,
                sink=None if ex is None else ex.add,
                backend=engine,
                big=1 if keep_draws else BIG_RUN,
            )
        ds = res.ds
        secs = time.perf_counter() - t0
        header(sc)
        rows = res.rows + extra_rows(ds, ys)
        if rows:
            print_table(
                f"{ds.attrs['draws']:,} draws, seed {ds.attrs['seed']} "
                f"({secs:.2f} s); median \\[p5, p95]; constant 2025 dollars",
                ys,
                rows,
            )
        note = sample_note(res)
        if note:
            out.print(note, markup=False, highlight=False)
        for line in summary_lines(ds, ys):
            out.print(line, markup=False, highlight=False)
        if "contest.shares" in ds:
            print_race(ds)
        out.print(FOOTER)
        if ex is not None:
            for p in ex.commit():
                out.print(f"wrote {safe(p)}", highlight=False)


@app.command()
def compare(
    a: Annotated[str, typer.Argument(help="Baseline scenario (file or shipped name).")],
    b: Annotated[str, typer.Argument(help="Alternative scenario.")],
    draws: DrawsOpt = None,
    seed: SeedOpt = None,
    years: YearsOpt = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the differences as JSON here.")
    ] = None,
) -> None:
    """Run two scenarios with common random numbers and print B − A with its band."""
    out_dir = check_out_dir(out_dir)
    sa, sb = load_scenario(a), load_scenario(b)
    ys = parse_years(years, sb)
    n = draws if draws is not None else max(sa.run.draws, sb.run.draws)
    s = seed if seed is not None else sa.run.seed
    da = run_scenario(sa, n, s, sa.name, years=ys)
    db = run_scenario(sb, n, s, sb.name, years=ys)
    rows = compare_rows(da, db, ys)
    print_table(
        f"{safe(sb.name)} minus {safe(sa.name)}: median \\[p5, p95] of the per-draw "
        f"difference ({n:,} draws, seed {s}, common random numbers)",
        ys,
        rows,
    )
    for line in compare_lines(da, db, sb.name):
        out.print(line, markup=False, highlight=False)
    if out_dir is not None:
        payload = {
            "a": sa.name,
            "b": sb.name,
            "draws": n,
            "seed": s,
            "years": ys,
            "rows": [dict(zip(["output", "unit", *map(str, ys)], r, strict=True)) for r in rows],
        }
        path = out_dir / f"compare-{slug(sa.name)}-{slug(sb.name)}.json"
        write_atomic(path, lambda t: t.write_text(json.dumps(payload, indent=2)))
        out.print(f"wrote {safe(path)}", highlight=False)


@app.command()
def solve(
    scenario: Annotated[str, typer.Argument(help="A scenario file or a shipped name.")],
    instrument: Annotated[
        str, typer.Option(help="compute_tax, mcap_tax, nationalisation or permit_equity.")
    ] = "compute_tax",
    year: Annotated[int, typer.Option(help="Year in which need must be covered.")] = 2035,
    horizon: Annotated[bool, typer.Option(help="Cover need in every year up to --year.")] = False,
    draws: DrawsOpt = None,
    seed: SeedOpt = None,
) -> None:
    """Find the smallest rate of one instrument that covers need, per draw."""
    from plowshare.models.fund.solve import SOLVABLE, solve_rate

    if instrument not in SOLVABLE:
        raise InputError(
            f"one of {', '.join(SOLVABLE)} expected",
            key="--instrument",
            suggestion=nearest(instrument, SOLVABLE),
        )
    sc = load_scenario(scenario)
    if year not in sc.years:
        raise InputError(
            f"a year within {sc.years.start}–{sc.years.stop - 1} expected, got {year}", key="--year"
        )
    n = min(sc.run.draws, 5000) if draws is None else draws
    with progress_bar(f"solving {instrument}", enabled=n >= 20_000):
        params, ys, upstream = api.upstream_of(sc, "fund", n, seed)
        rate = solve_rate(params, ys, instrument, year, horizon, **upstream)
    finite = np.isfinite(rate)
    what = f"every year to {year}" if horizon else f"in {year}"
    out.print(
        f"[bold]{safe(sc.name)}[/bold]: smallest {instrument.replace('_', ' ')} rate covering "
        f"need {what} ({n:,} draws)"
    )
    if finite.any():
        q = np.quantile(rate[finite], [0.05, 0.5, 0.95])
        out.print(f"  median {q[1]:.2%} \\[p5 {q[0]:.2%}, p95 {q[2]:.2%}] among solvable draws")
    out.print(
        f"  no rate up to {SOLVABLE[instrument][1]:.0%} suffices in {1 - finite.mean():.0%}"
        " of draws"
    )
