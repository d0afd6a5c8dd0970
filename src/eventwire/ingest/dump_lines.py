"""The lines of a raw dump and what is known of each before any article is built: repetition, prose or
furniture, and whether it has the shape of a headline."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..records import Caption
from .dump_catalogue import SMALL_WORDS, words_of
from .dump_furniture import CLOSERS, IMAGE_LABEL, RULE, STRAIGHT_QUOTES, is_sentence, is_ui, photo_credit

__all__ = [
    "SHORT_WORDS",
    "WINDOW",
    "Line",
    "dotted_headline",
    "headline_like",
    "keep_short_lines_in_prose",
    "line_key",
    "list_item",
    "paragraph_gap",
    "read_lines",
    "title_case",
]


# How far (in non-blank lines) a repetition still counts: a headline is reprinted after its photo block, which on
# the sites we have seen is at most a handful of lines.
WINDOW = 12
# Lines of up to this many words without closing punctuation are labels, counters or buttons, not prose.
SHORT_WORDS = 3
_MAX_HEADLINE_WORDS = 30
# A line ending in a full stop is read as a headline only when this short (body sentences are longer).
_MAX_DOTTED_WORDS = 16


@dataclass(frozen=True)
class Line:
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


def read_lines(text: str) -> list[Line]:
    """Non-blank lines, stripped, with the count of blank lines before each (the start counts as a wide gap)."""
    raw: list[tuple[str, str, int]] = []
    blanks = 1_000
    for part in re.split(r"\r\n|\r|\n", text.replace("\ufeff", "")):
        stripped = part.strip()
        if not stripped:
            blanks += 1
            continue
        raw.append((stripped, line_key(stripped), blanks))
        blanks = 0
    repeated = _repeated([key for _, key, _ in raw])
    out: list[Line] = []
    for (stripped, key, before), rep in zip(raw, repeated):
        ui = is_ui(stripped)
        sentence = is_sentence(stripped)
        caption = photo_credit(stripped, rep)
        out.append(
            Line(
                text=stripped,
                key=key,
                blank_before=before,
                repeated=rep,
                sentence=sentence,
                ui=ui,
                furniture=ui or not sentence and len(words_of(stripped)) <= SHORT_WORDS and not _fragment(stripped),
                headline=caption is None and not ui and not IMAGE_LABEL.match(stripped) and headline_like(stripped),
                dotted=caption is None and not ui and not IMAGE_LABEL.match(stripped) and dotted_headline(stripped),
                caption=caption,
                rule=RULE.match(stripped) is not None,
            )
        )
    return _enumerations_are_not_headlines(out)


_COUNTED = re.compile(r"(\d{1,3})[.)]?\s+\S")


def _enumerations_are_not_headlines(lines: list[Line]) -> list[Line]:
    """A line that opens with a number one more or one less than its neighbour's ("24 Feliciano Lopez (Spain)" under
    "23 Fernando Gonzalez (Chile)") is an item of a numbered list, a seeding or a ranking, never a headline, however
    capitalised. Neighbours are the nearest lines that are not page furniture (an advert may sit inside the list)."""
    numbers = [int(m.group(1)) if (m := _COUNTED.match(line.text)) else None for line in lines]
    content = [i for i, line in enumerate(lines) if not line.ui]
    counted: set[int] = set()
    for a, b in itertools.pairwise(content):
        na, nb = numbers[a], numbers[b]
        if na is not None and nb is not None and nb == na + 1:
            counted.update((a, b))
    return [
        replace(line, headline=False, dotted=False) if i in counted else line for i, line in enumerate(lines)
    ]


def keep_short_lines_in_prose(lines: list[Line], gap: int) -> list[Line]:
    """A short unknown line ("Jamaican", "WORLD OF WARCRAFT") standing between two paragraphs, the usual gap above
    and below it, is a piece of the body (a subhead, a name, a figure), not a label: labels, counters and buttons
    stand in the page's widgets, which the catalogue knows, or next to other furniture."""
    out = list(lines)
    for i in range(1, len(lines) - 1):
        prev, line, nxt = lines[i - 1], lines[i], lines[i + 1]
        if not line.furniture or line.ui or line.repeated or line.caption is not None:
            continue
        # The line below must not be one that could head a story (a kicker stands over its headline).
        if line.blank_before == gap == nxt.blank_before and _prose(prev) and _prose(nxt) and not nxt.dotted:
            out[i] = replace(line, furniture=False)
    return out


