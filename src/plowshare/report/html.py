"""A small toolkit for a self-contained, offline HTML report ("the brief").

Every chart is a plotly figure rendered as an HTML ``<div>`` plus ``<script>``; :func:`page`
embeds plotly.js from the installed ``plotly`` package exactly once, so the page needs no
network at view time. No CDN is ever referenced and no geo traces are used (they fetch base
maps from a CDN); the US map is a tile grid drawn with shapes. All user text is HTML-escaped.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from html import escape
from pathlib import Path

import numpy as np
import numpy.typing as npt
import plotly.graph_objects as go
import plotly.io as pio
from plotly.colors import sample_colorscale
from plotly.offline import get_plotlyjs

__all__ = [
    "MISSING_COLOUR", "NOTE", "STATE_NAMES", "TILE_POSITIONS", "bar_chart", "fan_chart", "page",
    "section", "table", "tile_map", "tile_map_figure", "write_page",
]  # fmt: skip

NOTE = "Explores consequences of stated assumptions; not a forecast."
MISSING_COLOUR = "#d3d3d3"
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7F7F7F")
COLOURSCALE = [[0.0, "#deebf7"], [0.5, "#6baed6"], [1.0, "#08306b"]]  # light end stays visible
# for signed values (gains and losses): brown below zero, white at zero, blue above
DIVERGING = [
    [0.0, "#8c510a"],
    [0.25, "#d8b365"],
    [0.5, "#f7f7f7"],
    [0.75, "#6baed6"],
    [1.0, "#08306b"],
]
_AXIS = {"gridcolor": "#e8e8e8", "linecolor": "#888", "automargin": True}
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
_NUMBER = re.compile(r"[-+−]?[$€£]?[\d.,]+\s*(%|[kMBT]n?)?\Z")
_SECTION = re.compile(r'<section id="([^"]*)" data-title="([^"]*)">')
# No "Share chart" (cloud upload) button and no plotly logo link: the brief stays offline.
# No plotly-logo link and no "Share chart" (cloud upload) button: the brief stays offline.
_CONFIG = {"displaylogo": False, "showSendToCloud": False, "plotlyServerURL": ""}

# NPR tile-grid layout: 11 columns x 8 rows, state -> (row, col), row 0 at the top.
TILE_POSITIONS: dict[str, tuple[int, int]] = {
    "AK": (0, 0), "ME": (0, 10),
    "VT": (1, 9), "NH": (1, 10),
    "WA": (2, 0), "ID": (2, 1), "MT": (2, 2), "ND": (2, 3), "MN": (2, 4), "IL": (2, 5),
    "WI": (2, 6), "MI": (2, 7), "NY": (2, 8), "RI": (2, 9), "MA": (2, 10),
    "OR": (3, 0), "NV": (3, 1), "WY": (3, 2), "SD": (3, 3), "IA": (3, 4), "IN": (3, 5),
    "OH": (3, 6), "PA": (3, 7), "NJ": (3, 8), "CT": (3, 9),
    "CA": (4, 0), "UT": (4, 1), "CO": (4, 2), "NE": (4, 3), "MO": (4, 4), "KY": (4, 5),
    "WV": (4, 6), "VA": (4, 7), "MD": (4, 8), "DE": (4, 9),
    "AZ": (5, 1), "NM": (5, 2), "KS": (5, 3), "AR": (5, 4), "TN": (5, 5), "NC": (5, 6),
    "SC": (5, 7), "DC": (5, 8),
    "OK": (6, 3), "LA": (6, 4), "MS": (6, 5), "AL": (6, 6), "GA": (6, 7),
    "HI": (7, 0), "TX": (7, 3), "FL": (7, 8),
}  # fmt: skip

_NAMES = [
    "Alaska", "Maine", "Vermont", "New Hampshire", "Washington", "Idaho", "Montana",
    "North Dakota", "Minnesota", "Illinois", "Wisconsin", "Michigan", "New York", "Rhode Island",
    "Massachusetts", "Oregon", "Nevada", "Wyoming", "South Dakota", "Iowa", "Indiana", "Ohio",
    "Pennsylvania", "New Jersey", "Connecticut", "California", "Utah", "Colorado", "Nebraska",
    "Missouri", "Kentucky", "West Virginia", "Virginia", "Maryland", "Delaware", "Arizona",
    "New Mexico", "Kansas", "Arkansas", "Tennessee", "North Carolina", "South Carolina",
    "District of Columbia", "Oklahoma", "Louisiana", "Mississippi", "Alabama", "Georgia", "Hawaii",
    "Texas", "Florida",
]  # fmt: skip
STATE_NAMES: dict[str, str] = dict(zip(TILE_POSITIONS, _NAMES, strict=True))


def _check_id(value: str, what: str) -> str:
    if not _ID.match(value):
        raise ValueError(f"{what} must match [A-Za-z][A-Za-z0-9_-]*, got {value!r}")
    return value


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _wrap_title(title: str, width: int = 44) -> str:
    """Escape a chart title and break it into lines (plotly titles do not wrap on a phone)."""
    import textwrap

    return "<br>".join(escape(line) for line in textwrap.wrap(title, width)) or escape(title)


def _layout(title: str, unit: str, height: int) -> dict[str, object]:
    lines = _wrap_title(title).count("<br>") + 1
    return {
        "title": {"text": _wrap_title(title), "x": 0.0, "xanchor": "left", "font": {"size": 15}},
        "yaxis": {"title": {"text": escape(unit)}, **_AXIS, "zerolinecolor": "#bbb"},
        "xaxis": _AXIS,
        "template": "none",  # plotly's templates carry defaults for every trace type (geo too)
        "paper_bgcolor": "#fff",
        "plot_bgcolor": "#fff",
        "hoverlabel": {"align": "left"},
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 30 + 20 * lines, "b": 40},
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"},
    }


DEFAULT_SOURCE = (
    "plowshare model runs on this page's draws; every input and its source is in the appendix"
)
FAN_BAND = "Shaded: the 90 % band (5th to 95th percentile of the draws); line: the median."


def _csv_link(div_id: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A download link carrying the chart's numbers as CSV in a data: URI (no request)."""
    from urllib.parse import quote

    def cell(v: object) -> str:
        t = f"{v:.6g}" if isinstance(v, float) else str(v)
        return f'"{t}"' if ("," in t or '"' in t) else t

    text = "\n".join(",".join(cell(v) for v in r) for r in [list(header), *rows]) + "\n"
    href = "data:text/csv;charset=utf-8," + quote(text)
    return f'<a class="csv" download="{div_id}.csv" href="{href}">CSV</a>'


