"""Split a raw news-site text dump into articles: headline, deduplicated photo captions, body paragraphs.

Page furniture (share counters, "Advertisement", bylines, timestamps, breadcrumbs) is dropped; body text is never.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from ..records import Caption

__all__ = ["DumpArticle", "split_dump"]


@dataclass(frozen=True)
class DumpArticle:
    """One article found in a dump. ``paragraphs`` are the body lines exactly as they stood, in order."""

    title: str | None
    captions: tuple[Caption, ...]
    paragraphs: tuple[str, ...]
    published: str | None = None
    published_from: str | None = None  # "timestamp" (a "Published ..." line) or "dateline" (opening the body)


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# How far (in non-blank lines) a repetition still counts: a headline is reprinted after its photo block, which on
# the sites we have seen is at most a handful of lines.
_WINDOW = 12
# Lines of up to this many words without closing punctuation are labels, counters or buttons, not prose.
_SHORT_WORDS = 3
_MAX_HEADLINE_WORDS = 30
# A line ending in a full stop is read as a headline only when this short (body sentences are longer).
_MAX_DOTTED_WORDS = 16

# Closing quotes and brackets that may follow the full stop of a sentence.
_CLOSERS = "\"'”’»)]"
_TERMINAL = ".!?…:;؟。"

# "(Getty Images)", "[Reuters]": a bracketed credit closing the line.
_BRACKET_CREDIT = re.compile(r"^(?P<text>.*?\S)\s*(?:\((?P<p>[^()]{1,100})\)|\[(?P<b>[^\[\]]{1,100})\])\s*$")
# "... Photograph: Jane Roe/Reuters" or "... | Photo credit: AP": a labelled credit closing the line.
_CREDIT_LABEL = re.compile(
    r"(?i)(?<=[\s|•·])(?:photograph|photo|photos|picture|image|photo credit|image credit|credit)\s*:\s*(?=\S)"
)
# BBC-style pairs: "Image source, Reuters" then "Image caption, ...".
_IMAGE_SOURCE = re.compile(r"(?i)^(?:image|media|photo)\s+(?:source|credit)\s*[,:]\s*(?P<credit>.+)$")
_IMAGE_CAPTION = re.compile(r"(?i)^(?:image|media|photo)\s+caption\s*[,:]\s*(?P<text>.+)$")
_IMAGE_LABEL = re.compile(r"(?i)^(?:image|media|photo)\s+(?:source|credit|caption)\s*[,:]")


def _furniture() -> dict[str, Any]:
    return tomllib.loads((resources.files("eventwire") / "data" / "dump" / "furniture.toml").read_text(encoding="utf-8"))


def _alternatives(phrases: list[str]) -> str:
    """A regex alternation of literal phrases, longest first, any run of spaces between words."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in ordered)


