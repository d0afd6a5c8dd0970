"""The store: articles and all their layers in a database, behind one interface.

SQLite (embedded, the default) lives in store/sqlite.py; the schema is versioned by the numbered SQL migrations in
store/migrations/, applied in order when a database is opened.
"""

from __future__ import annotations

from .sqlite import DEFAULT_DB, Query, SQLiteStore, WriteResult, open_store

__all__ = ["DEFAULT_DB", "Query", "SQLiteStore", "WriteResult", "open_store"]
