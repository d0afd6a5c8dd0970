"""The places stage's data and weights: the gazetteer with the hand-written lists of data/places, loaded once
per process, and the weights that rank a name's readings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..gazetteer import (
    ADMIN1,
    ADMIN2,
    CAPITAL,
    CONTINENT,
    COUNTRY,
    REGION,
    Entry,
    Gazetteer,
    load_gazetteer,
    normalize,
)

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
# times the share of the article's other places in the candidate's country; 2.5 on GWN dev, raised to 3.5 from the
# LGL tune half (local US news), where it lifted the LGL check half and left GeoWebNews and GeoVirus as they were
# (4.5 lowered GeoVirus, 5.5 GeoWebNews: docs/evaluation.md)
FOCUS_SHARE_WEIGHT = 3.5
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


