"""Time expressions whose value is the period the text reports on: in a report on a quarter, "the year-ago
quarter", "the latest period" and "a year earlier" are quarters, read from the last quarter the text named.

The normalisers here give a placeholder ("REF:-1": the reported quarter a year back; "REF@1988": the reported
quarter of 1988); :func:`resolve_references` replaces each with a value, or drops it when the text named no quarter.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

from ..records import TimeRef

_PLACEHOLDER = "REF"
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
# A year back from the reported time, in so many words: "a year ago", "a year earlier", "last year's".
_YEAR_BACK = re.compile(r"^(?:a|one)\s+year\s+(?:ago|earlier)$", re.IGNORECASE)

Result = tuple[str, str | None, str]


def n_period_year_back(env: Any, m: re.Match[str]) -> Result | None:
    """ "the year-ago quarter", "the comparable year-earlier period", "last year's quarter", "the same period last
    year": the reported quarter, a year back."""
    return f"{_PLACEHOLDER}:-1", "quarter", "DATE"


def n_period_same(env: Any, m: re.Match[str]) -> Result | None:
    """ "the latest quarter", "the latest period", "that quarter": the reported quarter itself."""
    return f"{_PLACEHOLDER}:0", "quarter", "DATE"


def n_period_of_year(env: Any, m: re.Match[str]) -> Result | None:
    """ "the 1988 quarter", "the 1989 period": the reported quarter of that year."""
    return f"{_PLACEHOLDER}@{int(m['y'])}", "quarter", "DATE"


NORMALISERS = {
    "period_year_back": n_period_year_back,
    "period_same": n_period_same,
    "period_of_year": n_period_of_year,
}


def resolve_references(refs: list[TimeRef], anchor: date | None = None) -> list[TimeRef]:
    """Placeholders resolved against the reported quarter: the latest quarter named so far (a report names its own
    quarter before the one it compares with) that has ended by the anchor, as results come after their quarter and a
    quarter still running or ahead ("into the fourth quarter", "losses through the third quarter of 1990") is a
    forecast, not the one reported on. "a year ago" after a quarter is that
    quarter a year back; before any quarter, or in a text that names none, it stays a year. A placeholder with no
    quarter to read is dropped."""
    running = (anchor.year, (anchor.month - 1) // 3 + 1) if anchor is not None else (10_000, 1)
    reported: tuple[int, int] | None = None
    out: list[TimeRef] = []
    for r in refs:
        value = r.value or ""
        if value.startswith(_PLACEHOLDER):
            if reported is None:
                continue
            year, q = reported
            year = int(value[4:]) if value[3] == "@" else year + int(value[4:])
            out.append(replace(r, value=f"{year:04d}-Q{q}", precision="quarter"))
            continue
        if reported is not None and r.type == "DATE" and _YEAR_BACK.match(r.text):
            out.append(replace(r, value=f"{reported[0] - 1:04d}-Q{reported[1]}", precision="quarter"))
            continue
        m = _QUARTER.match(value)
        if m is not None and (here := (int(m[1]), int(m[2]))) < running:
            reported = here if reported is None else max(reported, here)
        out.append(r)
    return out
