"""The registry refuses incomplete or inconsistent records, naming file and key."""

import math
import tomllib

import pytest

from plowshare.core.errors import InputError
from plowshare.core.params import load_model_params, load_sources, package_root
from plowshare.core.units import UNITS

GOOD = """
[rate]
description = "A rate"
unit = "1/yr"
role = "uncertainty"
value = 0.03
dist = { kind = "uniform", low = 0.01, high = 0.05 }
status = "sourced"
sources = ["src-a"]
as_of = "2025"
note = "n"
"""
SOURCES = """
[src-a]
publisher = "Agency"
title = "Report"
year = 2025
url = "https://example.org"
taken = "the rate"
"""


@pytest.fixture()
def sources(tmp_path):
    p = tmp_path / "sources.toml"
    p.write_text(SOURCES)
    return load_sources(p)


def load(tmp_path, text, sources):
    p = tmp_path / "params.toml"
    p.write_text(text)
    return load_model_params("m", p, sources)


def test_good_record_loads(tmp_path, sources):
    params = load(tmp_path, GOOD, sources)
    p = params["m.rate"]
    assert p.value == 0.03 and p.unit == "1/yr" and p.dist.kind == "uniform"


@pytest.mark.parametrize(
    ("old", "new", "msg"),
    [
        ('unit = "1/yr"', 'unit = "1/yrs"', "unknown unit '1/yrs'.*did you mean '1/yr'"),
        ('sources = ["src-a"]', 'sources = ["src-b"]', "source 'src-b' is not in"),
        ("value = 0.03", "value = 0.5", "central value 0.5 lies outside"),
        ('status = "sourced"', 'status = "guess"', "status must be one of"),
        ('description = "A rate"\n', "", "record lacks 'description'"),
        ('sources = ["src-a"]\n', "", "a sourced record needs sources"),
        ('as_of = "2025"\n', "", "needs 'as_of'"),
        ("dist = { kind", "dst = { kind", "unknown field 'rate.dst'.*did you mean 'rate.dist'"),
        ("value = 0.03", 'value = "0.03"', "value must be a number"),
        ('unit = "1/yr"', 'unit = "fraction"', "distribution .* reaches outside|outside"),
    ],
)
def test_bad_records_are_refused_with_file_and_key(tmp_path, sources, old, new, msg):
    text = GOOD.replace(old, new)
    if "fraction" in new:  # uniform 0.01-0.05 is inside [0, 1]: make it reach outside
        text = text.replace("high = 0.05", "high = 1.5")
    with pytest.raises(InputError, match=msg) as e:
        load(tmp_path, text, sources)
    assert "params.toml" in str(e.value) and "rate" in str(e.value)


def test_judgment_needs_a_note_but_no_source(tmp_path, sources):
    text = GOOD.replace('status = "sourced"', 'status = "judgment"').replace(
        'sources = ["src-a"]\n', ""
    )
    assert load(tmp_path, text, sources)["m.rate"].status == "judgment"
    with pytest.raises(InputError, match="judgment record needs a note"):
        load(tmp_path, text.replace('note = "n"\n', ""), sources)


def test_unreadable_toml(tmp_path, sources):
    with pytest.raises(InputError, match="unreadable TOML"):
        load(tmp_path, "[rate\nunit=", sources)


def test_source_needs_every_field(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text(SOURCES.replace('url = "https://example.org"\n', ""))
    with pytest.raises(InputError, match="source lacks url"):
        load_sources(p)


def test_shipped_registry_is_complete(registry):
    assert len(registry) > 40
    for p in registry:
        assert p.unit in UNITS
        if p.status != "judgment":
            assert p.sources, p.name
            assert p.as_of, p.name
        else:
            assert p.note, p.name
        for s in p.sources:
            assert s in registry.sources, (p.name, s)
        assert p.dist.contains(p.value), p.name
        lo, hi = p.bounds
        assert lo <= p.value <= hi


def test_every_source_in_the_bibliography_is_cited():
    """No dead entries: each source is cited by a parameter or a shipped table."""
    root = package_root()
    with open(root / "data" / "sources.toml", "rb") as fh:
        bib = tomllib.load(fh)
    cited = set()
    for toml in (root / "models").glob("*/params.toml"):
        with open(toml, "rb") as fh:
            cited |= {s for rec in tomllib.load(fh).values() for s in rec.get("sources", [])}
    readme = (root / "data" / "README.md").read_text()
    cited |= {k for k in bib if k in readme}
    for race in (root / "races").glob("*.toml"):  # race files cite their facts
        text = race.read_text()
        cited |= {k for k in bib if f'"{k}"' in text}
    assert set(bib) == cited, set(bib) - cited


def test_unit_bounds_apply(registry):
    p = registry["fund.compute_tax_rate"]
    assert p.bounds == (0.0, 1.0)
    assert math.isinf(registry["fund.appropriations_usd"].bounds[1])
