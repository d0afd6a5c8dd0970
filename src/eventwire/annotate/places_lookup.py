"""From a span of text to its gazetteer candidates: the keys a name is looked up under, qualifiers ("Paris,
Texas"), and each reading's prior before context (population, feature class, the name's own or an alternate).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..gazetteer import (
    ADMIN1,
    ADMIN2,
    CAPITAL,
    CONTINENT,
    COUNTRY,
    REGION,
    Entry,
    Gazetteer,
    km,
    normalize,
)
from .places_data import (
    _BROAD,
    _DIRECTIONS,
    _DIVISION_SUFFIXES,
    _GENERIC,
    _SUFFIXES,
    CITY_OVER_DIVISION_ALIAS_MIN_POPULATION,
    CITY_OVER_DIVISION_BONUS,
    CITY_OVER_DIVISION_MIN_POPULATION,
    COUNTY_KM,
    DIVISION_WORD_BONUS,
    FEATURE_PRIOR,
    FOCUS_TOWN_POPULATION,
    PRIMARY_NAME_BONUS,
    QUALIFIER_BONUS,
    SURE_POPULATION,
    PlaceData,
)


@dataclass
class _Candidate:
    """A span that may name a place: where it is, the key it was found under, and the gazetteer's entries."""

    start: int
    end: int
    key: str
    entries: list[Entry]
    division: bool = False  # the text carried a word like "province" or "state"
    qualifier: set[str] = field(default_factory=set)  # ISO3 codes and admin1 codes named right after it
    shown_end: int | None = None  # a facility named after its town is shown whole ("Colchester Hospital")
    listed: set[str] = field(default_factory=set)  # feature codes of the states or countries listed beside it
    near: list[tuple[float, float]] = field(default_factory=list)  # points of the counties named right after it
    field: str = "text"  # which text the offsets index: the body, or "caption:N"

    @property
    def sense(self) -> tuple[str, int]:
        """A name is its key and its readings: "US" and "Us" share a key, not readings (see _readings)."""
        return self.key, len(self.entries)


def _trim(text: str, start: int) -> tuple[str, int]:
    """Drop a leading "the" and a trailing possessive or full stop, which NER spans carry and names do not."""
    if text.lower().startswith("the "):
        text, start = text[4:], start + 4
    for tail in ("'s", "\u2019s", "'", "\u2019", "."):
        if text.endswith(tail) and len(text) > len(tail) + 1:
            if tail == "." and (text.count(".") > 1 or len(text) <= 6):
                break  # "U.S.", "Calif." keep their dots
            text = text[: -len(tail)]
            break
    return text, start


def _keys_for(text: str) -> Iterator[tuple[str, int, int, bool]]:
    """Lookup keys for a span of text, best first: (key, start, end within ``text``, a division word dropped)."""
    if text.endswith(".") and text.count(".") == 1 and len(text) <= 6:
        yield normalize(text) + ".", 0, len(text), False  # "La." is Louisiana, "LA" and "L.A." Los Angeles
    yield normalize(text), 0, len(text), False
    low = text.lower()
    for word in _DIRECTIONS:
        if low.startswith(word + " "):
            # "southern Lebanon" but not "West Wing": a capitalised direction is part of the name unless what
            # follows is a country or a region (checked by the caller through ``_BROAD``).
            yield normalize(text[len(word) + 1 :]), len(word) + 1, len(text), text[0].isupper()
    for suffix in _SUFFIXES:
        # "North State" (Street) is no state called North.
        if low.endswith(suffix) and low[: -len(suffix)] not in _GENERIC:
            yield normalize(text[: -len(suffix)]), 0, len(text) - len(suffix), suffix in _DIVISION_SUFFIXES
    for prefix in ("state of ", "province of ", "city of "):
        if low.startswith(prefix):
            yield normalize(text[len(prefix) :]), len(prefix), len(text), prefix != "city of "


def _readings(gaz: Gazetteer, shown: str, key: str) -> list[Entry]:
    """The gazetteer entries a name can have as written: a short word names a place by an abbreviation ("ACT",
    "US") only in capitals, so "the Act" is a law and "Us" a magazine, not Australia's capital territory or the
    United States. Abbreviations with a full stop ("Pa.", "Ky.") keep their own case."""
    entries = gaz.lookup_key(key)
    if len(shown) > 4 or shown.isupper() or shown.endswith("."):
        return entries
    return [x for x in entries if normalize(x.name) == key]


