"""The lab in a real browser: Playwright for Python driving Debian's chromium (never a
browser Playwright downloads), against a lab server on 127.0.0.1 in this process.

Skipped when chromium or Playwright is missing; CI (``.ci/run``) installs chromium.
"""

from __future__ import annotations

import csv
import io
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest

from .server import CHROMIUM_ARGS, lab_server

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (CI installs it)")
TIMEOUT_MS = 30_000
MORATORIUM = "[data-lever='siting.moratorium_states']"


@pytest.fixture(scope="module")
def lab() -> Iterator[str]:
    with lab_server(processes=0) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=TIMEOUT_MS)
        yield b
        b.close()


class Watched:
    """A page in a fresh context with every console error and every request recorded."""

    def __init__(self, browser: Any, width: int = 1280) -> None:
        self.context = browser.new_context(
            viewport={"width": width, "height": 900}, accept_downloads=True
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def open(self, url: str) -> Any:
        self.page.goto(url)
        self.page.wait_for_selector("body[data-ready='1']")
        self.settle()
        return self.page

    def settle(self) -> None:
        """Wait until the bands for the latest change have arrived."""
        self.page.wait_for_selector("body[data-bands='ready']")

    def wait_until(self, js: str) -> None:
        """Poll a JS expression with ``evaluate`` (the page's CSP forbids the string
        evaluation that Playwright's ``wait_for_function`` uses: no eval, as intended)."""
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while not self.page.evaluate(js):
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {js}")
            time.sleep(0.03)

    def answer(self, key: str, column: str = "central") -> str:
        return str(self.page.locator(f"[data-answer='{key}'] td.{column}").inner_text())

    def value(self, key: str) -> float:
        return float(self.page.locator(f"[data-answer='{key}']").get_attribute("data-value"))

    def changes(self, action: Any, key: str = "blocked-gw") -> tuple[float, float]:
        before = self.value(key)
        seq = self.page.evaluate("document.body.dataset.share")
        action()
        self.wait_until(f"document.body.dataset.share !== {seq!r}")
        self.settle()
        return before, self.value(key)

    def close(self) -> None:
        self.context.close()


def off_machine(urls: list[str]) -> list[str]:
    return [u for u in urls if urlparse(u).scheme not in ("data", "blob")
            and urlparse(u).hostname not in ("127.0.0.1",)]  # fmt: skip


def test_page_loads_clean_and_stays_on_the_machine(lab: str, browser: Any) -> None:
    w = Watched(browser)
    try:
        page = w.open(lab + "/")
        assert page.locator("#charts .main-svg").count() >= 5  # plotly drew the charts
        assert page.locator(f"{MORATORIUM} button.tile").count() == 51
        assert "not a forecast" in page.inner_text("#note")
        w.page.click("#open-assumptions")
        assert page.locator(".assumption").count() > 50
        assert w.errors == []
        assert off_machine(w.requests) == []
        assert any(u.endswith("/static/plotly.min.js") for u in w.requests)
    finally:
        w.close()


def test_narrow_screen_has_no_sideways_scroll(lab: str, browser: Any) -> None:
    w = Watched(browser, width=400)
    try:
        page = w.open(lab + "/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 400
        assert w.errors == []
    finally:
        w.close()


def test_moratorium_slider_and_map_change_blocked_gw(lab: str, browser: Any) -> None:
    w = Watched(browser)
    try:
        page = w.open(lab + "/")
        assert w.value("blocked-gw") == 0.0
        _, after_va = w.changes(lambda: page.click(f"{MORATORIUM} button[data-state='VA']"))
        assert after_va > 0

        # GA by keyboard: focus its tile and press Enter
        def ga() -> None:
            page.focus(f"{MORATORIUM} button[data-state='GA']")
            page.keyboard.press("Enter")

        _, after_ga = w.changes(ga)
        assert after_ga > after_va
        assert "VA" in w.answer("blocked-gw") and "GA" in w.answer("blocked-gw")
        slider = page.locator("[data-lever='siting.moratorium_start'] input[type=range]")
        _, later = w.changes(lambda: slider.fill("2032"))
        assert 0 < later < after_ga  # a later start blocks less
        assert (
            page.locator(f"{MORATORIUM} button[data-state='VA']").get_attribute("aria-pressed")
            == "true"
        )
        assert "[" in w.answer("blocked-gw", "band")  # the band arrived after the central
        assert w.errors == []
    finally:
        w.close()


def test_shared_url_reproduces_the_numbers_in_a_fresh_browser(lab: str, browser: Any) -> None:
    w = Watched(browser)
    try:
        page = w.open(lab + "/")
        w.changes(lambda: page.click(f"{MORATORIUM} button[data-state='NY']"))
        box = "[data-lever='compute.export_control_level'] input[type=number]"

        def stricter() -> None:
            page.fill(box, "2")
            page.press(box, "Enter")

        w.changes(stricter)
        url = page.url
        rows = page.locator("#answers tbody").inner_text()
    finally:
        w.close()
    fresh = Watched(browser)
    try:
        fresh.open(url)
        assert fresh.page.locator("#answers tbody").inner_text() == rows
        pressed = fresh.page.locator(f"{MORATORIUM} button[aria-pressed='true']").all_inner_texts()
        assert pressed == ["NY"]
        assert fresh.errors == []
    finally:
        fresh.close()


def test_csv_download_matches_the_api(lab: str, browser: Any) -> None:
    w = Watched(browser)
    try:
        page = w.open(lab + "/")
        w.changes(lambda: page.click(f"{MORATORIUM} button[data-state='TX']"))
        code = page.evaluate("document.body.dataset.share")
        with page.expect_download() as dl:
            page.click("[data-chart='siting'] button.csv")
        text = Path(dl.value.path()).read_text()
    finally:
        w.close()
    spec = httpx.get(f"{lab}/api/share/{code}").json()["scenario"]
    want = {
        c["id"]: c
        for c in httpx.post(f"{lab}/api/central", json={"scenario": spec}).json()["charts"]
    }
    draws = httpx.get(f"{lab}/api/meta").json()["limits"]["band_draws_default"]
    bands = httpx.post(
        f"{lab}/api/bands", json={"scenario": spec, "draws": draws}, timeout=60
    ).json()
    band = {c["id"]: c for c in bands["charts"]}["siting"]
    comments = [ln for ln in text.splitlines() if ln.startswith("#")]
    assert any("Source: plowshare" in ln for ln in comments)
    rows = list(
        csv.DictReader(
            io.StringIO("\n".join(ln for ln in text.splitlines() if not ln.startswith("#")))
        )
    )
    chart = want["siting"]
    assert len(rows) == len(chart["years"]) * len(chart["series"])
    for s, bs in zip(chart["series"], band["series"], strict=True):
        mine = [r for r in rows if r["series"] == s["name"]]
        assert [int(r["year"]) for r in mine] == chart["years"]
        assert [float(r["central"]) for r in mine] == s["central"]
        assert [float(r["p95"]) for r in mine] == bs["p95"]
