"""The events stage: who did what to whom, coded from the dependency parse as PLOVER events with CAMEO codes.

A trigger (a verb or an event noun) gives a base code; the frames above it in the tree ("refused to", "call for",
"intends to", "said ... must") turn it into the event the sentence reports, set its flags and say who acted.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from ..records import Actor, Event, Mention, Place, Span, TimeRef
from . import Context, StageFn, register_stage
from .event_patterns import CONFLICT_TYPES, Frame, Lexicon, Plover, load_lexicon, quad_class
from .event_senses import natural_doer, sense

# Frame kinds that decide the type of the event (the others only pass it through or set flags).
CONVERTING = frozenset({"request", "reject", "agree", "threaten", "stop", "intent", "hope"})
FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
MAYBE_AUX = frozenset({"could", "might", "may"})
MUST_AUX = frozenset({"must", "should"})
CONDITION_MARKS = frozenset({"if", "unless", "until", "before", "whether"})
FUTURE_MODS = frozenset({"expected", "planned", "scheduled", "upcoming", "forthcoming", "intended"})
MAYBE_MODS = frozenset({"proposed", "possible", "potential", "prospective", "hypothetical"})
NEGATIONS = frozenset({"not", "n't", "never", "no"})
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
# A frame's own complement arrives by one of these relations ("refusal to lay down" is acl in spaCy's scheme).
COMPLEMENT_DEPS = frozenset({"xcomp", "ccomp", "dobj", "attr", "acl", "oprd", "nsubjpass", "pcomp"})
FRAME_PREPS = frozenset({"for", "on", "to", "of", "in", "into"})
# Nested clauses inside an argument usually name other participants: actors there are used only as a last resort.
NESTED = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "parataxis", "appos"})
LOCATIVE_PREPS = frozenset({"in", "at", "near", "outside", "inside", "across", "within", "around", "throughout"})
NAME_LABELS = frozenset({"ORG", "EVENT", "WORK_OF_ART", "PRODUCT"})
MOVEMENT_PREPS = {"visit": frozenset({"to"}), "RETREAT": frozenset({"from"}), "withdraw": frozenset({"from"})}
OWN_POSSESSIVES = frozenset({"its", "their", "his", "her", "our"})
ACTOR_LABELS = frozenset({"GPE", "NORP", "ORG", "PERSON", "FAC"})
# A verb in a noun's place is a thing, not an act: "the wounded", "the detained" (spaCy may still tag it VERB).
NOMINAL_DEPS = frozenset({"amod", "compound", "dobj", "nsubj", "nsubjpass", "pobj"})
VERBAL_COOPERATION = frozenset({"AGREE", "CONSULT", "SUPPORT", "COOPERATE"})
# Confidence by where the code came from: our own lexicons, a frame's own default, a converted PETRARCH pattern
# (with words matched, or none).
OWN, FRAME_DEFAULT, PATTERN, PATTERN_BARE = 0.9, 0.7, 0.8, 0.6


@dataclass(frozen=True)
class Step:
    """One node of a trigger's chain: the token and the frame it applies (None for the trigger itself)."""

    tok: Token
    frame: Frame | None


@dataclass(frozen=True)
class Coded:
    """An event before it becomes a record: kept with its tokens so that duplicates and the main one are found."""

    event: Event
    depth: int
    key: tuple[object, ...]
    chain: frozenset[int] = frozenset()


def _key(tok: Token) -> str:
    """A verb's dictionary key: phrasal verbs by lemma and particle ("carry out"), others by lemma."""
    prt = next((c.lower_ for c in tok.children if c.dep_ == "prt"), None)
    return f"{tok.lemma_.lower()} {prt}" if prt else tok.lemma_.lower()


def _keys(tok: Token) -> tuple[str, ...]:
    """The key, then forms that survive a lemmatizer slip ("hopes" -> "hop"): the word, the word less its -s."""
    key = _key(tok)
    if " " in key:
        return (key,)
    low = tok.lower_
    return (key, low, low[:-1]) if low.endswith("s") else (key, low)