_FURNITURE = _furniture()
_CREDIT_WORDS = re.compile(rf"(?i)(?:\b(?:{_alternatives(_FURNITURE['credit_words'])})\b|©)")
# Words that make up share bars, menus and buttons; a short line made only of these is never prose.
_UI_WORDS = _wordset(_FURNITURE["ui_words"])
# Labels that open a list of links or tags: what follows, up to the next prose, is navigation.
_LIST_INTRO = re.compile(
    rf"(?i)^(?:{_alternatives(_FURNITURE['list_intros'])}|more from [\w'’ ]{{1,30}})\s*[:|»›>-]?\s*$"
)
# A navigation label followed by its link or list: "Read more: ...", "Tags: Libya, Russia".
_UI_PREFIX = re.compile(rf"(?i)^(?:{_alternatives(_FURNITURE['ui_prefixes'])})\s*(?::|\||»|›)")
_COUNTER = re.compile(
    r"(?i)^(?:[\d.,\s]+[km]?\s*(?:shares?|comments?|views?|likes?|reactions?|replies|reads?|min(?:ute)?s?(?: read)?)?"
    r"|(?:comments?|shares?|views?|likes?)\s*[(\[]?\s*[\d.,]+[km]?\s*[)\]]?|\d+\s*/\s*\d+)$"
)
_STRAIGHT_QUOTES = str.maketrans("“”„‟«»‘’‚‛`´", "\"\"\"\"\"\"''''''")
_STAMP_SEP = re.compile(r"\s*[,|:/–—]\s*|\s+-\s+")
_RULE = re.compile(r"^[-=*_~#•·—–]{3,}$")
_COPYRIGHT = re.compile(r"(?i)^(?:©|\(c\)\s|copyright\b)|\ball rights reserved\b")
_BYLINE = re.compile(rf"^(?i:{_alternatives(_FURNITURE['byline_openers'])})\s*:?\s+[\w'’.-]+(?:\s+\S+){{0,7}}$")
_CHROME = re.compile(rf"(?i)(?<!\w)(?:{_alternatives(_FURNITURE['chrome_phrases'])})(?!\w)")
_OPENING_QUOTES = "\"'“‘«„"
# "Jane Roe | The Example Herald": short capitalised segments between bars, no sentence among them.
_BAR = re.compile(r"\s+[|•·]\s+")
_BREADCRUMB_SEP = re.compile(r"\s+(?:>|›|»|\||/|•)\s+")

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_DATE_PATTERNS = (
    re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<mon>\d{1,2})-(?P<day>\d{1,2})(?!\d)"),
    re.compile(rf"(?i)\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b"),
    re.compile(rf"(?i)\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b"),
    re.compile(r"\b(?P<year>(?:19|20)\d{2})[/.](?P<mon>\d{1,2})[/.](?P<day>\d{1,2})\b"),
    re.compile(r"\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<year>(?:19|20)\d{2})\b"),
)
_MONTH_ANY = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY_ANY = r"\d{1,2}(?:st|nd|rd|th)?"
_ANY_DATE = re.compile(
    rf"(?i)\b(?:{_MONTH_ANY}\s+{_DAY_ANY}|{_DAY_ANY}\s+(?:of\s+)?{_MONTH_ANY})(?:,?\s+(?:19|20)\d{{2}})?\b"
    r"|\b\d{4}-\d{1,2}-\d{1,2}(?!\d)|\b\d{1,4}[/.]\d{1,2}[/.]\d{2,4}\b"
)
_TIME = re.compile(r"(?i)\b\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?|\b\d{1,2}\s*[ap]\.?m\.?\b|T\d{2}:\d{2}\S*")
# Words of "Published 3 hours ago | Updated 10:42 GMT" lines besides dates and times.
_STAMP_WORDS = _wordset(_FURNITURE["stamp_words"])
_SMALL_WORDS = _wordset(
    "a an the and or but nor for of to in on at by from with as into over after before until amid against about via"
    " vs per up off out than is are be"
)
# "KYIV, March 3, 2026 (Reuters) -": a wire dateline opening the first paragraph.
_DATELINE = re.compile(r"^[A-Z][A-Za-z'’ .-]{1,40},\s+(?P<rest>.{6,40}?)(?:\s*\([^()]{1,30}\))?\s*[-–—:]")


@dataclass(frozen=True)
class _Line:
    """A non-blank line with what is known about it before any article is built."""

    text: str
    key: str
    blank_before: int
    repeated: bool
    sentence: bool
    ui: bool
    furniture: bool
    headline: bool
    dotted: bool  # shaped like a headline but for a closing full stop: a headline only on other evidence
    caption: Caption | None
    rule: bool


@dataclass
class _Draft:
    """The article being assembled. Mutable on purpose: it lives inside one call and appending stays linear."""

    title: str | None = None
    title_key: str | None = None
    title_repeated: bool = False
    captions: list[Caption] = field(default_factory=list)
    caption_keys: set[str] = field(default_factory=set)
    paragraphs: list[str] = field(default_factory=list)
    published: str | None = None
    published_from: str | None = None
    in_list: bool = False
    pending_credit: str | None = None

    @property
    def empty(self) -> bool:
        return self.title is None and not self.captions and not self.paragraphs


