"""Tests for tools/build_data.py and the curated tables it ships."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = REPO_ROOT.parent / "shared" / "data" / "raw"
DATA_DIR = REPO_ROOT / "src" / "plowshare" / "data"


def _load_build_data() -> ModuleType:
    """Import tools/build_data.py (tools/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "build_data", REPO_ROOT / "tools" / "build_data.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_data = _load_build_data()
needs_raw = pytest.mark.skipif(not RAW_DIR.is_dir(), reason=f"raw data folder absent: {RAW_DIR}")


def _shipped(name: str) -> pd.DataFrame:
    """Read one shipped table indexed by year (capex is indexed by company, year)."""
    df = pd.read_csv(DATA_DIR / name)
    keys = ["company", "year"] if "company" in df.columns else ["year"]
    return df.set_index(keys)


@needs_raw
def test_rebuild_matches_shipped_tables(tmp_path: Path) -> None:
    """A fresh build equals the shipped tables byte for byte (a stale table fails)."""
    counts = build_data.build_all(RAW_DIR, tmp_path)
    assert set(counts) == set(build_data.TABLE_SOURCES)
    for name, rows in counts.items():
        assert rows > 0, name
        rebuilt = (tmp_path / name).read_bytes()
        assert rebuilt == (DATA_DIR / name).read_bytes(), f"{name} is stale: rerun build_data.py"


@needs_raw
def test_builder_checks_pass(tmp_path: Path) -> None:
    """The builder's own checks against README/AUDIT headlines all pass."""
    build_data.build_all(RAW_DIR, tmp_path)
    failed = [msg for ok, msg in build_data.run_checks(RAW_DIR, tmp_path) if not ok]
    assert not failed


def test_missing_raw_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing raw folder gives exit code 2 and one clear line."""
    code = build_data.main(["--raw", str(tmp_path / "absent"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "raw data folder not found" in err
    assert not (tmp_path / "out").exists()


def test_every_table_is_shipped_and_documented() -> None:
    """Each table in TABLE_SOURCES exists, has snake_case headers and a README section."""
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    for name, slugs in build_data.TABLE_SOURCES.items():
        assert slugs, name
        header = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()[0].split(",")
        assert all(col == col.lower() and " " not in col for col in header), name
        assert f"`{name}`" in readme, name


def test_oews_2025_total_employment() -> None:
    """BLS OEWS May 2025: 155.48 M jobs (sum of 830 detailed occupations)."""
    wages = _shipped("us_employment_wages.csv")
    assert wages.loc[2025, "total_employment"] / 1e6 == pytest.approx(155.48, abs=0.01)
    assert wages.loc[2024, "total_employment"] / 1e6 == pytest.approx(154.19, abs=0.01)


def test_oews_2024_median_wage() -> None:
    """BLS OEWS May 2024 all-occupations median annual wage: $49,500."""
    assert _shipped("us_employment_wages.csv").loc[2024, "median_annual_wage_usd"] == 49_500


def test_big4_capex_totals() -> None:
    """Platformonomics "Follow the CAPEX" 2025 retrospective: $251B (2024), >$416B (2025)."""
    totals = _shipped("ai_capex_totals.csv")
    assert totals.loc[2024, "big4_capex_usd_bn"] == pytest.approx(251, abs=2)
    assert totals.loc[2025, "big4_capex_usd_bn"] == pytest.approx(416, abs=2)
    assert totals.loc[2025, "growth_pct"] == pytest.approx(66, abs=1)
    assert pd.isna(totals.loc[2026, "big4_capex_usd_bn"])  # no Microsoft CY2026 guidance


def test_capex_table_has_no_total_rows() -> None:
    """The "Big four total" meta rows (AUDIT.md) are not company rows."""
    capex = _shipped("ai_capex.csv")
    assert set(capex.index.get_level_values("company")) == set(build_data.BIG4)
    assert not capex["source_url"].str.contains("same as above").any()


def test_cbo_gdp_2024() -> None:
    """CBO Jan 2025: 2024 nominal GDP $29,166 bn; BEA actual $29.30 T (AUDIT.md)."""
    gdp = _shipped("us_gdp.csv")
    assert gdp.loc[2024, "nominal_gdp_usd_bn"] == pytest.approx(29_300, rel=0.01)
    assert gdp.loc[2024, "nominal_gdp_usd_bn"] == pytest.approx(29_166.2, abs=0.05)
    assert gdp.loc[2024, "bea_nominal_gdp_usd_bn"] == pytest.approx(29_300, rel=0.001)
    assert not gdp.loc[2023, "is_projection"] and gdp.loc[2025, "is_projection"]


def test_census_population() -> None:
    """Census Vintage 2025: US resident population 340,003,797 (2024), 341,784,857 (2025)."""
    pop = _shipped("us_population.csv")
    assert list(pop.index) == list(range(2020, 2026))
    assert pop.loc[2024, "resident_population"] == 340_003_797
    assert pop.loc[2025, "resident_population"] == 341_784_857


def _table(name: str) -> pd.DataFrame:
    """Read one shipped table without an index."""
    return pd.read_csv(DATA_DIR / name)


def test_frontier_compute_growth_2018_2025() -> None:
    """Epoch: frontier training compute grows 4-5x/yr; OLS on Epoch-flagged models gives ~4.8x."""
    models = _table("frontier_models.csv")
    window = models[models["publication_date"].between("2018-01-01", "2025-12-31")]
    slope = np.polyfit(window["year_fraction"], np.log10(window["training_compute_flop"]), 1)[0]
    assert 4.0 <= 10**slope <= 5.5
    assert len(window) == 44


def test_largest_training_run_through_2025() -> None:
    """Epoch AI models data: the largest estimate through 2025 is Grok 4, 5e26 FLOP."""
    models = _table("frontier_models.csv")
    models = models[models["publication_date"] <= "2025-12-31"]
    top = models.loc[models["training_compute_flop"].idxmax()]
    assert top["model"] == "Grok 4"
    assert top["training_compute_flop"] == pytest.approx(5e26, rel=1e-6)


def test_frontier_models_are_sorted_from_2010() -> None:
    """Rows run by date from 2010 and every row has a compute estimate."""
    models = _table("frontier_models.csv")
    assert models["publication_date"].is_monotonic_increasing
    assert models["publication_date"].min() >= "2010-01-01"
    assert models["training_compute_flop"].notna().all()


def test_world_chip_stock_end_2025() -> None:
    """Epoch AI chip sales, medians summed over Nvidia, TPU, Trainium, AMD: ~19.7 M H100e."""
    stock = _table("ai_chip_stock.csv").set_index("quarter_end")
    assert 19.0 <= stock.loc["2025-12-31", "world_h100e"] / 1e6 <= 20.5
    assert stock["world_h100e"].is_monotonic_increasing  # cumulative, no retirements
    assert stock.loc["2025-12-31", "china_share_of_owner_tracked"] == pytest.approx(
        0.023, abs=0.001
    )


def test_us_share_of_existing_cluster_h100e() -> None:
    """Pilz et al. 2025 (Trends in AI Supercomputers): the US holds ~75% of cluster performance."""
    shares = _table("gpu_cluster_shares.csv").set_index(["status", "country_group"])
    assert 0.70 <= shares.loc[("existing", "United States"), "share_of_located_h100e"] <= 0.80
    for status in ("existing", "planned"):
        assert shares.loc[status, "share_of_located_h100e"].sum() == pytest.approx(1, abs=1e-3)


def _occupations() -> pd.DataFrame:
    """The shipped occupation table, SOC codes and major groups as text."""
    return pd.read_csv(DATA_DIR / "occupations.csv", dtype={"soc_code": str, "major_group": str})


def test_occupations_total_employment() -> None:
    """BLS OEWS May 2025: 830 detailed occupations, 155.48 M jobs."""
    occ = _occupations()
    assert len(occ) == 830 and occ["soc_code"].is_unique
    assert occ["employment"].sum() / 1e6 == pytest.approx(155.48, abs=0.01)


def test_occupations_major_groups() -> None:
    """SOC 2018 has 22 non-military major groups, each with one title."""
    occ = _occupations()
    assert occ["major_group"].nunique() == 22
    assert occ.groupby("major_group")["major_group_title"].nunique().eq(1).all()
    assert (occ["soc_code"].str[:2] == occ["major_group"]).all()


def test_occupation_exposures_in_unit_interval() -> None:
    """Every exposure column is in [0, 1] or missing (unmatched)."""
    occ = _occupations()
    for col in ("beta_gpt4", "beta_human", "gamma_gpt4", "alpha_gpt4"):
        assert occ[col].dropna().between(0, 1).all(), col
    for col in ("msft_applicability", "aioe", "aei_automation_share"):
        assert occ[col].dropna().between(0, 1).all(), col
    assert occ["aioe"].max() == pytest.approx(1, abs=1e-4)  # min-max rescaled
    # gamma = E1 + E2 >= beta = E1 + E2/2 >= alpha = E1 (Eloundou et al.)
    have = occ.dropna(subset=["beta_gpt4"])
    assert (have["gamma_gpt4"] >= have["beta_gpt4"] - 1e-4).all()
    assert (have["beta_gpt4"] >= have["alpha_gpt4"] - 1e-4).all()


def test_beta_gpt4_matched_share() -> None:
    """AUDIT.md: GPTs-are-GPTs matches 96.7 % of OEWS 2025 jobs after the broad-code roll-up."""
    occ = _occupations()
    matched = occ.loc[occ["beta_gpt4"].notna(), "employment"].sum() / occ["employment"].sum()
    assert matched >= 0.95


def test_mean_beta_gpt4_per_job() -> None:
    """Eloundou et al. (2024) GPT-4 beta joined to OEWS: ~0.35 per job (research notes: 0.349)."""
    occ = _occupations().dropna(subset=["beta_gpt4"])
    mean = np.average(occ["beta_gpt4"], weights=occ["employment"])
    assert 0.33 <= mean <= 0.37


def test_state_major_group_states_and_dc_highest() -> None:
    """OEWS May 2025 state file: 50 states + DC; DC has the highest mean beta per job (0.421)."""
    states = pd.read_csv(DATA_DIR / "state_major_group.csv", dtype={"major_group": str})
    assert states["state"].nunique() == 51
    by_state = build_data.labor.state_beta(states)
    assert by_state.idxmax() == "DC"
    assert by_state["DC"] == pytest.approx(0.421, abs=0.002)
    national = _occupations()["employment"].sum()
    assert states["employment"].sum() / national == pytest.approx(1, abs=0.01)


def test_tech_diffusion_median_lag() -> None:
    """OWID / Comin & Hobijn US adoption: median 10%->50% lag of about 9 years (research notes)."""
    tech = pd.read_csv(DATA_DIR / "tech_diffusion.csv").set_index("technology")
    assert 7 <= tech["years_10_to_50"].median() <= 11
    assert tech.loc["Internet", "years_10_to_50"] == pytest.approx(9, abs=1)
    assert (tech["years_10_to_80"].dropna() >= tech["years_10_to_50"].min()).all()


def _sites() -> pd.DataFrame:
    """The shipped siting table ("none" and "NA"-like codes kept as text)."""
    return pd.read_csv(DATA_DIR / "sites.csv", keep_default_na=False, na_values=[""])


def test_sites_rows() -> None:
    """51 states + DC sorted by USPS code, then GULF, CHINA, OTHER."""
    sites = _sites()
    assert len(sites) == 54
    states = sites[sites["kind"] == "state"]
    assert len(states) == 51 and states["site"].is_unique
    assert states["site"].is_monotonic_increasing
    assert list(sites["site"].iloc[51:]) == ["GULF", "CHINA", "OTHER"]
    assert set(sites["kind"].iloc[51:]) == {"international"}


def test_sites_pipeline_share_sums_to_one() -> None:
    """The siting calibration target is a share over the 51 US rows."""
    states = _sites().query("kind == 'state'")
    assert states["pipeline_share"].sum() == pytest.approx(1, abs=1e-9)
    assert states["proposed_share"].sum() == pytest.approx(1, abs=1e-9)
    assert (states["pipeline_share"] >= 0).all()


def test_sites_epri_dc_load_near_lbnl() -> None:
    """LBNL 2024: US data centres used 176 TWh in 2023; EPRI share x retail sales within 15 %."""
    states = _sites().query("kind == 'state'")
    twh = (states["dc_share_of_load_2023"] * states["retail_sales_total_twh_2024"]).sum()
    assert twh == pytest.approx(176, rel=0.15)
    assert states["dc_share_of_load_2023"].notna().sum() == 44


def test_sites_prices_positive() -> None:
    """Every state has four positive EIA 2023 prices (WI total and WY filled from 861M)."""
    states = _sites().query("kind == 'state'")
    cols = [f"price_{s}_cents_kwh" for s in ("industrial", "commercial", "residential", "total")]
    assert (states[cols] > 0).all().all()


def test_sites_co2_plausible() -> None:
    """Grid CO2 intensities lie in 0-2,500 lb/MWh for every row (coal ~2,274 lb/MWh)."""
    co2 = _sites()["co2_lb_per_mwh_2024"]
    assert co2.notna().all()
    assert co2.between(0, 2500).all()


def test_sites_epoch_us_facility_power() -> None:
    """Epoch frontier DCs: 11.9 GW IT in the US -> ~14.3 GW facility at 1.2 x IT."""
    states = _sites().query("kind == 'state'")
    assert states["operating_gw_2025"].sum() == pytest.approx(11.9 * 1.2, abs=0.1)


def test_sites_trifectas_and_dc() -> None:
    """Ballotpedia (Feb 2026): 23 R and 16 D trifectas; DC has no partisan row."""
    sites = _sites().set_index("site")
    counts = sites.loc[sites["kind"] == "state", "trifecta"].value_counts()
    assert counts["R"] == 23 and counts["D"] == 16
    assert pd.isna(sites.loc["DC", "trifecta"])


def test_sites_mw_parser() -> None:
    """FracTracker MW text: ranges give midpoints, open bounds the bound."""
    parse = build_data.sites.parse_mw
    assert parse("1,200") == 1200
    assert parse("100-200") == 150
    assert parse("12–20") == 16
    assert parse(">3,000") == 3000 and parse("1,000+") == 1000 and parse("70?") == 70
    assert np.isnan(parse(np.nan)) and np.isnan(parse(""))


def test_sites_moratorium_rule() -> None:
    """Texts saying "not a moratorium", local-moratoria bills and memos do not count."""
    rule = build_data.sites.is_state_moratorium_bill
    assert rule("SB 1488 (2026)", "Explicit statewide moratorium bill.")
    assert rule("S.205", "Would prohibit operation or construction of AI data centers before 2030")
    assert not rule("H0609 (2026)", "Narrows tax exemptions. Not a moratorium bill.")
    assert not rule("HB 5882 (2026)", "Regulates local moratoria on large-scale data centers")
    assert not rule("Proposed statewide moratorium memo 48102", "three-year statewide moratorium")
