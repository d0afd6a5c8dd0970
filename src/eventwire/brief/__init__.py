"""``eventwire brief``: a dated situation report over a database, as HTML that works offline or as PDF.

The pieces: period.py (which days), collect.py (what the store says about them, bounded), charts.py (inline SVG),
render.py (the page) and pdf.py (headless Chromium prints it).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ..errors import EventwireError, UsageError
from .collect import Brief, Filters, collect, newest_day
from .period import Period, parse_period
from .render import render_html

__all__ = ["Brief", "Filters", "Period", "build_brief", "collect", "parse_period", "render_html", "write_brief"]


def build_brief(conn: Any, since: str = "7d", until: str | None = None, countries: tuple[str, ...] = (),
                actor: str | None = None, today: date | None = None) -> Brief:
    period = parse_period(since, until, newest_day(conn), today)
    codes = tuple(sorted({c.strip().upper() for c in countries if c.strip()}))
    bad = [c for c in codes if len(c) != 3 or not c.isalpha()]
    if bad:
        raise UsageError(f"--country {bad[0]}: expected an ISO 3166 alpha-3 code such as LBN")
    return collect(conn, period, Filters(countries=codes, actor=(actor or "").strip() or None))


def write_brief(brief: Brief, out: Path, database: str, today: date | None = None) -> None:
    """Write the brief to ``out``: PDF when it ends in .pdf, else HTML."""
    suffix = out.suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        raise UsageError(f"-o {out}: the brief is written as .html or .pdf")
    if not out.parent.exists():
        raise UsageError(f"-o {out}: folder {out.parent} does not exist")
    html = render_html(brief, database, today)
    if suffix == ".pdf":
        from .pdf import html_to_pdf

        html_to_pdf(html, out)
        return
    try:
        out.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise EventwireError(f"-o {out}: cannot write ({exc.strerror})") from None