def _lookup_span(data: PlaceData, text: str, start: int) -> list[_Candidate]:
    """Candidates for an entity span: the whole name, a name inside it, or each name of "Asia-Pacific"."""
    gaz = data.gazetteer
    text, start = _trim(text, start)
    if "," in text:  # "Paris, Texas" as one entity: resolve the head, let the tail qualify it
        head, _, tail = text.partition(",")
        cands = _lookup_span(data, head.strip(), start)
        for cand in cands:
            cand.qualifier |= _qualifier_codes(gaz, tail.strip())
            cand.near += _qualifier_points(gaz, tail.strip())
        tail_at = start + len(head) + 1 + (len(tail) - len(tail.lstrip()))
        return cands + _lookup_span(data, tail.strip(), tail_at)
    found: _Candidate | None = None
    for key, s, e, flag in _keys_for(text):
        entries = _readings(gaz, text[s:e], key)
        if not entries:
            continue
        broad = any(x.feature in _BROAD for x in entries)
        if s and flag and text[0].isupper():  # a capitalised direction word was dropped
            if not broad:
                continue
            flag = False
        if found is None:
            found = _Candidate(start + s, start + e, key, entries, division=flag)
            if broad or any(x.population >= SURE_POPULATION for x in entries):
                break
        elif broad and s:
            # "South Lebanon" is a village in Ohio too, but a region of a country is what the words mean.
            found = _Candidate(start + s, start + e, key, entries, division=flag)
            break
    if found is not None:
        return [found]
    parts = re.split(r"(?<=\w)[-/](?=\w)", text)
    if len(parts) > 1:  # "Asia-Pacific", "Nelson-Creston": each part a place, or none
        each, offset = [], 0
        for part in parts:
            key = normalize(part)
            if not gaz.has_key(key) or key in data.stopwords:
                return []
            each.append(_Candidate(start + offset, start + offset + len(part), key, gaz.lookup_key(key)))
            offset += len(part) + 1
        return each
    words = text.split()
    if 1 < len(words) <= 4 and all(any(e.feature in _BROAD for e in gaz.lookup(w)) for w in words):
        # "Greece Italy": a list the parser ran together, each word a country or a state.
        each, offset = [], 0
        for w in words:
            at = text.index(w, offset)
            each.append(_Candidate(start + at, start + at + len(w), normalize(w), gaz.lookup(w)))
            offset = at + len(w)
        return each
    # "the Beirut airport", "Colchester General Hospital": a town inside, when the other words are common nouns
    # or name a facility. "Royal Street" or "Mississippi River" name something the gazetteer lacks; better no
    # place than the wrong one.
    facility = bool(words) and words[-1].lower() in data.facility_words
    for n in range(len(words) - 1, 0, -1):
        for i in range(len(words) - n + 1):
            rest = words[:i] + words[i + n :]
            if not facility and any(w[:1].isupper() for w in rest):
                continue
            sub = " ".join(words[i : i + n])
            key = normalize(sub)
            if len(key) > 2 and key not in _GENERIC and key not in data.stopwords and gaz.has_key(key):
                offset = text.find(sub)
                cand = _Candidate(start + offset, start + offset + len(sub), key, gaz.lookup_key(key))
                # "Pearl Harbor" is no harbour of a town called Pearl: a named facility needs a big town.
                if (
                    facility
                    and not rest[-1][:1].islower()
                    and not any(e.feature in _BROAD or e.population >= SURE_POPULATION for e in cand.entries)
                ):
                    continue
                if facility:
                    cand.start, cand.shown_end = start, start + len(text)
                return [cand]
    return []


