"""Query parameters of the HTTP API, declared once: the same table checks each request and writes the OpenAPI
document, so the two cannot drift apart.

A request with a parameter its endpoint does not declare, a parameter given twice, or a value that does not fit
is refused with a 400 in the API's error shape, naming the parameter.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .. import acled
from ..annotate.event_patterns import plover_types
from ..store.queries import EventFilter


class APIError(Exception):
    """An answer other than 200: the status and a one-line message for {"error": {"status", "message"}}."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


@dataclass(frozen=True)
class Param:
    """One query parameter: its OpenAPI schema and what it means. ``kind`` picks the parser."""

    name: str
    description: str
    kind: str = "string"  # string, date, integer, quads (comma-separated 1-4),
    # names (comma-separated, each one of ``choices``, any case)
    pattern: str | None = None
    max_length: int = 200
    minimum: int | None = None
    maximum: int | None = None
    default: Any = None
    enum: tuple[str, ...] | None = None
    format: str | None = None  # a named string format, e.g. each listing's page token
    choices: tuple[str, ...] = ()

    def schema(self) -> dict[str, Any]:
        if self.kind == "integer":
            out: dict[str, Any] = {"type": "integer"}
            if self.minimum is not None:
                out["minimum"] = self.minimum
            if self.maximum is not None:
                out["maximum"] = self.maximum
        elif self.kind == "date":
            out = {"type": "string", "format": "date"}
        elif self.enum:
            out = {"type": "string", "enum": list(self.enum)}
        else:
            out = {"type": "string", "maxLength": self.max_length}
            if self.pattern:
                out["pattern"] = self.pattern
            if self.choices:  # the names as written; the server also takes them in any case
                one = "(" + "|".join(re.escape(c) for c in self.choices) + ")"
                out["pattern"] = f"^{one}(,{one})*$"
            if self.format:
                out["format"] = self.format
        if self.default is not None:
            out["default"] = self.default
        return out

    def openapi(self) -> dict[str, Any]:
        return {"name": self.name, "in": "query", "required": False, "description": self.description,
                "schema": self.schema()}

    def parse(self, raw: str) -> Any:
        bad = f"parameter {self.name}: "
        if self.kind == "integer":
            if not re.fullmatch(r"[0-9]{1,9}", raw):
                raise APIError(400, bad + f"{raw[:40]!r} is not a whole number")
            value = int(raw)
            if (self.minimum is not None and value < self.minimum) or (self.maximum is not None and value > self.maximum):
                raise APIError(400, bad + f"{value} is outside {self.minimum}..{self.maximum}")
            return value
        if self.kind == "date":
            try:
                if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):
                    raise ValueError
                return date.fromisoformat(raw).isoformat()
            except ValueError:
                raise APIError(400, bad + f"{raw[:40]!r} is not a date (YYYY-MM-DD)") from None
        if self.enum and raw not in self.enum:
            raise APIError(400, bad + f"{raw[:40]!r} is not one of {', '.join(self.enum)}")
        if len(raw) > self.max_length:
            raise APIError(400, bad + f"longer than {self.max_length} characters")
        if self.pattern and not re.fullmatch(self.pattern.strip("^$"), raw):
            raise APIError(400, bad + f"{raw[:40]!r} is not of the form {self.pattern}")
        if self.kind == "names":
            known = {c.lower(): c for c in self.choices}
            values = [v.strip() for v in raw.split(",")]
            unknown = next((v for v in values if v.lower() not in known), None)
            if unknown is not None:
                raise APIError(400, bad + f"{unknown[:40]!r} is not one of {', '.join(self.choices)}")
            return tuple(dict.fromkeys(known[v.lower()] for v in values))
        if self.kind == "quads":
            return tuple(dict.fromkeys(int(v) for v in raw.split(",")))
        return raw


SIZE = Param("_size", "Rows per page.", kind="integer", minimum=1, maximum=1000, default=50)
FORMAT = Param("_format", "`json` (default) or `csv`; `/events.csv` is the same as `/events?_format=csv`.",
               enum=("json", "csv"))
# Listing kinds: the letter inside each listing's tokens, so a token of one listing is refused by another.
TOKEN_KINDS = {"events": "e", "articles": "a", "actors": "c", "stories": "s"}


def paging(listing: str) -> tuple[Param, ...]:
    """_size, _next and _format of a listing; its tokens have their own named format in the OpenAPI document."""
    token = Param("_next", "The `next` token of the previous page (opaque).", pattern=r"^[A-Za-z0-9_-]+$",
                  max_length=400, format=f"eventwire-next-{listing}")
    return (SIZE, token, FORMAT)

EVENT_FILTERS = (
    Param("type", "PLOVER event type(s), comma-separated, any case: " + ", ".join(plover_types()) + ".",
          kind="names", max_length=400, choices=plover_types()),
    Param("quad_class", "Quad class(es), comma-separated: 1 verbal cooperation, 2 material cooperation, "
          "3 verbal conflict, 4 material conflict.", kind="quads", pattern=r"^[1-4](,[1-4]){0,3}$"),
    Param("country", "An actor of the event, or its place, is in this country (ISO 3166-1 alpha-3, or IGO/NGO).",
          pattern=r"^[A-Za-z]{3}$"),
    Param("sector", "An actor of the event has this PLOVER sector (GOV, MIL, REB, CVL, ...).",
          pattern=r"^[A-Za-z]{3}$"),
    Param("actor", "An actor's name (any case, whole name) or code (e.g. `USAGOV`)."),
    Param("place", "The event's place name (any case, whole name)."),
    Param("since", "Events on or after this date.", kind="date"),
    Param("until", "Events on or before this date.", kind="date"),
    Param("q", "Full-text search in the articles the events were coded from (words, any order).", max_length=500),
    Param("article", "Only the events of this article id."),
    Param("source", "Only events from articles of this outlet."),
    Param("acled_type", "ACLED event type(s), comma-separated, any case: " + ", ".join(acled.event_types()) + ".",
          kind="names", max_length=400, choices=tuple(acled.event_types())),
    Param("acled_sub_type", "ACLED sub-event type(s), comma-separated, any case (e.g. `Air/drone strike`).",
          kind="names", max_length=1000, choices=tuple(acled.categories())),
)

