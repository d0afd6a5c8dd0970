"""The date the dates stage resolves against: the article's publication date as given, else inferred from its
dateline, URL, captions or body, with how it was found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from email.utils import parsedate_to_datetime

from ..records import Article
from .dates_calendar import _safe_date
from .dates_lexicon import Lexicon, load_lexicon

# --------------------------------------------------------------------------------------------------------------------
# The publication date, when the input did not give one.

_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)[/-]([01]?\d)[/-]([0-3]?\d)(?:/|-|$)|[/_-]((?:19|20)\d\d)([01]\d)([0-3]\d)(?:[/_.-]|$)"
)


def _full_dates(text: str, lex: Lexicon) -> Iterator[tuple[int, date]]:
    """Dates written out in full (with a year) in ``text``, with their offsets."""
    for name, pattern in lex.rules:
        if name not in ("iso", "date_mdy", "date_dmy"):
            continue
        for m in pattern.finditer(text):
            if name == "iso":
                d = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
            elif m["y"] and not m["month"][0].islower():
                d = _safe_date(int(m["y"]), int(lex["month"][m["month"].lower().rstrip(".")]), int(m["day"]))
            else:
                d = None
            if d is not None:
                yield m.start(), d


def infer_published(article: Article) -> tuple[str, str] | None:
    """The article's publication date as (ISO date, how), how one of "dateline", "url", "caption", "text".

    A dateline opens the body ("BEIRUT, July 6, 2025 (AFP) -"); a URL often carries /2025/07/06/; a photo caption is
    usually dated the day of the story. Failing those, the latest full date in the body, as reports rarely mention
    a day after their own.
    """
    lex = load_lexicon()
    head = article.text[:200]
    for start, d in sorted(_full_dates(head, lex)):
        prefix = head[:start]
        # A dateline opens the text: at most a place name ("KYIV, ") before the date, never running prose.
        if len(prefix) < 60 and not re.search(r"[.!?]\s|\b[a-z]{2,}\s+[a-z]{2,}", prefix):
            return d.isoformat(), "dateline"
        break
    if article.url:
        m = _URL_DATE.search(article.url)
        if m:
            y, mo, dd = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
            day = _safe_date(int(y), int(mo), int(dd))
            if day is not None:
                return day.isoformat(), "url"
    for caption in article.captions:
        for _, d in _full_dates(caption.text, lex):
            return d.isoformat(), "caption"
    in_text = [d for _, d in _full_dates(article.text, lex)]
    if in_text:
        return max(in_text).isoformat(), "text"
    return None


def _parse_iso(value: str | None) -> date | None:
    if not value:
        return None
    m = re.match(r"\s*(\d{4})-(\d\d)-(\d\d)", value)
    if m:
        return _safe_date(int(m[1]), int(m[2]), int(m[3]))
    try:  # feeds write "Sun, 06 Jul 2025 10:00:00 GMT" (RFC 2822)
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        return None


def anchor_of(article: Article) -> date | None:
    """The date to resolve against: the given publication date, else the inferred one."""
    given = _parse_iso(article.published)
    if given is not None:
        return given
    inferred = infer_published(article)
    return _parse_iso(inferred[0]) if inferred else None


