"""The Ray engine (``--engine ray``, the ``ray`` extra): the same Pipeline on a Ray cluster, one per actor.

The driver reads the inputs with eventwire's own readers (every format, gzip, stdin), so a bad record gets the same
one line naming its file and line as with the local engine, and is reported before any parsing. The articles go to
Ray in windows of ``window`` articles (``ray.data.from_items``: the driver's memory stays bounded);
``map_batches`` runs them through an actor pool of ``workers`` actors, each holding one Pipeline (the spaCy model and
the gazetteer loaded once per actor). Results come back in input order (``preserve_order``), are written as Parquet
partitions by the cluster, or are stored by the actors themselves into a PostgreSQL store (concurrent writers:
upserts on the content-hash article id). Without ``address`` a local Ray is started on this machine and stopped at
the end; a Ray already initialised in this process (a test's, a notebook's) is used as it is.
"""

from __future__ import annotations

import json
import logging
import pickle
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import EventwireError, UsageError
from ..pipeline import Pipeline
from ..records import Article, Document

MISSING = "the Ray engine is not installed: pip install 'eventwire[ray]'"


def _ray() -> Any:
    try:
        import ray
        import ray.data  # the data library is a separate part of the ray package
    except ImportError:
        raise EventwireError(MISSING) from None
    return ray


@dataclass(frozen=True)
class RayOptions:
    """Where and how wide: ``address`` None starts a local Ray, "auto" joins the local cluster, "ray://host:port" a
    remote one; ``workers`` actors, one Pipeline each; ``window`` articles in flight from the driver at a time."""

    address: str | None = None
    workers: int = 1
    window: int = 20_000
    batch_size: int = 32


def options_for(options: RayOptions | None, workers: int, batch_size: int) -> RayOptions:
    """The run's Ray options with the shared --workers and --batch-size filled in."""
    from dataclasses import replace

    return replace(options or RayOptions(), workers=workers, batch_size=batch_size)


@contextmanager
def ray_session(options: RayOptions) -> Iterator[Any]:
    """Ray, initialised for this run unless it already was; quiet (no progress bars, warnings only)."""
    ray = _ray()
    started = False
    if not ray.is_initialized():
        settings: dict[str, Any] = {"logging_level": logging.ERROR, "log_to_driver": False,
                                    "include_dashboard": False, "configure_logging": True}
        if options.address is None:
            # One CPU per actor, and one for the tasks Ray Data runs beside them (Parquet writes).
            settings["num_cpus"] = options.workers + 1
        try:
            ray.init(address=options.address, **settings)
        except (ConnectionError, ValueError, RuntimeError) as exc:
            where = options.address or "a local Ray"
            raise UsageError(f"--address {where}: cannot start or join Ray ({_first_line(exc)})") from None
        started = True
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.execution_options.preserve_order = True
    context.print_on_execution_start = False
    try:
        with warnings.catch_warnings():
            # Ray Data's advice when a window has fewer blocks than actors (a small input): nothing to act on.
            warnings.filterwarnings("ignore", message="The minimum number of concurrent actors")
            yield ray
    finally:
        if started:
            ray.shutdown()


class Annotator:
    """The map_batches callable: one Pipeline per actor; ``sink`` says what a batch returns: pickled Documents
    ("documents"), their JSON ("json", for Parquet), or, for a PostgreSQL ``db``, the counts it stored ("store")."""

    def __init__(self, model: str | None, stages: list[str] | None, batch_size: int, sink: str,
                 db: str | None = None, dedup: bool = True) -> None:
        self.pipeline = Pipeline(model, stages, batch_size=batch_size)
        self.sink = sink
        self.store = None
        if sink == "store":
            from ..store import open_store

            self.store = open_store(db or "", dedup=dedup)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        articles = [pickle.loads(b) for b in batch["article"]]
        docs = list(self.pipeline.annotate(articles))
        if self.sink == "documents":
            return {"document": [pickle.dumps(d, protocol=pickle.HIGHEST_PROTOCOL) for d in docs]}
        if self.sink == "json":
            return _json_columns(docs)
        assert self.store is not None
        result = None
        for result in self.store.write(docs, batch_size=len(docs) or 1):
            pass
        return {"documents": [len(docs)], "stored": [result.stored if result else 0],
                "existing": [result.existing if result else 0], "events": [result.events if result else 0]}


def _json_columns(docs: list[Document]) -> dict[str, list[Any]]:
    """A Parquet row per document: the fields one filters on, and the whole document as ``eventwire process``
    writes it (the JSON text), so a partition holds everything."""
    return {
        "id": [d.article.id for d in docs],
        "published": [d.article.published for d in docs],
        "source": [d.article.source for d in docs],
        "title": [d.article.title for d in docs],
        "events": [len(d.events) for d in docs],
        "document": [json.dumps(d.to_dict(), ensure_ascii=False) for d in docs],
    }


