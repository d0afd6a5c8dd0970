"""Named entities from the spaCy pass, as Mention records with offsets into the article body."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.language import Language

from ..records import Mention
from . import Context, StageFn, register_stage


def extract_entities(ctx: Context) -> Iterator[Mention]:
    for ent in ctx.doc.ents:
        yield Mention(text=ent.text, label=ent.label_, start=ent.start_char, end=ent.end_char)


@register_stage("entities", adds="entities")
def entities_stage(nlp: Language) -> StageFn:
    return extract_entities
