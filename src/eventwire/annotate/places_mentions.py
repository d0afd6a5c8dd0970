"""Where the places stage looks for names: spaCy's entities read whole, mislabelled names, names inside
organisations, capitalised words after locatives, roads and buildings (sites), and nationality adjectives before a
word for land.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc

from ..gazetteer import (
    CONTINENT,
    COUNTRY,
    Entry,
    Gazetteer,
    normalize,
)
from ..records import Mention
from .offsets import Spans
from .places_data import (
    _BROAD,
    _LIST_JOINER,
    EMBEDDING_LABELS,
    LOCATIVE,
    MAX_FALLBACK_TOKENS,
    MISLABELS,
    PLACE_LABELS,
    SITE_PREPOSITIONS,
    SURE_POPULATION,
    PlaceData,
)
from .places_lookup import (
    _Candidate,
    _embedded,
    _in_named_state,
    _likeliest,
    _lookup_span,
    _readings,
    _sure_place,
    _trim,
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


def _extend_region(data: PlaceData, text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a name to the region phrase around it: "southern Lebanon", "Beirut's southern suburbs"."""
    # Only the few characters around the name are compared (lowering the whole body per name was quadratic).
    for phrase in data.before:
        s = start - len(phrase) - 1
        if (s >= 0 and text[s : start - 1].lower() == phrase and text[start - 1] == " "
                and (s == 0 or not text[s - 1].isalnum())):
            start = s
            break
    for phrase in data.after:
        lead = "" if phrase.startswith("'") else " "
        for variant in (lead + phrase, lead + phrase.replace("'", "\u2019")):
            e = end + len(variant)
            if text[end:e].lower() == variant and (e == len(text) or not text[e].isalnum()):
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
    data: PlaceData, doc: Doc, mentions: Sequence[Mention], body: str
) -> tuple[list[_Candidate], list[_Site]]:
    gaz = data.gazetteer
    covered = [False] * len(doc)
    cands: list[_Candidate] = []
    sites: list[_Site] = []
    doubtful: list[tuple[Mention, _Candidate]] = []
    joined_to = -1  # the end of the last name extended over the words after it: what lies inside is read
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
    for c in cands:  # keep the first of overlapping spans
        if not out or c.start >= (out[-1].shown_end or out[-1].end):
            out.append(c)
    return out, sites


def _nationalities(gaz: Gazetteer, mentions: Sequence[Mention]) -> Counter[str]:
    """The countries of the nationalities a text names ("Lebanese", "Libyans"), counted."""
    return Counter(iso for m in mentions if m.label == "NORP" and (iso := gaz.demonyms.get(normalize(m.text))))


def _adjective_places(
    data: PlaceData, doc: Doc, mentions: Sequence[Mention], taken: Spans
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
        if entry is None or span is None or taken.overlaps(m.start, m.end):
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


