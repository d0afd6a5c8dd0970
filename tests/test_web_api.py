"""The HTTP API in process (Starlette's TestClient) over a real SQLite database written through the store: filters,
keyset pages, CSV twins, records with their evidence, the one error shape, escaping of hostile text, hostile filter
values, size caps, the token-guarded POST, and the served OpenAPI document under schemathesis.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed: pip install 'eventwire[web]'")

with warnings.catch_warnings():  # Starlette's notice that a later httpx will be needed; nothing to act on
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from eventwire.errors import EventwireError
from eventwire.records import Document
from eventwire.store import open_store
from eventwire.web import create_app
from eventwire.web.testing import HOSTILE_NAME, HOSTILE_TITLE, build_sample_db

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

ALL_EVENTS = {"art-goma-0", "art-paris-0", "art-nairobi-0", "art-nairobi-1", "art-hostile-0"}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_db(tmp_path_factory.mktemp("web-api") / "api.db")


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db), raise_server_exceptions=False) as c:
        yield c


def _ids(response: Any) -> set[str]:
    assert response.status_code == 200, response.text
    return {row["id"] for row in response.json()["rows"]}


def _error(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "message"}
    assert body["error"]["status"] == status
    return str(body["error"]["message"])


# -- listings and filters ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("params", "expected"), [
    ({}, ALL_EVENTS),
    ({"type": "assault"}, {"art-goma-0"}),
    ({"type": "PROTEST,COERCE"}, {"art-nairobi-0", "art-nairobi-1"}),
    ({"quad_class": "1"}, {"art-paris-0", "art-hostile-0"}),
    ({"quad_class": "3,4"}, {"art-goma-0", "art-nairobi-0", "art-nairobi-1"}),
    ({"country": "KEN"}, {"art-nairobi-0", "art-nairobi-1"}),
    ({"country": "deu"}, {"art-paris-0"}),  # a target actor's country
    ({"country": "IGO"}, {"art-hostile-0"}),
    ({"sector": "COP"}, {"art-nairobi-1"}),
    ({"sector": "CVL", "country": "KEN"}, {"art-nairobi-0", "art-nairobi-1"}),
    ({"actor": "congolese army"}, {"art-goma-0"}),
    ({"actor": "KENCOP"}, {"art-nairobi-1"}),
    ({"actor": HOSTILE_NAME}, {"art-hostile-0"}),
    ({"place": "nairobi"}, {"art-nairobi-0", "art-nairobi-1"}),
    ({"since": "2024-03-01"}, {"art-goma-0", "art-hostile-0"}),
    ({"until": "2024-02-12"}, {"art-paris-0", "art-nairobi-0", "art-nairobi-1"}),
    ({"since": "2024-02-01", "until": "2024-03-04"}, {"art-paris-0", "art-hostile-0"}),
    ({"q": "fuel prices"}, {"art-nairobi-0", "art-nairobi-1"}),
    ({"q": "retreat"}, {"art-goma-0"}),
    ({"article": "art-paris"}, {"art-paris-0"}),
    ({"source": "Herald"}, {"art-nairobi-0", "art-nairobi-1"}),
    ({"acled_type": "battles"}, {"art-goma-0"}),
    ({"acled_type": "Protests,Battles"}, {"art-goma-0", "art-nairobi-0", "art-nairobi-1"}),
    ({"acled_sub_type": "Protest with intervention"}, {"art-nairobi-1"}),
    ({"acled_sub_type": "Armed clash", "country": "COD"}, {"art-goma-0"}),
    # negative cases: filters that must match nothing
    ({"type": "SANCTION"}, set()),
    ({"acled_type": "Riots"}, set()),
    ({"acled_sub_type": "Armed clash", "country": "KEN"}, set()),
    ({"country": "USA"}, set()),
    ({"actor": "Congolese"}, set()),  # whole names only
    ({"since": "2025-01-01"}, set()),
    ({"q": "volcano"}, set()),
    ({"type": "ASSAULT", "country": "KEN"}, set()),
    ({"since": "2024-03-02", "until": "2024-03-01"}, set()),  # an empty range is no error
    ({"until": "9999-12-31"}, ALL_EVENTS),
])
def test_web_events_filters(client: TestClient, params: dict[str, str], expected: set[str]) -> None:
    assert _ids(client.get("/events", params=params)) == expected


@pytest.mark.parametrize("share", [0.0, 2.0])  # every word common / every word rare: both search plans
@pytest.mark.parametrize(("path", "words", "expected"), [
    ("/events", "fuel prices", {"art-nairobi-0", "art-nairobi-1"}),
    ("/events", "RETREAT goma", {"art-goma-0"}),
    ("/events", "goma volcano", set()),
    ("/articles", "talks", {"art-hostile"}),
    ("/articles", "students police", {"art-nairobi"}),
])
def test_web_search_plans_agree(client: TestClient, monkeypatch: pytest.MonkeyPatch, share: float, path: str,
                                words: str, expected: set[str]) -> None:
    from eventwire.store import queries

    monkeypatch.setattr(queries, "COMMON_WORD_SHARE", share)
    assert _ids(client.get(path, params={"q": words})) == expected


@pytest.mark.parametrize("share", [0.0, 0.2, 0.25, 0.5, 0.9, 2.0])
def test_common_search_is_a_share_of_articles(db: Path, monkeypatch: pytest.MonkeyPatch, share: float) -> None:
    """A search is common when each word is in more than the share of articles, counted here article by article, on
    a plain connection as the CLI opens one (the bounded probe needs no extra table)."""
    import re

    from eventwire.store import queries

    monkeypatch.setattr(queries, "COMMON_WORD_SHARE", share)
    with sqlite3.connect(db) as conn:
        texts = [set(re.findall(r"\w+", f"{t or ''} {x}".lower())) for t, x in conn.execute(
            "SELECT title, text FROM articles")]
        total = conn.execute("SELECT MAX(rowid) FROM articles").fetchone()[0]
        for words in ("talks", "police students", "the", "goma", "volcano", "the goma"):
            expected = all(sum(w in t for t in texts) > share * total for w in words.split())
            assert queries.common_search(conn, words) is expected, words


def test_web_events_newest_first_in_export_shape(client: TestClient) -> None:
    rows = client.get("/events").json()["rows"]
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates, reverse=True)
    goma = rows[0]
    assert goma["id"] == "art-goma-0"
    assert goma["article"] == {"id": "art-goma", "title": "Fighting near Goma", "published": "2024-03-05",
                               "url": "https://news.example/goma", "source": "Wire"}
    assert goma["source"][0]["name"] == "Congolese Army" and goma["target"][0]["code"] == "CODREB"
    assert goma["trigger"]["text"] == "attacked" and goma["place"]["lat"] == -1.68


def test_web_events_pages_chain_by_opaque_token(client: TestClient) -> None:
    seen: list[str] = []
    url: str | None = "/events?_size=2&country=KEN"
    pages = 0
    while url:
        body = client.get(url).json()
        seen += [r["id"] for r in body["rows"]]
        if body["next"]:
            assert "=" not in body["next"] and "art-" not in body["next"]  # opaque, URL-safe
            assert body["next_url"].endswith("_next=" + body["next"])
        url = body["next_url"]
        pages += 1
    assert sorted(seen) == ["art-nairobi-0", "art-nairobi-1"] and pages == 1
    for params in ({"country": "KEN"}, {"country": "COD", "since": "2024-01-01"}, {"place": "nairobi"}):
        seen, url = [], "/events?" + "&".join(f"{k}={v}" for k, v in params.items()) + "&_size=1"
        while url:
            body = client.get(url).json()
            seen += [r["id"] for r in body["rows"]]
            url = body["next_url"]
        assert len(seen) == len(set(seen)) == len(_ids(client.get("/events", params=params)))
    seen, url, pages = [], "/events?_size=2", 0
    while url:
        body = client.get(url).json()
        seen += [r["id"] for r in body["rows"]]
        url = body["next_url"]
        pages += 1
    assert len(seen) == 5 and set(seen) == ALL_EVENTS and pages == 3


def test_web_articles_list_and_pages(client: TestClient) -> None:
    body = client.get("/articles", params={"_size": 3}).json()
    assert [r["id"] for r in body["rows"]] == ["art-goma", "art-hostile", "art-paris"]
    assert body["rows"][0]["events"] == 1 and "text" not in body["rows"][0]
    rest = client.get(body["next_url"]).json()
    assert [r["id"] for r in rest["rows"]] == ["art-nairobi"] and rest["next"] is None
    assert _ids(client.get("/articles", params={"q": "students"})) == {"art-nairobi"}
    assert _ids(client.get("/articles", params={"source": "Daily"})) == {"art-paris"}
    assert _ids(client.get("/articles", params={"since": "2024-06-01"})) == set()


def test_web_event_detail_has_its_evidence(client: TestClient) -> None:
    event = client.get("/events/art-goma-0").json()
    text = client.get("/articles/art-goma").json()["text"]
    for span in (event["trigger"], event["sentence"], event["source"][0], event["target"][0], event["place"]):
        assert text[span["start"]:span["end"]] == span["text"]
    assert event["article"]["id"] == "art-goma"
    assert "not found" not in _error(client.get("/events/nope-0"), 404)


def test_web_article_detail_has_every_layer(client: TestClient) -> None:
    article = client.get("/articles/art-goma").json()
    assert article["title"] == "Fighting near Goma"
    assert [e["label"] for e in article["entities"]] == ["GPE"]
    assert [a["name"] for a in article["actors"]] == ["Congolese Army", "M23 Rebels", "M23 Rebels"]
    assert article["places"][0]["name"] == "Goma" and article["dates"][0]["value"] == "2024-03-05"
    quote = article["quotes"][0]
    assert quote["speaker"]["name"] == "M23 Rebels" and article["text"][quote["start"]:quote["end"]] == quote["text"]
    assert [e["id"] for e in article["events"]] == ["art-goma-0"]
    _error(client.get("/articles/missing"), 404)


def test_web_actors_stats_network_and_stories(client: TestClient) -> None:
    actors = client.get("/actors").json()["rows"]
    names = [a["name"] for a in actors]
    assert names == sorted(names, key=str.lower)
    kenyan = client.get("/actors", params={"q": "kenyan"}).json()["rows"]
    assert {(a["name"], a["as_source"], a["as_target"]) for a in kenyan} == {
        ("Kenyan Police", 1, 0), ("Kenyan Students", 1, 1)}
    assert client.get("/actors", params={"country": "FRA"}).json()["rows"][0]["code"] == "FRAGOV"

    by_month = client.get("/stats", params={"interval": "month", "by": "quad_class"}).json()["rows"]
    assert {(r["period"], r["key"], r["count"]) for r in by_month} == {
        ("2024-01", 3, 1), ("2024-01", 4, 1), ("2024-02", 1, 1), ("2024-03", 1, 1), ("2024-03", 4, 1)}
    by_day = client.get("/stats", params={"interval": "day", "by": "type", "country": "KEN"}).json()["rows"]
    assert by_day == [{"period": "2024-01-20", "key": "COERCE", "count": 1},
                      {"period": "2024-01-20", "key": "PROTEST", "count": 1}]
    countries = client.get("/stats", params={"interval": "all", "by": "country"}).json()["rows"]
    # Events involving each country (an actor's or the place's), each event once per country.
    assert {r["key"]: r["count"] for r in countries} == {"COD": 1, "DEU": 1, "FRA": 1, "IGO": 1, "KEN": 2, "SYR": 1}
    places = client.get("/stats", params={"interval": "all", "by": "place", "_size": 1}).json()["rows"]
    assert places == [{"period": None, "key": "Nairobi", "country": "KEN", "lat": -1.29, "lon": 36.82, "count": 2}]

    edges = {(e["source"], e["target"]): e for e in client.get("/network").json()["rows"]}
    assert edges[("Congolese Army", "M23 Rebels")]["conflict"] == 1
    assert edges[("France", "Germany")]["cooperation"] == 1
    assert ("Kenyan Students", "Kenyan Students") not in edges  # a protest without a target is no edge

    stories = client.get("/stories")
    assert stories.status_code == 200 and isinstance(stories.json()["rows"], list)


@pytest.mark.parametrize("params", [
    {}, {"type": "PROTEST,COERCE"}, {"quad_class": "1,4"}, {"country": "KEN"}, {"country": "SYR", "type": "CONSULT"},
    {"since": "2024-02-01"}, {"until": "2024-02-29"}, {"since": "2024-01-20", "until": "2024-03-01"},
    {"since": "2024-03-01", "until": "2024-03-31", "quad_class": "4"},
])
@pytest.mark.parametrize("interval", ["day", "month", "year", "all"])
@pytest.mark.parametrize("by", ["type", "quad_class", "country", "none"])
def test_web_stats_kept_counts_match_counting(db: Path, params: dict[str, str], interval: str, by: str) -> None:
    """The counts kept by triggers answer exactly what counting the events answers."""
    from eventwire.store import queries
    from eventwire.web.params import EVENT_FILTERS, event_filter, parse

    f = event_filter(parse(EVENT_FILTERS, list(params.items())))
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        kept = queries.stats(conn, f, interval, by)
        counted = queries.stats(conn, f, interval, by, window=10**9)
    assert kept == counted


@pytest.mark.parametrize("path", ["/events", "/articles", "/actors", "/stats", "/network", "/stories"])
def test_web_every_listing_has_a_csv_twin(client: TestClient, path: str) -> None:
    json_rows = client.get(path).json()["rows"]
    for url in (path + ".csv", path + "?_format=csv"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert len(rows) == len(json_rows)


def test_web_events_csv_is_flat(client: TestClient) -> None:
    rows = list(csv.DictReader(io.StringIO(client.get("/events.csv", params={"type": "ASSAULT"}).text)))
    assert rows[0]["source_name"] == "Congolese Army" and rows[0]["place_lat"] == "-1.68"
    page = client.get("/events.csv", params={"_size": 2})
    assert page.headers["link"].startswith("</events.csv?_size=2&_next=")


# -- errors -----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "status", "message"), [
    ("/events?colour=red", 400, ("unknown parameter 'colour' (this endpoint takes: _format, _next, _size, "
                                "acled_sub_type, acled_type, actor, article, country, place, q, quad_class, sector, "
                                "since, source, type, until)")),
    ("/events?acled_type=Battles,Wars", 400, ("parameter acled_type: 'Wars' is not one of Battles, "
                                              "Explosions/Remote violence, Violence against civilians, Protests, "
                                              "Riots, Strategic developments")),
    ("/events?type=AGREE&type=ASSAULT", 400, "parameter type given more than once"),
    ("/events?type=assault,NOPE", 400, ("parameter type: 'NOPE' is not one of ACCUSE, AGREE, AID, ASSAULT, COERCE, "
                                        "CONCEDE, CONSULT, COOPERATE, MOBILIZE, PROTEST, REJECT, REQUEST, RETREAT, "
                                        "SANCTION, SUPPORT, THREATEN")),
    ("/events?_size=0", 400, "parameter _size: 0 is outside 1..1000"),
    ("/events?_size=ten", 400, "parameter _size: 'ten' is not a whole number"),
    ("/events?since=2024-13-01", 400, "parameter since: '2024-13-01' is not a date (YYYY-MM-DD)"),
    ("/events?quad_class=5", 400, "parameter quad_class: '5' is not of the form ^[1-4](,[1-4]){0,3}$"),
    ("/events?_next=bm9wZQ", 400, "parameter _next: not a token given by this listing"),
    ("/events?_format=xml", 400, "parameter _format: 'xml' is not one of json, csv"),
    ("/articles?_next=WyJlIiwiMjAyNC0wMy0wNSIsMV0", 400, "parameter _next: not a token given by this listing"),
    ("/stats?by=colour", 400, "parameter by: 'colour' is not one of type, quad_class, country, place, none"),
    ("/events/art-goma-0?x=1", 400, "unknown parameter 'x' (this endpoint takes: none)"),
    ("/nowhere", 404, "no such page"),
])
def test_web_errors_have_one_shape(client: TestClient, url: str, status: int, message: str) -> None:
    assert _error(client.get(url), status) == message


def test_web_read_only_server_refuses_writes(client: TestClient) -> None:
    message = _error(client.post("/articles", json={"text": "A new article."}), 405)
    assert message == "this server is read-only: start it with --token to accept articles"
    _error(client.delete("/events/art-goma-0"), 405)


def test_web_oversized_body_refused(db: Path) -> None:
    with TestClient(create_app(db, token="s3cret", max_body=1000), raise_server_exceptions=False) as c:
        big = json.dumps({"text": "x" * 5000})
        headers = {"Authorization": "Bearer s3cret", "Content-Type": "application/json"}
        assert _error(c.post("/articles", content=big, headers=headers), 413) == (
            "request body over the limit of 1,000 bytes")

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
            for _ in range(10):
                yield b"x" * 500

        assert _error(c.post("/articles", content=chunks(), headers=headers), 413) == (
            "request body over the limit of 1,000 bytes")
        _error(c.get("/events", headers={"Content-Length": "999999"}), 413)


# -- safety -----------------------------------------------------------------------------------------------------------

HOSTILE_VALUES = ["'", '"', "';", "; DROP TABLE events; --", "' OR '1'='1", "\" OR \"\"=\"", "1; DELETE FROM articles",
                  "UNION SELECT id FROM articles --", "%", "_", "*", "NEAR(a b)", "title:x", "\\", "a\x00b",
                  "NULL", "') OR 1=1 --", "SELECT", "é'\"", "<script>alert(1)</script>"]
FILTERS = {
    "/events": ["type", "quad_class", "country", "sector", "actor", "place", "since", "until", "q", "article",
                "source", "_next", "_size", "_format"],
    "/articles": ["since", "until", "source", "q", "_next", "_size"],
    "/actors": ["q", "country", "sector", "_next"],
    "/stats": ["type", "country", "actor", "place", "q", "interval", "by", "_size"],
    "/network": ["actor", "place", "q", "window"],
    "/stories": ["since", "until", "min_articles", "_next"],
}


def _counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("articles", "events", "event_actors", "actors", "places", "quotes")}


def test_web_hostile_filter_values_are_only_values(client: TestClient, db: Path) -> None:
    before = _counts(db)
    for path, names in FILTERS.items():
        for name in names:
            for value in HOSTILE_VALUES:
                response = client.get(path, params={name: value})
                assert response.status_code in (200, 400), (path, name, value, response.text)
                body = response.json()
                if response.status_code == 400:
                    assert set(body["error"]) == {"status", "message"}
                elif path == "/events" and name not in ("_format", "_size"):
                    assert body["rows"] == [], (name, value)  # matched as a value: nothing has it
    assert _counts(db) == before
    assert _ids(client.get("/events")) == ALL_EVENTS


def test_web_api_escapes_hostile_text(client: TestClient) -> None:
    for url in ("/articles/art-hostile", "/events/art-hostile-0", "/events", "/actors", "/network",
                "/stats?interval=all&by=place", "/articles", "/stories"):
        response = client.get(url)
        raw = response.content
        assert b"<" not in raw and b">" not in raw, url  # written as \u003c / \u003e
        assert response.headers["content-type"] == "application/json"
        assert response.headers["x-content-type-options"] == "nosniff"
    article = client.get("/articles/art-hostile").json()
    assert article["title"] == HOSTILE_TITLE  # still the very same text once decoded
    assert "<script>window.__pwned=1;alert('body')</script>" in article["text"]
    page = client.get("/")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "unsafe-inline" not in page.headers["content-security-policy"]


# -- writing over HTTP ------------------------------------------------------------------------------------------------

class FakePipeline:
    """Stands in for the spaCy pipeline: each article becomes a Document without layers."""

    def annotate(self, articles: Any) -> Iterator[Document]:
        for article in articles:
            yield Document(article=article)


def test_web_post_articles_needs_the_token(tmp_path: Path) -> None:
    db = build_sample_db(tmp_path / "write.db")
    app = create_app(db, token="s3cret", pipeline_factory=FakePipeline)
    with TestClient(app, raise_server_exceptions=False) as c:
        article = {"id": "new-1", "title": "Harbour reopens", "text": "The harbour reopened on Monday.",
                   "published": "2024-04-01", "source": "Wire"}
        _error(c.post("/articles", json=article), 401)
        _error(c.post("/articles", json=article, headers={"Authorization": "Bearer wrong"}), 401)
        auth = {"Authorization": "Bearer s3cret"}
        assert _error(c.post("/articles", content=b"{", headers={**auth, "Content-Type": "application/json"}),
                      400) == "body: not valid JSON (Expecting property name enclosed in double quotes at column 2)"
        assert _error(c.post("/articles", content=b"text", headers={**auth, "Content-Type": "text/plain"}),
                      415) == "POST /articles takes application/json"
        assert _error(c.post("/articles", json={"title": "no text"}, headers=auth),
                      400) == "body: article:1: record has no 'text'"
        response = c.post("/articles", json={"articles": [article]}, headers=auth)
        assert response.status_code == 201, response.text
        assert response.json()["stored"] == 1 and response.json()["articles"][0]["url"] == "/articles/new-1"
        again = c.post("/articles", json=[article], headers=auth).json()
        assert again["stored"] == 0 and again["existing"] == 1
        assert c.get("/articles/new-1").json()["text"] == "The harbour reopened on Monday."
        assert "post" in c.get("/openapi.json").json()["paths"]["/articles"]


def test_web_missing_extra_names_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    with pytest.raises(EventwireError) as info:
        create_app(tmp_path / "x.db")
    assert str(info.value) == "the web server needs the web extra (uvicorn is missing): pip install 'eventwire[web]'"


def test_web_cli_serve_refuses_a_missing_database(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from eventwire.cli import main

    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert result.output.strip() == (f"Error: --db {tmp_path / 'none.db'}: no such database "
                                     f"(create it with `eventwire ingest PATH --db {tmp_path / 'none.db'}`)")


# -- hostile parameters and bodies (issue #16): a 400 or 404, never a 500 ----------------------------------------

def _token(payload: list[Any]) -> str:
    import base64

    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


BIG = 10**21 + 7  # 22 digits: more than a database integer holds
LISTING_CURSORS = {"events": ("e", [None, 1]), "articles": ("a", [None, 1]), "actors": ("c", ["a"]),
                   "stories": ("s", [1])}


def _forged(kind: str, cursor: list[Any]) -> list[tuple[str, str]]:
    """Tokens of the listing's own shape whose values no database can be asked about, and garbage."""
    return [
        ("22 digits, last", _token([kind, *cursor[:-1], BIG])),
        ("22 digits, negative", _token([kind, *cursor[:-1], -BIG])),
        ("22 digits everywhere", _token([kind, *[BIG] * len(cursor)])),
        ("lone surrogate, first", _token([kind, "\ud800", *cursor[1:]])),
        ("lone surrogate everywhere", _token([kind, *["\udfff"] * len(cursor)])),
        ("garbage base64", "____-AAAA"),
        ("not base64", "A"),
        ("22 digits as the token", "9" * 22),
    ]


