"""benchmarks/api_latency.py bulk-loads its database (triggers and indexes dropped, derived tables filled at once,
both restored): the result must be the database the store's triggers would have kept row by row."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path
from types import ModuleType

from eventwire.store import open_store

ROOT = Path(__file__).resolve().parents[1]
DERIVED = ("SELECT country, date, event_rowid FROM event_countries ORDER BY 1, 2, 3",
           "SELECT country, day, type, quad_class, n FROM event_counts_day WHERE n > 0 ORDER BY 1, 2, 3, 4",
           "SELECT country, month, type, quad_class, n FROM event_counts_month WHERE n > 0 ORDER BY 1, 2, 3, 4",
           "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'ceasefire' ORDER BY rowid",
           "SELECT type, name FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY 1, 2")


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("api_latency", ROOT / "benchmarks" / "api_latency.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bulk_generation_equals_the_triggers(tmp_path: Path) -> None:
    bench = _bench()
    bulk = tmp_path / "bulk.db"
    bench.generate(bulk, 2_000)
    by_row = tmp_path / "rows.db"
    open_store(by_row).close()
    with sqlite3.connect(by_row, isolation_level=None) as conn:
        bench._insert_rows(conn, 2_000, 7, 5)  # same rows, through the triggers
    with sqlite3.connect(bulk) as a, sqlite3.connect(by_row) as b:
        assert a.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 2_000
        for sql in DERIVED:
            assert a.execute(sql).fetchall() == b.execute(sql).fetchall(), sql
        assert a.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    open_store(bulk).close()  # the store accepts it as its own
