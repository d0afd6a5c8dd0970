"""Places: every place mention in the body and the captions resolved against the offline gazetteer to GeoNames id
and coordinates.

Mentions come from spaCy's GPE/LOC/FAC entities (read whole when spaCy cut a name short), from names spaCy
mislabels, from the place an organisation's name opens or closes with, from nationality adjectives before a word for
land, from capitalised words it missed, and from names written before their county ("Rockingham,
Northamptonshire"); candidates are ranked by population and feature class, the countries and states of the
article's other names, qualifiers such as "Paris, Texas" or "Croft, Yorkshire" and lists such as "California or
Washington". Roads, buildings and the organisations met "at" that the gazetteer lacks take the point of the town
that locates them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from itertools import pairwise

from spacy.language import Language
from spacy.tokens import Doc

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
    load_gazetteer,
    normalize,
)
from ..records import Mention, Place
from . import Context, StageFn, register_stage

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Labels spaCy's small model often puts on towns ("in Riverdale" as PERSON, "Cyprus" as ORG).
MISLABELS = frozenset({"ORG", "PERSON", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT"})
# Names of bodies and events that often open with the place they belong to ("Winnipeg Fire Paramedic Service",
# "Muscat International Film Festival") or close with it ("University of Texas"); GeoWebNews counts that place.
EMBEDDING_LABELS = frozenset({"ORG", "EVENT", "WORK_OF_ART", "PRODUCT"})

# How much each clue weighs against log10(population). Tuned on the development half of GeoWebNews as a whole,
# never on single toponyms: a country beats a same-named town, a capital any town but a far bigger one.
FEATURE_PRIOR = {COUNTRY: 2.5, CONTINENT: 2.5, ADMIN1: 0.0, REGION: 2.0, CAPITAL: 1.5}
PRIMARY_NAME_BONUS = 1.5  # the mention is the place's own name, not one of its hundred alternates
FOCUS_SHARE_WEIGHT = 2.5  # times the share of the article's other places in the candidate's country
FOCUS_PRESENT_BONUS = 0.5  # the candidate's country is named at all
ADMIN1_FOCUS_BONUS = 1.0  # another place in the article lies in the same state or province
QUALIFIER_BONUS = 6.0  # "Paris, Texas": the next name contains the candidate
DIVISION_WORD_BONUS = 3.0  # "Idlib province", "the state of ...": the text itself says it is a division
COUNTY_KM = 80.0  # "Croft, Yorkshire": how near a county's point a town must lie to be read as lying in it
LIST_KIND_BONUS = 4.0  # listed beside states (or countries), a name is read as one too
# A big city named like the state it lies in is what news means by the bare name ("New York", "Washington").
CITY_OVER_DIVISION_BONUS = 2.5
CITY_OVER_DIVISION_MIN_POPULATION = 100_000
CITY_OVER_DIVISION_ALIAS_MIN_POPULATION = 1_000_000
# Names nobody tagged as places are kept only when this sure: a country, a region, a big city, or a town in a
# country the article is about.
SURE_POPULATION = 100_000
FOCUS_TOWN_POPULATION = 1_000
# A town smaller than this, tagged as a place by spaCy, still needs its country or state named elsewhere in the
# article, or "in"/"near" before it: the small model tags many surnames as places.
SMALL_TOWN_POPULATION = 20_000
MAX_FALLBACK_TOKENS = 4
# Words after which a capitalised name is a place whatever spaCy called it ("in Riverdale", "driving to Castlegar").
LOCATIVE = frozenset(
    {"in", "near", "outside", "around", "across", "throughout", "into", "towards", "toward", "to", "from", "at", "via"}
)
_LIST_SEPARATORS = frozenset({",", "and", ", and", "or", ", or", "&"})
_LIST_JOINER = re.compile(r"(?: and| or|, and| &)\s+$")
# What may stand between a road or building and the town that locates it: "Royal Street, New Orleans".
SITE_QUALIFIERS = frozenset({",", "in", ", in", "at", "near", "of", "in central", "in downtown"})
# Words after which an organisation's name is the site it occupies: "a gala at The Colony Theatre", "fireworks
# inside Anfield". GeoWebNews counts these as toponyms (coercion); like a named road, the site takes its town's point.
SITE_PREPOSITIONS = frozenset({"at", "inside", "outside"})
# Words after which even a "person" is a site: "fans gathered outside Anfield".
ENCLOSING = frozenset({"inside", "outside"})

_DIRECTIONS = (
    "north-eastern",
    "north-western",
    "south-eastern",
    "south-western",
    "northeastern",
    "northwestern",
    "southeastern",
    "southwestern",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "north",
    "south",
    "east",
    "west",
    "upper",
    "lower",
    "greater",
)
_SUFFIXES = (" province", " governorate", " region", " district", " state", " city", " area")
_DIVISION_SUFFIXES = frozenset({" province", " governorate", " region", " district", " state"})
_BROAD = frozenset({COUNTRY, ADMIN1, ADMIN2, CONTINENT, REGION})
_GENERIC = frozenset(
    {"the", "of", "and", "city", "state", "county", "new", "central"}
    | {d + s for d in ("north", "south") for s in ("", "east", "west")}
    | {"east", "west"}
)
# A dateline: "BEIRUT (Reuters) -", "PLEASANTON, Calif. --".
_DATELINE = re.compile(
    r"^[ \t]*([A-Z][A-Z.'\- ]*[A-Z.])(?:,\s*([A-Z][A-Za-z.\- ]{1,20}?))?\s*(?:\(|\u2014|\u2013|-|:)", re.MULTILINE
)
DATELINE_WITHIN = 600  # characters from the top of the body where a dateline may stand (after a photo credit)


@dataclass(frozen=True)
class PlaceData:
    """The gazetteer plus the small hand-written lists that guide matching; loaded once per process."""

    gazetteer: Gazetteer
    before: tuple[str, ...]  # region words before a name, longest first, lower case
    after: tuple[str, ...]
    stopwords: frozenset[str]
    facility_words: dict[str, str]  # last word of a road's or building's name -> RD or BLDG
    territory_nouns: frozenset[str]  # "soil", "border": after a nationality adjective, the adjective is a place
    adjectives: dict[str, Entry]  # normalized "european" -> Europe: continents' and regions' adjectives


def _lines(name: str) -> list[str]:
    text = resources.files("eventwire").joinpath("data", "places", name).read_text(encoding="utf-8")
    return [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def load_place_data() -> PlaceData:
    before: list[str] = []
    after: list[str] = []
    for line in _lines("region_phrases.tsv")[1:]:
        side, phrase = line.split("\t")
        (before if side == "before" else after).append(phrase.lower())
    gaz = load_gazetteer()
    gaz.country("USA")  # builds the country index now, not inside the first article's timing
    return PlaceData(
        gazetteer=gaz,
        before=tuple(sorted(before, key=len, reverse=True)),
        after=tuple(sorted(after, key=len, reverse=True)),
        stopwords=frozenset(normalize(w) for w in _lines("stopwords.txt")),
        facility_words={w.lower(): kind for w, kind in (ln.split("\t") for ln in _lines("facility_words.tsv")[1:])},
        territory_nouns=frozenset(w.strip().lower() for w in _lines("territory_nouns.txt")),
        adjectives={normalize(adj): _region_entry(gaz, name) for adj, name in
                    (ln.split("\t") for ln in _lines("region_adjectives.tsv")[1:])},
    )


def _region_entry(gaz: Gazetteer, name: str) -> Entry:
    """The continent or region a hand-written adjective points to: its broadest entry of that name."""
    entries = [e for e in gaz.lookup(name) if e.feature in (CONTINENT, REGION, COUNTRY)]
    if not entries:
        raise ValueError(f"region_adjectives.tsv: {name!r} is not in the gazetteer")
    return max(entries, key=lambda e: e.population)


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


def _fallback_candidates(
    data: PlaceData, doc: Doc, covered: list[bool], focus: Counter[str], known: set[str]
) -> Iterator[_Candidate]:
    """Capitalised words spaCy did not tag that the gazetteer is sure of, or that the article names as a place
    elsewhere ("the city of Douma" ... "Douma is surrounded"): precision over recall."""
    gaz = data.gazetteer
    tokens = list(doc)
    i = 0
    # Proper nouns, and words in capitals, which the tagger often gets wrong ("OKLAHOMA CITY The Latest ...").
    name_like = [t.tag_ in ("NNP", "NNPS") or (t.is_upper and len(t) >= 4) for t in tokens]
    while i < len(tokens):
        if not name_like[i] or covered[i]:
            i += 1
            continue
        found = None
        for n in range(min(MAX_FALLBACK_TOKENS, len(tokens) - i), 0, -1):
            span = tokens[i : i + n]
            if any(covered[t.i] or not name_like[t.i] for t in span):
                continue
            text = doc[span[0].i : span[-1].i + 1].text  # not doc.text: spaCy rebuilds that string on every access
            key = normalize(text)
            if key in data.stopwords or len(key) < 3 or not gaz.has_key(key):
                continue
            entries = _readings(gaz, text, key)
            if not entries:
                continue
            if key in known or any(_sure_place(e, key, focus) for e in entries):
                found = _Candidate(span[0].idx, span[0].idx + len(text), key, entries)
                break
        if found is None:
            i += 1
        else:
            i = doc.char_span(found.start, found.end, alignment_mode="expand").end  # type: ignore[union-attr]
            yield found


def _dateline(data: PlaceData, text: str) -> list[_Candidate]:
    """The place in an upper-case dateline ("PLEASANTON, Calif. --"), which the parser rarely tags."""
    m = _DATELINE.search(text, 0, DATELINE_WITHIN)
    if m is None:
        return []
    out = []
    for cand in _lookup_span(data, m.group(1).title(), m.start(1)):
        cand.end = m.end(1)
        if m.group(2):
            cand.qualifier |= _qualifier_codes(data.gazetteer, m.group(2))
        out.append(cand)
    if out and m.group(2):
        out += _lookup_span(data, m.group(2), m.start(2))
    return out


def _extend_region(data: PlaceData, text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a name to the region phrase around it: "southern Lebanon", "Beirut's southern suburbs"."""
    low = text.lower()
    for phrase in data.before:
        s = start - len(phrase) - 1
        if s >= 0 and low[s : start - 1] == phrase and text[start - 1] == " " and (s == 0 or not low[s - 1].isalnum()):
            start = s
            break
    for phrase in data.after:
        lead = "" if phrase.startswith("'") else " "
        for variant in (lead + phrase, lead + phrase.replace("'", "\u2019")):
            e = end + len(variant)
            if low[end:e] == variant and (e == len(low) or not low[e].isalnum()):
                return start, e
    return start, end


