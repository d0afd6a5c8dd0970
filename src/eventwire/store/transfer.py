"""``eventwire migrate``: copy a SQLite eventwire database into PostgreSQL, table by table with COPY.

Both schemas are brought to the newest version first, so every column has its twin. The target must hold no
articles yet (a half-done copy is rolled back whole: it is one transaction). Rows go in their SQLite rowid order,
so ties in every listing break the same way; the kept event counts are rebuilt by the target's own triggers as the
events arrive, and the id sequences continue after the copied ids.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import StoreError
from .postgres import PostgresStore, redact
from .sqlite import SQLiteStore

# Parents before children (foreign keys), events before their actors (the count triggers read the event).
TABLES = ("articles", "captions", "entities", "actors", "places", "dates", "quotes", "events", "event_actors",
          "stories", "article_fingerprints", "lsh_buckets", "duplicates", "story_articles", "story_events",
          "story_event_members")
# Kept by triggers on the target, or SQLite's own machinery: never copied.
DERIVED = {"event_counts_day", "event_counts_month", "event_countries", "schema_migrations"}
IDENTITY = {"entities": "id", "actors": "id", "places": "id", "dates": "id", "quotes": "id", "stories": "id",
            "story_events": "id", "articles": "rowid", "events": "rowid", "event_actors": "rowid",
            "story_event_members": "rowid"}


@dataclass
class Transfer:
    rows: dict[str, int] = field(default_factory=dict)


def migrate_sqlite_to_postgres(source: str | Path, target: str,
                               on_table: Callable[[str, int], None] | None = None) -> Transfer:
    """Copy every eventwire table of SQLite file ``source`` into the PostgreSQL store at URL ``target``."""
    if not Path(source).is_file():
        raise StoreError(f"--from {source}: no such SQLite database")
    SQLiteStore(source, dedup=False).close()  # refuses foreign or newer files, and upgrades an older one
    src = sqlite3.connect(f"file:{Path(source).resolve()}?mode=ro", uri=True)
    done = Transfer()
    try:
        with PostgresStore(target, dedup=False) as store:
            if store.count("articles"):
                raise StoreError(f"--to {redact(target)}: already holds articles; migrate into an empty database")
            tables = {r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            unknown = sorted(tables - set(TABLES) - DERIVED - {t for t in tables if t.startswith(("sqlite_",
                                                                                                   "articles_fts"))})
            if unknown:
                raise StoreError(f"--from {source}: table {unknown[0]} has no PostgreSQL twin in this eventwire")
            with store.pg.raw.transaction():
                for table in TABLES:
                    if table not in tables:
                        continue
                    columns = [r[1] for r in src.execute(f"PRAGMA table_info({table})")]
                    target_columns, _ = store.pg.table_info(table)
                    missing = [c for c in columns if c not in target_columns]
                    if missing:
                        raise StoreError(f"--to {redact(target)}: table {table} has no column {missing[0]}")
                    names = list(columns)
                    select = ", ".join(f'"{c}"' for c in columns)
                    if table in IDENTITY and IDENTITY[table] == "rowid":
                        names.append("rowid")
                        select += ", rowid"
                    order = "rowid" if _has_rowid(src, table) else "1"
                    rows = _rows(src.execute(f"SELECT {select} FROM {table} ORDER BY {order}"))
                    count = store.copy_rows(table, names, rows)
                    done.rows[table] = count
                    if on_table:
                        on_table(table, count)
                for table, column in IDENTITY.items():
                    store.pg.raw.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                        f"COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)")
    finally:
        src.close()
    return done


def _has_rowid(conn: sqlite3.Connection, table: str) -> bool:
    try:
        conn.execute(f"SELECT rowid FROM {table} LIMIT 1")
    except sqlite3.OperationalError:  # WITHOUT ROWID
        return False
    return True


def _rows(cursor: sqlite3.Cursor) -> Iterator[tuple[Any, ...]]:
    while batch := cursor.fetchmany(2000):
        yield from batch
