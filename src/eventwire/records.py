"""The records that flow through eventwire: an Article in, a Document (article + every layer) out.

All are frozen dataclasses; offsets (start, end) are character offsets into ``Article.text``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an article was read from: the file (or "-" for stdin) and, for JSON Lines/CSV, the line."""

    path: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Caption:
    """A photo caption, with the credit that followed it in parentheses kept apart."""

    text: str
    credit: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """A clean article. ``text`` is the body only; headline and captions live in their own fields."""

    id: str
    text: str
    title: str | None = None
    published: str | None = None
    url: str | None = None
    source: str | None = None
    author: str | None = None
    captions: tuple[Caption, ...] = ()
    origin: Origin | None = None
    # How ``published`` was found: "given" by the input, or inferred ("dateline", "timestamp", "caption", "url",
    # "text").
    published_from: str | None = None


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the article's text kept as evidence. ``field`` says which text: the body or the title."""

    start: int
    end: int
    text: str
    field: str = "text"


@dataclass(frozen=True, slots=True)
class Mention:
    """A named entity as the parser found it."""

    text: str
    label: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Actor:
    """Who: a resolved actor. country is ISO 3166-1 alpha-3 or an IGO/NGO code; sector a PLOVER sector code."""

    text: str
    name: str | None = None
    country: str | None = None
    sector: str | None = None
    code: str | None = None
    start: int | None = None
    end: int | None = None
    id: str | None = None


@dataclass(frozen=True, slots=True)
class Place:
    """Where: a place mention resolved against the gazetteer. ``field`` says which text holds the mention: "text"
    (the body, as for a Span) or "caption:N", the Nth of ``Article.captions`` (from 0); start and end index that
    text."""

    text: str
    start: int
    end: int
    name: str | None = None
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonames_id: int | None = None
    feature: str | None = None
    field: str = "text"


@dataclass(frozen=True, slots=True)
class TimeRef:
    """When: a time expression normalised to a TimeML TIMEX3 value."""

    text: str
    start: int
    end: int
    value: str | None = None
    precision: str | None = None
    type: str = "DATE"


@dataclass(frozen=True, slots=True)
class Quote:
    """Who said so: a direct or indirect quotation, its cue verb and its speaker."""

    text: str
    start: int
    end: int
    kind: str
    cue: str | None = None
    speaker: Actor | None = None
    cue_start: int | None = None
    cue_end: int | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """Who did what to whom: a PLOVER event with its CAMEO code and the evidence it was coded from."""

    type: str
    sentence: Span
    trigger: Span
    mode: str | None = None
    cameo: str | None = None
    quad_class: int | None = None
    source: tuple[Actor, ...] = ()
    target: tuple[Actor, ...] = ()
    negated: bool = False
    hypothetical: bool = False
    future: bool = False
    date: str | None = None
    date_precision: str | None = None
    place: Place | None = None
    confidence: float = 1.0
    mentions: tuple[Span, ...] = ()
    # ACLED's event type and sub-event type (acled.py), None when the event is nothing ACLED records.
    acled_type: str | None = None
    acled_sub_type: str | None = None


LAYERS: tuple[str, ...] = ("entities", "actors", "events", "places", "dates", "quotes")


@dataclass(frozen=True, slots=True)
class Document:
    """An article with every annotation layer. Layers a pipeline did not run are empty."""

    article: Article
    entities: tuple[Mention, ...] = ()
    actors: tuple[Actor, ...] = ()
    events: tuple[Event, ...] = ()
    places: tuple[Place, ...] = ()
    dates: tuple[TimeRef, ...] = ()
    quotes: tuple[Quote, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """The JSON form written by ``eventwire process`` (see schema/document.schema.json)."""
        a = self.article
        out: dict[str, Any] = {
            "id": a.id,
            "title": a.title,
            "published": a.published,
            "url": a.url,
            "source": a.source,
            "author": a.author,
            "text": a.text,
            "captions": [dataclasses.asdict(c) for c in a.captions],
            "origin": dataclasses.asdict(a.origin) if a.origin else None,
            "published_from": a.published_from,
        }
        for name in LAYERS:
            out[name] = [dataclasses.asdict(r) for r in getattr(self, name)]
        out["notes"] = list(self.notes)
        return out