@pytest.mark.parametrize(("path", "label", "token"), [
    (path, label, token) for path, (kind, cursor) in LISTING_CURSORS.items() for label, token in _forged(kind, cursor)
])
def test_web_forged_next_tokens_are_400(client: TestClient, path: str, label: str, token: str) -> None:
    assert _error(client.get(f"/{path}", params={"_next": token}), 400) == (
        "parameter _next: not a token given by this listing")


@pytest.mark.parametrize("story_id", ["99999999999999999999", "9223372036854775808", "-1", "1e5", "0x10", "%ED%A0%80"])
def test_web_story_id_out_of_range_is_404(client: TestClient, story_id: str) -> None:
    assert _error(client.get(f"/stories/{story_id}"), 404) == "no story with this id"


@pytest.mark.parametrize(("body", "message"), [
    (b'{"text": "a lone \\ud800 surrogate", "title": "x"}',
     "body: article:1: 'text' is not valid Unicode (lone surrogate U+D800 at position 8)"),
    (b"[" * 1100 + b"]" * 1100, "body: JSON nested too deeply"),
    (b'{"a":' * 1100 + b"1" + b"}" * 1100, "body: JSON nested too deeply"),
    (b'{"text": "x", "id": ' + b"9" * 5000 + b"}", "body: JSON number too long (over 4,300 digits)"),
    (b'{"text": ' + b"9" * 22 + b"}", "body: article:1: 'text' must be a string, got int"),
    (b'{"text": "\xff"}', "body: not valid UTF-8"),
])
def test_web_post_hostile_json_is_400(tmp_path: Path, body: bytes, message: str) -> None:
    db = build_sample_db(tmp_path / "hostile-post.db")
    with TestClient(create_app(db, token="s3cret", pipeline_factory=FakePipeline), raise_server_exceptions=False) as c:
        headers = {"Authorization": "Bearer s3cret", "Content-Type": "application/json"}
        assert _error(c.post("/articles", content=body, headers=headers), 400) == message


