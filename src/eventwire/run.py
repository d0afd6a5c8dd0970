"""The two jobs behind the CLI, importable: process inputs into Documents, and ingest them into the store."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .engines import annotate_stream
from .errors import InputError
from .ingest import DEFAULT_MAX_CHARS, ReadOptions, read_inputs
from .pipeline import Pipeline
from .records import Document
from .store import is_url, open_store

if TYPE_CHECKING:
    from .engines.ray import RayOptions

ENGINES = ("local", "ray")


@dataclass
class Outcome:
    """What a run did: documents produced and the inputs that failed (one InputError each)."""

    documents: int = 0
    stored: int = 0
    existing: int = 0
    events: int = 0
    errors: list[InputError] = field(default_factory=list)


def process(
    inputs: Iterable[str],
    *,
    fmt: str = "auto",
    model: str | None = None,
    stages: Sequence[str] | None = None,
    workers: int = 1,
    batch_size: int = 32,
    max_chars: int = DEFAULT_MAX_CHARS,
    on_error: Callable[[InputError], None] | None = None,
    pipeline: Pipeline | None = None,
    engine: str = "local",
    ray: RayOptions | None = None,
) -> Iterator[Document]:
    """Read the inputs (paths, directories, "-") and yield one annotated Document per article, in order.
    ``engine="ray"`` annotates on Ray (engines/ray.py) with ``ray`` options; reading stays here."""
    sink = on_error or (lambda exc: None)
    articles = read_inputs(inputs, sink, ReadOptions(fmt=fmt, max_chars=max_chars))
    if engine == "ray":
        from .engines.ray import annotate_on_ray, options_for

        yield from annotate_on_ray(articles, model=model, stages=stages,
                                   options=options_for(ray, workers, batch_size))
        return
    yield from annotate_stream(
        articles, model=model, stages=stages, workers=workers, batch_size=batch_size, pipeline=pipeline
    )


def ingest(
    inputs: Iterable[str],
    db: str | Path,
    *,
    fmt: str = "auto",
    model: str | None = None,
    stages: Sequence[str] | None = None,
    workers: int = 1,
    batch_size: int = 32,
    commit_every: int = 50,
    max_chars: int = DEFAULT_MAX_CHARS,
    on_error: Callable[[InputError], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    pipeline: Pipeline | None = None,
    dedup: bool = True,
    engine: str = "local",
    ray: RayOptions | None = None,
) -> Outcome:
    """Process the inputs into the database. Articles already stored are skipped before parsing, so rerunning an
    interrupted ingest finishes the job without duplicates. ``dedup=False`` skips near-duplicate detection and
    stories (stories.py). With ``engine="ray"`` the articles are annotated on Ray; into PostgreSQL the Ray actors
    write themselves (concurrent upserts), into SQLite this process writes what they return."""
    outcome = Outcome()

    def record_error(exc: InputError) -> None:
        outcome.errors.append(exc)
        if on_error:
            on_error(exc)

    with open_store(db, dedup=dedup) as store:
        articles = (
            a for a in read_inputs(inputs, record_error, ReadOptions(fmt=fmt, max_chars=max_chars))
            if not _already(store.contains(a.id), outcome)
        )
        if engine == "ray":
            from .engines.ray import annotate_on_ray, ingest_on_ray, options_for

            options = options_for(ray, workers, batch_size)
            if is_url(db):
                totals = ingest_on_ray(articles, str(db), model=model, stages=stages, options=options, dedup=dedup,
                                       on_progress=on_progress)
                outcome.documents = totals.documents
                outcome.stored = totals.stored
                outcome.existing += totals.existing
                outcome.events = totals.events
                return outcome
            docs: Iterator[Document] = annotate_on_ray(articles, model=model, stages=stages, options=options)
        else:
            docs = annotate_stream(
                articles, model=model, stages=stages, workers=workers, batch_size=batch_size, pipeline=pipeline
            )

        def counted(stream: Iterable[Document]) -> Iterator[Document]:
            for doc in stream:
                outcome.documents += 1
                if on_progress:
                    on_progress(1)
                yield doc

        result = None
        for result in store.write(counted(docs), batch_size=commit_every):
            pass
        if result is not None:
            outcome.stored = result.stored
            outcome.existing += result.existing
            outcome.events = result.events
    return outcome


def _already(stored: bool, outcome: Outcome) -> bool:
    if stored:
        outcome.existing += 1
    return stored
