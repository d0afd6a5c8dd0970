"""The OpenAPI 3.1 document the server publishes at /openapi.json, built from the same parameter declarations
that check requests (web/params.py), with the shapes of every answer, including the one error shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import __version__
from . import params as P

N_STR = {"type": ["string", "null"]}
N_INT = {"type": ["integer", "null"]}
N_NUM = {"type": ["number", "null"]}

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["status", "message"],
                             "properties": {"status": {"type": "integer"}, "message": {"type": "string"}}}},
}
SPAN = {"type": "object", "required": ["start", "end", "text"],
        "properties": {"start": N_INT, "end": N_INT, "text": N_STR, "field": N_STR}}
ACTOR = {"type": "object", "required": ["text"],
         "properties": {k: N_STR for k in ("text", "name", "country", "sector", "code", "id")}
         | {"start": N_INT, "end": N_INT}}
PLACE = {"type": ["object", "null"],
         "properties": {k: N_STR for k in ("text", "name", "country", "admin1", "feature")}
         | {"start": N_INT, "end": N_INT, "lat": N_NUM, "lon": N_NUM, "geonames_id": N_INT,
            "field": {"type": "string", "pattern": "^(text|caption:[0-9]+)$",
                      "description": "The text the offsets index: the body, or the Nth photo caption (from 0)."}}}
EVENT = {
    "type": "object",
    "required": ["id", "article", "type", "sentence", "trigger", "quad_class", "source", "target", "date", "place"],
    "properties": {
        "id": {"type": "string"},
        "article": {"type": "object", "required": ["id"],
                    "properties": {"id": {"type": "string"}} | {k: N_STR for k in ("title", "published", "url",
                                                                                     "source")}},
        "type": {"type": "string"}, "mode": N_STR, "cameo": N_STR, "quad_class": N_INT,
        "acled_type": N_STR, "acled_sub_type": N_STR,
        "sentence": SPAN, "trigger": SPAN,
        "source": {"type": "array", "items": ACTOR}, "target": {"type": "array", "items": ACTOR},
        "negated": {"type": "boolean"}, "hypothetical": {"type": "boolean"}, "future": {"type": "boolean"},
        "date": N_STR, "date_precision": N_STR, "place": PLACE, "confidence": N_NUM,
        "mentions": {"type": "array", "items": SPAN},
    },
}
ARTICLE_ROW = {
    "type": "object", "required": ["id", "title", "published", "events"],
    "properties": {"id": {"type": "string"}, "events": {"type": "integer"}, "origin_line": N_INT}
    | {k: N_STR for k in ("title", "published", "published_from", "url", "source", "author", "ingested_at")},
}
ARTICLE = {
    "type": "object",
    "required": ["id", "text", "captions", "entities", "actors", "places", "dates", "quotes", "events"],
    "properties": ARTICLE_ROW["properties"] | {  # type: ignore[operator]
        "text": {"type": "string"},
        "captions": {"type": "array", "items": {"type": "object"}},
        "entities": {"type": "array", "items": SPAN},
        "actors": {"type": "array", "items": ACTOR},
        "places": {"type": "array", "items": PLACE},
        "dates": {"type": "array", "items": SPAN},
        "quotes": {"type": "array", "items": SPAN},
        "events": {"type": "array", "items": EVENT},
        "story": {"type": ["object", "null"]},
    },
}
ACTOR_ROW = {"type": "object", "required": ["name", "events", "as_source", "as_target"],
             "properties": {"name": {"type": "string"}, "country": N_STR, "sector": N_STR, "code": N_STR,
                            "events": {"type": "integer"}, "as_source": {"type": "integer"},
                            "as_target": {"type": "integer"}}}
STATS_ROW = {"type": "object", "required": ["period", "key", "count"],
             "properties": {"period": N_STR, "key": {"type": ["string", "integer", "null"]},
                            "count": {"type": "integer"}, "country": N_STR, "lat": N_NUM, "lon": N_NUM}}
EDGE = {"type": "object", "required": ["source", "target", "cooperation", "conflict", "events"],
        "properties": {"source": N_STR, "target": N_STR, "source_country": N_STR, "target_country": N_STR,
                       "cooperation": {"type": "integer"}, "conflict": {"type": "integer"},
                       "events": {"type": "integer"}}}
STORY = {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}, "title": N_STR}}


def _list_of(row: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": ["rows", "next", "next_url"],
            "properties": {"rows": {"type": "array", "items": row}, "next": N_STR, "next_url": N_STR}}


def _errors(*codes: int) -> dict[str, Any]:
    text = {400: "A parameter that is unknown, repeated or malformed.", 404: "No such record.",
            401: "Missing or wrong bearer token.", 405: "Not allowed (read-only server).",
            413: "Body over the size limit.", 415: "Not JSON."}
    return {str(c): {"description": text[c], "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            for c in codes}


def _get(summary: str, params: Sequence[P.Param], schema: dict[str, Any], csv: bool = True,
         path_param: str | None = None) -> dict[str, Any]:
    content: dict[str, Any] = {"application/json": {"schema": schema}}
    if csv:
        content["text/csv"] = {"schema": {"type": "string"}}
    parameters = [p.openapi() for p in params]
    if path_param:
        parameters.insert(0, {"name": path_param, "in": "path", "required": True, "schema": {"type": "string"}})
    return {"get": {"summary": summary, "parameters": parameters,
                    "responses": {"200": {"description": "OK", "content": content},
                                  **_errors(400, *((404,) if path_param else ()))}}}


def openapi_document(writable: bool = False, show_paths: bool = False) -> dict[str, Any]:
    """The document; ``writable`` adds ``POST /articles`` (servers started with a token), ``show_paths`` the
    articles' ``origin_path`` (servers started with --show-paths)."""
    article_row, article = ARTICLE_ROW, ARTICLE
    if show_paths:
        article_row = {**ARTICLE_ROW, "properties": {**ARTICLE_ROW["properties"], "origin_path": N_STR}}  # type: ignore[dict-item]
        article = {**ARTICLE, "properties": {**ARTICLE["properties"], "origin_path": N_STR}}  # type: ignore[dict-item]
    events = _get("Events, newest first, with filters.", [*P.EVENT_FILTERS, *P.paging("events")], _list_of(EVENT))
    articles = _get("Articles, newest first (without their text).", [*P.ARTICLE_FILTERS, *P.paging("articles")],
                    _list_of(article_row))
    actors = _get("Named actors of events, in name order.", [*P.ACTOR_FILTERS, *P.paging("actors")], _list_of(ACTOR_ROW))
    stats = _get("Event counts per period and per type, quad class, country or place.",
                 [*P.EVENT_FILTERS, *P.STATS_OPTIONS], _list_of(STATS_ROW))
    network = _get("Who acts on whom: source-target edges with cooperation and conflict counts.",
                   [*P.EVENT_FILTERS, *P.NETWORK_OPTIONS], _list_of(EDGE))
    stories = _get("Stories (articles about one happening), newest first.", [*P.STORY_FILTERS, *P.paging("stories")],
                   _list_of(STORY))
    paths: dict[str, Any] = {
        "/events": events, "/events.csv": events,
        "/events/{id}": _get("One event with its evidence.", [], {"$ref": "#/components/schemas/Event"}, False, "id"),
        "/articles": articles, "/articles.csv": articles,
        "/articles/{id}": _get("One article with every layer and its events.", [], article, False, "id"),
        "/actors": actors, "/actors.csv": actors,
        "/stats": stats, "/stats.csv": stats,
        "/network": network, "/network.csv": network,
        "/stories": stories, "/stories.csv": stories,
        "/stories/{id}": _get("One story with its articles and grouped events.", [], STORY, False, "id"),
    }
    if writable:
        article_in = {"type": "object", "required": ["text"],
                      "properties": {k: {"type": "string"} for k in ("id", "title", "text", "published", "url",
                                                                      "source", "author")}}
        paths["/articles"] = dict(paths["/articles"])
        paths["/articles"]["post"] = {
            "summary": "Annotate and store articles (servers started with --token only).",
            "security": [{"bearer": []}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {"oneOf": [
                article_in, {"type": "array", "items": article_in, "maxItems": 100},
                {"type": "object", "required": ["articles"],
                 "properties": {"articles": {"type": "array", "items": article_in, "maxItems": 100}}},
            ]}}}},
            "responses": {"201": {"description": "Stored.", "content": {"application/json": {"schema": {
                "type": "object", "required": ["stored", "existing", "events", "articles"]}}}},
                **_errors(400, 401, 413, 415)},
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": "eventwire", "version": __version__,
                 "description": "Political events coded from news: who did what to whom, where, when, and who said "
                                "so. Every listing has a CSV twin and pages by an opaque `next` token."},
        "paths": paths,
        "components": {"schemas": {"Error": ERROR, "Event": EVENT},
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }
