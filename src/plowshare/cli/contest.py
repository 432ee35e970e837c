"""`plowshare contest RACE` and `plowshare races`: one race through the engine (the same
path as `plowshare run` on a race scenario), with the equilibrium sweep on fewer draws."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
import xarray as xr
from rich.table import Table

from plowshare.core.bands import Band
from plowshare.core.scenario import Scenario, race_scenario
from plowshare.engine import api
from plowshare.engine.results import write_atomic
from plowshare.models.contest import load_race, shipped_races

from .common import FOOTER, SeedOpt, app, out, progress_bar, safe, slug
from .common import out_dir as check_out_dir


def pct(x: float) -> str:
    return f"{100 * x:.1f}"


def band_pct(x: np.ndarray) -> str:
    b = Band.of(x)
    return f"{pct(b.p50)} [{pct(b.p5)}, {pct(b.p95)}]"


def race_of(ds: xr.Dataset) -> Any:
    return load_race(json.loads(ds.attrs["inputs"])["contest"]["race"])


def print_race(ds: xr.Dataset, eq: xr.Dataset | None = None) -> None:
    """Shares with bands against the actual result, the attack curve, the money-proof
    margin and (when solved) the equilibrium as the attacker's prize grows."""
    race = race_of(ds)
    m = race.meta
    draws = ds.sizes["draw"]
    out.print(f"[bold]{safe(m.name)}[/bold] — {safe(m.description)}", highlight=False)
    t = Table(
        title=f"Vote shares, % (median \\[p5, p95], {draws:,} draws); win probability",
        title_justify="left",
        header_style="bold",
    )
    k = race.top_k
    above = f"P(≥ {pct(race.threshold)} %) %"
    cols = ("candidate", "share %", "P(win) %", f"P(top {k}) %", above, "actual %", "in 90 % band")
    for c in cols:
        t.add_column(c, justify="left" if c == "candidate" else "right")
    shares = ds["contest.shares"].values
    wins = ds["contest.wins"].values.mean(axis=0)
    top = ds["contest.top_k"].values.mean(axis=0)
    over = ds["contest.above_threshold"].values.mean(axis=0)
    for i, name in enumerate(race.names):
        actual = m.actual_result.get(name)
        lo, hi = np.quantile(shares[:, i], [0.05, 0.95])
        inside = "" if actual is None else ("yes" if lo <= actual <= hi else "NO")
        bucket = bool(race.bucket[i])
        t.add_row(
            safe(name) + (" (bucket: cannot win)" if bucket else ""),
            band_pct(shares[:, i]),
            "" if bucket else pct(wins[i]),
            "" if bucket else pct(top[i]),
            pct(over[i]),
            "" if actual is None else pct(actual),
            inside,
        )
    out.print(t)
    target = safe(m.target)
    curve = Table(
        title=f"Attack spending against {target}: P({target} wins) and share "
        "(the attacker's weekly pattern, other spending as in the race)",
        title_justify="left",
        header_style="bold",
    )
    for col in ("attack $M", f"P({target} wins) %", f"{target} share %"):
        curve.add_column(col, justify="right")
    win, share = ds["contest.curve_win_probability"].values, ds["contest.curve_share"].values
    for j, lvl in enumerate(ds["attack_level"].values):
        curve.add_row(f"{lvl / 1e6:,.0f}", pct(float(win[:, j].mean())), band_pct(share[:, j]))
    out.print(curve)
    mp = Band.of(ds["contest.money_proof_margin"].values)
    out.print(
        f"Money-proof margin: a lead over the strongest rival of {pct(mp.p50)} points "
        f"[{pct(mp.p5)}, {pct(mp.p95)}] cannot be overturned on average by any amount "
        "of attack spending (saturation ceiling after backlash).",
        highlight=False,
        markup=False,
    )
    if eq is not None:
        print_equilibrium(eq)


def print_equilibrium(eq: xr.Dataset) -> None:
    e = Table(
        title=f"Equilibrium as the attacker's prize grows ({eq.sizes['draw']:,} "
        "draws): saturating race vs the classic Tullock contest",
        title_justify="left",
        header_style="bold",
    )
    cols = (
        ("prize $M", None),
        ("attacker $M", "eq_attacker_usd"),
        ("defender $M", "eq_defender_usd"),
        ("P(attacker wins) %", "eq_attacker_win_probability"),
        ("Tullock: attacker $M", "tullock_attacker_usd"),
        ("Tullock P %", "tullock_attacker_win_probability"),
    )
    for c, _ in cols:
        e.add_column(c, justify="right")
    for j, v in enumerate(eq["prize"].values):
        cells = [f"{v / 1e6:,.0f}"]
        for _, var in cols[1:]:
            x = eq[f"contest.{var}"].values[:, j]
            cells.append(
                pct(float(x.mean())) if "probability" in var else f"{np.median(x) / 1e6:,.2f}"
            )
        e.add_row(*cells)
    out.print(e)