def split_dump(text: str) -> list[DumpArticle]:
    """Split a dump into articles. Body paragraphs come out verbatim and in order; furniture is dropped."""
    lines = _lines(text)
    if not lines:
        return []
    gap = _paragraph_gap(lines)
    articles: list[DumpArticle] = []
    draft = _Draft()
    last_content = -1  # index of the last line that was not furniture
    run_gap = 0  # widest run of blank lines since that line: wide gaps separate articles
    rule_seen = False
    for i, line in enumerate(lines):
        run_gap = max(run_gap, line.blank_before)
        # A drawn rule ("----", "***") between two stories is as good as a wide gap.
        eff_gap = max(run_gap, gap + 1) if rule_seen else run_gap
        rule_seen = rule_seen or line.rule
        start = _starts_article(lines, i, draft, gap, eff_gap, last_content)
        if start == "new":
            # A date line above the first headline belongs to the article it heads.
            carried = draft.published if draft.empty else None
            if not draft.empty:
                articles.append(_finish(draft))
            draft = _Draft(title=line.text, title_key=line.key, title_repeated=line.repeated, published=carried)
        elif start == "retitle":
            # The earlier "title" was a kicker or site name; the reprinted line is the real headline.
            draft.title, draft.title_key, draft.title_repeated = line.text, line.key, True
        else:
            _absorb(draft, lines, i, gap)
            if line.furniture:
                continue
        last_content, run_gap, rule_seen = i, 0, False
    if not draft.empty:
        articles.append(_finish(draft))
    return _without_empty(articles)


def _lines(text: str) -> list[_Line]:
    """Non-blank lines, stripped, with the count of blank lines before each (the start counts as a wide gap)."""
    raw: list[tuple[str, str, int]] = []
    blanks = 1_000
    for part in re.split(r"\r\n|\r|\n", text.replace("\ufeff", "")):
        stripped = part.strip()
        if not stripped:
            blanks += 1
            continue
        raw.append((stripped, _key(stripped), blanks))
        blanks = 0
    repeated = _repeated([key for _, key, _ in raw])
    out: list[_Line] = []
    for (stripped, key, before), rep in zip(raw, repeated):
        ui = _is_ui(stripped)
        sentence = _is_sentence(stripped)
        caption = _credit(stripped, rep)
        out.append(
            _Line(
                text=stripped,
                key=key,
                blank_before=before,
                repeated=rep,
                sentence=sentence,
                ui=ui,
                furniture=ui or not sentence and len(_words(stripped)) <= _SHORT_WORDS,
                headline=caption is None and not ui and not _IMAGE_LABEL.match(stripped) and _headline_like(stripped),
                dotted=caption is None and not ui and not _IMAGE_LABEL.match(stripped) and _dotted_headline(stripped),
                caption=caption,
                rule=_RULE.match(stripped) is not None,
            )
        )
    return out


def _key(text: str) -> str:
    """What two prints of the same line share, whatever their quotes, case or spacing."""
    return " ".join(text.translate(_STRAIGHT_QUOTES).casefold().split())


def _repeated(keys: Sequence[str]) -> list[bool]:
    """Whether each line is printed again within the window: headlines and captions are, prose almost never."""
    last_seen: dict[str, int] = {}
    flags = [False] * len(keys)
    for i, key in enumerate(keys):
        j = last_seen.get(key)
        if j is not None and i - j <= _WINDOW:
            flags[i] = flags[j] = True
        last_seen[key] = i
    return flags


def _paragraph_gap(lines: Sequence[_Line]) -> int:
    """The usual number of blank lines between two prose paragraphs; a wider gap can separate articles."""
    counts: dict[int, int] = {}
    for prev, line in itertools.pairwise(lines):
        if prev.sentence and line.sentence and prev.key != line.key:
            counts[line.blank_before] = counts.get(line.blank_before, 0) + 1
    if not counts:
        return 1
    return min(counts, key=lambda g: (-counts[g], g))


def _words(text: str) -> list[str]:
    return text.split()


def _is_sentence(text: str) -> bool:
    """Ends like prose: a full stop, question or exclamation mark, colon, possibly inside closing quotes."""
    core = text.rstrip(_CLOSERS + " ")
    return bool(core) and core[-1] in _TERMINAL


def _has_letters(text: str) -> bool:
    return any(c.isalpha() for c in text)


