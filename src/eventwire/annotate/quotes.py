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
from functools import lru_cache
from importlib import resources

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..records import Actor, Mention, Quote
from . import Context, StageFn, register_stage

# Marks that open a quotation, and those that may close one. Straight quotes both open and close; a closing curly
# mark with nothing open is a stray and is ignored. Single quotes are left alone: they double as apostrophes and,
# inside double quotes, mark a quote within the quote.
OPENERS = frozenset('“"«„')
CLOSERS = frozenset('”"»“')
DOUBLED = "''"
_MARK_OR_BREAK = re.compile("''|[“\"«„”»\n]")
_WORDY = re.compile(r"\w")
# Penn verb tags: a cue verb is matched on its fine tag and lemma, so "says" the noun never counts.
_VERB_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ"})
# Tags a cue can carry: a verb ("according" in "according to" is a VBG), or a noun ("his claim that").
_CUE_TAGS = _VERB_TAGS | {"NN", "NNS"}
# Modifiers that belong to a speaker's noun phrase ("Hezbollah leader Naim Qassem", "the group", "a source").
_NP_LEFT = frozenset({"compound", "det", "amod", "poss", "nmod", "nummod", "quantmod"})
# Dependencies through which a cue inherits its speaker from the verb it hangs on: "..., adding that ...",
# "acknowledged X but asserted that ...", "went on to say", and through an adjective: "were more likely to say".
_CLIMB = frozenset({"advcl", "xcomp", "conj", "pcomp", "acomp"})
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
_GROUP_PRONOUNS = frozenset({"it", "they", "them"})
_RELATIVE = frozenset({"who", "that", "which"})
_DASHES = frozenset("―—–")
# Dashes that set off a closing gloss in running text: "... close by March — a decision that ...".
_GLOSS_DASHES = _DASHES | {"-", "--"}
# Verbs that report a question; "if" or "whether" opens what was asked.
_ASKING = frozenset({"ask", "wonder", "question", "inquire", "enquire"})
# Objects that stand for what was said without giving it: "said something that ...", "said much about ...".
_VAGUE = frozenset({"something", "nothing", "anything", "everything", "much", "little", "more", "less", "lot"})
# Small words a title leaves in lower case: "Meet the Press", "State of the Union".
_TITLE_SMALL = frozenset({"a", "an", "the", "of", "and", "in", "on", "for", "to", "at", "with"})
# Prepositions that carry on an object content: "criticised X for Y", "described X as Y", "accused X of Y".
_OBJECT_TAIL = frozenset({"for", "as", "of", "over", "about"})
# A paragraph that opens with a few capitalised words and a colon: "Marco Rubio: ...", "EXCLUSIVE – Roger Stone: ...".
_NAME_COLON = re.compile(r"(?m)^[ \t]*[A-Z][\w.’'\- –]{0,45}?:(?=[ \t]+\S)")
# Where a finding was published, read like "according to": "In the latest poll, the senator leads by ten points".
_FOUND_IN = frozenset({"poll", "survey"})
# Where someone spoke, when the verb after it is no cue: "In a letter to donors, the senator laid out her plan".
_SPOKEN_IN = frozenset({"statement", "interview", "letter", "tweet", "post", "speech", "email", "memo", "op-ed"})


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The word lists the stage reads, loaded once from data/quotes/."""

    cue_verbs: frozenset[str]
    org_nouns: frozenset[str]
    # Verbs whose direct object is the content, and (verb, preposition) pairs whose prepositional object is.
    object_cues: frozenset[str] = frozenset()
    prep_cues: frozenset[tuple[str, str]] = frozenset()
    # Nouns that report speech when a that-clause follows ("his claim that ...").
    cue_nouns: frozenset[str] = frozenset()
    # Verbs whose infinitive is the content ("vowed to ..."), and those of them whose subject joins it ("seems to").
    infinitive_cues: frozenset[str] = frozenset()
    raising_cues: frozenset[str] = frozenset()


def _read_list(name: str) -> frozenset[str]:
    text = resources.files("eventwire").joinpath("data", "quotes", name).read_text(encoding="utf-8")
    return frozenset(w.strip().lower() for w in text.splitlines() if w.strip() and not w.lstrip().startswith("#"))


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    objects = _read_list("object_cues.txt")
    infinitives = _read_list("infinitive_cues.txt")
    return Lexicon(
        cue_verbs=_read_list("cue_verbs.txt"),
        org_nouns=_read_list("speaker_nouns.txt"),
        object_cues=frozenset(w for w in objects if " " not in w),
        prep_cues=frozenset((w.split()[0], w.split()[1]) for w in objects if " " in w),
        cue_nouns=_read_list("cue_nouns.txt"),
        infinitive_cues=frozenset(w.split()[0] for w in infinitives),
        raising_cues=frozenset(w.split()[0] for w in infinitives if w.endswith("+subject")),
    )


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


def _is_cue(tok: Token, lex: Lexicon) -> bool:
    return tok.tag_ in _VERB_TAGS and tok.lemma_.lower() in lex.cue_verbs


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


class _Cover:
    """Stretches of the text (quotations): which of them hold an offset, by bisection rather than a scan of all, so
    that checking every cue of a long article against every quotation does not grow with their product."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self._starts = [s for s, _e in self.spans]
        self._reach: list[int] = []
        for _s, e in self.spans:
            self._reach.append(max(e, self._reach[-1]) if self._reach else e)

    def covers(self, at: int) -> bool:
        i = bisect.bisect_right(self._starts, at) - 1
        return i >= 0 and self._reach[i] > at

    def holding(self, at: int) -> list[tuple[int, int]]:
        """The stretches with start <= at < end."""
        out = []
        i = bisect.bisect_right(self._starts, at) - 1
        while i >= 0 and self._reach[i] > at:
            if self.spans[i][1] > at:
                out.append(self.spans[i])
            i -= 1
        return out


# A content: its token ranges (pieces of one content, as around "he said"), the speaker token when the cue names it,
# where the cue ends, and whether the cue's grammatical subject is the speaker.
Found = tuple[list[tuple[int, int]], Token | None, int, bool]


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


@register_stage("quotes", adds="quotes", needs=("entities",))
def quotes_stage(nlp: Language) -> StageFn:
    lexicon = load_lexicon()

    def run(ctx: Context) -> Iterator[Quote]:
        actors = ctx.layers.get("actors")
        entities = ctx.layers.get("entities", ())
        return extract_quotes(ctx.doc, entities, actors if actors else None, lexicon, text=ctx.article.text)

    return run