SECURITY = {"x-content-type-options": "nosniff"}


@pytest.mark.parametrize(("method", "url", "status"), [
    ("GET", "/", 200), ("GET", "/static/app.js", 200), ("GET", "/static/app.css", 200), ("GET", "/static", 307),
    ("GET", "/static/none.js", 404), ("GET", "/openapi.json", 200), ("GET", "/world.geojson", 200),
    ("GET", "/events", 200), ("GET", "/events.csv", 200), ("GET", "/events?zz=1", 400), ("GET", "/nowhere", 404),
    ("POST", "/articles", 405), ("DELETE", "/events", 405), ("GET", "/stories/99999999999999999999", 404),
])
def test_web_security_headers_on_every_response(client: TestClient, method: str, url: str, status: int) -> None:
    response = client.request(method, url, follow_redirects=False)
    assert response.status_code == status
    assert response.headers["x-content-type-options"] == "nosniff"
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert response.headers.get_list("content-security-policy") == [csp]  # once, not doubled by the outer layer


def test_web_security_headers_on_server_errors_and_refused_bodies(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from eventwire.store import queries

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(queries, "list_events", broken)
    with TestClient(create_app(db, token="s3cret", max_body=10), raise_server_exceptions=False) as c:
        answers = [c.get("/events"), c.post("/articles", content=b"x" * 100,
                                            headers={"Authorization": "Bearer s3cret",
                                                     "Content-Type": "application/json"})]
    assert [a.status_code for a in answers] == [500, 413]
    for answer in answers:
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]


