"""The store on both backends (a SQLite file, a PostgreSQL schema): migrations, one copy per article, queries, and
surviving kill -9 in the middle of an ingest (SQLite)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eventwire.errors import StoreError
from eventwire.records import Actor, Article, Caption, Document, Event, Mention, Place, Span
from eventwire.run import ingest
from eventwire.store import Query, open_store


def make_doc(i: int, published: str = "2026-03-01", source: str = "Wire") -> Document:
    text = f"Delegations from two countries met in Vienna for round {i} of talks on prisoner exchanges."
    article = Article(id=f"art{i}", text=text, title=f"Round {i}", published=published, source=source,
                      captions=(Caption("Delegates arrive", "Wire Photo"),))
    event = Event(
        type="CONSULT", sentence=Span(0, len(text), text), trigger=Span(28, 31, "met"), cameo="040", quad_class=1,
        source=(Actor("Delegations", "Austria", "AUT", "GOV", "AUTGOV", 0, 11),),
        target=(Actor("two countries", None, "CHE", None, "CHE", 17, 30), Actor("x", country="FRA")),
        place=Place("Vienna", 36, 42, "Vienna", "AUT", "09", 48.2, 16.37, 2761369, "P"), date=published,
        date_precision="day", mentions=(Span(0, 7, f"Round {i}", "title"),),
    )
    return Document(article=article, entities=(Mention("Vienna", "GPE", 36, 42),), events=(event,))


def test_store_migrates_a_new_database_to_the_latest_version(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.db") as store:
        assert store.version >= 1
        mode = store.conn.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"


def test_store_writes_each_article_once(store_db: str) -> None:
    with open_store(store_db) as store:
        list(store.write([make_doc(1), make_doc(2)]))
        (result,) = list(store.write([make_doc(1), make_doc(3)]))
        assert (result.stored, result.existing) == (1, 1)
        assert store.count("articles") == 3
        assert store.count("events") == 3
        assert store.count("entities") == 3
        assert store.count("captions") == 3


def test_store_event_rows_round_trip(store_db: str) -> None:
    doc = make_doc(1)
    with open_store(store_db) as store:
        list(store.write([doc]))
        (row,) = store.events()
    import dataclasses

    expected = json.loads(json.dumps(dataclasses.asdict(doc.events[0])))
    got = {k: row[k] for k in expected}
    # An event's place is always a body place (Place.field "text"): the events table keeps no field column.
    for place in (expected["place"], got["place"]):
        place.pop("field", None)
    assert got == expected
    assert row["article"] == {"id": "art1", "title": "Round 1", "published": "2026-03-01", "url": None, "source": "Wire"}



def test_store_place_rows_keep_the_text_they_index(store_db: str) -> None:
    doc = make_doc(1)
    vienna = Place("Vienna", 36, 42, "Vienna", "AUT", "09", 48.2, 16.37, 2761369, "PPLC")
    harbour = Place("Delegates", 0, 9, "Delegates", None, None, None, None, None, None, field="caption:0")
    doc = Document(article=doc.article, entities=doc.entities, events=doc.events, places=(vienna, harbour))
    with open_store(store_db) as store:
        list(store.write([doc]))
        assert store.version >= 4
        rows = store.conn.execute('SELECT text, start, "end", field FROM places ORDER BY id').fetchall()
    assert [tuple(r) for r in rows] == [("Vienna", 36, 42, "text"), ("Delegates", 0, 9, "caption:0")]

@pytest.mark.parametrize(
    ("query", "ids"),
    [
        (Query(), ["art3", "art2", "art1"]),
        (Query(since="2026-03-02"), ["art3", "art2"]),
        (Query(until="2026-03-02"), ["art2", "art1"]),
        (Query(source="Other"), ["art3"]),
        (Query(search="round 2"), ["art2"]),
        (Query(search="Vienna", limit=1), ["art3"]),
        (Query(search="nowhere"), []),
        (Query(search="Vienna\x00 round"), ["art3", "art2", "art1"]),
        (Query(search='"; DROP TABLE articles; --'), []),
        (Query(source="' OR 1=1 --"), []),
    ],
)
def test_store_article_filters(store_db: str, query: Query, ids: list[str]) -> None:
    with open_store(store_db) as store:
        list(store.write([make_doc(1, "2026-03-01"), make_doc(2, "2026-03-02"), make_doc(3, "2026-03-03", "Other")]))
        assert [a["id"] for a in store.articles(query)] == ids
        assert store.count("articles") == 3


@pytest.mark.parametrize(
    ("query", "count"),
    [(Query(type="consult"), 2), (Query(type="ASSAULT"), 0), (Query(country="FRA"), 2), (Query(country="USA"), 0)],
)
def test_store_event_filters(store_db: str, query: Query, count: int) -> None:
    with open_store(store_db) as store:
        list(store.write([make_doc(1), make_doc(2)]))
        assert len(list(store.events(query))) == count


@pytest.mark.parametrize(
    ("since", "until"),
    [(None, "2026-03-02"), ("2026-03-02", None), ("2026-03-02", "2026-03-02"), (None, None), ("2026-03-04", None)],
)
def test_cli_and_api_filters_agree_on_date_bounds(store_db: str, since: str | None, until: str | None) -> None:
    """The CLI's listings and the API's share one filter builder: a time of day within the last day is taken."""
    from eventwire.store.queries import ArticleFilter, EventFilter, list_articles, list_events

    docs = [make_doc(1, "2026-03-01T22:00:00"), make_doc(2, "2026-03-02T23:59:00"), make_doc(3, "2026-03-03")]
    with open_store(store_db) as store:
        list(store.write(docs))
        cli_articles = {a["id"] for a in store.articles(Query(since=since, until=until))}
        api_articles, _ = list_articles(store.conn, ArticleFilter(since=since, until=until))
        assert cli_articles == {a["id"] for a in api_articles}
        cli_events = {e["id"] for e in store.events(Query(since=since, until=until))}
        api_events, _ = list_events(store.conn, EventFilter(since=since, until=until))
        assert cli_events == {e["id"] for e in api_events}
    expected = {d.article.id for d in docs if (since is None or d.article.published[:10] >= since)
                and (until is None or d.article.published[:10] <= until)}
    assert cli_articles == expected


def test_store_refuses_a_foreign_database(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE customers (id INTEGER)").connection.commit()
    with pytest.raises(StoreError, match="holds tables that are not eventwire's"):
        open_store(path)


def test_store_refuses_a_newer_schema(store_db: str) -> None:
    path = store_db
    with open_store(path) as store:
        store.conn.execute("INSERT INTO schema_migrations VALUES (999, 'future', '')")
    with pytest.raises(StoreError, match="schema version 999 is newer"):
        open_store(path)


def test_store_refuses_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("just some notes, not a database\n" * 200)
    with pytest.raises(StoreError, match="not an eventwire SQLite database"):
        open_store(path)


def corpus(path: Path, n: int) -> Path:
    sentences = [
        "The foreign minister of Norway met her counterpart from Chile in Santiago on Monday.",
        "Rebels fired rockets at an army base near the northern border, the defence ministry said.",
        "Thousands of farmers protested outside parliament against new fuel taxes.",
        "The central bank governor warned that sanctions would slow growth next year.",
    ]
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            text = " ".join(sentences[(i + k) % len(sentences)] for k in range(3)) + f" Report number {i}."
            out.write(json.dumps({"id": f"doc-{i:04d}", "text": text, "published": "2026-02-01"}) + "\n")
    return path


def test_store_ingest_twice_stores_once(tmp_path: Path, store_db: str, nlp: object) -> None:
    from eventwire.pipeline import Pipeline

    src = corpus(tmp_path / "c.jsonl", 12)
    pipe = Pipeline(stages=["entities"], nlp=nlp)  # type: ignore[arg-type]
    first = ingest([str(src)], store_db, pipeline=pipe)
    second = ingest([str(src)], store_db, pipeline=pipe)
    assert (first.stored, first.existing) == (12, 0)
    assert (second.stored, second.existing, second.documents) == (0, 12, 0)


@pytest.mark.slow
def test_store_survives_kill_9_and_rerun_completes_without_duplicates(tmp_path: Path) -> None:
    n = 400
    src = corpus(tmp_path / "c.jsonl", n)
    db = tmp_path / "killed.db"
    cmd = [sys.executable, "-m", "eventwire.cli", "ingest", str(src), "--db", str(db), "-q", "--stages", "entities",
           "--batch-size", "8"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=1) as conn:
                    stored = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            except sqlite3.OperationalError:
                continue
            if stored >= 100:
                break
    assert proc.poll() is None, "the ingest finished before it could be killed; make the corpus larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 100 <= stored < n

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        survived = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        # Every committed article has all its layers: no article without its entities.
        assert conn.execute(
            "SELECT COUNT(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM entities e WHERE e.article_id = a.id)"
        ).fetchone()[0] == 0
    assert survived >= stored

    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    assert rerun.returncode == 0, rerun.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == n
        assert conn.execute("SELECT COUNT(DISTINCT id) FROM articles").fetchone()[0] == n
        duplicated = conn.execute(
            'SELECT COUNT(*) FROM (SELECT article_id, start, "end", label FROM entities '
            'GROUP BY article_id, start, "end", label HAVING COUNT(*) > 1)'
        ).fetchone()[0]
        assert duplicated == 0
        fts = conn.execute("SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH 'Santiago'").fetchone()[0]
        assert fts == conn.execute("SELECT COUNT(*) FROM articles WHERE text LIKE '%Santiago%'").fetchone()[0] > 0


def test_store_article_lists_body_places_before_caption_places(store_db: str) -> None:
    from dataclasses import replace

    from eventwire.store.queries import get_article

    doc = replace(make_doc(1), places=(Place("Delegates", 0, 9, field="caption:0"), Place("Vienna", 36, 42, "Vienna")))
    with open_store(store_db) as store:
        list(store.write([doc]))
        article = get_article(store.conn, "art1")
    assert article is not None
    assert [(p["text"], p["field"]) for p in article["places"]] == [("Vienna", "text"), ("Delegates", "caption:0")]


# -- PostgreSQL only ---------------------------------------------------------------------------------------------------

def test_store_postgres_refuses_a_schema_with_foreign_tables(pg_url: str) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER)")
    with pytest.raises(StoreError, match="holds tables that are not eventwire's"):
        open_store(pg_url)


@pytest.mark.parametrize("url", [
    "postgresql://nobody:secret@127.0.0.1:1/none?connect_timeout=2",
    "postgresql://eventwire@/none?host=/nonexistent-socket-dir",
])
def test_store_postgres_unreachable_server_is_one_line_without_the_password(url: str) -> None:
    pytest.importorskip("psycopg", reason="the postgres extra is not installed")
    with pytest.raises(StoreError) as info:
        open_store(url)
    message = str(info.value)
    assert message.startswith("--db postgresql://") and "cannot connect to PostgreSQL" in message
    assert "secret" not in message and "\n" not in message


def test_store_postgres_concurrent_writers_store_each_article_once(pg_url: str) -> None:
    """Four writers race over overlapping batches (the Ray engine's case): every article once, each layer once,
    and the kept counts equal to counting the events."""
    import threading

    docs = [make_doc(i, f"2026-03-{1 + i % 9:02d}", source=f"S{i % 3}") for i in range(60)]
    with open_store(pg_url):
        pass  # migrated once before the race
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            mine = docs[k * 10:] + docs[:k * 10]  # every writer writes every article, starting elsewhere
            with open_store(pg_url) as store:
                list(store.write(mine, batch_size=7))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with open_store(pg_url) as store:
        assert store.count("articles") == 60
        assert store.count("events") == 60
        assert store.count("entities") == 60
        assert store.count("captions") == 60
        pairs = store.conn.execute("SELECT COUNT(*) FROM event_actors").fetchone()[0]
        assert pairs == 60 * 3
        counted = store.conn.execute("SELECT SUM(n) FROM event_counts_day WHERE country = ''").fetchone()[0]
        assert counted == 60
        assert store.conn.execute("SELECT COUNT(*) FROM story_articles").fetchone()[0] == 60


def test_store_postgres_bulk_and_row_writes_give_the_same_rows(tmp_path: Path, pg_url: str) -> None:
    """The COPY write path stores what SQLite's row-by-row path stores, table by table."""
    from dataclasses import replace

    docs = [make_doc(i, f"2026-03-0{1 + i % 3}") for i in range(6)]
    docs.append(replace(make_doc(9), places=(Place("Delegates", 0, 9, field="caption:0"),)))
    tables = {
        "articles": "id, title, published, source, text",
        "captions": "article_id, position, text, credit",
        "entities": 'article_id, start, "end", label, text',
        "places": 'article_id, start, "end", text, field',
        "events": "id, type, date, place_lat, mentions",
        "event_actors": "event_id, role, position, name, country",
        "event_counts_day": "country, day, type, quad_class, n",
        "event_countries": "country, date, type",
        "story_articles": "article_id, reason, via, duplicate",
        "duplicates": "article_id, duplicate_of, kind, jaccard",
    }
    seen = {}
    for db in (str(tmp_path / "a.db"), pg_url):
        with open_store(db) as store:
            list(store.write(docs, batch_size=4))
            seen[db] = {t: sorted(tuple(r) for r in store.conn.execute(f"SELECT {c} FROM {t}"))
                        for t, c in tables.items()}
    sqlite_rows, pg_rows = seen.values()
    for table in tables:
        assert pg_rows[table] == sqlite_rows[table], table
    assert len(sqlite_rows["duplicates"]) > 0


def test_store_every_sqlite_migration_has_a_postgres_twin() -> None:
    """A new migration needs both files (store/migrations/NNNN_x.sql and store/migrations_pg/NNNN_x.sql)."""
    folder = Path(__file__).resolve().parents[1] / "src" / "eventwire" / "store"
    lite = sorted(p.name for p in (folder / "migrations").glob("*.sql"))
    pg = sorted(p.name for p in (folder / "migrations_pg").glob("*.sql"))
    assert [n[:4] for n in pg] == [n[:4] for n in lite]
    assert len(lite) >= 4


def test_store_dedup_later_and_exports_agree_on_both_backends(tmp_path: Path, pg_url: str) -> None:
    """Stories indexed after the fact (`eventwire dedup`) and the event exports come out the same on both."""
    from click.testing import CliRunner

    from eventwire.cli import main

    docs = [make_doc(i, f"2026-03-0{1 + i % 4}", source=f"S{i % 2}") for i in range(8)]
    answers = []
    for db in (str(tmp_path / "a.db"), pg_url):
        with open_store(db, dedup=False) as store:
            list(store.write(docs))
            assert store.index_stories() == 8
            assert store.index_stories() == 0
            stories = list(store.stories())
        runner = CliRunner()
        exports = [runner.invoke(main, ["events", "--db", db, "--format", fmt]).stdout
                   for fmt in ("plover", "gdelt", "csv")]
        listed = runner.invoke(main, ["articles", "--db", db, "--search", "Vienna", "--csv"]).stdout
        # The two stores are written seconds apart: their ingest times differ, everything else must not.
        articles = list(csv.DictReader(io.StringIO(listed)))
        assert articles and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*", a.pop("ingested_at")) for a in articles)
        answers.append((stories, exports, articles))
    (lite_stories, *lite), (pg_stories, *pg) = answers
    for story in (*lite_stories, *pg_stories):
        story.pop("updated_at")
    assert pg_stories == lite_stories and pg == lite
    assert lite[0][0].count("\n") == 8 and len(lite[1]) == 8
