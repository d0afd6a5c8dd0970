"""Normalisers of expressions that name a point in time: calendar dates, months, years, decades, centuries,
relative days, weekdays, holidays and clock times. Each gets the match and the anchor and returns its value.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from .dates_calendar import (
    Parts,
    Result,
    _add_months,
    _day,
    _easter,
    _Env,
    _month_num,
    _nth_weekday,
    _pick_year,
    _safe_date,
    _week,
    _year_of,
)


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
    elif tense is None:
        # No tense: the nearest such day, as for a month or a date without its year (news rarely reaches further).
        d = min((on(a.year - 1), d, on(a.year + 1)), key=lambda x: abs((x - a).days))
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


