"""`plowshare claims` and `plowshare brief`: the claims ledger and the HTML brief."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from plowshare.claims.ledger import DEFAULT_DRAWS
from plowshare.core.sampling import DEFAULT_SEED

from .common import PerScenarioDraws, SeedOpt, app, err, out, out_file, progress_bar, safe


@app.command()
def claims(
    draws: PerScenarioDraws = DEFAULT_DRAWS,
    seed: SeedOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """The claims ledger: each checkable claim in the essay, its test and verdict."""
    from plowshare.claims.ledger import VERDICT_RULE, evaluate

    with progress_bar("claims ledger", enabled=not as_json):
        results = evaluate(draws=draws, seed=DEFAULT_SEED if seed is None else seed)
    if as_json:
        sys.stdout.write(json.dumps([r.to_dict() for r in results], indent=2) + "\n")
        return
    t = Table(
        title=f"Claims ledger ({draws:,} draws per scenario, seed "
        f"{DEFAULT_SEED if seed is None else seed}; {VERDICT_RULE})",
        title_justify="left",
        header_style="bold",
        show_lines=True,
    )
    for c in ("claim", "test", "answer", "verdict", "what would flip it"):
        t.add_column(c)
    for r in results:
        t.add_row(
            safe(r.claim.title),
            safe(r.claim.test),
            safe(r.answer),
            safe(r.verdict_sentence),
            safe(r.flip_sentence),
        )
    out.print(t)
    out.print(
        "[dim]Verdicts are conditional on the stated assumptions; `--json` gives the "
        "quotes, why each test, metrics, RBD-FAST drivers and the flip frontier.[/dim]"
    )


@app.command()
def brief(
    draws: PerScenarioDraws = DEFAULT_DRAWS,
    seed: SeedOpt = None,
    out_path: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.")] = Path(
        "out/brief.html"
    ),
) -> None:
    """One self-contained HTML page answering the essay's questions, with bands and sources."""
    from plowshare.report.brief import SCENARIOS, write

    out_file(out_path, create_parent=True)  # fail before the half-minute of work, not after
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

        path = write(out_path, draws, DEFAULT_SEED if seed is None else seed, step)
    out.print(
        f"wrote {safe(path)} ({path.stat().st_size / 1e6:.1f} MB; open it in any browser)",
        highlight=False,
    )
