"""The brief renders offline in a real browser: headless Debian chromium, no network.

Skipped when no chromium binary is present; CI (``.ci/run``) installs it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from plowshare.report import html as rh

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (CI installs it)")
CHART_IDS = ("fan", "bars", "map")
_CONSOLE = re.compile(r":CONSOLE\b|\bUncaught\b")
_EXTERNAL = re.compile(r"^\s*(https?:)?//", re.I)


def console_errors(stderr: str) -> list[str]:
    """Lines in which chromium reports page console output or an uncaught exception."""
    return [line for line in stderr.splitlines() if _CONSOLE.search(line)]


class _ResourceRefs(HTMLParser):
    """Collect src/href values of tags that make the browser fetch (not <a> links)."""

    TAGS = frozenset({"script", "link", "img", "iframe"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.TAGS:
            self.refs += [(tag, v or "") for k, v in attrs if k in ("src", "href")]


def external_resource_refs(html_text: str) -> list[tuple[str, str]]:
    """(tag, url) for every script/link/img/iframe src or href pointing at http(s)."""
    parser = _ResourceRefs()
    parser.feed(html_text)
    parser.close()
    return [(tag, url) for tag, url in parser.refs if _EXTERNAL.match(url)]


def page_requests(netlog: Path) -> list[str]:
    """http(s) URLs the *page* (top frame file://) asked the network stack for.

    Chromium's own background traffic (update checks, accounts) is keyed to other sites and
    is ignored; it cannot leave the machine anyway because every host resolves to NOTFOUND.
    """
    text = netlog.read_text(encoding="utf-8", errors="replace")
    try:
        log = json.loads(text)
    except json.JSONDecodeError:  # the file is finalised at exit; tolerate a missing tail
        log = json.loads(text.rstrip().rstrip(",") + "]}")
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        url = str(params.get("url", ""))
        from_page = "file://" in str(params.get("network_isolation_key", ""))
        if event.get("type") == start_job and url.startswith(("http:", "https:")) and from_page:
            urls.append(url)
    return urls


def run_chromium(page: Path, work: Path) -> tuple[str, str, list[str]]:
    """Load ``page`` headless with all DNS blackholed; return (DOM, stderr, page requests)."""
    assert CHROMIUM is not None
    profile, netlog = work / "profile", work / "netlog.json"
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=10000",
        "--enable-logging=stderr",
        "--v=0",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
        f"--log-net-log={netlog}",
        "--dump-dom",
        page.resolve().as_uri(),
    ]
    env = {**os.environ, "HOME": str(work)}
    with subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=work,
        start_new_session=True,  # so a hung browser can be killed with all its children
    ) as proc:
        try:
            dom, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            pytest.fail("chromium did not finish within 60 s")
    assert proc.returncode == 0, f"chromium exited {proc.returncode}:\n{err[-3000:]}"
    return dom, err, page_requests(netlog) if netlog.exists() else []


def _brief() -> str:
    years = list(range(2025, 2051))
    t = np.linspace(0.0, 1.0, len(years))
    fan = rh.fan_chart(
        years,
        {"Baseline": (10 * t, 20 * t, 35 * t), "Tax <5%>": (5 + 5 * t, 8 + 10 * t, 12 + 20 * t)},
        "Fund value",
        "USD bn",
        "fan",
    )
    bars = rh.bar_chart(["A", "B & C"], [1.0, 2.5], "Payout", "USD", "bars", errors=[0.2, 0.4])
    tiles = {s: float(i) for i, s in enumerate(rh.TILE_POSITIONS) if s not in ("TX", "NY")}
    sections = [
        rh.section("Fan", fan, "s-fan"),
        rh.section("Bars", bars, "s-bars"),
        rh.section("Map", rh.tile_map(tiles, "Share", "% of GDP", "map"), "s-map"),
        rh.section("Table", rh.table(["a", "b"], [["x", "1.5"]]), "s-table"),
    ]
    intro = '<p>See <a href="https://example.org/method">the method</a> (a link, not a fetch).</p>'
    return rh.page("Browser check", sections, intro, "<p>footer</p>")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, str, list[str]]:
    work = tmp_path_factory.mktemp("brief")
    page = work / "brief.html"
    rh.write_page(page, _brief())
    dom, err, requests = run_chromium(page, work)
    return page.read_text(encoding="utf-8"), dom, err, requests


@needs_chromium
def test_every_chart_renders_plotly_svg(rendered: tuple[str, str, str, list[str]]) -> None:
    _, dom, _, _ = rendered
    for div_id in CHART_IDS:
        start = dom.index(f'<div id="{div_id}"')
        chunk = dom[start : dom.index("</section>", start)]  # each chart has its own section
        assert 'class="main-svg"' in chunk, f"chart {div_id!r} did not render"
    map_chunk = dom[dom.index('<div id="map"') :]
    assert map_chunk.count('class="textpoint"') >= 51  # one abbreviation per tile
    assert 'data-title="Share chart' not in dom  # no cloud-upload button in any modebar
    assert 'data-title="Download plot as a PNG"' in dom  # (the modebar itself is there)


@needs_chromium
def test_no_console_errors(rendered: tuple[str, str, str, list[str]]) -> None:
    _, _, err, _ = rendered
    assert console_errors(err) == []


@needs_chromium
def test_no_external_requests(rendered: tuple[str, str, str, list[str]]) -> None:
    source, dom, _, requests = rendered
    assert external_resource_refs(source) == []
    assert external_resource_refs(dom) == []  # nor anything plotly inserted at run time
    assert "https://example.org/method" in source  # <a href> links are allowed
    assert requests == []


@needs_chromium
def test_checks_can_fail(tmp_path: Path) -> None:
    """A deliberate JS error and an external fetch are both caught by the same checks."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
        '<img src="https://example.com/x.png">'
        "<script>console.error('deliberate'); undefinedFunction();</script></body></html>",
        encoding="utf-8",
    )
    _, err, requests = run_chromium(bad, tmp_path)
    errors = console_errors(err)
    assert any("Uncaught ReferenceError" in line for line in errors), err[-3000:]
    assert any("deliberate" in line for line in errors)
    assert external_resource_refs(bad.read_text(encoding="utf-8")) == [
        ("img", "https://example.com/x.png")
    ]
    assert "https://example.com/x.png" in requests


