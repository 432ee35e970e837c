"""Contest v2: the fitted poll-to-result model, race format v2, the money claim, the fit."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from plowshare.core.errors import InputError
from plowshare.core.params import default_registry
from plowshare.core.sampling import sample
from plowshare.models.contest import equilibrium as eq
from plowshare.models.contest import forecast, load_race, run_race
from plowshare.models.contest.run import race_uniforms

REPO = Path(__file__).resolve().parents[2]
RAW = REPO.parent / "shared" / "data" / "raw"
DATA = REPO / "src" / "plowshare" / "data"
needs_raw = pytest.mark.skipif(not RAW.is_dir(), reason=f"raw data folder absent: {RAW}")


def tool():
    spec = importlib.util.spec_from_file_location(
        "build_contest_errors", REPO / "tools" / "build_contest_errors.py"
    )
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def params(n=400, seed=1, **fixed):
    p = sample(default_registry().for_model("contest"), n, seed)
    for k, v in fixed.items():
        p[f"contest.{k}"] = np.full(n, float(v))
    return p


def race_file(tmp_path: Path, edit) -> Path:
    text = Path(load_race("ny12-2026").path).read_text()
    path = tmp_path / "race.toml"
    path.write_text(edit(text))
    return path


# ---- the fitted error model -------------------------------------------------------------


def test_errors_scale_with_share(tmp_path):
    """On the logit scale a candidate polled at 2 % moves far less than one at 35 %."""
    race = load_race("ny12-2026")
    p = forecast.with_race_draws(params(200), race, race_uniforms(race, 200, 1))
    r = run_race(p, race, 1, solve_equilibrium=False)
    others = race.names.index("Others")  # polled at 5 %
    schlossberg = race.names.index("Jack Schlossberg")
    width = np.quantile(r.shares, 0.95, axis=0) - np.quantile(r.shares, 0.05, axis=0)
    assert width[others] < 0.5 * width[schlossberg]


def test_a_sponsors_poll_is_corrected_against_its_candidate():
    race = load_race("ny12-2026")
    p = params(50)
    fav = race.__class__(**{**race.__dict__, "poll_fav": np.zeros_like(race.poll_fav)})
    t = race.target
    with_house = forecast.poll_forecast(p, race)[0][:, t]
    without = forecast.poll_forecast(p, fav)[0][:, t]
    # one poll favours Bores, one opposes him: the corrections almost cancel (the weights
    # differ only through the sampling error of his two shares)
    np.testing.assert_allclose(with_house, without, atol=5e-3)
    only_fav = race.poll_fav.copy()
    only_fav[only_fav < 0] = 0.0
    pro = race.__class__(**{**race.__dict__, "poll_fav": only_fav})
    assert (forecast.poll_forecast(p, pro)[0][:, t] < without).all()


def test_older_polls_count_less():
    """The recency weighting: a poll 100 days out moves the average less than a fresh one."""
    race = load_race("progressive-challenger")
    two = np.vstack([race.polls, race.polls[::-1] * 0 + [0.40, 0.20, 0.06]])
    p = params(20)

    def with_days(days):
        r = race.__class__(
            **{
                **race.__dict__,
                "polls": two,
                "poll_present": np.ones_like(two),
                "poll_days": np.array(days, float),
                "poll_n": np.array([600.0, 600.0]),
                "poll_fav": np.zeros_like(two),
            }
        )
        return forecast.poll_forecast(p, r)[0][:, 0]

    fresh_new, old_new = with_days([90, 2]), with_days([2, 90])
    assert (fresh_new > old_new).all()  # the second poll (Challenger 40 %) counts more when new


# ---- race format v2 ---------------------------------------------------------------------


def test_others_bucket_never_wins():
    race = load_race("ny12-2026")
    r = run_race(params(2000), race, 3, solve_equilibrium=False)
    assert race.bucket[race.names.index("Others")]
    assert r.win_prob[race.names.index("Others")] == 0.0


def test_race_without_polls_uses_the_prior(tmp_path):
    def edit(text):
        head, _, rest = text.partition("[[polls]]")
        tail = rest[rest.index("# Endorsements.") :]
        text = head + tail
        text = text.replace(
            'endorser = "Michael Bloomberg"', 'endorser = "Michael Bloomberg"\nkind = "group"'
        )
        return text.replace('name = "Micah Lasher"', 'name = "Micah Lasher"\nincumbent = true')

    race = load_race(race_file(tmp_path, edit))
    assert not race.has_polls
    r = run_race(params(1000), race, 2, solve_equilibrium=False)
    lasher = race.names.index("Micah Lasher")
    assert r.win_prob[lasher] == r.win_prob.max() > 0.5


def test_combined_stream_is_split(tmp_path):
    def edit(text):
        return text.replace(
            'stance = "support"\nbuyer = "outside"\namount_usd = 5000000.0',
            'stance = "combined"\nattacks = "Alex Bores"\nsupport_share = 0.6\n'
            'buyer = "outside"\namount_usd = 5000000.0',
        )

    race = load_race(race_file(tmp_path, edit))
    base = load_race("ny12-2026")
    assert len(race.amount) == len(base.amount) + 1
    assert race.amount.sum() == pytest.approx(base.amount.sum())
    attack = [s for s in race.streams if s.group.endswith("(attack part)")]
    assert attack[0].candidate == "Alex Bores" and attack[0].amount_usd == pytest.approx(2e6)


@pytest.mark.parametrize(
    ("old", "new", "pattern"),
    [
        ("weeks_before = [28, 15]", "weeks_before = [40, 15]", "models only the last 30 weeks"),
        ('stance = "attack"', 'stance = "combined"', "combined stream needs"),
        ('favours = "Alex Bores"', 'favours = "Alex Boers"', "did you mean 'Alex Bores'"),
        ("bucket = true", "bucket = 1", "bucket"),
        ("high = 190000.0", "high = 90000.0", "race.turnout"),
    ],
)
def test_bad_v2_fields_are_refused(tmp_path, old, new, pattern):
    path = race_file(tmp_path, lambda t: t.replace(old, new, 1))
    with pytest.raises(InputError, match=pattern):
        load_race(path)


def test_lower_bound_amounts_are_scaled_up():
    race = load_race("ny12-2026")
    p = params(100)
    amount = forecast.spent(p, race, 100)
    lb = race.amount_kind == 1.0
    assert lb.any() and (amount[:, lb] >= race.amount[lb]).all()
    assert (amount[:, ~lb] == race.amount[~lb]).all()


def test_spending_before_the_last_poll_moves_nothing():
    """Think Big's $1.95 M before 10 March is in the polls: the model gives it no effect."""
    race = load_race("ny12-2026")
    early = [i for i, s in enumerate(race.streams) if s.weeks_before == [28, 15]]
    assert race.pattern[early].sum() == 0.0