def _is_ui(text: str) -> bool:
    """Page furniture whatever its length: buttons, counters, bylines, timestamps, breadcrumbs, copyright lines.

    Short unpunctuated lines (labels such as "TT" or "Middle East") are furniture too, unless read as a headline.
    """
    if not _has_letters(text) or _COUNTER.match(text) or _is_timestamp(text) or _UI_PREFIX.match(text):
        return True
    if _COPYRIGHT.search(text) or all(w[0] in "#@" for w in _words(text)):
        return True
    if text[0] in "([" and text[-1] in ")]" and _CREDIT_WORDS.search(text):
        # A credit standing alone on its line, parted from its caption.
        return True
    words = _words(text)
    if len(words) <= 30 and text[0] not in _OPENING_QUOTES and _CHROME.search(text):
        return True
    if _is_sentence(text) and not text.endswith(":"):
        # Prose is kept unless it is a bare button label such as "Read more."
        return len(words) <= 2 and _only_ui(words)
    if len(words) <= 10 and _only_ui(words):
        return True
    if _BYLINE.match(text) or _LIST_INTRO.match(text):
        return True
    parts = _BREADCRUMB_SEP.split(text)
    if len(parts) >= 3 and all(len(_words(p)) <= 3 for p in parts):
        return True
    return _bar_byline(text)


def _bar_byline(text: str) -> bool:
    named = _BAR.split(text)
    return len(named) == 2 and all(1 <= len(_words(p)) <= 3 and _capitalised(p) for p in named)


def _capitalised(text: str) -> bool:
    return all(w[0].isupper() or w.lower() in _SMALL_WORDS for w in _words(text) if w[0].isalpha())


def _only_ui(words: Sequence[str]) -> bool:
    tokens = (w.strip(".,:;!?|()[]{}<>«»\"'“”‘’-–—•·").lower() for w in words)
    return all(t in _UI_WORDS or t.replace(".", "").replace(",", "").isdigit() for t in tokens if t)


def _is_timestamp(text: str) -> bool:
    """A line that only states a date or time, maybe with a label or a place: "Updated 3 March 2026, 10:42 GMT"."""
    if len(_words(text)) > 12:
        return False
    found = _ANY_DATE.search(text) or _TIME.search(text) or re.search(r"(?i)\bago\b|\byesterday\b|\btoday\b", text)
    if not found:
        return False
    if not _leftover(text):
        return True
    # "Beirut, 3 March 2026" or "Sunday 6 July 2025 - 13:45 - Cairo": a place set off by punctuation, the rest a
    # full date or a time. Without the punctuation it could be a headline: "Kenya Votes on 12 May 2026".
    if _parse_date(text) is None and not _TIME.search(text):
        return False
    segments = [seg for seg in _STAMP_SEP.split(text) if seg.strip()]
    places = [seg for seg in segments if _leftover(seg)]
    return len(places) < len(segments) and all(_is_place_label(seg) for seg in places)


def _leftover(text: str) -> list[str]:
    """The words of a line that are not part of a date, a time or a timestamp label."""
    rest = _TIME.sub(" ", _ANY_DATE.sub(" ", text))
    words = [w for w in re.split(r"[^\w'’-]+", rest) if w and not w.isdigit()]
    return [w for w in words if w.lower() not in _STAMP_WORDS and w.lower().rstrip(".") not in _MONTHS]


def _is_place_label(segment: str) -> bool:
    words = _words(segment)
    return 1 <= len(words) <= 3 and all(w[0].isupper() and not any(c.isdigit() for c in w) for w in words)


def _parse_date(text: str) -> str | None:
    """The first full calendar date in the text as YYYY-MM-DD; day/month order must be unambiguous."""
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            groups = m.groupdict()
            year = int(groups["year"])
            if "a" in groups:
                a, b = int(groups["a"]), int(groups["b"])
                if a > 12 >= b:
                    day, month = a, b
                elif b > 12 >= a:
                    day, month = b, a
                else:
                    continue
            else:
                mon = groups["mon"]
                month = int(mon) if mon.isdigit() else _MONTHS[mon.lower()]
                day = int(groups["day"])
            try:
                return dt.date(year, month, day).isoformat()
            except ValueError:
                continue
    return None


