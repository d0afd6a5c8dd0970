"""Who said so: direct quotations (inside quotation marks) and reported speech, each with its cue and its speaker.

Reads the one spaCy parse of the body. The speaker comes from the actors layer when that stage ran; without it a
small recency-based coreference of our own resolves "he said" to the last named person and "the group said" to the
last organisation.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..records import Actor, Mention, Quote
from . import Context, StageFn, register_stage
from .quote_content import _content, _mostly_quoted
from .quote_lexicon import (
    _CUE_TAGS,
    _DASHES,
    _MARK_OR_BREAK,
    _NAME_COLON,
    _TITLE_SMALL,
    _WORDY,
    CLOSERS,
    DOUBLED,
    OPENERS,
    Lexicon,
    _Cover,
    _is_cue,
    load_lexicon,
)
from .quote_speakers import _Speakers, _subject

__all__ = ["CLOSERS", "DOUBLED", "OPENERS", "Lexicon", "Segment", "extract_quotes", "find_quoted", "load_lexicon",
           "quotes_stage"]


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of text between quotation marks; start/end exclude the marks, ``mark`` is where the opening one is."""

    start: int
    end: int
    paragraph: int
    # The paragraph ended with this quotation still open, so it goes on in the next paragraph.
    runs_on: bool
    # This segment reopens a quotation left open at the end of the previous paragraph.
    continues: bool
    mark: int = -1


def find_quoted(text: str) -> list[Segment]:
    """Every double-quoted stretch, paragraph by paragraph, with the news convention for quotes over paragraphs."""
    segments: list[Segment] = []
    left_open = False  # the previous paragraph ended inside a quotation
    opened: int | None = None
    inner = 0
    continues = False
    para, para_start = 0, 0
    for m in _MARK_OR_BREAK.finditer(text + "\n"):
        i, mark = m.start(), m.group()
        if mark == "\n":
            if text[para_start:i].strip():  # blank lines neither end nor continue a quotation
                if opened is not None:
                    segments.append(Segment(inner, i, para, True, continues, opened))
                left_open, opened = opened is not None, None
                para += 1
            para_start = i + 1
            continue
        ch = '"' if mark == DOUBLED else mark
        if opened is None:
            if ch in OPENERS:
                first = not text[para_start:i].strip()
                opened, inner, continues = i, m.end(), left_open and first
        elif ch in CLOSERS:
            segments.append(Segment(inner, i, para, False, continues, opened))
            opened = None
    return [s for s in segments if _WORDY.search(text, s.start, s.end)]


def extract_quotes(
    doc: Doc,
    entities: Sequence[Mention] = (),
    actors: Sequence[Actor] | None = None,
    lexicon: Lexicon | None = None,
    text: str | None = None,
) -> Iterator[Quote]:
    """Direct quotes first (each with the cue next to it, or the cue of the quote it continues), then reported speech.

    ``actors``, when given, are the actors layer: a speaker takes the identity of the actor its mention overlaps.
    ``text`` is ``doc.text`` when the caller has it at hand (spaCy rebuilds that string on every access).
    """
    lex = lexicon or load_lexicon()
    speakers = _Speakers(doc, entities, actors, lex)
    text = doc.text if text is None else text
    found = find_quoted(text)
    segments = [s for i, s in enumerate(found) if _is_quotation(doc, text, s, lex, found[i - 1] if i else None)]
    cues: list[Token | None] = [_direct_cue(doc, text, s, lex) for s in segments]
    cues = _share_cues(segments, cues)
    quoted = _Cover([(s.start, s.end) for s in segments])
    used: set[int] = set()
    spans: list[tuple[int, int]] = []
    for seg, cue in zip(segments, cues):
        start, end = _strip(text, seg.start, seg.end)
        spans.append((start, end))
        if cue is not None:
            used.add(cue.i)
        # A dash cue may share its token with the closing mark ("”―"): the cue is the dash alone.
        cue_text = cue.text.lstrip('”"»') if cue is not None else None
        lead = _lead_in(doc, text, seg, cue)
        yield Quote(
            text=text[start if lead is None else lead : end],
            start=start if lead is None else lead,
            end=end,
            kind="direct" if lead is None else "indirect",
            cue=cue_text,
            speaker=speakers.of_cue(cue, quoted) if cue is not None else None,
            cue_start=cue.idx + len(cue) - len(cue_text) if cue is not None and cue_text is not None else None,
            cue_end=cue.idx + len(cue) if cue is not None else None,
        )
    yield from _indirect(doc, text, lex, speakers, used, spans, found)