def test_web_origin_path_hidden_unless_show_paths(tmp_path: Path) -> None:
    """A stored article's origin_path is a file on the server: left out of the API unless asked for."""
    from eventwire.records import Article, Origin

    db = tmp_path / "paths.db"
    secret = str(tmp_path / "private" / "feed.jsonl")
    with open_store(db) as store:
        list(store.write([Document(article=Article("p1", "Body text.", "Title", "2024-01-01",
                                                   origin=Origin(secret, 3)))]))
    for show_paths in (False, True):
        with TestClient(create_app(db, show_paths=show_paths), raise_server_exceptions=False) as c:
            answers = [c.get("/articles"), c.get("/articles.csv"), c.get("/articles/p1"), c.get("/openapi.json")]
            assert all(a.status_code == 200 for a in answers)
            assert all((secret in a.text) is show_paths for a in answers[:3])
            row = answers[0].json()["rows"][0]
            assert ("origin_path" in row) is show_paths and row["origin_line"] == 3
            schema = answers[3].json()["paths"]["/articles/{id}"]["get"]["responses"]["200"]["content"]
            assert ("origin_path" in json.dumps(schema)) is show_paths


# -- the OpenAPI document, under schemathesis -------------------------------------------------------------------------

def test_web_openapi_document_is_served(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    assert {"/events", "/events/{id}", "/articles", "/articles/{id}", "/actors", "/stats", "/stories"} <= set(doc["paths"])
    assert "post" not in doc["paths"]["/articles"]  # read-only server


schemathesis = pytest.importorskip("schemathesis")


@pytest.fixture(scope="module")
def api_schema(db: Path) -> Any:
    from hypothesis import strategies as st

    from eventwire.web.params import TOKEN_KINDS, encode_token

    # Page tokens are opaque to clients; valid ones are made the way the server makes them.
    day = st.one_of(st.none(), st.dates().map(str))
    rowid = st.integers(min_value=0, max_value=10**9)
    cursors: dict[str, st.SearchStrategy[tuple[Any, ...]]] = {
        "events": st.tuples(day, rowid), "articles": st.tuples(day, rowid),
        "actors": st.tuples(st.text(max_size=20)), "stories": st.tuples(rowid)}
    for listing, cursor in cursors.items():
        def token(c: tuple[Any, ...], kind: str = TOKEN_KINDS[listing]) -> str:
            return encode_token(kind, c)

        schemathesis.openapi.format(f"eventwire-next-{listing}", cursor.map(token))
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(db))


