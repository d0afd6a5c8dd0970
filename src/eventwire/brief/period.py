"""The period a brief covers: ``--since 7d|all|YYYY-MM-DD`` and ``--until YYYY-MM-DD``, and the period before it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..errors import UsageError

_DAYS = re.compile(r"(\d{1,5})d")


@dataclass(frozen=True)
class Period:
    """Days ``start``..``end``, both included; ``start`` None means from the first stored event (``--since all``)."""

    start: date | None
    end: date

    @property
    def days(self) -> int | None:
        return None if self.start is None else (self.end - self.start).days + 1

    def previous(self) -> Period | None:
        """The period of the same length just before this one (none for ``--since all``)."""
        if self.start is None or self.days is None:
            return None
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    def label(self) -> str:
        if self.start is None:
            return f"everything up to {self.end.isoformat()}"
        if self.start == self.end:
            return self.end.isoformat()
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


def _day(flag: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{flag} {value}: not a date (YYYY-MM-DD)") from None


def parse_period(since: str, until: str | None, newest: date | None, today: date | None = None) -> Period:
    """The period from the flags; without ``--until`` it ends on ``newest`` (the newest stored date), else today."""
    end = _day("--until", until) if until else (newest or today or date.today())
    text = since.strip().lower()
    if text == "all":
        return Period(None, end)
    days = _DAYS.fullmatch(text)
    if days:
        n = int(days.group(1))
        if n < 1:
            raise UsageError(f"--since {since}: the number of days must be at least 1 (e.g. 7d)")
        return Period(end - timedelta(days=n - 1), end)
    start = _day("--since", since) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    if start is None:
        raise UsageError(f"--since {since}: expected a number of days (7d), a date (YYYY-MM-DD) or 'all'")
    if start > end:
        raise UsageError(f"--since {since}: after the end of the period ({end.isoformat()})")
    return Period(start, end)