def _listed_with_place(text: str, start: int, cands: list[_Candidate]) -> bool:
    """Whether a name follows a place in a list ("stops in Hilversum and Almelo"): a list's items are alike."""
    before = text[max(0, start - 8) : start]
    m = _LIST_JOINER.search(before)
    if m is None:
        return False
    at = start - len(before) + m.start()
    return any(c.end == at for c in cands)


def _preceded_by_locative(doc: Doc, start: int, words: frozenset[str] = LOCATIVE) -> bool:
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    if span is None or span.start == 0:
        return False
    prev = doc[span.start - 1]
    if prev.lower_ == "the" and span.start > 1:
        prev = doc[span.start - 2]
    return prev.lower_ in words


_SITE_FEATURE = {"FAC": "BLDG", "GPE": "PPLX"}
MAX_EXTENSION_TOKENS = 3


def _extend_name(data: PlaceData, doc: Doc, m: Mention, body: str) -> Mention | None:
    """The place's whole name when spaCy cut it short or split it ("U.S." Virgin Islands, "Boa" + "Vista",
    "St. Peter's" + "Basilica"): the longest run of capitalised words after the entity that, with it, is a
    name in the gazetteer."""
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None:
        return None
    best = None
    for k in range(span.end, min(span.end + MAX_EXTENSION_TOKENS, len(doc))):
        t = doc[k]
        if not (t.is_alpha and t.text[:1].isupper()) or doc[k - 1].whitespace_ != " ":
            break
        end = t.idx + len(t.text)
        text, _ = _trim(body[m.start : end], m.start)
        if data.gazetteer.has_key(normalize(text)):
            best = Mention(body[m.start : end], m.label, m.start, end)
    return best


