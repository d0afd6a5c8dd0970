"""The local engine: one process, or N worker processes each with its own pipeline, results in input order.

Work goes out in bounded windows of batches, so a stream of any size is processed with flat memory.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from ..pipeline import Pipeline
from ..records import Article, Document

_worker_pipeline: Pipeline | None = None


def _init_worker(model: str | None, stages: Sequence[str] | None, batch_size: int) -> None:
    global _worker_pipeline
    _worker_pipeline = Pipeline(model, stages, batch_size=batch_size)


def _annotate_batch(batch: list[Article]) -> list[Document]:
    assert _worker_pipeline is not None
    return list(_worker_pipeline.annotate(batch))


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
    # Build one pipeline here first, so that a bad --model or --stages fails before any worker starts.
    pipeline or Pipeline(model, stages, batch_size=batch_size)
    it = iter(articles)
    window = workers * 2
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(model, stages, batch_size)) as pool:
        pending: deque[Future[list[Document]]] = deque()
        while True:
            while len(pending) < window:
                batch = list(itertools.islice(it, batch_size))
                if not batch:
                    break
                pending.append(pool.submit(_annotate_batch, batch))
            if not pending:
                return
            yield from pending.popleft().result()
