"""The contest model: closed-form contests, saturation, decay, monotonicity, NY-12."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from plowshare.core.errors import InputError
from plowshare.core.params import default_registry
from plowshare.core.sampling import sample
from plowshare.models.contest import equilibrium as eq
from plowshare.models.contest import forecast, kernel, load_race, model, run_race
from plowshare.models.contest.run import race_uniforms


def params(n=200, seed=1, race=None, **fixed):
    """Sampled parameters (with the race's per-draw turnout and market share if given)."""
    p = sample(default_registry().for_model("contest"), n, seed)
    for k, v in fixed.items():
        p[f"contest.{k}"] = np.full(n, float(v))
    if race is None:
        return p
    return forecast.with_race_draws(p, race, race_uniforms(race, n, seed))


@pytest.fixture(scope="module")
def ny12():
    return load_race("ny12-2026")


# ---- closed-form contests ---------------------------------------------------------------


@pytest.mark.parametrize(("v1", "v2"), [(1.0, 1.0), (3.0, 1.0), (10.0, 2.0), (1e6, 5e4)])
def test_tullock_solver_reproduces_the_closed_form(v1, v2):
    """Tullock (1980) lottery contest, r = 1: x1 = V1^2 V2/(V1+V2)^2, P1 = V1/(V1+V2)."""
    a, b = np.array([v1]), np.array([v2])
    x1, x2 = eq.solve(eq.tullock(1.0), (a, b), (a * 10, b * 10))
    c1, c2, p1 = eq.tullock_closed_form(a, b)
    assert x1[0] == pytest.approx(c1[0], rel=1e-3)
    assert x2[0] == pytest.approx(c2[0], rel=1e-3)
    assert float(eq.tullock(1.0)(x1[:, None], x2[:, None])[0, 0]) == pytest.approx(p1[0], 1e-3)


def test_tullock_huge_prize_wins_almost_surely():
    x1, x2, p1 = eq.tullock_closed_form(np.array([1e9]), np.array([1.0]))
    assert p1[0] > 0.999 and x1[0] == pytest.approx(1.0, rel=1e-6) and x2[0] < 1e-8


def test_allpay_documented_equilibrium_by_simulation():
    """Baye, Kovenock & de Vries (1996): with V1 >= V2, E[x1] = V2/2, E[x2] = V2^2/(2 V1),
    P2 = V2/(2 V1). Bids drawn from the documented mixed strategies reproduce them."""
    v1, v2 = 3.0, 2.0
    x1, x2 = eq.allpay_sample(v1, v2, 400_000, seed=5)
    cf = eq.allpay_closed_form(v1, v2)
    assert x1.mean() == pytest.approx(cf["e_x1"], rel=0.01)
    assert x2.mean() == pytest.approx(cf["e_x2"], rel=0.01)
    assert (x2 > x1).mean() == pytest.approx(cf["p2"], abs=0.005)


# ---- the race model ---------------------------------------------------------------------


def test_kernel_matches_the_model(ny12):
    p = params(50, race=ny12)
    base = forecast.base_shares(p, ny12)
    xa = np.linspace(0, 5e7, 7)[None, :].repeat(50, 0)
    xd = np.full_like(xa, 4e6)
    spent = forecast.spent(p, ny12, 50)
    a = np.broadcast_to(spent[:, None, :], (*xa.shape, len(ny12.amount))).copy()
    a[..., ny12.strategic("attacker")], a[..., ny12.strategic("defender")] = xa, xd
    slow = forecast.target_win_probability(p, ny12, a, base)
    fast = kernel.target_win(kernel.prepare(p, ny12, base), xa, xd)
    np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=1e-15)


@given(seed=st.integers(0, 2**31), attack=st.floats(0, 1e12))
def test_no_amount_of_spending_moves_more_than_the_ceiling(seed, attack):
    race = load_race("ny12-2026")
    p = params(40, seed, race=race)
    base = forecast.base_shares(p, race)
    amount = np.broadcast_to(race.amount, (40, len(race.amount))).copy()
    amount[:, race.strategic("attacker")] = attack
    gain, loss = model.effects(p, race, amount)
    top = model.ceiling(p, race)[:, None]
    assert (gain <= top + 1e-12).all() and (loss <= top * (1 + 0.1) + 1e-12).all()
    shares = model.vote_shares(p, race, amount, base)
    t = race.target
    assert (base[:, t] - shares[:, t] <= top[:, 0] * 1.1 + 1e-9).all()


@given(seed=st.integers(0, 2**31), lift=st.floats(0.0, 0.3))
def test_win_probability_never_falls_when_own_support_rises(seed, lift):
    rng = np.random.default_rng(seed)
    v = rng.dirichlet(np.ones(5), size=30)
    sigma = rng.uniform(0.02, 0.15, size=30)
    up = v.copy()
    take = np.minimum(lift, 1 - up[:, 1])
    up[:, 1] += take  # candidate 1 gains, the others lose in proportion
    others = np.delete(np.arange(5), 1)
    up[:, others] *= (1 - up[:, 1:2]) / np.maximum(up[:, others].sum(1, keepdims=True), 1e-12)
    before = model.win_probability(v, 1, sigma[:, None])
    after = model.win_probability(up, 1, sigma[:, None])
    assert (after >= before - 1e-12).all()