def _prose(line: Line) -> bool:
    """A body line: not furniture, no caption or reprint, and ending like a sentence or not shaped like a headline."""
    plain = not line.furniture and not line.repeated and line.caption is None
    return plain and (line.sentence or not line.headline)


def _fragment(text: str) -> bool:
    """A short line opening in lower case ("did", "agent provocateur"): a piece of a sentence the scrape broke, not
    a label (labels, buttons and kickers are capitalised; the catalogued ones are furniture whatever their case).
    An opening bracket or quote does not count: "(seeds in brackets)" is an aside of the text."""
    opened = text.lstrip("([\"'“‘")
    return bool(opened) and opened[0].isalpha() and opened[0].islower()


def line_key(text: str) -> str:
    """What two prints of the same line share, whatever their quotes, case or spacing."""
    return " ".join(text.translate(STRAIGHT_QUOTES).casefold().split())


def _repeated(keys: Sequence[str]) -> list[bool]:
    """Whether each line is printed again within the window: headlines and captions are, prose almost never."""
    last_seen: dict[str, int] = {}
    flags = [False] * len(keys)
    for i, key in enumerate(keys):
        j = last_seen.get(key)
        if j is not None and i - j <= WINDOW:
            flags[i] = flags[j] = True
        last_seen[key] = i
    return flags


def paragraph_gap(lines: Sequence[Line]) -> int:
    """The usual number of blank lines between two prose paragraphs; a wider gap can separate articles."""
    counts: dict[int, int] = {}
    for prev, line in itertools.pairwise(lines):
        if prev.sentence and line.sentence and prev.key != line.key:
            counts[line.blank_before] = counts.get(line.blank_before, 0) + 1
    if not counts:
        # Every paragraph has a widget above it: the gap before prose lines, whatever stands above, is the usual one.
        for line in lines[1:]:
            if line.sentence and not line.furniture:
                counts[line.blank_before] = counts.get(line.blank_before, 0) + 1
    if not counts:
        return 1
    return min(counts, key=lambda g: (-counts[g], g))


_LIST_ITEM = re.compile(r"^\s*(?:[-–—•*·▪]|\d{1,2}[.)])\s")
# A sentence end inside the line: "?" or "!" after a word, or "." after a long lower-case word (so that "U.S. Envoy",
# "Gen. Haftar" and "Sept. 11" still read as headlines).
_INNER_SENTENCE_END = re.compile(r"[a-z]{2}[?!]\s+[A-Z]|[a-z]{4}\.\s+[A-Z]")


def list_item(text: str) -> bool:
    """A line marked as an item of a list: "- ...", "• ...", "3. ..."."""
    return _LIST_ITEM.match(text) is not None and len(words_of(text)) <= _MAX_HEADLINE_WORDS


def headline_like(text: str) -> bool:
    """Short, unpunctuated, capitalised: how a headline looks (a closing question or exclamation mark is allowed)."""
    words = words_of(text)
    if not 2 <= len(words) <= _MAX_HEADLINE_WORDS:
        return False
    core = text.rstrip(CLOSERS + " ")
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


def dotted_headline(text: str) -> bool:
    """A headline that ends in a full stop ("Rock star sued by ex-girlfriend.") has the shape of one otherwise."""
    core = text.rstrip(CLOSERS + " ")
    if not core.endswith(".") or core.endswith(("..", "…")) or len(words_of(text)) > _MAX_DOTTED_WORDS:
        return False
    return headline_like(core[:-1] + text[len(core) :])


def title_case(text: str) -> bool:
    """Every word but the small ones capitalised, as in most English headlines and almost no sentence."""
    content = [w for w in words_of(text) if w[0].isalpha() and w.lower() not in SMALL_WORDS]
    return (
        len(content) >= 3
        and all(w[0].isupper() for w in content)
        and not text.isupper()  # shouted lines are subheads or lists, not headlines
        and text.count(",") < 2
        and ";" not in text
    )
