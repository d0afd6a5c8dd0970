"""Reported speech: the content a cue introduces ("said that ...", "vowed to ...", "his claim that ..."), as token
ranges, with the speaker when the cue names it."""

from __future__ import annotations

import bisect

from spacy.tokens import Doc, Token

from .quote_lexicon import (
    _ASKING,
    _FOUND_IN,
    _GLOSS_DASHES,
    _OBJECT_TAIL,
    _SPOKEN_IN,
    _VAGUE,
    _VERB_TAGS,
    Found,
    Lexicon,
)
from .quote_speakers import _subject


def _content(tok: Token, lex: Lexicon) -> Found | None:
    """The content a cue introduces, as token ranges, with the speaker when the cue names it, and the cue's end."""
    end = tok.idx + len(tok)
    if tok.lower_ == "according":
        to = next((c for c in tok.children if c.lower_ == "to"), None)
        obj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
        if to is None or obj is None or tok.head == tok:
            return None
        # The whole statement the phrase is attached to: up through conjoined clauses ("A, and B, according to X"
        # attributes both), but not out of a parenthesis or a clause of its own.
        top = tok.head
        while top.head != top and (top.dep_ == "conj" or top.pos_ not in ("VERB", "AUX")):
            top = top.head
        pieces = _pieces_without(top, tok)
        return (pieces, obj, to.idx + len(to), False) if pieces else None
    if tok.lower_ == "in":
        return _found_in(tok, lex)
    lemma = tok.lemma_.lower()
    if tok.tag_ not in _VERB_TAGS:
        return _noun_content(tok, lemma, lex)
    if lemma in lex.cue_verbs or lemma in lex.infinitive_cues:
        comp = _complement(tok)
        if comp is not None and comp.i < tok.i and lemma not in lex.cue_verbs:
            # A clause before "vowed" or "called" is not what they report: in "She drew his ire - he called her
            # weak" the parser hangs the first sentence on "called"; only a speech verb takes "X, he said".
            comp = None
        raising = lemma in lex.raising_cues
        if comp is not None and (not raising or comp.left_edge.lower_ in ("that", "as")):
            lo, hi = _clause(comp, lex)
            if comp.i > tok.i:
                hi = _run_on(tok, comp, hi, lex)
            return [(lo, hi)], None, end, not raising
        inf = _infinitive(tok) if lemma in lex.infinitive_cues and tok.dep_ != "relcl" else None
        if inf is not None and not raising:
            return [_reported(inf)], None, end, True
        if raising:
            # What is hedged is the subject's state: "The donors appear to have ties ...", "The plan seems sound".
            subj = next((c for c in tok.lefts if c.dep_ == "nsubj" and c.lower_ not in ("it", "there")), None)
            if inf is not None:
                piece = _reported(inf)
                pieces = [(subj.left_edge.i, subj.right_edge.i), piece] if subj is not None else [piece]
                return pieces, _hedger(subj), end, False
            state = next((c for c in tok.rights if c.dep_ in ("oprd", "acomp")), None)
            if state is not None and subj is not None:
                return (
                    [(subj.left_edge.i, subj.right_edge.i), (state.left_edge.i, state.right_edge.i)],
                    _hedger(subj),
                    end,
                    False,
                )
            return None
    question = _question(tok) if lemma in _ASKING else None
    if question is not None:
        return [_reported(question)], None, end, True
    if lemma == "say":
        misread = _misread_clause(tok)
        if misread is not None:
            return [_reported(misread)], None, end, True
    if lemma in lex.cue_verbs and tok.dep_ == "advcl" and tok.head != tok and any(
        c.dep_ == "mark" and c.lower_ == "as" for c in tok.children
    ):
        # "As the minister told parliament, the plan is dead": the clause the "as" phrase hangs on is the content,
        # when the phrase names who spoke ("as expected" names nobody; "as reported by the paper" does) and leaves
        # more than a word or two.
        pieces = [(a, b) for a, b in _pieces_without(tok.head, tok) if b - a >= 2]
        if pieces and any(c.dep_ == "nsubj" and c.lower_ != "it" or c.dep_ == "agent" for c in tok.children):
            return _without_final_mark(tok.doc, pieces), None, end, True
    if lemma in lex.cue_verbs and _interjected(tok):
        # "Every Friday, the former aide told the paper, she would ...": a cue set off by commas before the clause
        # it reports, which the parser hangs on that clause as an adverbial one.
        pieces = _pieces_without(tok.head, tok)
        if pieces:
            return pieces, None, end, True
    if lemma in lex.cue_verbs and tok.dep_ == "parataxis" and tok.head != tok:
        # "The museum, he said, would ...": the clause around the interjected cue is the content.
        pieces = _pieces_without(tok.head, tok)
        if pieces:
            return pieces, None, end, True
    if lemma in lex.cue_verbs or lemma in lex.object_cues:
        # "was first reported by the Post", "is supported by X": the passive subject is the content.
        agent = next((c for c in tok.rights if c.dep_ == "agent"), None)
        patient = next((c for c in tok.lefts if c.dep_ == "nsubjpass"), None)
        by = next((g for g in agent.children if g.dep_ == "pobj"), None) if agent is not None else None
        if patient is not None and by is not None:
            return [(patient.left_edge.i, patient.right_edge.i)], by, end, False
    for c in tok.rights:
        if c.dep_ == "prep" and (lemma, c.lower_) in lex.prep_cues:
            obj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if obj is not None:
                # "called on Congress to act": the infinitive after the object is part of what was called for.
                then = next((g for g in tok.rights if g.i > obj.i and g.dep_ in ("xcomp", "ccomp")), None)
                hi = then.right_edge.i if then is not None else obj.right_edge.i
                # "referred to the treaty as “a historic mistake”": what the object is called is part of the content.
                as_ends = [g.right_edge.i for g in tok.rights if g.i > obj.i and g.dep_ == "prep" and g.lower_ == "as"]
                hi = _more_objects(tok, obj, max([hi, *as_ends]))
                return [(obj.left_edge.i, _trim_tail(tok.doc, obj.left_edge.i, hi))], None, c.idx + len(c), True
    for c in tok.rights:
        mark = next((g for g in c.children if g.dep_ == "mark" and g.i == c.left_edge.i), None)
        if c.dep_ in ("advcl", "ccomp") and mark is not None and (lemma, mark.lower_) in lex.prep_cues:
            # "called for the president to resign": the parser makes "for" open a clause rather than take an object.
            lo = mark.i + 1
            return [(lo, _trim_tail(tok.doc, lo, c.right_edge.i))], None, mark.idx + len(mark), True
    if lemma in lex.object_cues:
        obj = next((c for c in tok.rights if c.dep_ == "dobj"), None)
        named = [c for c in tok.rights if c.dep_ == "oprd"]
        if obj is None and named:
            # "called her “third-rate”", "called Clinton a liar": the parser often gives the object and what it is
            # called as two predicates and no object; together they are the content.
            lo, hi = min(c.left_edge.i for c in named), max(c.right_edge.i for c in named)
            return [(lo, _trim_tail(tok.doc, lo, hi))], None, end, True
        if obj is not None:
            # "called the charges baseless": the object and what it is called are one content.
            # "criticised X for Y", "described X as Y", "urged X to Y": the position taken runs on past the object.
            pred = [
                c
                for c in tok.rights
                if c.i > obj.i
                and (c.dep_ in ("oprd", "xcomp", "ccomp") or c.dep_ == "prep" and c.lower_ in _OBJECT_TAIL)
            ]
            hi = _more_objects(tok, obj, max([obj.right_edge.i] + [c.right_edge.i for c in pred]))
            return [(obj.left_edge.i, _trim_tail(tok.doc, obj.left_edge.i, hi))], None, end, True
    return None


