"""Calendar arithmetic and tense for the date normalisers: what value a day, week or month has, and which way an
underspecified expression ("Sunday", "December 24") points from the anchor.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from spacy.tokens import Doc, Token

from .dates_lexicon import Lexicon

# --------------------------------------------------------------------------------------------------------------------
# Value arithmetic.


def _day(d: date) -> str:
    return d.isoformat()


def _week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def _easter(year: int) -> date:
    # Anonymous Gregorian algorithm (Meeus/Jones/Butcher): no table to keep up to date.
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ll = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ll) // 451
    month = (h + ll - 7 * m + 114) // 31
    day = (h + ll - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (n - 1))
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.isoweekday() - weekday) % 7)


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------------------------------
# Tense: which way an underspecified expression ("Sunday", "December 24", "October") points from the anchor.

_FUTURE_AUX = {"will", "shall", "'ll", "wo", "going"}
_MODAL_AUX = {"could", "may", "might", "should", "must", "can"}
# How a bare or "to" infinitive hangs on the verb that gives it its time: complement, purpose, subject, modifier.
_NONFINITE_DEPS = ("xcomp", "ccomp", "advcl", "csubj", "acl", "relcl")


def _auxes(tok: Token) -> list[str]:
    """The auxiliaries of a verb, lower-cased ("will", "was", "to")."""
    return [c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")]


def _tense(doc: Doc | None, text: str, start: int, end: int, lex: Lexicon) -> str | None:
    """Which way the expression at start:end points: "past", "future" or None (no evidence).

    Reads the governing verb in the parse (its tense and auxiliaries), then cue words just before the expression.
    """
    cues = lex["cue"]
    sent_text = text[max(0, start - 120) : start].lower()
    if doc is not None:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and len(span):
            tok = span.root
            for _ in range(4):
                if tok.pos_ in ("VERB", "AUX") or tok.head.i == tok.i:
                    break
                tok = tok.head
            sent_text = text[max(tok.sent.start_char, start - 120) : start].lower()
            if tok.pos_ in ("VERB", "AUX"):
                auxes = _auxes(tok)
                if tok.pos_ == "AUX":
                    auxes.append(tok.lower_)
                if tok.tag_ == "VB" and set(auxes) <= {"to"} and tok.dep_ in _NONFINITE_DEPS and tok.head.i != tok.i:
                    # An infinitive takes its time from the verb it hangs on: "agreed to sell in October" and
                    # "staged celebrations to mark the entry on Friday" are as past as "agreed" and "staged", "let
                    # the offensive begin Saturday" as past as "let"; "plans to sell" points ahead.
                    gov = tok.head
                    gov_auxes = _auxes(gov)
                    if gov.lemma_ in cues["future"] or gov.tag_ == "MD" or any(
                        a in _FUTURE_AUX or a in _MODAL_AUX for a in gov_auxes
                    ):
                        return "future"
                    if "to" in auxes and gov.tag_ in ("VBZ", "VBP", "VB"):
                        return "future"
                    if gov.tag_ == "VBD" or any(a in ("had", "was", "were", "did") for a in gov_auxes):
                        return "past"
                if any(a in _FUTURE_AUX for a in auxes) or "to" in auxes or any(a in _MODAL_AUX for a in auxes):
                    return "future"
                if tok.tag_ == "VBD" or any(a in ("had", "was", "were", "did", "has", "have") for a in auxes):
                    if tok.tag_ == "VBN" and tok.lemma_ in cues["scheduling"]:
                        return "future"  # "the vote was scheduled for May": planned then, held later
                    return "past"
                if tok.lemma_ in cues["reporting"]:
                    return "past"
                if tok.tag_ == "VBG" and any(a in ("is", "are", "am", "'s", "'re") for a in auxes):
                    return "future"
    words = set(re.findall(r"[\w']+", sent_text[-60:]))
    phrase = sent_text[-60:]
    for cue in cues["future"]:
        if (" " in cue and cue in phrase) or cue in words:
            return "future"
    for cue in cues["past"]:
        if cue in words:
            return "past"
    if doc is None:
        # No parse: a verb in the past just before ("resumed Sunday", "said on Friday") is the best evidence left.
        prev = re.search(r"(\w+)\s+(?:on\s+|in\s+)?$", sent_text)
        if prev and (prev.group(1).endswith("ed") or prev.group(1) in cues["past_verbs"]):
            return "past"
    return None


# --------------------------------------------------------------------------------------------------------------------
# Normalisers: one per rule. Each gets the match and the anchor and returns (value, precision, type) or None to
# reject the match (a shorter overlapping match may then win).

Result = tuple[str, str | None, str]
# A normaliser may also split its match into several expressions ("1957-58"): (start, end, Result) each.
Parts = list[tuple[int, int, Result]]


@dataclass(frozen=True)
class _Env:
    text: str
    anchor: date
    doc: Doc | None
    lex: Lexicon

    def tense(self, m: re.Match[str]) -> str | None:
        return _tense(self.doc, self.text, m.start(), m.end(), self.lex)

    def before(self, m: re.Match[str], n: int = 20) -> str:
        return self.text[max(0, m.start() - n) : m.start()].lower()


def _month_num(env: _Env, word: str) -> int:
    return int(env.lex["month"][word.lower().rstrip(".")])


def _pick_year(env: _Env, m: re.Match[str], month: int, day: int | None = None) -> int:
    """The year of a month (and day) given without one: this year, unless tense pushes it across the anchor."""
    a = env.anchor
    here = (month, day or 0)
    now = (a.month, a.day if day else 0)
    tense = env.tense(m)
    if tense == "past" and here > now:
        return a.year - 1
    if tense == "future" and here < now:
        return a.year + 1
    if tense is None:
        # No tense: the nearest such day or month, as news rarely reaches more than half a year either way.
        cands = [d for y in (a.year - 1, a.year, a.year + 1) if (d := _safe_date(y, month, day or 15))]
        if cands:
            return min(cands, key=lambda d: abs((d - a).days)).year
    return a.year


def _year_of(y: str) -> int:
    n = int(y)
    return n if len(y) == 4 else (1900 + n if n > 30 else 2000 + n)