def _lead_in(doc: Doc, text: str, seg: Segment, cue: Token | None) -> int | None:
    """Where a partly quoted statement starts: `The plan is “a disaster,” Smith said` reports the whole clause, of
    which only the end is in the speaker's words. None for a quotation that is all the speaker's."""
    if cue is None or seg.continues or cue.idx < seg.end:
        return None
    before = text[: seg.mark].rstrip(" \t")
    if not before or before[-1] in ".?!:;,—–-\n" or before[-1] in OPENERS | CLOSERS:
        return None
    first = _tokens(doc, seg.mark, seg.mark + 1)
    if first is None:
        return None
    i = first.start - 1
    while i > 0 and doc[i - 1].tag_ not in (".", ":", "``", "''") and "\n" not in doc[i - 1].text:
        if doc[i - 1].text in OPENERS | CLOSERS:
            break
        i -= 1
    lead = doc[i].idx
    return lead if _WORDY.search(text, lead, seg.mark) else None


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in OPENERS or text.startswith(DOUBLED, start)):
        start += 2 if text.startswith(DOUBLED, start) else 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in CLOSERS or text[end - 1] in ",;:"):
        end -= 1
    while end - start > 1 and text.endswith(DOUBLED, start, end):
        end -= 2
        while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
            end -= 1
    return start, end


def _tokens(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="expand") if end > start else None



def _says_after_quote(tok: Token) -> bool:
    """A verb right after a quotation closed by a comma, with a name or pronoun as its subject, is how it was said
    whatever the verb ("“Well, let me put it this way,” he continued"; "... ,” Toomey fumed on Tuesday")."""
    return tok.tag_ in ("VBD", "VBZ") and any(c.dep_ == "nsubj" and c.pos_ in ("PROPN", "PRON") for c in tok.children)


def _is_quotation(doc: Doc, text: str, seg: Segment, lex: Lexicon, prev: Segment | None) -> bool:
    """A quotation rather than scare quotes or a title: it opens a sentence, follows a cue, or a cue follows it."""
    if seg.continues:
        return True
    before = text[: seg.mark].rstrip(" \t")
    para_start = not before or before.endswith("\n")
    if para_start or before[-1] in ".?!:":
        return True
    inner = text[seg.start : seg.end].rstrip()
    near = _tokens(doc, max(0, seg.mark - 40), seg.mark)
    if before[-1] == "," and near is not None and any(_is_cue(t, lex) for t in list(near)[-4:]):
        return True
    if before[-1] == "," and prev is not None and prev.paragraph == seg.paragraph and not prev.runs_on:
        # The second half of a quotation broken by its cue: `“...,” Tester said, referring to X, “you give ...”`.
        between = _tokens(doc, prev.end + 1, seg.mark)
        if between is not None and any(_is_cue(t, lex) for t in between) and all(t.tag_ != "." for t in between):
            return True
    # `... “a disaster,” Smith said`: a quoted clause closed by a comma and followed straight away by its cue.
    after = _tokens(doc, seg.end + 1, min(len(text), seg.end + 60)) if not seg.runs_on else None
    if not inner or inner[-1] not in ",?!" or after is None:
        return False
    if _is_title(inner):
        return False
    first = list(after)[:5]
    return any(_is_cue(t, lex) for t in first) or (inner[-1] == "," and any(_says_after_quote(t) for t in first[:4]))


def _is_title(inner: str) -> bool:
    """A short stretch of two words or more in which every word but the small ones is capitalised names a show, a
    book or a slogan ("Later on “This Week,” Smith said ..."), not what the cue after it reports."""
    words = re.findall(r"[^\W\d_][\w’'-]*", inner)
    # One word is an answer as often as a name: “No,” she said.
    if not 2 <= len(words) <= 6 or not words[0][0].isupper():
        return False
    return all(w[0].isupper() or w.lower() in _TITLE_SMALL for w in words)


