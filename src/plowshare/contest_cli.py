"""`plowshare contest RACE`: outcome bands, the response curve, equilibrium and the
money-proof margin for one race file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from .core.params import default_registry
from .core.results import write_atomic
from .core.sampling import sample
from .models.contest import RaceResult, load_race, run_race
from .tables import Band


def pct(x: float) -> str:
    return f"{100 * x:.1f}"


def band_pct(x: np.ndarray) -> str:
    b = Band.of(x)
    return f"{pct(b.p50)} [{pct(b.p5)}, {pct(b.p95)}]"


def run_contest(ref: str, draws: int, seed: int, eq_draws: int) -> tuple[RaceResult, Any]:
    race = load_race(ref)
    reg = default_registry()
    params = sample(reg.for_model("contest"), draws, seed)
    result = run_race(params, race, seed, solve_equilibrium=False)
    sub = {k: v[: min(eq_draws, draws)] for k, v in params.items()}
    eq_result = run_race(sub, race, seed, solve_equilibrium=True) if eq_draws > 0 else None
    return result, eq_result


def print_contest(out: Console, r: RaceResult, eq: RaceResult | None, draws: int) -> None:
    race = r.race
    m = race.meta
    out.print(f"[bold]{m.name}[/bold] — {m.description}", highlight=False)
    t = Table(
        title=f"Vote shares, % (median \\[p5, p95], {draws:,} draws); win probability",
        title_justify="left",
        header_style="bold",
    )
    for c in ("candidate", "share %", "P(win) %", "actual %", "in 90 % band"):
        t.add_column(c, justify="left" if c == "candidate" else "right")
    for i, name in enumerate(race.names):
        actual = m.actual_result.get(name)
        lo, hi = np.quantile(r.shares[:, i], [0.05, 0.95])
        inside = "" if actual is None else ("yes" if lo <= actual <= hi else "NO")
        t.add_row(
            name,
            band_pct(r.shares[:, i]),
            pct(r.win_prob[i]),
            "" if actual is None else pct(actual),
            inside,
        )
    out.print(t)
    curve = Table(
        title=f"Attack spending against {m.target}: P({m.target} wins) and share "
        "(the attacker's weekly pattern, other spending as in the race)",
        title_justify="left",
        header_style="bold",
    )
    for col in ("attack $M", f"P({m.target} wins) %", f"{m.target} share %"):
        curve.add_column(col, justify="right")
    for j, lvl in enumerate(r.curve_levels):
        curve.add_row(
            f"{lvl / 1e6:,.0f}", pct(float(r.curve_win[:, j].mean())), band_pct(r.curve_share[:, j])
        )
    out.print(curve)
    mp = Band.of(r.money_proof)
    out.print(
        f"Money-proof margin: a lead over the strongest rival of {pct(mp.p50)} points "
        f"[{pct(mp.p5)}, {pct(mp.p95)}] cannot be overturned on average by any amount "
        "of attack spending (saturation ceiling after backlash).",
        highlight=False,
    )
    if eq is not None and eq.equilibrium:
        s = eq.equilibrium
        e = Table(
            title=f"Equilibrium as the attacker's prize grows ({len(eq.money_proof):,} "
            "draws): saturating race vs the classic Tullock contest",
            title_justify="left",
            header_style="bold",
        )
        for col in (
            "prize $M",
            "attacker $M",
            "defender $M",
            "P(attacker wins) %",
            "Tullock: attacker $M",
            "Tullock P %",
        ):
            e.add_column(col, justify="right")
        for j, v in enumerate(s["prizes"]):
            e.add_row(
                f"{v / 1e6:,.0f}",
                f"{np.median(s['x_attacker'][:, j]) / 1e6:,.2f}",
                f"{np.median(s['x_defender'][:, j]) / 1e6:,.2f}",
                pct(float(s["p_attacker"][:, j].mean())),
                f"{np.median(s['tullock_x_attacker'][:, j]) / 1e6:,.2f}",
                pct(float(s["tullock_p_attacker"][:, j].mean())),
            )
        out.print(e)
    out.print(
        "[dim]Explores consequences of stated assumptions; not a forecast. "
        "`plowshare params contest` lists every assumption and its source.[/dim]"
    )


def export_contest(r: RaceResult, eq: RaceResult | None, out_dir: Path) -> list[Path]:
    race = r.race
    doc: dict[str, Any] = {
        "race": race.meta.name,
        "candidates": {
            n: {
                "share_p5_p50_p95": np.quantile(r.shares[:, i], [0.05, 0.5, 0.95]).tolist(),
                "win_probability": float(r.win_prob[i]),
            }
            for i, n in enumerate(race.names)
        },
        "response_curve": [
            {"attack_usd": float(lvl), "target_win_probability": float(r.curve_win[:, j].mean())}
            for j, lvl in enumerate(r.curve_levels)
        ],
        "money_proof_margin_p5_p50_p95": np.quantile(r.money_proof, [0.05, 0.5, 0.95]).tolist(),
    }
    if eq is not None and eq.equilibrium:
        s = eq.equilibrium
        doc["equilibrium"] = [
            {
                "prize_usd": float(v),
                "attacker_usd_median": float(np.median(s["x_attacker"][:, j])),
                "defender_usd_median": float(np.median(s["x_defender"][:, j])),
                "attacker_win_probability": float(s["p_attacker"][:, j].mean()),
            }
            for j, v in enumerate(s["prizes"])
        ]
    path = out_dir / f"contest-{Path(race.path).stem}.json"
    write_atomic(path, lambda t: t.write_text(json.dumps(doc, indent=2)))
    return [path]
