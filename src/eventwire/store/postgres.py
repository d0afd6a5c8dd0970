"""PostgreSQL backend (``--db postgresql://...``, the ``postgres`` extra): the same tables, migrations, write path and
queries as SQLite, over psycopg 3.

The store's SQL is written once (SQLite's dialect) and translated per statement by store/dialect.py; the schema is
migrations_pg/, one twin per SQLite migration with the same number. Layers are bulk-loaded with COPY; an article's
row is inserted with ON CONFLICT DO NOTHING on its content-hash id, so concurrent writers (several Ray workers, two
ingests) store each article once, and a batch that loses a deadlock is retried whole.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from ..errors import EventwireError, StoreError
from ..records import Document
from ..stories import StoryIndexer
from .dialect import translate
from .sqlite import SQLiteStore, WriteResult, _speaker

MISSING = "PostgreSQL support is not installed: pip install 'eventwire[postgres]'"
_LOCK_KEY = 0x6576656E74  # "event": one advisory lock serialises migrations across processes


def is_url(db: object) -> bool:
    return isinstance(db, str) and db.startswith(("postgresql://", "postgres://"))


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise EventwireError(MISSING) from None
    return psycopg


def _migrations() -> list[tuple[int, str, str]]:
    folder = resources.files("eventwire.store") / "migrations_pg"
    found = []
    for item in folder.iterdir():
        name = item.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, item.read_text(encoding="utf-8")))
    return sorted(found)


class Row:
    """A result row read like sqlite3.Row: by position, by column name, iterated as values, and dict(row)."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._values = tuple(values)
        self._index = index

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        return tuple(self) == (tuple(other) if isinstance(other, Row | tuple) else other)

    __hash__ = None  # type: ignore[assignment]

    def keys(self) -> list[str]:
        return list(self._index)


def _row_factory(cursor: Any) -> Any:
    if cursor.description is None:
        return tuple
    index = {d.name: i for i, d in enumerate(cursor.description)}
    return lambda values: Row(values, index)


class Cursor:
    """A psycopg cursor with sqlite3's ``lastrowid`` (an INSERT into a table with an id gets RETURNING id)."""

    def __init__(self, cursor: Any, returning: bool) -> None:
        self._cursor = cursor
        self.lastrowid: int | None = None
        if returning:
            row = cursor.fetchone()
            self.lastrowid = int(row[0]) if row else None

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall())

    def fetchmany(self, size: int) -> list[Any]:
        return list(self._cursor.fetchmany(size))

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cursor)


# Tables whose INSERT reports the new row's id (the stories code reads lastrowid of ``stories``).
_RETURNING = re.compile(r"^\s*INSERT INTO (stories)\b", re.IGNORECASE)


class Connection:
    """A psycopg connection that speaks the store's SQLite-dialect SQL (``execute``/``executemany`` like sqlite3)."""

    dialect = "postgresql"

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        psycopg = _psycopg()
        try:
            self.raw = psycopg.connect(url, autocommit=True, row_factory=_row_factory, connect_timeout=10)
        except psycopg.Error as exc:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(f"--db {redact(url)}: cannot connect to PostgreSQL ({message})") from None
        if read_only:
            self.raw.execute("SET default_transaction_read_only = on")
        self._sql: dict[tuple[str, bool], str] = {}
        self._tables: dict[str, tuple[list[str], list[str]]] = {}

    def table_info(self, table: str) -> tuple[list[str], list[str]]:
        if table not in self._tables:
            columns = [r[0] for r in self.raw.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = %s AND column_name <> 'rowid' AND is_generated = 'NEVER' ORDER BY ordinal_position",
                (table,))]
            key = [r[0] for r in self.raw.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = to_regclass(%s) AND i.indisprimary "
                "ORDER BY array_position(i.indkey, a.attnum)", (table,))]
            self._tables[table] = (columns, key)
        return self._tables[table]

    def sql(self, statement: str, named: bool = False) -> str:
        key = (statement, named)
        if key not in self._sql:
            translated = translate(statement, self.table_info, named)
            if _RETURNING.match(translated) and "RETURNING" not in translated.upper():
                translated += " RETURNING id"
            self._sql[key] = translated
        return self._sql[key]

    def execute(self, statement: str, params: Sequence[Any] | dict[str, Any] = ()) -> Cursor:
        sql = self.sql(statement, isinstance(params, dict))
        cursor = self.raw.execute(sql, params if params else None)
        return Cursor(cursor, "RETURNING id" in sql)

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            with self.raw.cursor() as cursor:
                cursor.executemany(self.sql(statement), rows)

    def script(self, sql: str) -> None:
        """A migration file: many statements, no parameters, run as written (PostgreSQL's own dialect)."""
        self.raw.execute(sql)

    def close(self) -> None:
        self.raw.close()


