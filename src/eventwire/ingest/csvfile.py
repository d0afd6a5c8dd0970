"""CSV reader: a header row naming ``text`` (required) and optionally id, title, published, url, source.

Each row becomes an Article through the same rules as JSON Lines; ``origin.line`` is the row's first line. A bad
row costs that row only: bytes that are not UTF-8, a NUL, a quote that never closes (the lines after its opening
line are read again as rows).
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterator
from typing import BinaryIO

from ..errors import InputError
from ..records import Article
from . import ErrorSink, ReadOptions
from .jsonl import from_record

csv.field_size_limit(sys.maxsize)

# Undecodable bytes come through as lone surrogates U+DC80..U+DCFF (errors="surrogateescape").
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


class _Lines:
    """The physical lines fed to csv.reader, remembering those of the row being read (to re-read after a quote
    that never closes)."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self.current: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.current.append(line)
        return line


def read(stream: BinaryIO, where: str, on_error: ErrorSink, options: ReadOptions) -> Iterator[Article]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    try:
        header_line = next(iter(text), "")
        header = next(csv.reader([header_line]), [])
        if _ESCAPED_BYTE.search(header_line):
            raise InputError(f"{where}:1", "CSV header is not UTF-8 text")
        if not header or "text" not in header:
            raise InputError(f"{where}:1", "CSV header has no 'text' column")
        yield from _rows(iter(text), header, where, 2, on_error, options)
    finally:
        text.detach()


def _rows(
    lines: Iterator[str], header: list[str], where: str, first: int, on_error: ErrorSink, options: ReadOptions
) -> Iterator[Article]:
    while True:
        feed = _Lines(lines)
        line = first
        last: tuple[list[str], int, list[str]] | None = None
        for values in csv.reader(feed):
            if last is not None:
                yield from _article(last[0], header, where, last[1], on_error, options)
            last = (values, line, feed.current)
            line += len(feed.current)
            feed.current = []
        if last is None:
            return
        values, start, raw = last
        if not _unclosed(raw):
            yield from _article(values, header, where, start, on_error, options)
            return
        # The file ended inside a quoted field: report that row, then read its other lines again as rows.
        on_error(InputError(f"{where}:{start}", "unclosed quote: the quoted field opened on this line never ends"))
        lines, first = iter(raw[1:]), start + 1


def _unclosed(raw: list[str]) -> bool:
    try:
        list(csv.reader(raw, strict=True))
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _article(
    values: list[str], header: list[str], where: str, start: int, on_error: ErrorSink, options: ReadOptions
) -> Iterator[Article]:
    if not any(v.strip() for v in values):
        return
    try:
        yield from_record(_record(values, header, where, start), where, start, on_error, options)
    except InputError as exc:
        on_error(exc)


def _record(values: list[str], header: list[str], where: str, start: int) -> dict[str, str]:
    here = f"{where}:{start}"
    if len(values) > len(header):
        raise InputError(here, "row has more fields than the header")
    for name, value in zip(header, values):
        bad = _ESCAPED_BYTE.search(value)
        if bad:
            byte = ord(bad.group()) - 0xDC00
            row_line = start + value.count("\n", 0, bad.start())
            raise InputError(f"{where}:{row_line}", f"not UTF-8 text (byte 0x{byte:02x} in column {name!r}); "
                             "row skipped")
    return dict(zip(header, values))
