"""The command line: parse → load scenario → run → print or write. Thin by design.

Every bad input ends in one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
import xarray as xr
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import api
from .core.errors import InputError, nearest
from .core.params import default_registry
from .core.pipeline import Progress as ProgressFn
from .core.results import export, write_atomic
from .core.scenario import Scenario, load_scenario, shipped_scenarios
from .docs import params_markdown
from .tables import (
    compare_rows,
    displayed_outputs,
    instrument_rows,
    labor_lines,
    milestone_compare_lines,
    milestone_lines,
    prob_higher,
    run_rows,
    scalar_lines,
    siting_lines,
)

app = typer.Typer(
    name="plowshare",
    help="Transparent, sourced, fast Monte Carlo models of the AI transition.\n\n"
    "Start with `plowshare scenarios` to see the shipped questions, then "
    "`plowshare run NAME`. Every number is a median with its 90 % band (p5 to p95).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# wide enough for the year columns when the output is piped or captured
out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True)

DrawsOpt = Annotated[
    int | None,
    typer.Option(
        "--draws", "-n", min=1, max=10_000_000, help="Monte Carlo draws (1 = central values)."
    ),
]
PerScenarioDraws = Annotated[
    int, typer.Option("--draws", "-n", min=50, max=100_000, help="Draws per scenario.")
]
SeedOpt = Annotated[int | None, typer.Option("--seed", "-s", min=0, help="Random seed.")]
YearsOpt = Annotated[str | None, typer.Option("--years", help="Years to show, e.g. 2030,2040.")]


@contextmanager
def progress_bar(label: str, enabled: bool = True) -> Iterator[ProgressFn | None]:
    """A rich progress bar on stderr, shown only for runs long enough to need one."""
    if not enabled or not err.is_terminal:
        yield None
        return
    with Progress(
        TextColumn(label),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def run_scenario(
    sc: Scenario,
    draws: int | None,
    seed: int | None,
    label: str,
    years: list[int] | None = None,
) -> xr.Dataset:
    """Run with a progress bar; with ``years``, keep only the printed outputs and years."""
    n = sc.run.draws if draws is None else draws
    chunk = min(sc.run.chunk_size, max(20_000, n // 20))
    keep = None if years is None else displayed_outputs()
    with progress_bar(f"{label}: {n:,} draws", enabled=n >= 100_000) as update:
        return api.run(
            sc, draws=n, seed=seed, chunk_size=chunk, progress=update, outputs=keep, years=years
        )


def parse_years(text: str | None, sc: Scenario) -> list[int]:
    if text is None:
        return list(sc.run.report_years)
    try:
        ys = [int(y) for y in text.split(",") if y.strip()]
    except ValueError:
        raise InputError(
            f"a comma-separated list of years expected, got {text!r}", key="--years"
        ) from None
    bad = [y for y in ys if y not in sc.years]
    if bad or not ys:
        raise InputError(
            f"years within {sc.years.start}–{sc.years.stop - 1} expected, got {text!r}",
            key="--years",
        )
    return ys


def print_table(title: str, years: list[int], rows: list[list[str]]) -> None:
    t = Table(title=title, title_justify="left", header_style="bold")
    t.add_column("output")
    t.add_column("unit")
    for y in years:
        t.add_column(str(y), justify="right")
    for r in rows:
        t.add_row(*r)
    out.print(t)


@app.command()
def scenarios() -> None:
    """List the scenarios shipped with plowshare and the question each answers."""
    t = Table(header_style="bold")
    t.add_column("name")
    t.add_column("question")
    for name, path in shipped_scenarios().items():
        sc = load_scenario(path)
        t.add_row(name, sc.question or sc.description)
    out.print(t)


@app.command()
def run(
    scenario: Annotated[str, typer.Argument(help="A scenario file or a shipped name.")],
    draws: DrawsOpt = None,
    seed: SeedOpt = None,
    years: YearsOpt = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write CSV, Parquet, JSON here.")
    ] = None,
) -> None:
    """Run a scenario and print its key outputs: median (p5 to p95) by year."""
    sc = load_scenario(scenario)
    ys = parse_years(years, sc)
    t0 = time.perf_counter()
    ds = run_scenario(sc, draws, seed, sc.name, years=None if out_dir is not None else ys)
    secs = time.perf_counter() - t0
    out.print(f"[bold]{sc.name}[/bold] — {sc.description}")
    if sc.question:
        out.print(f"[italic]{sc.question}[/italic]")
    print_table(
        f"{ds.attrs['draws']:,} draws, seed {ds.attrs['seed']} "
        f"({secs:.2f} s); median \\[p5, p95]; constant 2025 dollars",
        ys,
        run_rows(ds, ys) + instrument_rows(ds, ys),
    )
    for line in milestone_lines(ds) + siting_lines(ds) + labor_lines(ds, ys[-1]) + scalar_lines(ds):
        out.print(line, markup=False, highlight=False)
    out.print(
        "[dim]Explores consequences of stated assumptions; not a forecast. "
        "See `plowshare params` for every assumption and its source.[/dim]"
    )
    if out_dir is not None:
        for p in export(ds, out_dir, ys):
            out.print(f"wrote {p}")


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
    sa, sb = load_scenario(a), load_scenario(b)
    ys = parse_years(years, sb)
    n = draws if draws is not None else max(sa.run.draws, sb.run.draws)
    s = seed if seed is not None else sa.run.seed
    da = run_scenario(sa, n, s, sa.name, years=ys)
    db = run_scenario(sb, n, s, sb.name, years=ys)
    rows = compare_rows(da, db, ys)
    print_table(
        f"{sb.name} minus {sa.name}: median \\[p5, p95] of the per-draw difference "
        f"({n:,} draws, seed {s}, common random numbers)",
        ys,
        rows,
    )
    for line in milestone_compare_lines(da, db, sb.name) + siting_lines(db):
        out.print(line, markup=False, highlight=False)
    y_last = ys[-1]
    same = "fund.coverage" in da and np.array_equal(da["fund.coverage"], db["fund.coverage"])
    if "fund.coverage" in db and not same:
        p = prob_higher(da, db, "fund.coverage", y_last)
        out.print(f"Coverage in {y_last} is higher under {sb.name} in {p:.0%} of draws.")
    if out_dir is not None:
        payload = {
            "a": sa.name,
            "b": sb.name,
            "draws": n,
            "seed": s,
            "years": ys,
            "rows": [dict(zip(["output", "unit", *map(str, ys)], r, strict=True)) for r in rows],
        }
        path = out_dir / f"compare-{sa.name}-{sb.name}.json"
        write_atomic(path, lambda t: t.write_text(json.dumps(payload, indent=2)))
        out.print(f"wrote {path}")


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
    from .core.pipeline import draw_params, order, run_models
    from .models.fund.solve import SOLVABLE, solve_rate

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
    upstream_models = [m for m in order(["fund"]) if m != "fund"]
    params = draw_params(
        sc.registry,
        order(["fund"]),
        n,
        sc.run.seed if seed is None else seed,
        sc.run.method,
        sc.correlations,
        file=sc.path,
    )
    with progress_bar(f"solving {instrument}", enabled=n >= 20_000):
        ys = np.asarray(sc.years, dtype=float)
        up = run_models(params, ys, upstream_models)
        rate = solve_rate(
            params,
            ys,
            instrument,
            year,
            horizon,
            compute_spending_usd=up["investment"]["us_compute_spending_usd"],
        )
    finite = np.isfinite(rate)
    what = f"every year to {year}" if horizon else f"in {year}"
    out.print(
        f"[bold]{sc.name}[/bold]: smallest {instrument.replace('_', ' ')} rate covering "
        f"need {what} ({n:,} draws)"
    )
    if finite.any():
        q = np.quantile(rate[finite], [0.05, 0.5, 0.95])
        out.print(f"  median {q[1]:.2%} \\[p5 {q[0]:.2%}, p95 {q[2]:.2%}] among solvable draws")
    out.print(
        f"  no rate up to {SOLVABLE[instrument][1]:.0%} suffices in {1 - finite.mean():.0%}"
        " of draws"
    )


@app.command()
def contest(
    race: Annotated[str, typer.Argument(help="A race file or a shipped race (e.g. ny12-2026).")],
    draws: Annotated[
        int, typer.Option("--draws", "-n", min=1, max=1_000_000, help="Monte Carlo draws.")
    ] = 4000,
    seed: SeedOpt = None,
    equilibrium_draws: Annotated[
        int, typer.Option(min=0, help="Draws for the equilibrium sweep (slow; 0 skips it).")
    ] = 200,
    out_dir: Annotated[Path | None, typer.Option("--out", "-o", help="Write JSON here.")] = None,
) -> None:
    """Campaign money in one race: shares, win odds, attack response, equilibrium."""
    from .contest_cli import export_contest, print_contest, run_contest

    with progress_bar(f"contest: {draws:,} draws", enabled=True):
        result, eq = run_contest(race, draws, 20260623 if seed is None else seed, equilibrium_draws)
    print_contest(out, result, eq, draws)
    if out_dir is not None:
        for path in export_contest(result, eq, out_dir):
            out.print(f"wrote {path}")


@app.command()
def claims(
    draws: PerScenarioDraws = 1000,
    seed: SeedOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """The claims ledger: each checkable claim in the essay, its test and verdict."""
    from .claims.ledger import evaluate

    with progress_bar("claims ledger", enabled=not as_json):
        results = evaluate(draws=draws, seed=20260101 if seed is None else seed)
    if as_json:
        sys.stdout.write(json.dumps([r.to_dict() for r in results], indent=2) + "\n")
        return
    t = Table(
        title=f"Claims ledger ({draws:,} draws per scenario; holds in >= 80 % of draws = "
        "holds, <= 20 % = does not hold)",
        title_justify="left",
        header_style="bold",
        show_lines=True,
    )
    for c in ("claim", "test", "verdict", "draws holding", "what drives it"):
        t.add_column(c)
    for r in results:
        drive = ", ".join(f"{n} ({s:.2f})" for n, s in r.drivers) or "—"
        t.add_row(r.claim.title, r.claim.test, r.verdict, f"{r.share_holds:.0%}", drive)
    out.print(t)
    out.print(
        "[dim]Verdicts are conditional on the stated assumptions; `--json` gives the "
        "quotes, metrics and sensitivity indices (RBD-FAST first order).[/dim]"
    )


@app.command()
def brief(
    draws: PerScenarioDraws = 2000,
    seed: SeedOpt = None,
    out_path: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.")] = Path(
        "out/brief.html"
    ),
) -> None:
    """One self-contained HTML page answering the essay's questions, with bands and sources."""
    from .report.brief import SCENARIOS, write

    try:  # fail before the half-minute of work, not after
        out_path.parent.mkdir(parents=True, exist_ok=True)
        if out_path.is_dir() or not os.access(out_path.parent, os.W_OK):
            raise OSError("not a writable file path")
    except OSError as e:
        raise InputError(
            f"cannot write the brief here ({e.strerror or e})", file=str(out_path), key="--out"
        ) from None
    steps = len(SCENARIOS) + 3
    with Progress(
        TextColumn("brief: {task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("starting", total=steps)

        def step(label: str) -> None:
            bar.update(task, description=label, completed=min(bar.tasks[0].completed + 1, steps))

        path = write(out_path, draws, 20260101 if seed is None else seed, step)
    out.print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB; open it in any browser)")


@app.command()
def races() -> None:
    """List the race files shipped with plowshare."""
    from .models.contest import load_race, shipped_races

    t = Table(header_style="bold")
    t.add_column("name")
    t.add_column("race")
    for name, path in shipped_races().items():
        t.add_row(name, load_race(path).meta.name)
    out.print(t)


@app.command()
def params(
    model: Annotated[str | None, typer.Argument(help="Only this model's parameters.")] = None,
    search: Annotated[str | None, typer.Option("--search", help="Filter by a word.")] = None,
    status: Annotated[str | None, typer.Option(help="sourced, derived or judgment.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="The docs/parameters.md text.")
    ] = False,
) -> None:
    """List parameters: value, distribution, status and sources."""
    reg = default_registry()
    if model is not None and model not in reg.models():
        raise InputError("unknown model", key=model, suggestion=nearest(model, reg.models()))
    if status is not None and status not in ("sourced", "derived", "judgment"):
        raise InputError(
            "sourced, derived or judgment expected",
            key="--status",
            suggestion=nearest(status, ["sourced", "derived", "judgment"]),
        )
    if markdown:
        sys.stdout.write(params_markdown(reg))
        return
    sel = [
        p
        for p in reg
        if (model is None or p.model == model)
        and (status is None or p.status == status)
        and (search is None or search.lower() in f"{p.name} {p.description} {p.note}".lower())
    ]
    if as_json:
        recs = []
        for p in sel:
            d = p.to_dict()
            d["sources"] = [{"key": s, "citation": reg.sources[s].cite()} for s in p.sources]
            recs.append(d)
        sys.stdout.write(json.dumps(recs, indent=2) + "\n")
        return
    t = Table(header_style="bold", show_lines=False)
    for c in ("parameter", "value", "unit", "distribution", "status", "sources"):
        t.add_column(c)
    for p in sel:
        t.add_row(
            p.name, f"{p.value:g}", p.unit, p.dist.describe(p.unit), p.status, ", ".join(p.sources)
        )
    out.print(t)
    out.print(
        f"{len(sel)} of {len(reg)} parameters. `--json` or `--markdown` for notes and "
        "full citations."
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app; bad input → one line on stderr, exit code 2."""
    command = typer.main.get_command(app)
    try:
        command.main(args=argv, prog_name="plowshare", standalone_mode=False)
    except InputError as e:
        err.print(f"error: {e.one_line()}", highlight=False, markup=False, soft_wrap=True)
        return 2
    except typer.Exit as e:
        return int(e.exit_code or 0)
    except typer.TyperException as e:
        if type(e).__name__ == "NoArgsIsHelpError":  # bare `plowshare`: show the help
            out.print(e.format_message(), highlight=False, markup=False)
            return 0
        ctx = getattr(e, "ctx", None)
        where = f"{ctx.command_path}: " if ctx is not None else ""
        msg = " ".join(e.format_message().split())
        err.print(f"error: {where}{msg}", highlight=False, markup=False, soft_wrap=True)
        return 2
    except typer.Abort:
        err.print("aborted")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
