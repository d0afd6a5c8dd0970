"""HTML reader: the main text and metadata of a news page, extracted with trafilatura.

Title, date, author, url and site name come from the page's metadata; the body is the extracted main text with
paragraphs separated by blank lines.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any, BinaryIO

from ..errors import InputError
from ..records import Article, Origin
from . import ErrorSink, ReadOptions, check_size, content_id
from .fields import normalise_date

# trafilatura logs its own complaints about odd pages; ours are the ones the user sees.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


def extract(html: bytes | str, url: str | None = None) -> dict[str, Any] | None:
    """trafilatura's main text and metadata of one page, or None when it finds no article text."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False, favor_recall=True
    )
    if doc is None:
        return None
    data: dict[str, Any] = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    return data


def to_paragraphs(text: str, title: str | None = None) -> str:
    """trafilatura separates paragraphs by single newlines; our bodies use blank lines between paragraphs.
    A leading repeat of the headline (the page's h1) is not body text."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if title and lines and lines[0].casefold() == title.strip().casefold():
        lines = lines[1:]
    return "\n\n".join(lines)


def read(stream: BinaryIO, where: str, on_error: ErrorSink, options: ReadOptions) -> Iterator[Article]:
    raw = stream.read()
    data = extract(raw)
    body = to_paragraphs(data.get("text") or "", data.get("title")) if data else ""
    if not body:
        raise InputError(where, "no article text found in the HTML page")
    check_size(body, where, options.max_chars)
    title = data.get("title") if data else None
    published = normalise_date(data.get("date")) if data else None
    yield Article(
        id=content_id(title, body),
        text=body,
        title=title,
        published=published,
        published_from="given" if published else None,
        url=data.get("url") if data else None,
        source=(data.get("sitename") or data.get("hostname")) if data else None,
        author=data.get("author") if data else None,
        origin=Origin(path=where),
    )
