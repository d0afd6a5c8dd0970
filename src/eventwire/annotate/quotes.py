"""Who said so: direct quotations (inside quotation marks) and reported speech, each with its cue and its speaker.

Reads the one spaCy parse of the body. The speaker comes from the actors layer when that stage ran; without it a
small recency-based coreference of our own resolves "he said" to the last named person and "the group said" to the
last organisation.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..records import Actor, Mention, Quote
from . import Context, StageFn, register_stage

# Marks that open a quotation, and those that may close one. Straight quotes both open and close; a closing curly
# mark with nothing open is a stray and is ignored. Single quotes are left alone: they double as apostrophes and,
# inside double quotes, mark a quote within the quote.
OPENERS = frozenset("“\"«„")
CLOSERS = frozenset("”\"»“")
# Verb tags (Penn) of a cue: the tagger sometimes calls "said" an adjective or noun next to quotation marks, but a
# verb tag is the safer bet than the coarse POS, which spaCy derives from the same tag.
_VERB_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ"})
# Modifiers that belong to a speaker's noun phrase ("Hezbollah leader Naim Qassem", "the group", "a source").
_NP_LEFT = frozenset({"compound", "det", "amod", "poss", "nmod", "nummod", "quantmod"})
# Dependencies through which a cue inherits its speaker from the verb it hangs on: "..., adding that ...",
# "acknowledged X but asserted that ...", "went on to say".
_CLIMB = frozenset({"advcl", "xcomp", "conj", "pcomp"})
# Verbs whose content can be an infinitive: "told his advisers to ...", "urged voters to ...".
_XCOMP_CUES = frozenset({"tell", "urge", "warn", "ask", "order", "advise", "call", "promise", "vow", "threaten", "pledge"})
_SENTENCE_END = re.compile(r"[.?!](?=[\s”\"’)]|$)")
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
_GROUP_PRONOUNS = frozenset({"it", "they", "them"})
_RELATIVE = frozenset({"who", "that", "which"})


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The word lists the stage reads, loaded once from data/quotes/."""

    cue_verbs: frozenset[str]
    org_nouns: frozenset[str]


