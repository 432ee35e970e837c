"""`plowshare brief`: the real page, built from real runs at a few draws."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from plowshare.claims.ledger import load_claims
from plowshare.cli import main
from plowshare.report.brief import SCENARIOS

from .test_brief_browser import (
    console_errors,
    external_resource_refs,
    needs_chromium,
    run_chromium,
)

DRAWS = 50


@pytest.fixture(scope="module")
def brief(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("brief") / "nested" / "brief.html"
    assert main(["brief", "--draws", str(DRAWS), "--seed", "11", "--out", str(path)]) == 0
    return path, path.read_text(encoding="utf-8")


def test_brief_answers_every_question_and_every_claim(brief):
    _, page = brief
    anchors = set(re.findall(r'<section id="([^"]+)"', page))
    assert len(anchors) >= 10
    for a in anchors:  # the contents list links every section
        assert f'href="#{a}"' in page
    for claim in load_claims():
        assert claim.title in page or claim.title.replace("'", "&#x27;") in page
    assert f"{DRAWS} Monte Carlo draws per scenario, seed 11" in page
    assert "not a forecast" in page
    assert f"--draws {DRAWS} --seed 11" in page  # the reproduce line


def test_every_element_id_is_unique(brief):
    """A chart div sharing its section's id would be drawn into the section's top."""
    ids = re.findall(r'\bid="([^"]+)"', brief[1])
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_brief_is_self_contained(brief):
    _, page = brief
    assert external_resource_refs(page) == []
    assert page.count("plotly.js v") <= 2  # the bundle is inlined once, not per chart


def test_brief_runs_every_listed_scenario():
    from plowshare.core.scenario import load_scenario

    for name in SCENARIOS:
        load_scenario(name)  # a renamed scenario breaks here, not in a user's brief


def test_brief_bad_out_path_is_one_line_exit_2(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    assert main(["brief", "--draws", "50", "--out", str(tmp_path / "file" / "b.html")]) == 2
    err = capsys.readouterr().err.strip()
    assert "--out" in err and "\n" not in err and "Traceback" not in err


@needs_chromium
def test_real_brief_renders_without_errors_or_requests(brief, tmp_path):
    path, _ = brief
    dom, err, requests = run_chromium(path, tmp_path)
    assert console_errors(err) == []
    assert requests == []
    assert dom.count('class="main-svg"') >= 10  # the charts drew