def _frame(tok: Token, lex: Lexicon) -> Frame | None:
    pos = "VERB" if tok.pos_ in ("VERB", "AUX") else tok.pos_
    if pos not in ("VERB", "NOUN", "ADJ"):
        return None
    if pos == "VERB":
        # A phrasal verb is its own word: "called off" is no "call for".
        for key in _keys(tok):
            hit = lex.frames.get((key, pos))
            if hit is not None:
                return hit
        return None
    return lex.frames.get((tok.lemma_.lower(), pos))


def _noun_code(tok: Token, lex: Lexicon) -> str | None:
    decided, code = sense(tok, tok.lemma_.lower(), "NOUN", lex)
    if decided:
        return code
    if tok.lemma_.lower() == "state":
        # "state of emergency", "state of siege": the event is the noun after "of".
        for prep in tok.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                inner = next((g for g in prep.children if g.dep_ == "pobj"), None)
                return lex.nouns.get(inner.lemma_.lower()) if inner is not None else None
    for c in tok.children:
        if c.dep_ in ("compound", "amod") and c.i == tok.i - 1:
            hit = lex.nouns.get(f"{c.lemma_.lower()} {tok.lemma_.lower()}") or lex.nouns.get(
                f"{c.lower_} {tok.lemma_.lower()}"
            )
            if hit:
                return hit
    return lex.nouns.get(tok.lemma_.lower())


def _verb_code(tok: Token, lex: Lexicon) -> tuple[str | None, float]:
    keys = _keys(tok)
    for k in keys:
        decided, code = sense(tok, k, "VERB", lex)
        if decided:
            return code, OWN
    patterns = next((lex.verb_objects[k] for k in keys if k in lex.verb_objects), None)
    if patterns:
        # What is withdrawn or sent decides the act: troops (MOBILIZE), inspectors (SANCTION), aid (AID).
        objects = {
            g.lemma_.lower()
            for c in tok.children
            if c.dep_ in ("dobj", "nsubjpass", "prep", "dative")
            for g in ([c] if c.dep_ != "prep" else [x for x in c.children if x.dep_ == "pobj"])
            for g in [g, *[m for m in g.children if m.dep_ in ("compound", "amod")]]
        }
        for wanted, own_code in patterns:
            if wanted & objects:
                return own_code, OWN
    own = next((lex.verbs[k] for k in keys if k in lex.verbs), None)
    if own:
        return own, OWN
    # PETRARCH matches a pattern on the verb phrase: the verb's own dependents, the objects of its prepositions
    # and their modifiers, not words deep in other clauses ("come ahead of an expected visit" is no visit).
    subj: set[str] = set()
    words: set[str] = set()
    for child in tok.children:
        bag: set[str] = subj if child.dep_ in ("nsubj", "nsubjpass") else words
        near = [child]
        if child.dep_ == "prep":
            near += [g for g in child.children if g.dep_ == "pobj"]
        for t in list(near):
            near += [m for m in t.children if m.dep_ in ("compound", "amod", "prt", "det")]
        for t in near:
            bag.add(t.lemma_.lower())
            bag.add(t.lower_)
    code, size = lex.cameo_code(tok.lemma_.lower(), words, subj)
    return code, (PATTERN if size else PATTERN_BARE)


def _base(tok: Token, lex: Lexicon) -> tuple[str, float] | None:
    """The base code of a trigger token, or None when the token is not an event word."""
    if tok.pos_ == "VERB" and tok.dep_ not in NOMINAL_DEPS:
        if _frame(tok, lex) is not None:
            return None
        code, conf = _verb_code(tok, lex)
    elif tok.pos_ == "NOUN":
        if _frame(tok, lex) is not None:
            return None
        code, conf = _noun_code(tok, lex), OWN
    else:
        return None
    if code is None or lex.plover_of(code) is None or natural_doer(tok, lex):
        return None
    return code, conf


