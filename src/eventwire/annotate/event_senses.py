"""Word-sense checks for ambiguous event words and the test for doers that cannot act, both read from data/events.

"Strikes" after rockets are air strikes, a strike by teachers is a labour strike, "released a report" frees no one,
"fired the coach" fires no weapon; an earthquake or a flood that kills is no political actor.
"""

from __future__ import annotations

from spacy.tokens import Token

from .event_patterns import Lexicon

# Arcs from an event word to what its sense checks read as its object or its modifier.
OBJECT_DEPS = frozenset({"dobj", "nsubjpass", "dative", "attr", "oprd"})
MODIFIER_DEPS = frozenset({"compound", "amod", "nmod"})
# Where a doer is written when the clause has no subject: by-agent, the cause after "in", "by", "from" ("killed in a
# flood"); "during" or "after" a storm only say when.
CAUSE_PREPS = frozenset({"in", "by", "from"})


def _words(toks: list[Token]) -> set[str]:
    out: set[str] = set()
    for t in toks:
        out.add(t.lemma_.lower())
        out.add(t.lower_)
    return out


def _objects(tok: Token) -> list[Token]:
    out: list[Token] = []
    for c in tok.children:
        if c.dep_ in OBJECT_DEPS or c.dep_ == "prt":
            out.append(c)
        elif c.dep_ == "prep" and (tok.pos_ != "NOUN" or c.lower_ == "of"):
            out += [g for g in c.children if g.dep_ == "pobj"]
    return out + [m for o in out for m in o.children if m.dep_ in MODIFIER_DEPS]


def sense(tok: Token, lemma: str, pos: str, lex: Lexicon) -> tuple[bool, str | None]:
    """(decided, code) from the first sense row of the word whose cues are there; (False, None) when none is."""
    rows = lex.senses.get((lemma, pos))
    if not rows:
        return False, None
    seen: dict[str, set[str]] = {}
    for row in rows:
        words = seen.get(row.role)
        if words is None:
            if row.role == "object":
                words = _words(_objects(tok))
            elif row.role == "subject":
                subj = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
                words = _words(subj + [m for s in subj for m in s.children if m.dep_ in MODIFIER_DEPS])
            elif row.role == "modifier":
                words = _words([c for c in tok.children if c.dep_ in MODIFIER_DEPS or c.dep_ == "poss"])
            else:
                words = _words(list(tok.sent))
            seen[row.role] = words
        if row.cues & words:
            return True, row.code
    return False, None


def _natural(t: Token, lex: Lexicon) -> bool:
    mods = [c for c in t.children if c.dep_ in MODIFIER_DEPS and c.i == t.i - 1]
    lemma = t.lemma_.lower()
    return lemma in lex.natural or any(f"{m.lemma_.lower()} {lemma}" in lex.natural for m in mods)


def natural_doer(tok: Token, lex: Lexicon) -> bool:
    """Whether the one doing the act is a natural hazard, an accident or a disease ("the quake killed 20", "died
    in floods", "an outbreak of cholera has killed"), or the event word is itself one ("flood attack" is no act)."""
    if tok.pos_ == "NOUN" and _natural(tok, lex):
        return True
    subjects = [c for c in tok.children if c.dep_ == "nsubj"]
    if any(_natural(c, lex) for c in subjects):
        return True
    for c in tok.children:
        cause = c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ in CAUSE_PREPS)
        if not subjects and cause and any(g.dep_ == "pobj" and _natural(g, lex) for g in c.children):
            return True
    return False
