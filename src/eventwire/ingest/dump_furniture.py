"""Furniture matching for raw dumps: share bars, counters, bylines, chrome, breadcrumbs, photo credits.

The words and phrases come from the catalogue (data/dump); the patterns around them stay here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..records import Caption
from .dump_catalogue import CATALOGUE, SMALL_WORDS, alternatives, words_of, wordset
from .dump_dates import STAMP_WORDS, is_timestamp

__all__ = [
    "BYLINE",
    "CLOSERS",
    "DATELINE",
    "IMAGE_CAPTION",
    "IMAGE_LABEL",
    "IMAGE_SOURCE",
    "LIST_INTRO",
    "RULE",
    "STRAIGHT_QUOTES",
    "bar_byline",
    "has_letters",
    "is_sentence",
    "is_ui",
    "photo_credit",
]

# Closing quotes and brackets that may follow the full stop of a sentence.
CLOSERS = "\"'”’»)]"
_TERMINAL = ".!?…:;؟。"

# "(Getty Images)", "[Reuters]": a bracketed credit closing the line.
_BRACKET_CREDIT = re.compile(r"^(?P<text>.*?\S)\s*(?:\((?P<p>[^()]{1,100})\)|\[(?P<b>[^\[\]]{1,100})\])\s*$")
# "... Photograph: Jane Roe/Reuters" or "... | Photo credit: AP": a labelled credit closing the line.
_CREDIT_LABEL = re.compile(
    r"(?i)(?<=[\s|•·])(?:photograph|photo|photos|picture|image|photo credit|image credit|credit)\s*:\s*(?=\S)"
)
# BBC-style pairs: "Image source, Reuters" then "Image caption, ...".
IMAGE_SOURCE = re.compile(r"(?i)^(?:image|media|photo)\s+(?:source|credit)\s*[,:]\s*(?P<credit>.+)$")
IMAGE_CAPTION = re.compile(r"(?i)^(?:image|media|photo)\s+caption\s*[,:]\s*(?P<text>.+)$")
IMAGE_LABEL = re.compile(r"(?i)^(?:image|media|photo)\s+(?:source|credit|caption)\s*[,:]")

_CREDIT_WORDS = re.compile(rf"(?i)(?:\b(?:{alternatives(CATALOGUE['credit_words'])})\b|©)")
# Words that make up share bars, menus and buttons; a short line made only of these is never prose.
_UI_WORDS = wordset(CATALOGUE["ui_words"])
# Labels that open a list of links or tags: what follows, up to the next prose, is navigation.
LIST_INTRO = re.compile(rf"(?i)^(?:{alternatives(CATALOGUE['list_intros'])}|more from [\w'’ ]{{1,30}})\s*[:|»›>-]?\s*$")
# A navigation label followed by its link or list: "Read more: ...", "Tags: Libya, Russia".
_UI_PREFIX = re.compile(rf"(?i)^(?:{alternatives(CATALOGUE['ui_prefixes'])})\s*(?::|\||»|›)")
_COUNTER = re.compile(
    r"(?i)^(?:[\d.,\s]+[km]?\s*(?:shares?|comments?|views?|likes?|reactions?|replies|reads?|min(?:ute)?s?(?: read)?)?"
    r"|(?:comments?|shares?|views?|likes?)\s*[(\[]?\s*[\d.,]+[km]?\s*[)\]]?|\d+\s*/\s*\d+)$"
)
_FIGURE_SENTENCE = re.compile(r"^\d[\d,]*\d\.$")
STRAIGHT_QUOTES = str.maketrans("“”„‟«»‘’‚‛`´", "\"\"\"\"\"\"''''''")
# A drawn rule, its marks set close ("-----") or spaced ("* * *").
RULE = re.compile(r"^[-=*_~#•·—–](?:\s*[-=*_~#•·—–]){2,}$")
_COPYRIGHT = re.compile(r"(?i)^(?:©|\(c\)\s|copyright\b)|\ball rights reserved\b")
BYLINE = re.compile(rf"^(?i:{alternatives(CATALOGUE['byline_openers'])})\s*:?\s+[\w'’.-]+(?:\s+\S+){{0,7}}$")
_CHROME = re.compile(rf"(?i)(?<!\w)(?:{alternatives(CATALOGUE['chrome_phrases'])})(?!\w)")
_OPENING_QUOTES = "\"'“‘«„"
# "Jane Roe | The Example Herald": short capitalised segments between bars, no sentence among them.
_BAR = re.compile(r"\s+[|•·]\s+")
_NOT_IN_NAMES = re.compile(r"[?!]")
_BREADCRUMB_SEP = re.compile(r"\s+(?:>|›|»|\||/|•)\s+")
# "KYIV, March 3, 2026 (Reuters) -": a wire dateline opening the first paragraph.
DATELINE = re.compile(r"^[A-Z][A-Za-z'’ .-]{1,40},\s+(?P<rest>.{6,40}?)(?:\s*\([^()]{1,30}\))?\s*[-–—:]")


def is_sentence(text: str) -> bool:
    """Ends like prose: a full stop, question or exclamation mark, colon, possibly inside closing quotes."""
    core = text.rstrip(CLOSERS + " ")
    return bool(core) and core[-1] in _TERMINAL


def has_letters(text: str) -> bool:
    return any(c.isalpha() for c in text)


def is_ui(text: str) -> bool:
    """Page furniture whatever its length: buttons, counters, bylines, timestamps, breadcrumbs, copyright lines.

    Short unpunctuated lines (labels such as "TT" or "Middle East") are furniture too, unless read as a headline.
    """
    if _FIGURE_SENTENCE.match(text):
        return False  # "43,856.": a figure closing with a full stop ends a sentence; counters carry no full stop
    if not has_letters(text) or _COUNTER.match(text) or is_timestamp(text) or _UI_PREFIX.match(text):
        return True
    if _COPYRIGHT.search(text) or all(w[0] in "#@" for w in words_of(text)):
        return True
    if text[0] in "([" and text[-1] in ")]" and _CREDIT_WORDS.search(text):
        # A credit standing alone on its line, parted from its caption.
        return True
    words = words_of(text)
    if len(words) <= 4 and _only_credit(text):
        return True  # an unbracketed credit alone on its line: "REUTERS PHOTO", "AFP/Getty Images"
    if len(words) <= 30 and text[0] not in _OPENING_QUOTES and _CHROME.search(text):
        return True
    if is_sentence(text) and not text.endswith(":"):
        # Prose is kept unless it is a bare button label such as "Read more."
        return len(words) <= 2 and _only_ui(words)
    if len(words) <= 10 and _only_ui(words):
        return True
    if BYLINE.match(text) or LIST_INTRO.match(text):
        return True
    parts = _BREADCRUMB_SEP.split(text)
    if len(parts) >= 3 and all(len(words_of(p)) <= 3 for p in parts):
        return True
    return bar_byline(text)


def bar_byline(text: str) -> bool:
    named = _BAR.split(text)
    # Names of people and outlets hold no question or exclamation marks: "Wasps 31-37 Leicester? | The Evening
    # Compass" is a headline reprinted with its outlet.
    return len(named) == 2 and all(
        1 <= len(words_of(p)) <= 3 and _capitalised(p) and not _NOT_IN_NAMES.search(p) for p in named
    )


def _capitalised(text: str) -> bool:
    return all(w[0].isupper() or w.lower() in SMALL_WORDS for w in words_of(text) if w[0].isalpha())


def _only_ui(words: Sequence[str]) -> bool:
    tokens = (w.strip(".,:;!?|()[]{}<>«»\"'“”‘’-–—•·").lower() for w in words)
    return all(t in _UI_WORDS or t.replace(".", "").replace(",", "").isdigit() for t in tokens if t)


_CREDIT_WORD = rf"(?:{alternatives(CATALOGUE['credit_words'])})"
_ONLY_CREDIT = re.compile(rf"(?i)^[(\[]?{_CREDIT_WORD}(?:[\s/,|:]+{_CREDIT_WORD})*[.:;)\]]?$")


def _only_credit(text: str) -> bool:
    """Whether the line is made only of credit words (agencies, "photo", "images", "credit"): "REUTERS PHOTO",
    "AFP/Getty Images", "PA MEDIA PHOTO", "Credit: PA Media"."""
    return _ONLY_CREDIT.match(text) is not None


def _date_note(text: str) -> bool:
    """A day or time in brackets ("Leeds v Saracens (Fri)", "(1400 GMT)"): a note on the fixture, not a credit."""
    return all(w in STAMP_WORDS or w.isdigit() for w in re.findall(r"\w+", text.lower()))


def photo_credit(text: str, repeated: bool) -> Caption | None:
    """A caption when the line closes with a photo credit; credits without a telltale word need a reprint."""
    if text[-1] in ")]":
        m = _BRACKET_CREDIT.match(text)
        if m:
            credit = (m.group("p") or m.group("b") or "").strip()
            body = m.group("text")
            credit_like = _CREDIT_WORDS.search(credit) is not None or (
                repeated
                and len(words_of(credit)) <= 6
                and credit[:1].isupper()
                and not is_sentence(credit)
                and not _date_note(credit)
            )
            if has_letters(credit) and len(words_of(credit)) <= 12 and credit_like and len(words_of(body)) >= 3:
                return Caption(body.rstrip(" |•·-–—"), credit)
    if ":" in text:
        labels = list(_CREDIT_LABEL.finditer(text))
        if labels:
            at = labels[-1].start()
            body, credit = text[:at].rstrip(" |•·-–—"), text[at:].strip()
            if len(words_of(body)) >= 3 and len(credit) <= 100 and ":" not in credit[labels[-1].end() - at :]:
                return Caption(body, credit)
    return None
