"""Build the contest model's poll tables from FiveThirtyEight's data and fit its error model.

Usage::

    .venv/bin/python tools/build_contest_errors.py [--raw ../shared/data/raw] [--boot 200]

Two steps:

1. **Tables** (``src/plowshare/data/contest_polls.csv``, ``contest_primary_candidates.csv``):
   selected columns of 538's ``raw-polls.csv`` (every poll question in the final 21 days,
   with the top two finishers' poll and actual shares) and of the 2018/2022 primary
   candidates files (incumbency, party and group endorsements, vote share), numbers only.
2. **Fit** (printed as the ``derived`` values in ``models/contest/params.toml``):

   * the poll-to-result error on the logit scale, by maximum likelihood with a race-level
     random effect integrated out analytically (a one-way random-effects model, i.e. an
     empirical-Bayes hierarchical model), separately for presidential primaries and for
     general elections, with the parameters' uncertainty from a race-clustered bootstrap;
   * the prior for races without polls: log vote shares within a primary on incumbency and
     endorsements (within-race least squares; residual spread by the same bootstrap).

Why maximum likelihood and not a full Bayesian hierarchy: the only latent quantity is one
error per race and candidate, which integrates out in closed form (compound-symmetric
covariance, Sherman-Morrison), so the marginal likelihood is exact and fits in about a
second; a race-clustered bootstrap then carries the dependence between polls of one race
into the standard errors without an MCMC dependency. Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize
from scipy.special import expit, logit

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "src" / "plowshare" / "data"
RAW = REPO.parent / "shared" / "data" / "raw"
POLLS = "contest_polls.csv"
CANDIDATES = "contest_primary_candidates.csv"
KINDS = ("primary", "general")
# parameter names of the error fit, per kind (log_ for positive scales); the house effect is
# shared and identified by the generals' sponsored polls
ERROR_NAMES = ("bias", "slope", "log_race_sd", "field", "log_poll_sd", "log_drift")
PRIOR_NAMES = ("incumbent", "party_endorsed", "group_endorsed", "log_resid_sd")


# ---------------------------------------------------------------------------- tables
def build_polls(raw: Path) -> pd.DataFrame:
    d = pd.read_csv(raw / "fivethirtyeight" / "pollster-ratings_2023_raw-polls.csv")
    days = (pd.to_datetime(d.electiondate) - pd.to_datetime(d.polldate)).dt.days
    general = d.type_simple != "Pres-P"
    # sponsor: +1 if the poll was put out by candidate 1's party, -1 by candidate 2's
    # (generals: candidate 1 is the Democrat); 0 for independent polls and all primaries
    fav = np.where(
        general & (d.partisan == "D") & (d.cand1_party == "DEM"),
        1,
        np.where(general & (d.partisan == "R") & (d.cand2_party == "REP"), -1, 0),
    )
    fav = np.where(general & (d.partisan == "R") & (d.cand1_party == "REP"), 1, fav)
    fav = np.where(general & (d.partisan == "D") & (d.cand2_party == "DEM"), -1, fav)
    out = pd.DataFrame(
        {
            "race_id": d.race_id,
            "year": d.year,
            "kind": np.where(general, "general", "primary"),
            "days": days,
            "sample_size": d.samplesize.round().astype(int),
            "sponsor_favours": fav,
            "cand1_poll": d.cand1_pct,
            "cand2_poll": d.cand2_pct,
            "cand3_poll": d.cand3_pct.fillna(0.0),
            "cand1_actual": d.cand1_actual,
            "cand2_actual": d.cand2_actual,
        }
    )
    return out.sort_values(["race_id", "days", "cand1_poll"], kind="stable").reset_index(drop=True)


def _yes(s: pd.Series) -> pd.Series:
    return s.astype(str).str.strip().str.startswith("Yes")


def build_candidates(raw: Path) -> pd.DataFrame:
    root = raw / "fivethirtyeight"
    frames = []
    for year, party, name in [
        (2018, "D", "primary-candidates-2018_dem_candidates.csv"),
        (2018, "R", "primary-candidates-2018_rep_candidates.csv"),
        (2022, "D", "primary-project-2022_dem_candidates.csv"),
        (2022, "R", "primary-project-2022_rep_candidates.csv"),
    ]:
        d = pd.read_csv(root / name, encoding="latin-1")
        if year == 2018:
            party_col = "Party Support?" if party == "D" else "Rep Party Support?"
            groups = [c for c in d.columns if c.strip().endswith("Endorsed?")]
            race = d.State + "|" + d.District.astype(str)
            share = pd.to_numeric(d["Primary %"], errors="coerce") / 100.0
            incumbent = pd.Series(0, index=d.index)  # 2018 files: open primaries only
        else:
            party_col = "Party Committee"
            skip = {"Party Committee", "Trump Date", "2020 Election Stance"}
            first = list(d.columns).index("Runoff Outcome") + 1
            groups = [c for c in d.columns[first:] if c not in skip]
            race = d.State + "|" + d.Office + "|" + d.District.astype(str)
            share = pd.to_numeric(d["Primary %"].str.rstrip("%"), errors="coerce") / 100.0
            incumbent = (d.Incumbent == "Yes").astype(int)
        frames.append(
            pd.DataFrame(
                {
                    "race": f"{year}|{party}|" + race,
                    "incumbent": incumbent,
                    "party_endorsed": _yes(d[party_col]).astype(int),
                    "group_endorsed": d[groups].apply(_yes).any(axis=1).astype(int),
                    "share": share.round(4),
                }
            )
        )
    c = pd.concat(frames, ignore_index=True)
    c = c[(c.share > 0) & c.share.notna()]
    sizes = c.groupby("race").share.transform("size")
    c = c[sizes >= 2]  # contested primaries only
    return c.sort_values(["race", "share"], ascending=[True, False], kind="stable").reset_index(
        drop=True
    )


# ---------------------------------------------------------------------------- error model
def long_rows(polls: pd.DataFrame) -> pd.DataFrame:
    """One row per poll question and top-two finisher: the forecast inputs and the target.

    The poll share is the candidate's share of the listed candidates (the top two
    finishers and the best other): undecided and unlisted respondents split in proportion.
    """
    listed = polls.cand1_poll + polls.cand2_poll + polls.cand3_poll
    shares = (
        np.column_stack([polls.cand1_poll, polls.cand2_poll, polls.cand3_poll])
        / listed.values[:, None]
    )
    k_eff = 1.0 / (shares**2).sum(axis=1)
    rows = []
    for c in (1, 2):
        q = np.clip(polls[f"cand{c}_poll"] / listed, 0.005, 0.995)
        p_raw = np.clip(polls[f"cand{c}_poll"] / 100.0, 0.005, 0.995)
        rows.append(
            pd.DataFrame(
                {
                    "group": polls.race_id.astype(str) + f"|{c}",
                    "race_id": polls.race_id,
                    "year": polls.year,
                    "kind": polls.kind,
                    "days": polls.days.astype(float),
                    "fav": polls.sponsor_favours * (1 if c == 1 else -1),
                    "q": q,
                    "sampling_var": 1.0 / (polls.sample_size * p_raw * (1 - p_raw)),
                    "k_eff": k_eff,
                    "actual": np.clip(polls[f"cand{c}_actual"] / 100.0, 0.002, 0.998),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def unpack(theta: np.ndarray) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for j, kind in enumerate(KINDS):
        out[kind] = dict(zip(ERROR_NAMES, theta[6 * j : 6 * j + 6], strict=True))
    out["house"] = {"house": float(theta[12])}
    return out


def neg_loglik(theta: np.ndarray, rows: pd.DataFrame, arr: dict[str, np.ndarray]) -> float:
    """Negative log-likelihood of a measurement model, per (race, candidate) group g:

    * polls: logit(q_j) - house fav_j = theta_g + u_j, u_j ~ N(0, v_j),
      v_j = poll_sd^2 + drift^2 days_j + sampling_var_j;
    * result: logit(actual_g) = bias + (1 + slope) theta_g + e_g,
      e_g ~ N(0, race_sd^2 exp(2 field (k_eff - 2))).

    With a flat prior on theta_g it integrates out: the polls' scatter around their
    inverse-variance mean (restricted likelihood) identifies v_j and the house effect; the
    result given that mean is normal with variance race_var + (1 + slope)^2 / sum(1 / v_j).
    """
    total = 0.0
    house = theta[12]
    for j, kind in enumerate(KINDS):
        m = arr[f"mask_{kind}"]
        bias, slope, lrs, field, lps, ldr = theta[6 * j : 6 * j + 6]
        lq = arr["lq"][m] - house * arr["fav"][m]
        v = np.exp(2 * lps) + np.exp(2 * ldr) * arr["days"][m] + arr["sv"][m]
        g = arr["gid"][m]
        ng = int(g.max()) + 1
        a = np.bincount(g, 1.0 / v, ng)
        b = np.bincount(g, lq / v, ng)
        c = np.bincount(g, lq * lq / v, ng)
        logv = np.bincount(g, np.log(v), ng)
        present = a > 0
        a, b, c, logv = a[present], b[present], c[present], logv[present]
        theta_g = b / a
        polls = 0.5 * float(np.sum(c - b * b / a + logv + np.log(a)))
        ya, kg = arr["ya"][m][arr["first"][m]], arr["kg"][m][arr["first"][m]]
        var = np.exp(2 * lrs) * np.exp(2 * field * (kg - 2.0)) + (1 + slope) ** 2 / a
        r = ya - bias - (1 + slope) * theta_g
        total += polls + 0.5 * float(np.sum(r * r / var + np.log(var)))
    return total


def prepare(rows: pd.DataFrame) -> dict[str, np.ndarray]:
    arr: dict[str, np.ndarray] = {
        "y": (logit(rows.actual) - logit(rows.q)).to_numpy(),
        "lq": logit(rows.q).to_numpy(),
        "fav": rows.fav.to_numpy(dtype=float),
        "days": rows.days.to_numpy(),
        "sv": rows.sampling_var.to_numpy(),
    }
    for kind in KINDS:
        arr[f"mask_{kind}"] = (rows.kind == kind).to_numpy()
    gid = np.zeros(len(rows), dtype=np.int64)
    for kind in KINDS:
        m = arr[f"mask_{kind}"]
        gid[m] = pd.factorize(rows.group[m])[0]
    arr["gid"] = gid
    arr["kg"] = rows.groupby("group").k_eff.transform("mean").to_numpy()
    arr["ya"] = logit(rows.actual).to_numpy()
    arr["cand"] = rows.group.str.endswith("|2").to_numpy().astype(np.int64)
    # one row per group, in group-id order within each kind (for the result's likelihood)
    first = np.zeros(len(rows), dtype=bool)
    for kind in KINDS:
        m = np.flatnonzero(arr[f"mask_{kind}"])
        _, pos = np.unique(gid[m], return_index=True)
        first[m[pos]] = True
    arr["first"] = first
    return arr


START = np.array([0.1, 0.0, np.log(0.2), 0.0, np.log(0.1), np.log(0.01)] * 2 + [0.0])


def fit_errors(rows: pd.DataFrame, start: np.ndarray | None = None) -> np.ndarray:
    arr = prepare(rows)
    res = optimize.minimize(
        neg_loglik,
        START if start is None else start,
        args=(rows, arr),
        method="L-BFGS-B",
        options={"maxiter": 2000, "ftol": 1e-12, "gtol": 1e-8},
    )
    return np.asarray(res.x)


def resample(
    arr: dict[str, np.ndarray], races: np.ndarray, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """One race-clustered bootstrap sample of the prepared arrays: races drawn with
    replacement within each kind; each draw of a race becomes its own groups."""
    parts, gids = [], []
    for kind in KINDS:
        m = arr[f"mask_{kind}"]
        ids = np.unique(races[m])
        pick = rng.choice(ids, size=len(ids), replace=True)
        rows_of = {r: np.flatnonzero(m & (races == r)) for r in np.unique(pick)}
        for n, r in enumerate(pick):
            idx = rows_of[r]
            parts.append(idx)
            gids.append(arr["cand"][idx] + 2 * n)
    idx = np.concatenate(parts)
    out = {k: v[idx] for k, v in arr.items()}
    out["gid"] = np.concatenate(gids)
    first = np.zeros(len(idx), dtype=bool)
    for kind in KINDS:
        mm = np.flatnonzero(out[f"mask_{kind}"])
        _, pos = np.unique(out["gid"][mm], return_index=True)
        first[mm[pos]] = True
    out["first"] = first
    return out


def bootstrap(rows: pd.DataFrame, fit: np.ndarray, reps: int, seed: int) -> np.ndarray:
    """Race-clustered bootstrap of the error fit, started from the point estimate."""
    rng = np.random.default_rng(seed)
    arr = prepare(rows)
    races = rows.race_id.to_numpy()
    out = []
    for _ in range(reps):
        b = resample(arr, races, rng)
        res = optimize.minimize(neg_loglik, fit, args=(rows, b), method="L-BFGS-B")
        out.append(res.x)
    return np.array(out)


# ---------------------------------------------------------------------------- prior
def _prior_lstsq(x: np.ndarray, y: np.ndarray, g: np.ndarray) -> np.ndarray:
    n = np.bincount(g)
    keep = n > 0
    xd = (
        x
        - (np.stack([np.bincount(g, x[:, j]) for j in range(3)], 1) / np.maximum(n, 1)[:, None])[g]
    )
    yd = y - (np.bincount(g, y) / np.maximum(n, 1))[g]
    beta, *_ = np.linalg.lstsq(xd, yd, rcond=None)
    resid = yd - xd @ beta
    dof = len(y) - int(keep.sum()) - 3
    return np.append(beta, np.log(np.sqrt(resid @ resid / dof)))


def fit_prior(c: pd.DataFrame) -> np.ndarray:
    """Within-race least squares of log share on incumbency, party and group endorsement
    (race fixed effects: only differences within a primary count); residual log sd last."""
    x = c[["incumbent", "party_endorsed", "group_endorsed"]].to_numpy(dtype=float)
    return _prior_lstsq(x, np.log(c.share.to_numpy()), pd.factorize(c.race)[0])


def bootstrap_prior(c: pd.DataFrame, reps: int, seed: int) -> np.ndarray:
    """Races resampled with replacement; each draw of a race its own fixed effect."""
    rng = np.random.default_rng(seed)
    x = c[["incumbent", "party_endorsed", "group_endorsed"]].to_numpy(dtype=float)
    y = np.log(c.share.to_numpy())
    g = pd.factorize(c.race)[0]
    members = [np.flatnonzero(g == r) for r in range(g.max() + 1)]
    out = []
    for _ in range(reps):
        pick = rng.integers(0, len(members), len(members))
        idx = np.concatenate([members[r] for r in pick])
        gb = np.concatenate([np.full(len(members[r]), n) for n, r in enumerate(pick)])
        out.append(_prior_lstsq(x[idx], y[idx], gb))
    return np.array(out)


# ---------------------------------------------------------------------------- forecasts
def forecast_race(coef: dict[str, dict[str, float]], rows: pd.DataFrame) -> pd.DataFrame:
    """The model's forecast for each (race, candidate) group: the logit mean and sd of the
    actual share from the inverse-variance (hence recency-) weighted poll average."""
    out = []
    h = coef["house"]["house"]
    for kind in KINDS:
        k = coef[kind]
        sub = rows[rows.kind == kind]
        lq = logit(sub.q) - h * sub.fav  # polls corrected for their sponsor's house effect
        v = np.exp(2 * k["log_poll_sd"]) + np.exp(2 * k["log_drift"]) * sub.days + sub.sampling_var
        w = 1.0 / v
        df = pd.DataFrame(
            {"group": sub.group, "w": w, "wl": w * lq, "wd": w * sub.days, "k": sub.k_eff}
        )
        agg = df.groupby("group", sort=False).agg(
            w=("w", "sum"), wl=("wl", "sum"), wd=("wd", "sum"), k=("k", "mean")
        )
        first = sub.groupby("group", sort=False).first()
        avg = agg.wl / agg.w
        mean = k["bias"] + (1 + k["slope"]) * avg
        race_var = np.exp(2 * k["log_race_sd"]) * np.exp(2 * k["field"] * (agg.k - 2.0))
        # the drift since the polls is shared by all of them (models/contest/forecast.py)
        age = agg.wd / agg.w
        drift = np.exp(2 * k["log_drift"]) * age
        sd = np.sqrt(race_var + (1 + k["slope"]) ** 2 * (1 / agg.w + drift))
        out.append(
            pd.DataFrame(
                {
                    "mean_logit": mean,
                    "sd_logit": sd,
                    "actual": first.actual,
                    "year": first.year,
                    "kind": kind,
                    "race_id": first.race_id,
                }
            )
        )
    return pd.concat(out)


def median_share(mean_logit: np.ndarray) -> np.ndarray:
    return np.asarray(expit(mean_logit))


# ---------------------------------------------------------------------------- main
def build_tables(raw: Path, out: Path) -> dict[str, int]:
    if not (raw / "fivethirtyeight").is_dir():
        print(f"error: raw data folder not found: {raw / 'fivethirtyeight'}", file=sys.stderr)
        raise SystemExit(2)
    out.mkdir(parents=True, exist_ok=True)
    polls, cands = build_polls(raw), build_candidates(raw)
    polls.to_csv(out / POLLS, index=False, float_format="%.6g", lineterminator="\n")
    cands.to_csv(out / CANDIDATES, index=False, float_format="%.6g", lineterminator="\n")
    return {POLLS: len(polls), CANDIDATES: len(cands)}


def fit_all(data: Path, reps: int, seed: int = 20261201) -> dict[str, tuple[float, float]]:
    """Point estimates and bootstrap standard errors, name -> (estimate, se)."""
    rows = long_rows(pd.read_csv(data / POLLS))
    theta = fit_errors(rows)
    est: dict[str, tuple[float, float]] = {}
    boot = bootstrap(rows, theta, reps, seed) if reps else np.full((1, len(theta)), np.nan)
    for i, (kind, name) in enumerate(
        [(k, n) for k in KINDS for n in ERROR_NAMES] + [("", "house")]
    ):
        key = f"{kind}_{name}" if kind else name
        est[key] = (float(theta[i]), float(np.std(boot[:, i], ddof=1)) if reps else np.nan)
    cands = pd.read_csv(data / CANDIDATES)
    beta = fit_prior(cands)
    pboot = bootstrap_prior(cands, reps, seed) if reps else np.full((1, 4), np.nan)
    for i, name in enumerate(PRIOR_NAMES):
        est[f"prior_{name}"] = (
            float(beta[i]),
            float(np.std(pboot[:, i], ddof=1)) if reps else np.nan,
        )
    return est


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw", type=Path, default=RAW)
    ap.add_argument("--out", type=Path, default=DATA)
    ap.add_argument("--boot", type=int, default=200, help="bootstrap replicates (0: none)")
    args = ap.parse_args(argv)
    counts = build_tables(args.raw, args.out)
    for name, n in counts.items():
        print(f"wrote {args.out / name} ({n} rows)")
    for key, (v, se) in fit_all(args.out, args.boot).items():
        print(f"{key:28s} {v: .5f}  (se {se:.5f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
