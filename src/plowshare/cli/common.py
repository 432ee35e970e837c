"""What every command shares: the app, the consoles, options, progress bars, tables.

User text (scenario names, descriptions, candidate names) is never read as rich markup:
it goes through :func:`safe`, so ``[/bold]`` in a description prints as written.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
import xarray as xr
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from plowshare.core.errors import InputError
from plowshare.core.scenario import Scenario
from plowshare.engine import api
from plowshare.engine.pipeline import Progress as ProgressFn
from plowshare.engine.tables import displayed_outputs

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
SeedOpt = Annotated[
    int | None, typer.Option("--seed", "-s", min=0, max=2**63 - 1, help="Random seed.")
]
YearsOpt = Annotated[str | None, typer.Option("--years", help="Years to show, e.g. 2030,2040.")]


def slug(name: str) -> str:
    """A name safe as one file-name component (no folders, no dots in front)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")[:80] or "scenario"


def safe(text: object) -> str:
    """User text escaped for rich markup."""
    return escape(str(text))


@contextmanager
def progress_bar(label: str, enabled: bool = True) -> Iterator[ProgressFn | None]:
    """A rich progress bar on stderr, shown only for runs long enough to need one."""
    if not enabled or not err.is_terminal:
        yield None
        return
    with Progress(
        TextColumn(safe(label)),
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
    if bad or not ys or len(set(ys)) != len(ys):
        raise InputError(
            f"distinct years within {sc.years.start}–{sc.years.stop - 1} expected, got {text!r}",
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
        t.add_row(*(safe(c) for c in r))
    out.print(t)


def header(sc: Scenario) -> None:
    out.print(f"[bold]{safe(sc.name)}[/bold] — {safe(sc.description)}")
    if sc.question:
        out.print(f"[italic]{safe(sc.question)}[/italic]")


FOOTER = (
    "[dim]Explores consequences of stated assumptions; not a forecast. "
    "See `plowshare params` for every assumption and its source.[/dim]"
)