def _direct_cue(doc: Doc, text: str, seg: Segment, lex: Lexicon) -> Token | None:
    """The cue of one quoted stretch: "X said:" right before it, else "..., X said" right after it."""
    before = text[: seg.mark].rstrip(" \t")
    if before and before[-1] in ":,":
        # Back to the start of the sentence that introduces the quote; the cue closest to the mark wins.
        first = _tokens(doc, seg.mark, seg.mark + 1)
        i = first.start - 1 if first is not None else -1
        while i >= 0 and doc[i].tag_ != "." and "\n" not in doc[i].text:
            if _is_cue(doc[i], lex) and not _inside_quote(text, doc[i].idx):
                return doc[i]
            i -= 1
    if seg.runs_on:
        return None
    # After the closing mark, to the end of that sentence or the next quotation: "..., said Smith", "..., Flynn, a
    # top Trump surrogate, said". The word limit leaves room for long appositions ("Smith, director of ...").
    after = _tokens(doc, seg.end, seg.end + 1)
    i = after.end if after is not None else len(doc)
    if after is not None and any(c in _DASHES for c in after.text) and i < len(doc) and doc[i].pos_ == "PROPN":
        return after[-1]  # the tokenizer glued mark and dash together: "”― Stephanie Egan"
    comma = text[: seg.end].rstrip().endswith(",")
    words = 0
    while i < len(doc) and words < 25:
        t = doc[i]
        if t.tag_ in (".", "``") or "\n" in t.text or t.text in OPENERS:
            break
        if _is_cue(t, lex) or (comma and words < 3 and _says_after_quote(t)):
            return None if _own_complement(t) else t
        if words == 0 and t.text in _DASHES:
            # "“...” ― Steve Quinlan": a dash and a name stand for "said".
            nxt = doc[i + 1] if i + 1 < len(doc) else None
            if nxt is not None and nxt.pos_ == "PROPN":
                return t
        if not t.is_punct and not t.is_space:
            words += 1
        i += 1
    return None


def _own_complement(cue: Token) -> bool:
    """A verb after a quotation that reports a clause of its own is not the quotation's cue: in `Smith said X is
    “a good man,” and said that Y`, the second "said" has Y. Only the plain cases count (a conjoined verb, or "that"
    right after it), as the parser often makes a clause deep in a speaker's apposition the cue's complement."""
    doc = cue.doc
    for c in cue.rights:
        if c.dep_ != "ccomp":
            continue
        if any(
            t.tag_ in (".", "``", "''") or "\n" in t.text or t.text in OPENERS
            for t in doc[cue.i + 1 : c.left_edge.i + 1]
        ):
            continue
        if cue.dep_ == "conj" or (c.left_edge.lower_ == "that" and c.left_edge.i == cue.i + 1):
            return True
    return False


def _inside_quote(text: str, at: int) -> bool:
    # Cheap test used only for candidate cues before a mark: an odd number of opening marks since the line start.
    line_start = text.rfind("\n", 0, at) + 1
    chunk = text[line_start:at]
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
    # The cued stretches of each block, and the first stretch of each paragraph: looked up, not rescanned per stretch.
    cued: dict[int, list[int]] = {}
    first: dict[int, int] = {}
    for j, seg in enumerate(segments):
        first.setdefault(seg.paragraph, j)
        if cues[j] is not None:
            cued.setdefault(block[j], []).append(j)
    for i, cue in enumerate(cues):
        if cue is not None:
            continue
        same = cued.get(block[i], [])
        if same:
            # Prefer the cue that came before; "“A.” “B,” he said" gives A the cue that follows.
            k = bisect.bisect_left(same, i)
            out[i] = cues[same[k - 1] if k else same[0]]
        elif i > 0 and segments[i - 1].paragraph == segments[i].paragraph - 1 and first[segments[i].paragraph] == i:
            out[i] = out[i - 1]
    return out





def _indirect(
    doc: Doc,
    text: str,
    lex: Lexicon,
    speakers: _Speakers,
    used: set[int],
    direct: list[tuple[int, int]],
    marked: Sequence[Segment] = (),
) -> Iterator[Quote]:
    """Reported speech: a cue verb with a complement clause ("said that ...", "warned ..."), "according to X", a
    stated aim ("vowed to ..."), verbs whose object is the position taken ("called for a ceasefire"), and headlines
    that give a name and what it said ("Smith: Talks will resume")."""
    starts = sorted(direct)
    direct_cover = _Cover(direct)
    marked_starts = [m.start for m in marked]
    for tok in doc:
        if tok.i in used or (tok.tag_ not in _CUE_TAGS and tok.lower_ != "in"):
            continue
        found = _content(tok, lex)
        if found is None:
            continue
        pieces, speaker, cue_end, subject_speaks = found
        spans = []
        for lo, hi in (_in_paragraph(doc, lo, hi, tok.i) for lo, hi in pieces):
            start, end = _strip(text, doc[lo].idx, doc[hi].idx + len(doc[hi]))
            while start < end and (text[start] in ".,;:—–-" or text[start].isspace()):
                start += 1
            if end - start >= 2:
                spans.append((start, end))
        # A cue inside a quotation is the speaker's own narration ("I told them that ..."): nested attribution is
        # left out, as it brings far more false quotes than true ones. That holds inside any quoted stretch, also
        # one not taken as a direct quote. A clause that is mostly a quotation already given as direct is not
        # repeated as indirect.
        if not spans or direct_cover.covers(tok.idx) or _quoted_at(tok.idx, marked_starts, marked):
            continue
        spans[-1] = (spans[-1][0], _close_quote(text, spans[-1][1], marked_starts, marked))
        spans = [(s, _with_closing_mark(text, s, e)) for s, e in spans]
        if _mostly_quoted(spans[0][0], spans[-1][1], starts):
            continue
        if speaker is None and subject_speaks:
            speaker = _subject(tok, lex, direct_cover)
        actor = speakers.of_token(speaker) if speaker is not None else None
        for start, end in spans:
            yield Quote(
                text=text[start:end],
                start=start,
                end=end,
                kind="indirect",
                cue=text[tok.idx : cue_end],
                speaker=actor,
                cue_start=tok.idx,
                cue_end=cue_end,
            )
    yield from _headlines(doc, text, speakers, starts)


