"""SQLite backend: one write path (batched transactions), versioned migrations, WAL mode, FTS5 text search.

An article is stored with all its layers in the same transaction, so a killed process leaves either the whole
article or none of it; ingesting it again is a no-op.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Self

from ..errors import StoreError
from ..records import Actor, Document, Event
from ..stories import (
    StoryEventQuery,
    StoryIndexer,
    StoryQuery,
    article_story,
    get_story,
    list_stories,
    list_story_events,
)
from .queries import ArticleFilter, EventFilter, article_conditions, event_conditions, event_dicts, stored_document

DEFAULT_DB = "eventwire.db"
# How long one statement waits for another process's lock, and how many such waits before giving up: a writer holds
# the lock for one batch (milliseconds), a migration building indexes on a big database for minutes.
BUSY_TIMEOUT_MS = 10_000
BUSY_RETRIES = 30


@dataclass(frozen=True)
class Query:
    """Filters shared by the article and event listings. Dates are ISO strings, bounds inclusive."""

    since: str | None = None
    until: str | None = None
    source: str | None = None
    search: str | None = None
    type: str | None = None
    country: str | None = None
    limit: int | None = None
    acled_type: str | None = None
    acled_sub_type: str | None = None


@dataclass
class WriteResult:
    stored: int = 0
    existing: int = 0
    events: int = 0


def _migrations() -> list[tuple[int, str, str]]:
    folder = resources.files("eventwire.store") / "migrations"
    found = []
    for item in folder.iterdir():
        name = item.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, item.read_text(encoding="utf-8")))
    return sorted(found)


def open_store(path: str | Path = DEFAULT_DB, *, dedup: bool = True) -> SQLiteStore:
    return SQLiteStore(path, dedup=dedup)


class SQLiteStore:
    """An eventwire database in one SQLite file (or ":memory:")."""

    def __init__(self, path: str | Path = DEFAULT_DB, *, dedup: bool = True) -> None:
        self.path = str(path)
        # Near-duplicates and stories are indexed in the write transaction of each article (stories.py).
        self.story_indexer = StoryIndexer() if dedup else None
        try:
            if self.path != ":memory:" and not Path(self.path).parent.exists():
                raise StoreError(f"--db {self.path}: folder {Path(self.path).parent} does not exist")
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
            self.conn.row_factory = sqlite3.Row
            # The busy timeout comes first: switching a new file to WAL takes a lock another process may hold.
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _retry_busy(lambda: self.conn.execute("PRAGMA journal_mode = WAL"))
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.migrate()
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise StoreError(f"--db {self.path}: the database stayed locked by another process for "
                                 f"{BUSY_RETRIES * BUSY_TIMEOUT_MS // 1000} s; try again") from None
            raise StoreError(f"--db {self.path}: not an eventwire SQLite database ({exc})") from None
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"--db {self.path}: not an eventwire SQLite database ({exc})") from None

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema -------------------------------------------------------------------------------------------------

    @property
    def version(self) -> int:
        exists = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        ).fetchone()
        if not exists:
            return 0
        row = self.conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    def migrate(self) -> None:
        """Apply the migrations this database has not seen, each in its own transaction.

        Safe when several processes open a new database at once: each migration takes the write lock (BEGIN
        IMMEDIATE) and reads the schema version again under it, so exactly one process applies it and the others see
        it applied. A database already up to date is checked without taking the lock (readers never wait here)."""
        migrations = _migrations()
        newest = migrations[-1][0] if migrations else 0
        current = self.version
        if current == newest:
            return
        if current > newest:
            self._check_version(current, newest)
        for version, name, sql in migrations:
            with self._transaction():
                current = self.version
                self._check_version(current, newest)
                if version <= current:
                    continue
                self.conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)"
                )
                for statement in _split_sql(sql):
                    self.conn.execute(statement)
                self.conn.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, datetime.now(UTC).isoformat())
                )

    def _check_version(self, current: int, newest: int) -> None:
        if current > newest:
            raise StoreError(
                f"--db {self.path}: schema version {current} is newer than this eventwire knows ({newest}); upgrade eventwire"
            )
        if current == 0 and self._has_foreign_tables():
            raise StoreError(f"--db {self.path}: holds tables that are not eventwire's; choose another file")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction, taken at once (no lock upgrade later); rolled back on any error or interrupt."""
        _retry_busy(lambda: self.conn.execute("BEGIN IMMEDIATE"))
        try:
            yield
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def _has_foreign_tables(self) -> bool:
        rows = self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        return any(not r[0].startswith("sqlite_") for r in rows)

    # -- writing ------------------------------------------------------------------------------------------------

    def contains(self, article_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def write(self, documents: Iterable[Document], batch_size: int = 50) -> Iterator[WriteResult]:
        """Store documents, committing every ``batch_size``; yields the running totals after each commit."""
        result = WriteResult()
        batch: list[Document] = []
        for doc in documents:
            batch.append(doc)
            if len(batch) >= batch_size:
                self._write_batch(batch, result)
                batch = []
                yield result
        if batch:
            self._write_batch(batch, result)
        yield result

    def _write_batch(self, batch: list[Document], result: WriteResult) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._transaction():
            for doc in batch:
                if self._insert_document(doc, now):
                    result.stored += 1
                    result.events += len(doc.events)
                else:
                    result.existing += 1

    def _insert_document(self, doc: Document, now: str) -> bool:
        a = doc.article
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO articles (id, title, published, published_from, url, source, author, text, "
            "origin_path, origin_line, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (a.id, a.title, a.published, a.published_from, a.url, a.source, a.author, a.text,
             a.origin.path if a.origin else None, a.origin.line if a.origin else None, now),
        )
        if cur.rowcount == 0:
            return False
        ex = self.conn.executemany
        ex("INSERT INTO captions VALUES (?, ?, ?, ?)", [(a.id, i, c.text, c.credit) for i, c in enumerate(a.captions)])
        ex('INSERT INTO entities (article_id, start, "end", label, text) VALUES (?, ?, ?, ?, ?)',
           [(a.id, m.start, m.end, m.label, m.text) for m in doc.entities])
        ex('INSERT INTO actors (article_id, start, "end", text, name, country, sector, code, entity) '
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
           [(a.id, x.start, x.end, x.text, x.name, x.country, x.sector, x.code, x.id) for x in doc.actors])
        ex('INSERT INTO places (article_id, start, "end", text, name, country, admin1, lat, lon, geonames_id, feature, '
           "field) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           [(a.id, p.start, p.end, p.text, p.name, p.country, p.admin1, p.lat, p.lon, p.geonames_id, p.feature,
             p.field) for p in doc.places])
        ex('INSERT INTO dates (article_id, start, "end", text, value, precision, type) VALUES (?, ?, ?, ?, ?, ?, ?)',
           [(a.id, t.start, t.end, t.text, t.value, t.precision, t.type) for t in doc.dates])
        ex('INSERT INTO quotes (article_id, start, "end", text, kind, cue, cue_start, cue_end, speaker_text, '
           "speaker_name, speaker_country, speaker_sector, speaker_code, speaker_start, speaker_end) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           [(a.id, q.start, q.end, q.text, q.kind, q.cue, q.cue_start, q.cue_end,
             *(_speaker(q.speaker))) for q in doc.quotes])
        for position, event in enumerate(doc.events):
            self._insert_event(a.id, position, event)
        if self.story_indexer is not None:
            self.story_indexer.add(self.conn, doc, now)
        return True

    def _insert_event(self, article_id: str, position: int, e: Event) -> None:
        event_id = f"{article_id}-{position}"
        p = e.place
        self.conn.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?, ?, ?, ?, ?, ?)",
            (event_id, article_id, position, e.type, e.mode, e.cameo, e.quad_class, int(e.negated),
             int(e.hypothetical), int(e.future), e.confidence, e.date, e.date_precision,
             e.sentence.start, e.sentence.end, e.sentence.text, e.sentence.field,
             e.trigger.start, e.trigger.end, e.trigger.text, e.trigger.field,
             p.text if p else None, p.start if p else None, p.end if p else None, p.name if p else None,
             p.country if p else None, p.admin1 if p else None, p.lat if p else None, p.lon if p else None,
             p.geonames_id if p else None, p.feature if p else None,
             json.dumps([dataclasses.asdict(m) for m in e.mentions]), e.acled_type, e.acled_sub_type),
        )
        self.conn.executemany(
            'INSERT INTO event_actors (event_id, role, position, text, name, country, sector, code, start, "end", '
            "entity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(event_id, role, i, x.text, x.name, x.country, x.sector, x.code, x.start, x.end, x.id)
             for role, actors in (("source", e.source), ("target", e.target)) for i, x in enumerate(actors)],
        )

    # -- reading ------------------------------------------------------------------------------------------------

    def count(self, table: str) -> int:
        if table not in {"articles", "events", "entities", "actors", "places", "dates", "quotes", "captions"}:
            raise ValueError(table)
        return int(self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    def articles(self, query: Query = Query()) -> Iterator[dict[str, Any]]:
        """Stored articles, newest first, as dicts with their captions."""
        where, params = article_conditions(ArticleFilter(query.since, query.until, query.source, query.search))
        sql = (
            "SELECT a.id, a.title, a.published, a.published_from, a.url, a.source, a.author, a.text, "
            "a.origin_path, a.origin_line, a.ingested_at, "
            "(SELECT COUNT(*) FROM events e WHERE e.article_id = a.id) AS events "
            f"FROM articles a {_where(where)} ORDER BY a.published DESC, a.rowid"
        )
        if query.limit:
            sql += f" LIMIT {int(query.limit)}"
        for row in self.conn.execute(sql, params):
            item = dict(row)
            item["captions"] = [
                {"text": c["text"], "credit": c["credit"]}
                for c in self.conn.execute(
                    "SELECT text, credit FROM captions WHERE article_id = ? ORDER BY position", (row["id"],)
                )
            ]
            yield item

    def events(self, query: Query = Query()) -> Iterator[dict[str, Any]]:
        """Stored events in the export row shape: {"id", "article": {...}, **asdict(Event)}."""
        f = EventFilter(types=(query.type,) if query.type else (), country=query.country, since=query.since,
                        until=query.until, search=query.search, source=query.source,
                        acled_types=(query.acled_type,) if query.acled_type else (),
                        acled_sub_types=(query.acled_sub_type,) if query.acled_sub_type else ())
        where, params = event_conditions(f, date_column="COALESCE(e.date, a.published)")
        sql = (
            "SELECT e.*, a.title AS a_title, a.published AS a_published, a.url AS a_url, a.source AS a_source "
            "FROM events e JOIN articles a ON a.id = e.article_id"
            + f" {_where(where)}"
            + " ORDER BY COALESCE(e.date, a.published) DESC, e.article_id, e.position"
        )
        if query.limit:
            sql += f" LIMIT {int(query.limit)}"
        cursor = self.conn.execute(sql, params)
        while rows := cursor.fetchmany(500):
            yield from event_dicts(self.conn, rows)

    def stories(self, query: StoryQuery | None = None) -> Iterator[dict[str, Any]]:
        """Stories, newest first (see docs/stories.md for the shape)."""
        return list_stories(self.conn, query or StoryQuery())

    def story(self, story_id: int) -> dict[str, Any] | None:
        """One story with its articles and grouped events, or None."""
        return get_story(self.conn, story_id)

    def story_events(self, query: StoryEventQuery | None = None) -> Iterator[dict[str, Any]]:
        """Events grouped per story and happening, with num_mentions / num_sources / num_articles."""
        return list_story_events(self.conn, query or StoryEventQuery())

    def article_story(self, article_id: str) -> dict[str, Any] | None:
        """An article's story and, for a near-duplicate, the article it copies."""
        return article_story(self.conn, article_id)

    def index_stories(self, batch_size: int = 200) -> int:
        """Put the articles stored without duplicate detection (``ingest --no-dedup``) into the duplicate index and
        their stories, in the order they were stored, as if ingested now; one transaction per batch. Returns how
        many were indexed."""
        indexer = self.story_indexer or StoryIndexer()
        todo = [r[0] for r in self.conn.execute(
            "SELECT id FROM articles a WHERE NOT EXISTS (SELECT 1 FROM story_articles s WHERE s.article_id = a.id) "
            "ORDER BY rowid")]
        for i in range(0, len(todo), batch_size):
            now = datetime.now(UTC).isoformat(timespec="seconds")
            with self._transaction():
                for article_id in todo[i:i + batch_size]:
                    doc = stored_document(self.conn, article_id)
                    if doc is not None:
                        indexer.add(self.conn, doc, now)
        return len(todo)


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _retry_busy(step: Callable[[], object]) -> None:
    """Run ``step``, again after each "database is locked" (each try already waited the busy timeout), at most
    BUSY_RETRIES times: no lock held by another writer reaches the user as an error unless it outlasts them all."""
    for attempt in range(BUSY_RETRIES):
        try:
            step()
            return
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or attempt == BUSY_RETRIES - 1:
                raise
            time.sleep(0.01 * (attempt + 1))


def _speaker(actor: Actor | None) -> tuple[Any, ...]:
    if actor is None:
        return (None,) * 7
    return (actor.text, actor.name, actor.country, actor.sector, actor.code, actor.start, actor.end)


def _where(conditions: list[str]) -> str:
    return "WHERE " + " AND ".join(conditions) if conditions else ""


def _split_sql(sql: str) -> list[str]:
    """Statements of a migration file; trigger bodies keep their inner semicolons."""
    statements, current = [], []
    in_trigger = False
    for line in sql.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("--"):
            continue
        current.append(line)
        upper = stripped.upper()
        if upper.startswith("CREATE TRIGGER"):
            in_trigger = True
        if (in_trigger and upper.startswith("END;")) or (not in_trigger and stripped.endswith(";")):
            statements.append("\n".join(current))
            current = []
            in_trigger = False
    if current:
        statements.append("\n".join(current))
    return statements
