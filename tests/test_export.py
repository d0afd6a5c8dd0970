"""Event exports (JSON Lines, CSV, PLOVER, GDELT) over rows built from real pipeline output."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from typing import Any

import pytest
from spacy.language import Language

from eventwire.errors import UsageError
from eventwire.export import CSV_COLUMNS, GDELT_COLUMNS, write_events
from eventwire.pipeline import Pipeline
from eventwire.records import Article

ARTICLE = Article(
    id="a1",
    title="Greece and Bulgaria open talks",
    text=(
        "Greece and Bulgaria began negotiating in Sofia on a new border agreement. "
        "Turkey carried out airstrikes in northern Iraq. "
        "The weather was mild."
    ),
    published="2026-03-01",
    url="https://news.example/a1",
    source="Example News",
)


@pytest.fixture(scope="module")
def rows(nlp: Language) -> list[dict[str, Any]]:
    """Rows shaped as the store returns them: id, the article's fields, and the event as a dict."""
    doc = next(Pipeline(nlp=nlp).annotate([ARTICLE]))
    art = {k: getattr(ARTICLE, k) for k in ("id", "title", "published", "url", "source")}
    return [{"id": f"a1-{i}", "article": art, **dataclasses.asdict(ev)} for i, ev in enumerate(doc.events)]


def _by_type(rows: list[dict[str, Any]], etype: str) -> dict[str, Any]:
    return next(r for r in rows if r["type"] == etype)


def test_export_rows_come_from_pipeline(rows: list[dict[str, Any]]) -> None:
    assert {r["type"] for r in rows} >= {"CONSULT", "ASSAULT"}


def test_export_jsonl_round_trips(rows: list[dict[str, Any]]) -> None:
    out = io.StringIO()
    assert write_events(rows, "jsonl", out) == len(rows)
    back = [json.loads(line) for line in out.getvalue().splitlines()]
    assert back == json.loads(json.dumps(rows))


def test_export_csv_has_flat_columns_and_joined_compound_actors(rows: list[dict[str, Any]]) -> None:
    out = io.StringIO()
    assert write_events(rows, "csv", out) == len(rows)
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(table[0]) == CSV_COLUMNS
    talks = next(r for r in table if r["type"] == "CONSULT")
    assert talks["source_country"] == "GRC; BGR"
    assert talks["url"] == "https://news.example/a1" and talks["outlet"] == "Example News"
    assert talks["sentence"].startswith("Greece and Bulgaria began negotiating")
    assert talks["place"] == "Sofia"


def test_export_plover_writes_plover_fields(rows: list[dict[str, Any]]) -> None:
    out = io.StringIO()
    write_events(rows, "plover", out)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    strike = next(r for r in records if r["event_type"] == "ASSAULT")
    assert (strike["src_actor"], strike["tgt_actor"]) == ("TUR", "IRQ")
    assert strike["context"] == ["military"] and strike["mode"] == "heavy-weapons"
    assert strike["text"] == "Turkey carried out airstrikes in northern Iraq."
    assert strike["url"] == "https://news.example/a1" and strike["date"] == "2026-03-01"
    assert strike["trigger"]["text"] == "airstrikes"


def test_export_gdelt_writes_the_event_table(rows: list[dict[str, Any]]) -> None:
    out = io.StringIO()
    n = write_events(rows, "gdelt", out)
    lines = out.getvalue().splitlines()
    assert lines[0].split("\t") == list(GDELT_COLUMNS) and len(GDELT_COLUMNS) == 61
    table = list(csv.DictReader(io.StringIO(out.getvalue()), delimiter="\t"))
    assert n == len(table) and all(len(line.split("\t")) == 61 for line in lines)
    strike = next(r for r in table if r["EventRootCode"] == "19")
    assert (strike["Actor1CountryCode"], strike["Actor2CountryCode"]) == ("TUR", "IRQ")
    assert strike["EventCode"] == "195" and strike["EventBaseCode"] == "195" and strike["QuadClass"] == "4"
    assert (strike["Day"], strike["MonthYear"], strike["Year"]) == ("20260301", "202603", "2026")
    assert strike["SOURCEURL"] == "https://news.example/a1"
    assert strike["ActionGeo_CountryCode"] == "IRQ"
    # a compound source is one line per actor pair, ids suffixed
    talks = [r for r in table if r["EventRootCode"] == "04"]
    assert [r["Actor1CountryCode"] for r in talks] == ["GRC", "BGR"]
    assert [r["GlobalEventID"] for r in talks] == [
        f"{talks[0]['GlobalEventID'][:-2]}-1",
        f"{talks[0]['GlobalEventID'][:-2]}-2",
    ]
    assert talks[0]["IsRootEvent"] == "1" and talks[0]["ActionGeo_FullName"].startswith("Sofia")


@pytest.mark.parametrize(("fmt", "lines"), [("jsonl", 0), ("plover", 0), ("csv", 1), ("gdelt", 1), ("acled", 1)])
def test_export_no_rows_writes_no_records(fmt: str, lines: int) -> None:
    out = io.StringIO()
    assert write_events([], fmt, out) == 0
    assert len(out.getvalue().splitlines()) == lines


def test_export_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as err:
        write_events([], "xml", io.StringIO())
    assert str(err.value) == "--format xml: unknown export format (known: acled, csv, gdelt, jsonl, plover)"


@pytest.mark.parametrize(
    ("place", "geo_type"),
    [
        ({"feature": "PCLI", "country": "USA", "lat": 39.8, "lon": -98.5}, 1),
        ({"feature": "ADM1", "country": "USA", "lat": 31.1, "lon": -91.9}, 2),
        ({"feature": "PPL", "country": "USA", "lat": 29.9, "lon": -90.1}, 3),
        ({"feature": "PPLC", "country": "BGR", "lat": 42.7, "lon": 23.3}, 4),
        ({"feature": "ADM1", "country": "CAN", "lat": 52.1, "lon": -122.2}, 5),
        ({"feature": "RGN", "country": None, "lat": None, "lon": None}, ""),
    ],
)
def test_export_gdelt_geo_type_tells_us_states_and_cities_apart(place: dict[str, Any], geo_type: int | str) -> None:
    from eventwire.export import _geo_type

    assert _geo_type(place) == geo_type
