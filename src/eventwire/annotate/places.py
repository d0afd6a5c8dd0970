"""Places: every place mention in the body resolved against the offline gazetteer to GeoNames id and coordinates.

Mentions come from spaCy's GPE/LOC/FAC entities and from capitalised tokens the parser missed; candidates are
ranked by population and feature class, the countries the article is about, and qualifiers such as "Paris, Texas".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from spacy.language import Language
from spacy.tokens import Doc

from ..gazetteer import ADMIN1, CAPITAL, CONTINENT, COUNTRY, REGION, Entry, Gazetteer, load_gazetteer, normalize
from ..records import Mention, Place
from . import Context, StageFn, register_stage

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})

# How much each clue weighs against log10(population). Tuned on the development half of GeoWebNews as a whole,
# never on single toponyms: a country beats a same-named town, a capital any town but a far bigger one.
FEATURE_PRIOR = {COUNTRY: 3.0, CONTINENT: 2.5, ADMIN1: 2.0, REGION: 2.0, CAPITAL: 1.0}
PRIMARY_NAME_BONUS = 1.0  # the mention is the place's own name, not one of its hundred alternates
FOCUS_SHARE_WEIGHT = 1.5  # times the share of the article's other places in the candidate's country
FOCUS_PRESENT_BONUS = 0.5  # the candidate's country is named at all
ADMIN1_FOCUS_BONUS = 1.0  # another place in the article lies in the same state or province
QUALIFIER_BONUS = 6.0  # "Paris, Texas": the next name contains the candidate
# The capitalised-token fallback keeps a match only if it is this sure a place: a country, region or big city.
FALLBACK_MIN_POPULATION = 100_000
MAX_FALLBACK_TOKENS = 4


@dataclass(frozen=True)
class PlaceData:
    """The gazetteer plus the small hand-written lists that guide matching; loaded once per process."""

    gazetteer: Gazetteer
    before: tuple[str, ...]  # region words before a name, longest first, lower case
    after: tuple[str, ...]
    stopwords: frozenset[str]


def _lines(name: str) -> list[str]:
    text = resources.files("eventwire").joinpath("data", "places", name).read_text(encoding="utf-8")
    return [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def load_place_data() -> PlaceData:
    before, after = [], []
    for line in _lines("region_phrases.tsv")[1:]:
        side, phrase = line.split("\t")
        (before if side == "before" else after).append(phrase.lower())
    return PlaceData(
        gazetteer=load_gazetteer(),
        before=tuple(sorted(before, key=len, reverse=True)),
        after=tuple(sorted(after, key=len, reverse=True)),
        stopwords=frozenset(normalize(w) for w in _lines("stopwords.txt")),
    )


@dataclass
class _Candidate:
    """A span that may name a place: where it is, the key it was found under, and the gazetteer's entries."""

    start: int
    end: int
    key: str
    entries: list[Entry]
    from_fallback: bool = False
    qualifier: set[str] = field(default_factory=set)  # ISO3 codes and admin1 names named right after it


_DIRECTIONS = (
    "north-eastern", "north-western", "south-eastern", "south-western", "northeastern", "northwestern",
    "southeastern", "southwestern", "northern", "southern", "eastern", "western", "central", "north", "south",
    "east", "west", "upper", "lower", "greater", "new",
)
_SUFFIXES = (" province", " governorate", " region", " district", " city", " state", " county", " area")


def _trim(text: str, start: int) -> tuple[str, int]:
    """Drop a leading "the" and a trailing possessive or full stop, which NER spans carry and names do not."""
    if text.lower().startswith("the "):
        text, start = text[4:], start + 4
    for tail in ("'s", "\u2019s", "'", "\u2019", "."):
        if text.endswith(tail) and len(text) > len(tail) + 1:
            if tail == "." and normalize(text) in ("us", "uk"):
                break  # "U.S." keeps its dots
            text = text[: -len(tail)]
            break
    return text, start


