"""The brief's HTML toolkit: offline, escaped, atomic (fast; no browser)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np
import pytest
from plotly.offline import get_plotlyjs

from plowshare.report import html as rh

YEARS = list(range(2025, 2031))


def _fan(div_id: str = "fan", names: tuple[str, ...] = ("Baseline", "Tax")) -> str:
    t = np.arange(len(YEARS), dtype=float)
    series = {n: (t + i, t + i + 1, t + i + 2) for i, n in enumerate(names)}
    return rh.fan_chart(YEARS, series, "Fund value", "USD bn", div_id)


def _figure_json(fragment: str) -> list[dict[str, object]]:
    """The trace list passed to Plotly.newPlot in a chart fragment."""
    m = re.search(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*(\[.*?\]),\s*\{", fragment, re.S)
    assert m, "no Plotly.newPlot call found"
    return json.loads(m.group(1))


@pytest.fixture(scope="module")
def full_page() -> str:
    secs = [
        rh.section("Fan", _fan(), "fan-sec"),
        rh.section("Bars", rh.bar_chart(["a", "b"], [1.0, 2.0], "B", "u", "bar", [0.1, 0.2]), "b"),
        rh.section("Map", rh.tile_map({"CA": 1.0, "TX": 2.0}, "M", "%", "map"), "map-sec"),
        rh.section("Table", rh.table(["x", "y"], [["1", "2"]]), "tab"),
    ]
    return rh.page("The brief", secs, "<p>Intro</p>", "<p>Footer</p>")


def test_page_embeds_plotlyjs_exactly_once_and_references_no_cdn(full_page: str) -> None:
    bundle = get_plotlyjs()
    assert full_page.count(bundle) == 1
    head = full_page.split("</head>", 1)[0]
    assert bundle in head
    assert full_page.count("* plotly.js v") == 1  # the bundle's licence header
    # plotly.js itself contains (unused) CDN defaults for geo/map traces; the rest must not.
    rest = full_page.replace(bundle, "")
    bad_strings = ("cdn.", "https://cdn", "<script src=", "src=", "mathjax", "scattergeo", '"geo"')
    for bad in (*bad_strings, "choropleth", "mapbox", "maplibre"):
        assert bad not in rest.lower(), bad
    assert re.search(r"<script[^>]*\bsrc=", full_page) is None
    assert '"showSendToCloud": false' in rest  # no cloud "Share chart" button


def test_page_is_a_complete_document_with_note_and_toc(full_page: str) -> None:
    assert full_page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in full_page
    assert full_page.rstrip().endswith("</html>")
    assert rh.NOTE == "Explores consequences of stated assumptions; not a forecast."
    assert f'<p class="note">{rh.NOTE}</p>' in full_page
    toc = full_page.split('<nav class="toc"', 1)[1].split("</nav>", 1)[0]
    for anchor in ("fan-sec", "b", "map-sec", "tab"):
        assert f'<a href="#{anchor}">' in toc
        assert f'<section id="{anchor}"' in full_page
    assert "max-width:60rem" in full_page


def test_user_text_is_escaped() -> None:
    evil = "<b>x</b> & co"
    doc = rh.page(evil, [rh.section(evil, "<p>trusted</p>", "s1")], "", "")
    assert "<b>x</b>" not in doc.replace(get_plotlyjs(), "")
    assert "&lt;b&gt;x&lt;/b&gt; &amp; co" in doc
    assert "<p>trusted</p>" in doc  # body HTML is trusted, passed through
    tab = rh.table([evil], [[evil]], cls='c" onclick="x')
    assert "<b>" not in tab and tab.count("&lt;b&gt;") == 2 and 'onclick="x' not in tab
    # Chart text: escaped before it reaches plotly (whose text is pseudo-HTML).
    frag = rh.fan_chart(YEARS, {evil: ([0.0] * 6, [1.0] * 6, [2.0] * 6)}, evil, evil, "f")
    assert "<b>" not in frag and "\\u003cb\\u003e" not in frag
    assert "&amp;lt;b&amp;gt;" not in frag  # escaped once, not twice
    bar = rh.bar_chart([evil], [1.0], evil, evil, "b")
    assert "<b>" not in bar and "\\u003cb\\u003e" not in bar


def test_bad_ids_are_rejected() -> None:
    with pytest.raises(ValueError):
        _fan(div_id='x"><script>')
    with pytest.raises(ValueError):
        rh.section("t", "", "a b")


def test_fan_chart_has_band_and_median_per_series() -> None:
    traces = _figure_json(_fan(names=("A", "B")))
    assert len(traces) == 6
    for i in range(2):
        upper, lower, median = traces[3 * i : 3 * i + 3]
        assert lower["fill"] == "tonexty" and "fill" not in upper
        assert median.get("showlegend", True) and upper["showlegend"] is False
        assert {t["legendgroup"] for t in (upper, lower, median)} == {"AB"[i]}
        assert [t["hovertemplate"].split(":")[0] for t in (upper, lower, median)] == [
            "p95",
            "p5",
            "median",
        ]
    colours = {t["line"]["color"] for t in traces[2::3]}
    assert len(colours) == 2
    assert '"USD bn"' in _fan()  # y-axis title


def test_fan_chart_with_many_series_shades_one_band() -> None:
    """Issue 17: four overlapping grey bands hid each other; beyond two series only the
    first keeps its band, the others are median lines (all bands are in the CSV)."""
    frag = _fan(names=("A", "B", "C"))
    traces = _figure_json(frag)
    assert len(traces) == 5 and sum(1 for t in traces if t.get("fill") == "tonexty") == 1
    assert "90 % band" in frag and "of A" in frag


def test_every_chart_has_a_source_line_band_note_and_csv() -> None:
    from urllib.parse import unquote

    for frag in (
        _fan(names=("A",)),
        rh.bar_chart(["a", "b"], [1.0, 2.0], "t", "GW", "bb"),
        rh.bar_chart(["a long label here", "b"], [1.0, 2.0], "t", "GW", "bh", errors=[0.1, 0.2]),
        rh.tile_map({"CA": 1.0}, "t", "GW", "tm"),
    ):
        assert '<span class="source">Source: ' in frag and 'class="band"' in frag
        href = frag.split('class="csv" download="')[1].split('href="')[1].split('"')[0]
        assert href.startswith("data:text/csv") and "," in unquote(href)


def test_fan_chart_rejects_ragged_series() -> None:
    with pytest.raises(ValueError):
        rh.fan_chart(YEARS, {"a": ([1.0], [1.0], [1.0])}, "t", "u", "f")


def test_bar_chart_errors() -> None:
    (trace,) = _figure_json(rh.bar_chart(["a", "b"], [1, 2], "t", "u", "b", errors=[0.5, 0.25]))
    assert trace["type"] == "bar" and trace["error_y"]["array"] == [0.5, 0.25]
    with pytest.raises(ValueError):
        rh.bar_chart(["a"], [1, 2], "t", "u", "b")


def test_tile_layout_is_51_unique_tiles_in_an_11_by_8_grid() -> None:
    pos = rh.TILE_POSITIONS
    assert len(pos) == 51 and "DC" in pos and set(pos) == set(rh.STATE_NAMES)
    assert len(set(pos.values())) == 51
    assert all(0 <= r < 8 and 0 <= c < 11 for r, c in pos.values())
    assert rh.STATE_NAMES["CA"] == "California" and rh.STATE_NAMES["FL"] == "Florida"


def test_tile_map_has_51_tiles_and_greys_missing_states() -> None:
    values = {"CA": 1.0, "TX": 3.0, "NY": 2.0, "ME": float("nan")}
    fig = rh.tile_map_figure(values, "t", "u")
    assert len(fig.layout.shapes) == 51
    fills = [s.fillcolor for s in fig.layout.shapes]
    assert fills.count(rh.MISSING_COLOUR) == 48  # 51 - 3 finite values (ME is NaN)
    assert len(set(fills) - {rh.MISSING_COLOUR}) == 3
    texts = [t for tr in fig.data for t in tr.text]
    assert sorted(texts) == sorted(rh.TILE_POSITIONS)
    hover = [h for tr in fig.data for h in tr.hovertext]
    assert "California (CA)<br>1.0 u" in hover and "Maine (ME)<br>no data" in hover
    assert fig.data[0].marker.showscale is True
    frag = rh.tile_map(values, "t", "u", "map")
    assert frag.count('"type":"rect"') == 51
    assert {t["type"] for t in _figure_json(frag)} == {"scatter"}  # no geo traces
    with pytest.raises(ValueError):
        rh.tile_map_figure({"XX": 1.0}, "t", "u")


def test_table_marks_numbers() -> None:
    tab = rh.table(["a", "b"], [["x", "1,234.5"], ["y", "-5%"]], cls="wide")
    assert '<table class="wide">' in tab
    assert tab.count('<td class="num">') == 2 and "<td>x</td>" in tab
    with pytest.raises(ValueError):
        rh.table(["a", "b"], [["only one"]])


def test_write_page_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "brief.html"
    rh.write_page(target, "<p>v1 ✓</p>")
    assert target.read_text(encoding="utf-8") == "<p>v1 ✓</p>"
    assert os.listdir(tmp_path) == ["brief.html"]
    # Fails mid-write (unencodable lone surrogate): old file intact, no temp file left.
    with pytest.raises(UnicodeEncodeError):
        rh.write_page(target, "<p>v2 \ud800</p>")
    assert target.read_text(encoding="utf-8") == "<p>v1 ✓</p>"
    assert os.listdir(tmp_path) == ["brief.html"]

    # Fails at the rename.
    def boom(src: object, dst: object) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(rh.os, "replace", boom)
    with pytest.raises(OSError, match="disk on fire"):
        rh.write_page(target, "<p>v3</p>")
    assert target.read_text(encoding="utf-8") == "<p>v1 ✓</p>"
    assert os.listdir(tmp_path) == ["brief.html"]
    monkeypatch.undo()
    rh.write_page(target, "<p>v4</p>")
    assert target.read_text(encoding="utf-8") == "<p>v4</p>"
    assert os.listdir(tmp_path) == ["brief.html"]


def test_signed_tile_map_is_diverging_and_centred_on_zero() -> None:
    """Gains and losses: zero is white, the scale symmetric, so a loss never looks like a gain."""
    fig = rh.tile_map_figure({"CA": -4.0, "TX": 1.0, "NY": 0.0}, "t", "u")
    marker = fig.data[0].marker
    assert (marker.cmin, marker.cmax) == (-4.0, 4.0)
    fill = {(s.x0, s.y0): s.fillcolor for s in fig.layout.shapes}
    row, col = rh.TILE_POSITIONS["NY"]
    assert fill[(col - 0.46, row - 0.46)].replace(" ", "") in ("rgb(247,247,247)", "#f7f7f7")
    ca = rh.tile_map_figure({"CA": 1.0, "TX": 3.0}, "t", "u").data[0].marker
    assert (ca.cmin, ca.cmax) == (1.0, 3.0)  # one-signed data keeps the sequential scale
