"""Hostile input: every bad distribution spec is a DistError, every bad file an InputError."""

import math
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plowshare.core import params
from plowshare.core.distributions import _FIELDS, KINDS, Dist, DistError
from plowshare.core.errors import InputError
from plowshare.core.params import read_toml

NAN, INF = math.nan, math.inf
FUZZ = settings(max_examples=200, deadline=None)


# ---- Dist.from_spec ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("spec", "msg"),
    [
        ({"kind": "normal", "mean": 0, "sd": 1, "lower": NAN}, "normal: 'lower' must be a finite"),
        ({"kind": "normal", "mean": 0, "sd": 1, "upper": -INF}, "'upper' must be a finite"),
        ({"kind": "fixed", "value": NAN}, "fixed: 'value' must be a finite number, got nan"),
        ({"kind": "normal", "mean": NAN, "sd": 1}, "'mean' must be a finite"),
        ({"kind": "normal", "mean": 0, "sd": INF}, "'sd' must be a finite"),
        ({"kind": "uniform", "low": 0, "high": INF}, "'high' must be a finite number, got inf"),
        ({"kind": "uniform", "p5": -INF, "p95": 1}, "'p5' must be a finite"),
        ({"kind": "triangular", "low": 0, "mode": NAN, "high": 1}, "'mode' must be a finite"),
        ({"kind": "lognormal", "median": 1, "sigma": NAN}, "'sigma' must be a finite"),
        ({"kind": "loguniform", "low": 1, "high": 10**400}, "'high' .* integer of 1329 bits"),
        ({"kind": "uniform", "low": True, "high": 2}, "'low' must be a finite number, got True"),
        ({"kind": "uniform", "low": "0", "high": 2}, "'low' must be a finite number, got '0'"),
        ({"kind": "uniform", "low": 0, "high": {"x": 1}}, "'high' must be a finite"),
        ({"kind": "normal", "mean": 0, "sdd": 1}, "unknown field 'sdd' .*did you mean 'sd'"),
        ({"kind": "uniform", "low": 0, "hihg": 1}, "did you mean 'high'"),
        ({"kind": "fixed", "valeu": 1}, "did you mean 'value'"),
        ({"kind": "normall", "mean": 0, "sd": 1}, "did you mean 'normal'"),
        ({"kind": ["normal"]}, "kind must be one of"),
        ({"mean": 0, "sd": 1}, "kind must be one of"),
        ({"kind": "fixed"}, "needs a value"),
        ({"kind": "uniform", "p5": 2, "p95": 1}, "p5 .* must be below p95"),
        ({"kind": "uniform", "p5": -1e308, "p95": 1e308}, "too far apart"),
        ({"kind": "loguniform", "p5": 1e-300, "p95": 1e300}, "too far apart"),
        ({"kind": "uniform", "low": -1e308, "high": 1e308}, "beyond floating-point range"),
        ({"kind": "lognormal", "median": 1, "sigma": 1000}, "beyond floating-point range"),
        ({"kind": "normal", "mean": 0, "sd": 0}, "sd must be positive"),
        ({"kind": "normal", "mean": 0, "sd": 1e-300, "lower": 1e300}, "too many sd"),
        ({"kind": "normal", "mean": 0, "sd": 1, "lower": 1, "upper": 1}, "lower bound"),
        ({"kind": "triangular", "low": 0, "mode": -1, "high": 1}, "mode"),
        ({"kind": "lognormal", "median": -1, "sigma": 1}, "positive"),
        ({"kind": "lognormal", "p5": 0, "p95": 1}, "positive"),
        ({"kind": "loguniform", "low": 0, "high": 1}, "positive"),
    ],
)
def test_non_finite_and_malformed_specs_are_refused(spec, msg):
    with pytest.raises(DistError, match=msg) as e:
        Dist.from_spec(spec)
    assert "\n" not in str(e.value)


@pytest.mark.parametrize("central", [NAN, INF, -INF, True, "1", 10**400])
def test_fixed_central_value_must_be_finite(central):
    with pytest.raises(DistError, match="'value' must be a finite number"):
        Dist.from_spec({"kind": "fixed"}, central)


def test_huge_int_in_message_is_not_converted_to_text():
    # str() of a 5,000-digit int raises ValueError; the message must not try
    with pytest.raises(DistError, match="integer of"):
        Dist.from_spec({"kind": "normal", "mean": 10**5000, "sd": 1})


FIELD_NAMES = sorted(
    {f for sets in _FIELDS.values() for s in sets for f in s} | {"value", "lower", "upper"}
)
NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e3, max_value=1e3),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.integers(min_value=-5, max_value=5),
)
VALUES = st.one_of(
    NUMBERS,
    st.text(max_size=5),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
KIND = st.one_of(st.sampled_from(KINDS), st.text(max_size=8), st.integers(), st.none())
RANDOM_SPECS = st.builds(
    lambda kind, fields, with_kind: {"kind": kind, **fields} if with_kind else fields,
    KIND,
    st.dictionaries(
        st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=6)), VALUES, max_size=5
    ),
    st.booleans(),
)


FINITE = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(min_value=-10, max_value=10),
    st.integers(min_value=-3, max_value=3),
)
ORDER = ("lower", "p5", "low", "mode", "median", "mean", "high", "p95", "upper")