@pytest.mark.parametrize("retention", [0.25, 0.35, 0.5])
def test_adstock_half_life_is_as_parameterised(ny12, retention):
    """With no durable share, an ad's dose halves every ln 0.5 / ln(retention) weeks."""
    p = params(
        1, race=ny12, durable_share=0.0, adstock_weekly_retention=retention, price_congestion=0.0
    )
    tau = ny12.weeks_to_election()
    half_life = np.log(0.5) / np.log(retention)
    # the model's retention curve at integer weeks, checked against the half-life
    retain = 0.0 + 1.0 * retention**tau
    assert retain[tau == 0][0] == 1.0
    assert retention**half_life == pytest.approx(0.5)
    # a stream spending only in one week: dose ratio between 1 week and 0 weeks out
    race = ny12
    last, prev = len(tau) - 1, len(tau) - 2
    doses = []
    for week in (last, prev):
        pattern = np.zeros_like(race.pattern)
        pattern[0, week] = 1.0
        r = race.__class__(**{**race.__dict__, "pattern": pattern})
        amount = np.zeros((1, len(race.amount)))
        amount[0, 0] = 1e6
        doses.append(model.doses(p, r, amount)[0, 0])
    assert doses[1] / doses[0] == pytest.approx(retention)


def test_money_proof_margin_holds_against_unlimited_attack(ny12):
    p = params(100, 4, race=ny12)
    base = forecast.base_shares(p, ny12)
    t = ny12.target
    margin = model.money_proof_margin(p, ny12, base)
    lead = margin + 0.01  # give the target this lead over every rival, then attack without end
    rival = np.delete(base, t, axis=1).max(axis=1)
    amount = np.zeros((100, len(ny12.amount)))
    amount[:, ny12.strategic("attacker")] = 1e15
    boosted = base.copy()
    boosted[:, t] = rival + lead
    boosted /= boosted.sum(axis=1, keepdims=True)
    rival_b = np.delete(boosted, t, axis=1).max(axis=1)
    ok = boosted[:, t] - rival_b >= margin  # draws where the lead survived renormalisation
    shares = model.vote_shares(p, ny12, amount, boosted)
    after = shares[:, t] - np.delete(shares, t, axis=1).max(axis=1)
    assert (after[ok] > 0).all()


@pytest.mark.xfail(
    strict=True,
    reason="v2 (fitted errors): Lasher's 39.1 % lies above the 90 % band (p95 about 37.5 %); "
    "Bores's 35 % is inside. Reported in the model README, not tuned away.",
)
def test_ny12_actual_result_lies_within_the_90_percent_band(ny12):
    """NY-12 Democratic primary, 23 June 2026: Lasher 39.1 %, Bores 35 % (election night,
    NBC / Fox News via the sources in the race file). The model sees only the March polls,
    endorsements and reported spending."""
    p = params(4000, 20260623)
    r = run_race(p, ny12, 20260623, solve_equilibrium=False)
    bores = ny12.names.index("Alex Bores")
    lo, hi = np.quantile(r.shares[:, bores], [0.05, 0.95])
    assert lo <= 0.35 <= hi
    for name, actual in ny12.meta.actual_result.items():
        i = ny12.names.index(name)
        lo, hi = np.quantile(r.shares[:, i], [0.05, 0.95])
        assert lo <= actual <= hi, (name, lo, hi)


def test_saturating_contest_caps_what_money_buys(ny12):
    p = params(40, 9)
    r = run_race(p, ny12, 9, solve_equilibrium=True)
    s = r.equilibrium
    p_att = s["p_attacker"].mean(axis=0)
    assert (np.diff(p_att) >= -1e-3).all()  # a bigger prize never lowers the attacker's odds
    assert p_att[-1] < 0.95 < s["tullock_p_attacker"].mean(axis=0)[-1]  # the ceiling binds


# ---- race files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "pattern"),
    [
        ('target = "Alex Bores"', 'target = "Alex Boers"', "did you mean 'Alex Bores'"),
        (
            'candidate = "Micah Lasher"\nendorser = "Michael Bloomberg"',
            'candidate = "Micah Lahser"\nendorser = "Michael Bloomberg"',
            "did you mean 'Micah Lasher'",
        ),
        ('date = "2026-03-12"', 'date = "12 March 2026"', "a date YYYY-MM-DD expected"),
        ('kind = "open_primary"', 'kind = "primary"', "race.kind"),
        ('"Alex Bores" = 0.20,', '"Alex Bores" = 0.90,', "shares add up to"),
        ('stance = "attack"', 'stance = "attak"', "spending.0.stance"),
        (
            'source = "newser-2026-bloomberg-lasher"',
            'source = "newser-2026"',
            "is not in data/sources.toml",
        ),
        ("weeks = 30", "wekks = 30", "did you mean 'race.weeks'"),
    ],
)
def test_bad_race_files_are_refused_with_file_and_key(tmp_path, ny12, old, new, pattern):
    text = Path(ny12.path).read_text()
    assert old in text
    path = tmp_path / "race.toml"
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(InputError, match=pattern) as e:
        load_race(path)
    assert str(path) in e.value.one_line()


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("turnout = 0", "turnout must be positive"),
        ("district_share_of_market = 1.5", "district_share_of_market must lie in (0, 1]"),
    ],
)
def test_a_race_with_no_voters_or_no_market_is_refused(tmp_path, line, fragment):
    """Found by the race fuzz: turnout 0 passed validation and the model divided 0 by 0."""
    import re

    from plowshare.core.errors import InputError
    from plowshare.models.contest.race import resolve_race

    text = resolve_race("ny12-2026").read_text()
    key = line.split(" = ")[0]
    text = re.sub(rf"(?m)^{key} = .*$", line, text, count=1)
    path = tmp_path / "r.toml"
    path.write_text(text)
    with pytest.raises(InputError, match=re.escape(fragment)):
        load_race(str(path))
