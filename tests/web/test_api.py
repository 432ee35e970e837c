"""The lab's API: the fast path matches the engine, errors are one line, limits hold."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest
from fastapi.testclient import TestClient

from plowshare.core.scenario import load_scenario
from plowshare.engine import api as engine
from plowshare.web import service
from plowshare.web.app import CSP, LOOPBACK_HOSTS, create_app
from plowshare.web.compute import run_fast
from plowshare.web.spec import LabScenario, decode, encode, from_toml, to_scenario, to_toml

VA_GA = {"siting.moratorium_states": ["VA", "GA"], "siting.moratorium_start": 2027}


@pytest.fixture(scope="module")
def client() -> TestClient:
    with TestClient(create_app(processes=0), base_url="http://127.0.0.1") as c:
        yield c


@pytest.mark.parametrize("draws", [1, 120])
def test_fast_path_equals_the_engine(draws: int) -> None:
    """Every output of the numpy fast path equals plowshare.run's Dataset, draw for draw."""
    sc = to_scenario(LabScenario(base="moratorium-va-ga"))
    mine, _ = run_fast(sc, draws)
    ds = engine.run(sc, draws=draws)
    n = 0
    for m, outs in mine.items():
        for o, arr in outs.items():
            np.testing.assert_array_equal(arr, ds[f"{m}.{o}"].values, err_msg=f"{m}.{o}")
            n += 1
    assert n > 50
    again, _ = run_fast(sc, draws)  # the cached draws give the same numbers
    np.testing.assert_array_equal(again["siting"]["blocked_gw"], mine["siting"]["blocked_gw"])


def test_lab_scenario_matches_the_shipped_file() -> None:
    for name in ("moratorium-va-ga", "integrated-mcap-tax-5pct", "national-moratorium"):
        assert (
            to_scenario(LabScenario(base=name)).content_hash() == load_scenario(name).content_hash()
        )


def test_central_answers_and_moratorium(client: TestClient) -> None:
    base = client.post("/api/central", json={}).json()
    r = client.post("/api/central", json={"scenario": {"levers": VA_GA}})
    assert r.status_code == 200
    out = r.json()
    blocked = {a["id"]: a for a in out["answers"]}["blocked-gw"]
    assert blocked["value"] > 1.0
    assert {s["state"] for s in blocked["by_state"]} == {"VA", "GA"}
    assert {a["id"]: a for a in base["answers"]}["blocked-gw"]["value"] == 0.0
    assert out["levers"]["siting.moratorium_states"] == ["GA", "VA"]
    assert {c["id"] for c in out["charts"]} >= {"compute", "siting", "bills", "workers", "fund"}
    assert all("Source: plowshare" in c["source"] for c in out["charts"])
    assert decode(out["share"]) == LabScenario(levers=VA_GA)


def test_bands_equal_quantiles_of_the_engine_run(client: TestClient) -> None:
    spec = LabScenario(base="moratorium-va-ga")
    out = client.post("/api/bands", json={"scenario": spec.model_dump(), "draws": 200}).json()
    ds = engine.run(to_scenario(spec), draws=200)
    want = np.quantile(ds["siting.blocked_gw_cumulative"].values[:, -1], [0.05, 0.5, 0.95])
    got = {a["id"]: a for a in out["answers"]}["blocked-gw"]["band"]
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_compare_same_scenario_is_zero_and_policy_is_not(client: TestClient) -> None:
    same = client.post("/api/compare", json={"a": {}, "b": {}, "draws": 100}).json()
    assert all(d["value"] in (0.0, None) for d in same["differences"])
    diff = client.post("/api/compare", json={"a": {}, "b": {"levers": VA_GA}, "draws": 100}).json()
    d = {x["id"]: x for x in diff["differences"]}
    assert d["blocked-gw"]["band"][1] > 1.0


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"scenario": {"levers": {"siting.moratorium_stats": ["VA"]}}},
         "<lab>: levers.siting.moratorium_stats: unknown lever "
         "(did you mean 'siting.moratorium_states'?)"),
        ({"scenario": {"levers": {"siting.moratorium_states": ["VX"]}}}, "unknown state or group"),
        ({"scenario": {"levers": {"siting.moratorium_start": 1900}}}, "expected"),
        ({"scenario": {"base": "baselin"}}, "base: unknown preset"),
        ({"scenario": {"base": "../../etc/passwd"}}, "<request>: body.scenario.base"),
        ({"scenario": {"overrides": {"compute.treaty": {"kind": "uniform", "p5": 2, "p95": 1}}}},
         "<lab>: overrides.compute.treaty"),
        ({"scenario": {}, "extra": 1}, "<request>: body.extra"),
    ],
)  # fmt: skip
def test_bad_input_is_422_with_one_line(client: TestClient, body: dict, expected: str) -> None:
    r = client.post("/api/central", json=body)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert expected in detail and "\n" not in detail


