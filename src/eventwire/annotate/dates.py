"""The dates stage: finds time expressions in the body and normalises them to TimeML TIMEX3 values.

Values are resolved against the article's publication date (the anchor); when the input gave none, the anchor is
inferred from the article itself (dateline, URL, caption, body) by ``infer_published`` (dates_anchor.py). The
lexicon lives in dates_lexicon.py, calendar arithmetic and tense in dates_calendar.py, the normalisers in
dates_days.py (points in time) and dates_periods.py (units, lengths, sets, quarters, seasons).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc

from ..records import TimeRef
from . import Context, StageFn, register_stage
from .date_reference import NORMALISERS as REFERENCE_NORMALISERS
from .date_reference import resolve_references
from .dates_anchor import anchor_of, infer_published
from .dates_calendar import Parts, Result, _Env
from .dates_days import (
    n_century,
    n_clock,
    n_clock24,
    n_date,
    n_date_numeric,
    n_day_of_month,
    n_decade,
    n_decade_word,
    n_holiday,
    n_iso,
    n_month,
    n_month_year,
    n_noon,
    n_part_of_day,
    n_reference,
    n_relative_day,
    n_weekday,
    n_weekend,
    n_year,
    n_year_range,
    n_year_short,
)
from .dates_lexicon import Lexicon, load_lexicon
from .dates_periods import (
    n_ago,
    n_bare_units,
    n_bare_units_span,
    n_duration,
    n_duration_range,
    n_half_unit,
    n_mod_the_unit,
    n_quarter,
    n_quarter_code,
    n_quarter_year_first,
    n_relative_n,
    n_relative_plural,
    n_relative_unit,
    n_season,
    n_set_every,
    n_set_freq,
    n_set_per,
    n_set_word,
    n_unit_long,
)
from .dates_spelled import with_digit_years
from .offsets import Disjoint

# The stage's public face; the rest of the package and the tests import these from here.
__all__ = ["anchor_of", "dates_stage", "extract_dates", "infer_published", "load_lexicon", "match_rules"]

_NORMALISERS: dict[str, Callable[[_Env, re.Match[str]], Result | Parts | None]] = {
    "year_range": n_year_range,
    "day_of_month": n_day_of_month,
    "mod_the_unit": n_mod_the_unit,
    "relative_plural": n_relative_plural,
    "unit_long": n_unit_long,
    "clock_wire": n_clock24,
    "bare_units_span": n_bare_units_span,
    "duration_range": n_duration_range,
    "iso": n_iso,
    "date_mdy": n_date,
    "date_dmy": n_date,
    "date_numeric": n_date_numeric,
    "month_year": n_month_year,
    "month": n_month,
    "year": n_year,
    "year_short": n_year_short,
    "decade": n_decade,
    "decade_word": n_decade_word,
    "century": n_century,
    "relative_day": n_relative_day,
    "part_of_day": n_part_of_day,
    "weekday": n_weekday,
    "weekend": n_weekend,
    "relative_unit": n_relative_unit,
    "relative_n": n_relative_n,
    "ago": n_ago,
    "duration": n_duration,
    "half_unit": n_half_unit,
    "bare_units": n_bare_units,
    "set_every": n_set_every,
    "set_freq": n_set_freq,
    "set_per": n_set_per,
    "set_word": n_set_word,
    "quarter": n_quarter,
    "quarter_code": n_quarter_code,
    "quarter_year_first": n_quarter_year_first,
    **REFERENCE_NORMALISERS,
    "season": n_season,
    "holiday": n_holiday,
    "reference": n_reference,
    "clock": n_clock,
    "clock24": n_clock24,
    "noon": n_noon,
}


# --------------------------------------------------------------------------------------------------------------------
# Extraction.

# A clock time next to a day ("3 p.m. Sunday", "Sunday at 3 p.m.") is one expression: the day gives the date.
_JOIN_GAP = re.compile(r"^(?:,?\s+(?:on|at)\s+|,?\s+)$")


def _merge_clock(refs: list[TimeRef], text: str) -> list[TimeRef]:
    out: list[TimeRef] = []
    for ref in refs:
        prev = out[-1] if out else None
        if prev is not None and _JOIN_GAP.match(text[prev.end : ref.start]) and ref.start - prev.end <= 6:
            pair = (prev, ref) if prev.type == "TIME" else (ref, prev)
            clock, day = pair
            if (
                clock.type == "TIME"
                and day.precision == "day"
                and day.type == "DATE"
                and clock.value
                and "T" in clock.value
                and day.value
            ):
                value = f"{day.value}T{clock.value.split('T', 1)[1]}"
                out[-1] = TimeRef(text[prev.start : ref.end], prev.start, ref.end, value, "time", "TIME")
                continue
        out.append(ref)
    return out


# A full stop that ends a sentence, not the one in "a.m." or "Jan.".
_SENTENCE_BREAK = re.compile(r"[.!?;]\s+[A-Z]")
_ISO_DAY = re.compile(r"^\d{4}-\d\d-\d\d")
_CLOCK_VALUE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def _date_clocks(refs: list[TimeRef], text: str, anchor: date) -> list[TimeRef]:
    """A bare clock time ("at 18:00 UTC") falls on the day named near it in its sentence: the one just before, else
    one just after ("at 10 a.m. (0800 GMT) on Monday"); failing both, on the anchor."""
    out = list(refs)
    today = anchor.isoformat()
    for i, ref in enumerate(out):
        if not (ref.type == "TIME" and ref.value and _CLOCK_VALUE.match(ref.value) and ref.value[:10] == today):
            continue
        day = None
        for prev in reversed(out[:i]):
            if ref.start - prev.end > 150 or _SENTENCE_BREAK.search(text[prev.end : ref.start]):
                break
            if _is_day(prev, today):
                day = prev
                break
        if day is None:
            for nxt in out[i + 1 :]:
                if nxt.start - ref.end > 40 or _SENTENCE_BREAK.search(text[ref.end : nxt.start]):
                    break
                if _is_day(nxt, today):
                    day = nxt
                    break
        if day is not None and day.value:
            out[i] = TimeRef(ref.text, ref.start, ref.end, day.value[:10] + ref.value[10:], ref.precision, ref.type)
    return out


def _is_day(ref: TimeRef, today: str) -> bool:
    # A named day, or a clock time already tied to one ("10 a.m. on Monday"), not one still waiting for its day.
    if ref.value is None or _ISO_DAY.match(ref.value) is None:
        return False
    return ref.type == "DATE" and ref.precision == "day" or (ref.type == "TIME" and ref.value[:10] != today)


# Abbreviations whose period belongs to them: "Jan.", "Sept.", "p.m.".
_KEEPS_PERIOD = re.compile(r"(?:\b(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)|\b[a-z])\.$", re.IGNORECASE)


_WORD = re.compile(r"['’]?\w+")
# How many words before a trigger a match may start ("the end of this year", "almost two and a half years").
_LOOKBACK = 6


def _candidate_starts(text: str, lex: Lexicon) -> list[int]:
    """Offsets where a rule may match: word starts up to _LOOKBACK words before a trigger word or a number."""
    words = [(m.start(), m.group().lower()) for m in _WORD.finditer(text)]
    starts: set[int] = set()
    for i, (_, w) in enumerate(words):
        w = w.lstrip("'’")
        if w in lex.triggers or w[:1].isdigit() or (w[:1] in ("q", "h") and w[1:] in _CODES):
            starts.update(pos for pos, _ in words[max(0, i - _LOOKBACK) : i + 1])
    return sorted(starts)


_CODES = {"1", "2", "3", "4"}


Match = tuple[int, str, re.Pattern[str], re.Match[str]]


def match_rules(text: str, lexicon: Lexicon | None = None) -> list[Match]:
    """Where each rule matches ``text`` (rank, rule name, pattern, match): what does not depend on the anchor, so
    that resolving one text against two anchors matches it once."""
    lex = lexicon or load_lexicon()
    spelled = with_digit_years(text, lex)
    return _match_read(spelled.text if spelled else text, lex)  # the rules read years in digits


def _match_read(text: str, lex: Lexicon) -> list[Match]:
    """match_rules over a text whose spelled years are already in digits."""
    starts = _candidate_starts(text, lex)
    out: list[Match] = []
    for rank, (name, pattern) in enumerate(lex.rules):
        for pos in starts:
            m = pattern.match(text, pos)
            if m is not None and "\n\n" not in m.group(0):  # never across a paragraph (a headline into its date line)
                out.append((rank, name, pattern, m))
    return out


def extract_dates(
    text: str,
    anchor: date,
    doc: Doc | None = None,
    lexicon: Lexicon | None = None,
    matches: list[Match] | None = None,
) -> Iterator[TimeRef]:
    """Every time expression in ``text`` with its TIMEX3 value relative to ``anchor``, in text order.

    ``doc`` (the spaCy parse of the same text) sharpens tense decisions and filters counts ("2000 people"); without
    it, cue words decide. ``matches`` is :func:`match_rules` of the same text, when the caller has it.
    """
    lex = lexicon or load_lexicon()
    # Length, not doc.text: spaCy rebuilds that string on every access, which cost more than the rules themselves.
    if doc is not None and (len(doc) == 0 or doc[-1].idx + len(doc[-1].text_with_ws) != len(text)
                            or not doc.has_annotation("DEP")):
        doc = None  # a parse of other text, or one without sentences and heads, cannot tell tense
    source = text
    spelled = with_digit_years(text, lex)
    text = spelled.text if spelled else text  # what the rules matched: spelled years in digits, same offsets
    env = _Env(text=text, anchor=anchor, doc=doc, lex=lex)
    found: list[tuple[int, int, int, Result]] = []
    for rank, name, pattern, m in _match_read(text, lex) if matches is None else matches:
        result = _NORMALISERS[name](env, m)
        if result is None:
            continue
        if isinstance(result, list):
            found.extend((s, e, rank, r) for s, e, r in result)
            continue
        start, end = (m.start("t"), m.end("t")) if "t" in pattern.groupindex and m["t"] else m.span()
        if text[end - 1] == "." and not _KEEPS_PERIOD.search(text[start:end]):
            end -= 1  # the full stop of the sentence, not part of "March"
        if spelled is not None:
            end = spelled.widen(start, end)  # "January 1997" read from "January nineteen ninety-seven"
        found.append((start, end, rank, result))
    # Longest match first, then the rule listed first; keep those that do not overlap one already kept.
    found.sort(key=lambda f: (-(f[1] - f[0]), f[2], f[0]))
    kept = Disjoint()
    taken = sorted((start, end, result) for start, end, _, result in found if kept.take(start, end))
    refs = resolve_references([TimeRef(source[s:e], s, e, r[0], r[1], r[2]) for s, e, r in taken], anchor)
    yield from _date_clocks(_merge_clock(refs, source), source, anchor)


# Two anchors far from each other and from any news, used to tell absolute values from relative ones.
_PROBE = (date(1901, 3, 14), date(1957, 10, 2))


_DIGITS = re.compile(r"\d+")


def _unanchored(one: str | None, two: str | None) -> str | None:
    """The value two resolutions against far-apart anchors share, in TimeML's form for what stays unknown: each run
    of digits that differs becomes Xs ("December 24" -> XXXX-12-24, "next week" -> XXXX-WXX, "Sunday" ->
    XXXX-XX-XX). None when the two differ in shape (no common form)."""
    if one is None or two is None or one == two:
        return one if one == two else None
    if _DIGITS.sub("0", one) != _DIGITS.sub("0", two):
        return None
    runs = iter(_DIGITS.findall(two))
    return _DIGITS.sub(lambda m: m.group() if m.group() == next(runs) else "X" * len(m.group()), one)


@register_stage("dates", adds="dates")
def dates_stage(nlp: Language) -> StageFn:
    lexicon = load_lexicon()

    def run(ctx: Context) -> Iterator[TimeRef]:
        anchor = anchor_of(ctx.article)
        if anchor is None:
            # No anchor at all: resolve against two far-apart dates and keep what the two values agree on, i.e.
            # what never depended on the anchor ("July 6, 2025" whole, "December 24" without its year).
            text = ctx.article.text
            matches = match_rules(text, lexicon)  # matched once, resolved twice
            one = list(extract_dates(text, _PROBE[0], ctx.doc, lexicon, matches))
            two = {(r.start, r.end): r.value for r in extract_dates(text, _PROBE[1], ctx.doc, lexicon, matches)}
            for ref in one:
                value = _unanchored(ref.value, two.get((ref.start, ref.end)))
                yield ref if value == ref.value else TimeRef(ref.text, ref.start, ref.end, value, ref.precision, ref.type)
            return
        yield from extract_dates(ctx.article.text, anchor, ctx.doc, lexicon)

    return run
