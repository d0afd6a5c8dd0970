"""The ACLED stage: gives every event its ACLED event type and sub-event type (eventwire/acled.py), after events.

Where a body sentence has no event that ACLED records, the words of data/acled/triggers.tsv ("recaptured",
"airstrikes", "looted", "defused") are coded there with the event coder's own machinery (its actors, flags,
places and dates), so that the categories do not hang on the event coder knowing every word of war.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from ..acled import Rules, data_folder, load_rules
from ..records import Event, Place
from . import Context, StageFn, register_stage
from .event_patterns import Lexicon, load_lexicon
from .events_attach import _attach_when_where, _Near
from .offsets import ByStart


def _rows(text: str) -> Iterator[list[str]]:
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    for row in rows[1:]:
        yield [c.strip() for c in row]


@cache
def trigger_words() -> tuple[dict[str, str], dict[str, str]]:
    """The ACLED trigger words: (verbs, nouns), each lemma -> CAMEO code."""
    verbs: dict[str, str] = {}
    nouns: dict[str, str] = {}
    for lemma, pos, code in _rows((data_folder() / "triggers.tsv").read_text(encoding="utf-8")):
        (verbs if pos == "VERB" else nouns)[lemma] = code
    return verbs, nouns


@cache
def _first_words() -> dict[str, frozenset[str]]:
    verbs, nouns = trigger_words()
    return {"VERB": frozenset(k.split()[0] for k in verbs), "NOUN": frozenset(k.split()[0] for k in nouns)}


def _may_trigger(lemma: str, lower: str, pos: str) -> bool:
    """Whether a token could be one of the trigger words (by lemma or as written, a phrasal verb by its verb)."""
    words = _first_words().get(pos)
    return words is not None and (lemma in words or lower in words)


def acled_lexicon(base: Lexicon) -> Lexicon:
    """The event coder's lexicon with the ACLED trigger words added (the coder's own words win)."""
    verbs, nouns = trigger_words()
    return replace(base, verbs={**verbs, **base.verbs}, nouns={**nouns, **base.nouns})


def label(events: Sequence[Event], rules: Rules) -> list[Event]:
    """The events with their ACLED types filled in."""
    return [replace(ev, acled_type=v.event_type if v else None, acled_sub_type=v.sub_event_type if v else None)
            for ev, v in zip(events, rules.classify_all(events), strict=True)]


class _Spans:
    """Character spans, asked whether any of them starts inside [start, end) or holds ``start``."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        # The furthest end among the spans up to each one (they are sorted by start).
        self._reach = list(itertools.accumulate((e for _, e in self.spans), max))

    def meets(self, start: int, end: int) -> bool:
        k = bisect_left(self.spans, (start, -1))  # the first span starting at or after start
        if k < len(self.spans) and self.spans[k][0] < end:
            return True
        return k > 0 and self._reach[k - 1] > start


def _supplement(ctx: Context, doc: Doc, events: Sequence[Event], coder: object, rules: Rules) -> list[Event]:
    """Events of the ACLED trigger words in the body sentences where no event has an ACLED type."""
    from .events import EventCoder, _fallback_actors

    assert isinstance(coder, EventCoder)
    covered = _Spans({(e.sentence.start, e.sentence.end) for e in events
                      if e.sentence.field == "text" and e.acled_sub_type is not None})
    seen = {(e.trigger.start, e.trigger.field) for e in events}
    actors = list(ctx.layers["actors"]) if "actors" in ctx.layers else _fallback_actors(ctx.layers.get("entities", ()))
    by_actor = ByStart([a for a in actors if a.start is not None], lambda a: a.start or 0)
    places = ByStart([p for p in ctx.layers.get("places", ()) if isinstance(p, Place) and p.field == "text"],
                     lambda p: p.start)
    by_sentence: dict[int, list[Event]] = {}
    for e in events:
        if e.sentence.field == "text":
            by_sentence.setdefault(e.sentence.start, []).append(e)
    near = _Near(ctx)
    out: list[Event] = []
    for sent in doc.sents:
        start, end = sent.start_char, sent.end_char
        if covered.meets(start, end):
            continue
        if not any(_may_trigger(t.lemma_.lower(), t.lower_, t.pos_) for t in sent):
            continue
        inside = [a for a in by_actor.starting_in(start, end + 1) if (a.end or 0) <= end]
        found = [_attach_when_where(c.event, doc, ctx, c.chain, near)
                 for c in coder.code(sent, inside, places=places.starting_in(start, end))]
        new = [ev for ev in found if (ev.trigger.start, "text") not in seen]
        mine = by_sentence.get(start, [])
        for ev in label([*mine, *new], rules)[len(mine):]:
            if ev.acled_sub_type is not None:
                seen.add((ev.trigger.start, "text"))
                out.append(ev)
    return out


@register_stage("acled", adds="events", needs=("events",))
def acled_stage(nlp: Language) -> StageFn:
    from .events import EventCoder

    rules = load_rules()
    coder = EventCoder(acled_lexicon(load_lexicon()))

    def run(ctx: Context) -> Iterable[Event]:
        events = label(ctx.layers.get("events", ()), rules)
        return events + _supplement(ctx, ctx.doc, events, coder, rules)

    return run