def _credit(text: str, repeated: bool) -> Caption | None:
    """A caption when the line closes with a photo credit; credits without a telltale word need a reprint."""
    if text[-1] in ")]":
        m = _BRACKET_CREDIT.match(text)
        if m:
            credit = (m.group("p") or m.group("b") or "").strip()
            body = m.group("text")
            credit_like = _CREDIT_WORDS.search(credit) is not None or (
                repeated and len(_words(credit)) <= 6 and credit[:1].isupper() and not _is_sentence(credit)
            )
            if _has_letters(credit) and len(_words(credit)) <= 12 and credit_like and len(_words(body)) >= 3:
                return Caption(body.rstrip(" |•·-–—"), credit)
    if ":" in text:
        labels = list(_CREDIT_LABEL.finditer(text))
        if labels:
            at = labels[-1].start()
            body, credit = text[:at].rstrip(" |•·-–—"), text[at:].strip()
            if len(_words(body)) >= 3 and len(credit) <= 100 and ":" not in credit[labels[-1].end() - at :]:
                return Caption(body, credit)
    return None


_LIST_ITEM = re.compile(r"^\s*(?:[-–—•*·▪]|\d{1,2}[.)])\s")
# A sentence end inside the line: "?" or "!" after a word, or "." after a long lower-case word (so that "U.S. Envoy",
# "Gen. Haftar" and "Sept. 11" still read as headlines).
_INNER_SENTENCE_END = re.compile(r"[a-z]{2}[?!]\s+[A-Z]|[a-z]{4}\.\s+[A-Z]")


def _headline_like(text: str) -> bool:
    """Short, unpunctuated, capitalised: how a headline looks (a closing question or exclamation mark is allowed)."""
    words = _words(text)
    if not 2 <= len(words) <= _MAX_HEADLINE_WORDS:
        return False
    core = text.rstrip(_CLOSERS + " ")
    if not core or core[-1] in ".:;…,":
        return False
    if text[0] in "([{":
        # A parenthesised line is an aside or a reporting credit, never a headline.
        return False
    if _LIST_ITEM.match(text) or _INNER_SENTENCE_END.search(core):
        # A bulleted item, or two sentences on one line ("Who? He could."), is body text, never a headline.
        return False
    first = next((c for c in text if c.isalnum()), "")
    return bool(first) and not first.islower()


def _dotted_headline(text: str) -> bool:
    """A headline that ends in a full stop ("Rock star sued by ex-girlfriend.") has the shape of one otherwise."""
    core = text.rstrip(_CLOSERS + " ")
    if not core.endswith(".") or core.endswith(("..", "…")) or len(_words(text)) > _MAX_DOTTED_WORDS:
        return False
    return _headline_like(core[:-1] + text[len(core):])


def _title_case(text: str) -> bool:
    """Every word but the small ones capitalised, as in most English headlines and almost no sentence."""
    content = [w for w in _words(text) if w[0].isalpha() and w.lower() not in _SMALL_WORDS]
    return (
        len(content) >= 3
        and all(w[0].isupper() for w in content)
        and not text.isupper()  # shouted lines are subheads or lists, not headlines
        and text.count(",") < 2
        and ";" not in text
    )


def _next_content(lines: Sequence[_Line], i: int) -> int | None:
    for j in range(i + 1, min(len(lines), i + 1 + _WINDOW)):
        if not lines[j].furniture:
            return j
    return None


def _reprinted_soon(lines: Sequence[_Line], i: int) -> bool:
    """The same line comes back within the window with only captions, furniture or reprints in between."""
    for j in range(i + 1, min(len(lines), i + 1 + _WINDOW)):
        between = lines[j]
        if between.key == lines[i].key:
            return True
        if between.sentence and between.caption is None and not between.furniture and not between.repeated:
            # Prose that is not itself reprinted means the article body has begun.
            return False
    return False


