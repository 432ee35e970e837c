"""What every command shares: the app, the consoles, options, progress bars, tables.

User text (scenario names, descriptions, candidate names) is never read as rich markup:
it goes through :func:`safe`, so ``[/bold]`` in a description prints as written.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
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


def _path_text(path: Path, key: str) -> str:
    """The path as text, refused when no file system could hold it (NUL, too long)."""
    text = str(path)
    if not text or "\0" in text:
        raise InputError("a path without NUL characters expected", file=text or "''", key=key)
    limit = 255
    for part in path.parts:
        if len(os.fsencode(part)) > limit:
            raise InputError(
                f"a file or folder name of at most {limit} bytes expected, got one of "
                f"{len(os.fsencode(part))}",
                file=safe_name(text),
                key=key,
            )
    if len(os.fsencode(text)) > 4000:
        raise InputError("a path of at most 4000 bytes expected", file=safe_name(text), key=key)
    return text


def safe_name(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _writable_dir(folder: Path, key: str, what: str) -> None:
    """``folder``, or the nearest folder above it that exists, must be a writable directory
    (what does not exist yet is created when the results are written)."""
    p = folder
    while not p.exists():
        if p.is_symlink():  # a dangling link
            raise InputError(f"{what}: a dangling symbolic link", file=str(p), key=key)
        p = p.parent
    if not p.is_dir():
        raise InputError(
            f"{what}: {safe_name(str(p))} is not a directory", file=str(folder), key=key
        )
    if not os.access(p, os.W_OK | os.X_OK):
        raise InputError(
            f"{what}: the directory {safe_name(str(p))} is not writable", file=str(folder), key=key
        )


def out_dir(path: Path | None, key: str = "--out") -> Path | None:
    """Check ``--out`` before any work: a directory that exists and is writable, or one
    that can be created (its nearest existing parent is a writable directory).

    A device (``/dev/null``), a regular file or a FIFO is refused: the results are a set of
    files written into a directory, never into something else's place.
    """
    if path is None:
        return None
    text = _path_text(path, key)
    try:
        _check_dir(path, text, key)
    except OSError as e:  # e.g. permission denied on a folder above
        raise InputError(
            f"cannot use this path ({e.strerror or e})", file=safe_name(text), key=key
        ) from None
    return path


def _check_dir(path: Path, text: str, key: str) -> None:
    if (path.exists() or path.is_symlink()) and not path.is_dir():
        raise InputError(
            "exists and is not a directory; --out takes a directory for the results",
            file=safe_name(text),
            key=key,
        )
    _writable_dir(path, key, "cannot write the results here")


def out_file(path: Path, key: str = "--out", *, create_parent: bool = False) -> Path:
    """Check a ``--out`` file path before any work: a regular file (or none yet) in a
    writable directory (created when missing). A device such as ``/dev/full``, a FIFO or a
    directory is refused, so a rename can never replace one."""
    text = _path_text(path, key)
    try:
        _check_file(path, text, key)
        if create_parent:
            path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(
            f"cannot use this path ({e.strerror or e})", file=safe_name(text), key=key
        ) from None
    return path


def _check_file(path: Path, text: str, key: str) -> None:
    if path.exists() or path.is_symlink():
        if path.is_dir():
            raise InputError(
                "is a directory; a file path such as out/brief.html expected",
                file=safe_name(text),
                key=key,
            )
        if not path.is_file():
            raise InputError(
                "exists and is not a regular file (a device, FIFO or socket); a file path "
                "such as out/brief.html expected",
                file=safe_name(text),
                key=key,
            )
        if not os.access(path, os.W_OK):
            raise InputError("the file exists and is not writable", file=safe_name(text), key=key)
    _writable_dir(path.parent, key, "cannot write the file here")


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
    chunk = None  # the engine default: the scenario's [run] chunk_size, else DEFAULT_CHUNK
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