def _found_in(tok: Token, lex: Lexicon) -> Found | None:
    """ "In the new poll, the governor leads among women": the sentence an opening "in a poll" phrase hangs on is
    what the poll found, and the poll is its source; after "In a letter to members," it is what the subject wrote.
    A clause with a cue of its own is left to that cue ("In a statement, the ministry said ...")."""
    obj = next((c for c in tok.children if c.dep_ == "pobj"), None)
    head = tok.head
    where = obj.lemma_.lower() if obj is not None else ""
    if where not in _FOUND_IN | _SPOKEN_IN or tok.dep_ != "prep" or head.pos_ not in ("VERB", "AUX"):
        return None
    if _speech_verb(head, lex) or head.lemma_.lower() in lex.infinitive_cues:
        return None
    top = head
    while top.head != top and top.dep_ == "conj":
        top = top.head
    if top.dep_ != "ROOT" or tok.i != tok.sent.start:
        # "..., who leads in the polls", "though she trails in the polls, ...": a clause within the sentence is the
        # writer's background more often than the poll's finding.
        return None
    pieces = [(a, b) for a, b in _pieces_without(top, tok) if b > a]
    if not pieces:
        return None
    pieces = _without_final_mark(tok.doc, pieces)
    # A poll is the source of its finding; in a letter or a speech it is the writer or speaker who says it.
    return pieces, obj if where in _FOUND_IN else _subject(head, lex), tok.idx + len(tok), False


