"""The events stage: who did what to whom, coded from the dependency parse as PLOVER events with CAMEO codes.

A trigger (a verb or an event noun) gives a base code; the frames above it in the tree ("refused to", "call for",
"intends to", "said ... must") turn it into the event the sentence reports, set its flags and say who acted.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from ..records import Actor, Event, Place, Span
from . import Context, StageFn, register_stage
from .event_patterns import CONFLICT_TYPES, Lexicon, load_lexicon, quad_class
from .events_attach import _attach_when_where, _Near, _original_text, _sentence_case, _title_actors
from .events_frames import (
    ActorIndex,
    _actor_key,
    _agent_spans,
    _bare,
    _fallback_actors,
    _not_source,
    _patient_spans,
    _range,
    _two_sided,
)
from .events_triggers import (
    CONVERTING,
    FRAME_DEFAULT,
    Step,
    _base,
    _climb,
    _denied,
    _flags,
    _frame,
    _has_must,
    _verb_code,
)


@dataclass(frozen=True)
class Coded:
    """An event before it becomes a record: kept with its tokens so that duplicates and the main one are found."""

    event: Event
    depth: int
    key: tuple[object, ...]
    chain: frozenset[int] = frozenset()


SUBORDINATE = frozenset({"relcl", "pcomp", "advcl"})


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
        triggers: set[int] = set()
        for tok in doc:
            base = _base(tok, lex)
            if base is None:
                continue
            triggers.add(tok.i)
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
                continue
            # "The forum concluded that the US must allocate more": whoever says that someone must act demands it,
            # whatever the act (the request frame's default code: CAMEO 100).
            if frame is None and tok.i not in triggers and tok.dep_ == "ccomp" and _has_must(tok):
                said = _frame(tok.head, lex)
                code = lex.combined("request", None)
                if said is not None and said.kind == "speech" and code:
                    chains.append((_climb(tok, lex), code, FRAME_DEFAULT))
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
        denied = _denied(steps[0].tok, lex)
        if negated and not denied and final.type == "AGREE":
            # "will not accept", "is not willing to talk": a refusal, not a negated promise.
            code = lex.combined("reject", plover.type) or code
            final = lex.plover_of(code) or final
            negated = False
        negated = negated or denied  # a denied act is not reported as done, nor refused
        path = {s.tok.i for s in steps}
        source, src_ranges = self._source(steps, kind_top, speech_at, must, index)
        target = self._target(steps, kind_top, path, final.type, index, src_ranges, must, source)
        target = _not_source(target, source)
        if (not target or all(_bare(a) for a in target)) and final.type not in (
            "CONSULT", "SUPPORT", "AGREE", "COOPERATE"
        ):
            # Where a domestic act happens is what it is done to ("imposed a curfew in Abidjan"), and it gives bare
            # people their country ("killed two youths near Samarra").
            top = steps[-1].tok
            start, end = _range(top)
            target = _not_source(index.places_within(start, end), source)[:1] or target
        if not source and not target:
            return None
        if not source and steps[-1].tok.dep_ in SUBORDINATE:
            # With no doer written, an act in a subordinate clause is one talked about, not one reported: "an
            # appeal for deploying troops", "the faction that controls the country", "as leaders sought to ease".
            # (Not acl: spaCy parses a main verb after a long subject as one, "Doctors from aid groups donated".)
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
    # One word reports one act of a type: two readings that climbed to the same trigger ("agreed to send a team of
    # mediators": the sending and the mission) are one event, the one that names more actors.
    one: dict[tuple[str, int, str], Event] = {}
    for ev in merged.values():
        at = (ev.trigger.field, ev.trigger.start, ev.type)
        have = one.get(at)
        if have is None or len(ev.source) + len(ev.target) > len(have.source) + len(have.target):
            one[at] = ev
    yield from one.values()


def replace_layers(ctx: Context) -> Context:
    """The context for headline events: no body dates or places apply to the headline's offsets."""
    return Context(article=ctx.article, doc=ctx.doc, layers={}, nlp=ctx.nlp)


@register_stage("events", adds="events", needs=("actors",))
def events_stage(nlp: Language) -> StageFn:
    coder = EventCoder(load_lexicon())

    def run(ctx: Context) -> Iterable[Event]:
        return list(extract_events(ctx, coder))

    return run