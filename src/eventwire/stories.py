"""Stories: near-duplicate articles found at ingest time, articles about one happening grouped into a story, and
the events of a story counted once with their mentions, sources and articles (GDELT's counts, de-duplicated).

Near-duplicates: MinHash signatures over word shingles of the body (shingles never cross a sentence end, so
reordered sentences keep them), LSH band buckets kept in the database, candidates screened on their signatures and
verified on the exact shingles of their stored text (Jaccard, or containment for trimmed and padded copies).
``StoryIndexer.add`` runs inside the store's write transaction and reads a bounded number of indexed rows per
article, so the millionth article costs what the first did. The pure parts are plain functions.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import numpy as np

from .records import Document, Event, Mention

__all__ = [
    "Duplicate",
    "EventKey",
    "Fingerprint",
    "Placement",
    "Similarity",
    "StoryEventQuery",
    "StoryIndexer",
    "StoryQuery",
    "StorySettings",
    "article_story",
    "band_buckets",
    "event_key",
    "exact_similarity",
    "fingerprint",
    "get_story",
    "is_near_duplicate",
    "list_stories",
    "list_story_events",
    "salient_entities",
    "shingle_hashes",
    "shingles",
    "similarity",
    "worth_checking",
]


@dataclass(frozen=True, slots=True)
class StorySettings:
    """Knobs of near-duplicate detection and story linking. Signatures stored in a database were made with
    ``shingle_size`` and ``num_perm``: change those only with a fresh database."""

    shingle_size: int = 4
    num_perm: int = 128
    # 32 bands of 2 rows (the first 64 values): a pair with Jaccard 0.5 shares a bucket with probability 0.9999,
    # 0.3 with 0.95, 0.2 with 0.73, so trimmed copies (low Jaccard, high containment) become candidates; unrelated
    # news has Jaccard ~0, and its rare chance candidates are discarded by the signature check below. Each band is
    # one row written at a random place of the bucket index, so bands are what an article costs to store.
    bands: int = 32
    rows: int = 2
    # Candidates whose signatures suggest this much overlap are verified on their exact shingle sets.
    check_jaccard: float = 0.3
    check_containment: float = 0.5
    min_jaccard: float = 0.5
    # A trimmed copy has a low Jaccard but is (almost) contained in the original, or the original in it.
    min_containment: float = 0.8
    # Below this many shingles a body is too short to call a near-duplicate; only identical bodies are linked.
    min_shingles: int = 10
    # Buckets shared by very many articles hold boilerplate; a bounded number of candidates keeps the cost flat.
    candidate_limit: int = 2000
    window_days: int = 3
    min_shared_entities: int = 3
    min_entity_overlap: float = 0.5
    salient_entities: int = 8
    # How many recent mentions of one entity are looked at when searching for a story by entities.
    entity_recent: int = 200


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A body's MinHash signature (``num_perm`` uint32 values as little-endian bytes) and its shingle count."""

    signature: bytes
    shingles: int

    def values(self) -> np.ndarray:
        return np.frombuffer(self.signature, dtype="<u4")


@dataclass(frozen=True, slots=True)
class Similarity:
    """Estimated Jaccard of two shingle sets, and the larger of the two containments (|A & B| / |A| or / |B|)."""

    jaccard: float
    containment: float


@dataclass(frozen=True, slots=True)
class Duplicate:
    """``article_id`` copies ``duplicate_of`` (the first stored copy); ``matched`` is the closest stored copy."""

    article_id: str
    duplicate_of: str
    matched: str
    kind: str
    jaccard: float
    containment: float


@dataclass(frozen=True, slots=True)
class EventKey:
    """What makes two coded events the same happening within a story."""

    type: str
    source_country: str | None
    target_country: str | None
    place: str | None
    date: str | None
    flags: str = ""

    def text(self) -> str:
        return "|".join(v or "" for v in (self.type, self.source_country, self.target_country, self.place,
                                           self.date, self.flags))