def _starts_article(
    lines: Sequence[_Line], i: int, draft: _Draft, gap: int, eff_gap: int, last_content: int
) -> str | None:
    """Return "new" when line i is the headline of a new article, "retitle" when it replaces a kicker taken for one."""
    line = lines[i]
    if not (line.headline or line.dotted) or draft.title_key == line.key:
        return None
    short = len(_words(line.text)) <= _SHORT_WORDS
    # A short line ("Sudan talks resume") heads a story only when prose or a photo follows it at once; otherwise it
    # is a label such as "Middle East".
    after = _next_content(lines, i)
    opens_story = after is not None and (lines[after].caption is not None or lines[after].sentence)
    score = _headline_score(lines, i, draft, gap, eff_gap, last_content)
    if line.dotted:
        # A full stop makes a line read as prose: it heads an article only on strong evidence, and only when body
        # text follows (else the sentence would be lost as a title).
        if after is None:
            return None
        if draft.paragraphs and draft.in_list and not (after is not None and lines[after].sentence):
            return None
        if draft.paragraphs and not (_break_above(lines, i, gap, eff_gap, last_content) or _reprinted_soon(lines, i)):
            # Inside a run of prose, a short sentence followed by a stray byline is still body text.
            return None
        return "new" if not (draft.title and not draft.paragraphs) and score >= _HEADLINE_THRESHOLD else None
    if draft.empty:
        return None if short and not line.repeated and not opens_story else "new"
    if not draft.paragraphs:
        # A reprinted line after a once-printed "headline": either that was a kicker or site name and this is the
        # headline, or this is a caption printed twice without a credit. A real (Title Case) headline keeps its place.
        kicker = draft.title is None or _title_case(line.text) or not _title_case(draft.title)
        return "retitle" if kicker and not draft.title_repeated and _reprinted_soon(lines, i) else None
    if _reprinted_soon(lines, i):
        return "new"
    if eff_gap > gap and (opens_story or not short):
        return "new"
    if short:
        return None
    nxt = _next_content(lines, i)
    if nxt is not None and (lines[nxt].caption is not None or _IMAGE_SOURCE.match(lines[nxt].text)):
        return "new"
    if draft.in_list:
        # Items of a related-stories list are headline-shaped too; the next story's headline is followed by prose.
        return "new" if nxt is not None and lines[nxt].sentence and score >= _HEADLINE_THRESHOLD else None
    return "new" if score >= _HEADLINE_THRESHOLD else None


# Evidence for "this line is a headline", summed; a line needs _HEADLINE_THRESHOLD. Weights were set on the
# generated dumps of seed 1 (benchmarks/dump_corpus.py) and are reported on other seeds.
_HEADLINE_THRESHOLD = 3.5
_W_SHORT, _W_MEDIUM, _W_LONG = 1.0, 0.5, -1.0  # up to 12 words, up to 20, more
_W_OPEN_END, _W_FULL_STOP = 1.0, -1.0  # no closing punctuation (or ? !), a closing full stop
_W_TITLE_CASE = 1.5
_W_REPRINTED = 3.0  # printed again within the window, before the body
_W_TIGHT_FOLLOW = 3.0  # a byline, timestamp, caption or photo credit right below
_W_PROSE_FOLLOWS, _W_LONGER_PROSE_FOLLOWS, _W_NOTHING_FOLLOWS = 0.5, 1.0, -2.0
_W_WIDE_GAP = 2.5  # more blank lines above than between paragraphs, a drawn rule, or the start of the file
_W_FURNITURE_ABOVE = 1.0  # page furniture between the last prose and this line (the end of the previous page)


def _headline_score(
    lines: Sequence[_Line], i: int, draft: _Draft, gap: int, eff_gap: int, last_content: int
) -> float:
    """How much the line and what stands around it look like a headline: length, casing, closing punctuation,
    repetition, what follows and what comes before."""
    line = lines[i]
    n = len(_words(line.text))
    score = _W_SHORT if n <= 12 else _W_MEDIUM if n <= 20 else _W_LONG
    score += _W_FULL_STOP if line.dotted else _W_OPEN_END
    score += _W_TITLE_CASE if _title_case(line.text) else 0.0
    score += _W_REPRINTED if _reprinted_soon(lines, i) else 0.0
    score += _W_TIGHT_FOLLOW if _tight_follow(lines, i) else 0.0
    after = _next_content(lines, i)
    if after is None:
        score += _W_NOTHING_FOLLOWS
    elif lines[after].sentence and lines[after].caption is None:
        longer = len(_words(lines[after].text)) >= 2 * n
        score += _W_LONGER_PROSE_FOLLOWS if longer else _W_PROSE_FOLLOWS
    if eff_gap > gap or draft.empty and last_content < 0:
        score += _W_WIDE_GAP
    elif _break_above(lines, i, gap, eff_gap, last_content):
        score += _W_FURNITURE_ABOVE
    return score


