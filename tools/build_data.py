"""Build plowshare's curated CSV tables from the raw public data.

The raw folder (default ``<repo>/../shared/data/raw``) holds public data files,
each folder with a README naming its source. This script selects columns,
cleans and aggregates them into small deterministic tables in
``src/plowshare/data/``. It never copies a raw file verbatim.

Usage::

    .venv/bin/python tools/build_data.py [--raw DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import pandas as pd


def _load_sibling(name: str) -> ModuleType:
    """Import a module from tools/ (not a package) whether run as a script or loaded by path."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    if spec is None or spec.loader is None:
        raise ImportError(name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: Builders for the AI-compute tables (frontier models, chips, clusters).
compute = _load_sibling("build_compute_tables")
#: Builders for the labour tables (occupation exposure, states, tech diffusion).
labor = _load_sibling("build_labor_tables")
#: Builders for the data-centre siting table (states + GULF/CHINA/OTHER).
sites = _load_sibling("build_site_tables")

#: Which bibliography entries (keys of data_sources.toml) each table comes from.
TABLE_SOURCES: dict[str, list[str]] = {
    "us_gdp.csv": ["cbo-2025-outlook", "bea-sagdp1-2026"],
    "ai_capex.csv": ["platformonomics-capex"],
    "ai_capex_totals.csv": ["platformonomics-capex"],
    "us_employment_wages.csv": ["bls-oews-2024", "bls-oews-2025"],
    "us_population.csv": ["census-2025-nst-est"],
    **compute.TABLE_SOURCES,
    **labor.TABLE_SOURCES,
    **sites.TABLE_SOURCES,
}

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RAW = REPO_ROOT.parent / "shared" / "data" / "raw"
DEFAULT_OUT = REPO_ROOT / "src" / "plowshare" / "data"

#: Last quarter of CBO history: "actual values reflect data released as of
#: December 4, 2024" (CBO_README.txt), i.e. through 2024q3; later quarters are projected.
CBO_LAST_HISTORY_QUARTER = "2024q3"
GDP_YEARS = range(2000, 2036)
BIG4 = ("Alphabet", "Amazon", "Meta", "Microsoft")
#: Reported four-company totals (platformonomics "Follow the CAPEX" 2025 retrospective).
CAPEX_REPORTED_TOTALS = {2024: 251.0, 2025: 416.0}
#: AUDIT.md headline OEWS job counts, millions.
OEWS_HEADLINE_JOBS_M = {2024: 154.19, 2025: 155.48}


def write_table(df: pd.DataFrame, path: Path, decimals: dict[str, int] | None = None) -> int:
    """Write ``df`` as CSV with fixed float formatting; return the row count.

    Columns named in ``decimals`` are printed with that many decimals; other
    float columns holding whole numbers are printed as integers. Missing values
    are written as empty fields and booleans as ``true``/``false``.
    """
    decimals = decimals or {}
    out = pd.DataFrame(index=df.index)
    for col in df.columns:
        out[col] = [_format_value(v, decimals.get(col)) for v in df[col]]
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, lineterminator="\n")
    return len(out)