def _keys_for(text: str) -> Iterator[tuple[str, int, int]]:
    """Lookup keys for a span of text, best first, with the (start, end) offsets within ``text`` they cover."""
    yield normalize(text), 0, len(text)
    low = text.lower()
    for word in _DIRECTIONS:
        if low.startswith(word + " ") and word != "new":
            rest = text[len(word) + 1 :]
            yield normalize(rest), len(word) + 1, len(text)
    for suffix in _SUFFIXES:
        if low.endswith(suffix):
            yield normalize(text[: -len(suffix)]), 0, len(text) - len(suffix)


def _lookup_span(gaz: Gazetteer, text: str, start: int) -> _Candidate | None:
    text, start = _trim(text, start)
    if "," in text:  # "Paris, Texas" as one entity: resolve the head, let the tail qualify it
        head, _, tail = text.partition(",")
        cand = _lookup_span(gaz, head.strip(), start)
        if cand is not None:
            cand.qualifier |= _qualifier_codes(gaz, tail.strip())
            return cand
    for key, s, e in _keys_for(text):
        entries = gaz.lookup_key(key)
        if entries:
            return _Candidate(start + s, start + e, key, entries)
    # "the Beirut airport", "Tripoli's old city": the longest run of words inside that names a place.
    words = text.split()
    for n in range(len(words) - 1, 0, -1):
        for i in range(len(words) - n + 1):
            sub = " ".join(words[i : i + n])
            key = normalize(sub)
            if len(key) > 2 and key not in _GENERIC and gaz.has_key(key):
                offset = text.find(sub)
                return _Candidate(start + offset, start + offset + len(sub), key, gaz.lookup_key(key))
    return None


_GENERIC = frozenset({"the", "of", "and", "city", "state", "county", "new", "north", "south", "east", "west"})


def _qualifier_codes(gaz: Gazetteer, text: str) -> set[str]:
    """What a qualifier like "Texas" or "France" names: ISO3 codes and admin1 names (states, or countries)."""
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


def _prior(entry: Entry, key: str) -> float:
    score = math.log10(entry.population + 10) + FEATURE_PRIOR.get(entry.feature, 0.0)
    if normalize(entry.name) == key:
        score += PRIMARY_NAME_BONUS
    return score


def _fallback_candidates(data: PlaceData, doc: Doc, covered: list[bool]) -> Iterator[_Candidate]:
    """Capitalised words spaCy did not tag that name a country, a region or a big city (precision over recall)."""
    gaz = data.gazetteer
    tokens = list(doc)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.tag_ not in ("NNP", "NNPS") or covered[i]:
            i += 1
            continue
        found = None
        for n in range(min(MAX_FALLBACK_TOKENS, len(tokens) - i), 0, -1):
            span = tokens[i : i + n]
            if any(covered[t.i] or t.tag_ not in ("NNP", "NNPS") for t in span):
                continue
            text = doc.text[span[0].idx : span[-1].idx + len(span[-1].text)]
            key = normalize(text)
            if key in data.stopwords or len(key) < 3 or not gaz.has_key(key):
                continue
            entries = gaz.lookup_key(key)
            if any(_sure_place(e, key) for e in entries):
                found = _Candidate(span[0].idx, span[0].idx + len(text), key, entries, from_fallback=True)
                i += n
                break
        if found is None:
            i += 1
        else:
            yield found


def _sure_place(entry: Entry, key: str) -> bool:
    if normalize(entry.name) != key:
        return False  # alternate names are too noisy for text nobody tagged
    return entry.feature in (COUNTRY, ADMIN1, CONTINENT, REGION, CAPITAL) or entry.population >= FALLBACK_MIN_POPULATION


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


def _article_countries(gaz: Gazetteer, mentions: Sequence[Mention]) -> Counter[str]:
    """Countries the article names through demonyms and nationalities ("Lebanese army", "Libyans")."""
    out: Counter[str] = Counter()
    for m in mentions:
        if m.label == "NORP":
            iso = gaz.demonyms.get(normalize(m.text))
            if iso:
                out[iso] += 1
    return out


