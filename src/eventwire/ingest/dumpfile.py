"""Reader for raw text dumps scraped from news sites: decodes the file and hands it to the dump splitter.

The splitter (ingest/dump.py) finds articles, headlines, captions and furniture; this module turns its output into
Articles and reports what cannot be read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from ..errors import InputError
from ..records import Article, Origin
from . import ErrorSink, ReadOptions, check_size, content_id, decode
from .dump import split_dump


def read(stream: BinaryIO, where: str, on_error: ErrorSink, options: ReadOptions) -> Iterator[Article]:
    text = decode(stream.read(), where)
    found = split_dump(text)
    if not found:
        raise InputError(where, "no article text found")
    for number, part in enumerate(found, start=1):
        body = "\n\n".join(part.paragraphs)
        label = f"{where} (article {number}{', ' + repr(part.title) if part.title else ''})"
        if not body.strip():
            on_error(InputError(label, "article has a headline but no body text"))
            continue
        try:
            check_size(body, label, options.max_chars)
        except InputError as exc:
            on_error(exc)
            continue
        yield Article(
            id=content_id(part.title, body),
            text=body,
            title=part.title,
            published=part.published,
            published_from=part.published_from,
            captions=part.captions,
            origin=Origin(path=where),
        )
