"""Headline decisions in raw dumps: whether a line opens a new article, by summed evidence around it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .dump_catalogue import words_of
from .dump_dates import is_timestamp
from .dump_furniture import BYLINE, IMAGE_LABEL, LIST_INTRO, bar_byline, is_sentence
from .dump_lines import SHORT_WORDS, WINDOW, Line, title_case

if TYPE_CHECKING:
    from .dump import Draft

__all__ = ["starts_article"]


def _next_content(lines: Sequence[Line], i: int) -> int | None:
    """The next line that is not furniture, unless a rule set apart by a blank line or a list label ("Related")
    comes first: what follows a rule is the next story's, what follows the label is the list's (a rule glued under a
    line is that line's underline)."""
    for j in range(i + 1, min(len(lines), i + 1 + WINDOW)):
        if (lines[j].rule and lines[j].blank_before > 0) or LIST_INTRO.match(lines[j].text):
            return None
        if not lines[j].furniture:
            return j
    return None


def _reprinted_soon(lines: Sequence[Line], i: int) -> bool:
    """The same line comes back within the window with only captions, furniture or reprints in between."""
    for j in range(i + 1, min(len(lines), i + 1 + WINDOW)):
        between = lines[j]
        if between.key == lines[i].key:
            return True
        if between.key.startswith(lines[i].key + " | ") and not between.ui:
            # Reprints may carry the site's name: "Headline | Outlet" (but "Name | Outlet" is a byline).
            return True
        if between.sentence and between.caption is None and not between.furniture and not between.repeated:
            # Prose that is not itself reprinted means the article body has begun.
            return False
    return False


def starts_article(
    lines: Sequence[Line], i: int, draft: Draft, gap: int, eff_gap: int, last_content: int
) -> str | None:
    """Return "new" when line i is the headline of a new article, "retitle" when it replaces a kicker taken for one."""
    line = lines[i]
    if not (line.headline or line.dotted) or draft.title_key == line.key:
        return None
    short = len(words_of(line.text)) <= SHORT_WORDS
    # A short line ("Sudan talks resume") heads a story only when prose or a photo follows it at once; otherwise it
    # is a label such as "Middle East".
    after = _next_content(lines, i)
    opens_story = after is not None and (
        lines[after].caption is not None or lines[after].sentence or IMAGE_LABEL.match(lines[after].text) is not None
    )
    score = _headline_score(lines, i, draft, gap, eff_gap, last_content)
    if (
        _kicker_above(draft)
        and after is not None
        and (score + _W_KICKER_ABOVE >= _HEADLINE_THRESHOLD or _reprinted_soon(lines, i))
    ):
        # A short label printed once and nothing else yet ("Europe news", "EXCLUSIVE"): a kicker, which stands
        # above a headline, so this line is the better title when the evidence holds.
        return "retitle"
    if line.dotted:
        # A full stop makes a line read as prose: it heads an article only on strong evidence, and only when body
        # text follows (else the sentence would be lost as a title).
        if after is None:
            return None
        if draft.paragraphs and draft.in_list:
            # A related-stories list ends the page above; its items are not followed by prose, a photo or a reprint.
            if not (opens_story or _reprinted_soon(lines, i)):
                return None
        elif draft.paragraphs and not (
            _break_above(lines, i, gap, eff_gap, last_content) and (eff_gap > gap or _tight_follow(lines, i))
            or _reprinted_soon(lines, i)
        ):
            # Inside a run of prose, a short sentence after a widget or followed by a stray byline is still body
            # text: it takes a wide gap with something under it, or its reprint.
            return None
        if draft.title and not draft.paragraphs:
            # A once-printed line with nothing under it yet (a stray list item) gives way to a reprinted headline.
            stray = not draft.title_repeated and not draft.captions and not is_sentence(draft.title)
            stray = stray and _reprinted_soon(lines, i)
            return "retitle" if stray and score >= _HEADLINE_THRESHOLD else None
        return "new" if score >= _HEADLINE_THRESHOLD else None
    if draft.empty:
        return None if short and not line.repeated and not opens_story else "new"
    if not draft.paragraphs:
        # A reprinted line after a once-printed "headline": either that was a kicker or site name and this is the
        # headline, or this is a caption printed twice without a credit. A real (Title Case) headline keeps its place.
        kicker = draft.title is None or title_case(line.text) or not title_case(draft.title)
        return "retitle" if kicker and not draft.title_repeated and _reprinted_soon(lines, i) else None
    if _reprinted_soon(lines, i):
        return "new"
    if eff_gap > gap and (opens_story or not short):
        return "new"
    if short:
        # A headline of three words or fewer ("Wilkinson return 'unlikely'") inside a page only with a byline,
        # timestamp or photo right under it and prose after: a label has none of these.
        byline = i + 1 < len(lines) and _byline(lines[i + 1].text)
        strong = opens_story and byline and line.headline and score >= _HEADLINE_THRESHOLD
        return "new" if strong and not line.ui else None
    if _headline_below(lines, i, after, draft, gap, score):
        return None
    if after is not None and (lines[after].caption is not None or IMAGE_LABEL.match(lines[after].text)):
        return "new"
    if draft.in_list:
        # Items of a related-stories list are headline-shaped too; the next story's headline is followed by prose,
        # and an item ending in a question mark ("Can the truce hold?") is another item, not prose.
        prose = after is not None and lines[after].sentence and not lines[after].headline
        return "new" if prose and score >= _HEADLINE_THRESHOLD else None
    return "new" if score >= _HEADLINE_THRESHOLD else None


def _kicker_above(draft: Draft) -> bool:
    return (
        draft.title is not None
        and not draft.title_repeated
        and not draft.paragraphs
        and not draft.captions
        and len(words_of(draft.title)) <= SHORT_WORDS
        and not is_sentence(draft.title)  # a line ending like a sentence is text, never dropped as a kicker
    )


# Evidence for "this line is a headline", summed; a line needs _HEADLINE_THRESHOLD. Weights were set on the
# generated dumps of seed 1 (benchmarks/dump_corpus.py) and are reported on other seeds.
_HEADLINE_THRESHOLD = 3.5
_SHORT_HEADLINE, _MEDIUM_HEADLINE = 12, 20  # words
_W_SHORT, _W_MEDIUM, _W_LONG = 1.0, 0.5, -1.0  # up to _SHORT_HEADLINE words, up to _MEDIUM_HEADLINE, more
_W_OPEN_END, _W_FULL_STOP = 1.0, -1.0  # no closing punctuation (or ? !), a closing full stop
_W_TITLE_CASE = 1.5
_W_REPRINTED = 3.0  # printed again within the window, before the body
_W_TIGHT_FOLLOW = 3.0  # a byline, timestamp, caption or photo credit right below
_W_PROSE_FOLLOWS, _W_LONGER_PROSE_FOLLOWS, _W_NOTHING_FOLLOWS = 0.5, 1.0, -2.0
_W_WIDE_GAP = 2.5  # more blank lines above than between paragraphs, a drawn rule, or the start of the file
_W_KICKER_ABOVE = 1.0  # a kicker (short label printed once) heads the article, so the next headline-like line
_W_FURNITURE_ABOVE = 1.0  # page furniture between the last prose and this line (the end of the previous page)


def _headline_score(lines: Sequence[Line], i: int, draft: Draft, gap: int, eff_gap: int, last_content: int) -> float:
    """How much the line and what stands around it look like a headline: length, casing, closing punctuation,
    repetition, what follows and what comes before."""
    line = lines[i]
    n = len(words_of(line.text))
    score = _W_SHORT if n <= _SHORT_HEADLINE else _W_MEDIUM if n <= _MEDIUM_HEADLINE else _W_LONG
    # A question or exclamation that runs past a short headline's length reads as a sentence, like a full stop.
    score += _W_FULL_STOP if line.dotted or n > _SHORT_HEADLINE and line.sentence else _W_OPEN_END
    score += _W_TITLE_CASE if title_case(line.text) else 0.0
    score += _W_REPRINTED if _reprinted_soon(lines, i) else 0.0
    score += _W_TIGHT_FOLLOW if _tight_follow(lines, i) else 0.0
    after = _next_content(lines, i)
    if after is None:
        score += _W_NOTHING_FOLLOWS
    elif lines[after].sentence and lines[after].caption is None:
        longer = len(words_of(lines[after].text)) >= 2 * n
        score += _W_LONGER_PROSE_FOLLOWS if longer else _W_PROSE_FOLLOWS
    if eff_gap > gap or draft.empty and last_content < 0:
        score += _W_WIDE_GAP
    elif _break_above(lines, i, gap, eff_gap, last_content) or draft.in_list and (
        line.dotted or line.blank_before > lines[i - 1].blank_before
    ):
        # A related-stories list above ends the previous page as surely as other furniture does, for a line that
        # no list item is like: one with a full stop, or one set apart by more blank lines than the list's own.
        score += _W_FURNITURE_ABOVE
    return score


def _headline_below(lines: Sequence[Line], i: int, j: int | None, draft: Draft, gap: int, score: float) -> bool:
    """The next content line is itself a headline on strong evidence (reprinted, or a byline or caption right
    under it): two headlines do not stand one above the other, so line i is the last of the prose above, unless
    it is a Title Case line scoring at least as high (then the line below is a short sentence with a byline).
    ``j`` is the next content line."""
    if j is None or not (lines[j].headline or lines[j].dotted):
        return False
    if not (_reprinted_soon(lines, j) or _tight_follow(lines, j)):
        return False
    # Page furniture between the two speaks for line i, not for the line below: score that one without it, but with
    # the blank lines that part it from line i (a wide gap is the line below's own evidence).
    apart = max(lines[k].blank_before for k in range(i + 1, j + 1))
    return not title_case(lines[i].text) or _headline_score(lines, j, draft, gap, apart, j - 1) > score


def _break_above(lines: Sequence[Line], i: int, gap: int, eff_gap: int, last_content: int) -> bool:
    """Something parts the line from the prose above: a wide gap, a rule, or page furniture."""
    return eff_gap > gap or (last_content < i - 1 and any(lines[j].furniture for j in range(last_content + 1, i)))


def _tight_follow(lines: Sequence[Line], i: int) -> bool:
    """A byline, timestamp, caption or photo label just below the line (past share bars and counters at most)."""
    for j in range(i + 1, min(len(lines), i + 4)):
        nxt = lines[j]
        if nxt.caption is not None or IMAGE_LABEL.match(nxt.text) or _byline(nxt.text) or is_timestamp(nxt.text):
            return True
        if not nxt.furniture:
            return False
    return False


def _byline(text: str) -> bool:
    """ "By Lena Hartmann", or "Lena Hartmann | Coast Herald" as the catalogue reads a bar byline."""
    return BYLINE.match(text) is not None or bar_byline(text)