def test_web_schemathesis_conformance(api_schema: Any) -> None:
    """Every operation, with generated valid and invalid parameters: no 500, answers match the document."""
    from hypothesis import HealthCheck, given, settings

    failures: list[str] = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
        def check(case: Any) -> None:
            case.call_and_validate()

        try:
            check()
        except Exception as exc:  # noqa: BLE001 (collect every operation's failure, then fail once)
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.slow
def test_web_post_articles_runs_the_pipeline(tmp_path: Path) -> None:
    """The real spaCy pipeline behind POST /articles: the stored article has its layers and events."""
    db = build_sample_db(tmp_path / "pipeline.db")
    with TestClient(create_app(db, token="t0ken"), raise_server_exceptions=False) as c:
        text = ("Russian forces shelled the city of Kharkiv on Monday, Ukrainian officials said. "
                "\"The attack destroyed two schools,\" the regional governor told reporters.")
        response = c.post("/articles", json={"id": "kharkiv-1", "title": "Shelling in Kharkiv", "text": text,
                                             "published": "2024-05-06", "source": "Wire"},
                          headers={"Authorization": "Bearer t0ken"})
        assert response.status_code == 201, response.text
        article = c.get("/articles/kharkiv-1").json()
        assert article["text"] == text and article["entities"] and article["places"]
        # The listing is newest first, the article in text order: the same events.
        assert sorted(e["id"] for e in c.get("/events", params={"article": "kharkiv-1"}).json()["rows"]) == sorted(
            e["id"] for e in article["events"])


def test_web_serve_workers_answer_from_several_processes(db: Path) -> None:
    # `eventwire serve --workers 2` as a user runs it: two processes share the port and both answer, each with the
    # same data and the same security headers; Ctrl-C stops them all.
    import os
    import urllib.request

    from eventwire.web.testing import serve_in_processes

    with serve_in_processes(db, 2) as (base, pid):
        with urllib.request.urlopen(base + "/stats") as response:
            assert response.status == 200
        children = [int(c) for c in os.popen(f"pgrep -P {pid}").read().split()]
        workers = [c for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]
        assert len(workers) == 2, children
        bodies = set()
        for _ in range(20):
            with urllib.request.urlopen(base + "/events?_size=100") as response:
                assert response.headers["X-Content-Type-Options"] == "nosniff"
                assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
                bodies.add(response.read())
        assert len(bodies) == 1
        assert {e["id"] for e in json.loads(bodies.pop())["rows"]} >= ALL_EVENTS
    assert not any(Path(f"/proc/{c}").exists() for c in [pid, *workers])