ARTICLE_FILTERS = (
    Param("since", "Articles published on or after this date.", kind="date"),
    Param("until", "Articles published on or before this date.", kind="date"),
    Param("source", "Only articles of this outlet."),
    Param("q", "Full-text search in titles and bodies.", max_length=500),
)

ACTOR_FILTERS = (
    Param("q", "Names starting with this text (any case)."),
    Param("country", "Actors of this country (ISO3).", pattern=r"^[A-Za-z]{3}$"),
    Param("sector", "Actors of this PLOVER sector.", pattern=r"^[A-Za-z]{3}$"),
)

STATS_OPTIONS = (
    Param("interval", "Count per `day`, `month`, `year`, or over `all` the matching events.",
          enum=("day", "month", "year", "all"), default="month"),
    Param("by", "Split counts by `type`, `quad_class`, `country` (where it happened), `place` (map points with "
          "coordinates) or `none`.", enum=("type", "quad_class", "country", "place", "none"), default="type"),
    Param("window", "Count only this many most recent matching events (for quick map points).", kind="integer",
          minimum=1, maximum=1_000_000),
    Param("_size", "At most this many rows (places: the busiest).", kind="integer", minimum=1, maximum=100_000,
          default=10_000),
    FORMAT,
)

NETWORK_OPTIONS = (
    Param("window", "Build the network from this many most recent matching events.", kind="integer", minimum=1,
          maximum=100_000, default=20_000),
    Param("_size", "At most this many edges (the busiest).", kind="integer", minimum=1, maximum=2_000, default=100),
    FORMAT,
)

STORY_FILTERS = (
    Param("since", "Stories still reported on or after this date.", kind="date"),
    Param("until", "Stories first reported on or before this date.", kind="date"),
    Param("min_articles", "Only stories told by at least this many articles.", kind="integer", minimum=1,
          maximum=1_000_000, default=1),
)


def parse(params: Sequence[Param], items: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """The declared parameters found in a query string, parsed; anything undeclared or repeated is refused."""
    known = {p.name: p for p in params}
    values: dict[str, Any] = {p.name: p.default for p in params}
    seen: set[str] = set()
    for name, raw in items:
        param = known.get(name)
        if param is None:
            allowed = ", ".join(sorted(known)) or "none"
            raise APIError(400, f"unknown parameter {name[:40]!r} (this endpoint takes: {allowed})")
        if name in seen:
            raise APIError(400, f"parameter {name} given more than once")
        seen.add(name)
        if raw == "":
            continue  # an empty form field means "no filter", as in a browser's GET form
        values[name] = param.parse(raw)
    return values


def event_filter(values: Mapping[str, Any]) -> EventFilter:
    return EventFilter(
        types=values.get("type") or (), quad_classes=values.get("quad_class") or (), country=values.get("country"),
        sector=values.get("sector"), actor=values.get("actor"), place=values.get("place"), since=values.get("since"),
        until=values.get("until"), search=values.get("q"), article=values.get("article"),
        source=values.get("source"), acled_types=values.get("acled_type") or (),
        acled_sub_types=values.get("acled_sub_type") or (),
    )


# -- opaque page tokens ----------------------------------------------------------------------------------------------

def encode_token(kind: str, cursor: Sequence[Any]) -> str:
    """A ``next`` token: the listing kind and the last row's sort key, as URL-safe base64 of JSON."""
    raw = json.dumps([kind, *cursor], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(kind: str, token: str | None, shape: Sequence[type | tuple[type, ...]]) -> tuple[Any, ...] | None:
    """The cursor inside a token made by ``encode_token`` for this listing; anything else is a 400."""
    if token is None:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        data = None
    if (not isinstance(data, list) or len(data) != len(shape) + 1 or data[0] != kind
            or not all(isinstance(v, t) and not isinstance(v, bool) and _storable(v)
                       for v, t in zip(data[1:], shape, strict=True))):
        raise APIError(400, "parameter _next: not a token given by this listing")
    return tuple(data[1:])


INT64 = (-(2**63), 2**63 - 1)  # what a database integer holds; a forged token's 22-digit number is not a row key


def _storable(value: Any) -> bool:
    """A cursor value the database can be asked about: an integer it can bind, text that is valid Unicode."""
    if isinstance(value, int):
        return INT64[0] <= value <= INT64[1]
    if isinstance(value, str):
        return valid_unicode(value)
    return value is None


def valid_unicode(text: str) -> bool:
    """No lone surrogate (which JSON's \\ud800 escapes and percent-escaped paths can carry): encodable as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def path_id(raw: str) -> int | None:
    """A numeric id from a path (``/stories/{id}``), or None when it is not one the database could hold."""
    if not re.fullmatch(r"[0-9]{1,18}", raw):
        return None
    return int(raw)