def test_limits_and_headers(client: TestClient) -> None:
    r = client.post("/api/bands", json={"draws": 100_000})
    assert r.status_code == 422 and "draws" in r.json()["detail"]
    big = b'{"scenario": {"levers": {' + b'"x": 1,' * 20_000 + b"}}}"
    r = client.post("/api/central", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413
    for path in ("/", "/api/meta", "/static/lab.js"):
        h = client.get(path).headers
        assert h["content-security-policy"] == CSP and "unsafe-eval" not in CSP
        assert h["x-content-type-options"] == "nosniff"
    assert client.get("/static/..%2fapp.py").status_code == 404
    assert client.get("/static/app.py").status_code == 404
    assert client.get("/docs").status_code == 404  # its assets would come from a CDN
    assert "/api/central" in client.get("/openapi.json").json()["paths"]


def test_loopback_host_only() -> None:
    with TestClient(create_app(processes=0, allowed_hosts=LOOPBACK_HOSTS)) as c:
        assert c.get("/api/health", headers={"host": "evil.example"}).status_code == 400
        assert c.get("/api/health", headers={"host": "127.0.0.1:8765"}).status_code == 200


def test_share_code_is_deterministic_versioned_and_checked(client: TestClient) -> None:
    a = LabScenario(levers={"siting.moratorium_start": 2028, "siting.moratorium_states": ["VA"]})
    b = LabScenario(levers={"siting.moratorium_states": ["VA"], "siting.moratorium_start": 2028})
    assert encode(a) == encode(b) and encode(a).startswith("1.")
    assert len(encode(a)) < 200
    r = client.get(f"/api/share/{encode(a)}")
    assert r.status_code == 200 and r.json()["scenario"] == a.model_dump()
    assert "version 2" in client.get("/api/share/2." + encode(a)[2:]).json()["detail"]
    assert client.get("/api/share/1.AAAA").status_code == 422
    assert client.get("/api/share/nonsense").status_code == 422


def test_toml_download_runs_in_the_cli_and_uploads_back(client: TestClient, tmp_path) -> None:
    spec = LabScenario(
        base="moratorium-va-ga",
        levers={
            "siting.compute_tax_rate_by_state": {"VA": 0.03},
            "labor.exposure_measure": "beta_human",
        },
        overrides={
            "compute.algorithmic_efficiency_growth": {"kind": "uniform", "p5": 2.0, "p95": 4.0}
        },
        seed=7,
    )  # fmt: skip
    r = client.post("/api/scenario.toml", json=spec.model_dump())
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    path = tmp_path / "mine.toml"
    path.write_text(r.text)
    tomllib.loads(r.text)
    assert load_scenario(path).content_hash() == to_scenario(spec).content_hash()
    assert from_toml(to_toml(spec)) == spec
    up = client.post("/api/upload", content=r.text.encode(), headers={"content-type": "text/plain"})
    assert up.status_code == 200 and up.json()["scenario"] == spec.model_dump()
    bad = client.post(
        "/api/upload", content=b'[inputs]\ncontest.race = "/etc/passwd"\n',
        headers={"content-type": "text/plain"},
    )  # fmt: skip
    assert bad.status_code == 422 and "inputs" in bad.json()["detail"]


def test_meta_lists_every_lever_and_uncertainty(client: TestClient) -> None:
    meta = client.get("/api/meta").json()
    kinds = {p["kind"] for p in meta["levers"]}
    assert kinds == {"number", "category", "states"}
    assert all(u["sources"] or u["status"] == "judgment" for u in meta["uncertainties"])
    assert {"baseline", "moratorium-va-ga"} <= {p["name"] for p in meta["presets"]}
    assert len(meta["tiles"]) == 51


def test_claims_for_your_scenario() -> None:
    out = service.claims(LabScenario(levers=VA_GA), 60)
    rows = {c["id"]: c for c in out["claims"]}
    assert rows["relocation"]["yours"] is not None
    assert rows["relocation"]["touched"]
    assert all(r["shipped"]["verdict"] in ("holds", "does not hold", "depends", "no data")
               for r in rows.values())  # fmt: skip


def test_bands_in_a_worker_process_match_in_process() -> None:
    """The real configuration: a spawned worker gives the same numbers as this process."""
    import asyncio

    from plowshare.web import workers

    pool = workers.Workers(processes=1, timeout=120)
    try:
        spec = LabScenario(levers=VA_GA)
        got = asyncio.run(pool.run(workers.job_bands, spec.model_dump_json(), 100, 2035))
    finally:
        pool.close()
    want = service.bands(spec, 100)
    assert got["answers"] == want["answers"]
