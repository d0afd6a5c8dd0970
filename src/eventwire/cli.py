"""The `eventwire` command. It only parses arguments, calls the importable jobs in run.py / store / evaluate, and
prints: JSON Lines for records, CSV or a table where a person reads. Errors are one line, never a traceback.
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click

from . import __version__
from .errors import EventwireError, InputError
from .ingest import DEFAULT_MAX_CHARS, FORMATS
from .store import DEFAULT_DB, Query, is_url, open_store
from .store.postgres import redact

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def user_errors(fn: F) -> F:
    """Turn EventwireError into a one-line message and its exit code."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except EventwireError as exc:
            _fail(str(exc), exc.exit_code)
        except BrokenPipeError:  # e.g. `eventwire events | head`
            sys.stderr.close()
            sys.exit(0)
        except KeyboardInterrupt:
            _fail("interrupted", 130)

    return wrapper  # type: ignore[return-value]


def report_input_error(exc: InputError) -> None:
    click.echo(f"Error: {exc}", err=True)


def pipeline_options(fn: F) -> F:
    options = [
        click.option("--format", "fmt", type=click.Choice(FORMATS), default="auto", show_default=True,
                     help="Input format; auto detects it from the extension and content."),
        click.option("--model", default=None, metavar="NAME_OR_PATH",
                     help="An installed spaCy pipeline (default en_core_web_sm 3.8)."),
        click.option("--stages", default=None, metavar="LIST",
                     help="Comma-separated stages to run (default: all installed)."),
        click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
                     help="Processes that parse in parallel."),
        click.option("--batch-size", type=click.IntRange(1, 10_000), default=32, show_default=True,
                     help="Articles per spaCy batch."),
        click.option("--max-chars", type=click.IntRange(1), default=DEFAULT_MAX_CHARS, show_default=True,
                     help="Refuse single articles longer than this."),
        click.option("-q", "--quiet", is_flag=True, help="No progress bar."),
        click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
                     help="local: this machine's processes; ray: Ray actors, --workers of them (eventwire[ray])."),
        click.option("--address", default=None, metavar="auto|ray://HOST:PORT",
                     help="With --engine ray: the Ray cluster to join (default: start a local Ray)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _ray_options(engine: str, address: str | None) -> Any:
    if address and engine != "ray":
        raise click.UsageError("--address needs --engine ray")
    if engine != "ray":
        return None
    from .engines.ray import RayOptions

    return RayOptions(address=address)


def _stages(value: str | None) -> list[str] | None:
    return [s.strip() for s in value.split(",") if s.strip()] if value else None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="eventwire")
def main() -> None:
    """eventwire: raw news in, political event data out (who did what to whom, where, when, and who said so)."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@pipeline_options
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-", help="Write here (default stdout).")
@click.option("--parquet", "parquet", default=None, metavar="DIR",
              help="With --engine ray: write Parquet partitions into this new folder instead of JSON Lines.")
@user_errors
def process(paths: tuple[str, ...], fmt: str, model: str | None, stages: str | None, workers: int, batch_size: int,
            max_chars: int, quiet: bool, engine: str, address: str | None, output: TextIO,
            parquet: str | None) -> None:
    """Annotate PATHS (files, directories, - for stdin) and write one JSON object per article."""
    from .progress import Progress
    from .run import process as run_process

    failed: list[InputError] = []

    def on_error(exc: InputError) -> None:
        failed.append(exc)
        report_input_error(exc)

    ray = _ray_options(engine, address)
    if parquet is not None:
        if ray is None:
            raise click.UsageError("--parquet needs --engine ray")
        from .engines.ray import options_for, write_parquet_on_ray
        from .ingest import ReadOptions, read_inputs

        articles = read_inputs(paths, on_error, ReadOptions(fmt=fmt, max_chars=max_chars))
        count = write_parquet_on_ray(articles, parquet, model=model, stages=_stages(stages),
                                     options=options_for(ray, workers, batch_size))
        if not quiet:
            click.echo(f"{parquet}: {_n(count, 'document')} written as Parquet, {_n(len(failed), 'input')} failed", err=True)
        if failed:
            sys.exit(1)
        return
    progress = Progress(enabled=False if quiet else None)
    for doc in run_process(paths, fmt=fmt, model=model, stages=_stages(stages), workers=workers,
                           batch_size=batch_size, max_chars=max_chars, on_error=on_error, engine=engine, ray=ray):
        output.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")
        progress.update()
    progress.close()
    output.flush()
    if failed:
        sys.exit(1)


def _n(count: int, noun: str) -> str:
    """ "1 event", "2 events"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--db", default=DEFAULT_DB, show_default=True, help="SQLite database file, or a postgresql:// URL.")
