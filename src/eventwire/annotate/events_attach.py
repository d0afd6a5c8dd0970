"""Event place and date: the date and place written in an event's own clause, and headline helpers (actors found
again in the headline, sentence case for Title Case headlines).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace

from spacy.tokens import Doc

from ..records import Actor, Event, Mention, Place, Span, TimeRef
from . import Context
from .offsets import ByStart

LOCATIVE_PREPS = frozenset({"in", "at", "near", "outside", "inside", "across", "within", "around", "throughout"})
NAME_LABELS = frozenset({"ORG", "EVENT", "WORK_OF_ART", "PRODUCT"})
MOVEMENT_PREPS = {"visit": frozenset({"to"}), "RETREAT": frozenset({"from"}), "withdraw": frozenset({"from"})}


def _title_actors(title: str, actors: Sequence[Actor]) -> list[Actor]:
    """Body actors found again in the headline, with headline offsets (the actors layer reads the body only)."""
    out: list[Actor] = []
    seen: set[str] = set()
    for a in actors:
        if a.text in seen:
            continue
        seen.add(a.text)
        if a.text not in title:  # most body actors are not in the headline: no pattern to build
            continue
        for m in re.finditer(rf"(?<!\w){re.escape(a.text)}(?!\w)", title):
            out.append(replace(a, start=m.start(), end=m.end()))
    return out


def _in_clause(doc: Doc, start: int, chain: frozenset[int], paths: dict[int, tuple[int, ...]] | None = None) -> bool:
    """Whether a mention belongs to the event's own clause: the first verb above it is one of the event's nodes
    (so "elections scheduled for December 24" does not date the call made about them). ``paths`` remembers the
    walk per mention, which does not depend on the event."""
    nodes = paths.get(start) if paths is not None else None
    if nodes is None:
        nodes = _clause_nodes(doc, start)
        if paths is not None:
            paths[start] = nodes
    return any(i in chain for i in nodes)


def _clause_nodes(doc: Doc, start: int) -> tuple[int, ...]:
    """The tokens above the mention at ``start`` up to the first verb, or up to the root (the root included)."""
    tok = doc.char_span(start, start + 1, alignment_mode="expand")
    if tok is None or not len(tok):
        return ()
    t = tok[0]
    nodes: list[int] = []
    # Compare indices, not objects: spaCy makes a new Token on every access, so `t.head.i != t.i` never ends at a root.
    while t.head.i != t.i:
        t = t.head
        nodes.append(t.i)
        if t.pos_ in ("VERB", "AUX"):
            return tuple(nodes)
    nodes.append(t.i)
    return tuple(nodes)


def _sentence_case(title: str, actors: Sequence[Actor]) -> str:
    """A Title Case Headline parses as a string of proper nouns; lower-case every word but the first and the
    actors' names, keeping every offset (same length), so the parse sees verbs again."""
    keep = [(a.start, a.end) for a in actors if a.start is not None and a.end is not None]
    chars = list(title)
    for m in re.finditer(r"\w+", title):
        if m.start() == 0 or any(s <= m.start() < e for s, e in keep):  # type: ignore[operator]
            continue
        low = m.group().lower()
        if len(low) == len(m.group()):
            chars[m.start() : m.end()] = low
    return "".join(chars)


def _original_text(ev: Event, title: str) -> Event:
    """Evidence quotes the headline as written, not the lower-cased copy that was parsed."""

    def fix(span: Span) -> Span:
        return replace(span, text=title[span.start : span.end])

    return replace(ev, sentence=fix(ev.sentence), trigger=fix(ev.trigger), mentions=tuple(fix(m) for m in ev.mentions))