def resolve_places(data: PlaceData, doc: Doc, mentions: Sequence[Mention]) -> Iterator[Place]:
    """Find and resolve the place mentions of one parsed article. Pure: reads only its arguments."""
    gaz = data.gazetteer
    text = doc.text
    covered = [False] * len(doc)
    cands: list[_Candidate] = []
    for m in mentions:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is not None:
            for t in span:
                covered[t.i] = True
        if m.label in PLACE_LABELS or (m.label == "NORP" and normalize(m.text) not in gaz.demonyms):
            cand = _lookup_span(gaz, m.text, m.start)
            if cand is not None and m.label == "NORP" and not any(e.feature == COUNTRY for e in cand.entries):
                cand = None  # a NORP span is a place only when it is a country's name ("Palestine")
            if cand is not None:
                cands.append(cand)
    cands += _fallback_candidates(data, doc, covered)
    cands.sort(key=lambda c: c.start)

    # "Paris, Texas" over two entities: a name right after a comma qualifies the one before it.
    for a, b in zip(cands, cands[1:]):
        between = text[a.end : b.start]
        if between.strip() in (",", "") and between.count(",") == 1:
            a.qualifier |= _qualifier_codes(gaz, text[b.start : b.end])

    demonym_focus = _article_countries(gaz, mentions)
    chosen = [max(c.entries, key=lambda e: _prior(e, c.key) + _qualifier_bonus(e, c)) for c in cands]
    # Second round: each mention reads the countries and states of all the others, as resolved in the first.
    for _ in range(2):
        focus = demonym_focus + Counter(e.country for e in chosen if e.country)
        states = Counter((e.country, e.admin1) for e in chosen if e.feature != COUNTRY and e.admin1)
        total = sum(focus.values())
        scores: dict[str, dict[int, float]] = {}
        for c, prev in zip(cands, chosen):
            own_country = Counter({prev.country: 1}) if prev.country else Counter()
            own_state = Counter({(prev.country, prev.admin1): 1}) if prev.feature != COUNTRY and prev.admin1 else Counter()
            f = focus - own_country
            st = states - own_state
            n = max(total - 1, 1)
            per_key = scores.setdefault(c.key, {})
            for idx, e in enumerate(c.entries):
                s = _prior(e, c.key) + _qualifier_bonus(e, c)
                if e.country and f[e.country]:
                    s += FOCUS_PRESENT_BONUS + FOCUS_SHARE_WEIGHT * f[e.country] / n
                if e.feature != COUNTRY and st[(e.country, e.admin1)]:
                    s += ADMIN1_FOCUS_BONUS
                # One sense per article: the same name takes the place its best-supported mention points to.
                per_key[idx] = max(per_key.get(idx, -math.inf), s)
        chosen = [c.entries[max(scores[c.key], key=lambda i: scores[c.key][i])] for c in cands]

    last_end = -1
    for c, e in zip(cands, chosen):
        if c.start < last_end:
            continue
        start, end = _extend_region(data, text, c.start, c.end)
        last_end = end
        yield Place(
            text=text[start:end],
            start=start,
            end=end,
            name=e.name,
            country=e.country,
            admin1=e.admin1,
            lat=e.lat,
            lon=e.lon,
            geonames_id=e.geonames_id,
            feature=e.feature,
        )


def _qualifier_bonus(entry: Entry, cand: _Candidate) -> float:
    if not cand.qualifier:
        return 0.0
    if entry.admin1 in cand.qualifier or (entry.country in cand.qualifier and entry.feature != COUNTRY):
        return QUALIFIER_BONUS
    return 0.0


@register_stage("places", adds="places", needs=("entities",))
def places_stage(nlp: Language) -> StageFn:
    data = load_place_data()

    def run(ctx: Context) -> Iterator[Place]:
        return resolve_places(data, ctx.doc, ctx.layers.get("entities", ()))

    return run