@pipeline_options
@click.option("--no-dedup", is_flag=True, help="Skip near-duplicate detection and stories.")
@user_errors
def ingest(paths: tuple[str, ...], db: str, fmt: str, model: str | None, stages: str | None, workers: int,
           batch_size: int, max_chars: int, quiet: bool, engine: str, address: str | None, no_dedup: bool) -> None:
    """Annotate PATHS and store the articles with all their layers in the database (again: no duplicates)."""
    from .progress import Progress
    from .run import ingest as run_ingest

    progress = Progress(enabled=False if quiet else None)
    outcome = run_ingest(paths, db, fmt=fmt, model=model, stages=_stages(stages), workers=workers,
                         batch_size=batch_size, max_chars=max_chars, on_error=report_input_error,
                         on_progress=progress.update, dedup=not no_dedup, engine=engine,
                         ray=_ray_options(engine, address))
    progress.close()
    if not quiet:
        click.echo(
            f"{redact(db)}: {_n(outcome.stored, 'new article')} stored with {_n(outcome.events, 'event')}, "
            f"{outcome.existing} already stored, {_n(len(outcome.errors), 'input')} failed",
            err=True,
        )
    if outcome.errors:
        sys.exit(1)


def query_options(fn: F) -> F:
    options = [
        click.option("--db", default=DEFAULT_DB, show_default=True, help="SQLite database file, or a postgresql:// URL."),
        click.option("--since", metavar="DATE", help="From this date (YYYY-MM-DD), inclusive."),
        click.option("--until", metavar="DATE", help="Up to this date, inclusive."),
        click.option("--source", help="Only articles from this source (outlet)."),
        click.option("--search", metavar="WORDS", help="Full-text search in titles and bodies."),
        click.option("--limit", type=click.IntRange(1), default=None, help="At most this many rows."),
        click.option("--csv", "as_csv", is_flag=True, help="CSV instead of JSON Lines."),
        click.option("--table", "as_table", is_flag=True, help="A readable table (default when stdout is a terminal)."),
        click.option("--json", "as_json", is_flag=True, help="JSON Lines even on a terminal."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _check_date(flag: str, value: str | None) -> str | None:
    if value is None:
        return None
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=flag) from None


def _open_existing(db: str) -> Any:
    if db != ":memory:" and not is_url(db) and not Path(db).exists():
        raise EventwireError(f"--db {db}: no such database (create it with `eventwire ingest PATH --db {db}`)")
    return open_store(db)


@main.command()
@query_options
@user_errors
def articles(db: str, since: str | None, until: str | None, source: str | None, search: str | None,
             limit: int | None, as_csv: bool, as_table: bool, as_json: bool) -> None:
    """List stored articles."""
    query = Query(since=_check_date("--since", since), until=_check_date("--until", until), source=source,
                  search=search, limit=limit)
    with _open_existing(db) as store:
        rows = store.articles(query)
        if _wants_table(as_table, as_csv, as_json):
            _print_table(rows, [("published", 10), ("source", 14), ("events", 6), ("title", 0)])
        elif as_csv:
            _write_csv(({k: v for k, v in r.items() if k != "captions"} for r in rows), sys.stdout)
        else:
            for row in rows:
                sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


@main.command()
@query_options
@click.option("--type", "event_type", metavar="PLOVER", help="Only events of this PLOVER type (e.g. ASSAULT).")
@click.option("--country", metavar="ISO3", help="Only events with an actor or place in this country.")
@click.option("--acled-type", metavar="NAME", help="Only events of this ACLED event type (e.g. Battles).")
@click.option("--acled-sub-type", metavar="NAME", help="Only events of this ACLED sub-event type (e.g. 'Air/drone strike').")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "plover", "gdelt", "acled"]), default=None,
              help="Export format (default JSON Lines, or a table on a terminal).")
