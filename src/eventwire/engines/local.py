"""The local engine: one process, or N worker processes each with its own pipeline, results in input order.

Work goes out in bounded windows of batches, so a stream of any size is processed with flat memory. An article too
long for one spaCy piece (pipeline.PIECE_CHARS) is not left to one worker: its pieces are parsed across all of
them, and this process joins them and runs the stages, so one 400 KB article uses every worker too.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from spacy.tokens import DocBin

from ..pipeline import PIECE_CHARS, Pipeline, join_pieces, split_text
from ..records import Article, Document

_worker_pipeline: Pipeline | None = None


def _init_worker(model: str | None, stages: Sequence[str] | None, batch_size: int) -> None:
    global _worker_pipeline
    if _worker_pipeline is None:  # not inherited from a forking parent
        _worker_pipeline = Pipeline(model, stages, batch_size=batch_size)


def _annotate_batch(batch: list[Article]) -> list[Document]:
    assert _worker_pipeline is not None
    return list(_worker_pipeline.annotate(batch))


def _parse_piece(text: str) -> bytes:
    """One piece of a long article, parsed and serialised (a Doc is sent back as DocBin bytes)."""
    assert _worker_pipeline is not None
    return DocBin(docs=[_worker_pipeline.nlp(text)]).to_bytes()


@dataclass
class _Long:
    """A long article whose pieces are being parsed by the workers."""

    article: Article
    pieces: list[Future[bytes]]

    def annotate(self, pipeline: Pipeline) -> Document:
        vocab = pipeline.nlp.vocab
        docs = [doc for f in self.pieces for doc in DocBin().from_bytes(f.result()).get_docs(vocab)]
        return pipeline.annotate_parsed(self.article, join_pieces(docs))


def annotate_stream(
    articles: Iterable[Article],
    *,
    model: str | None = None,
    stages: Sequence[str] | None = None,
    workers: int = 1,
    batch_size: int = 32,
    pipeline: Pipeline | None = None,
) -> Iterator[Document]:
    """Documents for the articles, in order. ``workers`` > 1 parses in that many processes."""
    if workers <= 1:
        pipe = pipeline or Pipeline(model, stages, batch_size=batch_size)
        yield from pipe.annotate(articles)
        return
    # Build one pipeline here first, so that a bad --model or --stages fails before any worker starts; it runs the
    # stages of long articles.
    pipe = pipeline or Pipeline(model, stages, batch_size=batch_size)
    window = workers * 2
    global _worker_pipeline
    # Workers forked from this process start with its pipeline instead of loading the model again (seconds each).
    _worker_pipeline = pipe if multiprocessing.get_start_method() == "fork" else None
    try:
        with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(model, stages, batch_size)) as pool:
            pending: deque[Future[list[Document]] | _Long] = deque()
            for work in _work(articles, pool, pipe, batch_size):
                pending.append(work)
                while len(pending) >= window:
                    yield from _finish(pending.popleft(), pipe)
            while pending:
                yield from _finish(pending.popleft(), pipe)
    finally:
        _worker_pipeline = None


def _work(
    articles: Iterable[Article], pool: ProcessPoolExecutor, pipe: Pipeline, batch_size: int
) -> Iterator[Future[list[Document]] | _Long]:
    """Work sent to the pool in input order: batches of ordinary articles, and long articles piece by piece."""
    batch: list[Article] = []
    for article in articles:
        if len(article.text) <= PIECE_CHARS:
            batch.append(article)
            if len(batch) >= batch_size:
                yield pool.submit(_annotate_batch, batch)
                batch = []
            continue
        if batch:
            yield pool.submit(_annotate_batch, batch)
            batch = []
        article = pipe.prepare(article)
        yield _Long(article, [pool.submit(_parse_piece, piece) for piece in split_text(article.text)])
    if batch:
        yield pool.submit(_annotate_batch, batch)


def _finish(work: Future[list[Document]] | _Long, pipe: Pipeline) -> Iterator[Document]:
    if isinstance(work, _Long):
        yield work.annotate(pipe)
    else:
        yield from work.result()
