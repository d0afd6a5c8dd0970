"""Dates and timestamps in raw dumps: "Updated 3 March 2026, 10:42 GMT" lines and the date they state."""

from __future__ import annotations

import datetime as dt
import re

from .dump_catalogue import CATALOGUE, words_of, wordset

__all__ = ["STAMP_WORDS", "is_timestamp", "parse_date"]

_STAMP_SEP = re.compile(r"\s*[,|:/–—]\s*|\s+-\s+")

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_DATE_PATTERNS = (
    re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<mon>\d{1,2})-(?P<day>\d{1,2})(?!\d)"),
    re.compile(rf"(?i)\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b"),
    re.compile(rf"(?i)\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b"),
    re.compile(r"\b(?P<year>(?:19|20)\d{2})[/.](?P<mon>\d{1,2})[/.](?P<day>\d{1,2})\b"),
    re.compile(r"\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<year>(?:19|20)\d{2})\b"),
)
_MONTH_ANY = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY_ANY = r"\d{1,2}(?:st|nd|rd|th)?"
_ANY_DATE = re.compile(
    rf"(?i)\b(?:{_MONTH_ANY}\s+{_DAY_ANY}|{_DAY_ANY}\s+(?:of\s+)?{_MONTH_ANY})(?:,?\s+(?:19|20)\d{{2}})?\b"
    r"|\b\d{4}-\d{1,2}-\d{1,2}(?!\d)|\b\d{1,4}[/.]\d{1,2}[/.]\d{2,4}\b"
)
_TIME = re.compile(r"(?i)\b\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?|\b\d{1,2}\s*[ap]\.?m\.?\b|T\d{2}:\d{2}\S*")
# Words of "Published 3 hours ago | Updated 10:42 GMT" lines besides dates and times.
STAMP_WORDS = wordset(CATALOGUE["stamp_words"])


def is_timestamp(text: str) -> bool:
    """A line that only states a date or time, maybe with a label or a place: "Updated 3 March 2026, 10:42 GMT"."""
    if len(words_of(text)) > 12:
        return False
    found = _ANY_DATE.search(text) or _TIME.search(text) or re.search(r"(?i)\bago\b|\byesterday\b|\btoday\b", text)
    if not found:
        return False
    if not _leftover(text):
        return True
    # "Beirut, 3 March 2026" or "Sunday 6 July 2025 - 13:45 - Cairo": a place set off by punctuation, the rest a
    # full date or a time. Without the punctuation it could be a headline: "Kenya Votes on 12 May 2026".
    if parse_date(text) is None and not _TIME.search(text):
        return False
    segments = [seg for seg in _STAMP_SEP.split(text) if seg.strip()]
    places = [seg for seg in segments if _leftover(seg)]
    return len(places) < len(segments) and all(_is_place_label(seg) for seg in places)


def _leftover(text: str) -> list[str]:
    """The words of a line that are not part of a date, a time or a timestamp label."""
    rest = _TIME.sub(" ", _ANY_DATE.sub(" ", text))
    words = [w for w in re.split(r"[^\w'’-]+", rest) if w and not w.isdigit()]
    return [w for w in words if w.lower() not in STAMP_WORDS and w.lower().rstrip(".") not in _MONTHS]


def _is_place_label(segment: str) -> bool:
    words = words_of(segment)
    return 1 <= len(words) <= 3 and all(w[0].isupper() and not any(c.isdigit() for c in w) for w in words)


def parse_date(text: str) -> str | None:
    """The first full calendar date in the text as YYYY-MM-DD; day/month order must be unambiguous."""
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            groups = m.groupdict()
            year = int(groups["year"])
            if "a" in groups:
                a, b = int(groups["a"]), int(groups["b"])
                if a > 12 >= b:
                    day, month = a, b
                elif b > 12 >= a:
                    day, month = b, a
                else:
                    continue
            else:
                mon = groups["mon"]
                month = int(mon) if mon.isdigit() else _MONTHS[mon.lower()]
                day = int(groups["day"])
            try:
                return dt.date(year, month, day).isoformat()
            except ValueError:
                continue
    return None