def _figure(chart: str, div_id: str, source: str, band: str, csv: str) -> str:
    return (
        f'<figure class="chart">{chart}<figcaption><span class="band">{escape(band)}</span> '
        f'<span class="source">Source: {escape(source)}.</span> {csv}</figcaption></figure>'
    )


def _to_html(fig: go.Figure, div_id: str) -> str:
    html = pio.to_html(
        fig, full_html=False, include_plotlyjs=False, div_id=_check_id(div_id, "div_id"),
        config={**_CONFIG, "responsive": True}, default_height=f"{fig.layout.height or 450}px",
    )  # fmt: skip
    return str(html)


def fan_chart(
    years: Sequence[int], series: dict[str, tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike]],
    title: str, unit: str, div_id: str, source: str = DEFAULT_SOURCE,
) -> str:  # fmt: skip
    """Render a fan chart: a shaded p5–p95 band and a median line per series.

    Parameters
    ----------
    years : Sequence[int]
        The x values.
    series : dict[str, tuple[array_like, array_like, array_like]]
        Series name -> ``(p5, p50, p95)``, each the same length as ``years``.
    title, unit : str
        Chart title and y-axis title (plain text; escaped).
    div_id : str
        The id of the chart's ``<div>`` (letters, digits, ``_`` and ``-``).

    Returns
    -------
    str
        An HTML fragment (``<div>`` + ``<script>``); needs plotly.js, as embedded by :func:`page`.
    """
    x = [int(y) for y in years]
    fig = go.Figure()
    u = escape(unit)
    for i, (name, bands) in enumerate(series.items()):
        p5, p50, p95 = (np.asarray(b, dtype=float) for b in bands)
        if not p5.shape == p50.shape == p95.shape == (len(x),):
            raise ValueError(f"series {name!r}: p5, p50, p95 must each have len(years)={len(x)}")
        colour, label = PALETTE[i % len(PALETTE)], escape(name)
        common = {"x": x, "legendgroup": label, "name": label}
        if len(series) > 2 and i > 0:  # overlapping grey bands hide each other: one band only
            fig.add_scatter(
                y=p50.tolist(), mode="lines", line={"color": colour, "width": 2.5,
                "dash": "dash" if i % 2 else "solid"},
                hovertemplate=f"median: %{{y:.3~g}} {u}<extra>{label}</extra>", **common,
            )  # fmt: skip
            continue
        fig.add_scatter(
            y=p95.tolist(), mode="lines", line={"width": 0}, showlegend=False,
            hovertemplate=f"p95: %{{y:.3~g}} {u}<extra>{label}</extra>", **common,
        )  # fmt: skip
        fig.add_scatter(
            y=p5.tolist(), mode="lines", line={"width": 0}, fill="tonexty", showlegend=False,
            fillcolor=_rgba(colour, 0.2),
            hovertemplate=f"p5: %{{y:.3~g}} {u}<extra>{label}</extra>", **common,
        )  # fmt: skip
        fig.add_scatter(
            y=p50.tolist(), mode="lines", line={"color": colour, "width": 2.5},
            hovertemplate=f"median: %{{y:.3~g}} {u}<extra>{label}</extra>", **common,
        )  # fmt: skip
    fig.update_layout(**_layout(title, unit, 420), hovermode="x unified")
    fig.update_layout(legend={"orientation": "h", "y": -0.12})
    rows = [
        [
            name,
            yr,
            float(np.asarray(b[0])[i]),
            float(np.asarray(b[1])[i]),
            float(np.asarray(b[2])[i]),
        ]
        for name, b in series.items()
        for i, yr in enumerate(x)
    ]
    csv = _csv_link(
        div_id, ["series", "year", f"p5 ({unit})", f"median ({unit})", f"p95 ({unit})"], rows
    )
    band = FAN_BAND
    if len(series) > 2:
        first = next(iter(series))
        band = (
            f"Shaded: the 90 % band (5th to 95th percentile of the draws) of {first}; lines: "
            "the medians (the other bands are in the CSV)."
        )
    return _figure(_to_html(fig, div_id), div_id, source, band, csv)