@dataclass(frozen=True, slots=True)
class Placement:
    """Where ``add`` put an article: its story, why (first, duplicate, event, entities), and the duplicate link."""

    story_id: int
    reason: str
    via: str | None = None
    score: float | None = None
    duplicate: Duplicate | None = None


@dataclass(frozen=True, slots=True)
class StoryQuery:
    """Filters of the story listing. Dates are ISO strings, bounds inclusive; ``before_id`` pages (ids descend)."""

    since: str | None = None
    until: str | None = None
    min_articles: int = 1
    limit: int | None = 50
    before_id: int | None = None


@dataclass(frozen=True, slots=True)
class StoryEventQuery:
    """Filters of the grouped-event listing; ``country`` matches source, target or place."""

    story_id: int | None = None
    type: str | None = None
    country: str | None = None
    since: str | None = None
    until: str | None = None
    min_articles: int = 1
    limit: int | None = 50
    before_id: int | None = None


# -- pure parts ------------------------------------------------------------------------------------------------------

# One pass finds the words and the sentence ends: ., ! or ? (with closing quotes/brackets) before white space, and
# line breaks. A match of group 1 is a word; anything else ends a sentence.
_TOKEN = re.compile(r"(\w+)|[.!?]+[\"'\u201d\u2019)\]]*(?=\s|$)|\n")


# Odd 64-bit constants that mix a word's position in its shingle into the shingle hash (splitmix64 family).
_MIX = np.array([0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0xD6E8FEB86659FD93,
                 0xA0761D6478BD642F, 0xE7037ED1A0B428DB, 0x8EBC6AF09C88C6E3, 0x589965CC75374CC3], dtype=np.uint64)


