"""Hypothesis mutates the shipped scenario and race files and the command line; every
example goes through ``plowshare.cli.main`` in-process and must end in exit 0, or exit 2
with exactly one line ``error: …`` on stderr — never an exception, never exit 1 (the
last-resort handler), never exit 0 for a file holding NaN, ±inf or a huge integer.

Bounded for ``make test`` (a few hundred examples, two draws each); ``python -m
tests.fuzz.run`` runs thousands.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from . import mutate as m

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A private folder, also the working directory (where a stray ./baseline sits)."""
    path = tmp_path_factory.mktemp("fuzz")
    cwd = os.getcwd()
    os.chdir(path)
    try:
        yield path
    finally:
        os.chdir(cwd)


def check(o: m.Outcome) -> None:
    assert o.problem() is None, (o.problem(), o.err[:500])


@FUZZ
@given(data=m.mutated("scenarios", m.scenario_semantics()))
def test_mutated_scenario_files(tmp: Path, data: bytes) -> None:
    check(m.scenario_case(data, tmp))


@FUZZ
@given(data=m.mutated("races", m.race_semantics()))
def test_mutated_race_files(tmp: Path, data: bytes) -> None:
    check(m.race_case(data, tmp))


@settings(FUZZ, max_examples=100)
@given(data=st.data())
def test_hostile_command_lines(tmp: Path, data: st.DataObject) -> None:
    argv = data.draw(m.cli_args(tmp), label="argv")
    check(m.run_cli(argv))
    assert Path("/dev/null").is_char_device() and Path("/dev/full").is_char_device()


def test_the_fuzzer_finds_what_the_old_front_door_let_through(tmp: Path) -> None:
    """The checks have teeth: a file with NaN that exits 0 and an escaped exception are
    both problems."""
    assert m.Outcome(0, "", "", None, strict=True).problem() == (
        "non-finite or huge number accepted"
    )
    assert "escaped OverflowError" in str(
        m.Outcome(None, "", "", OverflowError("x"), strict=False).problem()
    )
    assert m.Outcome(2, "", "error: a\nb\n", None, strict=False).problem() is not None
    assert m.Outcome(1, "", "error: x (this is a bug)\n", None, strict=False).problem()
    doc = m.shipped_docs("races")["ny12-2026"][1]
    bad = m.copy(doc)
    bad["race"]["turnout"] = float("inf")
    assert m.suspicious(m.dumps(bad)) and not m.suspicious(m.dumps(doc))