def bar_chart(
    labels: Sequence[str], values: npt.ArrayLike, title: str, unit: str, div_id: str,
    errors: npt.ArrayLike | None = None, source: str = DEFAULT_SOURCE,
    band: str = "",
) -> str:  # fmt: skip
    """Render a bar chart, optionally with symmetric error bars.

    Parameters
    ----------
    labels : Sequence[str]
        Bar labels (plain text; escaped).
    values : array_like
        Bar heights, one per label.
    title, unit : str
        Chart title and y-axis title (plain text; escaped).
    div_id : str
        The id of the chart's ``<div>``.
    errors : array_like, optional
        Half-widths of the error bars, one per label.

    Returns
    -------
    str
        An HTML fragment (``<div>`` + ``<script>``).
    """
    names = [escape(str(label)) for label in labels]
    y = np.asarray(values, dtype=float)
    if y.shape != (len(names),):
        raise ValueError("labels and values must have the same length")
    error_y = None
    if errors is not None:
        err = np.asarray(errors, dtype=float)
        if err.shape != y.shape:
            raise ValueError("errors must have one entry per label")
        error_y = {"type": "data", "array": err.tolist(), "visible": True, "color": "#444"}
    horizontal = max((len(n) for n in names), default=0) > 12
    if horizontal:  # long labels: horizontal bars, labels readable on a phone
        error_x = None if error_y is None else {**error_y}
        fig = go.Figure(
            go.Bar(
                y=names, x=y.tolist(), error_x=error_x, orientation="h",
                marker_color=PALETTE[0], text=[f"{v:,.3g}" for v in y], textposition="auto",
                hovertemplate=f"%{{y}}: %{{x:.3~g}} {escape(unit)}<extra></extra>",
            )
        )  # fmt: skip
        lay = _layout(title, unit, max(300, 34 * len(names) + 110))
        lay["xaxis"], lay["yaxis"] = (
            {**_AXIS, "title": {"text": escape(unit)}},
            {**_AXIS, "autorange": "reversed"},
        )
        fig.update_layout(**lay)
    else:
        fig = go.Figure(
            go.Bar(
                x=names, y=y.tolist(), error_y=error_y, marker_color=PALETTE[0],
                text=[f"{v:,.3g}" for v in y], textposition="auto",
                hovertemplate=f"%{{x}}: %{{y:.3~g}} {escape(unit)}<extra></extra>",
            )
        )  # fmt: skip
        fig.update_layout(**_layout(title, unit, 380))
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    if not band:
        band = (
            "Whiskers: half the 90 % band of the draws either side."
            if errors is not None
            else "One value per bar (no band shown)."
        )
    head = ["label", unit] + (["half-width of band"] if errors is not None else [])
    rows = [
        [str(lab), float(y[i])]
        + ([float(np.asarray(errors, dtype=float)[i])] if errors is not None else [])
        for i, lab in enumerate(labels)
    ]
    return _figure(_to_html(fig, div_id), div_id, source, band, _csv_link(div_id, head, rows))