def _embedded(data: PlaceData, text: str, start: int) -> _Candidate | None:
    """The place a multi-word name opens with ("Winnipeg Fire Service") or ends with after "of" ("Bank of
    England"). Only a country, region, state or big city passes later: "Sutton Trust" names no town."""
    words = text.split()
    if len(words) < 2:
        return None
    gaz = data.gazetteer
    spans = [(words[:n], True, False) for n in range(min(3, len(words) - 1), 0, -1)]
    if "of" in words[1:-1]:
        spans.append((words[len(words) - words[::-1].index("of") :], False, False))
    # A country or province that closes the name: "Statistics Canada", "FrontCounter BC".
    spans += [(words[-n:], False, True) for n in (2, 1) if n < len(words) and words[-n - 1] != "of"]
    for part, leading, broad_only in spans:
        sub = " ".join(part)
        key = normalize(sub)
        if (len(key) > 2 or broad_only) and key not in _GENERIC and key not in data.stopwords and gaz.has_key(key):
            entries = _readings(gaz, sub, key)
            if not entries:
                continue  # "the Data Protection Act" closes with no Australian Capital Territory
            if broad_only and not any(e.feature in (COUNTRY, ADMIN1) for e in entries):
                continue
            at = start if leading else start + len(text) - len(sub)
            return _Candidate(at, at + len(sub), key, entries)
    return None


def _qualifier_codes(gaz: Gazetteer, text: str) -> set[str]:
    """What a qualifier like "Texas" or "France" names: ISO3 codes and admin1 codes."""
    text, _ = _trim(text, 0)
    out: set[str] = set()
    for e in gaz.lookup(text):
        if e.feature == COUNTRY and e.country:
            out.add(e.country)
        elif e.feature == ADMIN1 and e.admin1:
            out.add(e.admin1)
            if e.country:
                out.add(e.country)
    return out


def _qualifier_points(gaz: Gazetteer, text: str) -> list[tuple[float, float]]:
    """Where a qualifier that names a county lies ("Croft, Yorkshire"): a county's code is not kept with towns,
    but its point tells the Croft near it from the Croft in Leicestershire."""
    text, _ = _trim(text, 0)
    return [(e.lat, e.lon) for e in gaz.lookup(text) if e.feature == ADMIN2]


def _prior(entry: Entry, cand: _Candidate) -> float:
    score = math.log10(entry.population + 10) + FEATURE_PRIOR.get(entry.feature, 0.0)
    if normalize(entry.name) == cand.key:
        score += PRIMARY_NAME_BONUS
    if cand.division and entry.feature in (ADMIN1, ADMIN2):
        score += DIVISION_WORD_BONUS
    if (
        not cand.division
        and entry.feature.startswith("PPL")
        and entry.population >= CITY_OVER_DIVISION_MIN_POPULATION
        # By a short form of its name ("Oklahoma" for Oklahoma City) only a city bigger than most states.
        and (normalize(entry.name) == cand.key or entry.population >= CITY_OVER_DIVISION_ALIAS_MIN_POPULATION)
        and any(o.feature in (ADMIN1, ADMIN2) and o.country == entry.country for o in cand.entries)
    ):
        score += CITY_OVER_DIVISION_BONUS
    return score


def _likeliest(cand: _Candidate) -> Entry:
    """A candidate's best reading before context."""
    return max(cand.entries, key=lambda e: _prior(e, cand))


def _qualifier_bonus(entry: Entry, cand: _Candidate) -> float:
    """What a qualifier after the name gives a reading: its state or country, or a county it lies near."""
    named = entry.feature != COUNTRY and (entry.admin1 in cand.qualifier or entry.country in cand.qualifier)
    near = any(km(entry.lat, entry.lon, *p) <= COUNTY_KM for p in cand.near)
    return QUALIFIER_BONUS * (named + near)


def _sure_place(entry: Entry, key: str, focus: Counter[str]) -> bool:
    """Whether a name nobody tagged as a place is one: a country, region or big city by its own name, or a town in
    a country the article is about."""
    if entry.feature in (COUNTRY, CONTINENT, REGION):
        return True  # their names were chosen by hand or come from country lists, not GeoNames' alternates
    if normalize(entry.name) != key:
        return False  # alternate names are too noisy for text nobody tagged
    if entry.country and focus[entry.country] and entry.population >= FOCUS_TOWN_POPULATION:
        return True
    return entry.feature in (COUNTRY, ADMIN1, CONTINENT, REGION, CAPITAL) or entry.population >= SURE_POPULATION


def _in_named_state(entry: Entry, key: str, states: set[tuple[str | None, str | None]]) -> bool:
    """Whether a town by its own name lies in a state or province the article has named."""
    return (
        entry.feature.startswith("PPL")
        and entry.population >= FOCUS_TOWN_POPULATION
        and normalize(entry.name) == key
        and (entry.country, entry.admin1) in states
    )


