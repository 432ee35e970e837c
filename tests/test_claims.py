"""The claims ledger: every claim cites the essay, is evaluated from runs, and can flip."""

from pathlib import Path

import pytest

from plowshare.claims.ledger import METRICS, OPS, evaluate, load_claims, verdict

ESSAY = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_f58bdad38aa00a11.txt"


def test_claims_are_complete_and_well_formed():
    claims = load_claims()
    ids = {c.id for c in claims}
    for needed in (
        "bubble",
        "state-moratorium-rsi",
        "relocation",
        "national-moratorium-prc",
        "climate",
        "water",
        "bills",
        "fund-too-large",
        "small-compute-tax",
        "mcap-tax-at-the-limit",
        "nationalisation",
        "money-to-the-limit",
    ):
        assert needed in ids
    for c in claims:
        assert c.quote and c.test and c.op in OPS
        assert c.metric in METRICS or c.metric == "contest_win_at_1bn"


@pytest.mark.skipif(not ESSAY.exists(), reason="the essay lives in ../shared, not in the package")
@pytest.mark.skipif(not ESSAY.exists(), reason="the essay lives in ../shared, not in a clone")
def test_every_quote_is_verbatim_from_the_essay():
    text = ESSAY.read_text()
    for c in load_claims():
        assert c.quote in text, c.id


def test_verdict_thresholds():
    assert verdict(0.8) == "holds" and verdict(0.2) == "does not hold" and verdict(0.5) == "depends"


@pytest.fixture(scope="module")
def ledger():
    return {r.claim.id: r for r in evaluate(draws=200)}


def test_ledger_is_computed_from_runs(ledger):
    for r in ledger.values():
        assert 0.0 <= r.share_holds <= 1.0
        assert r.verdict == verdict(r.share_holds)
    assert ledger["bubble"].drivers  # sensitivity found something to report


def test_changing_a_driving_parameter_flips_a_verdict(ledger):
    """Nationalisation at the limit fails by default; its main driver (the share of displaced
    wages that becomes AI-firm profit) set high makes it hold. Likewise the PRC claim holds
    once China builds much more, nothing relocates and export controls are lifted."""
    assert ledger["nationalisation"].verdict == "does not hold"
    assert "fund.automation_capture_share" in [n for n, _ in ledger["nationalisation"].drivers]
    flipped = {
        r.claim.id: r
        for r in evaluate(
            draws=200, overrides={"fund.automation_capture_share": 0.9, "fund.profit_growth": 0.15}
        )
    }
    assert flipped["nationalisation"].verdict == "holds"
    assert ledger["national-moratorium-prc"].verdict == "does not hold"
    prc = {
        r.claim.id: r
        for r in evaluate(
            draws=200,
            overrides={
                "investment.china_share_of_new_build": 0.18,
                "compute.moratorium_relocation_share": 0.0,
                "compute.export_control_level": 0.0,
            },
        )
    }
    assert prc["national-moratorium-prc"].verdict == "holds"


def test_claims_cli_json(capsys):
    import json

    from plowshare.cli import main

    assert main(["claims", "--draws", "50", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in rows} == {c.id for c in load_claims()}
    for r in rows:
        assert 0.0 <= r["share_of_draws_holding"] <= 1.0
        assert r["verdict"] in ("holds", "does not hold", "depends")


def test_rbd_fast_recovers_the_ishigami_indices():
    """Ishigami function, a = 7, b = 0.1, inputs uniform on [-pi, pi]: analytic first-order
    indices S1 = 0.3139, S2 = 0.4424, S3 = 0 (Ishigami & Homma 1990; tabulated in Saltelli
    et al. 2008, Global Sensitivity Analysis: The Primer, sec. 4.8)."""
    import numpy as np

    from plowshare.claims.ledger import rbd_fast_s1

    rng = np.random.default_rng(0)
    x = rng.uniform(-np.pi, np.pi, (20_000, 3))
    y = np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
    np.testing.assert_allclose(rbd_fast_s1(x, y), [0.3139, 0.4424, 0.0], atol=0.03)


def test_rbd_fast_matches_salib():
    """Our vectorised estimator is SALib's RBD-FAST S1 (SALib is a dev dependency only: its
    bootstrap of 100 resamples per parameter made the ledger 25x slower)."""
    import numpy as np

    rbd_fast = pytest.importorskip("SALib.analyze.rbd_fast")
    from plowshare.claims.ledger import rbd_fast_s1

    rng = np.random.default_rng(3)
    for n in (999, 1000):  # odd and even lengths (the periodogram's Nyquist term)
        x = rng.normal(size=(n, 4))
        y = x[:, 0] ** 2 + np.exp(0.5 * x[:, 1]) + 0.2 * x[:, 2] * x[:, 0]
        problem = {"num_vars": 4, "names": list("abcd"), "bounds": [[-4.0, 4.0]] * 4}
        ref = rbd_fast.analyze(problem, x, y, num_resamples=2, seed=1)["S1"]
        np.testing.assert_allclose(rbd_fast_s1(x, y), ref, rtol=1e-10, atol=1e-12)
