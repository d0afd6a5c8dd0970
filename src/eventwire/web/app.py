"""The HTTP API and the page, as one Starlette application over an eventwire database.

Shaped like Datasette's JSON API: every listing is JSON (``{"rows", "next", "next_url"}``) with a CSV twin
(``?_format=csv`` or ``.csv``), pages are chained by an opaque ``next`` token, and every failure has one shape,
``{"error": {"status", "message"}}``. Read-only unless built with a token, in which case ``POST /articles`` runs
the pipeline on posted articles and stores them.
"""

from __future__ import annotations

import csv
import hmac
import io
import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import EventwireError, InputError
from ..export import spreadsheet_safe
from ..store import is_url, open_store
from ..store import queries as q
from ..store.postgres import Readers
from . import params as P
from .openapi import openapi_document
from .params import APIError
from .world import world_geojson

log = logging.getLogger("eventwire.web")

STATIC = Path(__file__).parent / "static"
DEFAULT_MAX_BODY = 2 * 1024 * 1024  # bytes of one POST: a few long articles
MAX_POSTED_ARTICLES = 100

# The page loads only its own files: even if escaping failed somewhere, injected markup could not run a script.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class Database:
    """One read-only SQLite connection per worker thread (sqlite3 connections must stay on their thread)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self.write_lock = threading.Lock()

    def read(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout = 5000")
            # Defence in depth: whatever reaches SQL through a read endpoint cannot change the database.
            conn.execute("PRAGMA query_only = ON")
            self._local.conn = conn
        return conn


class SafeJSONResponse(JSONResponse):
    """JSON with <, > and & written as \\u escapes: untrusted article text stays inert even if a client (or an old
    browser sniffing content) treats the answer as HTML."""

    def render(self, content: Any) -> bytes:
        try:  # orjson writes a page of events in a tenth of the time
            raw = orjson.dumps(content)
        except (TypeError, orjson.JSONEncodeError):  # what it cannot write (integers past 64 bits, other keys)
            raw = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
        return raw.replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")


def error_response(status: int, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return SafeJSONResponse({"error": {"status": status, "message": message}}, status_code=status,
                        headers={**SECURITY_HEADERS, **(headers or {})})


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every response that lacks them: static files, redirects, errors of any layer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()
                            if k.lower().encode() not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_secured)


class SecuredStarlette(Starlette):
    """Starlette with SecurityHeaders outside its whole middleware stack, so that even the answers of its outermost
    layer (the 500 of ServerErrorMiddleware) carry the headers."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack())


