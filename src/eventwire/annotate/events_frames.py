"""Event arguments: where a trigger's doer and the one acted upon are written in the parse, and the article's
actors by offset (bisected, remembered per stretch) to read them from.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence

from spacy.tokens import Token

from ..records import Actor, Mention, Place
from .event_patterns import Plover
from .events_triggers import PATTERN, PATTERN_BARE

# Prepositions whose object is who the act is aimed at. "on", "over" and "in" name a topic or a venue for talk
# ("negotiations on a pullback", "talks in Moscow") but the one hit for force ("airstrikes in Lebanon").
TARGET_PREPS = frozenset({"to", "with", "against", "from", "into", "toward", "towards", "at", "upon", "between"})
FORCE_PREPS = frozenset({"on", "over", "in"})
FORCE_TYPES = frozenset({"ASSAULT", "COERCE", "MOBILIZE", "THREATEN", "PROTEST", "SANCTION"})
# A demand is made on someone ("call on X"); aid goes for someone ("aid for Romania").
TYPE_PREPS: dict[str, frozenset[str]] = {
    "REQUEST": frozenset({"on"}),
    "AID": frozenset({"for"}),
    "COOPERATE": frozenset({"for"}),
}
# Nested clauses inside an argument usually name other participants: actors there are used only as a last resort.
NESTED = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "parataxis", "appos"})
OWN_POSSESSIVES = frozenset({"its", "their", "his", "her", "our"})
ACTOR_LABELS = frozenset({"GPE", "NORP", "ORG", "PERSON", "FAC"})
VERBAL_COOPERATION = frozenset({"AGREE", "CONSULT", "SUPPORT", "COOPERATE"})


def _agent_spans(tok: Token) -> list[tuple[int, int, Token]]:
    """Where the doer of a node is written: its subject (or by-agent when passive), a possessor, a modifier."""
    out: list[tuple[int, int, Token]] = []
    node = tok
    if tok.pos_ == "ADJ" and tok.dep_ == "acomp":
        node = tok.head
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in node.children)
    raising = any(c.dep_ == "xcomp" for c in node.children)
    for c in node.children:
        if c.dep_ == "nsubjpass" and raising:
            # "Turkey is expected to attack": the passive subject of a raising verb does the complement's act.
            out.append(_range(c) + (c,))
        elif c.dep_ == "nsubj" or (c.dep_ == "agent" and passive):
            sub = c if c.dep_ == "nsubj" else next((g for g in c.children if g.dep_ == "pobj"), None)
            if sub is not None:
                out.append(_range(sub) + (sub,))
        elif node.pos_ == "NOUN" and c.dep_ == "poss":
            out.append(_range(c) + (c,))
        elif node.pos_ == "NOUN" and c.dep_ in ("amod", "compound") and c.i < node.i:
            out.append((c.idx, c.idx + len(c.text), c))
        elif node.pos_ == "NOUN" and c.dep_ == "prep" and c.lower_ == "by":
            for g in c.children:
                if g.dep_ == "pobj":
                    out.append(_range(g) + (g,))
    return out


def _patient_spans(tok: Token, path: set[int], etype: str, light: bool) -> list[tuple[int, int, Token]]:
    """Where the one acted upon is written: object, recipient, passive subject, aimed-at prepositions."""
    out: list[tuple[int, int, Token]] = []
    preps = TARGET_PREPS | TYPE_PREPS.get(etype, frozenset())
    if etype in FORCE_TYPES:
        preps |= FORCE_PREPS
    if tok.pos_ == "NOUN":
        preps |= {"of"}
    for c in tok.children:
        if c.i in path:
            continue
        if c.dep_ in ("dative", "nsubjpass") or (c.dep_ == "dobj" and not light):
            out.append(_range(c) + (c,))
        elif c.dep_ == "prep" and c.lower_ in preps:
            for g in c.children:
                if g.dep_ == "pobj" and g.i not in path:
                    out.append(_range(g) + (g,))
    return out


def _range(tok: Token) -> tuple[int, int]:
    left, right = tok.left_edge, tok.right_edge
    return left.idx, right.idx + len(right.text)


class ActorIndex:
    """The article's actors by offset, to find those written inside a stretch of the sentence.

    Lookups bisect sorted start offsets and are remembered per stretch, so that coding every trigger of a long
    text costs the actors near each stretch, not every actor of the text (benchmarks/long_input.py).
    """

    def __init__(self, actors: Sequence[Actor], places: Sequence[Place] = ()) -> None:
        self.actors = sorted(
            (a for a in actors if a.start is not None and a.end is not None), key=lambda a: a.start or 0
        )
        self._starts = [a.start or 0 for a in self.actors]
        # The furthest end among the actors up to each position: whether any actor covers an offset, by bisection.
        self._reach: list[int] = []
        for a in self.actors:
            self._reach.append(max(a.end or 0, self._reach[-1] if self._reach else 0))
        # Places stand in for targets the actors layer reads as mere locations ("withdraw inspectors from Iraq").
        self.places = [
            Actor(text=p.text, name=p.name, country=p.country, code=p.country, start=p.start, end=p.end)
            for p in places
            if p.country
        ]
        # Places keep their own order in answers: search them by start, then put the hits back in that order.
        self._place_order = sorted(range(len(self.places)), key=lambda i: (self.places[i].start or 0, i))
        self._place_starts = [self.places[i].start or 0 for i in self._place_order]
        self._memo: dict[tuple[int, int, int | None, bool], tuple[Actor, ...]] = {}

    def _actors_within(self, start: int, end: int) -> list[Actor]:
        out = []
        for i in range(bisect_left(self._starts, start), len(self.actors)):
            if self._starts[i] > end:
                break
            a = self.actors[i]
            if a.end <= end:  # type: ignore[operator]
                out.append(a)
        return out

    def covers(self, offset: int) -> bool:
        """Whether some actor's words include the character at ``offset``."""
        # Every actor up to i starts at or before the offset; one of them reaches past it exactly when the furthest does.
        i = bisect_right(self._starts, offset) - 1
        return i >= 0 and self._reach[i] > offset

    def places_within(self, start: int, end: int) -> tuple[Actor, ...]:
        hits = []
        for j in range(bisect_left(self._place_starts, start), len(self._place_order)):
            if self._place_starts[j] > end:
                break
            i = self._place_order[j]
            if self.places[i].end <= end:  # type: ignore[operator]
                hits.append(i)
        return tuple(self.places[i] for i in sorted(hits))

    def within(self, start: int, end: int, head: Token | None = None, places: bool = False) -> tuple[Actor, ...]:
        key = (start, end, head.i if head is not None else None, places)
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = self._within(start, end, head, places)
        return hit

    def _within(self, start: int, end: int, head: Token | None, places: bool) -> tuple[Actor, ...]:
        found = self._actors_within(start, end)
        if not found and places:
            found = list(self.places_within(start, end))
        if len(found) > 1 and any(not _bare(a) for a in found):
            # Bare sector words ("Commander", "people") only when nothing nearby has a country or an IGO code.
            found = [a for a in found if not _bare(a)]
        if head is None or len(found) <= 1:
            return tuple(found)
        # The actor named by the argument's head (and its coordinated heads) before the ones that modify it:
        # "Palestinians of the Israeli-occupied West Bank" are Palestinians.
        heads = _conj_heads(head)
        direct = [a for a in found if any(a.start <= t.idx < a.end for t in heads)]  # type: ignore[operator]
        if direct:
            return tuple(direct)
        # Then the modifiers before the head ("Turkish airstrikes in Iraq" are Turkish).
        before = [a for a in found if a.end <= head.idx]  # type: ignore[operator]
        if before:
            return tuple(before)
        # Prefer actors outside clauses nested in the argument: "refugees fleeing the war in Liberia".
        nested: list[tuple[int, int]] = [_range(t) for t in head.subtree if t.dep_ in NESTED and t is not head]
        outer = [a for a in found if not any(s <= a.start and a.end <= e for s, e in nested)]  # type: ignore[operator]
        return tuple(outer or found)


