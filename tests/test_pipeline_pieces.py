"""Long bodies are parsed in pieces and joined again (pipeline.PIECE_CHARS): the text, offsets and layers of the
whole article survive, and no batch holds more than BATCH_CHARS characters."""

from __future__ import annotations

import random

from spacy.language import Language

from eventwire import pipeline
from eventwire.pipeline import Pipeline, split_text
from eventwire.records import Article

OPENING = "Turkey carried out airstrikes in northern Iraq on Monday, the defence ministry said."
CLOSING = "Protesters marched through central Lima on Friday demanding the resignation of the mayor."
FILLER = "The committee met again to review the budget figures for the coming year."


def test_split_text_joins_back_and_respects_the_size() -> None:
    rng = random.Random(11)
    for _ in range(300):
        text = "".join(rng.choice(["ab", " ", "\n", "\n\n", ". ", "word"]) for _ in range(rng.randint(0, 2000)))
        for size in (5, 60, 700):
            parts = split_text(text, size)
            assert "".join(parts) == text
            assert all(0 < len(p) <= size for p in parts[:-1]) and len(parts[-1]) <= size
    assert split_text("") == [""]
    assert split_text("one two.\n\nthree four.", 15) == ["one two.\n\n", "three four."]


def test_long_article_is_parsed_in_pieces_and_keeps_its_layers(nlp: Language, monkeypatch) -> None:
    paragraphs = [OPENING] + [" ".join([FILLER] * 4) for _ in range(12)] + [CLOSING]
    text = "\n\n".join(paragraphs)
    monkeypatch.setattr(pipeline, "PIECE_CHARS", 1_000)
    monkeypatch.setattr(pipeline, "BATCH_CHARS", 2_500)
    seen: list[int] = []
    real_pipe = nlp.pipe

    def counting_pipe(batch, **kwargs):  # records the characters each batch hands to spaCy
        if kwargs.get("as_tuples"):
            seen.append(sum(len(t) for t, _ in batch))
        return real_pipe(batch, **kwargs)

    pipe = Pipeline(nlp=nlp)
    monkeypatch.setattr(pipe.nlp, "pipe", counting_pipe)
    short = Article(id="short", text=OPENING)
    docs = list(pipe.annotate([short, Article(id="long", text=text, published="2026-03-06"), short]))
    assert [d.article.id for d in docs] == ["short", "long", "short"]
    assert len(split_text(text, 1_000)) > 3 and max(seen) <= 2_500
    long_doc = docs[1]
    types = {e.type for e in long_doc.events}
    assert {"ASSAULT", "PROTEST"} <= types, types
    for event in long_doc.events:  # offsets point into the whole text
        assert text[event.sentence.start:event.sentence.end] == event.sentence.text
    assert {p.name for p in long_doc.places} >= {"Iraq", "Lima"}
