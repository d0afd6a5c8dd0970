"""The store: articles and all their layers in a database, behind one interface.

SQLite (embedded, the default) lives in store/sqlite.py; its schema is versioned by the numbered SQL migrations in
store/migrations/, applied in order when a database is opened. PostgreSQL (``postgresql://`` URLs, the ``postgres``
extra) lives in store/postgres.py with one twin per migration in store/migrations_pg/ (same number, same tables);
it runs the same queries, translated by store/dialect.py. A new migration needs both files.
"""

from __future__ import annotations

from pathlib import Path

from .postgres import PostgresStore, is_url
from .sqlite import DEFAULT_DB, Query, SQLiteStore, WriteResult

__all__ = ["DEFAULT_DB", "PostgresStore", "Query", "SQLiteStore", "WriteResult", "is_url", "open_store"]


def open_store(db: str | Path = DEFAULT_DB, *, dedup: bool = True) -> SQLiteStore:
    """The store at ``db``: a SQLite file (or ":memory:"), or a ``postgresql://`` URL."""
    if is_url(db):
        return PostgresStore(str(db), dedup=dedup)
    return SQLiteStore(db, dedup=dedup)