def tile_map_figure(values: dict[str, float], title: str, unit: str, fmt: str = ".1f") -> go.Figure:
    """Build the tile-grid map figure used by :func:`tile_map` (see there)."""
    unknown = set(values) - set(TILE_POSITIONS)
    if unknown:
        raise ValueError(f"unknown state codes: {sorted(unknown)}")
    have = [s for s in TILE_POSITIONS if s in values and np.isfinite(values[s])]
    vals = np.array([values[s] for s in have], dtype=float)
    lo, hi = (float(vals.min()), float(vals.max())) if len(vals) else (0.0, 1.0)
    signed = lo < 0.0 < hi  # gains and losses: a diverging scale centred on zero
    if signed:
        lo, hi = -max(-lo, hi), max(-lo, hi)
    scale = DIVERGING if signed else COLOURSCALE
    span = hi - lo if hi > lo else 1.0
    shade = dict(zip(have, (vals - lo) / span, strict=True))
    fills = dict(zip(have, sample_colorscale(scale, list(shade.values())), strict=True))
    dark = {s: (abs(v - 0.5) > 0.3 if signed else v > 0.6) for s, v in shade.items()}
    fig = go.Figure()
    for state, (row, col) in TILE_POSITIONS.items():
        fig.add_shape(
            type="rect", x0=col - 0.46, x1=col + 0.46, y0=row - 0.46, y1=row + 0.46,
            fillcolor=fills.get(state, MISSING_COLOUR), line={"width": 0}, layer="below",
        )  # fmt: skip
    missing = [s for s in TILE_POSITIONS if s not in shade]
    u = escape(unit)
    for states, is_missing in ((have, False), (missing, True)):
        if not states:
            continue
        text = [
            f"{escape(STATE_NAMES[s])} ({s})<br>"
            + ("no data" if is_missing else f"{format(values[s], fmt)} {u}")
            for s in states
        ]
        marker: dict[str, object] = {"symbol": "square", "size": 24, "opacity": 0}
        if not is_missing:
            marker.update(
                color=vals.tolist(), colorscale=scale, cmin=lo, cmax=lo + span,
                showscale=True,
                colorbar={"title": {"text": u}, "tickformat": fmt, "thickness": 14},
            )  # fmt: skip
        fig.add_scatter(
            x=[TILE_POSITIONS[s][1] for s in states], y=[TILE_POSITIONS[s][0] for s in states],
            mode="markers+text", text=states, hovertext=text, hoverinfo="text",
            marker=marker, showlegend=False, name="no data" if is_missing else "",
            textfont={"color": ["#fff" if dark.get(s, False) else "#222" for s in states]},
        )  # fmt: skip
    axis = {"visible": False, "showgrid": False, "zeroline": False, "fixedrange": True}
    fig.update_layout(**_layout(title, unit, 420), hovermode="closest")
    fig.update_layout(
        xaxis={**axis, "range": [-0.6, 10.6], "constrain": "domain"},
        yaxis={**axis, "range": [7.6, -0.6], "scaleanchor": "x", "constrain": "domain"},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return fig


def tile_map(
    values: dict[str, float], title: str, unit: str, div_id: str, fmt: str = ".1f",
    source: str = DEFAULT_SOURCE,
) -> str:  # fmt: skip
    """Render a US tile-grid map (50 states + DC, NPR layout) coloured by value.

    Parameters
    ----------
    values : dict[str, float]
        Two-letter state code -> value; states absent (or non-finite) are drawn grey.
    title, unit : str
        Chart title and colour-bar title (plain text; escaped).
    div_id : str
        The id of the chart's ``<div>``.
    fmt : str, default ".1f"
        Number format valid for both Python's ``format`` and d3-format (e.g. ``",.0f"``).

    Returns
    -------
    str
        An HTML fragment (``<div>`` + ``<script>``).
    """
    csv = _csv_link(div_id, ["state", unit], [[k, float(v)] for k, v in sorted(values.items())])
    chart = _to_html(tile_map_figure(values, title, unit, fmt), div_id)
    return _figure(chart, div_id, source, "Colour: the median over the draws.", csv)


def table(headers: list[str], rows: list[list[str]], cls: str = "") -> str:
    """Render an HTML table; every cell is escaped and numeric-looking cells right-aligned.

    Parameters
    ----------
    headers : list[str]
        Column headings.
    rows : list[list[str]]
        Rows of cells, each with ``len(headers)`` entries.
    cls : str, optional
        Extra CSS class(es) for the ``<table>``.

    Returns
    -------
    str
        The ``<table>`` element.
    """

    def cell(tag: str, text: str) -> str:
        num = ' class="num"' if tag == "td" and _NUMBER.match(text.strip()) else ""
        return f"<{tag}{num}>{escape(text)}</{tag}>"

    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f"row {row!r} has {len(row)} cells, expected {len(headers)}")
    head = "".join(cell("th", str(h)) for h in headers)
    body = "\n".join("<tr>" + "".join(cell("td", str(c)) for c in r) + "</tr>" for r in rows)
    attr = f' class="{escape(cls)}"' if cls else ""
    return (
        f'<div class="scroll"><table{attr}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}'
        "\n</tbody>\n</table></div>"
    )