class PostgresStore(SQLiteStore):
    """An eventwire database in a PostgreSQL database (its current schema, normally ``public``)."""

    def __init__(self, url: str, *, dedup: bool = True) -> None:
        self.path = url
        self.story_indexer = StoryIndexer() if dedup else None
        self.conn = Connection(url)  # type: ignore[assignment]
        self._psycopg = _psycopg()
        try:
            self.migrate()
        except self._psycopg.Error as exc:
            self.conn.close()
            raise StoreError(f"--db {redact(url)}: cannot prepare the database ({_first_line(exc)})") from None

    @property
    def pg(self) -> Connection:
        return self.conn  # type: ignore[return-value]

    # -- schema -------------------------------------------------------------------------------------------------

    @property
    def version(self) -> int:
        if self.pg.raw.execute("SELECT to_regclass('schema_migrations')").fetchone()[0] is None:
            return 0
        row = self.pg.raw.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    def migrate(self) -> None:
        """Apply the migrations this database has not seen, each in its own transaction, one process at a time."""
        migrations = _migrations()
        newest = migrations[-1][0] if migrations else 0
        for version, name, sql in migrations:
            with self.pg.raw.transaction():
                self.pg.raw.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
                current = self.version
                if current > newest:
                    raise StoreError(f"--db {redact(self.path)}: schema version {current} is newer than this "
                                     f"eventwire knows ({newest}); upgrade eventwire")
                if current == 0 and self._has_foreign_tables():
                    raise StoreError(f"--db {redact(self.path)}: holds tables that are not eventwire's; choose "
                                     "another database or schema")
                if version <= current:
                    continue
                self.pg.raw.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                                    "(version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)")
                self.pg.script(sql)
                self.pg.raw.execute("INSERT INTO schema_migrations VALUES (%s, %s, %s)",
                                    (version, name, datetime.now(UTC).isoformat()))
        self.pg._tables.clear()

    def _has_foreign_tables(self) -> bool:
        rows = self.pg.raw.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").fetchall()
        return any(r[0] != "schema_migrations" for r in rows)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self.pg.raw.transaction():
            yield

    # -- writing ------------------------------------------------------------------------------------------------

    def _write_batch(self, batch: list[Document], result: WriteResult) -> None:
        errors = self._psycopg.errors
        for attempt in range(8):
            now = datetime.now(UTC).isoformat(timespec="seconds")
            try:
                with self.pg.raw.transaction():
                    stored = self._copy_batch(batch, now)
                break
            except (errors.DeadlockDetected, errors.SerializationFailure):
                if attempt == 7:
                    raise
                time.sleep(0.05 * (attempt + 1))
        kept = {id(d) for d in stored}
        for doc in batch:
            if id(doc) in kept:
                result.stored += 1
                result.events += len(doc.events)
            else:
                result.existing += 1

    def _copy_batch(self, batch: list[Document], now: str) -> list[Document]:
        """Insert the batch's new articles (a multi-row INSERT ... ON CONFLICT DO NOTHING RETURNING id), COPY their
        layers, then index their stories one by one as SQLite does. Returns the documents stored."""
        raw = self.pg.raw
        rows = [(a.id, a.title, a.published, a.published_from, a.url, a.source, a.author, a.text,
                 a.origin.path if a.origin else None, a.origin.line if a.origin else None, now)
                for a in (d.article for d in batch)]
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
        new = {r[0] for r in raw.execute(
            "INSERT INTO articles (id, title, published, published_from, url, source, author, text, origin_path, "
            f"origin_line, ingested_at) VALUES {values} ON CONFLICT (id) DO NOTHING RETURNING id",
            [v for r in rows for v in r])}
        docs: list[Document] = []
        for doc in batch:  # the first copy of an id within the batch is the one stored
            if doc.article.id in new:
                new.discard(doc.article.id)
                docs.append(doc)
        if not docs:
            return []
        for table, columns, records in _layers(docs):
            if records:
                with raw.cursor().copy(f"COPY {table} ({', '.join(_quoted(columns))}) FROM STDIN") as copy:
                    for record in records:
                        copy.write_row(record)
        if self.story_indexer is not None:
            for doc in docs:
                self.story_indexer.add(self.conn, doc, now)  # type: ignore[arg-type]
        return docs

    def copy_rows(self, table: str, columns: Sequence[str], rows: Iterator[Sequence[Any]]) -> int:
        """COPY rows into a table inside the current transaction; returns how many (used by ``eventwire migrate``)."""
        count = 0
        with self.pg.raw.cursor().copy(f"COPY {table} ({', '.join(_quoted(columns))}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count


def _quoted(columns: Sequence[str]) -> list[str]:
    return [f'"{c}"' for c in columns]


def _layers(docs: list[Document]) -> list[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]]:
    """The layer rows of new documents per table, in the order SQLite's write path inserts them."""
    import dataclasses
    import json

    captions, entities, actors, places, dates, quotes, events, roles = [], [], [], [], [], [], [], []
    for doc in docs:
        a = doc.article
        captions += [(a.id, i, c.text, c.credit) for i, c in enumerate(a.captions)]
        entities += [(a.id, m.start, m.end, m.label, m.text) for m in doc.entities]
        actors += [(a.id, x.start, x.end, x.text, x.name, x.country, x.sector, x.code, x.id) for x in doc.actors]
        places += [(a.id, p.start, p.end, p.text, p.name, p.country, p.admin1, p.lat, p.lon, p.geonames_id,
                    p.feature, p.field) for p in doc.places]
        dates += [(a.id, t.start, t.end, t.text, t.value, t.precision, t.type) for t in doc.dates]
        quotes += [(a.id, q.start, q.end, q.text, q.kind, q.cue, q.cue_start, q.cue_end, *(_speaker(q.speaker)))
                   for q in doc.quotes]
        for position, e in enumerate(doc.events):
            event_id = f"{a.id}-{position}"
            p = e.place
            events.append((
                event_id, a.id, position, e.type, e.mode, e.cameo, e.quad_class, int(e.negated), int(e.hypothetical),
                int(e.future), e.confidence, e.date, e.date_precision, e.sentence.start, e.sentence.end,
                e.sentence.text, e.sentence.field, e.trigger.start, e.trigger.end, e.trigger.text, e.trigger.field,
                p.text if p else None, p.start if p else None, p.end if p else None, p.name if p else None,
                p.country if p else None, p.admin1 if p else None, p.lat if p else None, p.lon if p else None,
                p.geonames_id if p else None, p.feature if p else None,
                json.dumps([dataclasses.asdict(m) for m in e.mentions]), e.acled_type, e.acled_sub_type))
            roles += [(event_id, role, i, x.text, x.name, x.country, x.sector, x.code, x.start, x.end, x.id)
                      for role, group in (("source", e.source), ("target", e.target)) for i, x in enumerate(group)]
    return [
        ("captions", ("article_id", "position", "text", "credit"), captions),
        ("entities", ("article_id", "start", "end", "label", "text"), entities),
        ("actors", ("article_id", "start", "end", "text", "name", "country", "sector", "code", "entity"), actors),
        ("places", ("article_id", "start", "end", "text", "name", "country", "admin1", "lat", "lon", "geonames_id",
                    "feature", "field"), places),
        ("dates", ("article_id", "start", "end", "text", "value", "precision", "type"), dates),
        ("quotes", ("article_id", "start", "end", "text", "kind", "cue", "cue_start", "cue_end", "speaker_text",
                    "speaker_name", "speaker_country", "speaker_sector", "speaker_code", "speaker_start",
                    "speaker_end"), quotes),
        ("events", EVENT_COLUMNS, events),
        ("event_actors", ("event_id", "role", "position", "text", "name", "country", "sector", "code", "start", "end",
                          "entity"), roles),
    ]


EVENT_COLUMNS = (
    "id", "article_id", "position", "type", "mode", "cameo", "quad_class", "negated", "hypothetical", "future",
    "confidence", "date", "date_precision", "sentence_start", "sentence_end", "sentence_text", "sentence_field",
    "trigger_start", "trigger_end", "trigger_text", "trigger_field", "place_text", "place_start", "place_end",
    "place_name", "place_country", "place_admin1", "place_lat", "place_lon", "place_geonames_id", "place_feature",
    "mentions", "acled_type", "acled_sub_type",
)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class Readers:
    """One read-only connection per thread, for the web API (PostgreSQL's twin of web/app.py's SQLite readers)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = threading.local()
        self.write_lock = threading.Lock()

    def read(self) -> Connection:
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = Connection(self.url, read_only=True)
            self._local.conn = conn
        return conn