def test_resource_scanner() -> None:
    html_text = (
        '<link rel="stylesheet" href="//cdn.example/x.css"><script src="HTTPS://a/b.js"></script>'
        '<iframe src="http://c/"></iframe><img src="data:image/png;base64,AA=="><img src="x.png">'
        '<a href="https://ok.example/">fine</a><script>var s = "<img src=https://no>";</script>'
    )
    assert external_resource_refs(html_text) == [
        ("link", "//cdn.example/x.css"),
        ("script", "HTTPS://a/b.js"),
        ("iframe", "http://c/"),
    ]
    assert console_errors('[1:1:INFO:CONSOLE:1] "x"\nplain line\nUncaught Error') == [
        '[1:1:INFO:CONSOLE:1] "x"',
        "Uncaught Error",
    ]


@needs_chromium
def test_brief_reads_at_phone_and_desktop_widths(tmp_path: Path) -> None:
    """Issue 17: at 400 px and 1400 px no horizontal scroll, no console errors, no request
    leaving the page; every chart has a source line and a CSV link; the answers table
    exists and every answer sentence carries a number."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    from plowshare.report.brief import write

    page_path = write(tmp_path / "brief.html", 40, 20260101)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        try:
            for width in (400, 1400):
                ctx = browser.new_context(viewport={"width": width, "height": 900})
                pg = ctx.new_page()
                errors: list[str] = []
                requests: list[str] = []
                pg.on("console", lambda m, e=errors: m.type == "error" and e.append(m.text))
                pg.on("pageerror", lambda x, e=errors: e.append(str(x)))
                pg.on("request", lambda r, q=requests: q.append(r.url))
                pg.goto(page_path.as_uri())
                pg.wait_for_timeout(1000)
                assert pg.evaluate("document.documentElement.scrollWidth <= innerWidth"), width
                assert not errors, errors
                assert all(u.startswith(("file:", "data:")) for u in requests), requests
                charts = pg.evaluate(
                    "[...document.querySelectorAll('.plotly-graph-div')].map(e => {"
                    "const f = e.closest('figure'); return f !== null && "
                    "f.querySelector('.source') !== null && f.querySelector('a.csv') !== null})"
                )
                assert charts and all(charts)
                answers = pg.evaluate(
                    "[...document.querySelectorAll('table.answers tbody tr td:nth-child(2)')]"
                    ".map(e => e.textContent)"
                )
                assert answers and all(re.search(r"\d", a) for a in answers), answers
                ctx.close()
        finally:
            browser.close()