_NAME_WORDS = r"[A-Z][\w'\u2019.-]*(?: [A-Z][\w'\u2019.-]*)?"
_ROAD_PAIR = re.compile(rf"\b({_NAME_WORDS}) and ({_NAME_WORDS}) (streets|avenues|roads|boulevards|lanes)\b")


def _overlaps(start: int, end: int, spans: Sequence[_Site]) -> bool:
    """Whether the text from ``start`` to ``end`` overlaps any of ``spans``."""
    return any(x.start < end and start < x.end for x in spans)


def _road_pair(m: re.Match[str]) -> list[_Site]:
    """The two roads of "Bourbon and Dauphine streets"."""
    return [_Site(m.start(g), m.end(g), m.group(g), "RD") for g in (1, 2)]


def _with_facility_word(data: PlaceData, doc: Doc, m: Mention, body: str) -> Mention | None:
    """A name spaCy cut before the word that makes it a road or a building: "400 North State" + "Street"."""
    if m.label not in PLACE_LABELS and m.label not in ("ORG", "PERSON"):
        return None
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None or span.end >= len(doc) or not doc[span.end - 1].whitespace_:
        return None
    word = doc[span.end]
    if not word.text[:1].isupper() or word.lower_ not in data.facility_words:
        return None
    end = word.idx + len(word.text)
    return Mention(body[m.start : end], m.label, m.start, end)


def _possessive(text: str) -> int | None:
    """Where the first word of a name ends when it is a possessive ("Derry's Altnagelvin Hospital"): its length."""
    word = text.split(" ", 1)[0]
    for mark in ("'s", "\u2019s"):
        if word.endswith(mark) and len(word) > len(mark) + 1 and " " in text:
            return len(word) - len(mark)
    return None


def _name_like(text: str) -> bool:
    """Whether an unknown span looks like a proper name: capitalised words of letters, long enough."""
    words = text.split()
    return len(text) >= 4 and all(w[:1].isupper() and w.replace("-", "").replace("'", "").isalpha() for w in words)


@dataclass(frozen=True)
class _Site:
    """A named road or building the gazetteer cannot place ("Royal Street"): placed at the article's town."""

    start: int
    end: int
    name: str
    feature: str


