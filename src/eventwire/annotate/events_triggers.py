"""Event triggers: which tokens are event words (verb and noun lexicons, PETRARCH patterns, word senses) and the
frames above a trigger in the parse ("refused to", "call for"), with the flags those frames set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Token

from .event_patterns import Frame, Lexicon
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
# A frame's own complement arrives by one of these relations ("refusal to lay down" is acl in spaCy's scheme).
COMPLEMENT_DEPS = frozenset({"xcomp", "ccomp", "dobj", "attr", "acl", "oprd", "nsubjpass", "pcomp"})
FRAME_PREPS = frozenset({"for", "on", "to", "of", "in", "into"})
# A verb in a noun's place is a thing, not an act: "the wounded", "the detained" (spaCy may still tag it VERB); one
# standing as a preposition heads no clause: "according to", "following the talks", "including".
NOT_CLAUSE_DEPS = frozenset({"amod", "compound", "dobj", "nsubj", "nsubjpass", "pobj", "prep"})
# Confidence by where the code came from: our own lexicons, a frame's own default, a converted PETRARCH pattern
# (with words matched, or none).
OWN, FRAME_DEFAULT, PATTERN, PATTERN_BARE = 0.9, 0.7, 0.8, 0.6


@dataclass(frozen=True)
class Step:
    """One node of a trigger's chain: the token and the frame it applies (None for the trigger itself)."""

    tok: Token
    frame: Frame | None


def _key(tok: Token) -> str:
    """A verb's dictionary key: phrasal verbs by lemma and particle ("carry out"), others by lemma."""
    prt = next((c.lower_ for c in tok.children if c.dep_ == "prt"), None)
    return f"{tok.lemma_.lower()} {prt}" if prt else tok.lemma_.lower()


def _keys(tok: Token) -> tuple[str, ...]:
    """The key, then forms that survive a lemmatizer slip ("hopes" -> "hop", "staged" -> "stag"): the word, the word
    less its -s, or less the -d and the -ed of a past form."""
    key = _key(tok)
    if " " in key:
        return (key,)
    low = tok.lower_
    if low.endswith("s"):
        return (key, low, low[:-1])
    if low.endswith("ed"):
        return (key, low, low[:-1], low[:-2])
    return (key, low)


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
    if tok.pos_ == "VERB" and tok.dep_ not in NOT_CLAUSE_DEPS:
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
        if dep == "advcl" and any(
            (c.dep_ == "aux" and c.lower_ == "to") or (c.dep_ == "mark" and c.lower_ == "for") for c in node.children
        ):
            # "have sworn to fight" and "pushing for the US (to) support" are parsed as adverbial clauses
            frame = _frame(head, lex)
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


DENIED_DEPS = frozenset({"ccomp", "xcomp", "dobj", "pcomp"})


def _denied(tok: Token, lex: Lexicon) -> bool:
    """Whether the act at ``tok`` is what a denial before it denies: "denied that Iran had sent weapons", "denied
    involvement in the attack", "denied he met him to discuss". Not through a conjunct (a parse that joins "denied
    X - but refused Y" would deny Y) and not a denial that is itself negated or refused ("did not deny", "refused
    to deny claims that")."""
    node = tok
    for _ in range(8):
        head = node.head
        if head.i == node.i or node.dep_ == "conj":
            return False
        if head.lemma_.lower() in lex.denials:
            if node.dep_ not in DENIED_DEPS or head.i > tok.i or any(c.dep_ == "neg" for c in head.children):
                return False
            refusal = _frame(head.head, lex) if head.dep_ == "xcomp" else None
            return refusal is None or refusal.kind != "reject"
        node = head
    return False


def _has_must(tok: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in MUST_AUX for c in tok.children)


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