def _climb(tok: Token, lex: Lexicon) -> list[Step]:
    """The trigger and the frames above it, innermost first."""
    steps = [Step(tok, None)]
    node = tok
    while node.head.i != node.i:
        head, dep = node.head, node.dep_
        if dep == "conj":
            # Coordinated triggers share the frames and the doer of the first conjunct ("continued to occupy ...
            # and to carry out"); the first conjunct passes them on without changing the type.
            steps.append(Step(head, None))
            node = head
            continue
        if dep == "pobj" and head.dep_ == "prep" and head.lower_ in FRAME_PREPS:
            frame = _frame(head.head, lex)
            if frame is None:
                break
            steps.append(Step(head.head, frame))
            node = head.head
            continue
        if dep == "compound" and head.pos_ == "NOUN":
            steps.append(Step(head, None))  # "mediation mission" stands where "mission" stands
            node = head
            continue
        if dep == "acomp" and head.lemma_ == "be":
            steps.append(Step(head, None))  # "must be ready to": the copula carries the modal and the subject
            node = head
            continue
        if dep == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in node.children):
            frame = _frame(head, lex)  # "have sworn to fight" is parsed as a purpose clause
            if frame is not None and frame.kind in CONVERTING:
                steps.append(Step(head, frame))
                node = head
                continue
            break
        if dep in COMPLEMENT_DEPS:
            frame = _frame(head, lex)
            if frame is None and dep in ("ccomp", "acl") and _has_must(node):
                # "a stern reminder to Iraq that it must cooperate": whoever wrote the must made the demand.
                frame = Frame("speech", None)
            if frame is None or (dep == "acl" and head.pos_ != "NOUN"):
                break
            steps.append(Step(head, frame))
            node = head
            continue
        break
    return steps


def _has_must(tok: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in MUST_AUX for c in tok.children)


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


def _flags(steps: Sequence[Step]) -> tuple[bool, bool, bool, bool, bool]:
    """negated, future, hypothetical, intent (will/would on the trigger's clause), must (obligation)."""
    negated = future = hypo = intent = must = False
    for i, step in enumerate(steps):
        if step.frame is not None and step.frame.kind == "speech":
            break
        for c in step.tok.children:
            low = c.lower_
            if c.dep_ == "neg" or (c.dep_ == "det" and low == "no"):
                negated = True
            elif c.dep_ == "aux" and low in FUTURE_AUX:
                future = intent = True
            elif c.dep_ == "aux" and low == "would":
                intent = True
            elif c.dep_ == "aux" and low in MAYBE_AUX:
                hypo = True
            elif c.dep_ == "aux" and low in MUST_AUX:
                must = True
            elif c.dep_ == "mark" and low in CONDITION_MARKS:
                hypo = True
            elif c.dep_ in ("amod", "compound") and low in FUTURE_MODS:
                future = True
            elif c.dep_ in ("amod", "compound") and low in MAYBE_MODS:
                hypo = True
        if step.frame is not None and step.frame.kind in ("intent", "future"):
            future = True
        if step.frame is not None and step.frame.kind == "hope":
            hypo = True
    return negated, future, hypo, intent, must


class _Sentences:
    """The sentence of a token (its first character and its text), found by bisection and made once: ``Token.sent``
    rescans the document for sentence marks and ``Span.text`` joins every token on each call, which makes coding a
    long sentence of many events quadratic."""

    def __init__(self, doc: Doc | SpacySpan) -> None:
        self.doc = doc
        self._sents: list[SpacySpan] | None = None
        self._starts: list[int] = []
        self._made: dict[int, tuple[int, str]] = {}

    def of(self, tok: Token) -> tuple[int, str]:
        if not isinstance(self.doc, Doc):
            sent = tok.sent  # a span's sentences may reach outside it: ask spaCy
            return sent.start_char, sent.text
        if self._sents is None:
            self._sents = list(self.doc.sents)
            self._starts = [s.start for s in self._sents]
        k = bisect_right(self._starts, tok.i) - 1
        made = self._made.get(k)
        if made is None:
            sent = self._sents[k]
            made = self._made[k] = (sent.start_char, sent.text)
        return made