@user_errors
def events(db: str, since: str | None, until: str | None, source: str | None, search: str | None, limit: int | None,
           as_csv: bool, as_table: bool, as_json: bool, event_type: str | None, country: str | None,
           acled_type: str | None, acled_sub_type: str | None, fmt: str | None) -> None:
    """List stored events, or export them (--format plover | gdelt | acled | csv)."""
    query = Query(since=_check_date("--since", since), until=_check_date("--until", until), source=source,
                  search=search, type=_plover_type(event_type), country=country, limit=limit,
                  acled_type=_acled_name("--acled-type", acled_type, "event_type"),
                  acled_sub_type=_acled_name("--acled-sub-type", acled_sub_type, "sub_event_type"))
    with _open_existing(db) as store:
        rows = store.events(query)
        if fmt is None and _wants_table(as_table, as_csv, as_json):
            _print_table((_event_summary(r) for r in rows),
                         [("date", 10), ("type", 9), ("cameo", 5), ("acled", 22), ("source", 18), ("target", 18),
                          ("trigger", 0)])
            return
        fmt = fmt or ("csv" if as_csv else "jsonl")
        _export(rows, fmt)


def _plover_type(value: str | None) -> str | None:
    """A PLOVER type as stored (upper case), or a usage error naming --type: a typo must not look like no events."""
    if value is None:
        return None
    from .annotate.event_patterns import plover_types

    return _one_of("--type", value, list(plover_types()))


def _acled_name(flag: str, value: str | None, kind: str) -> str | None:
    """An ACLED type or sub-type name in its canonical spelling (any case given)."""
    if value is None:
        return None
    from . import acled

    return _one_of(flag, value, acled.event_types() if kind == "event_type" else list(acled.categories()))


def _one_of(flag: str, value: str, names: list[str]) -> str:
    """The name among ``names`` that ``value`` spells in any case, or a usage error naming ``flag``."""
    found = next((n for n in names if n.lower() == value.strip().lower()), None)
    if found is None:
        raise click.BadParameter(f"{value!r} is not one of: {', '.join(names)}", param_hint=flag)
    return found


def _export(rows: Iterable[dict[str, Any]], fmt: str) -> None:
    from .export import write_events

    write_events(rows, fmt, sys.stdout)


def _event_summary(row: dict[str, Any]) -> dict[str, Any]:
    def actors(items: list[dict[str, Any]]) -> str:
        return ", ".join(a.get("code") or a.get("name") or a.get("text") or "" for a in items)

    flags = "".join(f" [{f}]" for f in ("negated", "future", "hypothetical") if row.get(f))
    return {"date": row.get("date") or (row["article"].get("published") or ""), "type": row["type"],
            "cameo": row.get("cameo") or "", "acled": row.get("acled_sub_type") or "",
            "source": actors(row["source"]), "target": actors(row["target"]),
            "trigger": (row["trigger"]["text"] or "") + flags}


def _wants_table(as_table: bool, as_csv: bool, as_json: bool) -> bool:
    return as_table or (not as_csv and not as_json and sys.stdout.isatty())