def export_contest(ds: xr.Dataset, eq: xr.Dataset | None, out_dir: Path) -> list[Path]:
    race = race_of(ds)
    shares = ds["contest.shares"].values
    wins = ds["contest.wins"].values.mean(axis=0)
    win = ds["contest.curve_win_probability"].values
    doc: dict[str, Any] = {
        "race": race.meta.name,
        "draws": ds.sizes["draw"],
        "seed": ds.attrs["seed"],
        "candidates": {
            n: {
                "share_p5_p50_p95": np.quantile(shares[:, i], [0.05, 0.5, 0.95]).tolist(),
                "win_probability": float(wins[i]),
                "top_k_probability": float(ds["contest.top_k"].values[:, i].mean()),
                "above_threshold_probability": float(
                    ds["contest.above_threshold"].values[:, i].mean()
                ),
            }
            for i, n in enumerate(race.names)
        },
        "response_curve": [
            {"attack_usd": float(lvl), "target_win_probability": float(win[:, j].mean())}
            for j, lvl in enumerate(ds["attack_level"].values)
        ],
        "money_proof_margin_p5_p50_p95": np.quantile(
            ds["contest.money_proof_margin"].values, [0.05, 0.5, 0.95]
        ).tolist(),
    }
    if eq is not None:
        doc["equilibrium"] = [
            {
                "prize_usd": float(v),
                "attacker_usd_median": float(np.median(eq["contest.eq_attacker_usd"][:, j])),
                "defender_usd_median": float(np.median(eq["contest.eq_defender_usd"][:, j])),
                "attacker_win_probability": float(
                    eq["contest.eq_attacker_win_probability"][:, j].mean()
                ),
            }
            for j, v in enumerate(eq["prize"].values)
        ]
    path = out_dir / f"contest-{slug(Path(race.path).stem)}.json"
    write_atomic(path, lambda t: t.write_text(json.dumps(doc, indent=2)))
    return [path]


def run_contest(
    sc: Scenario, draws: int, seed: int | None, eq_draws: int
) -> tuple[xr.Dataset, xr.Dataset | None]:
    """The race on ``draws`` draws, and the equilibrium sweep on its own ``eq_draws``."""
    ds = api.run(sc, draws=draws, seed=seed)
    eq = None
    if eq_draws > 0:
        eq = api.run(sc.with_inputs("contest", equilibrium=True), draws=eq_draws, seed=seed)
    return ds, eq


@app.command()
def contest(
    race: Annotated[str, typer.Argument(help="A race file or a shipped race (e.g. ny12-2026).")],
    draws: Annotated[
        int, typer.Option("--draws", "-n", min=1, max=1_000_000, help="Monte Carlo draws.")
    ] = 4000,
    seed: SeedOpt = None,
    equilibrium_draws: Annotated[
        int,
        typer.Option(min=0, max=100_000, help="Draws for the equilibrium sweep (slow; 0 skips)."),
    ] = 200,
    out_dir: Annotated[Path | None, typer.Option("--out", "-o", help="Write JSON here.")] = None,
) -> None:
    """Campaign money in one race: shares, win odds, attack response, equilibrium.

    A shortcut for `plowshare run` on a scenario with `[inputs] contest.race = RACE`."""
    out_dir = check_out_dir(out_dir)
    sc = race_scenario(race)
    with progress_bar(f"contest: {draws:,} draws", enabled=True):
        ds, eq = run_contest(sc, draws, seed, equilibrium_draws)
    print_race(ds, eq)
    out.print(FOOTER)
    if out_dir is not None:
        for path in export_contest(ds, eq, out_dir):
            out.print(f"wrote {safe(path)}", highlight=False)


@app.command()
def races() -> None:
    """List the race files shipped with plowshare."""
    t = Table(header_style="bold")
    t.add_column("name")
    t.add_column("race")
    for name, path in shipped_races().items():
        t.add_row(safe(name), safe(load_race(path).meta.name))
    out.print(t)


__all__ = ["print_race"]