def check_pipeline(model: str | None, stages: Sequence[str] | None) -> None:
    """Fail on a bad --stages or --model here, before Ray starts, without loading the model in the driver."""
    import spacy.util

    from ..errors import ModelError
    from ..pipeline import DEFAULT_MODELS, resolve_stages

    resolve_stages(stages)
    if model is None:
        if not any(spacy.util.is_package(m) for m in DEFAULT_MODELS):
            Pipeline(model, stages)  # the local engine's own message for a missing default model
        return
    if not spacy.util.is_package(model) and not Path(model).is_dir():
        raise ModelError(f"--model {model}: no installed spaCy pipeline or model directory of that name")


def _windows(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    window: list[Article] = []
    for article in articles:
        window.append(article)
        if len(window) >= size:
            yield window
            window = []
    if window:
        yield window


def _mapped(ray: Any, window: list[Article], options: RayOptions, model: str | None,
            stages: Sequence[str] | None, sink: str, db: str | None = None, dedup: bool = True) -> Any:
    items = [{"article": pickle.dumps(a, protocol=pickle.HIGHEST_PROTOCOL)} for a in window]
    # Enough blocks for every actor to start at once, few enough that a block is a few batches.
    blocks = max(1, min(len(items), max(options.workers, len(items) // (options.batch_size * 4))))
    ds = ray.data.from_items(items, override_num_blocks=blocks)
    config = {"model": model, "stages": list(stages) if stages else None, "batch_size": options.batch_size,
              "sink": sink, "db": db, "dedup": dedup}
    # On a cluster (--address) a lost actor is restarted and its batches retried (Ray Data's default); on the local
    # Ray a dead actor fails the run as a dead worker process does in the local engine (rerun: stored articles are
    # skipped), and Ray's stderr advice about restarting actors stays away.
    restarts = {} if options.address else {"max_restarts": 0}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="`ray_remote_args` is deprecated")
        return ds.map_batches(
            Annotator, fn_constructor_kwargs=config, compute=ray.data.ActorPoolStrategy(size=options.workers), batch_size=options.batch_size,
            num_cpus=1, batch_format="numpy", **restarts,
        )


def annotate_on_ray(articles: Iterable[Article], *, model: str | None = None, stages: Sequence[str] | None = None,
                    options: RayOptions = RayOptions()) -> Iterator[Document]:
    """Documents for the articles, in input order, annotated by ``options.workers`` Ray actors."""
    check_pipeline(model, stages)
    with ray_session(options) as ray:
        for window in _windows(articles, options.window):
            ds = _mapped(ray, window, options, model, stages, "documents")
            for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
                for blob in batch["document"]:
                    yield pickle.loads(blob)


def write_parquet_on_ray(articles: Iterable[Article], out: str | Path, *, model: str | None = None,
                         stages: Sequence[str] | None = None, options: RayOptions = RayOptions()) -> int:
    """Annotate on Ray and write Parquet partitions into folder ``out`` (one subfolder per window, written by the
    cluster); returns how many documents."""
    check_pipeline(model, stages)
    folder = Path(out)
    if folder.exists() and any(folder.iterdir()):
        raise UsageError(f"--parquet {out}: folder is not empty; choose a new one")
    total = 0
    with ray_session(options) as ray:
        for number, window in enumerate(_windows(articles, options.window)):
            ds = _mapped(ray, window, options, model, stages, "json")
            ds.write_parquet(str(folder.resolve() / f"window-{number:05d}"))
            total += len(window)
    return total


@dataclass
class StoreTotals:
    documents: int = 0
    stored: int = 0
    existing: int = 0
    events: int = 0


def ingest_on_ray(articles: Iterable[Article], db: str, *, model: str | None = None,
                  stages: Sequence[str] | None = None, options: RayOptions = RayOptions(), dedup: bool = True,
                  on_progress: Any = None) -> StoreTotals:
    """Annotate on Ray with the actors writing straight into the PostgreSQL store ``db``."""
    check_pipeline(model, stages)
    totals = StoreTotals()
    with ray_session(options) as ray:
        for window in _windows(articles, options.window):
            ds = _mapped(ray, window, options, model, stages, "store", db, dedup)
            for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
                for n, stored, existing, events in zip(batch["documents"], batch["stored"], batch["existing"],
                                                       batch["events"], strict=True):
                    totals.documents += int(n)
                    totals.stored += int(stored)
                    totals.existing += int(existing)
                    totals.events += int(events)
                    if on_progress:
                        on_progress(int(n))
    return totals


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
