"""The 1,000,000-event benchmark database is generated in bulk (triggers off, counts rebuilt in one pass): on a few
thousand events it must hold exactly what the per-row triggers would have kept, on SQLite and on PostgreSQL."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from api_latency import COUNT_TABLES, check_counts, generate

from eventwire.store import open_store


def _tables(db: str) -> dict[str, list[tuple[object, ...]]]:
    with open_store(db) as store:
        return {table: sorted(tuple(r) for r in store.conn.execute(query).fetchall())
                for table, query in COUNT_TABLES.items()}


def test_bench_generate_bulk_equals_triggers(store_db: str, tmp_path: Path) -> None:
    reference = str(tmp_path / "triggers.db")
    generate(reference, 2_000, bulk=False)
    generate(store_db, 2_000)
    check_counts(reference)
    check_counts(store_db)
    assert _tables(store_db) == _tables(reference)
    with open_store(store_db) as store:
        assert store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 2_000
        assert store.conn.execute("SELECT COUNT(*) FROM event_actors").fetchone()[0] == 4_000


def test_bench_generate_triggers_back_after_bulk(store_db: str) -> None:
    generate(store_db, 200)
    with open_store(store_db) as store, store._transaction():
        store.conn.execute("INSERT INTO events (id, article_id, position, type, quad_class, date, place_country) "
                           "VALUES ('extra', 'a0000000', 9, 'AID', 2, '2022-01-05', 'KEN')")
        store.conn.execute("INSERT INTO event_actors (event_id, role, position, text, country) "
                           "VALUES ('extra', 'source', 0, 'x', 'ETH')")
    check_counts(store_db)


def test_bench_generate_sqlite_full_text(tmp_path: Path) -> None:
    bulk, slow = str(tmp_path / "bulk.db"), str(tmp_path / "slow.db")
    generate(bulk, 500)
    generate(slow, 500, bulk=False)
    query = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'ceasefire' ORDER BY rowid"
    found = []
    for db in (bulk, slow):
        with open_store(db) as store:
            found.append([tuple(r) for r in store.conn.execute(query).fetchall()])
    assert found[0] == found[1] != []