def _bare(a: Actor) -> bool:
    return not a.country and (not a.code or a.code == a.sector)


def _conj_heads(head: Token) -> list[Token]:
    """A head and the heads coordinated with it: "Turkey and Russia" -> Turkey, Russia."""
    out = [head]
    for t in out:
        out.extend(c for c in t.children if c.dep_ == "conj" and c not in out)
    return out


def _fallback_actors(mentions: Iterable[Mention]) -> list[Actor]:
    """Without an actors layer, named entities stand in as actors with no codes (kept for tests and debugging)."""
    return [Actor(text=m.text, name=m.text, start=m.start, end=m.end) for m in mentions if m.label in ACTOR_LABELS]


def _two_sided(base: Plover, final: str, conf: float, top: int, source: tuple[Actor, ...]) -> bool:
    """Verbal cooperation is between parties. Talks or a meeting need two ("Turkey and Russia began negotiating"),
    not one holding its own ("the government intends to hold its first meeting"); a visit's host is where it goes.
    A verb that cooperates only by a converted PETRARCH pattern ("find solutions") needs someone it is aimed at."""
    if (base.type == "CONSULT" and base.mode != "visit" and final in ("CONSULT", "AGREE")
            and len(_actor_key(source)) < 2):
        return False
    return not (conf in (PATTERN, PATTERN_BARE) and top == 0 and final in VERBAL_COOPERATION)


def _not_source(target: tuple[Actor, ...], source: tuple[Actor, ...]) -> tuple[Actor, ...]:
    """Drop from the target what is the source again: "Syria ... withdraw its troops" is not aimed at Syria."""
    spans = {(a.start, a.end) for a in source}
    same = {(a.name, a.code) for a in source}
    countries = {a.country for a in source if a.country}
    return tuple(
        a
        for a in target
        if (a.start, a.end) not in spans
        and (a.name, a.code) not in same
        and not (a.country in countries and a.text.lower().split(" ", 1)[0] in OWN_POSSESSIVES)
    )


def _actor_key(actors: tuple[Actor, ...]) -> tuple[str, ...]:
    return tuple(sorted({(a.code or a.country or a.name or a.text) for a in actors}))

