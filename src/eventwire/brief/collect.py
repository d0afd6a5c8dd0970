"""What a brief says, read from the store: counts by type and country against the previous period, map points, a
timeline, the actor network, the most reported happenings (one per story event, de-duplicated) and the most quoted
speakers, every statement with the article and sentence it comes from.

Everything is bounded: at most ``MAX_EVENTS`` events are read for a period (the most recent first), and each list
keeps its top N, so a brief over a year of news stays readable. The SQL is the store's SQLite dialect, which the
PostgreSQL store translates (store/postgres.py), so one collector serves both.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from .period import Period

MAX_EVENTS = 200_000
TOP_TYPES = 16
TOP_COUNTRIES = 15
TOP_PLACES = 150
TOP_EDGES = 30
TOP_STORIES = 8
TOP_SPEAKERS = 8
QUOTES_PER_SPEAKER = 2
MAX_QUOTE_CHARS = 400
MAX_BARS = 60

# The day an event is counted on: its own date when resolved to a day, else its article's publication day.
DAY = ("CASE WHEN length(e.date) >= 10 AND substr(e.date, 5, 1) = '-' AND substr(e.date, 8, 1) = '-' "
       "THEN substr(e.date, 1, 10) ELSE substr(a.published, 1, 10) END")


@dataclass(frozen=True)
class Filters:
    countries: tuple[str, ...] = ()
    actor: str | None = None


@dataclass
class Source:
    """An article and sentence a statement comes from (the brief's appendix lists them, numbered)."""

    number: int
    article_id: str
    title: str
    url: str | None
    outlet: str | None
    published: str | None
    sentence: str
    start: int | None
    end: int | None


@dataclass
class Happening:
    """One happening of a story: the events of many articles coded alike, counted once."""

    type: str
    cameo: str | None
    sentence: str
    day: str | None
    place: str | None
    countries: tuple[str, ...]
    articles: int
    outlets: int
    sources: list[int]


@dataclass
class QuoteItem:
    speaker: str
    text: str
    kind: str
    source: int


@dataclass
class Brief:
    period: Period
    previous: Period | None
    filters: Filters
    total: int = 0
    previous_total: int | None = None
    truncated: bool = False
    by_type: list[tuple[str, int, int | None]] = field(default_factory=list)
    by_country: list[tuple[str, int, int | None]] = field(default_factory=list)
    by_acled: list[tuple[str, int]] = field(default_factory=list)
    places: list[tuple[str, str | None, float, float, int]] = field(default_factory=list)
    timeline_unit: str = "day"
    timeline: list[tuple[str, tuple[int, ...]]] = field(default_factory=list)
    network: list[tuple[str, str, int, int]] = field(default_factory=list)
    happenings: list[Happening] = field(default_factory=list)
    quotes: list[QuoteItem] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    articles: int = 0
    undated: int = 0  # matching events with no day at all (nor their article), outside any dated period


def newest_day(conn: Any) -> date | None:
    """The newest publication day stored (the default end of a brief)."""
    row = conn.execute("SELECT MAX(substr(published, 1, 10)) AS d FROM articles "
                       "WHERE published LIKE '____-__-__%'").fetchone()
    value = row["d"] if row is not None else None
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _conditions(period: Period, filters: Filters) -> tuple[str, list[Any]]:
    where = [f"{DAY} <= ?"]
    params: list[Any] = [period.end.isoformat()]
    if period.start is not None:
        where.append(f"{DAY} >= ?")
        params.append(period.start.isoformat())
    if filters.countries:
        marks = ", ".join("?" * len(filters.countries))
        where.append(f"(e.place_country IN ({marks}) OR EXISTS (SELECT 1 FROM event_actors x "
                     f"WHERE x.event_id = e.id AND x.country IN ({marks})))")
        params += [*filters.countries, *filters.countries]
    if filters.actor:
        where.append("EXISTS (SELECT 1 FROM event_actors x WHERE x.event_id = e.id "
                     "AND (lower(x.name) = lower(?) OR lower(x.text) = lower(?) OR x.code = ?))")
        params += [filters.actor, filters.actor, filters.actor.upper()]
    if period.start is None:
        # --since all: undated events count too (their day is unknown, so they stay off the timeline).
        where[0] = f"({DAY} <= ? OR {DAY} IS NULL)"
    return " AND ".join(where), params


def _events(conn: Any, period: Period, filters: Filters, limit: int) -> list[dict[str, Any]]:
    where, params = _conditions(period, filters)
    sql = (f"SELECT e.id, e.article_id, e.type, e.cameo, e.quad_class, e.place_name, e.place_country, e.place_lat, "
           f"e.place_lon, e.acled_type, e.sentence_text, e.sentence_start, e.sentence_end, {DAY} AS day "
           f"FROM events e JOIN articles a ON a.id = e.article_id WHERE {where} "
           f"ORDER BY day DESC, e.id LIMIT ?")
    return [dict(r) for r in conn.execute(sql, [*params, limit])]


def _undated(conn: Any, filters: Filters) -> int:
    where, params = _conditions(Period(None, date.max), filters)
    row = conn.execute(f"SELECT COUNT(*) AS n FROM events e JOIN articles a ON a.id = e.article_id "
                       f"WHERE {DAY} IS NULL AND {where}", params).fetchone()
    return int(row["n"]) if row is not None else 0


def _chunks(items: Sequence[str], size: int = 500) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _actors(conn: Any, event_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for part in _chunks(event_ids):
        sql = (f"SELECT event_id, role, position, name, text, country FROM event_actors "
               f"WHERE event_id IN ({', '.join('?' * len(part))}) ORDER BY event_id, role, position")
        for r in conn.execute(sql, list(part)):
            out[r["event_id"]].append(dict(r))
    return out


@lru_cache(maxsize=4096)
def is_country(code: str) -> bool:
    """An ISO 3166 alpha-3 code (the actor dictionaries also use IGO, NGO, MNC and the like in that field)."""
    import pycountry

    return len(code) == 3 and pycountry.countries.get(alpha_3=code) is not None


def _countries(event: dict[str, Any], actors: list[dict[str, Any]]) -> tuple[str, ...]:
    found = {a["country"] for a in actors if a["country"]}
    if event["place_country"]:
        found.add(event["place_country"])
    return tuple(sorted(c for c in found if is_country(c)))


def _top(counter: Counter[str], n: int) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def collect(conn: Any, period: Period, filters: Filters = Filters()) -> Brief:
    brief = Brief(period=period, previous=period.previous(), filters=filters)
    events = _events(conn, period, filters, MAX_EVENTS + 1)
    brief.truncated = len(events) > MAX_EVENTS
    events = events[:MAX_EVENTS]
    brief.total = len(events)
    if period.start is not None:
        brief.undated = _undated(conn, filters)
    actors = _actors(conn, [e["id"] for e in events])
    countries = {e["id"]: _countries(e, actors.get(e["id"], [])) for e in events}

    types = Counter(e["type"] for e in events)
    by_country = Counter(c for e in events for c in countries[e["id"]])
    previous_types: Counter[str] | None = None
    previous_countries: Counter[str] | None = None
    if brief.previous is not None:
        before = _events(conn, brief.previous, filters, MAX_EVENTS)
        brief.previous_total = len(before)
        before_actors = _actors(conn, [e["id"] for e in before])
        previous_types = Counter(e["type"] for e in before)
        previous_countries = Counter(c for e in before for c in _countries(e, before_actors.get(e["id"], [])))
    brief.by_type = [(t, n, previous_types[t] if previous_types is not None else None)
                     for t, n in _top(types, TOP_TYPES)]
    brief.by_country = [(c, n, previous_countries[c] if previous_countries is not None else None)
                        for c, n in _top(by_country, TOP_COUNTRIES)]
    brief.by_acled = _top(Counter(e["acled_type"] for e in events if e["acled_type"]), 6)
    brief.places = _places(events)
    brief.timeline_unit, brief.timeline = _timeline(events, period)
    brief.network = _network(events, actors)
    brief.articles = len({e["article_id"] for e in events})
    sources = _SourceBook(conn)
    brief.happenings = _happenings(conn, events, countries, sources)
    brief.quotes = _quotes(conn, sorted({e["article_id"] for e in events}), sources)
    brief.sources = sources.listed
    return brief


def _places(events: list[dict[str, Any]]) -> list[tuple[str, str | None, float, float, int]]:
    points: dict[tuple[str, str | None], list[tuple[float, float]]] = defaultdict(list)
    for e in events:
        if e["place_lat"] is not None and e["place_lon"] is not None and e["place_name"]:
            points[(e["place_name"], e["place_country"])].append((e["place_lat"], e["place_lon"]))
    ranked = sorted(points.items(), key=lambda kv: (-len(kv[1]), kv[0][0], kv[0][1] or ""))[:TOP_PLACES]
    return [(name, country, sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts), len(pts))
            for (name, country), pts in ranked]


def _timeline(events: list[dict[str, Any]], period: Period) -> tuple[str, list[tuple[str, tuple[int, ...]]]]:
    """Counts per day (per week or month when there would be more than MAX_BARS bars), split by quad class."""
    days = sorted({e["day"] for e in events if _is_day(e["day"])})
    if not days:
        return "day", []
    first = period.start or date.fromisoformat(days[0])
    span = (period.end - first).days + 1
    unit = "day" if span <= MAX_BARS else "week" if span <= MAX_BARS * 7 else "month"

    def bucket(d: date) -> str:
        if unit == "day":
            return d.isoformat()
        if unit == "week":
            return (d - timedelta(days=d.weekday())).isoformat()
        return d.isoformat()[:7]

    counts: dict[str, list[int]] = {}
    d = first
    while d <= period.end:  # every bucket of the period, empty ones included
        counts.setdefault(bucket(d), [0, 0, 0, 0, 0])
        d += timedelta(days=1 if unit == "day" else 7 if unit == "week" else 28)
    counts.setdefault(bucket(period.end), [0, 0, 0, 0, 0])
    for e in events:
        if _is_day(e["day"]):
            key = bucket(date.fromisoformat(e["day"]))
            if key in counts:
                counts[key][e["quad_class"] if e["quad_class"] in (1, 2, 3, 4) else 0] += 1
    return unit, [(k, tuple(v)) for k, v in sorted(counts.items())[-MAX_BARS * 2 :]]


def _is_day(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _network(events: list[dict[str, Any]], actors: dict[str, list[dict[str, Any]]]) -> list[tuple[str, str, int, int]]:
    """Who acts on whom: (source, target, cooperation, conflict), busiest pairs first."""
    edges: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for e in events:
        roles = actors.get(e["id"], [])
        sources = sorted({a["name"] or a["text"] for a in roles if a["role"] == "source" and (a["name"] or a["text"])})
        targets = sorted({a["name"] or a["text"] for a in roles if a["role"] == "target" and (a["name"] or a["text"])})
        for s in sources:
            for t in targets:
                if s != t:
                    edges[(s, t)][0 if e["quad_class"] in (1, 2) else 1] += 1
    ranked = sorted(edges.items(), key=lambda kv: (-sum(kv[1]), kv[0]))[:TOP_EDGES]
    return [(s, t, c[0], c[1]) for (s, t), c in ranked]


class _SourceBook:
    """Numbers the articles and sentences the brief cites, once each."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.listed: list[Source] = []
        self._numbers: dict[tuple[str, int | None, int | None], int] = {}
        self._articles: dict[str, dict[str, Any]] = {}

    def cite(self, article_id: str, sentence: str, start: int | None, end: int | None) -> int:
        key = (article_id, start, end)
        if key not in self._numbers:
            art = self._article(article_id)
            number = len(self.listed) + 1
            self.listed.append(Source(number, article_id, art.get("title") or "(untitled)", art.get("url"),
                                      art.get("source"), art.get("published"), sentence, start, end))
            self._numbers[key] = number
        return self._numbers[key]

    def _article(self, article_id: str) -> dict[str, Any]:
        if article_id not in self._articles:
            row = self.conn.execute("SELECT title, url, source, published FROM articles WHERE id = ?",
                                    [article_id]).fetchone()
            self._articles[article_id] = dict(row) if row is not None else {}
        return self._articles[article_id]


def _happenings(conn: Any, events: list[dict[str, Any]], countries: dict[str, tuple[str, ...]],
                sources: _SourceBook) -> list[Happening]:
    """The most reported happenings: events grouped by their story event (dedup's grouping), else alone."""
    group_of: dict[str, Any] = {}
    outlet_of: dict[str, str | None] = {}
    ids = [e["id"] for e in events]
    for part in _chunks(ids):
        sql = (f"SELECT event_id, story_event_id, source FROM story_event_members "
               f"WHERE event_id IN ({', '.join('?' * len(part))}) AND duplicate = 0")
        for r in conn.execute(sql, list(part)):
            group_of[r["event_id"]] = r["story_event_id"]
            outlet_of[r["event_id"]] = r["source"]
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for e in events:
        groups[group_of.get(e["id"], ("event", e["id"]))].append(e)

    def weight(members: list[dict[str, Any]]) -> tuple[int, int, str]:
        arts = {m["article_id"] for m in members}
        outlets = {outlet_of.get(m["id"]) or m["article_id"] for m in members}
        return (-len(arts), -len(outlets), min(m["id"] for m in members))

    out: list[Happening] = []
    for members in sorted(groups.values(), key=weight)[:TOP_STORIES]:
        members = sorted(members, key=lambda m: m["id"])
        first = members[0]
        cited: list[int] = []
        for m in members:
            if m["article_id"] not in {sources.listed[n - 1].article_id for n in cited}:
                cited.append(sources.cite(m["article_id"], m["sentence_text"] or "", m["sentence_start"],
                                          m["sentence_end"]))
            if len(cited) == 5:
                break
        out.append(Happening(
            type=first["type"], cameo=first["cameo"], sentence=_clip(first["sentence_text"] or "", 300),
            day=first["day"], place=first["place_name"], countries=countries[first["id"]],
            articles=len({m["article_id"] for m in members}),
            outlets=len({outlet_of.get(m["id"]) or m["article_id"] for m in members}), sources=cited,
        ))
    return out


def _quotes(conn: Any, article_ids: Sequence[str], sources: _SourceBook) -> list[QuoteItem]:
    """The most quoted speakers of the period's articles, with their longest quotes (direct ones first)."""
    rows: list[dict[str, Any]] = []
    for part in _chunks(article_ids):
        sql = (f"SELECT article_id, start, \"end\", text, kind, speaker_name, speaker_text FROM quotes "
               f"WHERE article_id IN ({', '.join('?' * len(part))}) AND speaker_name IS NOT NULL "
               f"AND speaker_name <> ''")
        rows += [dict(r) for r in conn.execute(sql, list(part))]
    by_speaker: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_speaker[r["speaker_name"]].append(r)
    ranked = sorted(by_speaker.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:TOP_SPEAKERS]
    out: list[QuoteItem] = []
    for speaker, quotes in ranked:
        chosen = sorted(quotes, key=lambda r: (r["kind"] != "direct", -min(len(r["text"]), MAX_QUOTE_CHARS),
                                                r["article_id"], r["start"]))[:QUOTES_PER_SPEAKER]
        for r in chosen:
            number = sources.cite(r["article_id"], r["text"], r["start"], r["end"])
            out.append(QuoteItem(speaker=speaker, text=_clip(r["text"], MAX_QUOTE_CHARS), kind=r["kind"],
                                 source=number))
    return out


def _clip(text: str, most: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"
