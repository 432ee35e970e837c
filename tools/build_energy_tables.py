"""Builder and checks for the energy model's state table, ``energy_states.csv``.

One row per state + DC (USPS order). It adds to ``sites.csv`` what the energy model needs
to form prices in markets and to put water and carbon on one footing:

* ``market``: the wholesale market or, outside organised markets, the vertically integrated
  region a state's load is mostly served in (a compiled mapping, see :data:`MARKET`);
* ``dc_twh_2023``: EPRI's 2023 data-centre share of the state's electricity times its 2023
  retail sales (EIA-861M) — the 2025 geography of data-centre load;
* ``pipeline_mw_small`` / ``pipeline_mw_large``: FracTracker approved/under-construction and
  expanding projects below / at or above :data:`LARGE_MW` (the large ones are weighted by
  completion odds in the model);
* ``mix_*``: 2024 utility-scale generation shares (EIA), for the indirect water of supply;
* ``large_load_tariff_year``: first year a large-load tariff or cost-allocation law holds
  (enacted bills in the ALEA legislation file, plus the two in the research notes);
* ``curtailment_required``: 1 where the law makes large loads curtail in emergencies (TX SB 6);
* ``arid_basin``: 1 for the Colorado River basin states (the basin-stress proxy).

Run alone: ``.venv/bin/python tools/build_energy_tables.py [--raw DIR] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RAW = REPO_ROOT.parent / "shared" / "data" / "raw"
DEFAULT_OUT = REPO_ROOT / "src" / "plowshare" / "data"

TABLE_SOURCES: dict[str, list[str]] = {
    "energy_states.csv": [
        "ferc-2025-rto-map",
        "epri-2024-powering-intelligence",
        "eia-2025-861m-sales",
        "fractracker-2026-dc-tracker",
        "eia-2025-net-generation",
        "alea-2026-moratorium-data",
        "aep-ohio-2025-tariff",
        "virginia-2026-sb253",
        "usbr-colorado-river-basin",
    ],
}
DECIMALS = {
    "energy_states.csv": {
        "dc_twh_2023": 4,
        "pipeline_mw_small": 1,
        "pipeline_mw_large": 1,
        **{f"mix_{f}": 4 for f in ("coal", "gas", "nuclear", "hydro", "wind_solar", "other")},
    }
}

#: Where each state's load is mostly served (FERC's RTO/ISO map; states split between
#: markets go where most of their load is: IL -> PJM (ComEd), IN/MI -> MISO, KY/NC/TN ->
#: the Southeast's vertically integrated utilities (LG&E-KU, Duke, TVA), MO -> MISO
#: (Ameren), ND/SD -> SPP). SOUTHEAST and WEST are not markets: utilities there recover
#: costs through their rate base, state by state.
MARKET: dict[str, str] = {
    **dict.fromkeys(("DC", "DE", "IL", "MD", "NJ", "OH", "PA", "VA", "WV"), "PJM"),
    "TX": "ERCOT",
    **dict.fromkeys(("AR", "IA", "IN", "LA", "MI", "MN", "MO", "MS", "WI"), "MISO"),
    **dict.fromkeys(("KS", "ND", "NE", "OK", "SD"), "SPP"),
    "NY": "NYISO",
    **dict.fromkeys(("CT", "MA", "ME", "NH", "RI", "VT"), "ISONE"),
    "CA": "CAISO",
    **dict.fromkeys(("AL", "FL", "GA", "KY", "NC", "SC", "TN"), "SOUTHEAST"),
    **dict.fromkeys(
        ("AK", "AZ", "CO", "HI", "ID", "MT", "NM", "NV", "OR", "UT", "WA", "WY"), "WEST"
    ),
}
#: Projects at or above this size (MW) count as large, speculative campuses.
LARGE_MW = 1000.0
#: Large-load tariffs from the research notes that the legislation file lacks.
NOTES_TARIFFS = {"OH": 2025, "VA": 2026}  # AEP Ohio (PUCO, Jul 2025); VA SB 253/HB 1393
#: An enacted bill counts as a large-load tariff if its provisions assign costs to large
#: loads (tariff, cost allocation, cost responsibility, no cost shifting).
TARIFF_RE = re.compile(
    r"tariff|cost allocation|cost-shift|cost shift|incremental cost|infrastructure costs", re.I
)
ENACTED_RE = re.compile(r"^(enacted|approved by governor|signed)", re.I)
PASSED_BOTH_RE = re.compile(r"passed house[^;]*;? ?passed senate", re.I)
CURTAIL_RE = re.compile(r"curtail", re.I)
#: Colorado River basin states (Bureau of Reclamation): the basin-stress proxy.
ARID_BASIN = ("AZ", "CA", "CO", "NM", "NV", "UT", "WY")
FUELS = {
    "coal": ("coal",),
    "gas": ("natural_gas", "other_gases"),
    "nuclear": ("nuclear",),
    "hydro": ("hydro_conventional",),
    "wind_solar": ("wind", "solar_utility"),
    "other": ("petroleum", "geothermal", "biomass", "other"),
}


def _usps(name: str) -> str:
    """USPS code of a state name (the 50 states and DC)."""
    table = {
        "Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA",
        "Colorado": "CO", "Connecticut": "CT", "Delaware": "DE", "District of Columbia": "DC",
        "Florida": "FL", "Georgia": "GA", "Hawaii": "HI", "Idaho": "ID", "Illinois": "IL",
        "Indiana": "IN", "Iowa": "IA", "Kansas": "KS", "Kentucky": "KY", "Louisiana": "LA",
        "Maine": "ME", "Maryland": "MD", "Massachusetts": "MA", "Michigan": "MI",
        "Minnesota": "MN", "Mississippi": "MS", "Missouri": "MO", "Montana": "MT",
        "Nebraska": "NE", "Nevada": "NV", "New Hampshire": "NH", "New Jersey": "NJ",
        "New Mexico": "NM", "New York": "NY", "North Carolina": "NC", "North Dakota": "ND",
        "Ohio": "OH", "Oklahoma": "OK", "Oregon": "OR", "Pennsylvania": "PA",
        "Rhode Island": "RI", "South Carolina": "SC", "South Dakota": "SD", "Tennessee": "TN",
        "Texas": "TX", "Utah": "UT", "Vermont": "VT", "Virginia": "VA", "Washington": "WA",
        "West Virginia": "WV", "Wisconsin": "WI", "Wyoming": "WY",
    }  # fmt: skip
    return table[name]


def _sales_2023(raw: Path) -> pd.Series:
    m = pd.read_csv(raw / "eia861m_retail_sales" / "sales_revenue_monthly_2019-01_2025-04.csv")
    m = m[(m["state"] != "US") & (m["year"] == 2023) & (m["sector"] == "total")]
    return m.groupby("state")["sales_mwh"].sum() / 1e6


def _pipeline(raw: Path) -> pd.DataFrame:
    f = pd.read_csv(raw / "fractracker_dc" / "fractracker_us_data_centers_2026-03.csv", dtype=str)
    status = f["status"].str.strip().str.replace(r"\s+", " ", regex=True).str.lower()
    keep = status.isin(["approved/permitted/under construction", "expanding"])
    nums = f["mw"].fillna("").str.replace(",", "").str.findall(r"\d+(?:\.\d+)?")
    mw = nums.map(lambda n: float(np.mean([float(x) for x in n])) if 0 < len(n) <= 2 else np.nan)
    d = pd.DataFrame({"state": f["state"].str.strip().str.upper(), "mw": mw})[keep].dropna()
    large = d["mw"] >= LARGE_MW
    return pd.DataFrame(
        {
            "pipeline_mw_small": d[~large].groupby("state")["mw"].sum(),
            "pipeline_mw_large": d[large].groupby("state")["mw"].sum(),
        }
    )


def _mix(raw: Path) -> pd.DataFrame:
    g = pd.read_csv(raw / "eia_state_generation" / "net_generation_mix_2024_wide.csv")
    g = g.set_index("state")
    out = pd.DataFrame(index=g.index)
    for name, cols in FUELS.items():
        out[f"mix_{name}"] = g[list(cols)].clip(lower=0).sum(axis=1)
    return out.div(out.sum(axis=1), axis=0)


def tariffs(raw: Path) -> tuple[dict[str, int], set[str]]:
    """First year of a large-load tariff law per state, and the states requiring curtailment."""
    s = pd.read_csv(raw / "moratoria" / "state_legislation.csv").fillna("")
    years: dict[str, int] = dict(NOTES_TARIFFS)
    curtail: set[str] = set()
    for r in s.itertuples():
        enacted = ENACTED_RE.search(r.status) or PASSED_BOTH_RE.search(r.status)
        if not enacted or not TARIFF_RE.search(r.key_provisions):
            continue
        found = re.findall(r"20\d\d", r.status) or re.findall(r"20\d\d", r.bill)
        year = int(found[0]) if found else 2026
        years[r.state_abbrev] = min(year, years.get(r.state_abbrev, year))
        if CURTAIL_RE.search(r.key_provisions):
            curtail.add(r.state_abbrev)
    return years, curtail


def build_energy_states(raw: Path) -> pd.DataFrame:
    states = sorted(MARKET)
    epri = pd.read_csv(raw / "epri_state_share" / "epri_2023_dc_share_of_state_electricity.csv")
    share = epri.set_index(epri["state"].map(_usps))["dc_share_of_state_electricity_2023_pct"]
    df = pd.DataFrame(index=pd.Index(states, name="site"))
    df["market"] = [MARKET[s] for s in states]
    df["dc_twh_2023"] = (share.reindex(states).fillna(0.0) / 100 * _sales_2023(raw)).fillna(0.0)
    pipe = _pipeline(raw).reindex(states).fillna(0.0)
    df = df.join(pipe)
    df = df.join(_mix(raw).reindex(states))
    years, curtail = tariffs(raw)
    df["large_load_tariff_year"] = pd.Series(years).reindex(states).astype("Int64")
    df["curtailment_required"] = [int(s in curtail) for s in states]
    df["arid_basin"] = [int(s in ARID_BASIN) for s in states]
    return df.reset_index()


def build_tables(raw: Path) -> dict[str, pd.DataFrame]:
    return {"energy_states.csv": build_energy_states(raw)}


def write(df: pd.DataFrame, path: Path, decimals: dict[str, int]) -> int:
    out = df.copy()
    for col, d in decimals.items():
        out[col] = out[col].map(lambda v, d=d: "" if pd.isna(v) else f"{v:.{d}f}")
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, lineterminator="\n")
    return len(out)


def build_all(raw: Path, out: Path) -> dict[str, int]:
    return {name: write(df, out / name, DECIMALS[name]) for name, df in build_tables(raw).items()}


#: EPRI's own 2023 national total (research notes), and LBNL's.
EPRI_DC_TWH_2023, LBNL_DC_TWH_2023 = 152.0, 176.0
#: Decline of the US power sector's CO2 intensity 2005-2024 used by energy/params.toml.
CO2_DECLINE_PER_YEAR = 0.029


def us_co2_intensity_decline(raw: Path, start: int = 2005, end: int = 2024) -> float:
    """Average yearly decline of US electric-power CO2 per MWh, ``start`` to ``end``."""
    em = pd.read_csv(
        raw / "eia_state_co2_emissions" / "emission_annual_total_electric_power_1990_2024.csv"
    )
    em = em[(em["state"] == "US") & (em["energy_source"] == "All Sources")]
    tons = em.set_index("year")["co2_metric_tons"]
    g = pd.read_csv(
        raw / "eia_state_generation" / "net_generation_all_sectors_monthly_2001-01_2025-07.csv",
        dtype=str,
    ).drop_duplicates()
    row = g[g["source key"] == "ELEC.GEN.ALL-US-99.M"].iloc[0]

    def gen(year: int) -> float:
        cols = [c for c in g.columns if c.startswith(f"{year % 100:02d}-")]
        return float(pd.to_numeric(row[cols]).sum())

    r0, r1 = tons[start] / gen(start), tons[end] / gen(end)
    return float(1 - (r1 / r0) ** (1 / (end - start)))


def run_checks(raw: Path, out: Path) -> list[tuple[bool, str]]:
    t = pd.read_csv(out / "energy_states.csv", keep_default_na=False, na_values=[""])
    checks = [(len(t) == 51 and t["site"].is_monotonic_increasing, f"energy_states: {len(t)}")]
    twh = float(t["dc_twh_2023"].sum())
    ok = abs(twh / EPRI_DC_TWH_2023 - 1) < 0.05
    checks.append((ok, f"EPRI share x 2023 sales: {twh:.1f} TWh (EPRI ~152, LBNL 176)"))
    va = float(t.set_index("site").loc["VA", "dc_twh_2023"]) / twh
    checks.append((0.15 < va < 0.3, f"Virginia's share of data-centre load 2023: {va:.1%}"))
    mix = t[[c for c in t.columns if c.startswith("mix_")]].sum(axis=1)
    checks.append((bool(np.allclose(mix, 1.0, atol=1e-3)), "generation mix shares sum to 1"))
    n_tariff = int(t["large_load_tariff_year"].notna().sum())
    checks.append((n_tariff >= 8, f"states with a large-load tariff law: {n_tariff}"))
    pipe = (t["pipeline_mw_small"] + t["pipeline_mw_large"]).sum() / 1000
    checks.append((40 < pipe < 70, f"approved/UC + expanding pipeline {pipe:.1f} GW"))
    dec = us_co2_intensity_decline(raw)
    ok = abs(dec - CO2_DECLINE_PER_YEAR) < 0.002
    checks.append((ok, f"US power CO2 intensity 2005-2024: -{dec:.2%}/yr"))
    return checks


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw", type=Path, default=DEFAULT_RAW)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    if not args.raw.is_dir():
        print(f"raw data folder not found: {args.raw}", file=sys.stderr)
        return 2
    for name, rows in build_all(args.raw, args.out).items():
        print(f"{name}: {rows} rows")
    bad = 0
    for ok, msg in run_checks(args.raw, args.out):
        print(("ok   " if ok else "FAIL ") + msg)
        bad += not ok
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
