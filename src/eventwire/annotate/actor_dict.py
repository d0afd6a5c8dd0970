"""The actor dictionaries (converted from PETRARCH/Phoenix, plus eventwire's own rows) and the phrase matcher over them.

Loaded once per pipeline. Matching walks the tokens once, extending a lowercase key token by token and stopping as
soon as no dictionary phrase starts with it, so its cost grows with the text, not with the size of the dictionaries.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

# Read through the package root: data/ is plain files, not an importable package.
DATA = ("data", "actors")

# The longest phrase, in tokens, the matcher will try to extend to: the dictionaries hold long official names.
MAX_TOKENS = 14


@dataclass(frozen=True, slots=True)
class Entry:
    """What a dictionary phrase means. kind: country | capital | city | entity | agent."""

    kind: str
    name: str | None = None
    country: str | None = None  # ISO3 for countries and cities
    codes: tuple[str, ...] = ()  # entities: "CODE" or "CODE@start..end"
    sector: str | None = None  # agents
    source: str | None = None  # entities: international | nonstate | country | eventwire


@dataclass(frozen=True, slots=True)
class Match:
    """A dictionary phrase found in the text: tokens [start, end) and what it means."""

    start: int
    end: int
    entry: Entry


@dataclass(frozen=True)
class Rules:
    locative_prepositions: frozenset[str]
    actor_prepositions: frozenset[str]
    place_nouns: frozenset[str]
    group_nouns: frozenset[str]
    person_pronouns: frozenset[str]
    state_sectors: frozenset[str]
    primary_sectors: frozenset[str]
    religion_codes: frozenset[str]
    non_country_prefixes: frozenset[str]
    title_words: frozenset[str]
    lowercase_name_words: frozenset[str]
    sector_aliases: dict[str, str]
    context_nouns: frozenset[str]
    male_words: frozenset[str]
    female_words: frozenset[str]


@dataclass(frozen=True)
class ActorDictionary:
    phrases: dict[str, Entry]
    prefixes: frozenset[str]
    country_names: dict[str, str]
    rules: Rules

    def lookup(self, phrase: str) -> Entry | None:
        return self.phrases.get(normalise(phrase))

    def match_keys(self, words: Sequence[tuple[str, bool]]) -> Iterator[tuple[int, int, Entry]]:
        """Longest matches over (lowercase word, followed-by-space) pairs, left to right, not overlapping."""
        i, n = 0, len(words)
        while i < n:
            best: tuple[int, Entry] | None = None
            key = ""
            for j in range(i, min(n, i + MAX_TOKENS)):
                key = words[j][0] if j == i else key + (" " if words[j - 1][1] else "") + words[j][0]
                entry = self.phrases.get(key)
                if entry is not None:
                    best = (j + 1, entry)
                if key not in self.prefixes:
                    break
            if best is None:
                i += 1
                continue
            yield i, best[0], best[1]
            i = best[0]


def normalise(phrase: str) -> str:
    """The key a phrase is stored under: lowercase, single spaces, no leading article or trailing possessive."""
    key = re.sub(r"\s+", " ", phrase.replace("’", "'")).strip().lower()
    key = re.sub(r"^the ", "", key)
    return re.sub(r"'s?$", "", key).strip()


def _prefixes(key: str) -> Iterator[str]:
    """Every prefix at which a token of the text may end: before a space or at a punctuation boundary."""
    for i in range(1, len(key)):
        a, b = key[i - 1], key[i]
        if b == " " or (a.isalnum() != b.isalnum() and a != " "):
            yield key[:i].rstrip()


def _plurals(key: str) -> Iterator[str]:
    if key.endswith("man"):
        yield key[:-3] + "men"
    elif key.endswith("y") and not key.endswith(("ay", "ey", "oy")):
        yield key[:-1] + "ies"
    elif not key.endswith("s"):
        yield key + "s"


def _data(name: str) -> Traversable:
    return resources.files("eventwire").joinpath(*DATA, name)


def _rows(name: str) -> Iterator[list[str]]:
    text = _data(name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            yield line.split("\t")


def _add(phrases: dict[str, Entry], key: str, entry: Entry, *, override: bool) -> None:
    key = normalise(key)
    if key and (override or key not in phrases):
        phrases[key] = entry


@lru_cache(maxsize=1)
def load_dictionary() -> ActorDictionary:
    """Read the packaged data files. Cached: every pipeline in a process shares one read-only copy."""
    raw_rules: dict[str, Any] = json.loads(_data("rules.json").read_text(encoding="utf-8"))
    sets = {k: frozenset(v) for k, v in raw_rules.items() if isinstance(v, list)}
    rules = Rules(**sets, sector_aliases=dict(raw_rules["sector_aliases"]))
    names = {iso: name for iso, name in _rows("names.tsv")}
    phrases: dict[str, Entry] = {}
    # Later files override earlier ones where they say so: our own rows win over the converted ones, and the
    # generic role words never take a phrase that names a country or an organisation.
    for phrase, sector in _rows("agents.tsv"):
        entry = Entry(kind="agent", sector=sector[:3])
        _add(phrases, phrase, entry, override=True)
        for plural in _plurals(phrase):
            _add(phrases, plural, entry, override=False)
    for phrase, sector in _rows("roles.tsv"):
        if sector == "-":  # a PETRARCH agent that names a thing or a place, not who acts ("peace settlement")
            phrases.pop(normalise(phrase), None)
            continue
        entry = Entry(kind="agent", sector=sector)
        _add(phrases, phrase, entry, override=True)
        for plural in _plurals(phrase):
            _add(phrases, plural, entry, override=True)
    _add_entities(phrases, "entities.tsv")
    for phrase, iso, kind in _rows("countries.tsv"):
        entry = Entry(kind=kind, name=names.get(iso, iso), country=iso)
        _add(phrases, phrase, entry, override=True)
        # Demonyms name people too: "Palestinians", "Israelis".
        if kind == "country" and phrase.endswith(("an", "i")):
            _add(phrases, phrase + "s", entry, override=False)
    # Our own additions come after the countries, so that they win over a demonym of the same spelling.
    _add_entities(phrases, "entities-extra.tsv")
    prefixes = frozenset(p for key in phrases for p in _prefixes(key))
    return ActorDictionary(phrases=phrases, prefixes=prefixes, country_names=names, rules=rules)


def pick_code(codes: Iterable[str], published: str | None) -> str | None:
    """The code in force on the article's date; without a date, the open-ended one, else the longest held.

    PETRARCH gives people a code per period ("RUSGOV@2008-05-08.."); an unknown date falls back to what the
    person is best known as, which a still-open period or the longest one approximates.
    """
    parsed: list[tuple[str, str, str]] = []
    for c in codes:
        code, _, span = c.partition("@")
        start, _, end = span.partition("..")
        parsed.append((code, start, end))
    if not parsed:
        return None
    if published:
        day = published[:10]
        for code, start, end in parsed:
            if (start or "0000") <= day <= (end or "9999") and (start or end):
                return code
    dated = [p for p in parsed if p[1] or p[2]]
    if not dated:
        return parsed[0][0]
    for code, start, end in dated:
        if start and not end:
            return code

    def length(p: tuple[str, str, str]) -> int:
        return int((p[2] or "2014")[:4]) - int((p[1] or "1900")[:4])

    return max(dated, key=length)[0]


def split_code(code: str, rules: Rules) -> tuple[str | None, str | None]:
    """A CAMEO code's country (or IGO/NGO/IMG) and its PLOVER sector: 'PSEREBHMS' -> ('PSE', 'REB')."""
    country = code[:3] if len(code) >= 3 else None
    chunks = [code[i : i + 3] for i in range(3, len(code), 3)]
    primary = [c for c in chunks if c in rules.primary_sectors]
    if primary:
        # The last primary chunk is the most specific: USAGOVLEG is the legislature, not the executive.
        return country, primary[-1]
    if any(c in rules.religion_codes for c in chunks):
        return country, "REL"
    if country == "IMG":
        return country, "REB"
    return country, None


def sector_of(code: str, rules: Rules) -> str:
    """An agent sector written as PLOVER reads it: religions are REL."""
    if code in rules.religion_codes:
        return "REL"
    return rules.sector_aliases.get(code, code)


_WORD = re.compile(r"\w+(?:[.'’]\w+)*\.?|[^\w\s]")


def words_of(text: str) -> list[tuple[str, bool, int, int]]:
    """A plain tokenisation for phrases outside a parse: (lowercase word, space follows, start, end)."""
    out = []
    for m in _WORD.finditer(text):
        space = m.end() < len(text) and text[m.end()].isspace()
        out.append((m.group().lower(), space, m.start(), m.end()))
    return out


def _add_entities(phrases: dict[str, Entry], filename: str) -> None:
    """Named groups and organisations of one entities file, each overriding what an earlier file said."""
    for phrase, name, codes, source in _rows(filename):
        _add(phrases, phrase, Entry(kind="entity", name=name, codes=tuple(codes.split(";")), source=source),
             override=True)
