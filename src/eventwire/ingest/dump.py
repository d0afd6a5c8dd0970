"""Split a raw news-site text dump into articles: headline, deduplicated photo captions, body paragraphs.

Page furniture (share counters, "Advertisement", bylines, timestamps, breadcrumbs) is dropped; body text is never.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..records import Caption

__all__ = ["DumpArticle", "split_dump"]


@dataclass(frozen=True)
class DumpArticle:
    """One article found in a dump. ``paragraphs`` are the body lines exactly as they stood, in order."""

    title: str | None
    captions: tuple[Caption, ...]
    paragraphs: tuple[str, ...]
    published: str | None = None


# How far (in non-blank lines) a repetition still counts: a headline is reprinted after its photo block, which on
# the sites we have seen is at most a handful of lines.
_WINDOW = 12
# Lines of up to this many words without closing punctuation are labels, counters or buttons, not prose.
_SHORT_WORDS = 3
_MAX_HEADLINE_WORDS = 30

# Closing quotes and brackets that may follow the full stop of a sentence.
_CLOSERS = "\"'”’»)]"
_TERMINAL = ".!?…:;؟。"

_CREDIT_WORDS = re.compile(
    r"(?i)(?:\b(?:photos?|photograph(?:er|s)?|pictures?|images?|getty|afp|reuters|ap|epa|efe|xinhua|anadolu|tass"
    r"|sputnik|bloomberg|handout|courtesy|credits?|file|pool|via|shutterstock|alamy|dpa|ansa|upi|screengrab"
    r"|screenshot|supplied)\b|©)"
)
# "(Getty Images)", "[Reuters]": a bracketed credit closing the line.
_BRACKET_CREDIT = re.compile(r"^(?P<text>.*?\S)\s*(?:\((?P<p>[^()]{1,100})\)|\[(?P<b>[^\[\]]{1,100})\])\s*$")
# "... Photograph: Jane Roe/Reuters" or "... | Photo credit: AP": a labelled credit closing the line.
_LABEL_CREDIT = re.compile(
    r"^(?P<text>.*?\S)\s*(?:[|•·]\s*)?"
    r"(?P<credit>(?i:photograph|photo|photos|picture|image|photo credit|image credit|credit)\s*:\s*\S[^:]{0,80})$"
)
# BBC-style pairs: "Image source, Reuters" then "Image caption, ...".
_IMAGE_SOURCE = re.compile(r"(?i)^(?:image|media|photo)\s+(?:source|credit)\s*[,:]\s*(?P<credit>.+)$")
_IMAGE_CAPTION = re.compile(r"(?i)^(?:image|media|photo)\s+caption\s*[,:]\s*(?P<text>.+)$")

# Words that make up share bars, menus and buttons; a short line made only of these is never prose.
_UI_WORDS = frozenset(
    """
    share shares sharing this article story on to via facebook twitter x whatsapp telegram email e-mail mail print
    linkedin reddit copy link links copied messenger pinterest comments comment view views show hide save saved
    bookmark tweet read more continue reading full advertisement advertising ad ads sponsored content related
    articles stories news latest trending now top most popular recommended you may might also like follow us
    subscribe subscribed sign up in newsletter newsletters log login register skip main back home menu search close
    next previous listen play pause watch live video videos audio gallery photos min mins minute minutes font size
    text a the and of for our here click tap expand enlarge report error opens new tab window more: see breaking
    updates update topics topic tags tag section sections like likes reply replies reactions print-friendly
    """.split()
)
# Labels that open a list of links or tags: what follows, up to the next prose, is navigation.
_LIST_INTRO = re.compile(
    r"(?i)^(?:related(?:\s+(?:articles|stories|news|topics|content|coverage))?|more on this(?:\s+story)?|more from [\w'’ ]{1,30}"
    r"|most (?:read|popular|viewed)|trending(?: now)?|top stories|latest(?: news| stories)?|recommended(?: for you)?"
    r"|you (?:may|might) also like|editor'?s picks|more stories|read more|also read|read also|see also"
    r"|tags?|topics?|filed under|keywords)\s*[:|»›>-]?\s*$"
)
# A navigation label followed by its link or list: "Read more: ...", "Tags: Libya, Russia".
_UI_PREFIX = re.compile(
    r"(?i)^(?:read more|read also|also read|see also|related|more|watch|listen|tags?|topics?|filed under|keywords"
    r"|categor(?:y|ies)|share(?: on)?|follow us(?: on)?|subscribe|advertisement"
    r"|published|updated|posted|last updated|photo|photos|image|images|video)\s*(?::|\||»|›)"
)
_COUNTER = re.compile(
    r"(?i)^(?:[\d.,\s]+[km]?\s*(?:shares?|comments?|views?|likes?|reactions?|replies|reads?|min(?:ute)?s?(?: read)?)?"
    r"|(?:comments?|shares?|views?|likes?)\s*[(\[]?\s*[\d.,]+[km]?\s*[)\]]?|\d+\s*/\s*\d+)$"
)
_BYLINE = re.compile(r"^(?i:by)\s+[\w'’.-]+(?:\s+\S+){0,7}$")
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
    re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<mon>\d{1,2})-(?P<day>\d{1,2})\b"),
    re.compile(rf"(?i)\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b"),
    re.compile(rf"(?i)\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b"),
    re.compile(r"\b(?P<year>(?:19|20)\d{2})[/.](?P<mon>\d{1,2})[/.](?P<day>\d{1,2})\b"),
    re.compile(r"\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<year>(?:19|20)\d{2})\b"),
)
_MONTH_ANY = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY_ANY = r"\d{1,2}(?:st|nd|rd|th)?"
_ANY_DATE = re.compile(
    rf"(?i)\b(?:{_MONTH_ANY}\s+{_DAY_ANY}|{_DAY_ANY}\s+(?:of\s+)?{_MONTH_ANY})(?:,?\s+(?:19|20)\d{{2}})?\b"
    r"|\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,4}[/.]\d{1,2}[/.]\d{2,4}\b"
)
_TIME = re.compile(r"(?i)\b\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?|\b\d{1,2}\s*[ap]\.?m\.?\b|T\d{2}:\d{2}\S*")
_STAMP_WORDS = frozenset(
    """
    published updated posted last modified on at date time gmt utc bst cet cest est edt pst pdt ist ast eet eest
    msk z ago hour hours hr hrs minute minutes min mins second seconds day days week weeks month months year years
    yesterday today just now a an first local am pm
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
    """.split()
)
# "KYIV, March 3, 2026 (Reuters) -": a wire dateline opening the first paragraph.
_DATELINE = re.compile(r"^[A-Z][A-Za-z'’ .-]{1,40},\s+(?P<rest>.{6,40}?)(?:\s*\([^()]{1,30}\))?\s*[-–—:]")


@dataclass(frozen=True)
class _Line:
    text: str
    key: str
    blank_before: int


@dataclass(frozen=True)
class _Builder:
    """The article being assembled; rebuilt at each step so the splitter stays a chain of pure steps."""

    title: str | None = None
    title_key: str | None = None
    title_repeated: bool = False
    captions: tuple[Caption, ...] = ()
    caption_keys: frozenset[str] = frozenset()
    paragraphs: tuple[str, ...] = ()
    published: str | None = None
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
    repeated = _repeated(lines)
    gap = _paragraph_gap(lines)
    articles: list[DumpArticle] = []
    current = _Builder()
    last_content = -1  # index of the last line that was not furniture, for the gap before an article
    for i, line in enumerate(lines):
        furniture = _is_furniture(line.text)
        eff_gap = max((lines[j].blank_before for j in range(last_content + 1, i + 1)), default=line.blank_before)
        start = _starts_article(lines, i, current, repeated, gap, eff_gap, last_content)
        if start == "new":
            if not current.empty:
                articles.append(_finish(current))
            current = _Builder(title=line.text, title_key=line.key, title_repeated=repeated[i])
            last_content = i
            continue
        if start == "retitle":
            # The earlier "title" was a kicker or site name; the reprinted line is the real headline.
            current = _replace(current, title=line.text, title_key=line.key, title_repeated=True)
            last_content = i
            continue
        current = _absorb(current, lines, i, repeated, furniture, gap)
        if not furniture:
            last_content = i
    if not current.empty:
        articles.append(_finish(current))
    return _without_empty(articles)


def _lines(text: str) -> list[_Line]:
    """Non-blank lines, stripped, with the count of blank lines before each (the start counts as a wide gap)."""
    text = text.replace("\ufeff", "")
    out: list[_Line] = []
    blanks = 1_000
    for raw in re.split(r"\r\n|\r|\n", text):
        stripped = raw.strip()
        if not stripped:
            blanks += 1
            continue
        out.append(_Line(stripped, _key(stripped), blanks))
        blanks = 0
    return out


def _key(text: str) -> str:
    """What two prints of the same line share, whatever their quotes, case or spacing."""
    text = text.translate(str.maketrans("“”„‟«»‘’‚‛`´", "\"\"\"\"\"\"''''''"))
    return " ".join(text.casefold().split())


def _repeated(lines: Sequence[_Line]) -> list[bool]:
    """Whether each line is printed again within the window: headlines and captions are, prose almost never."""
    last_seen: dict[str, int] = {}
    flags = [False] * len(lines)
    for i, line in enumerate(lines):
        j = last_seen.get(line.key)
        if j is not None and i - j <= _WINDOW:
            flags[i] = flags[j] = True
        last_seen[line.key] = i
    return flags


def _paragraph_gap(lines: Sequence[_Line]) -> int:
    """The usual number of blank lines between two prose paragraphs; a wider gap can separate articles."""
    counts: dict[int, int] = {}
    for prev, line in zip(lines, lines[1:]):
        if _is_sentence(prev.text) and _is_sentence(line.text) and prev.key != line.key:
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


def _is_furniture(text: str) -> bool:
    """Page furniture judged from the line alone: buttons, counters, bylines, timestamps, breadcrumbs, labels."""
    if not _has_letters(text) or _COUNTER.match(text) or _is_timestamp(text) or _UI_PREFIX.match(text):
        return True
    tokens = [t.strip(".,:;!?|()[]{}<>«»\"'“”‘’-–—•·").lower() for t in _words(text)]
    tokens = [t for t in tokens if t]
    only_ui = all(t in _UI_WORDS or t.replace(".", "").replace(",", "").isdigit() for t in tokens)
    if _is_sentence(text) and not text.endswith(":"):
        # Prose is kept unless it is a bare button label such as "Read more."
        return len(tokens) <= 2 and only_ui
    if len(tokens) <= 10 and only_ui:
        return True
    if _BYLINE.match(text) or _LIST_INTRO.match(text) or len(_words(text)) <= _SHORT_WORDS:
        return True
    parts = _BREADCRUMB_SEP.split(text)
    return len(parts) >= 3 and all(len(_words(p)) <= 3 for p in parts)


def _is_timestamp(text: str) -> bool:
    """A line that only states a date or time, maybe with a label or a place: "Updated 3 March 2026, 10:42 GMT"."""
    if len(_words(text)) > 12:
        return False
    found = _ANY_DATE.search(text) or _TIME.search(text) or re.search(r"(?i)\bago\b|\byesterday\b|\btoday\b", text)
    if not found:
        return False
    rest = _TIME.sub(" ", _ANY_DATE.sub(" ", text))
    words = [w for w in re.split(r"[^\w'’-]+", rest) if w and not w.isdigit()]
    leftover = [w for w in words if w.lower() not in _STAMP_WORDS and w.lower().rstrip(".") not in _MONTHS]
    if not leftover:
        return True
    # "Beirut, 3 March 2026": a place, a comma, then the date and nothing else.
    head = text.split(",", 1)[0]
    return (
        "," in text
        and len(leftover) <= 3
        and all(w[0].isupper() for w in leftover)
        and all(w in head for w in leftover)
        and _parse_date(text) is not None
    )


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


def _credit(line: _Line, repeated: bool) -> Caption | None:
    """A caption when the line closes with a photo credit; credits without a telltale word need a reprint."""
    m = _BRACKET_CREDIT.match(line.text)
    if m:
        credit = (m.group("p") or m.group("b") or "").strip()
        body = m.group("text")
        credit_like = _CREDIT_WORDS.search(credit) is not None or (
            repeated and len(_words(credit)) <= 6 and credit[:1].isupper() and not _is_sentence(credit)
        )
        if credit and _has_letters(credit) and len(_words(credit)) <= 12 and credit_like and len(_words(body)) >= 3:
            return Caption(body.rstrip(" |•·-–—"), credit)
    m = _LABEL_CREDIT.match(line.text)
    if m and len(_words(m.group("text"))) >= 3:
        return Caption(m.group("text").rstrip(" |•·-–—"), m.group("credit").strip())
    return None


def _headline_like(text: str) -> bool:
    """Short, unpunctuated, capitalised: how a headline looks (a closing question or exclamation mark is allowed)."""
    words = _words(text)
    if not 2 <= len(words) <= _MAX_HEADLINE_WORDS or _is_furniture(text) and len(words) > _SHORT_WORDS:
        return False
    core = text.rstrip(_CLOSERS + " ")
    if not core or core[-1] in ".:;…,":
        return False
    first = next((c for c in text if c.isalnum()), "")
    return bool(first) and not first.islower()


def _title_case(text: str) -> bool:
    long_words = [w for w in _words(text) if len(w) >= 4 and w[0].isalpha()]
    return len(long_words) >= 3 and sum(w[0].isupper() for w in long_words) >= 0.7 * len(long_words)


def _next_content(lines: Sequence[_Line], i: int) -> int | None:
    for j in range(i + 1, len(lines)):
        if not _is_furniture(lines[j].text):
            return j
    return None


def _reprinted_soon(lines: Sequence[_Line], i: int) -> bool:
    """The same line comes back within the window with only captions, furniture or reprints in between."""
    for j in range(i + 1, min(len(lines), i + 1 + _WINDOW)):
        if lines[j].key == lines[i].key:
            return True
        between = lines[j]
        if _is_sentence(between.text) and not _credit(between, False) and not _is_furniture(between.text):
            # Prose that is not itself reprinted nearby means the article body has begun.
            if not any(other.key == between.key for other in lines[j + 1 : j + 1 + _WINDOW]):
                return False
    return False


def _starts_article(
    lines: Sequence[_Line],
    i: int,
    current: _Builder,
    repeated: Sequence[bool],
    gap: int,
    eff_gap: int,
    last_content: int,
) -> str | None:
    """"new" when line i is the headline of a new article, "retitle" when it replaces a kicker taken for one."""
    line = lines[i]
    if not _headline_like(line.text) or _credit(line, repeated[i]) is not None:
        return None
    words = len(_words(line.text))
    short = words <= _SHORT_WORDS
    if current.title_key == line.key:
        return None
    if current.empty:
        if short and not repeated[i]:
            return None
        return "new"
    if not current.paragraphs:
        if not current.title_repeated and _reprinted_soon(lines, i):
            return "retitle"
        return None
    if _reprinted_soon(lines, i):
        return "new"
    if short:
        return None
    if eff_gap > gap:
        return "new"
    nxt = _next_content(lines, i)
    if nxt is not None and (_credit(lines[nxt], repeated[nxt]) is not None or _IMAGE_SOURCE.match(lines[nxt].text)):
        return "new"
    if current.in_list:
        return None
    prev = lines[last_content].text if last_content >= 0 else ""
    if _title_case(line.text) and _is_sentence(prev) and nxt is not None and _is_sentence(lines[nxt].text):
        return "new"
    return None


def _replace(b: _Builder, **changes: object) -> _Builder:
    fields = {name: getattr(b, name) for name in _Builder.__dataclass_fields__}
    fields.update(changes)
    return _Builder(**fields)  # type: ignore[arg-type]


def _absorb(b: _Builder, lines: Sequence[_Line], i: int, repeated: Sequence[bool], furniture: bool, gap: int) -> _Builder:
    """Add line i to the article being built, as caption, paragraph, or nothing (furniture, reprints)."""
    line = lines[i]
    if line.key == b.title_key:
        return b
    source = _IMAGE_SOURCE.match(line.text)
    if source:
        return _replace(b, pending_credit=source.group("credit").strip())
    labelled = _IMAGE_CAPTION.match(line.text)
    if labelled:
        return _add_caption(b, Caption(labelled.group("text").strip(), b.pending_credit), line.key)
    if furniture:
        stamp = _parse_date(line.text) if len(_words(line.text)) <= 15 else None
        return _replace(
            b,
            published=b.published or stamp,
            in_list=b.in_list or bool(b.paragraphs and _LIST_INTRO.match(line.text)),
        )
    caption = _credit(line, repeated[i])
    if caption is not None:
        return _add_caption(b, caption, line.key)
    if line.key in b.caption_keys:
        return b
    if not b.paragraphs and repeated[i] and (_is_sentence(line.text) or len(_words(line.text)) > _SHORT_WORDS):
        # Before the body starts, a line printed twice is a photo caption that came without a credit.
        return _add_caption(b, Caption(line.text, None), line.key)
    if b.paragraphs and gap >= 1 and line.blank_before == 0 and b.paragraphs[-1] == lines[i - 1].text == line.text:
        # Two identical lines glued together inside a blank-line-separated body: an inline photo caption.
        prior = b.paragraphs[-1]
        return _add_caption(_replace(b, paragraphs=b.paragraphs[:-1]), Caption(prior, None), line.key)
    if b.in_list and not _is_sentence(line.text):
        return b
    published = b.published
    if not b.paragraphs and published is None:
        m = _DATELINE.match(line.text)
        published = _parse_date(m.group("rest")) if m else None
    return _replace(b, paragraphs=b.paragraphs + (line.text,), published=published, in_list=False)


def _add_caption(b: _Builder, caption: Caption, key: str) -> _Builder:
    ckey = _key(caption.text)
    if ckey in b.caption_keys or key in b.caption_keys:
        return _replace(b, caption_keys=b.caption_keys | {key}, pending_credit=None)
    return _replace(
        b, captions=b.captions + (caption,), caption_keys=b.caption_keys | {key, ckey}, pending_credit=None
    )


def _finish(b: _Builder) -> DumpArticle:
    return DumpArticle(title=b.title, captions=b.captions, paragraphs=b.paragraphs, published=b.published)


def _without_empty(articles: list[DumpArticle]) -> list[DumpArticle]:
    """Drop headline-only leftovers (a related-links block read as an article); keep one if that is all there is."""
    kept = [a for a in articles if a.paragraphs or a.captions]
    return kept if kept else articles[:1]
