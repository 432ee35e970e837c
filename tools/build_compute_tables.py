"""Builders and checks for plowshare's AI-compute tables (imported by build_data.py).

Each ``build_*`` function reads one raw folder and returns a DataFrame;
``build_data.build_all`` writes them with fixed float formatting.
``run_checks`` compares the written tables with the figures in the raw READMEs
and ``compute_trend_facts/compute_trend_parameters.csv``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

#: Which bibliography entries each compute table comes from.
TABLE_SOURCES: dict[str, list[str]] = {
    "frontier_models.csv": ["epoch-2026-ai-models"],
    "agi_compute_requirements.csv": ["davidson-2023-ftm", "erdil-2025-gate", "aifp-2025-takeoff"],
    "ai_chip_stock.csv": ["epoch-2026-chip-sales", "epoch-2026-chip-owners"],
    "chip_production_projections.csv": ["cts-2026-duv"],
    "gpu_cluster_shares.csv": ["epoch-2025-gpu-clusters", "pilz-2025-supercomputers"],
}

#: Decimals per float column of each table (see ``build_data.write_table``).
DECIMALS: dict[str, dict[str, int]] = {
    "frontier_models.csv": {"year_fraction": 4},
    "agi_compute_requirements.csv": {},
    "ai_chip_stock.csv": {"china_share_of_owner_tracked": 4},
    "chip_production_projections.csv": {},
    "gpu_cluster_shares.csv": {"h100e": 0, "share_of_located_h100e": 4},
}

FRONTIER_START = "2010-01-01"
#: Fit window and expected result (compute_trend_parameters.csv, "derived here").
FIT_START, FIT_END = "2018-01-01", "2025-12-31"
FIT_EXPECTED_GROWTH, FIT_EXPECTED_N = 4.8, 44
LARGEST_RUN = ("Grok 4", 5e26)
#: Epoch chip-sales medians summed (raw README): 19.7 M H100e at end-2025.
WORLD_STOCK_END_2025_M = 19.7
#: China share of tracked owner stock (compute_trend_parameters.csv).
CHINA_SHARE = {"2024-12-31": 0.053, "2025-12-31": 0.023}
#: Shares of located H100e (compute_trend_parameters.csv, "derived here").
CLUSTER_SHARES = {
    ("existing", "United States"): 0.77,
    ("existing", "China"): 0.128,
    ("planned", "United States"): 0.49,
}
PLANNED_GULF_MEMBERS = {"United Arab Emirates": 0.29, "Saudi Arabia": 0.09}

GULF = ("Saudi Arabia", "United Arab Emirates", "Qatar")
CHIP_VENDORS = {  # file prefix -> table column
    "nvidia": "nvidia_h100e",
    "tpu": "google_tpu_h100e",
    "trainium": "amazon_trainium_h100e",
    "amd": "amd_h100e",
}
MEDIAN_H100E = "Compute estimate in H100e (median)"


def _sig(value: float) -> str:
    """Six significant digits; strips float noise such as 5.0000000000001e+26."""
    return "" if pd.isna(value) else format(float(value), ".6g")


def _unique_join(text: str) -> str:
    """'USA,USA,UK' -> 'USA,UK' (Epoch repeats a country per author affiliation)."""
    return ",".join(dict.fromkeys(part.strip() for part in text.split(",")))


def year_fraction(dates: pd.Series) -> pd.Series:
    """Decimal year: year + (day of year - 1) / days in that year."""
    days = np.where(dates.dt.is_leap_year, 366, 365)
    return dates.dt.year + (dates.dt.day_of_year - 1) / days


def build_frontier_models(raw: Path) -> pd.DataFrame:
    """Epoch-flagged frontier models (running top 10 at release) with a compute estimate.

    The 2026 addendum has no "Frontier model" column, so it adds no rows.
    """
    df = pd.read_csv(raw / "epoch_ai_models" / "notable_ai_models_2026-01_trimmed.csv", dtype=str)
    flag = df["Frontier model"].fillna("").str.strip().str.lower() == "true"
    flop = pd.to_numeric(df["Training compute (FLOP)"], errors="coerce")
    dates = pd.to_datetime(df["Publication date"], format="%Y-%m-%d")
    keep = flag & flop.notna() & (dates >= FRONTIER_START)
    out = pd.DataFrame(
        {
            "model": df["Model"].str.strip(),
            "organization": df["Organization"].str.strip(),
            "country": df["Country (of organization)"].fillna("").map(_unique_join),
            "publication_date": dates.dt.strftime("%Y-%m-%d"),
            "year_fraction": year_fraction(dates),
            "training_compute_flop": flop.map(_sig),
            "confidence": df["Confidence"],
        }
    )[keep]
    if out["model"].duplicated().any():
        raise ValueError("duplicate model names among frontier models")
    return out.sort_values(["publication_date", "model"]).reset_index(drop=True)


def build_agi_compute_requirements(raw: Path) -> pd.DataFrame:
    """Published compute (and time-horizon) requirements for AGI / full automation."""
    path = raw / "agi_compute_requirements" / "published_agi_compute_requirements.csv"
    df = pd.read_csv(path, dtype=str)
    for col in df.columns:
        df[col] = df[col].str.split().str.join(" ")
    # "same as above" / "same file" point to the previous row's source.
    df["source"] = df["source"].mask(df["source"].str.lower().str.startswith("same")).ffill()
    for col in ("central", "low", "high"):
        df[col] = pd.to_numeric(df[col]).map(_sig)
    cols = ["model", "quantity", "central", "low", "high", "units", "source"]
    return df[cols].sort_values(["model", "quantity"]).reset_index(drop=True)


def _vendor_totals(raw: Path, prefix: str) -> pd.Series:
    """Cumulative median H100e by quarter-end date for one chip designer."""
    df = pd.read_csv(raw / "epoch_ai_chip_sales" / "sales" / f"{prefix}_cumulative_totals.csv")
    end = pd.to_datetime(df["End date"], format="%m/%d/%Y").dt.strftime("%Y-%m-%d")
    return pd.Series(df[MEDIAN_H100E].to_numpy(), index=end.to_numpy())


def _owner_stock(raw: Path) -> pd.DataFrame:
    """All owner rows (four designers, incl. Nvidia "Other") with ISO end dates."""
    files = sorted((raw / "epoch_ai_chip_sales" / "owners").glob("*_owners_*cumulative_totals.csv"))
    df = pd.concat([pd.read_csv(f, usecols=["Owner", "End date", MEDIAN_H100E]) for f in files])
    df["end"] = pd.to_datetime(df["End date"], format="%m/%d/%Y").dt.strftime("%Y-%m-%d")
    return df


def build_ai_chip_stock(raw: Path) -> pd.DataFrame:
    """Cumulative AI-chip stock (median H100e) per quarter end, 2022Q1-2025Q4.

    ``world_h100e`` sums the designers' medians (Epoch's sales totals); the
    China share divides China-owned stock by the stock the owner files track.
    """
    stock = pd.DataFrame(
        {col: _vendor_totals(raw, prefix) for prefix, col in CHIP_VENDORS.items()}
    ).sort_index()
    stock = stock[stock.index <= "2025-12-31"]
    stock["world_h100e"] = stock[list(CHIP_VENDORS.values())].sum(axis=1, min_count=1)
    stock["n_designers"] = stock[list(CHIP_VENDORS.values())].notna().sum(axis=1)
    owners = _owner_stock(raw)
    stock["owner_tracked_h100e"] = owners.groupby("end")[MEDIAN_H100E].sum()
    china = owners[owners["Owner"] == "China"].groupby("end")[MEDIAN_H100E].sum()
    stock["china_owned_h100e"] = china.reindex(stock.index).fillna(0)
    stock["china_share_of_owner_tracked"] = (
        stock["china_owned_h100e"] / stock["owner_tracked_h100e"]
    )
    stock = stock.rename_axis("quarter_end").reset_index()
    dates = pd.to_datetime(stock["quarter_end"])
    stock.insert(1, "year", dates.dt.year)
    stock.insert(2, "quarter", dates.dt.quarter)
    ints = [*CHIP_VENDORS.values(), "world_h100e", "owner_tracked_h100e", "china_owned_h100e"]
    for col in ints:
        stock[col] = stock[col].astype("Int64")
    return stock


def build_chip_production_projections(raw: Path) -> pd.DataFrame:
    """CTS projected annual AI-chip production, US/allied vs China, 2026-2035."""
    path = raw / "chip_production_projections" / "cts_duv_ai_chip_production_2026_2035.csv"
    df = pd.read_csv(path, dtype={"scenario": str})
    df["scenario"] = df["scenario"].fillna("")
    df = df.rename(columns={q: f"{q}_million_h100e_per_year" for q in ("p10", "p50", "p90")})
    return df.sort_values(["year", "region", "scenario"]).reset_index(drop=True)


def _country_group(country: object) -> str:
    """Map an Epoch GPU-cluster country to United States / China / Gulf / Other / Unknown."""
    if not isinstance(country, str) or not country.strip():
        return "Unknown"
    country = country.strip()
    if country == "United States of America":
        return "United States"
    if country == "China":
        return "China"
    return "Gulf" if country in GULF else "Other"


def _clusters(raw: Path) -> pd.DataFrame:
    df = pd.read_csv(raw / "epoch_gpu_clusters" / "gpu_clusters.csv")
    df["status"] = df["Status"].str.strip().str.lower()
    return df[df["status"].isin(["existing", "planned"])].copy()


def build_gpu_cluster_shares(raw: Path) -> pd.DataFrame:
    """H100e of existing and planned GPU clusters by country group (raw sums, no dedup).

    Shares are of H100e in rows with a country; "Unknown" rows are listed with no share.
    """
    df = _clusters(raw)
    df["country_group"] = df["Country"].map(_country_group)
    out = (
        df.groupby(["status", "country_group"])
        .agg(
            n_clusters=("Name", "size"),
            n_clusters_with_h100e=("H100 equivalents", "count"),
            h100e=("H100 equivalents", "sum"),
        )
        .reset_index()
    )
    located = out["country_group"] != "Unknown"
    totals = out[located].groupby("status")["h100e"].transform("sum")
    out["share_of_located_h100e"] = (out["h100e"] / totals).where(located)
    return out.sort_values(["status", "country_group"]).reset_index(drop=True)


def build_tables(raw: Path) -> dict[str, pd.DataFrame]:
    """All compute tables, keyed by file name."""
    return {
        "frontier_models.csv": build_frontier_models(raw),
        "agi_compute_requirements.csv": build_agi_compute_requirements(raw),
        "ai_chip_stock.csv": build_ai_chip_stock(raw),
        "chip_production_projections.csv": build_chip_production_projections(raw),
        "gpu_cluster_shares.csv": build_gpu_cluster_shares(raw),
    }


def frontier_growth(
    models: pd.DataFrame, start: str = FIT_START, end: str = FIT_END
) -> tuple[float, int]:
    """OLS of log10 FLOP on year fraction; returns (growth factor per year, n)."""
    window = models[(models["publication_date"] >= start) & (models["publication_date"] <= end)]
    slope = np.polyfit(window["year_fraction"], np.log10(window["training_compute_flop"]), 1)[0]
    return float(10**slope), len(window)


def run_checks(raw: Path, out: Path) -> list[tuple[bool, str]]:
    """Check the written compute tables against the raw READMEs' headline figures."""
    checks: list[tuple[bool, str]] = []
    models = pd.read_csv(out / "frontier_models.csv")
    growth, n = frontier_growth(models)
    ok = abs(growth - FIT_EXPECTED_GROWTH) < 0.05 and n == FIT_EXPECTED_N
    checks.append(
        (ok, f"frontier compute growth 2018-2025: {growth:.2f}x/yr (n={n}) vs 4.8 (n=44)")
    )
    to_2025 = models[models["publication_date"] <= "2025-12-31"]
    top = to_2025.loc[to_2025["training_compute_flop"].idxmax()]
    ok = top["model"] == LARGEST_RUN[0] and top["training_compute_flop"] == LARGEST_RUN[1]
    msg = f"largest run through 2025: {top['model']} {top['training_compute_flop']:.3g} FLOP"
    checks.append((ok, f"{msg} ({top['publication_date']}) vs Grok 4 5e+26"))

    stock = pd.read_csv(out / "ai_chip_stock.csv").set_index("quarter_end")
    world = stock.loc["2025-12-31", "world_h100e"] / 1e6
    ok = abs(world - WORLD_STOCK_END_2025_M) < 0.05
    checks.append((ok, f"world AI-chip stock end-2025: {world:.2f} M H100e vs 19.7 (README)"))
    for date, want in CHINA_SHARE.items():
        got = stock.loc[date, "china_share_of_owner_tracked"]
        checks.append((abs(got - want) < 0.001, f"China share {date}: {got:.4f} vs {want}"))

    shares = pd.read_csv(out / "gpu_cluster_shares.csv").set_index(["status", "country_group"])
    for key, want in CLUSTER_SHARES.items():
        got = shares.loc[key, "share_of_located_h100e"]
        checks.append((abs(got - want) < 0.006, f"GPU clusters {key}: {got:.3f} vs {want}"))
    planned = _clusters(raw)
    planned = planned[(planned["status"] == "planned") & planned["Country"].notna()]
    by_country = (
        planned.groupby("Country")["H100 equivalents"].sum() / planned["H100 equivalents"].sum()
    )
    for country, want in PLANNED_GULF_MEMBERS.items():
        got = float(by_country.get(country, 0.0))
        checks.append((abs(got - want) < 0.006, f"planned clusters {country}: {got:.3f} vs {want}"))
    return checks