def _with_closing_mark(text: str, start: int, end: int) -> int:
    """A content that opens a quotation it does not close ends after the closing mark: `called her “third-rate”`."""
    piece = text[start:end]
    open_curly = piece.count("“") > piece.count("”")
    open_straight = piece.count('"') % 2 == 1
    if end < len(text) and ((open_curly and text[end] == "”") or (open_straight and text[end] == '"')):
        return end + 1
    return end


def _in_paragraph(doc: Doc, lo: int, hi: int, cue: int) -> tuple[int, int]:
    """The part of a content's token range in the cue's paragraph: the parser runs sentences across a paragraph
    break ("...regardless of color.”\n\nObama's rise may have been more surprising, said several observers")."""
    for i in range(lo, hi + 1):
        if "\n" in doc[i].text:
            if i < cue:
                lo = i + 1
            else:
                return lo, i - 1
    return lo, hi


def _quoted_at(at: int, starts: list[int], marked: Sequence[Segment]) -> Segment | None:
    """The quoted stretch (any pair of quotation marks) that ``at`` lies in."""
    i = bisect.bisect_right(starts, at) - 1
    return marked[i] if i >= 0 and marked[i].start <= at < marked[i].end else None


def _close_quote(text: str, end: int, starts: list[int], marked: Sequence[Segment]) -> int:
    """A reported clause that ends inside a quotation ends where the quotation does: the parse stops at its first
    sentence in `said the plan "may work. But we need more time."`, the quotation runs on."""
    seg = _quoted_at(end - 1, starts, marked)
    if seg is None or seg.runs_on or end >= seg.end:
        return end
    return max(end, _strip(text, seg.start, seg.end)[1])


def _headlines(doc: Doc, text: str, speakers: _Speakers, direct: list[tuple[int, int]]) -> Iterator[Quote]:
    """`Marco Rubio: We will win Florida`: a paragraph that opens with a name and a colon gives what that name said.

    Headlines, tweets and transcripts write speech this way. The name is a short run of capitalised words that holds
    no verb; a label such as "Update:" or "Q:" is not a name, as it carries no proper noun of two letters or more.
    """
    cover = _Cover(direct)
    for m in _NAME_COLON.finditer(text):
        colon = m.end() - 1
        head = _tokens(doc, m.start(), colon)
        if (
            head is None
            or head.end > len(doc)
            or not any(t.tag_ in ("NNP", "NNPS") and len(t) > 1 for t in head)
            or any(t.pos_ in ("VERB", "AUX", "NUM") for t in head)
        ):
            continue
        line_end = text.find("\n", colon)
        start, end = _strip(text, colon + 1, len(text) if line_end < 0 else line_end)
        while end > start and text[end - 1] in ".":
            end -= 1
        if end - start < 2 or cover.covers(colon) or _mostly_quoted(start, end, direct):
            continue
        # The name is the last run of proper nouns: "EXCLUSIVE – Roger Stone" is Roger Stone.
        last = max(t.i for t in head if t.tag_ in ("NNP", "NNPS"))
        first = last
        while first > head.start and doc[first - 1].tag_ in ("NNP", "NNPS"):
            first -= 1
        name = doc[first : last + 1]
        speaker = speakers.of_token(doc[last], name)
        if speaker.name is not None and ":" in speaker.name:
            # The entity tagger ran the name on past the colon ("Omar Haddad: Smugglers"): the name is ours.
            speaker = dataclasses.replace(speaker, name=name.text)
        yield Quote(
            text=text[start:end],
            start=start,
            end=end,
            kind="indirect",
            cue=":",
            speaker=speaker,
            cue_start=colon,
            cue_end=colon + 1,
        )


@register_stage("quotes", adds="quotes", needs=("entities",))
def quotes_stage(nlp: Language) -> StageFn:
    lexicon = load_lexicon()

    def run(ctx: Context) -> Iterator[Quote]:
        actors = ctx.layers.get("actors")
        entities = ctx.layers.get("entities", ())
        return extract_quotes(ctx.doc, entities, actors if actors else None, lexicon, text=ctx.article.text)

    return run