@st.composite
def plausible_specs(draw, values=NUMBERS | VALUES):
    """Right kind and field names, hostile numbers: reaches the range checks."""
    kind = draw(st.sampled_from(KINDS))
    names = set(draw(st.sampled_from(_FIELDS[kind])))
    if kind == "fixed":
        names |= draw(st.sets(st.just("value")))
    if kind == "normal":
        names |= draw(st.sets(st.sampled_from(["lower", "upper"])))
    fields = {n: draw(values) for n in sorted(names)}
    if draw(st.booleans()) and all(isinstance(v, float | int) for v in fields.values()):
        # put low <= mode <= high etc. in order, so the finite cases often pass
        order = sorted(fields, key=lambda n: ORDER.index(n) if n in ORDER else 0)
        fields = dict(zip(order, sorted(fields.values()), strict=True))
    return {"kind": kind, **fields}


SPECS = st.one_of(RANDOM_SPECS, plausible_specs(), plausible_specs(FINITE), VALUES)


@FUZZ
@given(spec=SPECS, central=st.one_of(st.none(), NUMBERS, st.booleans()))
def test_fuzzed_specs_give_a_usable_dist_or_a_dist_error(spec, central):
    try:
        d = Dist.from_spec(spec, central)
    except DistError as e:
        assert "\n" not in str(e)
        return
    lo, hi = d.support()
    assert not (math.isnan(lo) or math.isnan(hi))
    qs = d.quantiles()
    assert all(math.isfinite(q) for q in qs), (d, qs)
    assert qs == sorted(qs)
    assert lo <= qs[1] <= hi
    d.describe()


# ---- read_toml --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "msg"),
    [
        (b'name = "caf\xe9"\n', r"not valid UTF-8 text \(line 1, byte 11"),
        (b"a = 1\n\xff\xfe = 2\n", "not valid UTF-8 text .line 2"),
        (b"x = " + b"[" * 500 + b"]" * 500, "nested too deeply"),
        (b"x = " + b"{a = " * 500 + b"1" + b"}" * 500, "nested too deeply"),
        (b"x = " + b"9" * 5000, "cannot convert a value .*integer string conversion"),
        (b"x = 1\n" * 200_000, "larger than 1 MiB"),
        (b"[run\n", "unreadable TOML"),
    ],
)
def test_unreadable_files_are_input_errors(tmp_path, content, msg):
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    with pytest.raises(InputError, match=msg) as e:
        read_toml(path)
    assert e.value.file == str(path)
    assert "\n" not in e.value.one_line() and e.value.one_line().startswith(str(path))


def test_directory_missing_file_and_bad_path(tmp_path):
    with pytest.raises(InputError, match="is a directory") as e:
        read_toml(tmp_path)
    assert e.value.file == str(tmp_path)
    with pytest.raises(InputError, match="file not found"):
        read_toml(tmp_path / "nope.toml")
    with pytest.raises(InputError, match="cannot read the file"):
        read_toml(tmp_path / "nul\0.toml")


def test_permission_denied(tmp_path, monkeypatch):
    path = tmp_path / "locked.toml"
    path.write_text("a = 1\n")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(params, "open", refuse, raising=False)  # works as root too
    with pytest.raises(InputError, match="permission denied") as e:
        read_toml(path)
    assert e.value.file == str(path)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads anything")
def test_permission_denied_for_real(tmp_path):
    path = tmp_path / "locked.toml"
    path.write_text("a = 1\n")
    path.chmod(0)
    try:
        with pytest.raises(InputError, match="permission denied"):
            read_toml(path)
    finally:
        path.chmod(0o600)


def test_good_file_still_reads(tmp_path):
    path = tmp_path / "ok.toml"
    path.write_text(
        '[run]\ndraws = 100\nname = "café"\nx = { kind = "normal", mean = 0, sd = 1 }\n'
    )
    assert read_toml(path) == {
        "run": {"draws": 100, "name": "café", "x": {"kind": "normal", "mean": 0, "sd": 1}}
    }


SEED_TOML = """\
[scenario]
name = "t"
description = "test"

[run]
draws = 100
years = [2025, 2040]

[levers]
"fund.compute_tax_rate" = 0.02

[overrides]
"fund.profit_growth" = { kind = "normal", mean = 0.04, sd = 0.01, lower = 0, upper = 0.08 }
when = 2025-01-01T00:00:00Z
big = 0x_ff
"""
NOISE = st.one_of(
    st.sampled_from([*"[]{}=\"'.,#\n\\ ", "[[", "]]", '"""', "inf", "nan", "9" * 5000]),
    st.text(max_size=3),
)


@st.composite
def mutated_toml(draw):
    text = SEED_TOML
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 5)))
        text = text[:i] + draw(NOISE) + text[j:]
    if draw(st.booleans()):
        depth = draw(st.integers(1, 1200))
        text += "deep = {}{}\n".format("[" * depth, "]" * depth)
    return text.encode("utf-8", "surrogatepass")


@settings(FUZZ, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.one_of(st.binary(max_size=300), mutated_toml()))
def test_fuzzed_files_give_a_dict_or_an_input_error(tmp_path, content):
    path = tmp_path / "fuzz.toml"
    path.write_bytes(content)
    try:
        data = read_toml(path)
    except InputError as e:
        assert e.file == str(path)
        assert "\n" not in e.one_line()
        return
    assert isinstance(data, dict)