def _finalize(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads every input bit over the 64 output bits."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def shingle_hashes(text: str, size: int = 4) -> np.ndarray:
    """Sorted unique 32-bit hashes (as uint64) of the word ``size``-grams of each sentence, lower-cased and NFKC;
    a sentence shorter than ``size`` words is one shingle, so that short lines still count. Words are hashed once
    (crc32, stable across processes) and combined per window by numpy."""
    if size > len(_MIX):
        raise ValueError(f"shingle size {size} is larger than {len(_MIX)}")
    words: list[int] = []
    sentence_of: list[int] = []
    k = 0
    for word in _TOKEN.findall(unicodedata.normalize("NFKC", text).lower()):
        if word:
            words.append(zlib.crc32(word.encode()))
            sentence_of.append(k)
        else:
            k += 1
    if not words:
        return np.empty(0, dtype=np.uint64)
    w = np.array(words, dtype=np.uint64)
    sid = np.array(sentence_of, dtype=np.int64)
    parts = []
    starts = np.flatnonzero(np.r_[True, sid[1:] != sid[:-1]])
    lengths = np.diff(np.r_[starts, len(sid)])
    if len(w) >= size:
        first = np.arange(len(w) - size + 1)
        first = first[sid[first] == sid[first + size - 1]]
        h = np.zeros(len(first), dtype=np.uint64)
        for j in range(size):
            h ^= w[first + j] * _MIX[j]
        parts.append(h)
    for start, length in zip(starts[lengths < size].tolist(), lengths[lengths < size].tolist(), strict=True):
        parts.append(np.bitwise_xor.reduce(w[start:start + length] * _MIX[:length], keepdims=True))
    return np.unique(_finalize(np.concatenate(parts)) >> np.uint64(32))


def shingles(text: str, size: int = 4) -> frozenset[int]:
    """The shingle hashes of a body as a set (see ``shingle_hashes``)."""
    return frozenset(shingle_hashes(text, size).tolist())


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    # Fixed seed: signatures stored today must compare with those computed tomorrow.
    rng = np.random.default_rng(20260528)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    return a, b


def fingerprint(text: str, settings: StorySettings = StorySettings(),
                found: np.ndarray | None = None) -> Fingerprint:
    """The MinHash signature of a body (pass ``found`` when its shingles are at hand). Each permutation is
    multiply-shift hashing of the 32-bit shingle hash, (a * x + b) mod 2**64, top 32 bits: a universal family
    that numpy computes for all shingles at once."""
    if found is None:
        found = shingle_hashes(text, settings.shingle_size)
    if not len(found):
        return Fingerprint(np.full(settings.num_perm, 0xFFFFFFFF, dtype="<u4").tobytes(), 0)
    a, b = _permutations(settings.num_perm)
    x = found.astype(np.uint64)
    hashed = (x[:, None] * a[None, :] + b[None, :]) >> np.uint64(32)
    return Fingerprint(hashed.min(axis=0).astype("<u4").tobytes(), len(found))


def band_buckets(fp: Fingerprint, settings: StorySettings = StorySettings()) -> list[tuple[int, int]]:
    """(band, bucket) pairs: each band of ``rows`` signature values and its band number hashed to a signed 64-bit
    SQLite integer (so that equal values in different bands never share a bucket)."""
    values = fp.values()[: settings.bands * settings.rows].astype(np.uint64).reshape(settings.bands, settings.rows)
    h = np.arange(settings.bands, dtype=np.uint64) * _MIX[-1]
    for j in range(settings.rows):
        h = _finalize(h ^ values[:, j])
    return list(enumerate(h.view(np.int64).tolist()))


def similarity(a: Fingerprint, b: Fingerprint) -> Similarity:
    """Estimated Jaccard (share of equal signature values) and containment derived from it and the set sizes."""
    if not a.shingles or not b.shingles:
        return Similarity(0.0, 0.0)
    jaccard = float(np.mean(a.values() == b.values()))
    # |A & B| = J * |A | B| and |A | B| = (|A| + |B|) / (1 + J).
    common = jaccard * (a.shingles + b.shingles) / (1.0 + jaccard)
    return Similarity(jaccard, min(1.0, common / min(a.shingles, b.shingles)))


def exact_similarity(a: np.ndarray, b: np.ndarray) -> Similarity:
    """Jaccard and the larger containment of two shingle sets given as sorted unique arrays (shingle_hashes)."""
    if not len(a) or not len(b):
        return Similarity(0.0, 0.0)
    common = len(np.intersect1d(a, b, assume_unique=True))
    return Similarity(common / (len(a) + len(b) - common), common / min(len(a), len(b)))


def worth_checking(sim: Similarity, settings: StorySettings = StorySettings()) -> bool:
    """Whether signatures suggest enough overlap to verify a candidate on its exact shingles."""
    return sim.jaccard >= settings.check_jaccard or sim.containment >= settings.check_containment


def is_near_duplicate(sim: Similarity, size_a: int, size_b: int, settings: StorySettings = StorySettings()) -> bool:
    """The verdict on exact similarity: Jaccard, or containment for trimmed and padded copies. Short bodies
    only when identical: a few shared sentences of a brief say nothing."""
    if sim.jaccard >= 1.0:
        return True
    if min(size_a, size_b) < settings.min_shingles:
        return False
    return sim.jaccard >= settings.min_jaccard or sim.containment >= settings.min_containment


def _day(value: str | None) -> str | None:
    """The YYYY-MM-DD day of an ISO date or datetime, or None when the value is not a day."""
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def _countries(actors: Iterable[Any]) -> str | None:
    found = sorted({a.country for a in actors if a.country})
    return ";".join(found) or None


def event_key(event: Event, published: str | None) -> EventKey:
    """Type, source and target countries, place (country, else name), day (the event's, else the article's) and
    the negated/hypothetical/future flags: "did not attack" is not the same happening as "attacked"."""
    place = (event.place.country or event.place.name) if event.place else None
    flags = "".join(f for f, on in (("N", event.negated), ("H", event.hypothetical), ("F", event.future)) if on)
    return EventKey(event.type, _countries(event.source), _countries(event.target), place,
                    _day(event.date) or _day(published), flags)


# Entity labels that name a particular happening's participants; places and nationalities are shared by too many
# unrelated reports of the same days to link stories.
_SALIENT_LABELS = frozenset({"PERSON", "ORG", "EVENT", "FAC", "LAW", "PRODUCT", "WORK_OF_ART"})


def salient_entities(mentions: Iterable[Mention] | Iterable[tuple[str, str]], limit: int = 8) -> tuple[tuple[str, str], ...]:
    """The ``limit`` most mentioned (label, text) pairs among salient labels, ties in order of first mention."""
    counts: Counter[tuple[str, str]] = Counter()
    for m in mentions:
        label, text = (m.label, m.text) if isinstance(m, Mention) else m
        if label in _SALIENT_LABELS and len(text) > 1:
            counts[(label, " ".join(text.split()))] += 1
    return tuple(k for k, _ in counts.most_common(limit))


def _shift(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def _event_id(article_id: str, position: int) -> str:
    # The store's event id (store/sqlite.py, _insert_event).
    return f"{article_id}-{position}"


# -- the indexer: runs inside the store's write transaction ----------------------------------------------------------


class StoryIndexer:
    """Adds one stored article to the duplicate index, its story and the story's grouped events."""

    def __init__(self, settings: StorySettings = StorySettings()) -> None:
        self.settings = settings

    def add(self, conn: sqlite3.Connection, doc: Document, now: str) -> Placement:
        """Call after the article and its layers are inserted, in the same transaction."""
        a = doc.article
        mine = shingle_hashes(a.text, self.settings.shingle_size)
        fp = fingerprint(a.text, self.settings, mine)
        dup = self._find_duplicate(conn, a.id, fp, mine)
        conn.execute("INSERT OR REPLACE INTO article_fingerprints VALUES (?, ?, ?)", (a.id, fp.shingles, fp.signature))
        # Only originals go into the buckets: a later copy of a copy still finds the original, and the index (the
        # costly part of a write) grows with reports, not with syndication.
        if dup is None:
            conn.executemany("INSERT OR IGNORE INTO lsh_buckets (bucket, band, article_id) VALUES (?, ?, ?)",
                             [(bucket, band, a.id) for band, bucket in band_buckets(fp, self.settings)])
        else:
            conn.execute("INSERT OR REPLACE INTO duplicates VALUES (?, ?, ?, ?, ?, ?)",
                         (dup.article_id, dup.duplicate_of, dup.matched, dup.kind, dup.jaccard, dup.containment))
        placement = self._place(conn, doc, dup, now)
        conn.execute(
            "INSERT OR REPLACE INTO story_articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (a.id, placement.story_id, placement.reason, placement.via, placement.score, _day(a.published) or a.published,
             a.source, int(dup is not None)),
        )
        for position, event in enumerate(doc.events):
            self._add_event(conn, placement.story_id, doc, position, event, dup is not None)
        _refresh_story(conn, placement.story_id, now)
        return placement

    # -- near-duplicates --

    def _find_duplicate(self, conn: sqlite3.Connection, article_id: str, fp: Fingerprint,
                        mine: np.ndarray) -> Duplicate | None:
        if not fp.shingles:
            return None
        s = self.settings
        buckets = [bucket for _, bucket in band_buckets(fp, s)]
        # One statement, one primary-key seek per band.
        found = conn.execute(
            f"SELECT DISTINCT article_id FROM lsh_buckets WHERE bucket IN ({','.join('?' * len(buckets))}) LIMIT ?",
            (*buckets, s.candidate_limit),
        )
        candidates = [r[0] for r in found if r[0] != article_id]
        if not candidates:
            return None
        best: tuple[float, str, Similarity, int] | None = None
        ids = candidates
        for chunk in range(0, len(ids), 500):
            part = ids[chunk:chunk + 500]
            rows = conn.execute(
                f"SELECT article_id, shingles, signature FROM article_fingerprints WHERE article_id IN "
                f"({','.join('?' * len(part))})", part,
            ).fetchall()
            for other, count, signature in rows:
                if not worth_checking(similarity(fp, Fingerprint(bytes(signature), int(count))), s):
                    continue
                # Estimates from 128 values are too coarse near the thresholds; the stored text is one lookup away.
                text = conn.execute("SELECT text FROM articles WHERE id = ?", (other,)).fetchone()
                theirs = shingle_hashes(text[0], s.shingle_size) if text else np.empty(0, dtype=np.uint64)
                sim = exact_similarity(mine, theirs)
                if not is_near_duplicate(sim, len(mine), len(theirs), s):
                    continue
                score = max(sim.jaccard, sim.containment)
                # The closest stored copy; its own original (if it is a copy) is looked up below.
                if best is None or score > best[0]:
                    best = (score, other, sim, len(theirs))
        if best is None:
            return None
        _, matched, sim, count = best
        row = conn.execute("SELECT duplicate_of FROM duplicates WHERE article_id = ?", (matched,)).fetchone()
        root = row[0] if row else matched
        kind = "exact" if sim.jaccard >= 1.0 and count == fp.shingles else "near"
        return Duplicate(article_id, root, matched, kind, round(sim.jaccard, 4), round(sim.containment, 4))

    # -- stories --

    def _place(self, conn: sqlite3.Connection, doc: Document, dup: Duplicate | None, now: str) -> Placement:
        a = doc.article
        if dup is not None:
            story = _story_of(conn, dup.duplicate_of) or _story_of(conn, dup.matched)
            if story is not None:
                return Placement(story, "duplicate", dup.matched, max(dup.jaccard, dup.containment), dup)
        day = _day(a.published)
        # The looser rules need a date: "within a few days" cannot be checked without one.
        if day is not None:
            found = self._by_event(conn, doc, day) or self._by_entities(conn, doc, day)
            if found is not None:
                return found
        cur = conn.execute(
            "INSERT INTO stories (title, first_article, first_published, last_published, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (a.title, a.id, day or a.published, day or a.published, now),
        )
        story_id = int(cur.lastrowid or 0)
        if dup is not None:
            return Placement(story_id, "duplicate", dup.matched, max(dup.jaccard, dup.containment), dup)
        return Placement(story_id, "first")

    def _by_event(self, conn: sqlite3.Connection, doc: Document, day: str) -> Placement | None:
        w = self.settings.window_days
        for event in doc.events:
            key = event_key(event, doc.article.published)
            # Both actor countries known: "the US did something" alone is not one happening.
            if not (key.source_country and key.target_country and key.date):
                continue
            row = conn.execute(
                "SELECT story_id, first_event_id FROM story_events WHERE type = ? AND source_country = ? "
                "AND target_country = ? AND date BETWEEN ? AND ? AND flags = ? ORDER BY id DESC LIMIT 1",
                (key.type, key.source_country, key.target_country, _shift(key.date, -w), _shift(key.date, w),
                 key.flags),
            ).fetchone()
            if row is not None:
                via = str(row[1]).rsplit("-", 1)[0] if row[1] else None
                return Placement(int(row[0]), "event", via, 1.0)
        return None

    def _by_entities(self, conn: sqlite3.Connection, doc: Document, day: str) -> Placement | None:
        s = self.settings
        mine = set(salient_entities(doc.entities, s.salient_entities))
        if len(mine) < s.min_shared_entities:
            return None
        shared: Counter[str] = Counter()
        for label, text in mine:
            rows = conn.execute(
                "SELECT DISTINCT article_id FROM (SELECT article_id FROM entities WHERE label = ? AND text = ? "
                "ORDER BY id DESC LIMIT ?) recent", (label, text, s.entity_recent),
            )
            shared.update(r[0] for r in rows if r[0] != doc.article.id)
        low, high = _shift(day, -s.window_days), _shift(day, s.window_days)
        best: Placement | None = None
        for other, count in shared.most_common(10):
            if count < s.min_shared_entities:
                break
            row = conn.execute(
                "SELECT story_id, published FROM story_articles WHERE article_id = ?", (other,)
            ).fetchone()
            if row is None or row[1] is None or not (low <= str(row[1])[:10] <= high):
                continue
            theirs = set(salient_entities(
                conn.execute("SELECT label, text FROM entities WHERE article_id = ? ORDER BY start", (other,)).fetchall(),
                s.salient_entities,
            ))
            common = len(mine & theirs)
            overlap = common / max(1, min(len(mine), len(theirs)))
            good = common >= s.min_shared_entities and overlap >= s.min_entity_overlap
            if good and (best is None or overlap > (best.score or 0.0)):
                best = Placement(int(row[0]), "entities", other, round(overlap, 4))
        return best

    def _add_event(self, conn: sqlite3.Connection, story_id: int, doc: Document, position: int, event: Event,
                   duplicate: bool) -> None:
        key = event_key(event, doc.article.published)
        event_id = _event_id(doc.article.id, position)
        conn.execute(
            "INSERT OR IGNORE INTO story_events (story_id, key, type, source_country, target_country, place, date, "
            "flags, first_event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (story_id, key.text(), key.type, key.source_country, key.target_country, key.place, key.date, key.flags,
             event_id),
        )
        group = conn.execute("SELECT id FROM story_events WHERE story_id = ? AND key = ?",
                             (story_id, key.text())).fetchone()[0]
        conn.execute("INSERT OR REPLACE INTO story_event_members VALUES (?, ?, ?, ?, ?)",
                     (event_id, group, doc.article.id, doc.article.source, int(duplicate)))
        # Counts over one group's members: bounded by how often one happening is told, not by the corpus.
        conn.execute(
            "UPDATE story_events SET "
            "num_mentions = (SELECT COUNT(*) FROM story_event_members WHERE story_event_id = :g), "
            "num_articles = (SELECT COUNT(DISTINCT article_id) FROM story_event_members "
            "                WHERE story_event_id = :g AND duplicate = 0), "
            "num_sources = (SELECT COUNT(DISTINCT COALESCE(source, '')) FROM story_event_members "
            "               WHERE story_event_id = :g) "
            "WHERE id = :g",
            {"g": group},
        )