def _read_list(name: str) -> frozenset[str]:
    text = resources.files("eventwire").joinpath("data", "quotes", name).read_text(encoding="utf-8")
    return frozenset(w.strip().lower() for w in text.splitlines() if w.strip() and not w.lstrip().startswith("#"))


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    return Lexicon(cue_verbs=_read_list("cue_verbs.txt"), org_nouns=_read_list("speaker_nouns.txt"))


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of text between quotation marks; start/end exclude the marks."""

    start: int
    end: int
    paragraph: int
    # The paragraph ended with this quotation still open, so it goes on in the next paragraph.
    runs_on: bool
    # This segment reopens a quotation left open at the end of the previous paragraph.
    continues: bool


def find_quoted(text: str) -> list[Segment]:
    """Every double-quoted stretch, paragraph by paragraph, with the news convention for quotes over paragraphs."""
    segments: list[Segment] = []
    left_open = False
    for p, para in enumerate(re.finditer(r"[^\n]+", text)):
        p0, p1 = para.span()
        first = p0 + len(para.group()) - len(para.group().lstrip())
        opened: int | None = None
        continues = False
        for i in range(p0, p1):
            ch = text[i]
            if opened is None:
                if ch in OPENERS:
                    opened, continues = i, left_open and i == first
            elif ch in CLOSERS:
                segments.append(Segment(opened + 1, i, p, False, continues))
                opened = None
        left_open = opened is not None
        if opened is not None:
            segments.append(Segment(opened + 1, p1, p, True, continues))
    return [s for s in segments if re.search(r"\w", text[s.start : s.end])]


def extract_quotes(
    doc: Doc,
    entities: Sequence[Mention] = (),
    actors: Sequence[Actor] | None = None,
    lexicon: Lexicon | None = None,
) -> Iterator[Quote]:
    """Direct quotes first (each with the cue next to it, or the cue of the quote it continues), then reported speech.

    ``actors``, when given, are the actors layer: a speaker takes the identity of the actor its mention overlaps.
    """
    lex = lexicon or load_lexicon()
    speakers = _Speakers(doc, entities, actors, lex)
    text = doc.text
    segments = [s for s in find_quoted(text) if _is_quotation(doc, s, lex)]
    cues: list[Token | None] = [_direct_cue(doc, s, lex) for s in segments]
    cues = _share_cues(segments, cues)
    used: set[int] = set()
    spans: list[tuple[int, int]] = []
    for seg, cue in zip(segments, cues):
        start, end = _strip(text, seg.start, seg.end)
        spans.append((start, end))
        if cue is not None:
            used.add(cue.i)
        yield Quote(
            text=text[start:end],
            start=start,
            end=end,
            kind="direct",
            cue=cue.text if cue is not None else None,
            speaker=speakers.of_cue(cue) if cue is not None else None,
            cue_start=cue.idx if cue is not None else None,
            cue_end=cue.idx + len(cue) if cue is not None else None,
        )
    yield from _indirect(doc, lex, speakers, used, spans)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in OPENERS):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in CLOSERS or text[end - 1] in ",;:"):
        end -= 1
    return start, end


def _tokens(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="expand") if end > start else None


def _is_cue(tok: Token, lex: Lexicon) -> bool:
    return tok.tag_ in _VERB_TAGS and tok.lemma_.lower() in lex.cue_verbs


def _is_quotation(doc: Doc, seg: Segment, lex: Lexicon) -> bool:
    """A quotation rather than scare quotes or a title: it opens a sentence, follows a cue, or a cue follows it."""
    if seg.continues:
        return True
    text = doc.text
    before = text[: seg.start - 1].rstrip(" \t")
    para_start = not before or before.endswith("\n")
    if para_start or before[-1] in ".?!:":
        return True
    inner = text[seg.start : seg.end].rstrip()
    near = _tokens(doc, max(0, seg.start - 40), seg.start - 1)
    if before[-1] == "," and near is not None and any(_is_cue(t, lex) for t in list(near)[-4:]):
        return True
    # `... “a disaster,” Smith said`: a quoted clause closed by a comma and followed straight away by its cue.
    after = _tokens(doc, seg.end + 1, min(len(text), seg.end + 60)) if not seg.runs_on else None
    return bool(inner) and inner[-1] in ",?!" and after is not None and any(_is_cue(t, lex) for t in list(after)[:5])


def _direct_cue(doc: Doc, seg: Segment, lex: Lexicon) -> Token | None:
    """The cue of one quoted stretch: "X said:" right before it, else "..., X said" right after it."""
    text = doc.text
    before = text[: seg.start - 1].rstrip(" \t")
    if before and before[-1] in ":,":
        # Back to the start of the sentence that introduces the quote, and take the cue closest to the mark.
        line_start = before.rfind("\n") + 1
        ends = [m.end() for m in _SENTENCE_END.finditer(text, line_start, len(before) - 1)]
        region = _tokens(doc, ends[-1] if ends else line_start, len(before))
        if region is not None:
            found = [t for t in region if _is_cue(t, lex) and not _inside_quote(doc, t)]
            if found:
                return found[-1]
    if seg.runs_on:
        return None
    # After the closing mark, up to the end of that sentence or the next quotation, whichever comes first.
    para_end = text.find("\n", seg.end)
    stop = len(text) if para_end < 0 else para_end
    nxt = min((text.find(m, seg.end + 1) for m in OPENERS if text.find(m, seg.end + 1) >= 0), default=stop)
    stop = min(stop, nxt)
    m = _SENTENCE_END.search(text, seg.end + 1, stop)
    region = _tokens(doc, seg.end + 1, m.end() if m else stop)
    if region is None:
        return None
    # The cue must sit near the quote ("..., said Smith", "..., Flynn, a top Trump surrogate, said"); a cue far
    # into the next clause belongs to a sentence of its own.
    words = [t for t in region if not t.is_punct and not t.is_space][:10]
    for t in words:
        if _is_cue(t, lex):
            return t
    return None


def _inside_quote(doc: Doc, tok: Token) -> bool:
    # Cheap test used only for candidate cues before a mark: an odd number of opening marks since the line start.
    line_start = doc.text.rfind("\n", 0, tok.idx) + 1
    chunk = doc.text[line_start : tok.idx]
    opens = sum(chunk.count(c) for c in "“«„")
    closes = sum(chunk.count(c) for c in "”»")
    return opens > closes or chunk.count('"') % 2 == 1


def _share_cues(segments: list[Segment], cues: list[Token | None]) -> list[Token | None]:
    """Cue-less stretches take the cue of their neighbours: the same paragraph, the paragraphs one quote runs over,
    or a quote that ends the paragraph just before (a quote's next paragraph rarely repeats "he said")."""
    out = list(cues)
    block = [0] * len(segments)
    for i in range(1, len(segments)):
        prev, cur = segments[i - 1], segments[i]
        linked = cur.paragraph == prev.paragraph or (cur.continues and prev.runs_on)
        block[i] = block[i - 1] if linked else block[i - 1] + 1
    for i, cue in enumerate(cues):
        if cue is not None:
            continue
        same = [j for j in range(len(segments)) if block[j] == block[i] and cues[j] is not None]
        if same:
            # Prefer the cue that came before; "“A.” “B,” he said" gives A the cue that follows.
            earlier = [j for j in same if j < i]
            out[i] = cues[earlier[-1] if earlier else same[0]]
        elif i > 0 and segments[i - 1].paragraph == segments[i].paragraph - 1 and _opens_paragraph(segments, i):
            out[i] = out[i - 1]
    return out


def _opens_paragraph(segments: list[Segment], i: int) -> bool:
    return all(segments[j].paragraph != segments[i].paragraph for j in range(i))


def _indirect(
    doc: Doc, lex: Lexicon, speakers: _Speakers, used: set[int], direct: list[tuple[int, int]]
) -> Iterator[Quote]:
    """Reported speech: a cue verb with a complement clause ("said that ...", "warned ..."), and "according to X"."""
    text = doc.text
    starts = sorted(direct)
    for tok in doc:
        if tok.i in used:
            continue
        content: tuple[int, int] | None = None
        speaker: Token | None = None
        if tok.lower_ == "according" and tok.head != tok:
            to = next((c for c in tok.children if c.lower_ == "to"), None)
            obj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
            if obj is None:
                continue
            content = _clause_without(tok.head, tok)
            speaker = obj
        elif _is_cue(tok, lex):
            comp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
            if comp is None and tok.lemma_.lower() in _XCOMP_CUES:
                comp = next((c for c in tok.children if c.dep_ == "xcomp"), None)
            if comp is None:
                continue
            content = (comp.left_edge.idx, comp.right_edge.idx + len(comp.right_edge))
            speaker = _subject(tok, lex)
        if content is None:
            continue
        start, end = _strip(text, *content)
        while start < end and text[start] in ".,;:—–-":
            start += 1
        if end - start < 2 or _mostly_quoted(start, end, tok.idx, starts):
            continue
        yield Quote(
            text=text[start:end],
            start=start,
            end=end,
            kind="indirect",
            cue=tok.text if tok.lower_ != "according" else text[tok.idx : _according_end(tok)],
            speaker=speakers.of_token(speaker) if speaker is not None else None,
            cue_start=tok.idx,
            cue_end=tok.idx + len(tok) if tok.lower_ != "according" else _according_end(tok),
        )


def _according_end(tok: Token) -> int:
    to = next((c for c in tok.children if c.lower_ == "to"), None)
    return to.idx + len(to) if to is not None else tok.idx + len(tok)


def _clause_without(head: Token, skip: Token) -> tuple[int, int] | None:
    """The clause ``head`` governs, less the "according to X" phrase at its start or end."""
    lo, hi = head.left_edge.i, head.right_edge.i
    s_lo, s_hi = skip.left_edge.i, skip.right_edge.i
    doc = head.doc
    if s_lo <= lo:
        lo = s_hi + 1
    elif s_hi >= hi:
        hi = s_lo - 1
    elif s_lo - lo < hi - s_hi:  # in the middle: keep the longer side
        lo = s_hi + 1
    else:
        hi = s_lo - 1
    if hi < lo:
        return None
    return doc[lo].idx, doc[hi].idx + len(doc[hi])


def _mostly_quoted(start: int, end: int, cue_at: int, direct: list[tuple[int, int]]) -> bool:
    """A complement clause that is a direct quote already reported (unless the cue is itself inside that quote)."""
    i = bisect.bisect_right(direct, (end, end))
    for s, e in direct[max(0, i - 3) : i]:
        overlap = min(end, e) - max(start, s)
        if overlap > 0.5 * (end - start) and not s <= cue_at < e:
            return True
    return False


def _subject(verb: Token, lex: Lexicon | None = None) -> Token | None:
    """The grammatical subject of a cue, climbing from participles and conjoined verbs to the verb they hang on."""
    t = verb
    if lex is not None and verb.tag_ == "VBG" and verb.dep_ == "advcl":
        # "X said that A wants B, stressing C": the parser often hangs the participle on the reported clause, but
        # it belongs to the speech verb above that clause.
        for anc in verb.ancestors:
            if anc.dep_ == "ccomp" and _is_cue(anc.head, lex):
                t = anc.head
                break
    for _ in range(4):
        for c in t.children:
            if c.dep_ == "nsubj":
                return c
            if c.dep_ == "agent":  # "it was announced by the ministry"
                obj = next((g for g in c.children if g.dep_ == "pobj"), None)
                if obj is not None:
                    return obj
        if t.dep_ in _CLIMB and t.head != t:
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

    def of_cue(self, cue: Token) -> Actor | None:
        subj = _subject(cue, self.lex)
        if subj is None:
            # Around quotation marks the parser often leaves the subject unattached: take the name or pronoun
            # right next to the cue ("... ,” Qassem said" / "..., said the minister").
            near = [t for t in self.doc[max(0, cue.i - 3) : cue.i + 4] if t.pos_ in ("PROPN", "PRON") and t != cue]
            near.sort(key=lambda t: abs(t.i - cue.i))
            subj = near[0] if near else None
        return self.of_token(subj) if subj is not None else None

    def of_token(self, head: Token) -> Actor:
        span = _noun_phrase(head) if head.pos_ != "PRON" else head.doc[head.i : head.i + 1]
        start, end = span.start_char, span.end_char
        actor = self._actor_at(start, end, head)
        if actor is not None:
            return Actor(
                text=span.text,
                name=actor.name,
                country=actor.country,
                sector=actor.sector,
                code=actor.code,
                start=start,
                end=end,
                id=actor.id,
            )
        return Actor(text=span.text, name=self._name(span, head), start=start, end=end)

    def _actor_at(self, start: int, end: int, head: Token) -> Actor | None:
        hits = [a for a in self.actors if a.start < end and start < a.end]  # type: ignore[operator]
        if not hits:
            return None
        # The actor on the head word ("Naim Qassem" in "Hezbollah leader Naim Qassem"), else the first overlap.
        on_head = [a for a in hits if a.start <= head.idx < a.end]  # type: ignore[operator]
        return (on_head or hits)[0]

    def _name(self, span: Span, head: Token) -> str | None:
        low = head.lower_
        if head.pos_ == "PRON" or low in _RELATIVE:
            if low in _RELATIVE and head.head.dep_ == "relcl" or head.dep_ == "nsubj" and head.head.dep_ == "relcl":
                antecedent = head.head.head
                if antecedent.pos_ in ("NOUN", "PROPN"):
                    return self._name(_noun_phrase(antecedent), antecedent)
            if low in _PERSON_PRONOUNS:
                last = _last_before(self.people, span.start_char)
                return self._full_name(last) if last else None
            if low in _GROUP_PRONOUNS:
                last = _last_before(self.groups, span.start_char)
                return last.text if last else None
            return None
        inside = [m for m in self.mentions if m.start < span.end_char and span.start_char < m.end]
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
            last = _last_before(self.groups, span.start_char)
            return last.text if last else None
        return None

    def _full_name(self, m: Mention) -> str:
        # "Qassem" after "Naim Qassem": the longest earlier name that ends with the same word.
        last = m.text.split()[-1]
        full = [p.text for p in self.people if p.start <= m.start and p.text.split()[-1] == last]
        return max(full, key=len) if full else m.text


def _start(a: Actor) -> int:
    return a.start or 0


def _last_before(mentions: list[Mention], at: int) -> Mention | None:
    i = bisect.bisect_left([m.start for m in mentions], at)
    return mentions[i - 1] if i > 0 else None


@register_stage("quotes", adds="quotes", needs=("entities",))
def quotes_stage(nlp: Language) -> StageFn:
    lexicon = load_lexicon()

    def run(ctx: Context) -> Iterator[Quote]:
        actors = ctx.layers.get("actors")
        return extract_quotes(ctx.doc, ctx.layers.get("entities", ()), actors if actors else None, lexicon)

    return run
