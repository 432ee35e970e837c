"""Validate the contest model's poll-to-result error model against the naive last poll.

Usage: ``.venv/bin/python bench/validate_contest.py [--out bench/results]``

Leave-one-election-year-out on FiveThirtyEight's races (the shipped table
``src/plowshare/data/contest_polls.csv``; no ../shared needed): for each election year,
the error model is refitted on every other year (``tools/build_contest_errors.py``, the
same equations as ``models/contest/forecast.py``) and forecasts the held-out year's top
two finishers from its polls. The naive baseline is the sceptic's: the candidate's share
among the listed candidates in the latest poll (undecided split in proportion), with a
band of constant width taken from the training years' errors and P(win) from a normal
on the margin with the training years' spread.

Scores, by race kind and overall: coverage of the 50/80/90 % bands, median width of the
90 % band (points), mean absolute error of the median (points), Brier score of P(the
first finisher beats the second) — in generals candidate 1 is the Democrat, so that is
P(Democrat wins); in primaries it is P(the eventual winner beats the runner-up) — and a
PIT histogram (CSV and a chart). Nothing is asserted: this reports.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import expit, ndtr, ndtri

REPO = Path(__file__).resolve().parent.parent


def _tool():
    spec = importlib.util.spec_from_file_location(
        "build_contest_errors", REPO / "tools" / "build_contest_errors.py"
    )
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


LEVELS = (0.5, 0.8, 0.9)


def naive(rows: pd.DataFrame) -> pd.DataFrame:
    """Latest poll's share among the listed candidates, per (race, candidate) group."""
    latest = rows[rows.days == rows.groupby("group").days.transform("min")]
    g = latest.groupby("group", sort=False)
    return pd.DataFrame(
        {
            "point": g.q.mean(),
            "actual": g.actual.first(),
            "kind": g.kind.first(),
            "year": g.year.first(),
            "race_id": g.race_id.first(),
        }
    )


def pairs(df: pd.DataFrame) -> pd.DataFrame:
    """Candidate 1 and 2 of each race side by side (from group keys 'race|1', 'race|2')."""
    c = df.copy()
    c["cand"] = [k.rsplit("|", 1)[1] for k in c.index]
    one, two = c[c.cand == "1"].set_index("race_id"), c[c.cand == "2"].set_index("race_id")
    return one.add_suffix("_1").join(two.add_suffix("_2"), how="inner")