def test_top_k_and_threshold_are_consistent():
    race = load_race("ny12-2026")
    p = forecast.with_race_draws(params(500), race, race_uniforms(race, 500, 5))
    base = forecast.base_shares(p, race)
    sim = forecast.simulate(
        p, race, forecast.spent(p, race, 500), base, race_uniforms(race, 500, 5)
    )
    wins = np.eye(len(race.names))[sim["winner"]].astype(bool)
    assert (sim["top_k"][wins]).all()  # the winner is in the top two
    assert sim["top_k"].sum(axis=1).max() == race.top_k
    assert (sim["shares"][sim["above_threshold"]] >= race.threshold).all()


# ---- equilibrium ------------------------------------------------------------------------


def test_batched_solver_freezes_converged_rows_and_matches_tullock():
    v1 = np.array([1.0, 3.0, 10.0, 1e6])
    v2 = np.array([1.0, 1.0, 2.0, 5e4])
    x1, x2 = eq.solve(eq.tullock(1.0), (v1, v2), (v1 * 10, v2 * 10))
    c1, c2, _ = eq.tullock_closed_form(v1, v2)
    np.testing.assert_allclose(x1, c1, rtol=1e-3)
    np.testing.assert_allclose(x2, c2, rtol=1e-3)


# ---- the money claim: an in-range setting where it holds and one where it fails ----------


def claim_metric(**fixed) -> float:
    """P(Bores wins) with $1 bn of attack spending (the ledger's contest_win_at_1bn)."""
    race = load_race("ny12-2026")
    r = run_race(params(2000, 7, **fixed), race, 7, solve_equilibrium=False)
    return float(r.curve_win[:, -1].mean())


def test_money_claim_holds_at_the_central_setting():
    assert claim_metric() >= 0.05


def test_money_claim_fails_where_attacks_work_best():
    """At the ends of the ranges (ceiling 15 points, attacks better than average, cheap
    votes, no decay, the narrowest fitted error) a $1 bn attack leaves Bores < 5 %."""
    p = claim_metric(
        persuasion_ceiling_open_primary=0.15,
        backlash_share=-0.1,
        cost_per_net_vote_usd=40.0,
        adstock_weekly_retention=0.5,
        durable_share=0.25,
        price_congestion=0.5,
        inventory_usd_per_week=15e6,
        outside_price_multiple=1.2,
        broadcast_share=0.4,
    )
    assert p < 0.05


# ---- the fit and its tables -------------------------------------------------------------