class _Near:
    """An article's dates, body places and name mentions by offset: those of one sentence without scanning all of
    them for every event (the answer keeps each layer's own order)."""

    def __init__(self, ctx: Context) -> None:
        self.dates = ByStart([t for t in ctx.layers.get("dates", ()) if isinstance(t, TimeRef)], _start)
        # Body places only: a caption's offsets index the caption, not the sentence (Place.field).
        self.places = ByStart([p for p in ctx.layers.get("places", ()) if isinstance(p, Place) and p.field == "text"],
                              _start)
        names = [(m.start, m.end) for m in ctx.layers.get("entities", ())
                 if isinstance(m, Mention) and m.label in NAME_LABELS]
        self.names = ByStart(names, lambda n: n[0])
        self._longest_name = max((b - a for a, b in names), default=0)
        self.paths: dict[int, tuple[int, ...]] = {}  # _in_clause's walks, by mention start

    def dates_in(self, s: int, e: int) -> list[TimeRef]:
        return [t for t in self.dates.starting_in(s, e + 1) if t.end <= e]

    def places_in(self, s: int, e: int) -> list[Place]:
        return [p for p in self.places.starting_in(s, e + 1) if p.end <= e]

    def names_near(self, s: int, e: int) -> list[tuple[int, int]]:
        """Every name that may hold a stretch of [s, e] (a superset: those starting late enough to reach it)."""
        return self.names.starting_in(s - self._longest_name, e + 1)


def _start(x: TimeRef | Place) -> int:
    return x.start


def _attach_when_where(ev: Event, doc: Doc, ctx: Context, chain: frozenset[int], near: _Near | None = None) -> Event:
    """The date and place written in the event's clause (else its sentence for the place), else the article's
    publication date."""
    near = near or _Near(ctx)
    s, e = ev.sentence.start, ev.sentence.end
    date, precision = None, None
    for t in near.dates_in(s, e):
        # Only a point in time dates an event: "for six weeks" (DURATION) or "every week" (SET) do not.
        if (t.type in ("DATE", "TIME") and t.value and t.value[:1].isdigit()
                and s <= t.start and t.end <= e and _in_clause(doc, t.start, chain, near.paths)):
            date, precision = t.value, t.precision
            break
    if date is None and ctx.article.published:
        date, precision = ctx.article.published[:10], "day"
    places = near.places_in(s, e)
    actors = [(a.start, a.end) for a in ev.source + ev.target if a.start is not None and a.end is not None]
    # A place inside a longer name ("The Washington Post reported") says where things happened only after "in",
    # "at"...: "talks at the Sofia Hilton" were in Sofia.
    names = near.names_near(s, e)

    def participant(p: Place) -> bool:  # the place is (part of) an actor's words: "Israel", "US envoy"
        return any(a < p.end and p.start < b for a, b in actors) or any(
            a <= p.start and p.end <= b and b - a > p.end - p.start for a, b in names)

    # A visit happens where the visitor goes ("a visit by the envoy to Beirut"), a withdrawal where the forces
    # leave ("withdraws from southern Lebanon").
    preps = LOCATIVE_PREPS | MOVEMENT_PREPS.get(ev.mode or ev.type, frozenset())
    def own() -> Iterator[Place]:  # lazily: the first fitting place is usually the first of the clause
        return (p for p in places if _in_clause(doc, p.start, chain, near.paths))

    # Where it happened: a place after "in", "at", "near"... of the event's clause, then one of the clause that is
    # not a participant ("Greece and Bulgaria began negotiating in Sofia" happened in Sofia). A country named as an
    # actor is who acted, not where: with no other place in the clause, the event has none.
    place = next((p for p in own() if _locative(doc, p.start, preps)), None) or next(
        (p for p in own() if not participant(p)), None)
    return replace(ev, date=date, date_precision=precision, place=place)


def _locative(doc: Doc, start: int, preps: frozenset[str] = LOCATIVE_PREPS) -> bool:
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    if span is None or not len(span):
        return False
    t = span[0]
    while t.head.i != t.i:
        if t.dep_ in ("compound", "amod", "conj", "appos"):
            t = t.head
        elif t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.i != t.head.i:
            t = t.head.head  # "in all of southern Lebanon", "on the outskirts of Tripoli"
        else:
            break
    return t.dep_ == "pobj" and t.head.lower_ in preps

