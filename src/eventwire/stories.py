"""Stories: near-duplicate articles found at ingest time, articles about one happening grouped into a story, and
the events of a story counted once with their mentions, sources and articles (GDELT's counts, de-duplicated).

Near-duplicates: the signatures and checks of near_duplicates.py, with their LSH band buckets kept in the
database; candidates are screened on their signatures and verified on the exact shingles of their stored text.
``StoryIndexer.add`` runs inside the store's write transaction and reads a bounded number of indexed rows per
article, so the millionth article costs what the first did. The pure parts are plain functions.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from .near_duplicates import (
    Fingerprint,
    Similarity,
    StorySettings,
    band_buckets,
    exact_similarity,
    fingerprint,
    is_near_duplicate,
    shingle_hashes,
    shingles,
    similarity,
    worth_checking,
)
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


# -- pure parts -----------------------------------------------------------------------------------------------------


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

