"""Years written in words, as broadcast transcripts print them: "nineteen ninety-one", "January nineteen
ninety-seven", "the year two thousand", "two thousand and five".

The rules of data/dates/patterns.toml read years in digits. ``with_digit_years`` gives them a copy of the text in
which each spelled year is written in digits and padded with spaces to its own length, so every offset, and the
parse's alignment with the text, stays as it was; ``widen`` gives a match that ends inside a padded year the year's
full span back.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from .dates_lexicon import Lexicon, _alternation


@dataclass(frozen=True)
class DigitYears:
    text: str  # the text with spelled years in digits, same length
    spans: tuple[tuple[int, int], ...]  # where they stood, in order

    def widen(self, start: int, end: int) -> int:
        """The end of a match from ``start`` to ``end``, carried to the end of a spelled year it stops inside."""
        k = bisect_right(self.spans, (end, len(self.text))) - 1
        if k >= 0 and self.spans[k][0] < end < self.spans[k][1] and start < self.spans[k][1]:
            return self.spans[k][1]
        return end


def _words(number: Mapping[str, int], low: int, high: int, step: int = 1) -> dict[str, int]:
    return {w: n for w, n in number.items() if low <= n <= high and n % step == 0 and w not in ("a", "an")}


@lru_cache(maxsize=4)
def _pattern(numbers: tuple[tuple[str, int], ...]) -> re.Pattern[str]:
    number = dict(numbers)
    ones, teens, tens = _words(number, 1, 9), _words(number, 10, 19), _words(number, 20, 90, 10)
    alt = _alternation
    two_digits = rf"(?:{alt(tens)}(?:[\s-]{alt(ones)})?|{alt(teens)}|oh[\s-]{alt(ones)})"
    # "nineteen" ninety-one, "twenty" twelve; not eleven or twelve: "eleven fifteen" is a clock time.
    century = alt(_words(number, 15, 20))
    return re.compile(
        rf"(?<![\w-])(?:(?P<c>{century})\s+(?P<yy>{two_digits}|hundred)"
        rf"|(?P<k>two\s+thousand)(?:(?:\s+and)?\s+(?P<kk>{two_digits}|{alt(ones)}))?)(?![\w-])",
        re.IGNORECASE,
    )


# A bare "two thousand" is a count ("two thousand people") unless the year is named: "the year two thousand".
_YEAR_BEFORE = re.compile(r"(?i)(?:\byear|\b(?:in|since|by|until|before|after|of|from))\s+$")


def _value(m: re.Match[str], number: Mapping[str, int]) -> int:
    def two(words: str) -> int:
        parts = [p for p in re.split(r"[\s-]+", words.lower()) if p != "oh"]
        return sum(number[p] for p in parts)

    if m["c"]:
        yy = 0 if m["yy"].lower() == "hundred" else two(m["yy"])
        return number[m["c"].lower()] * 100 + yy
    return 2000 + (two(m["kk"]) if m["kk"] else 0)


def with_digit_years(text: str, lex: Lexicon) -> DigitYears | None:
    """The text with its spelled years in digits (None when it has none)."""
    if "thousand" not in text and "ineteen" not in text and "ighteen" not in text and "wenty" not in text:
        return None  # the common case, cheaply
    number = lex["number"]
    pattern = _pattern(tuple(sorted(number.items())))
    chars = list(text)
    spans = []
    for m in pattern.finditer(text):
        if m["k"] and not _YEAR_BEFORE.search(text, max(0, m.start() - 12), m.start()):
            continue  # "two thousand people", "two thousand and five votes": only a year named as one
        year = _value(m, number)
        digits = str(year)
        chars[m.start() : m.end()] = list(digits.ljust(m.end() - m.start()))
        spans.append((m.start(), m.end()))
    if not spans:
        return None
    return DigitYears("".join(chars), tuple(spans))
