"""Fund calibration table: each row is an anchor, its source key and a tolerance.

The model runs at central values; each row reads one quantity from its outputs (or the
fund's own sub-models) and compares it with the published figure. Sources are keys in
``src/plowshare/data/sources.toml``.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest

from ..conftest import YEARS, fund_run


@dataclass(frozen=True)
class Anchor:
    name: str
    sources: tuple[str, ...]
    value: float
    rel_tol: float
    read: Callable[[dict, dict], float]


def at(out: dict, name: str, year: int) -> float:
    return float(out[name][0, int(np.searchsorted(YEARS, year))])


ANCHORS = (
    Anchor(
        "US employment, 2025 (CPS, Feb 2026)",
        ("bls-2026-empsit",),
        162.91e6,
        0.005,
        lambda out, p: at(out, "employment", 2025),
    ),
    Anchor(
        "Payment per displaced worker at 1x median, 2025 = $1,204/wk x 52",
        ("bls-2026-wkyeng", "essay-2026-left-ai"),
        1204.0 * 52,
        0.005,
        lambda out, p: at(out, "payment_per_worker_usd", 2025),
    ),
    Anchor(
        "Covered AI firms' market value, 2025-26 ($16.2 T listed + $852 bn + $380 bn)",
        ("marketwise-2026-mcap", "mango-2026-aifunding", "scitech-2026-anthropic"),
        16.2e12 + 0.852e12 + 0.380e12,
        0.01,
        lambda out, p: at(out, "covered_mcap_usd", 2025),
    ),
    Anchor(
        "Covered firms' earnings yield, 2025 (492 / 17,430 = 2.8 %)",
        ("nvda-2026-q4", "msft-2025-ar", "goog-2026-q4", "amzn-2026-q4-techviral", "meta-2026-q4"),
        0.028,
        0.05,
        lambda out, p: at(out, "covered_profits_usd", 2025) / at(out, "covered_mcap_usd", 2025),
    ),
    Anchor(
        "Fund real return = Norway GPFG net real return 1998-2024 (4.00 %/yr)",
        ("nbim-2024-returns",),
        0.04,
        1e-9,
        lambda out, p: float(p["fund.real_return"][0]),
    ),
    Anchor(
        "Steady-state growth of need = SSA real-wage differential 1.13 pp x BLS employment 0.3 %",
        ("ssa-2014-tr-iic1", "bls-2026-mlr-proj"),
        1.0113 * 1.003 - 1.0,
        0.01,
        lambda out, p: float(out["need_growth_steady_state"][0]),
    ),
)


@pytest.mark.parametrize("anchor", ANCHORS, ids=lambda a: a.name)
def test_fund_anchor(central, anchor):
    out = fund_run(central)
    assert anchor.read(out, central) == pytest.approx(anchor.value, rel=anchor.rel_tol)


def test_anchor_sources_exist():
    import tomllib
    from importlib.resources import files

    keys = set(tomllib.loads((files("plowshare.data") / "sources.toml").read_text()))
    for a in ANCHORS:
        assert set(a.sources) <= keys, a.name