def _reported(head: Token) -> tuple[int, int]:
    """The token range of the clause or phrase ``head`` governs, less a closing gloss: what a cue reports."""
    lo = head.left_edge.i
    return lo, _trim_tail(head.doc, lo, head.right_edge.i)


def _without_final_mark(doc: Doc, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Content pieces without the full stop or comma that closes the last: the sentence's mark, not the speaker's."""
    a, b = pieces[-1]
    while b > a and doc[b].is_punct:
        b -= 1
    return [*pieces[:-1], (a, b)]


def _hedger(subj: Token | None) -> Token | None:
    """The source of "Lopez seemed to accept the offer" is Lopez; "The ceasefire seems to hold" has none: a name or
    a pronoun is taken, any other subject is only what the hedge is about."""
    return subj if subj is not None and subj.pos_ in ("PROPN", "PRON") else None


def _interjected(tok: Token) -> bool:
    """A finite speech verb with a subject of its own, hung as an adverbial clause on a clause after it, with no word
    such as "when" or "after" to join them and a comma right after it and its objects ("Had I known ..." is no cue)."""
    head = tok.head
    if tok.dep_ != "advcl" or tok.tag_ not in ("VBD", "VBZ", "VBP") or head.i < tok.i or head.pos_ not in ("VERB", "AUX"):
        return False
    if any(c.dep_ == "mark" for c in tok.children) or tok.left_edge.tag_ in ("WRB", "IN"):
        return False
    if not any(c.dep_ == "nsubj" and c.lower_ not in ("it", "there") for c in tok.children):
        return False
    after = tok.right_edge.i + 1
    return after < head.i and tok.doc[after].text == ","


def _question(tok: Token) -> Token | None:
    """ "asked the students if they were serious": the parser hangs the "if" clause on the verb as an adverbial
    clause rather than its complement."""
    for c in tok.rights:
        if c.dep_ == "advcl" and c.left_edge.lower_ in ("if", "whether"):
            return c
    return None


def _misread_clause(tok: Token) -> Token | None:
    """A clause the parser took for the object of "say": in "Aides say the more votes he wins, the more ..." or
    "Stone says the rise in costs that X decries makes ..." the object holds a finite verb, so it is what was said.
    A plain object ("said nothing", "said so") holds none and is no quote, nor is "said something that ...", which
    describes what was said."""
    for c in tok.rights:
        if c.dep_ not in ("dobj", "xcomp") or c.lower_ in _VAGUE:
            continue
        if any(t.tag_ in ("VBZ", "VBD", "VBP", "MD") for t in c.subtree):
            return c
    return None


def _more_objects(tok: Token, obj: Token, hi: int) -> int:
    """Where an object content ends when the parser hangs its second half on the verb: in "called for a strike at the
    port, and then a boycott" the noun "boycott" is a conjunct of the verb, though a verb cannot be coordinated with a
    noun; it goes with the object."""
    for g in tok.rights:
        if g.i > hi and g.dep_ == "conj" and g.tag_ in ("NN", "NNS", "NNP", "NNPS"):
            hi = _trim_tail(tok.doc, obj.left_edge.i, g.right_edge.i)
    return hi


def _complement(tok: Token) -> Token | None:
    """The clause a cue reports, never one across a paragraph break: the parser often makes a quotation that ends
    the paragraph before the first complement of the "said" that opens the next ("Varga said the bridge would ...")."""
    doc = tok.doc
    found = []
    for c in tok.children:
        if c.dep_ != "ccomp":
            continue
        lo, hi = (c.right_edge.i, tok.i) if c.i < tok.i else (tok.i, c.left_edge.i)
        if not any("\n" in t.text for t in doc[lo:hi]):
            found.append(c)
    # One on each side ("In a statement released after he suspended his campaign, Cruz said he is certain ..."):
    # the one before is the parser's misreading of an opening phrase; what was said follows the verb.
    after = [c for c in found if c.i > tok.i]
    if not after and any(c.dep_ == "xcomp" for c in tok.rights):
        # "In his book, “Save Early,” Mr. Lee suggested cutting costs": the gerund after the verb is what it says.
        return None
    return after[0] if after else found[-1] if found else None


def _run_on(tok: Token, comp: Token, hi: int, lex: Lexicon) -> int:
    """Where a clause after its cue really ends: the parser hangs the second half of "said A, but could not B" and
    "said A because B" on the cue instead of on A. A conjoined or adverbial clause after the complement is taken in,
    unless it is a cue of its own ("said A and added B") or the complement was already cut short."""
    if hi < comp.right_edge.i:
        return hi
    doc = tok.doc
    for c in tok.rights:
        if c.i <= comp.i or c.is_punct or c.dep_ == "cc":
            continue
        if c.dep_ not in ("conj", "advcl") or (c.tag_ in _VERB_TAGS and _speech_verb(c, lex)):
            break
        hi = max(hi, c.right_edge.i)
    while hi > comp.i and doc[hi].is_punct:
        hi -= 1
    return hi


def _infinitive(tok: Token) -> Token | None:
    """The "to ..." (or "-ing") clause a verb governs: "declined to comment", "proposed cutting taxes"."""
    for c in tok.rights:
        if c.dep_ == "xcomp" and (c.tag_ == "VBG" or _has_to(c)):
            return c
    return None


def _has_to(verb: Token) -> bool:
    """Whether a verb is an infinitive with "to"."""
    return any(a.lower_ == "to" and a.dep_ == "aux" for a in verb.lefts)


def _noun_content(tok: Token, lemma: str, lex: Lexicon) -> Found | None:
    """ "his claim that ...", "the administration's plan to ...": a cue noun with a that-clause or an infinitive."""
    if lemma not in lex.cue_nouns:
        return None
    comp = next(
        (
            c
            for c in tok.rights
            if c.dep_ in ("acl", "ccomp")
            and (c.left_edge.lower_ == "that" or _has_to(c))
        ),
        None,
    )
    if comp is None:
        return None
    # The owner speaks ("the minister's claim"); without one, the subject of the verb the noun hangs on.
    owner = next((c for c in tok.lefts if c.dep_ == "poss"), None)
    if owner is None and tok.dep_ == "dobj":
        # "The mayor expressed confidence that ...", "she floated the idea that ...": the one who voices it.
        owner = _subject(tok.head, lex)
    elif owner is None and tok.dep_ == "pobj" and tok.head.dep_ == "prep" and tok.head.head.pos_ == "VERB":
        # "The firm said in a statement that ...", "he bristled at the suggestion that ...": the verb's subject.
        owner = _subject(tok.head.head, lex)
    return [_clause(comp, lex)], owner, tok.idx + len(tok), False


def _clause(head: Token, lex: Lexicon) -> tuple[int, int]:
    """A complement clause, less what belongs to the speaker after it: a trailing ", adding ..." / ", citing ...",
    or a second verb of speech sharing the speaker ("said A and noted that B": B has a cue of its own)."""
    lo, hi = head.left_edge.i, head.right_edge.i
    doc = head.doc
    for c in head.rights:
        if c.dep_ == "advcl" and c.tag_ == "VBG" and _speech_verb(c, lex):
            cut = c.left_edge.i - 1
            if cut > lo and doc[cut].text == ",":
                hi = min(hi, cut - 1)
        elif (
            c.dep_ == "conj"
            and c.tag_ in _VERB_TAGS
            and _speech_verb(c, lex)
            and not any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)
        ):
            cut = c.left_edge.i - 1
            while cut > lo and (doc[cut].dep_ == "cc" or doc[cut].is_punct):
                cut -= 1
            hi = min(hi, cut)
    return lo, _trim_tail(doc, lo, hi)


def _speech_verb(tok: Token, lex: Lexicon) -> bool:
    """Whether a word's lemma is a cue verb or an object cue ("adding", "citing", "noted")."""
    lemma = tok.lemma_.lower()
    return lemma in lex.cue_verbs or lemma in lex.object_cues


def _trim_tail(doc: Doc, lo: int, hi: int) -> int:
    """Cut a closing ", which ..." / ", when ..." / ", a plan that ..." / "— a move that ..." that runs to the end:
    the writer's gloss on a name or a time, not what was said."""
    for c in range(lo + 1, hi):
        if doc[c].text != "," and not (doc[c].text in _GLOSS_DASHES and doc[c].tag_ != "HYPH"):
            continue
        nxt = doc[c + 1]
        if nxt.tag_ in ("WDT", "WP", "WRB") and nxt.head.dep_ == "relcl" and nxt.head.right_edge.i >= hi:
            return c - 1
        gloss = next((t for t in doc[c + 1 : hi + 1] if t.dep_ == "appos" and t.left_edge.i == c + 1), None)
        if gloss is not None and gloss.right_edge.i >= hi and c - lo > 3 and not _list_goes_on(gloss):
            return c - 1
    return hi


def _list_goes_on(gloss: Token) -> bool:
    """An "appositive" with conjuncts of its own is most often the rest of a list ("the first mayor, first
    engineer or even first scientist"), unless it opens with "a": "Olsen, a former judge and a tax adviser" describes."""
    return any(g.dep_ == "conj" for g in gloss.children) and gloss.left_edge.lower_ not in ("a", "an")


def _pieces_without(head: Token, skip: Token) -> list[tuple[int, int]]:
    """The clause ``head`` governs, less the "according to X" / "he said" phrase in it: one token range, or two when
    the phrase sits in the middle ("The museum, he said, would ...")."""
    lo, hi = head.left_edge.i, head.right_edge.i
    s_lo, s_hi = skip.left_edge.i, skip.right_edge.i
    if s_hi < lo or s_lo > hi:
        return [(lo, hi)]
    return [(a, b) for a, b in ((lo, s_lo - 1), (s_hi + 1, hi)) if a <= b]


def _mostly_quoted(start: int, end: int, direct: list[tuple[int, int]]) -> bool:
    i = bisect.bisect_right(direct, (end, end))
    return any(min(end, e) - max(start, s) > 0.5 * (end - start) for s, e in direct[max(0, i - 3) : i])