def _print_table(rows: Iterable[dict[str, Any]], columns: Sequence[tuple[str, int]]) -> None:
    """A plain fixed-width table; the column of width 0 takes the rest of the terminal."""
    total = shutil.get_terminal_size((120, 24)).columns
    fixed = sum(w for _, w in columns if w) + 2 * (len(columns) - 1)
    widths = [w or max(total - fixed, 20) for _, w in columns]

    def cell(value: Any, width: int) -> str:
        text = "" if value is None else str(value).replace("\n", " ")
        return (text[: width - 1] + "…") if len(text) > width else text.ljust(width)

    click.echo("  ".join(cell(name, w) for (name, _), w in zip(columns, widths, strict=True)).rstrip())
    count = 0
    for row in rows:
        count += 1
        click.echo("  ".join(cell(row.get(name), w) for (name, _), w in zip(columns, widths, strict=True)).rstrip())
    click.echo(f"({count} rows)")


def _write_csv(rows: Iterable[dict[str, Any]], out: TextIO) -> None:
    from .export import safe_cells

    writer: csv.DictWriter[str] | None = None
    for row in rows:
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(row), extrasaction="ignore")
            writer.writeheader()
        writer.writerow(safe_cells(row))


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help="SQLite database file, or a postgresql:// URL.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--token", default=None, metavar="TOKEN", envvar="EVENTWIRE_TOKEN",
              help="Accept POST /articles from requests bearing this token (default: read-only).")
@click.option("--max-body", type=click.IntRange(1), default=2 * 1024 * 1024, show_default=True,
              help="Largest request body accepted, in bytes.")
@click.option("--show-paths", is_flag=True, help="Include each article's origin_path (a file on this server) in the API.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Server processes sharing the port (about one per core answers concurrent readers fastest).")
@user_errors
def serve(db: str, host: str, port: int, token: str | None, max_body: int, show_paths: bool, workers: int) -> None:
    """Serve the HTTP API and the web page (map, timeline, actor network, events, articles) over the database."""
    from .web import serve as run_server

    store = _open_existing(db)
    store.close()
    processes = f", {workers} processes" if workers > 1 else ""
    click.echo(f"eventwire: serving {redact(db)} on http://{host}:{port}/ "
               f"({'accepting POST /articles with the token' if token else 'read-only'}{processes})", err=True)
    run_server(db, host=host, port=port, workers=workers, token=token, max_body=max_body, show_paths=show_paths)


@main.command()
@query_options
@click.option("--min-articles", type=click.IntRange(1), default=1, show_default=True,
              help="Only stories told by at least this many independent (non-duplicate) articles.")
@user_errors
def stories(db: str, since: str | None, until: str | None, source: str | None, search: str | None,
            limit: int | None, as_csv: bool, as_table: bool, as_json: bool, min_articles: int) -> None:
    """List stories: articles about one happening, near-duplicates counted apart (see docs/stories.md)."""
    from .stories import StoryQuery

    if source or search:
        raise click.UsageError("stories: --source and --search are not supported here")
    query = StoryQuery(since=_check_date("--since", since), until=_check_date("--until", until),
                       min_articles=min_articles, limit=limit)
    with _open_existing(db) as store:
        rows = store.stories(query)
        if _wants_table(as_table, as_csv, as_json):
            _print_table(rows, [("id", 6), ("last_published", 10), ("num_articles", 8), ("num_duplicates", 8),
                                ("num_sources", 7), ("title", 0)])
        elif as_csv:
            _write_csv(rows, sys.stdout)
        else:
            for row in rows:
                sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help="SQLite database file, or a postgresql:// URL.")
@click.option("-q", "--quiet", is_flag=True, help="No summary line on stderr.")
@user_errors
def dedup(db: str, quiet: bool) -> None:
    """Find near-duplicates and stories for the articles stored without them (`ingest --no-dedup`), in the order
    they were stored. Articles already indexed are left as they are."""
    with _open_existing(db) as store:
        count = store.index_stories()
    if not quiet:
        click.echo(f"indexed {count} article{'s' if count != 1 else ''} for duplicates and stories", err=True)


