"""Split a raw news-site text dump into articles: headline, deduplicated photo captions, body paragraphs.

Page furniture (share counters, "Advertisement", bylines, timestamps, breadcrumbs) is dropped; body text is never.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..records import Caption
from .dump_catalogue import words_of
from .dump_dates import parse_date
from .dump_furniture import DATELINE, IMAGE_CAPTION, IMAGE_SOURCE, LIST_INTRO, is_sentence
from .dump_headline import starts_article
from .dump_lines import Line, keep_short_lines_in_prose, line_key, list_item, paragraph_gap, read_lines

__all__ = ["DumpArticle", "split_dump"]


@dataclass(frozen=True)
class DumpArticle:
    """One article found in a dump. ``paragraphs`` are the body lines exactly as they stood, in order."""

    title: str | None
    captions: tuple[Caption, ...]
    paragraphs: tuple[str, ...]
    published: str | None = None
    published_from: str | None = None  # "timestamp" (a "Published ..." line) or "dateline" (opening the body)


@dataclass
class Draft:
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
    lines = read_lines(text)
    if not lines:
        return []
    gap = paragraph_gap(lines)
    lines = keep_short_lines_in_prose(lines, gap)
    articles: list[DumpArticle] = []
    draft = Draft()
    last_content = -1  # index of the last line that was not furniture
    run_gap = 0  # widest run of blank lines since that line: wide gaps separate articles
    rule_seen = False
    for i, line in enumerate(lines):
        run_gap = max(run_gap, line.blank_before)
        # A drawn rule ("----", "***") between two stories is as good as a wide gap.
        eff_gap = max(run_gap, gap + 1) if rule_seen else run_gap
        rule_seen = rule_seen or line.rule
        start = starts_article(lines, i, draft, gap, eff_gap, last_content)
        if start == "new":
            # A date line above the first headline belongs to the article it heads.
            carried = draft.published if draft.empty else None
            if not draft.empty:
                articles.append(_finish(draft))
            draft = Draft(title=line.text, title_key=line.key, title_repeated=line.repeated, published=carried)
        elif start == "retitle":
            # The earlier "title" was a kicker or site name; the reprinted line is the real headline. A "title" that
            # ends like a sentence was prose read as a headline: it opens the body, never lost.
            if draft.title is not None and is_sentence(draft.title):
                draft.paragraphs.insert(0, draft.title)
            draft.title, draft.title_key, draft.title_repeated = line.text, line.key, True
        else:
            _absorb(draft, lines, i, gap)
            if line.furniture:
                continue
        last_content, run_gap, rule_seen = i, 0, False
    if not draft.empty:
        articles.append(_finish(draft))
    return _without_empty(articles)


def _absorb(draft: Draft, lines: Sequence[Line], i: int, gap: int) -> None:
    """Add line i to the draft as a caption or a paragraph, or let it go (furniture, reprints)."""
    line = lines[i]
    if line.key == draft.title_key:
        return
    if not draft.paragraphs and draft.title_key and line.key.startswith(draft.title_key) and not line.sentence:
        # The headline reprinted with the site's name after it: "Headline | Outlet".
        return
    source = IMAGE_SOURCE.match(line.text)
    if source:
        draft.pending_credit = source.group("credit").strip()
        return
    labelled = IMAGE_CAPTION.match(line.text)
    if labelled:
        _add_caption(draft, Caption(labelled.group("text").strip(), draft.pending_credit), line.key)
        return
    if line.furniture:
        if draft.published is None and len(words_of(line.text)) <= 15:
            draft.published = parse_date(line.text)
            draft.published_from = "timestamp" if draft.published else None
        if draft.paragraphs and LIST_INTRO.match(line.text):
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
    if draft.in_list and (not line.sentence or line.headline or list_item(line.text)):
        # Items of a related-stories list: headline-shaped (a question mark allowed) or marked "-" or "3.".
        return
    if not draft.paragraphs and draft.published is None:
        m = DATELINE.match(line.text)
        draft.published = parse_date(m.group("rest")) if m else None
        draft.published_from = "dateline" if draft.published else None
    draft.paragraphs.append(line.text)
    draft.in_list = False


def _add_caption(draft: Draft, caption: Caption, key: str) -> None:
    ckey = line_key(caption.text)
    if ckey not in draft.caption_keys and key not in draft.caption_keys:
        draft.captions.append(caption)
    draft.caption_keys.update((key, ckey))
    draft.pending_credit = None


def _finish(draft: Draft) -> DumpArticle:
    return DumpArticle(
        draft.title, tuple(draft.captions), tuple(draft.paragraphs), draft.published, draft.published_from
    )


def _without_empty(articles: list[DumpArticle]) -> list[DumpArticle]:
    """Drop headline-only leftovers (a related-links block read as an article); keep one if that is all there is."""
    kept = [a for a in articles if a.paragraphs or a.captions]
    return kept if kept else articles[:1]
