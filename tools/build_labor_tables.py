"""Builders and checks for plowshare's labour-exposure tables (imported by build_data.py).

``occupations.csv`` joins OEWS May 2025 national employment and wages to five
occupational AI-exposure measures; ``state_major_group.csv`` aggregates the
OEWS state file by SOC major group with an employment-weighted GPT-4 beta;
``tech_diffusion.csv`` gives US adoption lags from Our World in Data.
``run_checks`` compares the written tables with AUDIT.md and the figures in
``shared/research/labor-displacement.md``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

#: Which bibliography entries each labour table comes from.
TABLE_SOURCES: dict[str, list[str]] = {
    "occupations.csv": [
        "bls-oews-2025",
        "eloundou-2024-gpts",
        "tomlinson-2025-working-with-ai",
        "felten-2021-aioe",
        "aei-2026-economic-index",
    ],
    "state_major_group.csv": ["bls-oews-2025-state", "eloundou-2024-gpts"],
    "tech_diffusion.csv": ["owid-2022-tech-diffusion"],
}

EXPOSURES = ("beta_gpt4", "beta_human", "gamma_gpt4", "alpha_gpt4")
SCORES = (*EXPOSURES, "msft_applicability", "aioe", "aei_automation_share")
DECIMALS: dict[str, dict[str, int]] = {
    "occupations.csv": dict.fromkeys(SCORES, 4),
    "state_major_group.csv": {"beta_gpt4_mean": 4},
    "tech_diffusion.csv": {
        "start_pct": 1,
        "max_pct": 1,
        "year_10pct": 1,
        "years_10_to_50": 1,
        "years_10_to_80": 1,
    },
}

#: GPTs-are-GPTs occ_level columns -> our names.
GPTS_COLUMNS = {
    "dv_rating_beta": "beta_gpt4",
    "human_rating_beta": "beta_human",
    "dv_rating_gamma": "gamma_gpt4",
    "dv_rating_alpha": "alpha_gpt4",
}

#: SOC 2018 major groups (BLS SOC structure; 55 Military Specific is not in OEWS).
MAJOR_GROUPS = {
    "11": "Management Occupations",
    "13": "Business and Financial Operations Occupations",
    "15": "Computer and Mathematical Occupations",
    "17": "Architecture and Engineering Occupations",
    "19": "Life, Physical, and Social Science Occupations",
    "21": "Community and Social Service Occupations",
    "23": "Legal Occupations",
    "25": "Educational Instruction and Library Occupations",
    "27": "Arts, Design, Entertainment, Sports, and Media Occupations",
    "29": "Healthcare Practitioners and Technical Occupations",
    "31": "Healthcare Support Occupations",
    "33": "Protective Service Occupations",
    "35": "Food Preparation and Serving Related Occupations",
    "37": "Building and Grounds Cleaning and Maintenance Occupations",
    "39": "Personal Care and Service Occupations",
    "41": "Sales and Related Occupations",
    "43": "Office and Administrative Support Occupations",
    "45": "Farming, Fishing, and Forestry Occupations",
    "47": "Construction and Extraction Occupations",
    "49": "Installation, Maintenance, and Repair Occupations",
    "51": "Production Occupations",
    "53": "Transportation and Material Moving Occupations",
}

#: Census/BLS state FIPS code -> USPS abbreviation (50 states + DC).
FIPS_TO_USPS = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT",
    "10": "DE", "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL",
    "18": "IN", "19": "IA", "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD",
    "25": "MA", "26": "MI", "27": "MN", "28": "MS", "29": "MO", "30": "MT", "31": "NE",
    "32": "NV", "33": "NH", "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND",
    "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD",
    "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA", "54": "WV",
    "55": "WI", "56": "WY",
}  # fmt: skip

#: Headline figures: AUDIT.md (jobs, matched shares) and labor-displacement.md (betas).
OEWS_2025_JOBS_M = 155.48
MATCHED_SHARE = {"beta_gpt4": 0.967, "msft_applicability": 0.987, "aioe": 0.791}
NATIONAL_BETA = 0.349  # OEWS 2024 join, 92.6 % of jobs (research notes)
STATE_BETA = {"DC": 0.421, "MD": 0.367, "MA": 0.363, "MS": 0.304, "NV": 0.308}
DIFFUSION_LAGS = {  # years 10->50 and 10->80 (research notes, first year at/above)
    "Electric power": (17, 34),
    "Internet": (9, 19),
    "Cellular phone": (8, 15),
    "Social media usage": (5, 11),
}


def _gpts_scores(raw: Path, codes: pd.Series) -> pd.DataFrame:
    """Eloundou et al. exposures per OEWS code, detailed match first, then broad.

    O*NET-SOC codes (15-1252.00) are cut to 6-digit SOC (code[:7]) and averaged.
    OEWS codes that are SOC broad codes (XX-XXX0, published where BLS has no
    detail) take the mean over all O*NET codes in that broad group.
    """
    g = pd.read_csv(raw / "gpts_are_gpts" / "occ_level.csv")
    g = g.rename(columns=GPTS_COLUMNS)
    g["soc"] = g["O*NET-SOC Code"].str[:7]
    g["broad"] = g["soc"].str[:6] + "0"
    cols = list(GPTS_COLUMNS.values())
    detailed = g.groupby("soc")[cols].mean().reindex(codes)
    broad = g.groupby("broad")[cols].mean().reindex(codes)
    broad.loc[~codes.str.endswith("0").to_numpy()] = np.nan
    out = detailed.fillna(broad).reset_index(drop=True)
    out["gpts_match"] = np.where(
        detailed["beta_gpt4"].notna(), "detailed", np.where(out["beta_gpt4"].notna(), "broad", "")
    )
    return out


def build_occupations(raw: Path) -> pd.DataFrame:
    """OEWS May 2025 detailed occupations with wages and AI-exposure scores."""
    n = pd.read_csv(raw / "oews" / "national_M2025_detailed.csv", dtype={"soc_code": str})
    if n["soc_code"].duplicated().any() or n["tot_emp"].isna().any():
        raise ValueError("OEWS 2025: duplicate codes or missing employment")
    codes = n["soc_code"]
    df = pd.DataFrame(
        {
            "soc_code": codes,
            "title": n["occ_title"],
            "major_group": codes.str[:2],
            "major_group_title": codes.str[:2].map(MAJOR_GROUPS),
            "employment": n["tot_emp"].astype(int),
            "median_wage_usd": n["a_median"].astype(float),
            "mean_wage_usd": n["a_mean"].astype(float),
        }
    )
    if df["major_group_title"].isna().any():
        raise ValueError("OEWS 2025: unknown SOC major group")
    df = pd.concat([df, _gpts_scores(raw, codes)], axis=1)
    msft = pd.read_csv(raw / "msft_working_with_ai" / "soc_ai_applicability_scores.csv")
    df["msft_applicability"] = codes.map(msft.set_index("SOC Code")["ai_applicability_score"])
    aioe = pd.read_csv(raw / "aioe" / "aioe_occupation.csv").set_index("soc_code")["aioe"]
    df["aioe"] = codes.map((aioe - aioe.min()) / (aioe.max() - aioe.min()))
    aei = pd.read_csv(raw / "anthropic_economic_index" / "aei_occupation_level_derived.csv")
    df["aei_automation_share"] = codes.map(aei.set_index("soc_code")["automation_frac_nov2025"])
    scores = df[list(SCORES)].to_numpy()
    if np.nanmin(scores) < 0 or np.nanmax(scores) > 1:
        raise ValueError("an exposure score lies outside [0, 1]")
    return df.sort_values("soc_code").reset_index(drop=True)


def build_state_major_group(raw: Path, occupations: pd.DataFrame) -> pd.DataFrame:
    """OEWS May 2025 state employment by SOC major group, with mean GPT-4 beta.

    Suppressed (blank) state cells count as zero jobs and are tallied in
    ``n_suppressed``. ``beta_gpt4_mean`` weights the national occupation beta
    by state employment over occupations that have a beta.
    """
    s = pd.read_csv(
        raw / "oews" / "state_M2025_detailed.csv", dtype={"state_fips": str, "soc_code": str}
    )
    s["state"] = s["state_fips"].map(FIPS_TO_USPS)
    if s["state"].isna().any():
        raise ValueError("OEWS state file: unknown FIPS code")
    s["major_group"] = s["soc_code"].str[:2]
    s["suppressed"] = s["tot_emp"].isna()
    s["emp"] = s["tot_emp"].fillna(0)
    s["beta"] = s["soc_code"].map(occupations.set_index("soc_code")["beta_gpt4"])
    s["emp_b"] = s["emp"].where(s["beta"].notna(), 0)
    s["emp_x_beta"] = s["emp_b"] * s["beta"].fillna(0)
    out = (
        s.groupby(["state", "major_group"])
        .agg(
            employment=("emp", "sum"),
            n_occupations=("soc_code", "size"),
            n_suppressed=("suppressed", "sum"),
            beta_matched_employment=("emp_b", "sum"),
            emp_x_beta=("emp_x_beta", "sum"),
        )
        .reset_index()
    )
    out["beta_gpt4_mean"] = out["emp_x_beta"] / out["beta_matched_employment"].replace(0, np.nan)
    for col in ("employment", "beta_matched_employment"):
        out[col] = out[col].astype(int)
    return out.drop(columns="emp_x_beta").sort_values(["state", "major_group"])


def _first_crossing(years: np.ndarray, pct: np.ndarray, level: float) -> float:
    """Year adoption first reaches ``level`` %, linearly interpolated between observations.

    NaN if never reached, or if the series already starts above ``level``.
    """
    above = np.flatnonzero(pct >= level)
    if not above.size:
        return float("nan")
    i = int(above[0])
    if i == 0:
        return float(years[0]) if pct[0] == level else float("nan")
    frac = (level - pct[i - 1]) / (pct[i] - pct[i - 1])
    return float(years[i - 1] + frac * (years[i] - years[i - 1]))


def build_tech_diffusion(raw: Path) -> pd.DataFrame:
    """Years from 10 % to 50 % and to 80 % US adoption, per technology.

    Keeps technologies whose series crosses both 10 % and 50 %; the 10->80
    lag is empty where 80 % is never reached.
    """
    df = pd.read_csv(raw / "tech_diffusion" / "owid_us_technology_adoption.csv")
    df.columns = ["technology", "year", "pct"]
    rows = []
    for tech, g in df.sort_values("year").groupby("technology"):
        years, pct = g["year"].to_numpy(float), g["pct"].to_numpy(float)
        y10, y50, y80 = (_first_crossing(years, pct, lv) for lv in (10, 50, 80))
        rows.append(
            {
                "technology": tech,
                "first_year": int(years[0]),
                "last_year": int(years[-1]),
                "n_years": len(g),
                "start_pct": pct[0],
                "max_pct": pct.max(),
                "year_10pct": y10,
                "years_10_to_50": y50 - y10,
                "years_10_to_80": y80 - y10,
            }
        )
    out = pd.DataFrame(rows).dropna(subset=["years_10_to_50"])
    return out.sort_values("technology").reset_index(drop=True)


def build_tables(raw: Path) -> dict[str, pd.DataFrame]:
    """All labour tables, keyed by file name."""
    occ = build_occupations(raw)
    return {
        "occupations.csv": occ,
        "state_major_group.csv": build_state_major_group(raw, occ),
        "tech_diffusion.csv": build_tech_diffusion(raw),
    }


def matched_share(occ: pd.DataFrame, col: str) -> float:
    """Share of employment in occupations with a value in ``col``."""
    return float(occ.loc[occ[col].notna(), "employment"].sum() / occ["employment"].sum())


def weighted_mean(df: pd.DataFrame, col: str, weight: str = "employment") -> float:
    """Weighted mean of ``col`` over rows where it is present."""
    have = df[df[col].notna()]
    return float((have[col] * have[weight]).sum() / have[weight].sum())


def state_beta(states: pd.DataFrame) -> pd.Series:
    """Employment-weighted mean beta per job for each state, over all major groups."""
    s = states.dropna(subset=["beta_gpt4_mean"])
    num = (s["beta_gpt4_mean"] * s["beta_matched_employment"]).groupby(s["state"]).sum()
    return num / s.groupby("state")["beta_matched_employment"].sum()


def run_checks(raw: Path, out: Path) -> list[tuple[bool, str]]:
    """Check the written labour tables against AUDIT.md and the research notes."""
    checks: list[tuple[bool, str]] = []
    occ = pd.read_csv(out / "occupations.csv", dtype={"soc_code": str, "major_group": str})
    jobs = occ["employment"].sum() / 1e6
    msg = f"occupations: {len(occ)} rows, {jobs:.2f} M jobs vs {OEWS_2025_JOBS_M} M (AUDIT.md)"
    checks.append((len(occ) == 830 and abs(jobs - OEWS_2025_JOBS_M) < 0.01, msg))
    for col in SCORES:
        got, want = matched_share(occ, col), MATCHED_SHARE.get(col)
        ok = want is None or abs(got - want) < 0.002
        ref = f" vs {want:.1%} (AUDIT.md)" if want else ""
        checks.append((ok, f"{col}: {occ[col].notna().sum()} codes, {got:.1%} of jobs{ref}"))
    beta = weighted_mean(occ, "beta_gpt4")
    msg = f"mean beta_gpt4 per job (OEWS 2025): {beta:.3f} vs {NATIONAL_BETA} on OEWS 2024"
    checks.append((abs(beta - NATIONAL_BETA) < 0.02, msg))
    bls = pd.read_csv(raw / "oews" / "national_M2024_dl.csv", dtype=str)
    bls = bls[bls["O_GROUP"] == "major"]
    ok = (
        dict(zip(bls["OCC_CODE"].str[:2], bls["OCC_TITLE"], strict=True)) == MAJOR_GROUPS
        and occ["major_group"].nunique() == 22
    )
    checks.append((ok, "22 major-group titles equal the OEWS 2024 major rows"))

    states = pd.read_csv(out / "state_major_group.csv", dtype={"major_group": str})
    total = states["employment"].sum() / 1e6
    msg = f"states: {states['state'].nunique()}, {total:.2f} M jobs"
    msg += f" = {total / jobs - 1:+.2%} vs national (suppressed cells: "
    msg += f"{states['n_suppressed'].sum()})"
    checks.append((states["state"].nunique() == 51 and abs(total / jobs - 1) < 0.01, msg))
    share = states["beta_matched_employment"].sum() / states["employment"].sum()
    checks.append((abs(share - 0.968) < 0.002, f"state jobs with a beta: {share:.1%} vs 96.8%"))
    by_state = state_beta(states)
    for st, want in STATE_BETA.items():
        got = by_state[st]
        checks.append((abs(got - want) < 0.002, f"state mean beta {st}: {got:.3f} vs {want}"))
    ok = by_state.idxmax() == "DC" and by_state.idxmin() == "MS"
    checks.append((ok, f"highest {by_state.idxmax()}, lowest {by_state.idxmin()} (DC, MS)"))

    tech = pd.read_csv(out / "tech_diffusion.csv").set_index("technology")
    med50, med80 = tech["years_10_to_50"].median(), tech["years_10_to_80"].median()
    msg = f"diffusion median 10->50: {med50:.1f} y (n={tech['years_10_to_50'].count()}), "
    msg += f"10->80: {med80:.1f} y (n={tech['years_10_to_80'].count()}) vs 9 / 15 (notes)"
    checks.append((7 <= med50 <= 11 and 12 <= med80 <= 18, msg))
    for name, (w50, w80) in DIFFUSION_LAGS.items():
        g50, g80 = tech.loc[name, "years_10_to_50"], tech.loc[name, "years_10_to_80"]
        ok = abs(g50 - w50) <= 1.5 and abs(g80 - w80) <= 1.5
        checks.append((ok, f"{name}: {g50:.1f} / {g80:.1f} y vs {w50} / {w80} (notes)"))
    return checks
