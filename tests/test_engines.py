"""The local engine: several worker processes give the same documents, in the same order, as one process."""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language

from eventwire.engines import annotate_stream
from eventwire.pipeline import PIECE_CHARS, Pipeline, split_text
from eventwire.records import Article

TEXTS = [
    "The defence minister of Kenya flew to Mogadishu on Monday.",
    "Protesters marched through Caracas demanding new elections.",
    "Japan and South Korea signed a fisheries accord in Busan.",
    "The court in Ankara sentenced two journalists to prison.",
    "Aid convoys reached Juba after the road reopened.",
]


def test_engines_workers_match_single_process(nlp: Language) -> None:
    articles = [Article(id=f"a{i}", text=t) for i, t in enumerate(TEXTS * 3)]
    single = list(annotate_stream(articles, pipeline=Pipeline(stages=["entities"], nlp=nlp)))
    parallel = list(annotate_stream(articles, stages=["entities"], workers=2, batch_size=2))
    assert [d.article.id for d in parallel] == [a.id for a in articles]
    assert [d.entities for d in parallel] == [d.entities for d in single]


def test_engines_long_article_is_parsed_across_the_workers(nlp: Language) -> None:
    # Longer than one spaCy piece: its pieces go to both workers, and this process joins them and runs the stages.
    paragraphs = [" ".join(TEXTS[(k + i) % len(TEXTS)] for i in range(3)) for k in range(PIECE_CHARS // 150)]
    long = Article(id="long", text="\n\n".join(paragraphs))
    assert len(split_text(long.text)) >= 2
    articles = [Article(id="a", text=TEXTS[0]), long, Article(id="b", text=TEXTS[1])]
    stages = ["entities", "places"]
    single = list(annotate_stream(articles, pipeline=Pipeline(stages=stages, nlp=nlp)))
    here = Pipeline(stages=stages, nlp=nlp)
    parallel = list(annotate_stream(articles, stages=stages, workers=2, batch_size=2, pipeline=here))
    assert [d.article.id for d in parallel] == ["a", "long", "b"]
    assert set(here.timings) == set(stages)  # the long article's stages ran here, the short ones' in the workers
    assert [(d.entities, d.places) for d in parallel] == [(d.entities, d.places) for d in single]
    assert len(parallel[1].places) > 100  # the whole body was read, not one piece of it


def test_engines_ingest_with_workers_stores_every_article_once(store_db: str, tmp_path: Path) -> None:
    # The workers are forked from a process holding the store's connection open; a long article goes piece by
    # piece to both of them. Every article is stored once, and a rerun stores nothing new.
    import json

    from eventwire.run import ingest
    from eventwire.store import open_store

    long = "\n\n".join(" ".join(TEXTS[(k + i) % len(TEXTS)] for i in range(3)) for k in range(PIECE_CHARS // 150))
    rows = [{"id": f"w{i}", "text": t} for i, t in enumerate(TEXTS)] + [{"id": "wlong", "text": long}]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    first = ingest([str(path)], store_db, workers=2, batch_size=2)
    assert (first.stored, first.existing, first.errors) == (len(rows), 0, [])
    again = ingest([str(path)], store_db, workers=2, batch_size=2)
    assert (again.stored, again.existing) == (0, len(rows))
    with open_store(store_db) as store:
        assert all(store.contains(r["id"]) for r in rows)