def section(title: str, body_html: str, anchor: str) -> str:
    """Wrap trusted ``body_html`` in a ``<section>`` with an escaped ``<h2>`` title.

    ``anchor`` (letters, digits, ``_``, ``-``) becomes the section id; :func:`page` builds its
    table of contents from these.
    """
    t = escape(title)
    return (
        f'<section id="{_check_id(anchor, "anchor")}" data-title="{t}">\n'
        f'<h2><a class="anchor" href="#{anchor}">{t}</a></h2>\n{body_html}\n</section>'
    )


_CSS = """
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--accent:#0b5cad;--bg:#fff;--soft:#f6f8fa}
*{box-sizing:border-box} a{color:var(--accent)} h2 a.anchor{color:inherit;text-decoration:none}
body{margin:0;background:var(--bg);color:var(--fg);line-height:1.55;font-size:17px;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:60rem;margin:0 auto;padding:2rem 1.25rem 4rem}
h1{font-size:2rem;line-height:1.2;margin:0 0 .5rem}
h2{font-size:1.4rem;margin:2.5rem 0 .75rem;padding-bottom:.3rem;border-bottom:1px solid var(--line)}
.note{background:var(--soft);border-left:4px solid var(--accent);padding:.6rem .9rem;
margin:1rem 0;font-weight:600}
nav.toc{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:.5rem 1rem;
margin:1.5rem 0} nav.toc ol{margin:.25rem 0;padding-left:1.4rem}
table{border-collapse:collapse;width:100%;margin:1rem 0;font-size:.92rem;
font-variant-numeric:tabular-nums}
th,td{padding:.4rem .6rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{border-bottom:2px solid var(--fg);background:var(--soft)}
td.num{text-align:right;white-space:nowrap} tbody tr:hover{background:var(--soft)}
.plotly-graph-div{margin:1rem 0}
footer{margin-top:3rem;padding-top:1rem;border-top:1px solid var(--line);color:var(--muted);
font-size:.9rem} @media print{nav.toc{display:none}}
.scroll{overflow-x:auto;max-width:100%;-webkit-overflow-scrolling:touch}
.plotly-graph-div{max-width:100%} figure.chart{margin:1rem 0;max-width:100%}
figcaption{font-size:.85rem;color:var(--muted)} a.csv{font-weight:600}
td,th{overflow-wrap:break-word} code{overflow-wrap:anywhere} td.verdict{white-space:nowrap}
blockquote{margin:.5rem 0 1rem;padding:.2rem .9rem;border-left:3px solid var(--line);
color:var(--muted)} .claim{margin:1rem 0 1.5rem} .answer{font-size:1.05rem}
@media (max-width:640px){body{font-size:16px} main{padding:1rem .75rem 3rem}
h1{font-size:1.5rem} h2{font-size:1.2rem} table{font-size:.85rem} th,td{padding:.3rem .4rem}}
"""