def _story_of(conn: sqlite3.Connection, article_id: str) -> int | None:
    row = conn.execute("SELECT story_id FROM story_articles WHERE article_id = ?", (article_id,)).fetchone()
    return int(row[0]) if row else None


def _refresh_story(conn: sqlite3.Connection, story_id: int, now: str) -> None:
    conn.execute(
        "UPDATE stories SET "
        "num_articles = (SELECT COUNT(*) FROM story_articles WHERE story_id = :s AND duplicate = 0), "
        "num_duplicates = (SELECT COUNT(*) FROM story_articles WHERE story_id = :s AND duplicate = 1), "
        "num_sources = (SELECT COUNT(DISTINCT COALESCE(source, '')) FROM story_articles WHERE story_id = :s), "
        "first_published = (SELECT MIN(published) FROM story_articles WHERE story_id = :s), "
        "last_published = (SELECT MAX(published) FROM story_articles WHERE story_id = :s), "
        "num_events = (SELECT COUNT(*) FROM story_events WHERE story_id = :s), "
        "updated_at = :now WHERE id = :s",
        {"s": story_id, "now": now},
    )


# -- reading ---------------------------------------------------------------------------------------------------------

_STORY_COLUMNS = ("id", "title", "first_article", "first_published", "last_published", "num_articles",
                  "num_duplicates", "num_sources", "num_events", "updated_at")


