"""Small normalisers for metadata fields shared by the readers."""

from __future__ import annotations

import re
from datetime import date, datetime

_ISO_PREFIX = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})")


def normalise_date(value: str | None) -> str | None:
    """An ISO date (YYYY-MM-DD) from an ISO date or datetime string, an RFC 2822 date, or None."""
    if not value:
        return None
    match = _ISO_PREFIX.match(value)
    if match:
        try:
            return date.fromisoformat(match.group(1)).isoformat()
        except ValueError:
            return None
    from email.utils import parsedate_to_datetime

    try:
        parsed: datetime = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.date().isoformat()