@main.command()
@click.option("--from", "source", required=True, metavar="FILE.db", help="The SQLite database to copy.")
@click.option("--to", "target", required=True, metavar="postgresql://...", help="An empty PostgreSQL database.")
@click.option("-q", "--quiet", is_flag=True, help="No line per table.")
@user_errors
def migrate(source: str, target: str, quiet: bool) -> None:
    """Copy a SQLite eventwire database into PostgreSQL (every table, one transaction; eventwire[postgres])."""
    from .store.transfer import migrate_sqlite_to_postgres

    if not is_url(target):
        raise click.BadParameter("give a postgresql:// URL", param_hint="--to")

    def on_table(table: str, rows: int) -> None:
        if not quiet:
            click.echo(f"{table}: {rows} rows", err=True)

    done = migrate_sqlite_to_postgres(source, target, on_table)
    if not quiet:
        click.echo(f"{redact(target)}: {done.rows.get('articles', 0)} articles and {done.rows.get('events', 0)} "
                   f"events copied from {source}", err=True)


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help="SQLite database file, or a postgresql:// URL.")
@click.option("--since", default="7d", show_default=True, metavar="7d|all|YYYY-MM-DD",
              help="Start of the period: a number of days back from its end, a date, or all.")
@click.option("--until", default=None, metavar="YYYY-MM-DD",
              help="Last day of the period (default: the newest publication day stored).")
@click.option("--country", "countries", multiple=True, metavar="ISO3",
              help="Only events involving this country (actor or place); repeat for several.")
@click.option("--actor", default=None, metavar="NAME", help="Only events with this actor (name or code).")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="brief.html (offline, charts inline) or brief.pdf (printed by headless Chromium).")
@user_errors
def brief(db: str, since: str, until: str | None, countries: tuple[str, ...], actor: str | None,
          output: Path) -> None:
    """Write a situation brief: headline counts against the previous period, map, timeline, actor network, the
    most reported happenings and quotes, each linked to its article and sentence."""
    from .brief import build_brief, write_brief

    with _open_existing(db) as store:
        report = build_brief(store.conn, since, until, countries, actor)
    write_brief(report, output, redact(db) if is_url(db) else Path(db).name)
    click.echo(f"{output}: brief of {report.period.label()}, {report.total} events from {report.articles} "
               f"articles", err=True)


@main.command("eval")
@click.argument("name")
@click.option("--gold", required=True, type=click.Path(exists=True), help="Path to the gold data set.")
@click.option("--model", default=None, metavar="NAME_OR_PATH", help="spaCy pipeline to evaluate with.")
@click.option("--half", default=None, type=click.Choice(["tune", "check", "all"]),
              help="Score one fixed half of the gold (by a hash of the record id): read errors on tune, gate on check.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@user_errors
def evaluate(name: str, gold: str, model: str | None, half: str | None, as_json: bool) -> None:
    """Score an extractor against external gold data: NAME is one of the installed scorers."""
    from .evaluate import load_evaluators

    evaluators = load_evaluators()
    if name not in evaluators:
        known = ", ".join(sorted(evaluators)) or "none installed"
        _fail(f"eval: unknown scorer {name!r} (known: {known})", 2)
    if half and not evaluators[name].halves:
        _fail(f"--half: scorer {name!r} does not split its gold into halves", 2)
    options = {"half": half} if half else {}
    report = evaluators[name].run(Path(gold), model=model, **options)
    if as_json:
        click.echo(json.dumps({"name": report.name, "dataset": report.dataset, "size": report.size,
                               "metrics": report.metrics, "details": report.details}, ensure_ascii=False, indent=2))
    else:
        for line in report.lines():
            click.echo(line)


if __name__ == "__main__":
    main()
