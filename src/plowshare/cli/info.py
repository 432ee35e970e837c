"""`plowshare scenarios` and `plowshare params`: what is shipped and every assumption."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from plowshare.core.dims import GROUP_DESCRIPTIONS, state_groups
from plowshare.core.errors import InputError, nearest
from plowshare.core.params import default_registry
from plowshare.core.scenario import load_scenario, shipped_scenarios

from .common import app, out, safe
from .docs import params_markdown


@app.command()
def scenarios() -> None:
    """List the scenarios shipped with plowshare and the question each answers."""
    t = Table(header_style="bold")
    t.add_column("name")
    t.add_column("question")
    for name, path in shipped_scenarios().items():
        sc = load_scenario(path)
        t.add_row(safe(name), safe(sc.question or sc.description))
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
        dist = (
            "one of: " + ", ".join(p.choices)
            if p.kind == "category"
            else "state codes or a group" + (", or a rate per state" if p.rates else "")
            if p.kind == "states"
            else p.dist.describe(p.unit)
        )
        t.add_row(p.name, safe(p.display_value()), p.unit, dist, p.status, ", ".join(p.sources))
    out.print(t)
    if any(p.kind == "states" for p in sel):
        groups = state_groups()
        out.print(
            "State groups a states lever accepts: "
            + "; ".join(f"{g} ({len(groups[g])} states: {GROUP_DESCRIPTIONS[g]})" for g in groups)
            + ".",
            highlight=False,
        )
    out.print(
        f"{len(sel)} of {len(reg)} parameters. `--json` or `--markdown` for notes and "
        "full citations."
    )