class BodyLimit:
    """Refuses a request whose declared body is over the cap before any of it is read (413, the error shape)."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            length = dict(scope["headers"]).get(b"content-length")
            if length is not None and (not length.isdigit() or int(length) > self.max_body):
                response = error_response(413, f"request body over the limit of {self.max_body:,} bytes")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


# -- responses -------------------------------------------------------------------------------------------------------

def _query_items(request: Request) -> list[tuple[str, str]]:
    return list(request.query_params.multi_items())


def _wants_csv(request: Request, values: Mapping[str, Any]) -> bool:
    return request.url.path.endswith(".csv") or values.get("_format") == "csv"


def _next_url(request: Request, token: str | None) -> str | None:
    if token is None:
        return None
    items = [(k, v) for k, v in _query_items(request) if k != "_next"] + [("_next", token)]
    return f"{request.url.path}?{urlencode(items)}"


def _cell(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def csv_response(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], next_url: str | None = None) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([spreadsheet_safe(_cell(row.get(c))) for c in columns])
    headers = dict(SECURITY_HEADERS)
    if next_url:
        headers["Link"] = f'<{next_url}>; rel="next"'
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


def json_response(data: Any, status: int = 200) -> JSONResponse:
    return SafeJSONResponse(data, status_code=status, headers=SECURITY_HEADERS)


def listing(request: Request, values: Mapping[str, Any], rows: list[dict[str, Any]], token: str | None,
            columns: Sequence[str], flatten: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> Response:
    next_url = _next_url(request, token)
    if _wants_csv(request, values):
        return csv_response(map(flatten, rows) if flatten else rows, columns, next_url)
    return json_response({"rows": rows, "next": token, "next_url": next_url})


def _actors(items: list[dict[str, Any]], key: str) -> str:
    return "; ".join(str(a.get(key) or "") for a in items) if items else ""


EVENT_CSV = ("id", "date", "date_precision", "type", "mode", "cameo", "quad_class", "acled_type", "acled_sub_type",
             "source_name", "source_country",
             "source_sector", "source_code", "target_name", "target_country", "target_sector", "target_code",
             "place_name", "place_country", "place_lat", "place_lon", "trigger", "sentence", "negated",
             "hypothetical", "future", "confidence", "article_id", "article_title", "article_published",
             "article_url", "article_source")


def flat_event(e: dict[str, Any]) -> dict[str, Any]:
    """One CSV row per event: several actors of a role are joined with "; "."""
    place = e.get("place") or {}
    article = e["article"]
    out = {k: e.get(k) for k in ("id", "date", "date_precision", "type", "mode", "cameo", "quad_class", "acled_type",
                                 "acled_sub_type", "negated", "hypothetical", "future", "confidence")}
    for role in ("source", "target"):
        for key in ("name", "country", "sector", "code"):
            out[f"{role}_{key}"] = _actors(e[role], key)
    out.update(place_name=place.get("name") or place.get("text"), place_country=place.get("country"),
               place_lat=place.get("lat"), place_lon=place.get("lon"), trigger=e["trigger"]["text"],
               sentence=e["sentence"]["text"], article_id=article.get("id"), article_title=article.get("title"),
               article_published=article.get("published"), article_url=article.get("url"),
               article_source=article.get("source"))
    return out


# -- the application -------------------------------------------------------------------------------------------------

PipelineFactory = Callable[[], Any]


def create_app(
    db: str | Path,
    *,
    token: str | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    pipeline_factory: PipelineFactory | None = None,
    show_paths: bool = False,
) -> Starlette:
    """The API and page over database ``db`` (created or upgraded on the spot). With ``token``, ``POST /articles``
    accepts articles from requests bearing it; ``pipeline_factory`` builds the annotating Pipeline on first use.
    Articles carry ``origin_path`` (the server's file each came from) only with ``show_paths``: paths on the server
    are not for every visitor."""
    path: str | Path = str(db) if is_url(db) else Path(db)
    open_store(path).close()  # migrations (incl. the API's indexes) once, before any reader starts
    database: Any
    if isinstance(path, str):  # PostgreSQL (store/postgres.py): one read-only connection per thread as well
        database = Readers(path)
    else:
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA optimize")  # fresh planner statistics where the tables have grown
        database = Database(path)
    world_geojson()  # built once now, not during the first visitor's page load
    pipeline_holder: dict[str, Any] = {}
    article_columns = tuple(c for c in (*q._ARTICLE_COLUMNS, "events") if show_paths or c != "origin_path")

    def hide_paths(article: dict[str, Any]) -> dict[str, Any]:
        if not show_paths:
            article.pop("origin_path", None)
        return article

    def read() -> sqlite3.Connection:
        return database.read()

    # ---- events
    def events(request: Request) -> Response:
        values = P.parse([*P.EVENT_FILTERS, *P.paging("events")], _query_items(request))
        after = P.decode_token("e", values["_next"], ((str, type(None)), int))
        rows, cursor = q.list_events(read(), P.event_filter(values), after, values["_size"])
        token = P.encode_token("e", cursor) if cursor else None
        return listing(request, values, rows, token, EVENT_CSV, flat_event)

    def event(request: Request) -> Response:
        P.parse([], _query_items(request))
        found = q.get_event(read(), request.path_params["id"])
        if found is None:
            raise APIError(404, "no event with this id")
        return json_response(found)

    # ---- articles
    def articles(request: Request) -> Response:
        values = P.parse([*P.ARTICLE_FILTERS, *P.paging("articles")], _query_items(request))
        after = P.decode_token("a", values["_next"], ((str, type(None)), int))
        f = q.ArticleFilter(since=values["since"], until=values["until"], source=values["source"], search=values["q"])
        rows, cursor = q.list_articles(read(), f, after, values["_size"])
        token = P.encode_token("a", cursor) if cursor else None
        return listing(request, values, [hide_paths(r) for r in rows], token, article_columns)

    def article(request: Request) -> Response:
        P.parse([], _query_items(request))
        conn = read()
        found = q.get_article(conn, request.path_params["id"])
        if found is None:
            raise APIError(404, "no article with this id")
        found["story"] = _article_story(conn, found["id"])
        return json_response(hide_paths(found))

    async def post_articles(request: Request) -> Response:
        if token is None:
            raise APIError(405, "this server is read-only: start it with --token to accept articles")
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            raise APIError(401, "POST /articles needs the header 'Authorization: Bearer <token>'",
                           {"WWW-Authenticate": "Bearer"})
        P.parse([], _query_items(request))
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            raise APIError(415, "POST /articles takes application/json")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_body:  # a body sent without Content-Length
                raise APIError(413, f"request body over the limit of {max_body:,} bytes")
        from starlette.concurrency import run_in_threadpool

        result = await run_in_threadpool(store_posted, bytes(body))
        return json_response(result, status=201)

    def store_posted(body: bytes) -> dict[str, Any]:
        from ..ingest import ReadOptions
        from ..ingest.jsonl import from_record, parse_json

        try:  # the JSON Lines reader's checks: depth, huge numbers, syntax, each a one-line 400
            data = parse_json(body.decode("utf-8"), "body")
        except UnicodeDecodeError:
            raise APIError(400, "body: not valid UTF-8") from None
        except InputError as exc:
            raise APIError(400, str(exc)) from None
        records = data.get("articles") if isinstance(data, dict) and "articles" in data else data
        records = records if isinstance(records, list) else [records]
        if not records or len(records) > MAX_POSTED_ARTICLES:
            raise APIError(400, f"body: give 1 to {MAX_POSTED_ARTICLES} articles")
        warnings: list[str] = []
        try:
            items = [from_record(r, "article", i, lambda e: warnings.append(str(e)), ReadOptions())
                     for i, r in enumerate(records, start=1)]
        except InputError as exc:
            raise APIError(400, f"body: {exc}") from None
        with database.write_lock:
            if "pipeline" not in pipeline_holder:
                factory = pipeline_factory or _default_pipeline
                pipeline_holder["pipeline"] = factory()
            docs = list(pipeline_holder["pipeline"].annotate(items))
            with open_store(path) as store:
                result = None
                for result in store.write(docs):
                    pass
        return {
            "stored": result.stored if result else 0,
            "existing": result.existing if result else 0,
            "events": result.events if result else 0,
            "articles": [{"id": d.article.id, "url": f"/articles/{d.article.id}", "events": len(d.events)}
                         for d in docs],
            "warnings": warnings,
        }

    # ---- actors, stats, network, stories
    def actors(request: Request) -> Response:
        values = P.parse([*P.ACTOR_FILTERS, *P.paging("actors")], _query_items(request))
        after = P.decode_token("c", values["_next"], (str,))
        rows, cursor = q.list_actors(read(), values["q"], values["country"], values["sector"], after,
                                     values["_size"])
        token = P.encode_token("c", cursor) if cursor else None
        return listing(request, values, rows, token,
                       ("name", "country", "sector", "code", "events", "as_source", "as_target"))

    def stats(request: Request) -> Response:
        values = P.parse([*P.EVENT_FILTERS, *P.STATS_OPTIONS], _query_items(request))
        rows = q.stats(read(), P.event_filter(values), values["interval"], values["by"], values["_size"],
                       values["window"])
        columns = ("period", "key", "country", "lat", "lon", "count") if values["by"] == "place" else (
            "period", "key", "count")
        return listing(request, values, rows, None, columns)

    def network(request: Request) -> Response:
        values = P.parse([*P.EVENT_FILTERS, *P.NETWORK_OPTIONS], _query_items(request))
        rows = q.network(read(), P.event_filter(values), values["window"], values["_size"])
        return listing(request, values, rows, None, ("source", "source_country", "target", "target_country",
                                                     "cooperation", "conflict", "events"))

    def stories(request: Request) -> Response:
        values = P.parse([*P.STORY_FILTERS, *P.paging("stories")], _query_items(request))
        after = P.decode_token("s", values["_next"], (int,))
        rows = _list_stories(read(), values, after)
        cursor = None
        if len(rows) > values["_size"]:
            rows = rows[: values["_size"]]
            cursor = (rows[-1]["id"],)
        token = P.encode_token("s", cursor) if cursor else None
        return listing(request, values, rows, token, STORY_CSV)

    def story(request: Request) -> Response:
        P.parse([], _query_items(request))
        try:
            from ..stories import get_story
        except ImportError:
            raise APIError(404, "this eventwire has no stories") from None
        story_id = P.path_id(request.path_params["id"])
        try:
            found = get_story(read(), story_id) if story_id is not None else None
        except sqlite3.OperationalError:  # a database from before the stories migration
            found = None
        if found is None:
            raise APIError(404, "no story with this id")
        return json_response(found)

    # ---- the page and documents
    def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"})

    def world(request: Request) -> Response:
        return Response(world_geojson(), media_type="application/geo+json",
                        headers={**SECURITY_HEADERS, "Cache-Control": "public, max-age=86400"})

    document = openapi_document(writable=token is not None, show_paths=show_paths)

    def openapi(request: Request) -> Response:
        return json_response(document)

    routes = [
        Route("/", index),
        Route("/openapi.json", openapi),
        Route("/world.geojson", world),
        Route("/events", events),
        Route("/events.csv", events),
        Route("/events/{id:path}", event),
        Route("/articles", articles),
        Route("/articles.csv", articles),
        Route("/articles", post_articles, methods=["POST"]),
        Route("/articles/{id:path}", article),
        Route("/actors", actors),
        Route("/actors.csv", actors),
        Route("/stats", stats),
        Route("/stats.csv", stats),
        Route("/network", network),
        Route("/network.csv", network),
        Route("/stories", stories),
        Route("/stories.csv", stories),
        Route("/stories/{id}", story),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, APIError)
        return error_response(exc.status, exc.message, exc.headers)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = {404: "no such page", 405: "method not allowed here"}.get(exc.status_code, str(exc.detail))
        return error_response(exc.status_code, message, exc.headers)

    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("error answering %s", request.url.path)
        return error_response(500, "internal error (the server log has the details)")

    app = SecuredStarlette(routes=routes, exception_handlers={
        APIError: api_error, HTTPException: http_error, Exception: server_error,
    })
    app.add_middleware(BodyLimit, max_body=max_body)
    app.state.database = database
    return app


STORY_CSV = ("id", "title", "first_article", "first_published", "last_published", "num_articles", "num_duplicates",
             "num_sources", "num_events", "updated_at")


def _list_stories(conn: sqlite3.Connection, values: Mapping[str, Any], after: tuple[Any, ...] | None) -> list[dict[str, Any]]:
    """One more story than the page shows (to know whether another page exists), via the stories module."""
    try:
        from ..stories import StoryQuery, list_stories
    except ImportError:
        return []
    query = StoryQuery(since=values["since"], until=values["until"], min_articles=values["min_articles"],
                       limit=values["_size"] + 1, before_id=after[0] if after else None)
    try:
        return list(list_stories(conn, query))
    except sqlite3.OperationalError:  # a database from before the stories migration
        return []


def _article_story(conn: sqlite3.Connection, article_id: str) -> dict[str, Any] | None:
    try:
        from ..stories import article_story
    except ImportError:
        return None
    try:
        return article_story(conn, article_id)
    except sqlite3.OperationalError:
        return None


def _default_pipeline() -> Any:
    from ..pipeline import Pipeline

    try:
        return Pipeline()
    except EventwireError as exc:
        raise APIError(503, f"cannot annotate articles: {exc}") from None