def list_stories(conn: sqlite3.Connection, query: StoryQuery = StoryQuery()) -> Iterator[dict[str, Any]]:
    """Stories, newest first (ids descend), as dicts of the ``stories`` columns."""
    from .store.queries import date_conditions  # the API's date bounds (a top-level import would be circular)

    clauses: list[str] = ["num_articles >= ?"]
    params: list[Any] = [query.min_articles]
    # A story overlaps the range: still reported on or after `since`, first reported on or before `until`.
    for column, since, until in (("last_published", query.since, None), ("first_published", None, query.until)):
        more, values = date_conditions(column, since, until)
        clauses += more
        params += values
    if query.before_id is not None:
        clauses.append("id < ?")
        params.append(query.before_id)
    sql = f"SELECT {', '.join(_STORY_COLUMNS)} FROM stories WHERE {' AND '.join(clauses)} ORDER BY id DESC"
    if query.limit:
        sql += f" LIMIT {int(query.limit)}"
    for row in conn.execute(sql, params):
        yield dict(zip(_STORY_COLUMNS, row, strict=True))


def get_story(conn: sqlite3.Connection, story_id: int) -> dict[str, Any] | None:
    """One story with its articles (oldest first, with their duplicate link) and its grouped events."""
    row = conn.execute(f"SELECT {', '.join(_STORY_COLUMNS)} FROM stories WHERE id = ?", (story_id,)).fetchone()
    if row is None:
        return None
    story = dict(zip(_STORY_COLUMNS, row, strict=True))
    story["articles"] = [
        {"id": r[0], "title": r[1], "published": r[2], "source": r[3], "url": r[4], "reason": r[5], "via": r[6],
         "score": r[7], "duplicate_of": r[8], "kind": r[9], "jaccard": r[10], "containment": r[11]}
        for r in conn.execute(
            "SELECT a.id, a.title, a.published, a.source, a.url, sa.reason, sa.via, sa.score, d.duplicate_of, d.kind, "
            "d.jaccard, d.containment FROM story_articles sa JOIN articles a ON a.id = sa.article_id "
            "LEFT JOIN duplicates d ON d.article_id = sa.article_id WHERE sa.story_id = ? "
            "ORDER BY sa.published, a.rowid", (story_id,),
        )
    ]
    story["events"] = list(list_story_events(conn, StoryEventQuery(story_id=story_id, limit=None)))
    return story