def _format_value(value: object, ndigits: int | None) -> str:
    """Format one cell deterministically."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if ndigits is None:
            if not value.is_integer():
                raise ValueError(f"float {value!r} needs an explicit decimals entry")
            return str(int(value))
        return f"{value:.{ndigits}f}"
    return str(value)


def build_us_gdp(raw: Path) -> pd.DataFrame:
    """Annual US GDP from CBO's January 2025 quarterly file, plus BEA actuals.

    Annual levels are means of the four quarterly SAAR values; a year is a
    projection if any of its quarters falls after CBO's last historical quarter.
    """
    q = pd.read_csv(
        raw / "cbo_us_gdp" / "CBO_Quarterly_January2025.csv", usecols=["date", "gdp", "real_gdp"]
    )
    q["year"] = q["date"].str[:4].astype(int)
    q["projected"] = q["date"] > CBO_LAST_HISTORY_QUARTER
    annual = q.groupby("year").agg(
        nominal_gdp_usd_bn=("gdp", "mean"),
        real_gdp_usd_bn_2017=("real_gdp", "mean"),
        n_quarters=("gdp", "count"),
        is_projection=("projected", "any"),
    )
    if (annual["n_quarters"] != 4).any():
        raise ValueError("CBO quarterly file has an incomplete year")
    annual["real_growth_pct"] = annual["real_gdp_usd_bn_2017"].pct_change() * 100
    annual = annual.loc[list(GDP_YEARS)].reset_index()
    bea = pd.read_csv(raw / "cbo_us_gdp" / "us_gdp_annual_cbo_jan2025_vs_bea.csv")
    bea = bea[["year", "bea_nominal_gdp_bil"]].rename(
        columns={"bea_nominal_gdp_bil": "bea_nominal_gdp_usd_bn"}
    )
    annual = annual.merge(bea, on="year", how="left")
    annual["is_projection"] = annual["is_projection"].astype(bool)
    cols = ["year", "nominal_gdp_usd_bn", "real_gdp_usd_bn_2017", "real_growth_pct"]
    return annual[[*cols, "is_projection", "bea_nominal_gdp_usd_bn"]].sort_values("year")


def build_ai_capex(raw: Path) -> pd.DataFrame:
    """Per-company capex rows, with "same as above" source URLs resolved.

    The "Big four total" rows (AUDIT.md) are dropped; they feed the checks only.
    """
    df = pd.read_csv(raw / "hyperscaler_capex" / "big4_capex_2017_2026.csv", dtype=str)
    df["source"] = df["source"].str.strip().replace("same as above", pd.NA).ffill()
    df = df[df["company"].isin(BIG4)].copy()
    if len(df) != len(df.drop_duplicates(["company", "year"])):
        raise ValueError("duplicate company x year rows in capex file")
    for col in ("capex_usd_bn", "low_usd_bn", "high_usd_bn"):
        df[col] = pd.to_numeric(df[col]).astype(float)
    df["year"] = df["year"].astype(int)
    df = df.rename(columns={"source": "source_url"})
    cols = ["company", "year", "capex_usd_bn", "low_usd_bn", "high_usd_bn"]
    cols += ["status", "basis", "source_type", "source_url"]
    return df[cols].sort_values(["year", "company"]).reset_index(drop=True)


def build_ai_capex_totals(capex: pd.DataFrame) -> pd.DataFrame:
    """Big-four capex per year: a total only where all four companies have a value.

    For 2026 the values are guidance midpoints; Microsoft gives no calendar-2026
    guidance, so the 2026 big-four total is left empty (``sum_available_usd_bn``
    shows the three-company sum).
    """
    have = capex.dropna(subset=["capex_usd_bn"])
    grouped = have.groupby("year")["capex_usd_bn"]
    totals = pd.DataFrame(
        {"n_companies": grouped.count(), "sum_available_usd_bn": grouped.sum()}
    ).reindex(sorted(capex["year"].unique()))
    totals["n_companies"] = totals["n_companies"].fillna(0).astype(int)
    complete = totals["n_companies"] == len(BIG4)
    totals["big4_capex_usd_bn"] = totals["sum_available_usd_bn"].where(complete)
    totals["growth_pct"] = totals["big4_capex_usd_bn"].pct_change(fill_method=None) * 100
    totals = totals.rename_axis("year").reset_index()
    cols = ["year", "big4_capex_usd_bn", "n_companies", "sum_available_usd_bn", "growth_pct"]
    return totals[cols]


def _oews_frame(raw: Path, year: int) -> pd.DataFrame:
    """Detailed-occupation employment and mean wage for one OEWS year."""
    if year == 2024:
        df = pd.read_csv(raw / "oews" / "national_M2024_dl.csv", dtype=str)
        df = df[df["O_GROUP"] == "detailed"]
        df = df.rename(columns={"OCC_CODE": "soc", "TOT_EMP": "emp", "A_MEAN": "mean"})
    else:
        df = pd.read_csv(raw / "oews" / "national_M2025_detailed.csv", dtype=str)
        df = df.rename(columns={"soc_code": "soc", "tot_emp": "emp", "a_mean": "mean"})
    # "*" marks a suppressed wage: those occupations count for jobs, not the wage bill.
    out = pd.DataFrame(
        {
            "soc": df["soc"],
            "emp": pd.to_numeric(df["emp"], errors="coerce"),
            "mean": pd.to_numeric(df["mean"], errors="coerce"),
        }
    )
    if out["emp"].isna().any() or out["soc"].duplicated().any():
        raise ValueError(f"OEWS {year}: missing employment or duplicate SOC codes")
    return out


def _oews_all_occupations(raw: Path) -> pd.Series:
    """The May 2024 "All Occupations" (00-0000) row."""
    df = pd.read_csv(raw / "oews" / "national_M2024_dl.csv", dtype=str)
    row = df[(df["OCC_CODE"] == "00-0000") & (df["O_GROUP"] == "total")]
    if len(row) != 1:
        raise ValueError("OEWS 2024: expected one all-occupations row")
    return row.iloc[0]


def build_us_employment_wages(raw: Path) -> pd.DataFrame:
    """National employment, wages and wage bill for May 2024 and May 2025.

    ``total_employment`` sums detailed occupations in both years; the mean wage
    is employment-weighted over occupations with a published mean. The median
    comes from the all-occupations row, which only the 2024 file has.
    """
    rows = []
    for year in (2024, 2025):
        occ = _oews_frame(raw, year)
        paid = occ.dropna(subset=["mean"])
        bill = float((paid["emp"] * paid["mean"]).sum())
        rows.append(
            {
                "year": year,
                "total_employment": int(occ["emp"].sum()),
                "n_occupations": len(occ),
                "median_annual_wage_usd": float("nan"),
                "mean_annual_wage_usd": bill / float(paid["emp"].sum()),
                "wage_bill_usd_bn": bill / 1e9,
            }
        )
    df = pd.DataFrame(rows)
    total = _oews_all_occupations(raw)
    df.loc[df["year"] == 2024, "median_annual_wage_usd"] = float(total["A_MEDIAN"])
    return df


def build_us_population(raw: Path) -> pd.DataFrame:
    """US resident population, July 1 of 2020-2025 (Census Vintage 2025)."""
    df = pd.read_csv(raw / "census_state_population" / "NST-EST2025-ALLDATA.csv", dtype=str)
    us = df[df["SUMLEV"] == "010"]
    if len(us) != 1 or us.iloc[0]["NAME"] != "United States":
        raise ValueError("Census file: expected one United States row")
    years = range(2020, 2026)
    pop = [int(us.iloc[0][f"POPESTIMATE{y}"]) for y in years]
    return pd.DataFrame({"year": list(years), "resident_population": pop})


def build_all(raw_dir: Path, out_dir: Path) -> dict[str, int]:
    """Build every table from ``raw_dir`` into ``out_dir``; return rows per table."""
    capex = build_ai_capex(raw_dir)
    tables: dict[str, tuple[pd.DataFrame, dict[str, int]]] = {
        "us_gdp.csv": (
            build_us_gdp(raw_dir),
            {
                "nominal_gdp_usd_bn": 1,
                "real_gdp_usd_bn_2017": 1,
                "real_growth_pct": 2,
                "bea_nominal_gdp_usd_bn": 1,
            },
        ),
        "ai_capex.csv": (capex, dict.fromkeys(("capex_usd_bn", "low_usd_bn", "high_usd_bn"), 2)),
        "ai_capex_totals.csv": (
            build_ai_capex_totals(capex),
            {"big4_capex_usd_bn": 2, "sum_available_usd_bn": 2, "growth_pct": 1},
        ),
        "us_employment_wages.csv": (
            build_us_employment_wages(raw_dir),
            {"median_annual_wage_usd": 0, "mean_annual_wage_usd": 0, "wage_bill_usd_bn": 1},
        ),
        "us_population.csv": (build_us_population(raw_dir), {}),
    }
    for module in (compute, labor, sites):
        for name, df in module.build_tables(raw_dir).items():
            tables[name] = (df, module.DECIMALS[name])
    if set(tables) != set(TABLE_SOURCES):
        raise RuntimeError("TABLE_SOURCES and the built tables disagree")
    return {name: write_table(df, out_dir / name, dec) for name, (df, dec) in tables.items()}


def run_checks(raw_dir: Path, out_dir: Path) -> list[tuple[bool, str]]:
    """Compare the written tables with the headline figures in the raw READMEs/AUDIT."""
    checks: list[tuple[bool, str]] = []
    totals = pd.read_csv(out_dir / "ai_capex_totals.csv").set_index("year")
    for year, want in CAPEX_REPORTED_TOTALS.items():
        got = float(totals.loc[year, "big4_capex_usd_bn"])
        checks.append(
            (abs(got - want) <= 2, f"big-four capex {year}: {got:.2f} $bn vs {want:.0f} reported")
        )
    wages = pd.read_csv(out_dir / "us_employment_wages.csv").set_index("year")
    for year, want in OEWS_HEADLINE_JOBS_M.items():
        got = wages.loc[year, "total_employment"] / 1e6
        checks.append(
            (abs(got - want) < 0.01, f"OEWS {year} jobs: {got:.2f} M vs {want} M (AUDIT.md)")
        )
    total = _oews_all_occupations(raw_dir)
    for col, key in (("total_employment", "TOT_EMP"), ("mean_annual_wage_usd", "A_MEAN")):
        got, want = float(wages.loc[2024, col]), float(total[key])
        ok = abs(got / want - 1) < 0.001
        checks.append((ok, f"OEWS 2024 {col}: {got:,.0f} vs all-occupations row {want:,.0f}"))
    checks.append(_check_gdp_annual(raw_dir, out_dir))
    checks.extend(compute.run_checks(raw_dir, out_dir))
    checks.extend(labor.run_checks(raw_dir, out_dir))
    checks.extend(sites.run_checks(raw_dir, out_dir))
    return checks


def _check_gdp_annual(raw_dir: Path, out_dir: Path) -> tuple[bool, str]:
    """Our quarterly means must match the raw folder's derived annual file."""
    ours = pd.read_csv(out_dir / "us_gdp.csv").set_index("year")
    ref = pd.read_csv(raw_dir / "cbo_us_gdp" / "us_gdp_annual_cbo_jan2025_vs_bea.csv")
    ref = ref.set_index("year")
    years = ref.index.intersection(ours.index)
    diff = (ours.loc[years, "nominal_gdp_usd_bn"] - ref.loc[years, "nominal_gdp_bil"]).abs().max()
    gdp24 = ours.loc[2024, "nominal_gdp_usd_bn"]
    msg = f"CBO annual GDP vs raw annual file: max |diff| {diff:.2f} $bn; 2024 = {gdp24:,.1f} $bn"
    return bool(diff <= 0.1), msg


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(description="Build the curated tables from raw data.")
    parser.add_argument("--raw", type=Path, default=DEFAULT_RAW, help="raw data folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    raw: Path = args.raw
    if not raw.is_dir():
        print(f"error: raw data folder not found: {raw}", file=sys.stderr)
        return 2
    counts = build_all(raw, args.out)
    for name, n in counts.items():
        print(f"wrote {args.out / name}: {n} rows")
    failed = 0
    for ok, msg in run_checks(raw, args.out):
        failed += not ok
        print(f"check {'ok  ' if ok else 'FAIL'} {msg}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
