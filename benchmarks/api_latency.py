"""Latency of the HTTP API and first render of the page over a database of 1,000,000 generated events.

    python benchmarks/api_latency.py [--db /tmp/eventwire-bench.db | --db postgresql://... | --pg-local]
        [--events 1000000] [--requests 270] [--clients 1,8] [--serve N] [--check] [--page]

Generates the database (SQLite once, reused; PostgreSQL each run with --pg-local, a throwaway durable cluster) in
bulk through the store's own schema, so no spaCy: the insert triggers are off during the load (executemany in one
transaction for SQLite, COPY for PostgreSQL) and what they maintain (full-text index, per-day and per-month event
counts) is rebuilt in one pass at the end, then the triggers are back. ``--check`` asserts the count tables equal a
GROUP BY over the events. It then times in-process requests (httpx over ASGI, no network) to ``/events`` with
realistic filter mixes and to ``/stats``, each request with different filter values so no answer is reused, from 1 or
more concurrent clients, and prints median and p95 per query kind. With ``--serve N`` the requests go over TCP
to ``eventwire serve --workers N`` started as a child process, from one client process per client (they share
the machine's cores with the server). With ``--page`` it also starts the server on
127.0.0.1 and measures, in headless Chromium, the time from navigation until the page has drawn map, timeline,
network and table (the page's own ``data-ready`` mark).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from eventwire.store import open_store
from eventwire.store.postgres import is_url

# type -> quad class, as PLOVER groups them (1 verbal cooperation, 2 material cooperation, 3 verbal conflict,
# 4 material conflict); weights roughly as news reports them.
TYPES: list[tuple[str, int, float]] = [
    ("CONSULT", 1, 14), ("AGREE", 1, 8), ("SUPPORT", 1, 6), ("REQUEST", 1, 7), ("COOPERATE", 2, 5),
    ("AID", 2, 4), ("CONCEDE", 2, 2), ("RETREAT", 2, 1), ("ACCUSE", 3, 9), ("REJECT", 3, 5), ("THREATEN", 3, 4),
    ("PROTEST", 3, 6), ("SANCTION", 4, 3), ("COERCE", 4, 5), ("MOBILIZE", 4, 2), ("ASSAULT", 4, 10),
]
# ISO3, a city and its coordinates: the places events happen at.
COUNTRIES: list[tuple[str, str, float, float]] = [
    ("USA", "Washington", 38.90, -77.04), ("GBR", "London", 51.51, -0.13), ("FRA", "Paris", 48.86, 2.35),
    ("DEU", "Berlin", 52.52, 13.40), ("RUS", "Moscow", 55.76, 37.62), ("UKR", "Kyiv", 50.45, 30.52),
    ("CHN", "Beijing", 39.90, 116.40), ("IND", "New Delhi", 28.61, 77.21), ("PAK", "Islamabad", 33.68, 73.05),
    ("AFG", "Kabul", 34.53, 69.17), ("IRN", "Tehran", 35.69, 51.39), ("IRQ", "Baghdad", 33.31, 44.36),
    ("SYR", "Damascus", 33.51, 36.28), ("ISR", "Jerusalem", 31.77, 35.21), ("EGY", "Cairo", 30.04, 31.24),
    ("LBY", "Tripoli", 32.89, 13.19), ("SDN", "Khartoum", 15.50, 32.56), ("ETH", "Addis Ababa", 9.03, 38.74),
    ("KEN", "Nairobi", -1.29, 36.82), ("NGA", "Abuja", 9.08, 7.40), ("ZAF", "Pretoria", -25.75, 28.19),
    ("COD", "Kinshasa", -4.44, 15.27), ("MLI", "Bamako", 12.64, -8.00), ("SOM", "Mogadishu", 2.05, 45.32),
    ("YEM", "Sanaa", 15.37, 44.19), ("SAU", "Riyadh", 24.71, 46.68), ("TUR", "Ankara", 39.93, 32.86),
    ("BRA", "Brasilia", -15.79, -47.88), ("MEX", "Mexico City", 19.43, -99.13), ("COL", "Bogota", 4.71, -74.07),
    ("VEN", "Caracas", 10.48, -66.90), ("ARG", "Buenos Aires", -34.60, -58.38), ("JPN", "Tokyo", 35.68, 139.69),
    ("KOR", "Seoul", 37.57, 126.98), ("PRK", "Pyongyang", 39.04, 125.76), ("MMR", "Naypyidaw", 19.76, 96.08),
    ("PHL", "Manila", 14.60, 120.98), ("IDN", "Jakarta", -6.21, 106.85), ("AUS", "Canberra", -35.28, 149.13),
    ("CAN", "Ottawa", 45.42, -75.70),
]
SECTORS = ["GOV", "MIL", "REB", "COP", "JUD", "LEG", "PTY", "OPP", "CVL", "BUS", "MED", "REL"]
WORDS = ["talks", "ceasefire", "border", "election", "protest", "minister", "army", "rebels", "court", "parliament", "aid", "sanctions", "strike", "convoy", "refugees", "summit", "treaty", "police", "opposition", "militia", "drought", "harbour", "pipeline", "vote"]
START_DAY = 738_000  # 2021-07-29 as a proleptic ordinal: two years of news from there


def _day(ordinal: int) -> str:
    from datetime import date

    return date.fromordinal(ordinal).isoformat()


def _rows(n_events: int, seed: int, per_article: int) -> Iterator[tuple[list[tuple[object, ...]], ...]]:
    """Batches of (article rows, event rows, actor rows), the same for a seed whichever database they go to."""
    rng = random.Random(seed)
    country_weights = [1 / (i + 1) ** 0.9 for i in range(len(COUNTRIES))]  # Zipf-like: some countries dominate
    type_weights = [w for _, _, w in TYPES]
    article_rows: list[tuple[object, ...]] = []
    event_rows: list[tuple[object, ...]] = []
    actor_rows: list[tuple[object, ...]] = []
    made = 0
    for a in range(math.ceil(n_events / per_article)):
        day = _day(START_DAY + int(rng.triangular(0, 730, 600)))
        article_id = f"a{a:07d}"
        words = " ".join(rng.choice(WORDS) for _ in range(40))
        text = f"Reporters described {words}."
        article_rows.append((article_id, f"Report {a}: {rng.choice(WORDS)} {rng.choice(WORDS)}", day,
                             f"https://news.example/{a}", rng.choice(["Wire", "Daily", "Herald", "Courier"]),
                             text, "2024-01-01T00:00:00+00:00"))
        for position in range(min(per_article, n_events - made)):
            etype, quad, _ = rng.choices(TYPES, type_weights)[0]
            iso, city, lat, lon = rng.choices(COUNTRIES, country_weights)[0]
            event_id = f"{article_id}-{position}"
            sentence = text[:120]
            event_rows.append((event_id, article_id, position, etype, "0" + str(quad), quad,
                               round(rng.random(), 2), day, "day", 0, 120, sentence, "text", 20, 30,
                               sentence[20:30], "text", city, 40, 40 + len(city), city, iso,
                               lat + rng.uniform(-1, 1), lon + rng.uniform(-1, 1)))
            for role in ("source", "target"):
                a_iso = iso if rng.random() < 0.7 else rng.choices(COUNTRIES, country_weights)[0][0]
                sector = rng.choice(SECTORS)
                name = f"{a_iso} {sector.lower()} {rng.randrange(40)}"
                actor_rows.append((event_id, role, 0, name, name, a_iso, sector, a_iso + sector))
            made += 1
        if len(event_rows) >= 50_000:
            yield article_rows, event_rows, actor_rows
            article_rows, event_rows, actor_rows = [], [], []
    if article_rows:
        yield article_rows, event_rows, actor_rows


ARTICLE_COLUMNS = ("id", "title", "published", "url", "source", "text", "ingested_at")
EVENT_COLUMNS = ("id", "article_id", "position", "type", "cameo", "quad_class", "confidence", "date",
                 "date_precision", "sentence_start", "sentence_end", "sentence_text", "sentence_field",
                 "trigger_start", "trigger_end", "trigger_text", "trigger_field", "place_text", "place_start",
                 "place_end", "place_name", "place_country", "place_lat", "place_lon")
ACTOR_COLUMNS = ("event_id", "role", "position", "text", "name", "country", "sector", "code")
TABLES = (("articles", ARTICLE_COLUMNS), ("events", EVENT_COLUMNS), ("event_actors", ACTOR_COLUMNS))

# The count tables of migrations 0003 and 0006, rebuilt in one pass once all rows are in: the statements with which the
# migration fills them for the events already stored (the same text in migrations/ and migrations_pg/).
REBUILD_COUNTS = [
    "DELETE FROM event_countries",
    "DELETE FROM event_counts_day",
    "DELETE FROM event_counts_month",
    ("INSERT INTO event_countries (country, date, event_rowid, type) "
     "SELECT k.country, COALESCE(e.date, ''), e.rowid, e.type "
     "FROM event_country_keys k JOIN events e ON e.id = k.event_id WHERE k.country <> ''"),
    ("INSERT INTO event_counts_day (country, day, type, quad_class, n) "
     "SELECT k.country, COALESCE(substr(e.date, 1, 10), ''), e.type, COALESCE(e.quad_class, 0), COUNT(*) "
     "FROM event_country_keys k JOIN events e ON e.id = k.event_id GROUP BY 1, 2, 3, 4"),
    ("INSERT INTO event_counts_month (country, month, type, quad_class, n) "
     "SELECT country, substr(day, 1, 7), type, quad_class, SUM(n) FROM event_counts_day GROUP BY 1, 2, 3, 4"),
]


def generate(db: str | Path, n_events: int, seed: int = 7, per_article: int = 5, bulk: bool = True) -> None:
    """Write ``n_events`` events (``per_article`` per article) with two actors each into a fresh database: a SQLite
    file (replaced) or an empty PostgreSQL database. ``bulk`` loads with the insert triggers off and rebuilds what they
    maintain (full-text index, event counts) in one pass at the end; ``bulk=False`` lets the triggers run per row,
    the slow reference the tests compare the bulk path with."""
    if is_url(db):
        _generate_postgres(str(db), n_events, seed, per_article, bulk)
    else:
        _generate_sqlite(Path(db), n_events, seed, per_article, bulk)


def _generate_sqlite(path: Path, n_events: int, seed: int, per_article: int, bulk: bool) -> None:
    for old in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        old.unlink(missing_ok=True)
    open_store(path).close()  # the schema, exactly as the store creates it
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
                            "('articles', 'events', 'event_actors') ORDER BY name").fetchall() if bulk else []
    for name, _ in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    inserts = [f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
               for table, columns in TABLES]
    for batch in _rows(n_events, seed, per_article):
        for statement, rows in zip(inserts, batch, strict=True):
            conn.executemany(statement, rows)
    if bulk:
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
        for statement in REBUILD_COUNTS:
            conn.execute(statement)
        for _, sql in triggers:
            conn.execute(sql)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


def _generate_postgres(url: str, n_events: int, seed: int, per_article: int, bulk: bool) -> None:
    import psycopg

    open_store(url).close()
    with psycopg.connect(url) as conn:
        if conn.execute("SELECT EXISTS (SELECT 1 FROM events)").fetchone()[0]:
            raise SystemExit(f"Error: --db {url}: already holds events; give an empty database")
        with conn.transaction():
            if bulk:  # USER: the count triggers only; foreign keys are still checked
                for table, _ in TABLES:
                    conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            for batch in _rows(n_events, seed, per_article):
                for (table, columns), rows in zip(TABLES, batch, strict=True):
                    with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
            if bulk:
                for statement in REBUILD_COUNTS:
                    conn.execute(statement)
                for table, _ in TABLES:
                    conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


COUNT_TABLES = {
    "event_countries": "SELECT country, date, event_rowid, type, 1 FROM event_countries",
    "event_counts_day": "SELECT country, day, type, quad_class, n FROM event_counts_day WHERE n <> 0",
    "event_counts_month": "SELECT country, month, type, quad_class, n FROM event_counts_month WHERE n <> 0",
}
_KEYS = "FROM event_country_keys k JOIN events e ON e.id = k.event_id"
RECOUNT = {  # the same counts straight from the events, by GROUP BY
    "event_countries": f"SELECT k.country, COALESCE(e.date, ''), e.rowid, e.type, COUNT(*) {_KEYS} "
                       "WHERE k.country <> '' GROUP BY 1, 2, 3, 4",
    "event_counts_day": "SELECT k.country, COALESCE(substr(e.date, 1, 10), ''), e.type, COALESCE(e.quad_class, 0), "
                        f"COUNT(*) {_KEYS} GROUP BY 1, 2, 3, 4",
    "event_counts_month": "SELECT k.country, COALESCE(substr(e.date, 1, 7), ''), e.type, COALESCE(e.quad_class, 0), "
                          f"COUNT(*) {_KEYS} GROUP BY 1, 2, 3, 4",
}


def check_counts(db: str | Path) -> None:
    """Raise AssertionError unless every count table equals a GROUP BY over the events (what /stats relies on)."""
    with open_store(db) as store:
        for table, query in COUNT_TABLES.items():
            kept = sorted(tuple(r) for r in store.conn.execute(query).fetchall())
            recount = sorted(tuple(r) for r in store.conn.execute(RECOUNT[table]).fetchall())
            assert kept == recount, f"{table}: {len(kept)} rows kept, {len(recount)} by GROUP BY, not the same"


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(pct / 100 * len(ordered)) - 1)]


def _event_queries(rng: random.Random) -> Iterator[tuple[str, str]]:
    """(kind, URL) pairs, each with fresh filter values."""
    while True:
        etype = rng.choice(TYPES)[0]
        iso = rng.choice(COUNTRIES)[0]
        month = _day(START_DAY + rng.randrange(0, 700))[:8]
        yield "events: no filter, page 1", "/events"
        yield "events: type + country", f"/events?type={etype}&country={iso}"
        yield "events: quad class + date range", f"/events?quad_class={rng.randint(1, 4)}&since={month}01&until={month}28"
        yield "events: actor name", f"/events?actor={iso}%20gov%20{rng.randrange(40)}"
        yield "events: place + sector", f"/events?place={rng.choice(COUNTRIES)[1]}&sector={rng.choice(SECTORS)}"
        yield "events: text search", f"/events?q={rng.choice(WORDS)}%20{rng.choice(WORDS)}"
        yield "stats: month by type", f"/stats?interval=month&by=type&country={iso}"
        first = START_DAY + rng.randrange(0, 640)
        yield "stats: day by quad class, 3 months", (
            f"/stats?interval=day&by=quad_class&since={_day(first)}&until={_day(first + 90)}")
        yield "stats: countries for the map", f"/stats?interval=all&by=country&type={etype}"


def _client_queries(seed: int, number: int) -> Iterator[tuple[str, str]]:
    """Client ``number``'s own stream of (kind, URL), starting at its own kind, so that every kind meets the same
    contention."""
    queries = _event_queries(random.Random(seed * 1000 + number))
    for _ in range(number % 9):
        next(queries)
    return queries


def _tcp_client(base: str, seed: int, number: int, count: int) -> list[tuple[str, float]]:
    """One client over TCP (its own process, a kept-alive connection, the standard library's light HTTP client):
    (kind, milliseconds) for each of its requests."""
    import http.client
    from urllib.parse import urlsplit

    where = urlsplit(base)
    conn = http.client.HTTPConnection(where.hostname, where.port, timeout=60)
    queries = _client_queries(seed, number)
    out: list[tuple[str, float]] = []
    for _ in range(count):
        kind, url = next(queries)
        start = time.perf_counter()
        conn.request("GET", url.replace(" ", "%20"))
        response = conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - start
        if response.status != 200:
            raise SystemExit(f"{url}: HTTP {response.status} {body[:200]!r}")
        out.append((kind, elapsed * 1000))
    conn.close()
    return out


def measure_tcp(base: str, requests: int, seed: int = 1, clients: int = 1) -> dict[str, list[float]]:
    """Time ``requests`` GETs in all over TCP to a server at ``base``, from ``clients`` client processes at once
    (so that the clients' own Python does not queue behind one interpreter, as browsers on other machines would
    not)."""
    from concurrent.futures import ProcessPoolExecutor

    share = [requests // clients + (1 if i < requests % clients else 0) for i in range(clients)]
    timings: dict[str, list[float]] = {}
    with ProcessPoolExecutor(clients) as pool:
        list(pool.map(_tcp_client, [base] * clients, [seed + 99] * clients, range(clients), [1] * clients))  # warm
        for part in pool.map(_tcp_client, [base] * clients, [seed] * clients, range(clients), share):
            for kind, ms in part:
                timings.setdefault(kind, []).append(ms)
    return timings


def measure_api(db: str | Path, requests: int, seed: int = 1, clients: int = 1) -> dict[str, list[float]]:
    """Time ``requests`` GETs in all, sent by ``clients`` concurrent clients (each its own stream of filter values),
    in process over ASGI."""
    import asyncio

    import httpx

    from eventwire.web import create_app

    timings: dict[str, list[float]] = {}
    transport = httpx.ASGITransport(app=create_app(db))

    async def client_loop(client: httpx.AsyncClient, number: int, count: int) -> None:
        queries = _client_queries(seed, number)
        for _ in range(count):
            kind, url = next(queries)
            start = time.perf_counter()
            response = await client.get(url)
            elapsed = time.perf_counter() - start
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code} {response.text[:200]}")
            timings.setdefault(kind, []).append(elapsed * 1000)

    async def run() -> None:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            await client.get("/events")  # warm the page cache as a running server would have it
            share = [requests // clients + (1 if i < requests % clients else 0) for i in range(clients)]
            await asyncio.gather(*(client_loop(client, i, n) for i, n in enumerate(share)))

    asyncio.run(run())
    return timings


def measure_page(db: Path, runs: int) -> list[float]:
    """First render in Chromium: navigation start until the page marks itself ready, fresh browser context each."""
    from eventwire.web.testing import chromium_browser, serve_in_thread

    times: list[float] = []
    with serve_in_thread(db) as base, chromium_browser() as browser:
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1366, "height": 800})
            page = context.new_page()
            page.goto(base + "/")
            page.wait_for_selector("body[data-ready='1']", timeout=30_000)
            times.append(page.evaluate("window.eventwireReadyMs"))
            context.close()
    return times


def _report(timings: dict[str, list[float]], clients: int) -> None:
    print(f"\n{clients} client(s), load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'query':42} {'n':>4} {'median ms':>10} {'p95 ms':>8}")
    worst = 0.0
    for kind, values in timings.items():
        p95 = _percentile(values, 95)
        worst = max(worst, p95)
        print(f"{kind:42} {len(values):>4} {statistics.median(values):>10.1f} {p95:>8.1f}")
    print(f"worst p95: {worst:.1f} ms (target < 20 ms, issue #16)")


def run(args: argparse.Namespace, db: str | Path) -> None:
    fresh = is_url(db) and args.pg_local
    if fresh or args.regenerate or (not is_url(db) and not Path(db).exists()):
        start = time.perf_counter()
        generate(db, args.events)
        print(f"generated {args.events:,} events in {time.perf_counter() - start:.0f} s (bulk; load average "
              f"{os.getloadavg()[0]:.1f})", file=sys.stderr)
    if args.check:
        start = time.perf_counter()
        check_counts(db)
        print(f"count tables equal GROUP BY over events ({time.perf_counter() - start:.0f} s)", file=sys.stderr)
    with open_store(db) as store:  # migrations (the API's indexes) before timing, as `eventwire serve` does
        count = store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        if is_url(db):
            size = store.conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        else:
            size = Path(db).stat().st_size
    print(f"database: {'PostgreSQL' if is_url(db) else db} ({size / 1e6:.0f} MB, {count:,} events); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if not is_url(db) and not args.cold:
        # A server that has been up for a while has its database in the OS page cache; a first run right after the
        # file was written or the machine booted reads from disk instead (--cold measures that).
        start = time.perf_counter()
        with Path(db).open("rb") as f:
            while f.read(1 << 24):
                pass
        print(f"page cache: database read once in {time.perf_counter() - start:.1f} s")
    if args.serve:
        from eventwire.web.testing import serve_in_processes

        with serve_in_processes(db, args.serve) as (base, _):
            print(f"over TCP to `eventwire serve --workers {args.serve}` at {base}")
            for clients in args.clients:
                _report(measure_tcp(base, args.requests, clients=clients), clients)
    else:
        for clients in args.clients:
            _report(measure_api(db, args.requests, clients=clients), clients)
    if args.page:
        page = measure_page(db, args.page_runs)  # type: ignore[arg-type]
        print(f"page first render in Chromium: median {statistics.median(page):.0f} ms, "
              f"max {max(page):.0f} ms over {len(page)} loads (target < 1000 ms)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="/tmp/eventwire-bench.db", help="a SQLite file or a postgresql:// URL")
    parser.add_argument("--pg-local", action="store_true",
                        help="generate into a throwaway local PostgreSQL cluster (store/pg_local.py) instead of --db")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=270, help="API requests in all (spread over 9 kinds)")
    parser.add_argument("--clients", type=lambda v: [int(c) for c in v.split(",")], default=[1],
                        help="comma-separated numbers of concurrent clients, one measurement each (e.g. 1,8)")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the database even if it exists")
    parser.add_argument("--check", action="store_true", help="assert the count tables equal GROUP BY over events")
    parser.add_argument("--serve", type=int, metavar="N", default=0,
                        help="time requests over TCP to `eventwire serve --workers N` (default: in process, ASGI)")
    parser.add_argument("--page", action="store_true", help="also time the page's first render in Chromium")
    parser.add_argument("--page-runs", type=int, default=5)
    parser.add_argument("--cold", action="store_true",
                        help="do not read the database file into the OS page cache before timing")
    args = parser.parse_args()
    if args.pg_local:
        from eventwire.store.pg_local import LocalCluster

        with LocalCluster(durable=True) as cluster:
            run(args, cluster.url)
    else:
        run(args, args.db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
