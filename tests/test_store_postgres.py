"""The same API on PostgreSQL: every read endpoint answers the sample database with the same JSON (and CSV) on
both backends, following `next` pages; and `eventwire migrate` copies a SQLite database into PostgreSQL whole."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from eventwire.cli import main

pytest.importorskip("starlette", reason="the web extra is not installed: pip install 'eventwire[web]'")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from eventwire.web import create_app
from eventwire.web.testing import HOSTILE_NAME, build_sample_db

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

URLS = [
    "/events", "/events?type=assault", "/events?type=PROTEST,COERCE", "/events?quad_class=3,4", "/events?country=KEN",
    "/events?country=deu", "/events?sector=COP", "/events?actor=congolese%20army", "/events?actor=KENCOP",
    f"/events?actor={HOSTILE_NAME}", "/events?place=nairobi", "/events?since=2024-03-01", "/events?until=2024-02-12",
    "/events?q=fuel%20prices", "/events?q=nothing-like-this", "/events?_size=1", "/events?country=KEN&_size=1",
    "/events.csv", "/articles", "/articles?q=fuel", "/articles?_size=2", "/articles.csv", "/actors", "/actors?q=k",
    "/actors?_size=1", "/actors?country=KEN", "/stats", "/stats?by=country", "/stats?by=place", "/stats?by=quad_class",
    "/stats?interval=day", "/stats?interval=all&by=none", "/stats?country=KEN&interval=day", "/stats?since=2024-02-01",
    "/stats?window=3", "/stats?sector=CVL", "/network", "/network?country=KEN", "/stories", "/stories?_size=1",
    "/events?nonsense=1", "/events?_next=forged",
]


# When each sample database was written (ingested_at, updated_at): the one thing allowed to differ.
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")


def _answer(client: TestClient, url: str) -> list[Any]:
    """The responses of a URL and of every `next` page after it, write times blanked."""
    pages: list[Any] = []
    while url and len(pages) < 20:
        response = client.get(url)
        text = STAMP.sub("<written>", response.text)
        body: Any = text if "csv" in response.headers.get("content-type", "") else json.loads(text)
        pages.append((response.status_code, body))
        url = body.get("next") if isinstance(body, dict) else None
    return pages


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory, pg_cluster: str) -> dict[str, TestClient]:
    import psycopg

    with psycopg.connect(pg_cluster, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS api CASCADE")
        conn.execute("CREATE SCHEMA api")
    pg = f"{pg_cluster}&options=-csearch_path%3Dapi"
    lite = build_sample_db(tmp_path_factory.mktemp("pg-api") / "api.db")
    build_sample_db(pg)  # type: ignore[arg-type]
    return {"sqlite": TestClient(create_app(lite)), "postgresql": TestClient(create_app(pg))}


@pytest.mark.parametrize("url", URLS)
def test_store_postgres_api_answers_as_sqlite(both: dict[str, TestClient], url: str) -> None:
    lite, pg = _answer(both["sqlite"], url), _answer(both["postgresql"], url)
    assert pg == lite
    assert lite[0][0] in (200, 400)


def test_store_postgres_api_records_answer_as_sqlite(both: dict[str, TestClient]) -> None:
    ids = [row["id"] for row in both["sqlite"].get("/events").json()["rows"]]
    articles = {row["article"]["id"] for row in both["sqlite"].get("/events").json()["rows"]}
    stories = [row["id"] for row in both["sqlite"].get("/stories").json()["rows"]]
    urls = [f"/events/{i}" for i in ids] + [f"/articles/{a}" for a in sorted(articles)]
    urls += [f"/stories/{s}" for s in stories] + ["/events/nope", "/articles/nope", "/stories/999"]
    for url in urls:
        assert _answer(both["postgresql"], url) == _answer(both["sqlite"], url), url


def test_store_postgres_migrate_copies_a_sqlite_database(tmp_path: Path, pg_url: str) -> None:
    from eventwire.store import open_store
    from eventwire.store.queries import EventFilter, list_events, stats

    lite = build_sample_db(tmp_path / "a.db")
    runner = CliRunner()
    result = runner.invoke(main, ["migrate", "--from", str(lite), "--to", pg_url])
    assert result.exit_code == 0, result.stderr
    assert "articles and" in result.stderr and "events copied" in result.stderr
    with open_store(lite) as a, open_store(pg_url) as b:
        for table in ("articles", "events", "entities", "actors", "places", "dates", "quotes", "captions"):
            assert a.count(table) == b.count(table), table
        assert b.count("events") > 0
        assert list(a.articles()) == list(b.articles())
        assert list(a.events()) == list(b.events())
        assert list(a.stories()) == list(b.stories())
        f = EventFilter()
        assert list_events(a.conn, f) == list_events(b.conn, f)
        assert stats(a.conn, f, "day", "country") == stats(b.conn, f, "day", "country")
    again = runner.invoke(main, ["migrate", "--from", str(lite), "--to", pg_url])
    assert again.exit_code == 1 and again.stderr.startswith("Error: --to postgresql://") \
        and "already holds articles" in again.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "missing.db", "--to", "postgresql://x@/y?host=/nonexistent"], "--from missing.db: no such SQLite"),
    (["--from", "a.db", "--to", "b.db"], "give a postgresql:// URL"),
])
def test_store_postgres_migrate_refuses_bad_arguments(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["migrate", *args])
    assert result.exit_code in (1, 2) and message in result.stderr
    assert "Traceback" not in result.stderr
