"""`eventwire brief`: the period flags, what the brief says on the seed, escaping of hostile text, both store
backends, and the page in real headless Chromium and as a PDF rendered back to an image."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventwire.brief import build_brief, render_html
from eventwire.brief.period import Period, parse_period
from eventwire.cli import main
from eventwire.errors import UsageError
from eventwire.store import open_store
from eventwire.web.testing import chromium_browser, chromium_missing, sample_documents

TODAY = date(2026, 3, 10)


def test_period_flags() -> None:
    assert parse_period("7d", None, date(2026, 3, 8)) == Period(date(2026, 3, 2), date(2026, 3, 8))
    assert parse_period("7d", None, None, TODAY).end == TODAY
    week = parse_period("7d", "2026-03-08", date(2025, 1, 1))
    assert week.previous() == Period(date(2026, 2, 23), date(2026, 3, 1)) and week.days == 7
    assert parse_period("2026-03-01", "2026-03-31", None) == Period(date(2026, 3, 1), date(2026, 3, 31))
    everything = parse_period("all", None, date(2026, 3, 8))
    assert everything.start is None and everything.previous() is None
    for since, until, flag in (("yesterday", None, "--since yesterday"), ("0d", None, "--since 0d"),
                               ("7d", "March", "--until March"), ("2026-04-01", "2026-03-01", "--since 2026-04-01")):
        with pytest.raises(UsageError, match=re.escape(flag)):
            parse_period(since, until, TODAY)


@pytest.fixture(scope="module")
def seed_db(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    seed = shared / "seed.txt"
    if not seed.exists():
        pytest.skip(f"the seed is not here ({seed})")
    db = str(tmp_path_factory.mktemp("brief") / "seed.db")
    result = CliRunner().invoke(main, ["ingest", str(seed), "--db", db])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture(scope="module")
def seed_html(seed_db: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("brief-out") / "brief.html"
    # The Libya report carries no date, so only --since all puts it in the brief (a dated period says so).
    result = CliRunner().invoke(main, ["brief", "--db", seed_db, "--since", "all", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"{out}: brief of ") and result.stderr.count("\n") == 1
    return out


def test_seed_brief_shows_both_reports(seed_html: Path) -> None:
    html = seed_html.read_text(encoding="utf-8")
    map_svg = html[html.index('<svg class="map"'):html.index("</svg>", html.index('<svg class="map"'))]
    placed = set(re.findall(r'<circle class="place"[^>]*data-country="([A-Z]{3})"', map_svg))
    assert {"LBY", "LBN"} <= placed, placed
    quotes = html[html.index("<h2>Who said what</h2>"):html.index("<h2>Sources</h2>")]
    assert "<b>Naim Qassem</b>" in quotes and quotes.count("<li>") >= 2
    happenings = html[html.index("<h2>Most reported</h2>"):html.index("<h2>Who said what</h2>")]
    assert "Hezbollah" in happenings
    counts = html[html.index("<h2>Headline counts</h2>"):html.index("<h2>Where</h2>")]
    assert "REQUEST" in counts and "REJECT" in counts and "Libya" in counts and "Lebanon" in counts
    # Every statement cites a numbered source that names its article and sentence.
    cited = set(re.findall(r'href="#src-(\d+)"', html))
    listed = set(re.findall(r'<li id="src-(\d+)">', html))
    assert cited and cited == listed
    assert re.search(r'<li id="src-1">.*Article <code>[0-9a-f]+</code>, characters \d+–\d+', html)


def test_dated_brief_counts_what_it_leaves_out(seed_db: str) -> None:
    with open_store(seed_db) as store:
        brief = build_brief(store.conn, "7d")
    assert brief.period == Period(date(2025, 6, 30), date(2025, 7, 6))  # ends on the newest publication day
    assert brief.total > 0 and brief.undated > 0
    assert "no publication date" in render_html(brief, "seed.db", TODAY)


def test_brief_html_needs_nothing_from_the_network(seed_html: Path) -> None:
    html = seed_html.read_text(encoding="utf-8")
    assert "<script" not in html and "<link" not in html and "<img" not in html
    assert not re.search(r'(src|@import|url\()\s*=?\s*["\']?https?:', html)
    assert "Content-Security-Policy" in html


def test_brief_escapes_stored_text(tmp_path: Path) -> None:
    db = str(tmp_path / "hostile.db")
    with open_store(db) as store:
        list(store.write(sample_documents()))
        brief = build_brief(store.conn, "all", "2026-12-31")
    html = render_html(brief, "hostile.db", TODAY)
    assert brief.total > 0
    assert "<script" not in html and "<img" not in html and "<svg onload" not in html
    assert "&lt;script&gt;window.__pwned" in html  # the hostile title is shown, as text


def test_brief_on_both_backends(store_db: str) -> None:
    with open_store(store_db) as store:
        list(store.write(sample_documents()))
        brief = build_brief(store.conn, "all", "2026-12-31")
        only = build_brief(store.conn, "all", "2026-12-31", countries=("cod",))
    assert brief.total >= 4 and {c for c, _n, _b in brief.by_country} >= {"COD", "KEN"}
    assert 0 < only.total < brief.total and all("COD" in h.countries for h in only.happenings)


def test_brief_bad_flags_are_one_line_errors(seed_db: str, tmp_path: Path) -> None:
    runner = CliRunner()
    for args, needle in ((["--since", "lastweek"], "--since lastweek"), (["--country", "Lebanon"], "--country"),
                         (["-o", str(tmp_path / "brief.txt")], "brief.txt"),
                         (["-o", str(tmp_path / "no" / "b.html")], "does not exist")):
        argv = ["brief", "--db", seed_db, "-o", str(tmp_path / "b.html"), *args]
        result = runner.invoke(main, argv)
        assert result.exit_code != 0, argv
        assert result.stderr.startswith("Error: ") and needle in result.stderr, result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    missing = runner.invoke(main, ["brief", "--db", str(tmp_path / "none.db"), "-o", str(tmp_path / "b.html")])
    assert missing.exit_code == 1 and "no such database" in missing.stderr


browser_missing = chromium_missing()


@pytest.mark.skipif(browser_missing is not None, reason=browser_missing or "")
def test_brief_renders_in_chromium(seed_html: Path) -> None:
    with chromium_browser() as browser:
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(seed_html.as_uri())
        for chart in ("svg.map", "svg.timeline", "svg.network"):
            box = page.locator(chart).bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 100, (chart, box)
        assert page.locator("svg.map circle.place").count() >= 2
        assert not errors, errors


@pytest.mark.skipif(browser_missing is not None, reason=browser_missing or "")
def test_brief_pdf_renders_to_an_image(seed_db: str, tmp_path: Path) -> None:
    pdfium = pytest.importorskip("pypdfium2", reason="pypdfium2 renders the PDF here: pip install 'eventwire[dev]'")
    out = tmp_path / "brief.pdf"
    result = CliRunner().invoke(main, ["brief", "--db", seed_db, "--since", "all", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    pdf = pdfium.PdfDocument(str(out))
    assert len(pdf) >= 2
    pixels = pdf[0].render(scale=0.5).to_numpy()  # height x width x channels, 0-255
    inked = float((pixels[..., :3].mean(axis=-1) < 200).mean())
    assert inked > 0.01, inked  # text and charts, not a blank page
