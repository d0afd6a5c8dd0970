"""The entities layer: the model's spans merged with the dictionary/title/gazetteer ruler by the stated policy."""

from __future__ import annotations

import pytest
from spacy.language import Language

from eventwire.annotate.entities import merge
from eventwire.pipeline import Pipeline
from eventwire.records import Article


@pytest.fixture(scope="module")
def pipe(nlp: Language) -> Pipeline:
    return Pipeline(nlp=nlp, stages=["entities"])


@pytest.mark.parametrize(
    ("model", "rules", "merged"),
    [
        # the model's longer name holds the ruler's place
        ([(0, 2, "ORG")], [(1, 2, "GPE")], [(0, 2, "ORG")]),
        # the ruler's longer name replaces the model's shorter pieces
        ([(1, 2, "NORP")], [(0, 3, "ORG")], [(0, 3, "ORG")]),
        # same tokens: the ruler's label
        ([(0, 1, "PERSON")], [(0, 1, "ORG")], [(0, 1, "ORG")]),
        # crossing spans keep the model's
        ([(0, 2, "ORG")], [(1, 3, "GPE")], [(0, 2, "ORG")]),
        # a ruler span over nothing is added
        ([(0, 1, "DATE")], [(3, 4, "GPE")], [(0, 1, "DATE"), (3, 4, "GPE")]),
        # a name after a title never overrides the model
        ([(2, 4, "GPE")], [(2, 4, "PERSON:title")], [(2, 4, "GPE")]),
        ([], [(2, 4, "PERSON:title")], [(2, 4, "PERSON")]),
    ],
)
def test_entities_merge_policy(model: list, rules: list, merged: list) -> None:
    assert merge(model, rules) == merged


@pytest.mark.parametrize(
    ("text", "wanted", "unwanted"),
    [
        ("Fans of Real Madrid cheered in the square.", [("Real Madrid", "ORG")], [("Madrid", "GPE")]),
        ("Spokeswoman Sandy Angers said the plan had been dropped.", [("Sandy Angers", "PERSON")],
         [("Spokeswoman Sandy Angers", "ORG")]),
        ("President Barack Obama met Field Marshal Khalifa Haftar.",
         [("Barack Obama", "PERSON"), ("Khalifa Haftar", "PERSON")], [("President Barack Obama", "PERSON")]),
        ("TURKEY AND RUSSIA BEGIN TALKS IN MOSCOW", [("TURKEY", "GPE"), ("RUSSIA", "GPE"), ("MOSCOW", "GPE")], []),
        ("General Motors cut jobs, said the Chief Executive Officer.", [("General Motors", "ORG")],
         [("Motors", "PERSON"), ("Executive", "PERSON")]),
        ("The major United States indexes fell.", [], [("United States", "PERSON")]),
    ],
)
def test_entities_layer_reads_names(pipe: Pipeline, text: str, wanted: list, unwanted: list) -> None:
    doc = next(pipe.annotate([Article(id="e", text=text)]))
    found = {(m.text, m.label) for m in doc.entities}
    assert set(wanted) <= found, found
    assert not (set(unwanted) & found), found
    assert all(text[m.start : m.end] == m.text for m in doc.entities)