def _candidates(
    data: PlaceData, doc: Doc, mentions: Sequence[Mention], body: str, dateline: bool = True
) -> tuple[list[_Candidate], list[_Site]]:
    gaz = data.gazetteer
    covered = [False] * len(doc)
    cands: list[_Candidate] = []
    sites: list[_Site] = []
    doubtful: list[tuple[Mention, _Candidate]] = []
    joined_to = -1  # the end of the last name extended over the words after it: what lies inside is read
    enclosed: set[str] = set()  # "persons" met after "inside" or "outside": sites
    for m in mentions:
        if m.start < joined_to:
            continue
        longer = _extend_name(data, doc, m, body) if m.label in PLACE_LABELS else None
        if (longer := longer or _with_facility_word(data, doc, m, body)) is not None:
            m, joined_to = longer, longer.end
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is not None:
            for t in span:
                covered[t.i] = True
        kind = data.facility_words.get(m.text.split()[-1].lower()) if m.text.split() else None
        if m.label in PLACE_LABELS or (m.label in ("ORG", "PERSON") and kind):
            # An "organisation" such as "Colchester General Hospital" is a site in its town.
            found = _lookup_span(data, m.text, m.start)
            cands += found
            text, start = _trim(m.text, m.start)
            owned = _possessive(text) if kind and not found else None
            owners = _lookup_span(data, text[:owned], start) if owned else []
            if owned and owners:
                # "Derry's Altnagelvin Hospital": the owner may be a town (judged like any name spaCy did not call
                # a place: "Smith's General Hospital"); the rest is the site.
                doubtful += [(Mention(text[:owned], "ORG", start, start + owned), c) for c in owners]
                rest = text.index(" ", owned) + 1
                text, start = text[rest:], start + rest
            if (
                not found
                and (kind or m.label in _SITE_FEATURE)
                and _name_like(text)
                and (kind or m.label != "GPE" or _preceded_by_locative(doc, start))
            ):
                # An unknown GPE after "in" is most often a neighbourhood of the town in the story ("in present-day
                # Bywater"); elsewhere as often a film, a firm or a party ("Sideways", "Gazprom", "UKIP").
                sites.append(_Site(start, start + len(text), text, kind or _SITE_FEATURE[m.label]))
        elif m.label in MISLABELS and normalize(m.text) not in gaz.demonyms:
            text, start = _trim(m.text, m.start)
            key = normalize(text)
            if key not in data.stopwords and gaz.has_key(key):
                if entries := _readings(gaz, text, key):
                    doubtful.append((m, _Candidate(start, start + len(text), key, entries)))
            elif m.label in EMBEDDING_LABELS and (inner := _embedded(data, text, start)) is not None:
                # A country or province closing the name is sure ("Statistics Canada", "FrontCounter BC"), and so is
                # a place that owns it ("Derry's Altnagelvin Hospital"); any other place that opens it must pass
                # like any name spaCy did not call a place.
                closes = inner.end == start + len(text) and inner.start > start
                owns = inner.start == start and text[inner.end - start :].startswith(("'s ", "\u2019s "))
                if owns or (closes and not text[: inner.start - start].rstrip().endswith(" of")):
                    cands.append(inner)
                else:
                    doubtful.append((m, inner))
            elif m.label == "ORG" and _name_like(text) and _preceded_by_locative(doc, start, SITE_PREPOSITIONS):
                sites.append(_Site(start, start + len(text), text, "BLDG"))
            elif (
                m.label == "PERSON"
                and _name_like(text)
                and _preceded_by_locative(doc, start, ENCLOSING)
                and not body.startswith(("'", "\u2019"), start + len(text))
            ):
                # "fireworks inside Anfield": no one is inside a person, though one waits outside "Smith's house".
                sites.append(_Site(start, start + len(text), text, "BLDG"))
                enclosed.add(text)
    # "fireworks inside Anfield" ... "the bus made its way into Anfield": a "person" one is inside is a site at
    # each mention. (Not so an organisation met "at": "a job at Fiat" ... "Fiat said".)
    for m in mentions if enclosed else ():
        text, start = _trim(m.text, m.start)
        if m.label == "PERSON" and text in enclosed and not any(s.start == start for s in sites):
            sites.append(_Site(start, start + len(text), text, "BLDG"))
    if dateline:
        cands += _dateline(data, body)

    # Focus so far, to judge the doubtful names: countries of what is surely a place, and nationalities.
    focus = _nationalities(gaz, mentions)
    # ... and the states or provinces of its sure places' likeliest readings.
    states: set[tuple[str | None, str | None]] = set()
    for c in cands:
        best = _likeliest(c)
        if best.country:
            focus[best.country] += 1
        if best.feature != COUNTRY and best.admin1:
            states.add((best.country, best.admin1))

    place_keys = {c.key for c in cands}
    # spaCy's small model calls many towns a person or an organisation. Keep the name when it is a place elsewhere
    # in the article, follows "in"/"near", or is a country, state or big city by its own name; a person's name
    # only when it is a country or a division of one the article is about ("Kent"), as "Nelson" is mostly a man.
    # A surname of someone the article names in full ("John Bolton" ... "the job to Bolton") is that person.
    surnames = {normalize(m.text.split()[-1]) for m in mentions if m.label == "PERSON" and len(m.text.split()) > 1}
    accepted: set[int] = set()
    for _ in range(2):  # twice: a name accepted late makes its earlier mentions places too
        for n, (m, cand) in enumerate(doubtful):
            if n in accepted or (m.label == "PERSON" and cand.key in surnames):
                continue
            locative = _preceded_by_locative(doc, cand.start) or _listed_with_place(body, cand.start, cands)
            if m.label == "PERSON" and not locative:
                ok = any(
                    e.feature in (COUNTRY, CONTINENT) or (e.feature in _BROAD and focus[e.country or ""])
                    for e in cand.entries
                )
            else:  # a small town in the article's country only after "in"/"near": "Sutton" is as often a name
                ok = any(_sure_place(e, cand.key, focus if locative else Counter()) for e in cand.entries)
                # ... or one in a state or province the article names ("Immokalee" in a story on Collier County,
                # Florida): a town's name in its own state's news is that town.
                ok = ok or any(_in_named_state(e, cand.key, states) for e in cand.entries)
            if ok or cand.key in place_keys:
                accepted.add(n)
                place_keys.add(cand.key)
                cands.append(cand)
                # "across Yorkshire and Cheshire": an accepted county makes its country the article's.
                best = _likeliest(cand)
                if best.country:
                    focus[best.country] += 1
    cands += _fallback_candidates(data, doc, covered, focus, place_keys)
    # A name the article also gives a person ("Victoria Nuland" ... "Nuland said") is that person, unless it is
    # a country, a state or a big city.
    people = set()
    for m in mentions:
        words = m.text.split()
        if m.label == "PERSON" and len(words) > 1:  # a one-word "person" is as often a town spaCy mislabels
            people.add(normalize(words[-1]))
    cands = [
        c
        for c in cands
        if (c.key not in people or any(e.feature in _BROAD or e.population >= SURE_POPULATION for e in c.entries))
        and not body[c.start].islower()  # English writes place names with a capital; "bato" is a word
    ]
    sites = [s for s in sites if normalize(s.name) not in people]
    # "at State and Hubbard streets": both names are roads, whatever spaCy or the gazetteer made of them.
    roads = [site for m in _ROAD_PAIR.finditer(body) for site in _road_pair(m)]
    if roads:
        cands = [c for c in cands if not _overlaps(c.start, c.end, roads)]
        sites = [s for s in sites if not _overlaps(s.start, s.end, roads)] + roads
    cands.sort(key=lambda c: (c.start, -c.end))
    out: list[_Candidate] = []
    for c in cands:  # the dateline may repeat an entity: keep the first of overlapping spans
        if not out or c.start >= (out[-1].shown_end or out[-1].end):
            out.append(c)
    return _in_division(data, doc, body, out, sites)