FITTED = {
    "poll_bias_logit_primary": ("primary_bias", None),
    "poll_slope_primary": ("primary_slope", None),
    "race_error_logit_sd_primary": ("primary_log_race_sd", np.exp),
    "field_size_error_primary": ("primary_field", None),
    "poll_error_logit_sd_primary": ("primary_log_poll_sd", np.exp),
    "poll_drift_logit_sd_primary": ("primary_log_drift", np.exp),
    "poll_bias_logit_general": ("general_bias", None),
    "poll_slope_general": ("general_slope", None),
    "race_error_logit_sd_general": ("general_log_race_sd", np.exp),
    "field_size_error_general": ("general_field", None),
    "poll_error_logit_sd_general": ("general_log_poll_sd", np.exp),
    "poll_drift_logit_sd_general": ("general_log_drift", np.exp),
    "house_effect_logit": ("house", None),
    "prior_log_share_incumbent": ("prior_incumbent", None),
    "prior_log_share_party_endorsed": ("prior_party_endorsed", None),
    "prior_log_share_group_endorsed": ("prior_group_endorsed", None),
    "prior_log_share_sd": ("prior_log_resid_sd", np.exp),
}


def test_shipped_coefficients_are_the_fit_of_the_shipped_tables():
    """params.toml's derived values equal a fresh fit of data/contest_*.csv (no bootstrap)."""
    est = tool().fit_all(DATA, reps=0)
    reg = default_registry()
    for name, (key, f) in FITTED.items():
        value = est[key][0] if f is None else float(f(est[key][0]))
        assert reg[f"contest.{name}"].value == pytest.approx(value, rel=2e-3, abs=2e-4), name


@needs_raw
def test_builder_rebuilds_the_shipped_tables(tmp_path):
    tool().build_tables(RAW, tmp_path)
    for name in ("contest_polls.csv", "contest_primary_candidates.csv"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


# ---- calibration table ------------------------------------------------------------------


def anchors() -> list[dict[str, str]]:
    with open(REPO / "tests" / "calibration" / "contest.csv") as fh:
        return list(csv.DictReader(fh))


def model_value(anchor: str) -> tuple[float, float]:
    """(model, expected) for a calibration row."""
    reg = default_registry()
    t = tool()
    rows = t.long_rows(pd.read_csv(DATA / "contest_polls.csv"))
    if anchor.startswith("tullock"):
        x1, x2 = eq.solve(
            eq.tullock(1.0),
            (np.array([3.0]), np.array([1.0])),
            (np.array([30.0]), np.array([10.0])),
        )
        if anchor == "tullock_r1_x1":
            return float(x1[0]), 0.5625
        return float(eq.tullock(1.0)(x1[:, None], x2[:, None])[0, 0]), 0.75
    if anchor.endswith("share_error_sd"):
        kind = anchor.split("_")[0]
        coef = t.unpack(np.array([reg[f"contest.{n}"].value for n in []] or t.fit_errors(rows)))
        f = t.forecast_race(coef, rows[rows.kind == kind])
        model = float(
            np.median(np.exp(f.mean_logit) / (1 + np.exp(f.mean_logit)) ** 2 * f.sd_logit)
        )
        latest = rows[
            (rows.kind == kind) & (rows.days == rows.groupby("group").days.transform("min"))
        ]
        g = latest.groupby("group")
        err = g.actual.first() - g.q.mean()
        return 100 * model, 100 * float(np.std(err - err.mean()))
    if anchor == "house_effect_margin":
        h = reg["contest.house_effect_logit"].value
        polls = pd.read_csv(DATA / "contest_polls.csv")
        s = polls[(polls.kind == "general") & (polls.sponsor_favours != 0)]
        listed = s.cand1_poll + s.cand2_poll + s.cand3_poll
        poll_margin = 100 * (s.cand1_poll - s.cand2_poll) / listed
        gen = polls[(polls.kind == "general") & (polls.sponsor_favours == 0)]
        gl = gen.cand1_poll + gen.cand2_poll + gen.cand3_poll
        base = float(
            (
                100 * (gen.cand1_poll - gen.cand2_poll) / gl - (gen.cand1_actual - gen.cand2_actual)
            ).mean()
        )
        err = (poll_margin - (s.cand1_actual - s.cand2_actual) - base) * s.sponsor_favours
        return 2 * 100 * h / 4, float(err.mean())
    raise KeyError(anchor)


@pytest.mark.parametrize("row", anchors(), ids=lambda r: r["anchor"])
def test_calibration_anchor(row):
    got, expected = model_value(row["anchor"])
    assert got == pytest.approx(expected, rel=float(row["tolerance"])), (got, expected)