def score_year(tool, rows: pd.DataFrame, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    train, test = rows[rows.year != year], rows[rows.year == year]
    coef = tool.unpack(tool.fit_errors(train))
    model = tool.forecast_race(coef, test)
    nv_train, nv = naive(train), naive(test)
    out = []
    for kind in ("primary", "general"):
        m = model[model.kind == kind]
        if m.empty:
            continue
        nt = nv_train[nv_train.kind == kind]
        resid = nt.actual - nt.point
        n = nv.loc[m.index]
        pt = pairs(nt)
        margin_sd = float(np.std((pt.actual_1 - pt.actual_2) - (pt.point_1 - pt.point_2)))
        rec = pd.DataFrame(index=m.index)
        rec["kind"], rec["year"], rec["actual"] = kind, year, m.actual
        rec["model_median"] = expit(m.mean_logit)
        rec["model_pit"] = ndtr((np.log(m.actual / (1 - m.actual)) - m.mean_logit) / m.sd_logit)
        rec["naive_point"] = n.point
        rec["naive_pit"] = np.searchsorted(np.sort(resid), m.actual - n.point) / len(resid)
        for lv in LEVELS:
            z = ndtri(0.5 + lv / 2)
            lo, hi = expit(m.mean_logit - z * m.sd_logit), expit(m.mean_logit + z * m.sd_logit)
            rec[f"model_in_{lv}"] = (m.actual >= lo) & (m.actual <= hi)
            rec[f"model_width_{lv}"] = hi - lo
            qlo, qhi = np.quantile(resid, [0.5 - lv / 2, 0.5 + lv / 2])
            rec[f"naive_in_{lv}"] = (m.actual >= n.point + qlo) & (m.actual <= n.point + qhi)
            rec[f"naive_width_{lv}"] = qhi - qlo
        rec["margin_sd"] = margin_sd
        rec["model_sd_share"] = rec.model_median * (1 - rec.model_median) * m.sd_logit
        rec["race_id"] = m.race_id
        out.append(rec)
    cand = pd.concat(out)
    # P(candidate 1 beats candidate 2): model from its two share distributions, naive from
    # the latest poll's margin and the training spread of margin errors
    pr = pairs(cand)
    mu = pr.model_median_1 - pr.model_median_2
    sd = np.sqrt(pr.model_sd_share_1**2 + pr.model_sd_share_2**2)
    races = pd.DataFrame(
        {
            "kind": pr.kind_1,
            "won": (pr.actual_1 > pr.actual_2).astype(float),
            "model_p": ndtr(mu / sd),
            "naive_p": ndtr((pr.naive_point_1 - pr.naive_point_2) / pr.margin_sd_1),
        }
    )
    return cand, races


def summarise(cand: pd.DataFrame, races: pd.DataFrame) -> list[dict]:
    rows = []
    for kind in ("primary", "general", "all"):
        c = cand if kind == "all" else cand[cand.kind == kind]
        r = races if kind == "all" else races[races.kind == kind]
        for who in ("model", "naive"):
            point = c.model_median if who == "model" else c.naive_point
            rows.append(
                {
                    "kind": kind,
                    "forecast": who,
                    "candidates": len(c),
                    "races": len(r),
                    **{
                        f"cover_{int(lv * 100)}": float(c[f"{who}_in_{lv}"].mean()) for lv in LEVELS
                    },
                    "median_width_90_pts": float(100 * c[f"{who}_width_0.9"].median()),
                    "mae_pts": float(100 * (point - c.actual).abs().mean()),
                    "brier": float(((r[f"{who}_p"] - r.won) ** 2).mean()),
                }
            )
    return rows


def chart(cand: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
    bins = np.linspace(0, 1, 11)
    for ax, kind in zip(axes, ("primary", "general"), strict=True):
        c = cand[cand.kind == kind]
        for who, colour in (("model", "#1f77b4"), ("naive", "#ff7f0e")):
            h, _ = np.histogram(c[f"{who}_pit"].clip(0, 1), bins=bins)
            ax.step(bins[:-1], h / len(c) * 10, where="post", color=colour, label=who)
        ax.axhline(1.0, color="grey", lw=0.8, ls="--")
        ax.set_title(f"{kind}: PIT of actual shares ({len(c):,} candidates)")
        ax.set_xlabel("probability integral transform (uniform = calibrated)")
    axes[0].set_ylabel("density")
    axes[0].legend()
    fig.text(
        0.01,
        0.01,
        "Source: FiveThirtyEight raw-polls (CC BY 4.0); leave-one-election-year-out. "
        "Flat at 1 = calibrated; U = bands too narrow; hump = too wide.",
        fontsize=7,
    )
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results")
    args = ap.parse_args(argv)
    tool = _tool()
    rows = tool.long_rows(pd.read_csv(tool.DATA / tool.POLLS))
    years = sorted(rows.year.unique())
    t0 = time.perf_counter()
    parts = [score_year(tool, rows, int(y)) for y in years]
    cand = pd.concat([p[0] for p in parts])
    races = pd.concat([p[1] for p in parts])
    table = summarise(cand, races)
    args.out.mkdir(parents=True, exist_ok=True)
    day = time.strftime("%Y-%m-%d")
    (args.out / f"validate-contest-{day}.json").write_text(json.dumps(table, indent=2) + "\n")
    pit = pd.DataFrame(
        {
            "bin_low": np.linspace(0, 0.9, 10),
            **{
                f"{who}_{kind}": np.histogram(
                    cand[cand.kind == kind][f"{who}_pit"].clip(0, 1), np.linspace(0, 1, 11)
                )[0]
                for who in ("model", "naive")
                for kind in ("primary", "general")
            },
        }
    )
    pit.to_csv(args.out / f"validate-contest-pit-{day}.csv", index=False)
    chart(cand, args.out / f"validate-contest-pit-{day}.png")
    print(pd.DataFrame(table).round(3).to_string(index=False))
    print(f"({len(years)} held-out years, {time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