def _break_above(lines: Sequence[_Line], i: int, gap: int, eff_gap: int, last_content: int) -> bool:
    """Something parts the line from the prose above: a wide gap, a rule, or page furniture."""
    return eff_gap > gap or (last_content < i - 1 and any(lines[j].furniture for j in range(last_content + 1, i)))


def _tight_follow(lines: Sequence[_Line], i: int) -> bool:
    """A byline, timestamp, caption or photo label just below the line (past share bars and counters at most)."""
    for j in range(i + 1, min(len(lines), i + 4)):
        nxt = lines[j]
        if nxt.caption is not None or _IMAGE_LABEL.match(nxt.text) or _BYLINE.match(nxt.text):
            return True
        if _is_timestamp(nxt.text) or _bar_byline(nxt.text):
            return True
        if not nxt.furniture:
            return False
    return False


def _absorb(draft: _Draft, lines: Sequence[_Line], i: int, gap: int) -> None:
    """Add line i to the draft as a caption or a paragraph, or let it go (furniture, reprints)."""
    line = lines[i]
    if line.key == draft.title_key:
        return
    if not draft.paragraphs and draft.title_key and line.key.startswith(draft.title_key) and not line.sentence:
        # The headline reprinted with the site's name after it: "Headline | Outlet".
        return
    source = _IMAGE_SOURCE.match(line.text)
    if source:
        draft.pending_credit = source.group("credit").strip()
        return
    labelled = _IMAGE_CAPTION.match(line.text)
    if labelled:
        _add_caption(draft, Caption(labelled.group("text").strip(), draft.pending_credit), line.key)
        return
    if line.furniture:
        if draft.published is None and len(_words(line.text)) <= 15:
            draft.published = _parse_date(line.text)
            draft.published_from = "timestamp" if draft.published else None
        if draft.paragraphs and _LIST_INTRO.match(line.text):
            draft.in_list = True
        return
    if line.caption is not None:
        _add_caption(draft, line.caption, line.key)
        return
    if line.key in draft.caption_keys:
        return
    if not draft.paragraphs and line.repeated:
        # Before the body starts, a line printed twice is a photo caption that came without a credit.
        _add_caption(draft, Caption(line.text, None), line.key)
        return
    if (
        draft.paragraphs
        and gap >= 1
        and line.blank_before == 0
        and draft.paragraphs[-1] == lines[i - 1].text == line.text
    ):
        # Two identical lines glued together inside a blank-line-separated body: an inline photo caption.
        _add_caption(draft, Caption(draft.paragraphs.pop(), None), line.key)
        return
    if draft.in_list and not line.sentence:
        return
    if not draft.paragraphs and draft.published is None:
        m = _DATELINE.match(line.text)
        draft.published = _parse_date(m.group("rest")) if m else None
        draft.published_from = "dateline" if draft.published else None
    draft.paragraphs.append(line.text)
    draft.in_list = False


def _add_caption(draft: _Draft, caption: Caption, key: str) -> None:
    ckey = _key(caption.text)
    if ckey not in draft.caption_keys and key not in draft.caption_keys:
        draft.captions.append(caption)
    draft.caption_keys.update((key, ckey))
    draft.pending_credit = None


def _finish(draft: _Draft) -> DumpArticle:
    return DumpArticle(draft.title, tuple(draft.captions), tuple(draft.paragraphs), draft.published,
                       draft.published_from)


def _without_empty(articles: list[DumpArticle]) -> list[DumpArticle]:
    """Drop headline-only leftovers (a related-links block read as an article); keep one if that is all there is."""
    kept = [a for a in articles if a.paragraphs or a.captions]
    return kept if kept else articles[:1]
