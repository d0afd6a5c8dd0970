"""Read queries behind the HTTP API: filtered listings paged by keyset (never OFFSET), single records with every
layer, and the aggregates the page draws (counts per period, map points, the actor network).

Every function takes an open ``sqlite3.Connection`` and plain values; user values only ever travel as bound
parameters, never inside the SQL text. Listings return ``(rows, cursor)``, where the cursor is the sort key of the
last row when another page exists, so that page n costs what page 1 does on a million events.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..records import Actor, Article, Document, Event, Mention, Place, Span

# A listing's cursor: the sort key of the last row shown (a date or None, then the rowid).
Cursor = tuple[Any, ...]


@dataclass(frozen=True)
class EventFilter:
    """The event filters of the API. Each is one more condition (AND); dates are YYYY-MM-DD, bounds inclusive."""

    types: tuple[str, ...] = ()
    quad_classes: tuple[int, ...] = ()
    country: str | None = None  # an actor of the event, or its place, is in this country (ISO3)
    sector: str | None = None  # an actor of the event has this PLOVER sector
    actor: str | None = None  # an actor's name (any case) or CAMEO-style code
    place: str | None = None  # the event's place name (any case)
    since: str | None = None
    until: str | None = None
    search: str | None = None  # full-text search in the articles the events come from
    article: str | None = None
    source: str | None = None  # the outlet of the article
    acled_types: tuple[str, ...] = ()  # ACLED event types (exact names, e.g. "Battles")
    acled_sub_types: tuple[str, ...] = ()  # ACLED sub-event types (e.g. "Air/drone strike")


@dataclass(frozen=True)
class ArticleFilter:
    since: str | None = None
    until: str | None = None
    source: str | None = None
    search: str | None = None


def match_query(text: str) -> str:
    """The user's words as an FTS5 query of quoted phrases, so that quotes, dashes and keywords never break its
    syntax; control characters (a NUL ends SQLite's string early) are dropped."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in text).replace('"', " ")
    return " ".join(f'"{w}"' for w in cleaned.split()) or '""'


def date_conditions(column: str, since: str | None, until: str | None) -> tuple[list[str], list[Any]]:
    """Inclusive bounds on an ISO date column. The upper bound is the day after, exclusive: the date index stays
    usable and datetimes within the last day are taken."""
    where: list[str] = []
    params: list[Any] = []
    if since:
        where.append(f"{column} >= ?")
        params.append(since)
    if until:
        where.append(f"{column} < ? AND {column} <> ''")
        params.append(_day_after(until))
    return where, params


def article_conditions(f: ArticleFilter, common: bool = False) -> tuple[list[str], list[Any]]:
    """SQL conditions on ``articles a`` for a filter; ``common`` says the search words are common ones."""
    where, params = date_conditions("a.published", f.since, f.until)
    if f.source:
        where.append("a.source = ?")
        params.append(f.source)
    if f.search and common:
        where.append("EXISTS (SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? AND articles_fts.rowid = a.rowid)")
        params.append(match_query(f.search))
    elif f.search:
        where.append("a.rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        params.append(match_query(f.search))
    return where, params


def _day_after(day: str) -> str:
    """The first ISO value after a day, a month ("2026-03" -> "2026-04") or a year, as an exclusive bound."""
    try:
        if len(day) == 4:
            return f"{int(day) + 1:04d}"
        if len(day) == 7:
            year, month = int(day[:4]), int(day[5:])
            return f"{year + month // 12:04d}-{month % 12 + 1:02d}"
        return (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    except OverflowError:  # 9999-12-31: anything after every ISO date
        return day + "~"


# Above this share of articles, a search word is checked article by article (events come in date order and a page
# fills quickly); below it, the few matching articles are looked up first.
COMMON_WORD_SHARE = 0.02


def common_search(conn: sqlite3.Connection, text: str | None) -> bool:
    """Whether every word of a search is in many articles, so that testing each candidate beats listing matches."""
    words = re.findall(r"\w+", (text or "").lower())
    if not words or getattr(conn, "dialect", "sqlite") != "sqlite":  # PostgreSQL's planner weighs this itself
        return False
    try:
        total = conn.execute("SELECT MAX(rowid) FROM articles").fetchone()[0] or 0
        # A word is common when more than the share of articles hold it: the match just past that many exists.
        # Asking for that one match reads no further, where counting the word's articles reads all of them.
        past = math.floor(COMMON_WORD_SHARE * total)
        return bool(total) and all(
            conn.execute("SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? LIMIT 1 OFFSET ?",
                         (f'"{w}"', past)).fetchone() is not None
            for w in words
        )
    except sqlite3.OperationalError:
        return False


def event_conditions(
    f: EventFilter, date_column: str = "e.date", country: bool = True, common: bool = False
) -> tuple[list[str], list[Any]]:
    """SQL conditions on ``events e`` for a filter, with their parameters; ``country=False`` leaves the country to
    the caller (the listing reads it from ``event_countries``), ``common`` says the search words are common ones."""
    where: list[str] = []
    params: list[Any] = []
    if f.types:
        where.append(f"e.type IN ({', '.join('?' * len(f.types))})")
        params += [t.upper() for t in f.types]
    if f.quad_classes:
        where.append(f"e.quad_class IN ({', '.join('?' * len(f.quad_classes))})")
        params += list(f.quad_classes)
    if f.acled_types:
        where.append(f"e.acled_type IN ({', '.join('?' * len(f.acled_types))})")
        params += list(f.acled_types)
    if f.acled_sub_types:
        where.append(f"e.acled_sub_type IN ({', '.join('?' * len(f.acled_sub_types))})")
        params += list(f.acled_sub_types)
    if f.country and country:
        # Correlated EXISTS, not IN (subquery): a common country would otherwise be materialised whole before the
        # first row of a page could be returned.
        where.append("(e.place_country = ? OR EXISTS (SELECT 1 FROM event_actors x "
                     "WHERE x.event_id = e.id AND x.country = ?))")
        params += [f.country.upper()] * 2
    if f.sector:
        where.append("EXISTS (SELECT 1 FROM event_actors x WHERE x.event_id = e.id AND x.sector = ?)")
        params.append(f.sector.upper())
    if f.actor:
        # Names are selective: let the actor indexes drive (0003_api_indexes.sql).
        where.append("e.id IN (SELECT event_id FROM event_actors WHERE name = ? COLLATE NOCASE "
                     "UNION SELECT event_id FROM event_actors WHERE code = ?)")
        params += [f.actor, f.actor.upper()]
    if f.place:
        where.append("e.place_name = ? COLLATE NOCASE")
        params.append(f.place)
    dates, date_params = date_conditions(date_column, f.since, f.until)
    where += dates
    params += date_params
    if f.search and common:
        where.append("EXISTS (SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? AND articles_fts.rowid = "
                     "(SELECT a.rowid FROM articles a WHERE a.id = e.article_id))")
        params.append(match_query(f.search))
    elif f.search:
        where.append("e.article_id IN (SELECT a.id FROM articles a WHERE a.rowid IN "
                     "(SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?))")
        params.append(match_query(f.search))
    if f.article:
        where.append("e.article_id = ?")
        params.append(f.article)
    if f.source:
        where.append("e.article_id IN (SELECT id FROM articles WHERE source = ?)")
        params.append(f.source)
    return where, params


def _keyset_page(
    conn: sqlite3.Connection, select: str, where: list[str], params: list[Any], column: str, rowid: str,
    after: Cursor | None, size: int, nullable: bool = True,
) -> tuple[list[sqlite3.Row], Cursor | None]:
    """Rows ordered by ``column`` descending (NULLs last), then rowid descending, after a cursor.

    Dated and undated rows are read by two queries rather than one OR, so each is a plain index range.
    """
    rows: list[sqlite3.Row] = []
    after_value, after_rowid = (after if after else (None, None))
    if after is None or after_value is not None:
        clauses = [*where, f"{column} IS NOT NULL"]
        args = list(params)
        if after is not None:
            clauses.append(f"{column} <= ? AND ({column} < ? OR {rowid} < ?)")
            args += [after_value, after_value, after_rowid]
        sql = f"{select} WHERE {' AND '.join(clauses)} ORDER BY {column} DESC, {rowid} DESC LIMIT ?"
        rows = conn.execute(sql, [*args, size + 1]).fetchall()
    if len(rows) <= size and nullable:
        clauses = [*where, f"{column} IS NULL"]
        args = list(params)
        if after is not None and after_value is None:
            clauses.append(f"{rowid} < ?")
            args.append(after_rowid)
        # All NULL, so ordering by the column too changes nothing, but lets PostgreSQL read the same index in order
        # (IS NULL is not an equality to its planner).
        sql = f"{select} WHERE {' AND '.join(clauses)} ORDER BY {column} DESC, {rowid} DESC LIMIT ?"
        rows += conn.execute(sql, [*args, size + 1 - len(rows)]).fetchall()
    if len(rows) > size:
        last = rows[size - 1]
        return rows[:size], (last["_sort"], last["_rowid"])
    return rows, None


# -- events -----------------------------------------------------------------------------------------------------------

def list_events(
    conn: sqlite3.Connection, f: EventFilter, after: Cursor | None = None, size: int = 50
) -> tuple[list[dict[str, Any]], Cursor | None]:
    """Events newest first (undated last), in the export row shape of ``eventwire events``."""
    if f.country:
        # One country's events come from its rows of event_countries, already in date order (undated: ''); the
        # CROSS JOIN keeps SQLite from starting with another index and sorting.
        where, params = event_conditions(f, date_column="c.date", country=False,
                                         common=common_search(conn, f.search))
        keys, key_params = ["c.country = ?"], [f.country.upper()]
        if len(f.types) == 1:  # the rows carry the event's type: one type is one range of their index
            keys.append("c.type = ?")
            key_params.append(f.types[0].upper())
        rows, cursor = _keyset_page(
            conn, "SELECT e.*, c.event_rowid AS _rowid, c.date AS _sort FROM event_countries c "
            "CROSS JOIN events e ON e.rowid = c.event_rowid",
            [*keys, *where], [*key_params, *params], "c.date", "c.event_rowid", after, size, nullable=False,
        )
        return event_dicts(conn, rows), cursor
    where, params = event_conditions(f, common=common_search(conn, f.search))
    rows, cursor = _keyset_page(
        conn, "SELECT e.*, e.rowid AS _rowid, e.date AS _sort FROM events e", where, params, "e.date", "e.rowid",
        after, size,
    )
    return event_dicts(conn, rows), cursor


def get_event(conn: sqlite3.Connection, event_id: str) -> dict[str, Any] | None:
    """One event with its evidence: the spans it was coded from and the article they index."""
    row = conn.execute("SELECT * FROM events WHERE id = ?", (event_id,)).fetchone()
    if row is None:
        return None
    return event_dicts(conn, [row])[0]


def event_dicts(conn: sqlite3.Connection, rows: Sequence[sqlite3.Row]) -> list[dict[str, Any]]:
    """Export-shaped events for rows of ``events``; actors and articles are fetched for the whole page at once."""
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    actors: dict[str, dict[str, list[dict[str, Any]]]] = {i: {"source": [], "target": []} for i in ids}
    for chunk in _chunks(ids, 500):
        for x in conn.execute(
            f'SELECT event_id, role, text, name, country, sector, code, start, "end", entity FROM event_actors '
            f"WHERE event_id IN ({', '.join('?' * len(chunk))}) ORDER BY event_id, role, position", chunk,
        ):
            actors[x["event_id"]][x["role"]].append({
                "text": x["text"], "name": x["name"], "country": x["country"], "sector": x["sector"],
                "code": x["code"], "start": x["start"], "end": x["end"], "id": x["entity"],
            })
    article_ids = list(dict.fromkeys(r["article_id"] for r in rows))
    articles: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(article_ids, 500):
        for a in conn.execute(
            f"SELECT id, title, published, url, source FROM articles WHERE id IN ({', '.join('?' * len(chunk))})",
            chunk,
        ):
            articles[a["id"]] = dict(a)
    return [_event_dict(r, actors[r["id"]], articles.get(r["article_id"], {"id": r["article_id"]})) for r in rows]


def _event_dict(row: sqlite3.Row, roles: dict[str, list[dict[str, Any]]], article: dict[str, Any]) -> dict[str, Any]:
    place = None
    if row["place_text"] is not None:
        place = {"text": row["place_text"], "start": row["place_start"], "end": row["place_end"],
                 "name": row["place_name"], "country": row["place_country"], "admin1": row["place_admin1"],
                 "lat": row["place_lat"], "lon": row["place_lon"], "geonames_id": row["place_geonames_id"],
                 "feature": row["place_feature"], "field": "text"}  # an event's place is in the body
    return {
        "id": row["id"],
        "article": article,
        "type": row["type"],
        "sentence": {"start": row["sentence_start"], "end": row["sentence_end"], "text": row["sentence_text"],
                     "field": row["sentence_field"]},
        "trigger": {"start": row["trigger_start"], "end": row["trigger_end"], "text": row["trigger_text"],
                    "field": row["trigger_field"]},
        "mode": row["mode"],
        "cameo": row["cameo"],
        "quad_class": row["quad_class"],
        "source": roles["source"],
        "target": roles["target"],
        "negated": bool(row["negated"]),
        "hypothetical": bool(row["hypothetical"]),
        "future": bool(row["future"]),
        "date": row["date"],
        "date_precision": row["date_precision"],
        "place": place,
        "confidence": row["confidence"],
        "mentions": json.loads(row["mentions"] or "[]"),
        "acled_type": row["acled_type"],
        "acled_sub_type": row["acled_sub_type"],
    }


def stored_document(conn: sqlite3.Connection, article_id: str) -> Document | None:
    """A stored article rebuilt with what duplicate detection and stories read: the article, its entities and its
    events (actors' countries, place, date, flags)."""
    row = conn.execute("SELECT id, title, published, published_from, url, source, author, text FROM articles "
                       "WHERE id = ?", (article_id,)).fetchone()
    if row is None:
        return None
    entities = tuple(Mention(m["text"], m["label"], m["start"], m["end"]) for m in conn.execute(
        'SELECT text, label, start, "end" FROM entities WHERE article_id = ? ORDER BY start, id', (article_id,)))
    rows = conn.execute("SELECT * FROM events WHERE article_id = ? ORDER BY position", (article_id,)).fetchall()
    return Document(article=Article(**dict(row)), entities=entities,
                    events=tuple(_event_record(d) for d in event_dicts(conn, rows)))


def _event_record(d: dict[str, Any]) -> Event:
    def span(x: dict[str, Any]) -> Span:
        return Span(x["start"], x["end"], x["text"], x.get("field") or "text")

    def known(cls: type, x: dict[str, Any]) -> Any:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in x.items() if k in names})

    return Event(
        type=d["type"], sentence=span(d["sentence"]), trigger=span(d["trigger"]), mode=d["mode"], cameo=d["cameo"],
        quad_class=d["quad_class"], source=tuple(known(Actor, a) for a in d["source"]),
        target=tuple(known(Actor, a) for a in d["target"]), negated=d["negated"], hypothetical=d["hypothetical"],
        future=d["future"], date=d["date"], date_precision=d["date_precision"],
        place=known(Place, d["place"]) if d["place"] else None, confidence=d["confidence"],
        mentions=tuple(span(m) for m in d["mentions"]), acled_type=d.get("acled_type"),
        acled_sub_type=d.get("acled_sub_type"),
    )


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


# -- articles ---------------------------------------------------------------------------------------------------------

_ARTICLE_COLUMNS = ("id", "title", "published", "published_from", "url", "source", "author", "origin_path",
                    "origin_line", "ingested_at")


def list_articles(
    conn: sqlite3.Connection, f: ArticleFilter, after: Cursor | None = None, size: int = 50
) -> tuple[list[dict[str, Any]], Cursor | None]:
    """Articles newest first (undated last), without their text, with how many events each gave."""
    where, params = article_conditions(f, common=common_search(conn, f.search))
    columns = ", ".join(f"a.{c}" for c in _ARTICLE_COLUMNS)
    rows, cursor = _keyset_page(
        conn,
        f"SELECT {columns}, (SELECT COUNT(*) FROM events e WHERE e.article_id = a.id) AS events, "
        "a.rowid AS _rowid, a.published AS _sort FROM articles a",
        where, params, "a.published", "a.rowid", after, size,
    )
    return [{c: r[c] for c in (*_ARTICLE_COLUMNS, "events")} for r in rows], cursor


def get_article(conn: sqlite3.Connection, article_id: str) -> dict[str, Any] | None:
    """One article with every layer: captions, entities, actors, places, dates, quotes and its events."""
    row = conn.execute(f"SELECT {', '.join(_ARTICLE_COLUMNS)}, text FROM articles WHERE id = ?",
                       (article_id,)).fetchone()
    if row is None:
        return None
    out: dict[str, Any] = dict(row)
    one = (article_id,)
    out["captions"] = [dict(r) for r in conn.execute(
        "SELECT text, credit FROM captions WHERE article_id = ? ORDER BY position", one)]
    out["entities"] = [dict(r) for r in conn.execute(
        'SELECT text, label, start, "end" FROM entities WHERE article_id = ? ORDER BY start, id', one)]
    out["actors"] = [dict(r) for r in conn.execute(
        'SELECT text, name, country, sector, code, start, "end", entity AS id FROM actors '
        "WHERE article_id = ? ORDER BY start, id", one)]
    out["places"] = [dict(r) for r in conn.execute(
        'SELECT text, start, "end", name, country, admin1, lat, lon, geonames_id, feature, field FROM places '
        "WHERE article_id = ? ORDER BY field <> 'text', field, start, id", one)]  # body, then captions
    out["dates"] = [dict(r) for r in conn.execute(
        'SELECT text, start, "end", value, precision, type FROM dates WHERE article_id = ? ORDER BY start, id', one)]
    quotes = []
    for q in conn.execute("SELECT * FROM quotes WHERE article_id = ? ORDER BY start, id", one):
        speaker = None
        if q["speaker_text"] is not None:
            speaker = {"text": q["speaker_text"], "name": q["speaker_name"], "country": q["speaker_country"],
                       "sector": q["speaker_sector"], "code": q["speaker_code"], "start": q["speaker_start"],
                       "end": q["speaker_end"]}
        quotes.append({"text": q["text"], "start": q["start"], "end": q["end"], "kind": q["kind"], "cue": q["cue"],
                       "cue_start": q["cue_start"], "cue_end": q["cue_end"], "speaker": speaker})
    out["quotes"] = quotes
    events = conn.execute("SELECT * FROM events WHERE article_id = ? ORDER BY position", one).fetchall()
    out["events"] = event_dicts(conn, events)
    return out


# -- actors -----------------------------------------------------------------------------------------------------------

def list_actors(
    conn: sqlite3.Connection, prefix: str | None = None, country: str | None = None, sector: str | None = None,
    after: Cursor | None = None, size: int = 50,
) -> tuple[list[dict[str, Any]], Cursor | None]:
    """Named actors of events in name order (any case), with how often each is a source and a target.

    Grouping follows the NOCASE name index, so a page reads only the rows of the names it shows.
    """
    where = ["name IS NOT NULL"]
    params: list[Any] = []
    if prefix:
        # A prefix as a range: the index serves it, and LIKE's wildcards in user text mean nothing here.
        where.append("name >= ? COLLATE NOCASE AND name < ? COLLATE NOCASE")
        params += [prefix, prefix + "\U0010ffff"]
    if country:
        where.append("country = ?")
        params.append(country.upper())
    if sector:
        where.append("sector = ?")
        params.append(sector.upper())
    if after:
        where.append("name > ? COLLATE NOCASE")
        params.append(after[0])
    sql = (
        "SELECT MIN(name) AS name, MAX(country) AS country, MAX(sector) AS sector, MAX(code) AS code, COUNT(*) AS events, "
        "SUM(role = 'source') AS as_source, SUM(role = 'target') AS as_target FROM event_actors "
        f"WHERE {' AND '.join(where)} GROUP BY name COLLATE NOCASE ORDER BY name COLLATE NOCASE LIMIT ?"
    )
    rows = [dict(r) for r in conn.execute(sql, [*params, size + 1])]
    if len(rows) > size:
        return rows[:size], (rows[size - 1]["name"],)
    return rows, None


# -- aggregates -------------------------------------------------------------------------------------------------------

STATS_INTERVALS = {"day": 10, "month": 7, "year": 4, "all": 0}
STATS_DIMENSIONS = ("type", "quad_class", "country", "place", "none")


def stats(
    conn: sqlite3.Connection, f: EventFilter, interval: str = "month", by: str = "type", limit: int = 10_000,
    window: int | None = None,
) -> list[dict[str, Any]]:
    """Event counts per period (day, month, year, or all) and per type, quad class, country or place.

    ``country`` counts the events that involve each country (an actor of it, or the place), so one event may count
    for several; ``place`` gives map points (name, country, mean coordinates), busiest first. Other rows are ordered
    by period then key. With ``window``, only the most recent ``window`` matching events are counted. Filters on
    type, quad class, country and dates are answered from the counts kept by triggers (0003_api_indexes.sql);
    the others count the matching events themselves.
    """
    if window is None and _counts_answer(f, by):
        return _stats_from_counts(conn, f, interval, by, limit)
    width = STATS_INTERVALS[interval]
    where, params = event_conditions(f)
    source = "events e"
    if window is not None:
        columns = "e.id, e.date, e.type, e.quad_class, e.place_name, e.place_country, e.place_lat, e.place_lon"
        source = f"(SELECT {columns} FROM events e {_where(where)} ORDER BY e.date DESC, e.rowid DESC LIMIT ?) e"
        params = [*params, window]
        where = []
    period = f"substr(e.date, 1, {width})" if width else "NULL"
    if by == "place":
        sql = (
            f"SELECT {period} AS period, e.place_name AS key, e.place_country AS country, AVG(e.place_lat) AS lat, "
            f"AVG(e.place_lon) AS lon, COUNT(*) AS count FROM {source} {_where([*where, 'e.place_lat IS NOT NULL'])} "
            "GROUP BY period, e.place_name, e.place_country ORDER BY count DESC, key LIMIT ?"
        )
        return [dict(r) for r in conn.execute(sql, [*params, limit])]
    if by == "country":
        # Each (event, country) pair once: the place's country and every actor's country.
        sql = (
            "SELECT period, key, COUNT(*) AS count FROM ("
            f"SELECT e.id, {period} AS period, e.place_country AS key FROM {source} "
            f"{_where([*where, 'e.place_country IS NOT NULL'])} UNION "
            f"SELECT e.id, {period}, x.country FROM {source} JOIN event_actors x ON x.event_id = e.id "
            f"{_where([*where, 'x.country IS NOT NULL'])}"
            ") pairs GROUP BY period, key ORDER BY period, key LIMIT ?"
        )
        return [dict(r) for r in conn.execute(sql, [*params, *params, limit])]
    key = {"type": "e.type", "quad_class": "e.quad_class", "none": "NULL"}[by]
    sql = (
        f"SELECT {period} AS period, {key} AS key, COUNT(*) AS count FROM {source} {_where(where)} "
        "GROUP BY period, key ORDER BY period, key LIMIT ?"
    )
    return [dict(r) for r in conn.execute(sql, [*params, limit])]


def _counts_answer(f: EventFilter, by: str) -> bool:
    """Whether the kept counts hold the answer: only type, quad class, country and date filters, and no split by
    country within one country's events."""
    others = (f.sector, f.actor, f.place, f.search, f.article, f.source, f.acled_types, f.acled_sub_types)
    return by != "place" and not any(others) and not (by == "country" and f.country)


def _month_aligned(f: EventFilter) -> bool:
    if f.since and not f.since.endswith("-01"):
        return False
    return not f.until or _day_after(f.until).endswith("-01")


def _stats_from_counts(
    conn: sqlite3.Connection, f: EventFilter, interval: str, by: str, limit: int
) -> list[dict[str, Any]]:
    width = STATS_INTERVALS[interval]
    monthly = interval != "day" and _month_aligned(f)
    table, column = ("event_counts_month", "month") if monthly else ("event_counts_day", "day")
    cut = 7 if monthly else 10
    where: list[str] = []
    params: list[Any] = []
    if by == "country":
        where.append("country <> ''")
    else:
        where.append("country = ?")
        params.append((f.country or "").upper())
    if f.types:
        where.append(f"type IN ({', '.join('?' * len(f.types))})")
        params += [t.upper() for t in f.types]
    if f.quad_classes:
        where.append(f"quad_class IN ({', '.join('?' * len(f.quad_classes))})")
        params += list(f.quad_classes)
    # With one country fixed, (country, period) is a range of the primary key: only that country's rows are read.
    if f.since or f.until:
        where.append(f"{column} <> ''")
    if f.since:
        where.append(f"{column} >= ?")
        params.append(f.since[:cut])
    if f.until:
        where.append(f"{column} <= ?")
        params.append(f.until[:cut])
    period = f"NULLIF(substr({column}, 1, {width}), '')" if width else "NULL"
    key = {"type": "type", "quad_class": "NULLIF(quad_class, 0)", "country": "country", "none": "NULL"}[by]
    sql = (
        f"SELECT {period} AS period, {key} AS key, SUM(n) AS count FROM {table} {_where(where)} "
        "GROUP BY 1, 2 HAVING SUM(n) > 0 ORDER BY 1, 2 LIMIT ?"
    )
    return [dict(r) for r in conn.execute(sql, [*params, limit])]


def network(
    conn: sqlite3.Connection, f: EventFilter, window: int = 20_000, limit: int = 100
) -> list[dict[str, Any]]:
    """Who acts on whom among the ``window`` most recent matching events: one edge per (source, target) name pair
    with its cooperation (quad classes 1-2) and conflict (3-4) counts, busiest first."""
    where, params = event_conditions(f, common=common_search(conn, f.search))
    sql = (
        "WITH recent AS (SELECT e.id, e.quad_class FROM events e "
        f"{_where(where)} ORDER BY e.date DESC, e.rowid DESC LIMIT ?) "
        "SELECT COALESCE(s.name, s.text) AS source, MAX(s.country) AS source_country, "
        "COALESCE(t.name, t.text) AS target, MAX(t.country) AS target_country, "
        "SUM(r.quad_class IN (1, 2)) AS cooperation, SUM(r.quad_class IN (3, 4)) AS conflict, COUNT(*) AS events "
        "FROM recent r JOIN event_actors s ON s.event_id = r.id AND s.role = 'source' "
        "JOIN event_actors t ON t.event_id = r.id AND t.role = 'target' "
        "GROUP BY 1, 3 ORDER BY events DESC, source, target LIMIT ?"
    )
    return [dict(r) for r in conn.execute(sql, [*params, window, limit])]


def _where(clauses: list[str]) -> str:
    return f"WHERE {' AND '.join(clauses)}" if clauses else ""

