"""`plowshare discover`, `robust` and `sobol`: scenario discovery, robust comparison of
policies across draws, and Sobol' indices as a check on the ledger's RBD-FAST drivers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
import xarray as xr

from plowshare.core.errors import InputError, nearest
from plowshare.core.scenario import load_scenario
from plowshare.engine import api
from plowshare.engine.results import write_atomic
from plowshare.explore import discover as disc
from plowshare.explore import robust as rob
from plowshare.explore.outcomes import Condition, Quantity
from plowshare.explore.questions import objectives_of, question

from .common import DrawsOpt, SeedOpt, app, out, progress_bar, safe

JsonOpt = Annotated[Path | None, typer.Option("--json", help="Also write the result as JSON here.")]


def table(title: str, columns: list[str], rows: list[list[str]], first: str) -> None:
    from rich.table import Table

    t = Table(title=title, title_justify="left", header_style="bold")
    t.add_column(first)
    for c in columns:
        t.add_column(c, justify="right")
    for r in rows:
        t.add_row(*(safe(c) for c in r))
    out.print(t)


def write_json(path: Path | None, payload: dict[str, Any]) -> None:
    if path is None:
        return
    write_atomic(path, lambda t: t.write_text(json.dumps(payload, indent=2, default=float)))
    out.print(f"wrote {safe(path)}", highlight=False)


def claim_by_id(cid: str) -> Any:
    from plowshare.claims.ledger import load_claims

    claims = {c.id: c for c in load_claims()}
    if cid not in claims:
        raise InputError("a claim id expected", key="--claim", suggestion=nearest(cid, claims))
    return claims[cid]


def claim_outcome(cid: str, n: int, seed: int, fails: bool) -> tuple[xr.Dataset, np.ndarray, str]:
    """Run a claim's scenarios on the same draws; (last scenario's results, where the claim
    holds — or fails — per draw, a sentence saying what is sought)."""
    from plowshare.claims.ledger import METRICS, OPS

    c = claim_by_id(cid)
    data = {s: api.run(load_scenario(s), draws=n, seed=seed) for s in c.scenarios}
    y = np.asarray(METRICS[c.metric](data, c), dtype=np.float64)
    with np.errstate(invalid="ignore"):
        holds = OPS[c.op](y, c.threshold) & np.isfinite(y)
    hit = ~holds & np.isfinite(y) if fails else holds
    what = (
        f"the claim {'fails' if fails else 'holds'}: {c.test} ({c.metric} {c.op} {c.threshold:g})"
    )
    return data[c.scenarios[-1]], hit, what


@app.command()
def discover(
    scenario: Annotated[
        str | None, typer.Argument(help="A scenario file or shipped name (not with --claim).")
    ] = None,
    outcome: Annotated[
        str | None, typer.Option("--outcome", help="OUTPUT[@YEAR], e.g. fund.coverage@2035.")
    ] = None,
    when: Annotated[str, typer.Option("--when", help="Condition, e.g. '< 0.5'.")] = "> 0",
    claim: Annotated[
        str | None, typer.Option("--claim", help="A claim id from claims.toml instead.")
    ] = None,
    fails: Annotated[bool, typer.Option("--fails", help="With --claim: where it fails.")] = False,
    draws: DrawsOpt = None,
    seed: SeedOpt = None,
    threshold: Annotated[
        float, typer.Option(min=0.05, max=1.0, help="Density a box must reach.")
    ] = 0.8,
    boxes: Annotated[int, typer.Option(min=1, max=5, help="Boxes to seek (covering).")] = 1,
    cart: Annotated[bool, typer.Option("--cart", help="Also CART's leaves, to compare.")] = False,
    json_path: JsonOpt = None,
) -> None:
    """Find the boxes of uncertain parameters in which an outcome happens (PRIM)."""
    n = 4000 if draws is None else draws
    if claim is not None:
        if scenario is not None or outcome is not None:
            raise InputError("give either --claim or SCENARIO --outcome, not both", key="--claim")
        s = seed if seed is not None else load_scenario(claim_by_id(claim).scenarios[0]).run.seed
        with progress_bar(f"claim {claim}: {n:,} draws", enabled=n >= 2000):
            ds, hit, what = claim_outcome(claim, n, s, fails)
        sc = load_scenario(claim_by_id(claim).scenarios[-1])
    else:
        if scenario is None or outcome is None:
            raise InputError("SCENARIO and --outcome OUTPUT[@YEAR] expected (or --claim)")
        q, cond = Quantity.parse(outcome), Condition.parse(when)
        sc = load_scenario(scenario)
        with progress_bar(f"{sc.name}: {n:,} draws", enabled=n >= 2000):
            ds = api.run(sc, draws=n, seed=seed)
        hit = cond.holds(q.per_draw(ds))
        what = f"{q.label()} {cond.text()} ({q.description}; {q.unit})"
    x = disc.inputs(ds)
    with progress_bar("PRIM", enabled=True):
        d = disc.discover(x, hit, threshold=threshold, boxes=boxes, with_cart=cart)
    about = {p.name: f"{p.description}, {p.unit}" for p in sc.registry}
    out.print(f"[bold]Where {safe(what)}[/bold]", highlight=False)
    out.print(
        f"{n:,} draws of {x.shape[1]} uncertain parameters, seed {ds.attrs['seed']}.",
        highlight=False,
    )
    for line in disc.describe(d, about):
        out.print(line, markup=False, highlight=False)
    chosen = d.boxes[0].step if d.boxes else None
    tr = d.trajectory[["coverage", "density", "mass", "res_dim"]].to_numpy(dtype=float)
    rows = [
        [
            f"{i}{' ←' if i == chosen else ''}",
            f"{100 * tr[i, 0]:.0f} %",
            f"{100 * tr[i, 1]:.0f} %",
            f"{100 * tr[i, 2]:.0f} %",
            f"{int(tr[i, 3])}",
        ]
        for i in disc.trajectory_rows(d.trajectory, chosen)
    ]
    if rows:
        table(
            "PRIM peeling trajectory of box 1 (← the box above)",
            ["coverage", "density", "mass", "parameters restricted"],
            rows,
            first="step",
        )
    out.print(
        "Boxes describe the model's assumptions under which the outcome happens; not a forecast.",
        highlight=False,
    )
    write_json(json_path, {"outcome": what, "seed": ds.attrs["seed"], **d.to_dict()})


def fmt(x: float, unit: str = "") -> str:
    if not np.isfinite(x):
        return "—"
    return f"{x:.2f}" if unit == "year" else disc.fmt(x)


@app.command()
def robust(
    scenarios: Annotated[
        list[str] | None, typer.Argument(help="Policies: scenario files or shipped names.")
    ] = None,
    objective: Annotated[
        list[str] | None,
        typer.Option("--objective", help="OUTPUT[@YEAR]:min or :max (repeat for several)."),
    ] = None,
    question_name: Annotated[
        str | None,
        typer.Option("--question", help="A worked question instead: blue-state-alternatives."),
    ] = None,
    draws: DrawsOpt = None,
    seed: SeedOpt = None,
    json_path: JsonOpt = None,
) -> None:
    """Compare policies on the same draws: outcomes, regret, and which are never dominated."""
    notes: list[str] = []
    if question_name is not None:
        q = question(question_name)
        out.print(f"[bold]{safe(q.text)}[/bold]", highlight=False)
        names = list(scenarios or []) or list(q.policies)
        objectives, notes = objectives_of(q)
        objectives += [rob.Objective.parse(o) for o in objective or []]
    else:
        names = list(scenarios or [])
        objectives = [rob.Objective.parse(o) for o in objective or []]
    if len(names) < 2:
        raise InputError("at least two scenarios (policies) expected", key="SCENARIO")
    if not objectives:
        raise InputError("at least one --objective OUTPUT[@YEAR]:min|max expected")
    scs = [load_scenario(s) for s in names]
    n = 2000 if draws is None else draws
    s = seed if seed is not None else scs[0].run.seed
    outputs = {o.quantity.output for o in objectives}
    data = {}
    with progress_bar(f"{len(scs)} policies × {n:,} draws", enabled=True) as update:
        for i, sc in enumerate(scs):
            data[sc.name] = api.run(sc, draws=n, seed=s, outputs=outputs)
            if update:
                update(i + 1, len(scs))
    res = rob.compare(data, objectives)
    for note in notes:
        out.print(note, markup=False, highlight=False)
    for o in objectives:
        unit = o.quantity.unit
        cap = " (never by the horizon counted as the year after)" if unit == "year" else ""
        rows = [
            [
                r.policy,
                f"{fmt(r.outcome[1], unit)} [{fmt(r.outcome[0], unit)}, {fmt(r.outcome[2], unit)}]",
                fmt(r.regret_p50, unit),
                fmt(r.regret_p95, unit),
                fmt(r.regret_max, unit),
                f"{100 * r.share_best:.0f} %",
            ]
            for r in res.tables[o.label()]
        ]
        table(
            f"{safe(o.label())} — {'higher' if o.sense == 'max' else 'lower'} is better; "
            f"{safe(unit)}{cap}; {n:,} draws, seed {s}, the same draws for every policy",
            ["outcome median \\[p5, p95]", "regret p50", "regret p95", "regret max", "best in"],
            rows,
            first="policy",
        )
    dom = ", ".join(f"{p} {100 * v:.0f} %" for p, v in res.share_dominated.items())
    out.print(f"Share of draws in which each policy is dominated: {dom}.", highlight=False)
    never = res.never_dominated
    out.print(
        "Never dominated (in no draw is another policy at least as good on every objective "
        f"and better on one): {', '.join(never) if never else 'none'}.",
        highlight=False,
    )
    write_json(json_path, {"seed": s, **res.to_dict(), "notes": notes})


@app.command()
def sobol(
    claim: Annotated[
        list[str] | None, typer.Option("--claim", help="Claim ids (repeat); default: every one.")
    ] = None,
    draws: Annotated[int, typer.Option(min=100, help="Draws for the RBD-FAST drivers.")] = 2000,
    base: Annotated[int, typer.Option(min=16, help="Sobol' base sample N (runs N(G+2)).")] = 256,
    top: Annotated[int, typer.Option(min=1, max=8, help="Drivers per claim.")] = 3,
    seed: SeedOpt = None,
    json_path: JsonOpt = None,
) -> None:
    """Sobol' S1/ST of each claim's top RBD-FAST drivers (the rest as one group)."""
    from plowshare.claims.ledger import METRICS, drivers, load_claims
    from plowshare.core.sampling import DEFAULT_SEED
    from plowshare.explore.sensitivity import sobol as sobol_indices

    s = DEFAULT_SEED if seed is None else seed
    claims = [claim_by_id(c) for c in claim] if claim else load_claims()
    payload = []
    for c in claims:
        scs = {name: load_scenario(name) for name in c.scenarios}
        with progress_bar(f"{c.id}", enabled=True):
            data = {k: api.run(v, draws=draws, seed=s) for k, v in scs.items()}
            y = np.asarray(METRICS[c.metric](data, c), dtype=np.float64)
            params = disc.inputs(data[c.scenarios[-1]])
            fast = drivers({k: params[k].to_numpy() for k in params.columns}, y, top)
            if not fast:
                out.print(f"{c.id}: no driver above 0.02 by RBD-FAST; skipped.", highlight=False)
                continue
            names = [name for name, _ in fast]
            last = scs[c.scenarios[-1]]
            plist = [p for p in last.registry if p.model in last.models]

            def metric(values: dict[str, np.ndarray], c: Any = c, scs: Any = scs) -> np.ndarray:
                runs = {k: api.run_with(v, values, s) for k, v in scs.items()}
                return np.asarray(METRICS[c.metric](runs, c), dtype=np.float64)

            idx = sobol_indices(plist, names, metric, base=base, seed=s)
        rbd = dict(fast)
        rows = [
            [
                i.factor,
                f"{rbd[i.factor]:.2f}" if i.factor in rbd else "—",
                f"{i.s1:.2f} ± {i.s1_conf:.2f}",
                f"{i.st:.2f} ± {i.st_conf:.2f}",
            ]
            for i in idx
        ]
        table(
            f"{safe(c.id)}: {safe(c.metric)}; Sobol' with N = {base} ({len(idx)} factors, "
            f"{base * (len(idx) + 2):,} runs per scenario; correlations not imposed)",
            ["RBD-FAST S1", "Sobol' S1 (95 %)", "Sobol' ST (95 %)"],
            rows,
            first="parameter",
        )
        payload.append({"claim": c.id, "rbd_fast": rbd, "sobol": [i.to_dict() for i in idx]})
    write_json(json_path, {"seed": s, "base": base, "claims": payload})
