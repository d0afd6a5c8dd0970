"""Normalisers of expressions counted in units: relative units ("next week"), lengths of time, sets ("every
month"), quarters, halves and seasons. Each gets the match and the anchor and returns its value.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from .dates_calendar import Parts, Result, _add_months, _day, _Env, _week


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


