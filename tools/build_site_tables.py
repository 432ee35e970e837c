"""Builders and checks for plowshare's data-centre siting table (imported by build_data.py).

``sites.csv`` has one row per US state + DC and three international rows
(GULF, CHINA, OTHER). It joins AI data-centre power (Epoch AI), the FracTracker
project pipeline, EIA prices, retail sales and grid CO2, EPRI's data-centre
share of load, Electricity Maps intensities, Census population, partisan
control and moratoria counts. ``run_checks`` compares the written table with
AUDIT.md and ``shared/research/datacenters-energy.md``.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd

#: Which bibliography entries the siting table comes from.
TABLE_SOURCES: dict[str, list[str]] = {
    "sites.csv": [
        "epoch-2026-frontier-dc",
        "fractracker-2026-dc-tracker",
        "eia-2024-epa-avg-revenue",
        "eia-2025-861m-sales",
        "epri-2024-powering-intelligence",
        "eia-2025-state-emissions",
        "eia-2025-net-generation",
        "electricitymaps-2025-yearly",
        "census-2025-nst-est",
        "ballotpedia-2026-trifectas",
        "alea-2026-moratorium-data",
    ],
}

PRICE_COLS = [f"price_{s}_cents_kwh" for s in ("industrial", "commercial", "residential", "total")]
DECIMALS: dict[str, dict[str, int]] = {
    "sites.csv": {
        "operating_gw_2025": 4,
        "fractracker_operating_mw": 2,
        "fractracker_pipeline_mw": 2,
        "fractracker_proposed_mw": 2,
        "pipeline_share": 12,
        "proposed_share": 12,
        **dict.fromkeys(PRICE_COLS, 2),
        "retail_sales_total_twh_2024": 4,
        "residential_sales_twh_2024": 4,
        "dc_share_of_load_2023": 3,
        "co2_lb_per_mwh_2024": 1,
    },
}

#: Epoch reports IT power; facility power is about 1.2 x IT (raw README, AUDIT.md).
FACILITY_PER_IT = 1.2
LB_PER_METRIC_TON = 2204.62
LB_PER_KG = 2.20462
#: Electricity Maps year used for the international rows (latest in the file).
EM_YEAR = 2025
#: Year of the CO2 intensity (emissions 1990-2024; generation complete through 2024).
CO2_YEAR = 2024
SALES_YEAR = 2024

INTERNATIONAL = {
    "GULF": ("Gulf (UAE, Saudi Arabia, Qatar)", ("United Arab Emirates", "Saudi Arabia", "Qatar")),
    "CHINA": ("China", ("China",)),
    "OTHER": ("Other non-US (Epoch: Malaysia, UK, Norway, Indonesia, Australia, Portugal)", ()),
}
#: Electricity Maps zones averaged for each international row.
EM_ZONES = {"GULF": ("AE", "SA"), "CHINA": ("CN",), "OTHER": ("MY",)}

#: FracTracker status (stripped, lower-cased) -> our bucket.
FT_STATUS = {
    "operating": "operating",
    "approved/permitted/under construction": "pipeline",
    "expanding": "pipeline",
    "proposed": "proposed",
}
TRIFECTA = {"Republican": "R", "Democratic": "D", "Divided": "none"}

#: A state bill imposes a moratorium if its provisions name one (or a pause), or
#: prohibit building/operating data centres for a stated period ...
MORATORIUM_RE = re.compile(r"moratori|\bpause\b", re.I)
TIMED_BAN_RE = re.compile(
    r"prohibit\w*[^.]{0,200}?\b(?:installation|construction|operation)\b[^.]*?"
    r"(?:\b(?:until|before|through) (?:\d{4}|1 year|one year)|for a specified period)",
    re.I,
)
#: ... unless the text says it is not one, it only regulates or enables *local*
#: moratoria, or the row is a co-sponsorship memo or a floor amendment, not a bill.
NOT_MORATORIUM_RE = re.compile(
    r"not a[\w\s-]*moratori|local moratoria|municipalities the option|allow municipalities",
    re.I,
)
NOT_A_BILL_RE = re.compile(r"\bmemo\b|floor amendment", re.I)
CLOSED_STATUS_RE = re.compile(
    r"fail|veto|dead|tabled|killed|not enacted|did not|rejected|withdrawn|defer", re.I
)

#: Research-note / README headline figures used by run_checks.
#: The notes say "70 US sites = 11.9 GW IT"; the saved file has 75 US rows, 60 with power > 0.
EPOCH_US_ROWS, EPOCH_US_POWERED, EPOCH_US_IT_GW = 75, 60, 11.9
#: LBNL 2024: US data centres used 176 TWh in 2023; EPRI's own 2023 baseline is ~152 TWh.
LBNL_DC_TWH_2023, EPRI_DC_TWH_2023 = 176.0, 152.0
FT_PROPOSED_GW, FT_APPROVED_UC_GW = 173.0, 51.5
TRIFECTAS_2026 = {"R": 23, "D": 16, "none": 11}  # Ballotpedia Feb 15, 2026 (raw README)
LOCAL_MORATORIA = 222  # incl. 2 aggregate meta-rows (AUDIT.md)


@cache
def _labor() -> ModuleType:
    """The sibling labour module (for its FIPS -> USPS map); tools/ is not a package."""
    path = Path(__file__).with_name("build_labor_tables.py")
    spec = importlib.util.spec_from_file_location("build_labor_tables", path)
    if spec is None or spec.loader is None:
        raise ImportError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _states(raw: Path) -> pd.DataFrame:
    """50 states + DC from the Census file: USPS code, name, population 2025."""
    c = pd.read_csv(raw / "census_state_population" / "NST-EST2025-ALLDATA.csv", dtype=str)
    fips_to_usps = _labor().FIPS_TO_USPS
    c = c[(c["SUMLEV"] == "040") & c["STATE"].isin(fips_to_usps)]
    out = pd.DataFrame(
        {
            "site": c["STATE"].map(fips_to_usps),
            "name": c["NAME"],
            "population_2025": c["POPESTIMATE2025"].astype(int),
        }
    )
    if len(out) != 51:
        raise ValueError("Census file: expected 50 states + DC")
    return out.set_index("site").sort_index()


def parse_mw(text: object) -> float:
    """FracTracker ``mw`` text -> MW: a range gives its midpoint, "1,000+"/">3,000" the bound.

    Thousands separators, "?" and "+" are dropped; en dashes count as range dashes.
    Empty or unparseable text gives NaN.
    """
    if not isinstance(text, str) or not text.strip():
        return float("nan")
    nums = re.findall(r"\d+(?:\.\d+)?", text.replace(",", ""))
    if not nums or len(nums) > 2:
        return float("nan")
    return float(np.mean([float(n) for n in nums]))


def _epoch(raw: Path) -> pd.DataFrame:
    """Epoch frontier data centres with a site key (USPS code or GULF/CHINA/OTHER)."""
    e = pd.read_csv(raw / "epoch_frontier_dc" / "epoch_frontier_data_centers_compact.csv")
    us = e["country"] == "United States"
    if e.loc[us, "state"].isna().any():
        raise ValueError("Epoch DC: US site without a state")
    site = pd.Series("OTHER", index=e.index)
    site[us] = e.loc[us, "state"]
    for key, (_, countries) in INTERNATIONAL.items():
        if countries:
            site[e["country"].isin(countries)] = key
    return e.assign(site=site)


def _fractracker(raw: Path) -> pd.DataFrame:
    """FracTracker rows with cleaned status bucket and parsed MW."""
    f = pd.read_csv(raw / "fractracker_dc" / "fractracker_us_data_centers_2026-03.csv", dtype=str)
    status = f["status"].str.strip().str.replace(r"\s+", " ", regex=True).str.lower()
    return pd.DataFrame(
        {
            "state": f["state"].str.strip().str.upper(),
            "bucket": status.map(FT_STATUS),
            "mw": f["mw"].map(parse_mw),
        }
    )


def _sales(raw: Path) -> pd.DataFrame:
    """EIA-861M monthly file summed to state x year x sector (MWh, thousand $, Dec customers)."""
    m = pd.read_csv(raw / "eia861m_retail_sales" / "sales_revenue_monthly_2019-01_2025-04.csv")
    m = m[m["state"] != "US"]
    grouped = m.groupby(["state", "year", "sector"])
    out = grouped.agg(
        sales_mwh=("sales_mwh", "sum"),
        revenue_thousand_usd=("revenue_thousand_usd", "sum"),
        months=("month", "nunique"),
    )
    dec = m[m["month"] == 12].set_index(["state", "year", "sector"])["customers"]
    out["customers_dec"] = dec.reindex(out.index)
    # cents/kWh = (thousand $ x 1e5 cents) / (MWh x 1e3 kWh); 0 sales -> missing (AUDIT.md)
    out["price_cents_kwh"] = out["revenue_thousand_usd"] * 100 / out["sales_mwh"].replace(0, np.nan)
    return out.reset_index()


def _prices(raw: Path, names: pd.Series, sales: pd.DataFrame) -> pd.DataFrame:
    """EIA 2023 average revenue by sector; gaps (WI total, WY) filled from 861M 2023."""
    p = pd.read_csv(raw / "eia_prices" / "eia_epa2023_avg_retail_price_by_state.csv")
    by_name = {v: k for k, v in names.items()}
    p["site"] = p["state"].map(by_name)
    if p["site"].isna().any() or len(p) != 51:
        raise ValueError("EIA prices: unmatched state names")
    p = p.set_index("site").sort_index()
    out = pd.DataFrame(index=p.index)
    s23 = sales[sales["year"] == 2023].set_index(["state", "sector"])["price_cents_kwh"]
    for sector in ("industrial", "commercial", "residential", "total"):
        col = p[f"{sector}_cents_kwh"].astype(float)
        fill = pd.Series([s23.get((st, sector), np.nan) for st in col.index], index=col.index)
        out[f"price_{sector}_cents_kwh"] = col.fillna(fill.round(2))
    return out


def _co2(raw: Path) -> pd.Series:
    """State electric-power CO2 (lb) / utility-scale net generation (MWh), CO2_YEAR."""
    em = pd.read_csv(
        raw / "eia_state_co2_emissions" / "emission_annual_total_electric_power_1990_2024.csv"
    )
    em = em[(em["year"] == CO2_YEAR) & (em["energy_source"] == "All Sources")]
    tons = em.set_index("state")["co2_metric_tons"]
    return (tons * LB_PER_METRIC_TON / (_generation(raw) * 1000)).dropna()


def _generation(raw: Path) -> pd.Series:
    """Utility-scale net generation by state for CO2_YEAR, thousand MWh (duplicates dropped)."""
    g = pd.read_csv(
        raw / "eia_state_generation" / "net_generation_all_sectors_monthly_2001-01_2025-07.csv",
        dtype=str,
    ).drop_duplicates()
    key = g["source key"].str.extract(r"^ELEC\.GEN\.ALL-([A-Z]{2})-99\.M$")[0]
    g = g[key.notna()].assign(state=key)
    if g["state"].duplicated().any():
        raise ValueError("generation: duplicate all-fuels series after dropping duplicates")
    yy = f"{CO2_YEAR % 100:02d}-"
    months = [c for c in g.columns if c.startswith(yy)]
    vals = g.set_index("state")[months].apply(pd.to_numeric, errors="coerce")
    if len(months) != 12 or vals.isna().any().any():
        raise ValueError(f"generation {CO2_YEAR}: incomplete months")
    return vals.sum(axis=1)


def _electricitymaps(raw: Path) -> dict[str, float]:
    """Lifecycle intensity of the international rows, lb CO2eq/MWh (mean over zones)."""
    em = pd.read_csv(raw / "electricitymaps_us" / "electricitymaps_us_zones_yearly_2023_2025.csv")
    em = em[em["year"] == EM_YEAR].set_index("zone")["carbon_intensity_gco2eq_per_kwh_lifecycle"]
    # g/kWh = kg/MWh
    return {k: float(em.loc[list(z)].mean()) * LB_PER_KG for k, z in EM_ZONES.items()}


def is_state_moratorium_bill(bill: str, provisions: str) -> bool:
    """Does a state-legislation row impose a statewide (or state-imposed) moratorium/pause?"""
    if NOT_A_BILL_RE.search(bill) or NOT_MORATORIUM_RE.search(provisions):
        return False
    return bool(MORATORIUM_RE.search(provisions) or TIMED_BAN_RE.search(provisions))


def moratorium_bills(raw: Path) -> pd.DataFrame:
    """2026 state moratorium bills (bill or status mentions 2026), with a pending flag."""
    s = pd.read_csv(raw / "moratoria" / "state_legislation.csv").fillna("")
    in_2026 = s["bill"].str.contains("2026") | s["status"].str.contains("2026")
    hit = [
        is_state_moratorium_bill(b, k) for b, k in zip(s["bill"], s["key_provisions"], strict=True)
    ]
    out = s[in_2026 & np.array(hit, dtype=bool)].copy()
    out["pending"] = ~out["status"].str.contains(CLOSED_STATUS_RE)
    return out[["state_abbrev", "bill", "status", "pending"]].reset_index(drop=True)


def _local_moratoria(raw: Path) -> pd.Series:
    """Local moratoria per state, without the aggregate meta-rows."""
    inv = pd.read_csv(raw / "moratoria" / "moratorium_inventory.csv")
    inv = inv[inv["jurisdiction_type"] != "Aggregate meta-row"]
    return inv.groupby("state_abbrev").size()


def build_sites(raw: Path) -> pd.DataFrame:
    """The 54-row siting table (51 states + DC sorted by USPS code, then GULF, CHINA, OTHER)."""
    st = _states(raw)
    idx = st.index
    df = pd.DataFrame(index=idx)
    df["name"] = st["name"]
    df["kind"] = "state"

    epoch = _epoch(raw)
    gw = epoch.groupby("site")["current_power_mw"].sum() * FACILITY_PER_IT / 1000
    df["operating_gw_2025"] = gw.reindex(idx).fillna(0.0)

    ft = _fractracker(raw)
    ft = ft[ft["state"].isin(idx) & ft["bucket"].notna()]
    mw = ft.pivot_table(index="state", columns="bucket", values="mw", aggfunc="sum")
    mw = mw.reindex(index=idx, columns=["operating", "pipeline", "proposed"]).fillna(0.0)
    for bucket in mw.columns:
        df[f"fractracker_{bucket}_mw"] = mw[bucket]
    df["pipeline_share"] = mw["pipeline"] / mw["pipeline"].sum()
    df["proposed_share"] = mw["proposed"] / mw["proposed"].sum()

    sales = _sales(raw)
    prices = _prices(raw, st["name"], sales)
    for col in PRICE_COLS:
        df[col] = prices[col]
    s24 = sales[sales["year"] == SALES_YEAR].set_index(["state", "sector"])
    if (s24["months"] != 12).any():
        raise ValueError(f"861M {SALES_YEAR}: a state lacks 12 months")
    df["retail_sales_total_twh_2024"] = s24.xs("total", level="sector")["sales_mwh"] / 1e6
    res = s24.xs("residential", level="sector")
    df["residential_sales_twh_2024"] = res["sales_mwh"] / 1e6
    df["residential_customers_2024"] = res["customers_dec"].astype(int)

    epri = pd.read_csv(raw / "epri_state_share" / "epri_2023_dc_share_of_state_electricity.csv")
    by_name = {v: k for k, v in st["name"].items()}
    epri["site"] = epri["state"].map(by_name)
    if epri["site"].isna().any():
        raise ValueError("EPRI: unmatched state names")
    share = epri.set_index("site")["dc_share_of_state_electricity_2023_pct"] / 100
    df["dc_share_of_load_2023"] = share.reindex(idx)
    df["co2_lb_per_mwh_2024"] = _co2(raw).reindex(idx)
    df["population_2025"] = st["population_2025"]

    pc = pd.read_csv(raw / "state_partisan_control" / "state_partisan_control_2025_2026.csv")
    pc = pc.set_index("state").reindex(idx)
    df["governor_party"] = pc["governor_party_2026"]
    df["legislature_control"] = pc["legislature_control"]
    df["trifecta"] = pc["trifecta_2026"].map(TRIFECTA)
    if df.drop(index="DC")["trifecta"].isna().any():
        raise ValueError("partisan control: unmapped trifecta value")

    bills = moratorium_bills(raw).groupby("state_abbrev").size()
    states_no_dc = idx != "DC"
    df["state_moratorium_bills_2026"] = bills.reindex(idx).fillna(0).where(states_no_dc)
    df["local_moratoria"] = _local_moratoria(raw).reindex(idx).fillna(0).astype(int)

    keys = list(INTERNATIONAL)
    out = df.reindex([*idx, *keys])
    out.loc[keys, "name"] = [v[0] for v in INTERNATIONAL.values()]
    out.loc[keys, "kind"] = "international"
    out.loc[keys, "operating_gw_2025"] = [gw.get(k, np.nan) for k in keys]
    em = _electricitymaps(raw)
    out.loc[keys, "co2_lb_per_mwh_2024"] = [em[k] for k in keys]
    out.index.name = "site"
    return _finalise(out.reset_index())


def _finalise(df: pd.DataFrame) -> pd.DataFrame:
    """Count columns as nullable integers, every other non-text column as float."""
    ints = ("residential_customers_2024", "population_2025", "state_moratorium_bills_2026")
    text = ("site", "name", "kind", "governor_party", "legislature_control", "trifecta")
    for col in df.columns:
        if col in ints or col == "local_moratoria":
            df[col] = df[col].astype("Int64")
        elif col not in text:
            df[col] = df[col].astype(float)
    return df


def build_tables(raw: Path) -> dict[str, pd.DataFrame]:
    """All siting tables, keyed by file name."""
    return {"sites.csv": build_sites(raw)}


def epri_dc_twh(sites: pd.DataFrame, sales_col: str = "retail_sales_total_twh_2024") -> float:
    """EPRI 2023 data-centre share x state retail sales, summed over states (TWh)."""
    s = sites[sites["kind"] == "state"]
    return float((s["dc_share_of_load_2023"] * s[sales_col]).sum())


def run_checks(raw: Path, out: Path) -> list[tuple[bool, str]]:
    """Check the written siting table against AUDIT.md and the research notes."""
    checks: list[tuple[bool, str]] = []
    sites = pd.read_csv(out / "sites.csv", keep_default_na=False, na_values=[""])
    states = sites[sites["kind"] == "state"]
    ok = len(sites) == 54 and len(states) == 51 and states["site"].is_monotonic_increasing
    checks.append((ok, f"sites: {len(sites)} rows, {len(states)} states + DC"))
    total = states["pipeline_share"].sum()
    ok = abs(total - 1) < 1e-9 and abs(states["proposed_share"].sum() - 1) < 1e-9
    checks.append((ok, f"pipeline_share sums to {total:.12f}"))

    epoch = _epoch(raw)
    us = epoch[epoch["country"] == "United States"]
    it_gw = us["current_power_mw"].sum() / 1000
    fac = states["operating_gw_2025"].sum()
    powered = int((us["current_power_mw"] > 0).sum())
    ok = (len(us), powered) == (EPOCH_US_ROWS, EPOCH_US_POWERED)
    ok = ok and abs(it_gw - EPOCH_US_IT_GW) < 0.05 and abs(fac - it_gw * FACILITY_PER_IT) < 1e-3
    msg = f"Epoch US: {len(us)} rows ({powered} with power), {it_gw:.2f} GW IT -> "
    msg += f"{fac:.2f} GW facility (notes: 70 sites, {EPOCH_US_IT_GW} GW IT)"
    checks.append((ok, msg))
    intl = sites[sites["kind"] == "international"].set_index("site")
    parts = ", ".join(f"{k} {v:.3f}" for k, v in intl["operating_gw_2025"].items())
    checks.append((intl["operating_gw_2025"].notna().all(), f"Epoch non-US GW facility: {parts}"))

    ft = _fractracker(raw)
    prop = ft.loc[ft["bucket"] == "proposed", "mw"].sum() / 1000
    appr = ft.loc[ft["bucket"] == "pipeline", "mw"].sum() / 1000
    ok = abs(prop - FT_PROPOSED_GW) / FT_PROPOSED_GW < 0.05
    msg = f"FracTracker proposed {prop:.1f} GW (notes {FT_PROPOSED_GW}); approved/UC + expanding "
    msg += f"{appr:.1f} GW (notes: approved/UC {FT_APPROVED_UC_GW})"
    checks.append((ok, msg))
    n_mw = int(ft["mw"].notna().sum())
    checks.append((n_mw == 532, f"FracTracker rows with MW: {n_mw} (README: 532)"))
    top = states.nlargest(5, "pipeline_share")
    checks.append((True, "top pipeline shares: " + ", ".join(
        f"{r.site} {r.pipeline_share:.1%}" for r in top.itertuples()
    )))  # fmt: skip

    sales = _sales(raw)
    s23 = sales[(sales["year"] == 2023) & (sales["sector"] == "total")].set_index("state")
    twh23 = epri_dc_twh(states.assign(s23=states["site"].map(s23["sales_mwh"] / 1e6)), "s23")
    twh24 = epri_dc_twh(states)
    msg = f"EPRI share x retail sales: {twh24:.1f} TWh (2024 sales) = "
    msg += f"{twh24 / LBNL_DC_TWH_2023:.3f} x LBNL {LBNL_DC_TWH_2023:.0f} TWh; with 2023 sales "
    msg += f"{twh23:.1f} TWh = {twh23 / LBNL_DC_TWH_2023:.3f} x LBNL, "
    msg += f"{twh23 / EPRI_DC_TWH_2023:.3f} x EPRI's own ~{EPRI_DC_TWH_2023:.0f} TWh"
    ok = abs(twh24 / LBNL_DC_TWH_2023 - 1) < 0.15 and abs(twh23 / EPRI_DC_TWH_2023 - 1) < 0.05
    checks.append((ok, msg))
    us24 = states["retail_sales_total_twh_2024"].sum()
    checks.append((abs(us24 - 3962) < 1, f"retail sales 2024: {us24:,.0f} TWh (AUDIT: 3,962)"))
    rate = pd.read_csv(raw / "eia_state_co2_emissions" / "co2_rate_by_state_2019_2024.csv")
    rate = rate[rate["year"] == CO2_YEAR].set_index("state")["co2_lb_per_mwh"]
    diff = (states.set_index("site")["co2_lb_per_mwh_2024"] - rate.reindex(states["site"])).abs()
    us_rate = _co2(raw)["US"]
    msg = f"CO2 {CO2_YEAR}: max |diff| vs raw rate file {diff.max():.2f} lb/MWh; US {us_rate:.0f}"
    checks.append((diff.max() < 1 and abs(us_rate - 787) < 2, msg + " (README 787)"))
    filled = states.set_index("site").loc[["WI", "WY"], PRICE_COLS]
    ok = (
        filled.notna().all().all() and abs(filled.loc["WI", "price_total_cents_kwh"] - 12.72) < 0.01
    )
    checks.append((ok, f"prices filled from 861M: WI total 12.72, WY {filled.loc['WY'].tolist()}"))

    bills = moratorium_bills(raw)
    pending = bills[bills["pending"]]
    msg = f"2026 state moratorium bills: {len(bills)} in {bills['state_abbrev'].nunique()} states; "
    msg += f"pending {len(pending)}: " + ", ".join(
        f"{r.state_abbrev} {r.bill}" for r in pending.itertuples()
    )
    checks.append((len(bills) >= 12, msg))
    loc = int(states["local_moratoria"].sum())
    n_loc = int((states["local_moratoria"] > 0).sum())
    checks.append(
        (loc == LOCAL_MORATORIA - 2 and n_loc == 30, f"local moratoria: {loc} in {n_loc} states")
    )
    tri = states["trifecta"].value_counts().to_dict()
    ok = tri == TRIFECTAS_2026
    checks.append((ok, f"trifectas Feb 2026: {tri} (Ballotpedia 23 R / 16 D / 11 divided)"))
    return checks
