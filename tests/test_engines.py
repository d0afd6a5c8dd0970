"""The local engine: several worker processes give the same documents, in the same order, as one process."""

from __future__ import annotations

from spacy.language import Language

from eventwire.engines import annotate_stream
from eventwire.pipeline import Pipeline
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
