"""Who said it: the subject of a cue, climbing from participles and conjoined verbs, turned into the speaker Actor,
with pronouns and "the group" resolved across the article by a small recency-based coreference of our own."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from spacy.tokens import Doc, Span, Token

from ..records import Actor, Mention
from .quote_lexicon import (
    _CLIMB,
    _DASHES,
    _GROUP_PRONOUNS,
    _NP_LEFT,
    _PERSON_PRONOUNS,
    _RELATIVE,
    Lexicon,
    _Cover,
    _is_cue,
)


def _subject(verb: Token, lex: Lexicon | None = None, quoted: _Cover | None = None) -> Token | None:
    """The grammatical subject of a cue, climbing from participles and conjoined verbs to the verb they hang on.

    A subject inside a quotation the cue is not in is the parser reading the quote as the clause ("... mode,” said
    Leslie Wimes" with "mode" as subject): skipped.
    """
    t = verb
    quoted = quoted or _Cover(())
    if lex is not None and verb.tag_ == "VBG" and verb.dep_ == "advcl":
        # "X said that A wants B, stressing C": the parser often hangs the participle on the reported clause, but
        # it belongs to the speech verb above that clause.
        for anc in verb.ancestors:
            if anc.dep_ == "ccomp" and _is_cue(anc.head, lex):
                t = anc.head
                break
    for _ in range(4):
        for c in t.children:
            # Not inside a quotation that the verb is not in.
            if c.dep_ == "nsubj" and all(s <= verb.idx < e for s, e in quoted.holding(c.idx)):
                return c
            if c.dep_ == "agent":  # "it was announced by the ministry"
                obj = next((g for g in c.children if g.dep_ == "pobj"), None)
                if obj is not None:
                    return obj
        if t.dep_ == "pcomp" and t.head.dep_ == "prep":
            # "She answered by calling the plan a fraud": through the preposition to the verb it hangs on.
            t = t.head.head
        elif t.dep_ == "acl" and t.head.pos_ in ("NOUN", "PROPN"):
            # "The union issued a statement saying ...": the one who issued it; "voters saying ...": the voters.
            if t.head.dep_ != "dobj":
                return t.head
            t = t.head.head
        elif t.dep_ in _CLIMB and t.head != t:
            t = t.head
        else:
            break
    return None


def _noun_phrase(head: Token) -> Span:
    doc = head.doc
    lo = head.i
    for c in head.lefts:
        if c.dep_ in _NP_LEFT:
            lo = min(lo, c.left_edge.i)
    hi = head.i
    for c in head.rights:
        if c.dep_ == "compound":
            hi = max(hi, c.right_edge.i)
    return doc[lo : hi + 1]


class _Speakers:
    """Turns a subject token into the speaker Actor, resolving pronouns and "the group" across the article."""

    def __init__(self, doc: Doc, entities: Sequence[Mention], actors: Sequence[Actor] | None, lex: Lexicon) -> None:
        self.doc = doc
        self.lex = lex
        self.actors = sorted((a for a in actors or () if a.start is not None and a.end is not None), key=_start)
        self.mentions = sorted(entities, key=lambda m: m.start)
        self.people = [m for m in self.mentions if m.label == "PERSON"]
        self.groups = [m for m in self.mentions if m.label in ("ORG", "NORP")]
        # Lookups by offset and by name, made once: a long article has many speakers and many actors.
        self._actor_starts = [_start(a) for a in self.actors]
        self._actor_longest = max(((a.end or 0) - _start(a) for a in self.actors), default=0)
        self._mention_starts = [m.start for m in self.mentions]
        self._mention_longest = max((m.end - m.start for m in self.mentions), default=0)
        self._people_starts = [m.start for m in self.people]
        self._groups_starts = [m.start for m in self.groups]
        self._by_name: dict[str | None, list[Actor]] = {}
        for a in self.actors:
            self._by_name.setdefault(a.name, []).append(a)
        self._by_last_word: dict[str, list[Mention]] = {}
        for m in self.people:
            self._by_last_word.setdefault(m.text.split()[-1] if m.text.split() else "", []).append(m)

    def of_cue(self, cue: Token, quoted: _Cover | None = None) -> Actor | None:
        if cue.text[-1:] in _DASHES:
            # "― Steve Quinlan": the name after the dash, to the end of its run of proper nouns.
            j = cue.i + 1
            while j + 1 < len(self.doc) and self.doc[j + 1].pos_ == "PROPN":
                j += 1
            return self.of_token(self.doc[j], self.doc[cue.i + 1 : j + 1])
        subj = _subject(cue, self.lex, quoted)
        if subj is None:
            # Around quotation marks the parser often leaves the subject unattached: take the name or pronoun
            # right next to the cue ("... ,” Qassem said" / "..., said the minister").
            near = [
                t
                for t in self.doc[max(0, cue.i - 3) : cue.i + 4]
                if t.pos_ in ("PROPN", "PRON") and t != cue and not (quoted and quoted.covers(t.idx))
            ]
            near.sort(key=lambda t: abs(t.i - cue.i))
            subj = near[0] if near else None
        return self.of_token(subj) if subj is not None else None

    def of_token(self, head: Token, span: Span | None = None) -> Actor:
        """The speaker whose mention has this head word (and, when the caller knows it, this span)."""
        if span is None:
            span = _noun_phrase(head) if head.pos_ != "PRON" else head.doc[head.i : head.i + 1]
        start, end = span.start_char, span.end_char
        actor = self._actor_at(start, end, head)
        # The actors layer's name when it has one; an actor it left unnamed ("security sources") gets ours.
        name = actor.name if actor is not None and actor.name else self._name(span, head)
        if actor is None and name:
            # The actors stage missed this mention ("Nuland also said") but knows the person it names.
            named = self._by_name.get(name, [])
            i = bisect.bisect_left([_start(a) for a in named], start)
            actor = named[i - 1] if i > 0 else None
        if actor is not None:
            return Actor(
                text=span.text,
                name=name,
                country=actor.country,
                sector=actor.sector,
                code=actor.code,
                start=start,
                end=end,
                id=actor.id,
            )
        return Actor(text=span.text, name=name, start=start, end=end)

    def _actor_at(self, start: int, end: int, head: Token) -> Actor | None:
        lo = bisect.bisect_left(self._actor_starts, start - self._actor_longest)
        hi = bisect.bisect_left(self._actor_starts, end)
        hits = [a for a in self.actors[lo:hi] if start < a.end]  # type: ignore[operator]
        if not hits:
            return None
        # The actor on the head word ("Naim Qassem" in "Hezbollah leader Naim Qassem"), else the first overlap.
        on_head = [a for a in hits if a.start <= head.idx < a.end]  # type: ignore[operator]
        return (on_head or hits)[0]

    def _name(self, span: Span, head: Token) -> str | None:
        low = head.lower_
        if head.pos_ == "PRON" or low in _RELATIVE:
            if low in _RELATIVE and head.head.dep_ == "relcl":
                # "Smith, who said ...": the relative pronoun stands for the noun its clause hangs on.
                antecedent = head.head.head
                if antecedent.pos_ in ("NOUN", "PROPN"):
                    return self._name(_noun_phrase(antecedent), antecedent)
            if low in _PERSON_PRONOUNS:
                last = _last_before(self.people, span.start_char, self._people_starts)
                return self._full_name(last) if last else None
            if low in _GROUP_PRONOUNS:
                last = _last_before(self.groups, span.start_char, self._groups_starts)
                return last.text if last else None
            return None
        lo = bisect.bisect_left(self._mention_starts, span.start_char - self._mention_longest)
        hi = bisect.bisect_left(self._mention_starts, span.end_char)
        inside = [m for m in self.mentions[lo:hi] if span.start_char < m.end]
        person = [m for m in inside if m.label == "PERSON"]
        if person:
            return self._full_name(person[-1])
        if head.pos_ == "PROPN":
            # A surname the tagger did not mark as a person ("Nuland also said"): match it to an earlier full name.
            full = self._full_name(Mention(text=head.text, label="PERSON", start=head.idx, end=head.idx + len(head)))
            if full != head.text:
                return full
        if inside:
            return inside[-1].text
        if head.pos_ == "PROPN":
            return span.text
        if head.lemma_.lower() in self.lex.org_nouns and not any(t.pos_ == "PROPN" for t in span):
            last = _last_before(self.groups, span.start_char, self._groups_starts)
            return last.text if last else None
        return None

    def _full_name(self, m: Mention) -> str:
        # "Qassem" after "Naim Qassem": the longest earlier name that ends with the same word.
        last = m.text.split()[-1]
        full = [p.text for p in self._by_last_word.get(last, []) if p.start <= m.start]
        return max(full, key=len) if full else m.text


def _start(a: Actor) -> int:
    return a.start or 0


def _last_before(mentions: list[Mention], at: int, starts: list[int] | None = None) -> Mention | None:
    i = bisect.bisect_left([m.start for m in mentions] if starts is None else starts, at)
    return mentions[i - 1] if i > 0 else None