# A run of capitalised words right before ", <county or state>": "Rockingham, Northamptonshire".
_BEFORE_DIVISION = re.compile(r"((?:[A-Z][\w'\u2019.-]*\s){0,3}[A-Z][\w'\u2019.-]*), $")
_LIST_OPENERS = frozenset({"", ":", ";", ".", "(", "\u2013", "\u2014", "-"})


def _lies_in(e: Entry, division: Entry) -> bool:
    """Whether a town lies in a state (by its code) or a county (by distance: towns carry no county code)."""
    if e.country != division.country or e.feature in _BROAD:
        return False
    if division.feature == ADMIN1:
        return e.admin1 == division.admin1
    return km(e.lat, e.lon, division.lat, division.lon) <= COUNTY_KM


def _in_division(
    data: PlaceData, doc: Doc, body: str, cands: list[_Candidate], sites: list[_Site]
) -> tuple[list[_Candidate], list[_Site]]:
    """A name written "<name>, <county or state>" at the head of a clause or after "at"/"in" is a place in that
    division, whatever spaCy called it ("7 May: Rockingham, Northamptonshire", "at Croft, Yorkshire"): the
    division's town of that name, else, after a county, a place the gazetteer lacks, put at the county's point."""
    gaz = data.gazetteer
    drop: set[int] = set()
    added: list[_Candidate] = []
    for c in cands:
        division = _likeliest(c)
        if division.feature not in (ADMIN1, ADMIN2):
            continue
        m = _BEFORE_DIVISION.search(body, max(0, c.start - 60), c.start)
        if m is None:
            continue
        start, end = m.span(1)
        lead = body[max(0, start - 12) : start].rstrip()
        words = lead.split()
        # "...; and Lydden Hill, Kent": the last item of a list.
        if lead.endswith((", and", "; and", ", or", "; or")):
            lead = lead[:-4].rstrip() if lead.endswith("and") else lead[:-3].rstrip()
        if lead[-1:] not in _LIST_OPENERS and not (words and words[-1].lower() in LOCATIVE):
            continue
        text, start = _trim(body[start:end], start)
        span = doc.char_span(start, end, alignment_mode="expand")
        # "However, Norfolk police said": a clause's first word is capitalised too; a name is proper nouns.
        if not _name_like(text) or span is None or any(t.tag_ not in ("NNP", "NNPS", "POS") for t in span):
            continue
        here = [i for i, x in enumerate(cands) if x.start < end and start < x.end]
        if any(any(_lies_in(e, division) for e in cands[i].entries) for i in here):
            continue  # "Tacoma, Washington": the pair's qualifier reads it
        key = normalize(text)
        entries = [e for e in _readings(gaz, text, key) if _lies_in(e, division) and normalize(e.name) == key]
        if entries:
            added.append(_Candidate(start, end, key, entries))
        elif division.feature == ADMIN2 and not _overlaps(start, end, sites):
            sites.append(_Site(start, end, text, "PPL"))
        else:
            continue
        drop.update(here)
    if not drop and not added:
        return cands, sites
    kept = [x for i, x in enumerate(cands) if i not in drop] + added
    return sorted(kept, key=lambda x: (x.start, -x.end)), sites