def page(title: str, sections: list[str], intro_html: str, footer_html: str) -> str:
    """Assemble a complete, self-contained HTML5 document.

    Parameters
    ----------
    title : str
        Document and ``<h1>`` title (plain text; escaped).
    sections : list[str]
        Outputs of :func:`section`; the table of contents is built from their anchors.
    intro_html, footer_html : str
        Trusted HTML placed after the title and in the footer.

    Returns
    -------
    str
        The document, with the stylesheet and plotly.js inlined (plotly.js once, in the head).
    """
    t = escape(title)
    found = (_SECTION.search(s) for s in sections)
    toc_items = [f'<li><a href="#{m[1]}">{m[2]}</a></li>' for m in found if m]
    nav = '<nav class="toc" aria-label="Contents"><strong>Contents</strong>\n<ol>\n{}\n</ol></nav>'
    toc = nav.format("\n".join(toc_items)) if toc_items else ""
    body = "\n".join(sections)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{t}</title>\n<style>{_CSS}</style>\n"
        f'<script type="text/javascript">{get_plotlyjs()}</script>\n</head>\n<body>\n<main>\n'
        f'<h1>{t}</h1>\n<p class="note">{escape(NOTE)}</p>\n{intro_html}\n{toc}\n{body}\n'
        f"<footer>{footer_html}</footer>\n</main>\n</body>\n</html>\n"
    )


def write_page(path: Path, html: str) -> None:
    """Write ``html`` to ``path`` atomically (temp file in the same folder, then ``os.replace``).

    On any error the temp file is removed and an existing ``path`` is left untouched.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(html)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
