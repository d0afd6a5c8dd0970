"""The page end to end in a real headless Chromium (Debian's /usr/bin/chromium under Playwright) against the server
started on 127.0.0.1 by the test: it renders at laptop and phone widths, filters by brush and form, highlights an
event's evidence, fetches nothing from outside, and shows hostile article text as text.

Screenshots go to $EVENTWIRE_TEST_ARTIFACTS when set (e.g. test-artifacts/, ignored by git), else to tmp_path.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed: pip install 'eventwire[web]'")

from eventwire.web.testing import build_sample_db, chromium_browser, chromium_missing, serve_in_thread

missing = chromium_missing()
pytestmark = pytest.mark.skipif(missing is not None, reason=missing or "")

LAPTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = build_sample_db(tmp_path_factory.mktemp("web-page") / "page.db")
    with serve_in_thread(db) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium_browser() as b:
        yield b


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("EVENTWIRE_TEST_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _open(browser: Any, base_url: str, viewport: dict[str, int], path: str = "/") -> tuple[Any, Any, dict[str, list[str]]]:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    seen: dict[str, list[str]] = {"dialogs": [], "requests": [], "errors": []}

    def on_dialog(dialog: Any) -> None:
        seen["dialogs"].append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.goto(base_url + path)
    page.wait_for_selector("body[data-ready='1']", timeout=20_000)
    return context, page, seen


@pytest.mark.parametrize(("name", "viewport"), [("laptop", LAPTOP), ("phone", PHONE)])
def test_web_page_renders_every_panel(browser: Any, base_url: str, artifacts: Path, name: str,
                                      viewport: dict[str, int]) -> None:
    context, page, seen = _open(browser, base_url, viewport)
    try:
        assert page.locator("#map path.country").count() > 150  # the world outline from the package
        assert page.locator("#map path.country[data-country='KEN']").get_attribute("style")  # shaded: events there
        assert page.locator("#map circle.point").count() == 4
        assert page.locator("#timeline rect:not(.brush)").count() >= 4
        # A time axis, not a row of categories: 18 quiet days take more room than 4.
        xs = dict(page.evaluate("() => [...document.querySelectorAll('#timeline rect:not(.brush)')]"
                                ".map((r) => [r.textContent.slice(0, 10), Number(r.getAttribute('x'))])"))
        assert xs["2024-03-01"] - xs["2024-02-12"] > 3 * (xs["2024-03-05"] - xs["2024-03-01"])
        assert page.locator("#network path.edge").count() == 4
        assert page.locator("#network path.edge.conflict").count() == 2  # ASSAULT, COERCE; AGREE/CONSULT cooperate
        assert page.locator("#events tbody tr").count() == 5
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= viewport["width"] + 1, "the page scrolls sideways"
        # Dates and event types are never broken across lines ("ASSA / ULT"), on a phone either.
        for cell in ("#events tbody tr:first-child td:nth-child(1)", "#events tbody tr:first-child td:nth-child(2)"):
            lines = page.evaluate("(sel) => { const r = document.createRange();"
                                  " r.selectNodeContents(document.querySelector(sel)); return r.getClientRects().length; }",
                                  cell)
            assert lines == 1, cell
        page.locator("#events tbody tr").first.click()
        page.wait_for_selector("#article-text span.hl-trigger")
        page.screenshot(path=str(artifacts / f"web-page-{name}.png"), full_page=True)
        assert not seen["errors"]
    finally:
        context.close()


def test_web_page_fetches_nothing_from_outside(browser: Any, base_url: str) -> None:
    context, _page, seen = _open(browser, base_url, LAPTOP)
    context.close()
    outside = [u for u in seen["requests"] if not u.startswith(base_url)]
    assert outside == []
    assert any(u.endswith("/world.geojson") for u in seen["requests"])


def test_web_page_escapes_hostile_article(browser: Any, base_url: str, artifacts: Path) -> None:
    context, page, seen = _open(browser, base_url, LAPTOP)
    try:
        page.locator("#events tbody tr[data-id='art-hostile-0']").click()
        page.wait_for_selector("#article-text span.hl-trigger")
        page.screenshot(path=str(artifacts / "web-page-hostile.png"), full_page=True)
        assert seen["dialogs"] == []
        assert page.evaluate("window.__pwned") is None
        for selector in ("#injected-name", "#injected-place", "img", "svg[onload]", "[onerror]", "b"):
            assert page.locator(selector).count() == 0, selector
        assert page.locator("script").count() == 1  # our own app.js
        text = page.locator("#article-text").inner_text()
        assert "<script>window.__pwned=1;alert('body')</script>" in text
        assert page.locator("#article-title").inner_text().startswith("<script>")
        assert page.locator("#article-meta a").count() == 0  # a javascript: URL is not made a link
        assert "onerror" in page.locator("#events").inner_text()  # the actor name, shown as text
    finally:
        context.close()


def test_web_page_highlights_event_evidence(browser: Any, base_url: str) -> None:
    context, page, _ = _open(browser, base_url, LAPTOP)
    try:
        page.locator("#events tbody tr[data-id='art-goma-0']").click()
        page.wait_for_selector("#article-text span.hl-trigger")

        def texts(cls: str) -> list[str]:
            return [t.strip() for t in page.locator(f"#article-text span.{cls}").all_inner_texts()]

        assert "attacked" in texts("hl-trigger")
        assert {"Government troops", "rebel positions"} <= set(texts("hl-actor"))
        assert "Goma" in texts("hl-place")
        assert "Tuesday" in texts("hl-date")
        assert any("We will not retreat" in t for t in texts("hl-quote"))
    finally:
        context.close()


def test_web_page_form_filters_every_panel(browser: Any, base_url: str) -> None:
    context, page, _ = _open(browser, base_url, LAPTOP)
    try:
        page.select_option("#f-type", "PROTEST")
        page.locator("#filters button[type=submit]").click()
        page.wait_for_function("() => document.querySelectorAll('#events tbody tr').length === 1")
        assert page.locator("#events tbody tr").first.get_attribute("data-id") == "art-nairobi-0"
        assert "type=PROTEST" in page.url
        page.wait_for_function("() => document.querySelectorAll('#map circle.point').length === 1")
    finally:
        context.close()


def test_web_page_brush_filters_by_date(browser: Any, base_url: str) -> None:
    context, page, _ = _open(browser, base_url, LAPTOP)
    try:
        box = page.locator("#timeline").bounding_box()
        assert box is not None
        # Drag over the right half of the timeline: the later days only (the Goma and hostile events of March).
        y = box["y"] + box["height"] / 2
        page.mouse.move(box["x"] + box["width"] * 0.75, y)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.99, y, steps=5)
        page.mouse.up()
        page.wait_for_function("() => location.hash.includes('since=')")
        page.wait_for_function("() => document.querySelectorAll('#events tbody tr').length < 5")
        ids = page.locator("#events tbody tr").evaluate_all("rows => rows.map(r => r.dataset.id)")
        assert "art-nairobi-0" not in ids and ids
    finally:
        context.close()