def _nationalities(gaz: Gazetteer, mentions: Sequence[Mention]) -> Counter[str]:
    """The countries of the nationalities a text names ("Lebanese", "Libyans"), counted."""
    return Counter(iso for m in mentions if m.label == "NORP" and (iso := gaz.demonyms.get(normalize(m.text))))


def _adjective_places(
    data: PlaceData, doc: Doc, mentions: Sequence[Mention], taken: list[tuple[int, int]]
) -> Iterator[tuple[int, int, Entry]]:
    """Nationality and continent adjectives that modify a word for land or a site: "Turkish soil", "the Iraqi
    border", "European countries". The head noun decides; "Lebanese army" and "Russian officials" are no places.
    Only what the parser tagged NORP is read: the stage must stay cheap on articles that name no nationality."""
    gaz = data.gazetteer
    for m in mentions:
        if m.label != "NORP":
            continue
        key = normalize(m.text)
        entry = data.adjectives.get(key)
        if entry is None and (iso := gaz.demonyms.get(key)):
            entry = gaz.country(iso)
        span = doc.char_span(m.start, m.end) if entry is not None else None
        if entry is None or span is None or any(s < m.end and m.start < e for s, e in taken):
            continue
        last = span[-1]
        head = last.head if last.dep_ != "conj" else last.head.head  # "British and American farms"
        if (
            last.dep_ in ("amod", "compound", "nmod", "conj")
            and head.i > last.i
            and head.is_lower
            and (head.lemma_.lower() in data.territory_nouns or head.lower_ in data.territory_nouns)
        ):
            yield m.start, m.end, entry


def _site_town(
    doc: Doc, text: str, site: _Site, located: list[tuple[_Candidate, Entry]], towns: Counter[Entry],
    regions: Counter[tuple[str | None, str | None]],
) -> Entry | None:
    """The town a road or building lies in: named right after it, else nearest in its sentence, else the town
    the article names most in the state or province most of its places lie in."""
    for c, e in located:
        if c.start >= site.end and text[site.end : c.start].strip().lower() in SITE_QUALIFIERS:
            return e
    # The article's own area: the state or province most of its places lie in ("Louisiana", "New Orleans",
    # "Lafayette"...).
    area = max(regions, key=lambda k: regions[k]) if regions else None
    span = doc.char_span(site.start, site.end, alignment_mode="expand")
    if span is not None:
        sent = span.sent
        near = [(min(abs(c.start - site.end), abs(site.start - c.end)), e) for c, e in located
                if sent.start_char <= c.start < sent.end_char]
        # A town of the article's area before one outside it: "Washington Square" in a New Orleans story is more
        # likely its square than Pennsylvania's suburb of that name.
        near = [x for x in near if (x[1].country, x[1].admin1) == area] or near
        if near:
            return min(near, key=lambda x: x[0])[1]
    if not towns:
        return None
    # Then the area's most named town (the biggest on a tie).
    pool = [e for e in towns if (e.country, e.admin1) == area] or list(towns)
    return max(pool, key=lambda e: (towns[e], e.population))


@dataclass(frozen=True)
class _Text:
    """One text of the article that may name places: the body ("text") or a caption ("caption:N")."""

    field: str
    doc: Doc
    mentions: Sequence[Mention]
    text: str