_EVENT_COLUMNS = ("id", "story_id", "type", "source_country", "target_country", "place", "date", "flags",
                  "num_mentions", "num_sources", "num_articles", "first_event_id")


def list_story_events(conn: sqlite3.Connection, query: StoryEventQuery = StoryEventQuery()) -> Iterator[dict[str, Any]]:
    """Grouped events, newest group first (ids descend), each with the ids of the events it groups."""
    from .store.queries import date_conditions

    clauses: list[str] = ["num_articles >= ?"]
    params: list[Any] = [query.min_articles]
    if query.story_id is not None:
        clauses.append("story_id = ?")
        params.append(query.story_id)
    if query.type:
        clauses.append("type = ?")
        params.append(query.type.upper())
    if query.country:
        # Countries are stored ';'-joined when an event has several actors.
        clauses.append("(';' || source_country || ';' LIKE ? OR ';' || target_country || ';' LIKE ? OR place = ?)")
        code = query.country.upper()
        params += [f"%;{code};%", f"%;{code};%", code]
    more, values = date_conditions("date", query.since, query.until)
    clauses += more
    params += values
    if query.before_id is not None:
        clauses.append("id < ?")
        params.append(query.before_id)
    sql = f"SELECT {', '.join(_EVENT_COLUMNS)} FROM story_events WHERE {' AND '.join(clauses)} ORDER BY id DESC"
    if query.limit:
        sql += f" LIMIT {int(query.limit)}"
    for row in conn.execute(sql, params).fetchall():
        item = dict(zip(_EVENT_COLUMNS, row, strict=True))
        members = conn.execute(
            "SELECT event_id, article_id, duplicate FROM story_event_members WHERE story_event_id = ? "
            "ORDER BY rowid", (item["id"],),
        ).fetchall()
        item["event_ids"] = [m[0] for m in members]
        item["article_ids"] = list(dict.fromkeys(m[1] for m in members))
        yield item


def article_story(conn: sqlite3.Connection, article_id: str) -> dict[str, Any] | None:
    """An article's story and duplicate link: {"story_id", "reason", "via", "score", "duplicate_of", "matched",
    "kind", "jaccard", "containment"} (the last five None when it is not a duplicate), or None if not indexed."""
    row = conn.execute(
        "SELECT sa.story_id, sa.reason, sa.via, sa.score, d.duplicate_of, d.matched, d.kind, d.jaccard, d.containment "
        "FROM story_articles sa LEFT JOIN duplicates d ON d.article_id = sa.article_id WHERE sa.article_id = ?",
        (article_id,),
    ).fetchone()
    if row is None:
        return None
    keys = ("story_id", "reason", "via", "score", "duplicate_of", "matched", "kind", "jaccard", "containment")
    return dict(zip(keys, tuple(row), strict=True))

