"""The dates stage: finds time expressions in the body and normalises them to TimeML TIMEX3 values.

Values are resolved against the article's publication date (the anchor); when the input gave none, the anchor is
inferred from the article itself (dateline, URL, caption, body) by ``infer_published``.
"""

from __future__ import annotations

import calendar
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from ..records import Article, TimeRef
from . import Context, StageFn, register_stage
from .date_reference import NORMALISERS as REFERENCE_NORMALISERS
from .date_reference import resolve_references

# --------------------------------------------------------------------------------------------------------------------
# Data: the lexicon and the patterns, loaded and compiled once per process.


@dataclass(frozen=True)
class Lexicon:
    tables: Mapping[str, Mapping[str, Any]]
    rules: tuple[tuple[str, re.Pattern[str]], ...]
    # Lower-case words (besides numbers) that can be part of a time expression: see _candidate_starts.
    triggers: frozenset[str] = frozenset()

    def __getitem__(self, table: str) -> Mapping[str, Any]:
        return self.tables[table]


def _alternation(words: Any) -> str:
    # Longest first, so that "christmas eve" wins over "christmas" inside one alternation.
    # Curly apostrophes match straight ones: "New Year’s Day" is as common as "New Year's Day".
    escaped = [re.escape(w).replace(r"\ ", r"\s+").replace("'", "['’]") for w in sorted(words, key=len, reverse=True)]
    return "(?:" + "|".join(escaped) + ")"


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Read data/dates/*.toml and compile every rule. Cached: the stage factory and tests share one copy."""
    base = resources.files("eventwire") / "data" / "dates"
    tables = tomllib.loads((base / "lexicon.toml").read_text(encoding="utf-8"))
    spec = tomllib.loads((base / "patterns.toml").read_text(encoding="utf-8"))
    number = tables["number"]
    tens = [w for w, n in number.items() if n >= 20 and n % 10 == 0 and n < 100]
    units = [w for w, n in number.items() if 1 <= n <= 9 and w not in ("a", "an")]
    compound = f"(?:{_alternation(tens)}[\\s-]{_alternation(units)})"
    holidays = [*tables["holiday_fixed"], *tables["holiday_nth_weekday"], *tables["holiday_easter"]]
    fills = {
        "MONTH": _alternation(tables["month"]),
        "WEEKDAY": _alternation(tables["weekday"]),
        "NUMBER": f"(?:{compound}|{_alternation(number)}|\\d+(?:\\.\\d+)?)",
        "VAGUE": _alternation(tables["vague_number"]),
        "ORDINAL": _alternation(tables["ordinal"]),
        "UNIT": _alternation(tables["unit"]),
        "SEASON": _alternation(tables["season"]),
        "PART_OF_DAY": _alternation(tables["part_of_day"]),
        "DECADE_WORD": _alternation(tables["decade_word"]),
        "REFERENCE": _alternation(tables["reference"]),
        "SET_WORD": _alternation(tables["set_word"]),
        "HOLIDAY": _alternation(holidays),
        "MOD": spec["mod"]["pattern"],
        "TZ": spec["tz"]["pattern"],
    }
    rules = []
    for name, template in spec["rules"].items():
        body = re.sub(r"\{([A-Z_]+)\}", lambda m: fills[m.group(1)], template)
        # Word boundaries on both sides, so that "2011" is not found inside "120115" nor "may" inside "mayor".
        rules.append((name, re.compile(rf"(?<![\w]){body}(?![^\W_])", re.IGNORECASE)))
    triggers = set(spec["triggers"]["words"])
    for table in ("month", "weekday", "number", "unit", "season", "part_of_day", "decade_word", "set_word", "ordinal"):
        triggers.update(k for k in tables[table] if k not in ("a", "an"))
    for phrase in [*tables["reference"], *tables["vague_number"], *holidays]:
        triggers.update(w for w in re.split(r"[\s-]+", phrase) if w not in _NOT_TRIGGERS)
    triggers.update(f"{w}s" for w in [*tables["unit"], *tables["weekday"]])
    return Lexicon(tables=tables, rules=tuple(rules), triggers=frozenset(triggers))


# Words inside multi-word entries that alone never start looking for a time expression.
_NOT_TRIGGERS = {"the", "in", "at", "of", "a", "an", "so", "right", "more", "until", "very", "these", "st."}


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
                auxes = [c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")]
                if tok.pos_ == "AUX":
                    auxes.append(tok.lower_)
                if "to" in auxes and tok.dep_ in ("xcomp", "ccomp") and tok.head.i != tok.i:
                    # "agreed to sell in October" is as past as "agreed"; "plans to sell" points ahead.
                    gov = tok.head
                    if gov.lemma_ in cues["future"] or gov.tag_ in ("VBZ", "VBP", "VB", "MD"):
                        return "future"
                    if gov.tag_ == "VBD":
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


def n_iso(env: _Env, m: re.Match[str]) -> Result | None:
    d = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    if d is None:
        return None
    if m["hh"]:
        return f"{_day(d)}T{m['hh']}:{m['mi']}", "time", "TIME"
    return _day(d), "day", "DATE"


def n_date(env: _Env, m: re.Match[str]) -> Result | None:
    word = m["month"]
    if word[0].islower():
        return None  # month names are capitalised in news; "may 5" is a verb and a number
    month, day = _month_num(env, word), int(m["day"])
    if not 1 <= day <= 31:
        return None
    year = int(m["y"]) if m["y"] else _pick_year(env, m, month, day)
    d = _safe_date(year, month, day)
    if d is None:
        return None
    return _day(d), "day", "DATE"


def n_day_of_month(env: _Env, m: re.Match[str]) -> Result | None:
    day, a = int(m["day"]), env.anchor
    tense = env.tense(m)
    y, mo = a.year, a.month
    if day > a.day and tense != "future":
        y, mo = _add_months(y, mo, -1)
    elif day < a.day and tense == "future":
        y, mo = _add_months(y, mo, 1)
    d = _safe_date(y, mo, day)
    return (_day(d), "day", "DATE") if d else None


def n_date_numeric(env: _Env, m: re.Match[str]) -> Result | None:
    # US order (month/day/year), as in the English-language wires this package reads.
    d = _safe_date(_year_of(m["y"]), int(m["m"]), int(m["d"]))
    return (_day(d), "day", "DATE") if d else None


def n_month_year(env: _Env, m: re.Match[str]) -> Result | None:
    if m["month"][0].islower():
        return None
    return f"{int(m['y']):04d}-{_month_num(env, m['month']):02d}", "month", "DATE"


# Words before a bare "May" that make it the month, not the modal verb.
_MAY_CUES = re.compile(
    r"\b(?:in|since|by|until|till|from|through|of|during|before|after|early|mid|late|last|next|this)[\s-]*$"
)


def n_month(env: _Env, m: re.Match[str]) -> Result | None:
    word = m["month"]
    if word[0].islower():
        return None
    key = word.lower()
    if len(key) <= 4 and key not in ("may", "june", "july") and not m["dot"]:
        return None  # "Jan", "Mar", "Dec" without a period: names and words more often than months
    if key == "may" and not (m["rel"] or m["mod"] or _MAY_CUES.search(env.before(m))):
        return None
    month = _month_num(env, word)
    a = env.anchor
    rel = (m["rel"] or "").lower()
    if rel in ("last", "past", "previous"):
        year = a.year if month < a.month else a.year - 1
    elif rel in ("next", "coming"):
        year = a.year if month > a.month else a.year + 1
    elif rel == "this":
        year = a.year
    else:
        year = _pick_year(env, m, month)
    return f"{year:04d}-{month:02d}", "month", "DATE"


def n_year(env: _Env, m: re.Match[str]) -> Result | None:
    y = int(m["y"])
    if env.doc is not None and not m["mod"]:
        span = env.doc.char_span(m.start("y"), m.end("y"), alignment_mode="expand")
        # "2000 people": a count, not a year. A plural head noun gives it away; "the 2012 election" stays.
        if span is not None and len(span) == 1:
            tok = span[0]
            if tok.dep_ == "nummod" and tok.head.tag_ == "NNS" and tok.head.i > tok.i:
                return None
    return f"{y:04d}", "year", "DATE"


def n_year_range(env: _Env, m: re.Match[str]) -> Parts | None:
    first = int(m["y"])
    second = first // 100 * 100 + int(m["yy"])
    if second <= first:
        return None  # "2011-05" reads as a month; "1999-01" is no range
    return [
        (m.start("y"), m.end("y"), (f"{first:04d}", "year", "DATE")),
        (m.start("yy"), m.end("yy"), (f"{second:04d}", "year", "DATE")),
    ]


def n_duration_range(env: _Env, m: re.Match[str]) -> Parts | None:
    n1, n2 = _count(env, m["num"]), _count(env, m["num2"])
    unit = m["unit"].lower()
    d1, d2 = (_duration(env, n, unit) if n else None for n in (n1, n2))
    if d1 is None or d2 is None or n1 in ("1",) and m["num"].lower() in ("a", "an"):
        return None
    return [
        (m.start("num"), m.end("num"), (d1[0], d1[1], "DURATION")),
        (m.start("num2"), m.end(), (d2[0], d2[1], "DURATION")),
    ]


def n_year_short(env: _Env, m: re.Match[str]) -> Result | None:
    return f"{_year_of(m['yy']):04d}", "year", "DATE"


_POSSESSIVE = re.compile(r"\b(?:his|her|their|its|my|your|our)\s+(?:early\s+|mid-|late\s+)?$")


def n_decade(env: _Env, m: re.Match[str]) -> Result | None:
    if _POSSESSIVE.search(env.before(m, 25)):
        return None  # "in her 60s": an age
    if m["cent"]:
        return f"{m['cent']}{m['dd']}", "decade", "DATE"
    d = int(m["d2"])
    return ("19" if d >= 3 else "20") + str(d), "decade", "DATE"


def n_decade_word(env: _Env, m: re.Match[str]) -> Result | None:
    if _POSSESSIVE.search(env.before(m, 25)):
        return None
    return f"19{env.lex['decade_word'][m['dw'].lower()]}", "decade", "DATE"


def n_century(env: _Env, m: re.Match[str]) -> Result | None:
    o = m["ord"].lower()
    n = int(re.sub(r"\D", "", o)) if o[0].isdigit() else int(env.lex["ordinal"].get(o, 0))
    if n <= 0:
        return None
    return f"{n - 1:02d}", "century", "DATE"


def _part(env: _Env, word: str | None) -> str | None:
    return env.lex["part_of_day"][word.lower()] if word else None


def n_relative_day(env: _Env, m: re.Match[str]) -> Result | None:
    shift = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[m["rd"].lower()]
    if m["ba"]:
        shift += -1 if m["ba"].lower() == "before" else 1
    d = env.anchor + timedelta(days=shift)
    part = "NI" if m["rd"].lower() == "tonight" else _part(env, m["part"])
    if part:
        return f"{_day(d)}T{part}", "time", "TIME"
    return _day(d), "day", "DATE"


def n_part_of_day(env: _Env, m: re.Match[str]) -> Result | None:
    part = _part(env, m["part"])
    d = env.anchor - timedelta(days=1) if m["rel"].lower() == "last" else env.anchor
    return f"{_day(d)}T{part}", "time", "TIME"


def _weekday_date(env: _Env, m: re.Match[str], wd: int, rel: str) -> date:
    a = env.anchor
    back = (a.isoweekday() - wd) % 7  # days back to the most recent such day, today included
    fwd = (wd - a.isoweekday()) % 7
    if rel in ("last", "past", "previous"):
        return a - timedelta(days=back or 7)
    if rel in ("next", "coming"):
        return a + timedelta(days=fwd or 7)
    if rel == "this":
        return a - timedelta(days=a.isoweekday() - wd)
    tense = env.tense(m)
    if tense == "future":
        return a + timedelta(days=fwd)
    if tense == "past":
        return a - timedelta(days=back)
    # No evidence: the nearest, the past on a tie, as news mostly reports what happened.
    return a - timedelta(days=back) if back <= fwd else a + timedelta(days=fwd)


def n_weekday(env: _Env, m: re.Match[str]) -> Result | Parts | None:
    wd = int(env.lex["weekday"][m["wd"].lower()])
    if m["wd"][0].islower():
        return None
    if m["pl"]:
        return f"XXXX-WXX-{wd}", "day", "SET"
    prev = re.search(r"(\w+)\s+$", env.before(m, 16))
    if not m["rel"] and prev and prev.group(1) in env.lex["named_day"]["prefixes"]:
        # "Black Monday": one day in history that the anchor cannot place
        return [(m.start() - len(prev.group(0)), m.end(), ("XXXX-XX-XX", "day", "DATE"))]
    d = _weekday_date(env, m, wd, (m["rel"] or "").lower())
    part = _part(env, m["part"])
    if part:
        return f"{_day(d)}T{part}", "time", "TIME"
    return _day(d), "day", "DATE"


def n_weekend(env: _Env, m: re.Match[str]) -> Result | None:
    shift = {"last": -1, "past": -1, "next": 1, "coming": 1}.get(m["rel"].lower(), 0)
    return f"{_week(env.anchor + timedelta(weeks=shift))}-WE", "week", "DATE"


def _shift_unit(a: date, unit: str, n: int) -> tuple[str, str] | None:
    if unit == "week":
        return _week(a + timedelta(weeks=n)), "week"
    if unit == "month":
        y, mo = _add_months(a.year, a.month, n)
        return f"{y:04d}-{mo:02d}", "month"
    if unit == "quarter":
        q = (a.month - 1) // 3 + n
        return f"{a.year + q // 4}-Q{q % 4 + 1}", "quarter"
    if unit == "year":
        return f"{a.year + n:04d}", "year"
    if unit == "decade":
        return f"{a.year // 10 + n:03d}", "decade"
    if unit == "century":
        return f"{a.year // 100 + n:02d}", "century"
    return None


# Prepositions that make "the next year" a stretch of time ("over the next year") rather than a calendar year.
_SPAN_PREPOSITION = re.compile(r"\b(?:over|during|for|in|within|throughout|across|through)\s+$")

_REL_SHIFT = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1, "following": 1}


def _season_value(env: _Env, code: str, year: int) -> str:
    return f"{year:04d}-{code}"


def n_relative_unit(env: _Env, m: re.Match[str]) -> Result | None:
    rel, unit = m["rel"].lower(), m["unit"].lower()
    if rel == "same":
        return None  # "the same year": anaphoric, its anchor is another expression
    season = env.lex["season"].get(unit)
    stretch = rel in ("past", "last") or _SPAN_PREPOSITION.search(env.before(m, 12))
    if m["the"] and rel in ("past", "next", "last", "coming", "following") and stretch and not season and unit != "day":
        # "the past year", "over the next decade": a stretch of time; "the following year, ..." is a calendar year
        letter = env.lex["unit"][unit][0]
        return (f"P{10 if letter == 'DE' else 1}{'Y' if letter == 'DE' else letter}", unit, "DURATION")
    shift = _REL_SHIFT.get(rel, 0)
    if unit == "day":
        if rel in ("this", "current"):
            return None
        # "the next day", "the previous day": relative to the story's own time line; the anchor is the best guess
        return _day(env.anchor + timedelta(days=shift)), "day", "DATE"
    if season:
        a = env.anchor
        return _season_value(env, season, a.year + shift), "season", "DATE"
    out = _shift_unit(env.anchor, unit, shift)
    if out is None:
        return None
    return out[0], out[1], "DATE"


def _count(env: _Env, word: str) -> str | None:
    w = re.sub(r"\s+", " ", word.lower())
    if w in env.lex["vague_number"]:
        return str(env.lex["vague_number"][w])
    if re.fullmatch(r"\d+(?:\.\d+)?", w):
        return w
    if w in env.lex["number"]:
        return str(env.lex["number"][w])
    parts = re.split(r"[\s-]", w)
    if len(parts) == 2 and all(p in env.lex["number"] for p in parts):
        return str(env.lex["number"][parts[0]] + env.lex["number"][parts[1]])
    return None


def _duration(env: _Env, n: str, unit: str) -> tuple[str, str] | None:
    entry = env.lex["unit"].get(unit.lower().rstrip("s")) or env.lex["unit"].get(unit.lower())
    if entry is None:
        return None
    letter, clock, precision = entry
    if letter == "DE":  # decades as years, the form annotators write most
        n, letter = (str(int(float(n) * 10)) if n != "X" else "X"), ("Y" if n != "X" else "DE")
    elif letter == "CE":
        n, letter = (str(int(float(n) * 100)) if n != "X" else "X"), ("Y" if n != "X" else "CE")
    elif letter == "WE":
        return None
    elif letter == "W2":
        n, letter = (str(int(float(n) * 2)) if n != "X" else "X"), "W"
    elif letter == "Q":
        n, letter = (str(int(float(n) * 3)) if n != "X" else "X"), "M"
    n = n.removesuffix(".0")
    return (f"PT{n}{letter}" if clock else f"P{n}{letter}"), precision


def n_mod_the_unit(env: _Env, m: re.Match[str]) -> Result | None:
    out = _shift_unit(env.anchor, m["unit"].lower(), 0)
    return (out[0], out[1], "DATE") if out else None


def n_relative_plural(env: _Env, m: re.Match[str]) -> Result | None:
    out = _duration(env, "X", m["unit"].lower()[:-1])
    return (out[0], out[1], "DURATION") if out else None


def n_unit_long(env: _Env, m: re.Match[str]) -> Result | None:
    out = _duration(env, "1", m["unit"].lower())
    return (out[0], out[1], "DURATION") if out else None


def n_relative_n(env: _Env, m: re.Match[str]) -> Result | None:
    n = _count(env, m["num"])
    if n is None:
        return None
    out = _duration(env, n, m["unit"])
    return (out[0], out[1], "DURATION") if out else None


def n_ago(env: _Env, m: re.Match[str]) -> Result | None:
    n = _count(env, m["num"])
    unit = m["unit"].lower().replace("centurie", "century")
    if n is None or n == "X" or "." in n:
        return None
    # "two years earlier" counts back from the time the text reports on, which news takes as its own.
    sign = -1 if m["dir"].lower() in ("ago", "earlier") else 1
    k = sign * int(n)
    a = env.anchor
    if unit in ("day", "night"):
        return _day(a + timedelta(days=k)), "day", "DATE"
    if unit in ("decade", "century"):
        # "a decade ago" names a year ten years back, not the decade before this one
        return f"{a.year + k * (10 if unit == 'decade' else 100):04d}", "year", "DATE"
    out = _shift_unit(a, unit, k)
    return (out[0], out[1], "DATE") if out else None


_LENGTH_BEFORE = re.compile(
    r"\b(?:for|in|within|after|than|over|once|twice|per|took|take|takes|taking|spent|spend|lasted|lasts|last)\s+$"
)
_LENGTH_AFTER = re.compile(r"\s+(?:later|earlier|ago|before|after|long|or\s+two)\b")


def n_duration(env: _Env, m: re.Match[str]) -> Result | None:
    n = _count(env, m["num"])
    if n is None:
        return None
    unit = m["unit"].lower()
    if m["num"].lower() in ("a", "an") and m["pl"]:
        return None
    if m["half"] or m["half2"]:
        n = str(float(n) + 0.5) if n != "X" else n
    if n == "1" and not m["pl"] and (unit == "night" or (unit in ("second", "quarter") and not m["num"][0].isdigit())):
        return None  # "a night" out, "a second" attempt, "a quarter" of the jobs: not lengths of time
    if unit == "day" and m["num"].lower() == "a" and not m["approx"] and not m["long"]:
        # "a difficult day", "not a day anyone wanted": a day as a thing; a length needs a word that measures it
        after = env.text[m.end() : m.end() + 12].lower()
        if not (_LENGTH_BEFORE.search(env.before(m, 16)) or _LENGTH_AFTER.match(after)):
            return None
    out = _duration(env, n, unit)
    return (out[0], out[1], "DURATION") if out else None


def n_half_unit(env: _Env, m: re.Match[str]) -> Result | None:
    value = {"hour": "PT30M", "day": "PT12H", "year": "P6M", "decade": "P5Y", "century": "P50Y"}[m["unit"].lower()]
    return value, m["unit"].lower(), "DURATION"


def n_bare_units(env: _Env, m: re.Match[str]) -> Result | None:
    t = m["t"].lower()
    unit = "decade" if t.startswith("decades") else t.rstrip("s").replace("centurie", "century")
    out = _duration(env, "X", unit)
    return (out[0], out[1], "DURATION") if out else None


def n_bare_units_span(env: _Env, m: re.Match[str]) -> Result | None:
    word = (m["unit"] or m["unit2"]).lower()
    unit = "century" if word == "centuries" else word.rstrip("s")
    out = _duration(env, "X", unit)
    return (out[0], out[1], "DURATION") if out else None


def n_set_every(env: _Env, m: re.Match[str]) -> Result | None:
    word = m["unit"].lower().rstrip("s") if m["unit"].lower() not in env.lex["weekday"] else m["unit"].lower()
    if word in env.lex["weekday"]:
        return f"XXXX-WXX-{env.lex['weekday'][word]}", "day", "SET"
    if word in env.lex["part_of_day"] and word != "night":
        return f"XXXX-XX-XXT{env.lex['part_of_day'][word]}", "time", "SET"
    n = "2" if (m["num"] or "").lower() == "other" else (_count(env, m["num"]) if m["num"] else "1")
    out = _duration(env, n or "1", word)
    return (out[0], out[1], "SET") if out else None


def n_set_freq(env: _Env, m: re.Match[str]) -> Result | None:
    out = _duration(env, "1", m["unit"].lower())
    return (out[0], out[1], "SET") if out else None


def n_set_per(env: _Env, m: re.Match[str]) -> Result | None:
    before = env.before(m, 30)
    # "a year" is a rate only after an amount ("$5 million a year", "10% a year"); alone it is a duration.
    if m.group(0).lower().startswith("a") and not re.search(
        r"(?:\d|%|percent|million|billion|thousand|times)\s*$", before
    ):
        return None
    out = _duration(env, "1", m["unit"].lower())
    return (out[0], out[1], "SET") if out else None


def n_set_word(env: _Env, m: re.Match[str]) -> Result | None:
    value = env.lex["set_word"][m["sw"].lower()]
    precision = {"D": "day", "W": "week", "M": "month", "Y": "year"}[value[-1]]
    return value, precision, "SET"


def n_quarter(env: _Env, m: re.Match[str]) -> Result | None:
    o = env.lex["ordinal"].get(m["ord"].lower())
    half = m["qh"].lower() == "half"
    top = 2 if half else 4
    if o is None or o > top:
        return None
    k = top if o == -1 else int(o)
    a = env.anchor
    if m["y"]:
        year = int(m["y"])
    elif m["rel"]:
        year = a.year + {"last": -1, "the previous": -1, "next": 1}.get(re.sub(r"\s+", " ", m["rel"].lower()), 0)
    else:
        current = (a.month - 1) // (6 if half else 3) + 1
        tense = env.tense(m)
        year = a.year - 1 if (k > current and tense != "future") else a.year
    return f"{year}-{'H' if half else 'Q'}{k}", "half" if half else "quarter", "DATE"


def n_quarter_year_first(env: _Env, m: re.Match[str]) -> Result | None:
    o = env.lex["ordinal"].get(m["ord"].lower())
    half = m["qh"].lower() == "half"
    top = 2 if half else 4
    if o is None or o == -1 or o > top:
        return None
    year = int(m["y"]) if m["y"] else env.anchor.year + {"last": -1, "next": 1}.get(m["rel"].lower(), 0)
    return f"{year}-{'H' if half else 'Q'}{o}", "half" if half else "quarter", "DATE"


def n_quarter_code(env: _Env, m: re.Match[str]) -> Result | None:
    code = m["qq"]
    if code[0].islower():
        return None
    if not m["y"] and code[0] == "H":
        return None  # "H1" alone is too often something else (a visa, a road)
    year = int(m["y"]) if m["y"] else env.anchor.year
    return f"{year}-{code}", "half" if code[0] == "H" else "quarter", "DATE"


_SEASON_CUES = re.compile(
    r"\b(?:in|the|this|last|next|by|until|till|during|since|of|through|early|late|mid|over)[\s-]+$"
)


def n_season(env: _Env, m: re.Match[str]) -> Result | None:
    code = env.lex["season"][m["season"].lower()]
    ambiguous = m["season"].lower() in ("fall", "spring")  # verbs as often as seasons
    if ambiguous and not (m["rel"] or m["mod"] or m["y"] or _SEASON_CUES.search(env.before(m, 12))):
        return None
    lower_bare = m["season"][0].islower() and not (m["rel"] or m["mod"] or m["y"])
    if not ambiguous and lower_bare and not _SEASON_CUES.search(env.before(m, 12)):
        return None
    a = env.anchor
    if m["y"]:
        year = int(m["y"])
    else:
        rel = (m["rel"] or "").lower()
        year = a.year + {"last": -1, "past": -1, "next": 1, "coming": 1}.get(rel, 0)
        if not rel:
            tense = env.tense(m)
            start_month = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[code]
            if tense == "past" and start_month > a.month:
                year -= 1
    return _season_value(env, code, year), "season", "DATE"


def n_holiday(env: _Env, m: re.Match[str]) -> Result | None:
    name = re.sub(r"\s+", " ", m["hol"].lower()).replace("’", "'")
    if m["hol"][0].islower():
        return None
    lex = env.lex

    def on(year: int) -> date:
        if name in lex["holiday_fixed"]:
            mo, d = lex["holiday_fixed"][name]
            return date(year, mo, d)
        if name in lex["holiday_nth_weekday"]:
            mo, wd, n = lex["holiday_nth_weekday"][name]
            return _nth_weekday(year, mo, wd, n)
        return _easter(year) + timedelta(days=int(lex["holiday_easter"][name]))

    if m["y"]:
        return _day(on(int(m["y"]))), "day", "DATE"
    a = env.anchor
    d = on(a.year)
    tense = env.tense(m)
    if tense == "past" and d > a:
        d = on(a.year - 1)
    elif tense == "future" and d < a:
        d = on(a.year + 1)
    return _day(d), "day", "DATE"


def n_reference(env: _Env, m: re.Match[str]) -> Result | None:
    value = env.lex["reference"][re.sub(r"\s+", " ", m["ref"].lower())]
    return value, None, "DATE"


def _clock_value(env: _Env, m: re.Match[str], hh: int, mi: int) -> Result:
    tz = next((m[g] for g in ("tz", "tz_paren") if g in m.re.groupindex and m[g]), None)
    zone = "Z" if tz and re.match(r"(?i)UTC|GMT", tz) and not re.search(r"[+-]", tz) else ""
    return f"{_day(env.anchor)}T{hh:02d}:{mi:02d}{zone}", "time", "TIME"


def n_clock(env: _Env, m: re.Match[str]) -> Result | None:
    hh, mi = int(m["hh"]), int(m["mi"] or 0)
    if hh > 12 or hh == 0:
        return None
    pm = m["ampm"].lower().startswith("p")
    hh = (hh % 12) + (12 if pm else 0)
    return _clock_value(env, m, hh, mi)


def n_clock24(env: _Env, m: re.Match[str]) -> Result | None:
    if "pre" in m.re.groupindex and not (m["tz"] or m["pre"]):
        return None  # "3:07" alone is a score or a race time as often as a clock time
    return _clock_value(env, m, int(m["hh"]), int(m["mi"]))


def n_noon(env: _Env, m: re.Match[str]) -> Result | None:
    hh = 12 if m["nm"].lower() in ("noon", "midday") else 24
    return f"{_day(env.anchor)}T{hh}:00", "time", "TIME"


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
    env = _Env(text=text, anchor=anchor, doc=doc, lex=lex)
    found: list[tuple[int, int, int, Result]] = []
    for rank, name, pattern, m in match_rules(text, lex) if matches is None else matches:
        result = _NORMALISERS[name](env, m)
        if result is None:
            continue
        if isinstance(result, list):
            found.extend((s, e, rank, r) for s, e, r in result)
            continue
        start, end = (m.start("t"), m.end("t")) if "t" in pattern.groupindex and m["t"] else m.span()
        if text[end - 1] == "." and not _KEEPS_PERIOD.search(text[start:end]):
            end -= 1  # the full stop of the sentence, not part of "March"
        found.append((start, end, rank, result))
    # Longest match first, then the rule listed first; keep those that do not overlap one already kept.
    found.sort(key=lambda f: (-(f[1] - f[0]), f[2], f[0]))
    taken: list[tuple[int, int, Result]] = []
    for start, end, _, result in found:
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, result))
    taken.sort()
    refs = resolve_references([TimeRef(text[s:e], s, e, r[0], r[1], r[2]) for s, e, r in taken])
    yield from _date_clocks(_merge_clock(refs, text), text, anchor)


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


# Two anchors far from each other and from any news, used to tell absolute values from relative ones.
_PROBE = (date(1901, 3, 14), date(1957, 10, 2))


@register_stage("dates", adds="dates")
def dates_stage(nlp: Language) -> StageFn:
    lexicon = load_lexicon()

    def run(ctx: Context) -> Iterator[TimeRef]:
        anchor = anchor_of(ctx.article)
        if anchor is None:
            # No anchor at all: resolve against two far-apart dates and keep only the values that agree, i.e.
            # those that never depended on the anchor ("July 6, 2025" yes, "Sunday" no).
            text = ctx.article.text
            matches = match_rules(text, lexicon)  # matched once, resolved twice
            one = list(extract_dates(text, _PROBE[0], ctx.doc, lexicon, matches))
            two = {(r.start, r.end): r.value for r in extract_dates(text, _PROBE[1], ctx.doc, lexicon, matches)}
            for ref in one:
                same = two.get((ref.start, ref.end)) == ref.value
                yield ref if same else TimeRef(ref.text, ref.start, ref.end, None, ref.precision, ref.type)
            return
        yield from extract_dates(ctx.article.text, anchor, ctx.doc, lexicon)

    return run