def resolve_places(
    data: PlaceData,
    doc: Doc,
    mentions: Sequence[Mention],
    captions: Sequence[tuple[Doc, Sequence[Mention]]] = (),
) -> Iterator[Place]:
    """Find and resolve the place mentions of one parsed article: its body, then each parsed caption, all read
    together (a caption's "Tripoli" is the one the story is about). Pure: reads only its arguments."""
    gaz = data.gazetteer
    # doc.text is read once per text and passed on: spaCy rebuilds it on every access.
    texts = [_Text("text", doc, mentions, doc.text)]
    texts += [_Text(f"caption:{i}", d, ms, d.text) for i, (d, ms) in enumerate(captions)]
    cands: list[_Candidate] = []
    sites: dict[str, list[_Site]] = {}
    demonym_focus: Counter[str] = Counter()
    for t in texts:
        found, sites[t.field] = _candidates(data, t.doc, t.mentions, t.text, dateline=t.field == "text")
        # "Paris, Texas" over two entities: a name right after a comma qualifies the one before it.
        for i, (a, b) in enumerate(pairwise(found)):
            between = t.text[a.end : b.start]
            # "Washington, New York and Boston" is a list, not New York's Washington.
            in_list = i + 2 < len(found) and t.text[b.end : found[i + 2].start].strip() in _LIST_SEPARATORS
            if between.strip() == "," and b.start - a.end <= 3 and not in_list:
                codes = _qualifier_codes(gaz, t.text[b.start : b.end])
                a.qualifier |= codes
                a.near += _qualifier_points(gaz, t.text[b.start : b.end])
                # "Tacoma, Washington": a qualifier that is the state of a town of that name is the state.
                if any(e.admin1 in codes for e in a.entries if e.feature != COUNTRY):
                    b.division = True
            # "Utah, Colorado and Washington": a list of states or countries makes its ambiguous items one too.
            if between.strip() in _LIST_SEPARATORS and b.start - a.end <= 6:
                for x, y in ((a, b), (b, a)):
                    kind = _likeliest(y).feature
                    if kind in (COUNTRY, ADMIN1):
                        x.listed.add(kind)
        for c in found:
            c.field = t.field
        cands += found
        demonym_focus += _nationalities(gaz, t.mentions)
    # What each reading of a name is worth before context: the best of its mentions (one may carry "Texas").
    # The first choice reads each mention alone, its own qualifier but not its list.
    base: dict[tuple[str, int], list[float]] = {}
    chosen: list[Entry] = []
    for c in cands:
        read = [_prior(e, c) + _qualifier_bonus(e, c) for e in c.entries]
        chosen.append(c.entries[max(range(len(read)), key=read.__getitem__)])
        own = [r + LIST_KIND_BONUS * (e.feature in c.listed) for r, e in zip(read, c.entries)]
        base[c.sense] = [max(a, b) for a, b in zip(base[c.sense], own)] if c.sense in base else own
    # Two more rounds: each mention reads the countries and states of the article's other places, as resolved in
    # the last. Other places means other names: a name said five times must not vouch for its own reading.
    for _ in range(2):
        ctx = _Context.of(cands, chosen, demonym_focus)
        total = sum(ctx.focus.values())
        scores: dict[tuple[str, int], dict[int, float]] = {}
        for c in cands:
            if c.sense in scores:
                continue  # one sense per article: every mention of a name reads the same context
            f, st = ctx.others(c.key)
            n = max(total - sum(ctx.own_countries.get(c.key, Counter()).values()), 1)
            per_key = scores.setdefault(c.sense, {})
            for idx, e in enumerate(c.entries):
                s = base[c.sense][idx]
                if e.country and f[e.country]:
                    s += FOCUS_PRESENT_BONUS + FOCUS_SHARE_WEIGHT * f[e.country] / n
                if e.feature != COUNTRY and st[(e.country, e.admin1)]:
                    s += ADMIN1_FOCUS_BONUS
                per_key[idx] = s
        chosen = [c.entries[max(scores[c.sense], key=lambda i: scores[c.sense][i])] for c in cands]

    # Two kinds of reading need the article's support. A small town named by one of its alternate names shares that
    # spelling with much else ("Stubbs" is a footballer before it is Clearlake Oaks, California): kept only where the
    # article's other places lie in its state or province, or where it follows "in"/"near" and lies in a country
    # the article names. A small town by its own name (spaCy tags surnames in a line-up as places) is kept where the
    # article names its country or state, or after "in"/"near". Such towns do not vouch for each other.
    weak = [
        e.feature.startswith("PPL") and e.population < SURE_POPULATION and normalize(e.name) != c.key
        for c, e in zip(cands, chosen)
    ]
    small = [e.feature.startswith("PPL") and e.population < SMALL_TOWN_POPULATION for e in chosen]
    strong = [not (w or sm) for w, sm in zip(weak, small)]
    ctx = _Context.of(
        [c for c, ok in zip(cands, strong) if ok], [e for e, ok in zip(chosen, strong) if ok], demonym_focus
    )
    docs = {t.field: t.doc for t in texts}
    resolved = []
    for c, e, w, ok in zip(cands, chosen, weak, strong):
        if not ok:
            f, st = ctx.others(c.key)
            after_locative = _preceded_by_locative(docs[c.field], c.start)
            in_country = e.country is not None and f[e.country] > 0
            in_state = st[(e.country, e.admin1)] > 0
            # "at Grand and State" in a Chicago story is no Ivorian village: "in"/"near" alone vouches for a small
            # town only where the article names no other country.
            foreign = any(n > 0 and k != e.country for k, n in f.items())
            alone = after_locative and not foreign
            if not (in_state or (in_country and after_locative) or (not w and (in_country or alone))):
                continue
        resolved.append((c, e))
    for t in texts:
        yield from _places_of(data, t, [(c, e) for c, e in resolved if c.field == t.field], sites[t.field])


