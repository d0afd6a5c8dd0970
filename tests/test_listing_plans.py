"""Both backends serve every keyset listing from an index in page order, never by sorting the rows.

The pages sort ``x DESC NULLS LAST, rowid DESC NULLS LAST`` (SQLite's NULL placement, kept on both backends); a
backward scan of an ascending PostgreSQL index gives NULLS FIRST, so without indexes in the pages' own order page 1
of a million events was a full sort (442 ms, docs/performance.md). With sorting disabled for the planner, a plan
that still sorts means no index gives the order.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from eventwire.store import open_store
from eventwire.store import queries as q

LISTINGS = {
    "events, no filter": lambda c: q.list_events(c, q.EventFilter()),
    "events of a type": lambda c: q.list_events(c, q.EventFilter(types=("ASSAULT",))),
    "events of a quad class in a month": lambda c: q.list_events(
        c, q.EventFilter(quad_classes=(4,), since="2026-01-01", until="2026-01-31")),
    "events at a place": lambda c: q.list_events(c, q.EventFilter(place="Tripoli")),
    "events of a country": lambda c: q.list_events(c, q.EventFilter(country="LBY")),
    "events of a type in a country": lambda c: q.list_events(c, q.EventFilter(types=("ASSAULT",), country="LBY")),
    "events of an ACLED type": lambda c: q.list_events(c, q.EventFilter(acled_types=("Battles",))),
    "articles": lambda c: q.list_articles(c, q.ArticleFilter()),
    "articles of an outlet": lambda c: q.list_articles(c, q.ArticleFilter(source="Wire")),
}

# Listings whose plan must name one index (the others may take any that gives the order).
INDEX = {"events of a type in a country": "event_countries_type"}


@pytest.mark.parametrize("listing", sorted(LISTINGS))
def test_pg_listing_pages_are_read_in_index_order(pg_url: str, listing: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from eventwire.store.postgres import Connection

    seen: list[tuple[str, Any]] = []
    execute = Connection.execute

    def recording(self: Connection, statement: str, params: Any = ()) -> Any:
        if "ORDER BY" in statement and "LIMIT" in statement:
            seen.append((self.sql(statement, isinstance(params, dict)), params))
        return execute(self, statement, params)

    with open_store(pg_url) as store:
        monkeypatch.setattr(Connection, "execute", recording)
        LISTINGS[listing](store.conn)
        monkeypatch.setattr(Connection, "execute", execute)
        assert seen, "the listing ran no keyset query"
        raw = store.conn.raw
        raw.execute("SET enable_sort = off")
        for sql, params in seen:
            plan = "\n".join(r[0] for r in raw.execute("EXPLAIN " + sql, params or None))
            assert "Sort" not in plan, f"{listing}: sorted instead of reading an index in order:\n{sql}\n{plan}"
            assert INDEX.get(listing, "") in plan, plan


@pytest.mark.parametrize("listing", sorted(LISTINGS))
def test_sqlite_listing_pages_are_read_in_index_order(tmp_path: Any, listing: str) -> None:
    """The same on SQLite: no temporary b-tree for ORDER BY (sqlite3 traces each statement with its values)."""
    seen: list[str] = []
    with open_store(tmp_path / "a.db") as store:
        store.conn.set_trace_callback(lambda sql: seen.append(sql) if "ORDER BY" in sql and "LIMIT" in sql else None)
        LISTINGS[listing](store.conn)
        store.conn.set_trace_callback(None)
        assert seen, "the listing ran no keyset query"
        for sql in seen:
            plan = "\n".join(r[-1] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql))
            assert "TEMP B-TREE FOR ORDER BY" not in plan, f"{listing}: sorted instead of reading an index:\n{sql}\n{plan}"
            assert INDEX.get(listing, "") in plan, plan


STATS = {  # counts over a date range, with and without one country: a range of the counts' primary key
    "days of all countries": lambda c: q.stats(c, q.EventFilter(since="2026-01-01", until="2026-03-31"), "day",
                                               "quad_class"),
    "months of a country": lambda c: q.stats(c, q.EventFilter(country="LBY", since="2025-01-01", until="2025-12-31"),
                                             "month", "type"),
}


@pytest.mark.parametrize("name", sorted(STATS))
def test_sqlite_stats_read_a_country_and_period_range(tmp_path: Any, name: str) -> None:
    """The period bounds are part of the primary-key search, not a filter over every period of the country."""
    seen: list[str] = []
    with open_store(tmp_path / "a.db") as store:
        store.conn.set_trace_callback(lambda sql: seen.append(sql) if "event_counts_" in sql else None)
        STATS[name](store.conn)
        store.conn.set_trace_callback(None)
        assert seen, "no query of the kept counts"
        for sql in seen:
            plan = "\n".join(r[-1] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql))
            assert re.search(r"PRIMARY KEY \(country=\? AND (day|month)>\? AND (day|month)<\?\)", plan), plan