class EventCoder:
    """Codes the events of one parsed text. Built once per pipeline; ``code`` is pure given its inputs."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lex = lexicon

    def code(
        self, doc: Doc | SpacySpan, actors: Sequence[Actor], field: str = "text", places: Sequence[Place] = ()
    ) -> Iterator[Coded]:
        lex = self.lex
        index = ActorIndex(actors, places)
        consumed: set[int] = set()
        chains: list[tuple[list[Step], str, float]] = []
        for tok in doc:
            base = _base(tok, lex)
            if base is None:
                continue
            steps = _climb(tok, lex)
            if tok.pos_ == "NOUN" and not self._licensed(tok, steps, index):
                continue
            consumed.update(s.tok.i for s in steps[1:])
            chains.append((steps, base[0], base[1]))
        for tok in doc:
            frame = _frame(tok, lex)
            if frame is not None and frame.kind == "light" and tok.i not in consumed and tok.pos_ == "VERB":
                # A light verb with no event noun reads as a verb of its own ("sent arms to Pakistan").
                code, conf = _verb_code(tok, lex)
                if code and lex.plover_of(code) is not None:
                    steps = _climb(tok, lex)
                    steps[0] = Step(tok, None)
                    chains.append((steps, code, conf))
                continue
            # A frame with no event below it codes its own default ("refused admission", "threatened Russia").
            if frame is not None and frame.code and tok.i not in consumed and frame.kind in CONVERTING | {"request"}:
                if tok.pos_ == "NOUN" and not _agent_spans(tok):
                    continue
                steps = _climb(tok, lex)
                steps[0] = Step(tok, None)
                chains.append((steps, frame.code, FRAME_DEFAULT))
        sentences = _Sentences(doc)
        for steps, code, conf in chains:
            coded = self._event(steps, code, conf, index, field, sentences)
            if coded is not None:
                yield coded

    def _licensed(self, tok: Token, steps: list[Step], index: ActorIndex) -> bool:
        """An event noun codes only under a frame ("launched an offensive") or with its own doer ("Israeli raids")."""
        if tok.dep_ == "compound" and (index.covers(tok.idx) or index.covers(tok.head.idx)):
            return False  # a noun in, or modifying, who someone is names their kind: "aid groups", "relief officials"
        head = tok.head.head if tok.dep_ == "pobj" else tok.head
        if head.i != tok.i and _base(head, self.lex) is not None:
            return False  # part of the event its verb codes: "killed in an attack", "signed a treaty"
        if len(steps) > 1:
            return True
        return any(index.within(s, e) for s, e, _ in _agent_spans(tok))

    def _event(
        self, steps: list[Step], code: str, conf: float, index: ActorIndex, field: str,
        sentences: _Sentences | None = None,
    ) -> Coded | None:
        lex = self.lex
        negated, future, hypo, intent, must = _flags(steps)
        plover = lex.plover_of(code)
        assert plover is not None
        kind_top = 0  # the outermost node that decides the type: its doer is the source
        speech_at: int | None = None
        if intent and steps[0].frame is None:
            code = lex.combined("threaten" if plover.type in CONFLICT_TYPES else "agree", plover.type) or code
        for i, step in enumerate(steps[1:], start=1):
            kind = step.frame.kind if step.frame else ""
            current = lex.plover_of(code)
            ctype = current.type if current else None
            if kind == "speech":
                if speech_at is None:
                    speech_at = i
                if must and i == speech_at:
                    code = lex.combined("request", ctype) or code
                    kind_top = i
                continue
            if speech_at is not None or kind not in CONVERTING:
                continue
            if kind in ("intent", "hope"):
                if ctype in ("AGREE", "REQUEST", "REJECT", "THREATEN"):
                    continue
                kind = "threaten" if ctype in CONFLICT_TYPES else "agree"
            elif kind == "agree" and ctype in CONFLICT_TYPES:
                kind = "threaten"
            code = lex.combined(kind, ctype) or code
            kind_top = i
        final = lex.plover_of(code)
        if final is None:
            return None
        if negated and final.type == "AGREE":
            # "will not accept", "is not willing to talk": a refusal, not a negated promise.
            code = lex.combined("reject", plover.type) or code
            final = lex.plover_of(code) or final
            negated = False
        path = {s.tok.i for s in steps}
        source, src_ranges = self._source(steps, kind_top, speech_at, must, index)
        target = self._target(steps, kind_top, path, final.type, index, src_ranges, must, source)
        target = _not_source(target, source)
        if not target and final.type not in ("CONSULT", "SUPPORT", "AGREE", "COOPERATE"):
            # Where a domestic act happens is what it is done to ("imposed a curfew in Abidjan").
            top = steps[-1].tok
            start, end = _range(top)
            target = _not_source(index.places_within(start, end), source)[:1]
        if not source and not target:
            return None
        if not target and not _two_sided(plover, final.type, conf, kind_top, source):
            return None
        trig = steps[kind_top].tok
        sent_start, sent_text = (sentences or _Sentences(trig.doc)).of(trig)
        # The sentence as evidence, without the paragraph break spaCy keeps in its last token.
        text = sent_text.rstrip()
        sentence = Span(sent_start, sent_start + len(text), text, field)
        event = Event(
            type=final.type,
            mode=final.mode,
            cameo=code,
            quad_class=quad_class(code),
            sentence=sentence,
            trigger=Span(trig.idx, trig.idx + len(trig.text), trig.text, field),
            source=source,
            target=target,
            negated=negated,
            hypothetical=hypo,
            future=future,
            confidence=round(conf - (0.0 if source else 0.2), 2),
            mentions=(sentence,),
        )
        top = steps[-1].tok
        depth = sum(1 for _ in top.ancestors)
        key = (final.type, code, _actor_key(source), _actor_key(target), negated)
        return Coded(event=event, depth=depth, key=key, chain=frozenset(path))

    def _source(
        self, steps: list[Step], top: int, speech_at: int | None, must: bool, index: ActorIndex
    ) -> tuple[tuple[Actor, ...], list[tuple[int, int]]]:
        """The doer: the agent of the node that decided the type, else of the frames above it. Below it only
        frames that share their subject ("agreed to", "began") may lend theirs; a demand's inner subject is its
        target. A speaker stands in only for a pronoun the actors layer left unresolved."""
        order = [top] + list(range(top + 1, len(steps)))
        top_frame = steps[top].frame
        lender = top_frame is None or top_frame.kind not in ("request", "reject", "threaten", "speech")
        if lender:
            order += list(range(top - 1, -1, -1))
        for i in order:
            step = steps[i]
            if speech_at is not None and i >= speech_at and not (must and top == speech_at):
                inner = [a for j in range(speech_at) for a in _agent_spans(steps[j].tok) if a[2].dep_ == "nsubj"]
                passive = any(c.dep_ == "nsubjpass" for c in steps[0].tok.children)
                if passive or any(h.pos_ != "PRON" for _s, _e, h in inner):
                    return (), []
            # All of a node's agent slots together: "Commander of the LNA ... Haftar" may be parsed as two subjects,
            # and the one with a country beats a bare title.
            spans = _agent_spans(step.tok)
            found = [a for start, end, head in spans for a in index.within(start, end, head)]
            if any(not _bare(a) for a in found):
                found = [a for a in found if not _bare(a)]
            if found:
                return tuple(dict.fromkeys(found)), [(start, end) for start, end, _h in spans]
        # A purpose clause has no subject of its own: "Palestinians shunned work to protest" protest themselves.
        node = steps[-1].tok
        while node.dep_ in ("advcl", "xcomp", "conj") and node.head.i != node.i:
            if node.dep_ == "advcl" and not any(c.dep_ == "aux" and c.lower_ == "to" for c in node.children):
                break
            node = node.head
            spans = [sp for sp in _agent_spans(node) if sp[2].dep_ in ("nsubj", "pobj")]
            found = [a for start, end, head in spans for a in index.within(start, end, head)]
            if found:
                return tuple(dict.fromkeys(found)), [(start, end) for start, end, _h in spans]
        return (), []

    def _target(
        self,
        steps: list[Step],
        top: int,
        path: set[int],
        etype: str,
        index: ActorIndex,
        src: list[tuple[int, int]],
        must: bool,
        source: tuple[Actor, ...],
    ) -> tuple[Actor, ...]:
        """The one acted upon: objects of the deciding node and those below it, then whoever made the request or
        offer being answered ("rejected North Korea's demand"), then objects of light verbs above."""
        # Built lazily: the first candidate naming an actor ends the search, and a long chain of coordinated
        # clauses would otherwise gather every clause's objects for every trigger.
        def gather() -> Iterator[tuple[int, int, Token]]:
            below_agents = [a for i in range(top - 1, -1, -1) for a in _agent_spans(steps[i].tok)]
            # Whoever made the demand or offer being answered ("rejected North Korea's demand"), or whoever a demand
            # is made on ("demanded that the United States match"), is written as the agent below the frame.
            answered = top > 0 and (
                (steps[top - 1].frame is not None and steps[top - 1].tok.pos_ == "NOUN")
                or (steps[top].frame is not None and steps[top].frame.kind == "request")  # type: ignore[union-attr]
            )
            if must or answered:
                yield from below_agents
            # A demand names whom it is made on ("urged Israel to withdraw from Gaza"); other frames pass on the
            # target of the act they frame ("threatened to break off relations with Congo over its ties with Israel").
            top_frame = steps[top].frame
            request = top_frame is not None and top_frame.kind == "request"
            order = range(min(top, len(steps) - 1), -1, -1) if request else range(min(top, len(steps) - 1) + 1)
            for i in order:
                step = steps[i]
                # What a carrier verb moves is no target: "dispatched the head of his office to Moscow".
                frame = step.frame or (_frame(step.tok, self.lex) if i == 0 else None)
                light = frame is not None and frame.kind in ("light", "aspect")
                yield from _patient_spans(step.tok, path, etype, light)
                if i == 0 and frame is not None and frame.kind in CONVERTING:
                    # A frame coded on its own: its complement still names the target ("threatened to cut off ... to X").
                    for c in step.tok.children:
                        if c.dep_ in ("xcomp", "ccomp"):
                            yield from _patient_spans(c, path, etype, False)
            if not (must or answered):
                yield from below_agents
            for i in range(top + 1, len(steps)):
                step = steps[i]
                if step.frame is None or step.frame.kind in ("light", "aspect"):
                    yield from _patient_spans(step.tok, path, etype, True)
            # Last, the purpose the act serves names whom it is for: "willing to send material to help defend Saudi
            # Arabia".
            for step in steps[: top + 1]:
                for c in step.tok.children:
                    if c.dep_ == "advcl" and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children):
                        for t in [c, *[x for x in c.children if x.dep_ == "xcomp"]]:
                            yield from _patient_spans(t, path, etype, False)

        candidates = gather()
        bare: tuple[Actor, ...] = ()
        for start, end, head in candidates:
            if any(s <= start and end <= e for s, e in src):
                continue
            found = _not_source(index.within(start, end, head, places=True), source)
            if found and all(_bare(a) for a in found):
                # "withdraw its troops from Lebanon": a bare "troops" only if no one with a country follows.
                bare = bare or found
                continue
            if found:
                return found
        if bare:
            return bare
        # Coordinated acts share their target when they name none: "occupy points in Lebanon and carry out raids".
        first = steps[0].tok
        if first.dep_ == "conj" and _base(first.head, self.lex) is not None:
            for start, end, head in _patient_spans(first.head, path, etype, False):
                found = _not_source(index.within(start, end, head, places=True), source)
                if found:
                    return found
        return ()


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


def main_event(events: Sequence[Event], doc: Doc) -> Event | None:
    """The event a one-sentence report is about: the trigger highest in the parse, the earliest on ties."""
    best: tuple[int, int] | None = None
    pick: Event | None = None
    by_char = {t.idx: t for t in doc}
    for ev in events:
        tok = by_char.get(ev.trigger.start)
        depth = sum(1 for _ in tok.ancestors) if tok is not None else 99
        rank = (depth + (2 if ev.hypothetical else 0), ev.trigger.start)
        if best is None or rank < best:
            best, pick = rank, ev
    return pick


def _title_actors(title: str, actors: Sequence[Actor]) -> list[Actor]:
    """Body actors found again in the headline, with headline offsets (the actors layer reads the body only)."""
    out: list[Actor] = []
    seen: set[str] = set()
    for a in actors:
        if a.text in seen:
            continue
        seen.add(a.text)
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
        self.dates = [t for t in ctx.layers.get("dates", ()) if isinstance(t, TimeRef)]
        # Body places only: a caption's offsets index the caption, not the sentence (Place.field).
        self.places = [p for p in ctx.layers.get("places", ()) if isinstance(p, Place) and p.field == "text"]
        self.names = [(m.start, m.end) for m in ctx.layers.get("entities", ())
                      if isinstance(m, Mention) and m.label in NAME_LABELS]
        self._dates = _by_start([t.start for t in self.dates])
        self._places = _by_start([p.start for p in self.places])
        self._names = _by_start([a for a, _b in self.names])
        self._longest_name = max((b - a for a, b in self.names), default=0)
        self.paths: dict[int, tuple[int, ...]] = {}  # _in_clause's walks, by mention start

    def dates_in(self, s: int, e: int) -> list[TimeRef]:
        return [self.dates[i] for i in _starting_in(self._dates, s, e) if self.dates[i].end <= e]

    def places_in(self, s: int, e: int) -> list[Place]:
        return [self.places[i] for i in _starting_in(self._places, s, e) if self.places[i].end <= e]

    def names_near(self, s: int, e: int) -> list[tuple[int, int]]:
        """Every name that may hold a stretch of [s, e] (a superset: those starting late enough to reach it)."""
        return [self.names[i] for i in _starting_in(self._names, s - self._longest_name, e)]


def _by_start(starts: list[int]) -> tuple[list[int], list[int]]:
    order = sorted(range(len(starts)), key=lambda i: (starts[i], i))
    return [starts[i] for i in order], order


def _starting_in(index: tuple[list[int], list[int]], s: int, e: int) -> list[int]:
    """Positions (in the layer's own order) of the items starting in [s, e]."""
    starts, order = index
    return sorted(order[bisect_left(starts, s):bisect_right(starts, e)])


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


def extract_events(ctx: Context, coder: EventCoder) -> Iterator[Event]:
    """Every event of the article, each once: repeats (in the body or in the headline) become extra mentions."""
    actors = list(ctx.layers["actors"]) if "actors" in ctx.layers else _fallback_actors(ctx.layers.get("entities", ()))
    merged: dict[tuple[object, ...], Event] = {}
    places = [p for p in ctx.layers.get("places", ()) if isinstance(p, Place) and p.field == "text"]
    near = _Near(ctx)
    for coded in coder.code(ctx.doc, actors, places=places):
        ev = _attach_when_where(coded.event, ctx.doc, ctx, coded.chain, near)
        have = merged.get(coded.key)
        if have is None:
            merged[coded.key] = ev
        elif ev.sentence not in have.mentions:
            merged[coded.key] = replace(have, mentions=have.mentions + ev.mentions)
    title = ctx.article.title
    if title and title.strip():
        tactors = _title_actors(title, actors)
        # The coder reads tags, lemmas and the parse, never NER: skipping it halves the cost of the headline parse.
        tdoc = ctx.nlp(_sentence_case(title, tactors), disable=["ner"])
        for coded in coder.code(tdoc, tactors, field="title"):
            coded = replace(coded, event=_original_text(coded.event, title))
            # Headlines compress ("US Pushes for Withdrawal"): the same type by the same source is the same event.
            key = (
                coded.key
                if coded.key in merged
                else next(
                    (k for k in merged if coded.key[2] and k[0] == coded.key[0] and k[2] == coded.key[2]), coded.key
                )
            )
            have = merged.get(key)
            if have is not None:
                coded = replace(coded, key=key)
                merged[coded.key] = replace(have, mentions=have.mentions + coded.event.mentions)
            else:
                merged[coded.key] = _attach_when_where(coded.event, tdoc, replace_layers(ctx), coded.chain)
    yield from merged.values()


def replace_layers(ctx: Context) -> Context:
    """The context for headline events: no body dates or places apply to the headline's offsets."""
    return Context(article=ctx.article, doc=ctx.doc, layers={}, nlp=ctx.nlp)


@register_stage("events", adds="events", needs=("actors",))
def events_stage(nlp: Language) -> StageFn:
    coder = EventCoder(load_lexicon())

    def run(ctx: Context) -> Iterable[Event]:
        return list(extract_events(ctx, coder))

    return run
