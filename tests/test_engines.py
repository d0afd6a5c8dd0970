"""The local engine: several worker processes give the same documents, in the same order, as one process."""

from __future__ import annotations

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