@dataclass
class _Context:
    """The countries and states of an article's resolved places, and each name's own share of them."""

    focus: Counter[str]
    states: Counter[tuple[str | None, str | None]]
    own_countries: dict[str, Counter[str]]
    own_states: dict[str, Counter[tuple[str | None, str | None]]]

    @classmethod
    def of(cls, cands: list[_Candidate], chosen: list[Entry], demonym_focus: Counter[str]) -> _Context:
        focus = demonym_focus + Counter(e.country for e in chosen if e.country)
        states: Counter[tuple[str | None, str | None]] = Counter(
            (e.country, e.admin1) for e in chosen if e.feature != COUNTRY and e.admin1
        )
        own_countries: dict[str, Counter[str]] = {}
        own_states: dict[str, Counter[tuple[str | None, str | None]]] = {}
        for c, prev in zip(cands, chosen):
            if prev.country:
                own_countries.setdefault(c.key, Counter())[prev.country] += 1
            if prev.feature != COUNTRY and prev.admin1:
                own_states.setdefault(c.key, Counter())[(prev.country, prev.admin1)] += 1
        return cls(focus, states, own_countries, own_states)

    def others(self, key: str) -> tuple[Counter[str], Counter[tuple[str | None, str | None]]]:
        """The countries and states of the article's places other than those named ``key``."""
        return (self.focus - self.own_countries.get(key, Counter()), self.states - self.own_states.get(key, Counter()))


def entry_place(e: Entry, text: str, start: int, end: int, field: str = "text") -> Place:
    """The Place record of a mention ``text[start:end]`` resolved to gazetteer entry ``e``."""
    return Place(text[start:end], start, end, e.name, e.country, e.admin1, e.lat, e.lon, e.geonames_id, e.feature,
                 field)


def _places_of(data: PlaceData, t: _Text, resolved: list[tuple[_Candidate, Entry]], sites: list[_Site]) -> list[Place]:
    """The Place records of one text, in text order: resolved names, place adjectives, then roads and buildings."""
    text, doc, field = t.text, t.doc, t.field
    places = [entry_place(e, text, *_extend_region(data, text, c.start, c.shown_end or c.end), field)
              for c, e in resolved]
    taken = [(p.start, p.end) for p in places]
    places += [entry_place(e, text, start, end, field)
               for start, end, e in _adjective_places(data, doc, t.mentions, taken)]
    # A road or building the gazetteer lacks lies in a town: the one written right after it ("Royal Street, New
    # Orleans", "the prison in Muntinlupa"), else the nearest named in its sentence, else the town the article
    # names most in its own area. It keeps its own name, feature (RD, BLDG) and no GeoNames id; only the point and
    # divisions are the town's. Without a town it stays out: a country is too coarse for a street.
    if sites:
        located = [(c, e) for c, e in resolved if e.feature.startswith("PPL") or e.feature == ADMIN2]
        towns = Counter(e for _, e in located)
        regions: Counter[tuple[str | None, str | None]] = Counter((e.country, e.admin1) for _, e in resolved if e.admin1)
        for site in sites:
            town = _site_town(doc, text, site, located, towns, regions)
            if town is not None:
                at_town = entry_place(town, text, site.start, site.end, field)
                places.append(replace(at_town, name=site.name, geonames_id=None, feature=site.feature))
    places.sort(key=lambda p: p.start)
    return places


@register_stage("places", adds="places", needs=("entities",))
def places_stage(nlp: Language) -> StageFn:
    data = load_place_data()

    def run(ctx: Context) -> Iterator[Place]:
        captions = []
        texts = [c.text for c in ctx.article.captions]
        if texts:
            # Captions are not part of the body parse: each gets its own, short one.
            for cdoc in ctx.nlp.pipe(texts):
                ents = [Mention(e.text, e.label_, e.start_char, e.end_char) for e in cdoc.ents]
                captions.append((cdoc, ents))
        return resolve_places(data, ctx.doc, ctx.layers.get("entities", ()), captions)

    return run
