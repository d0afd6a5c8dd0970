"""CSV reader: a header row naming ``text`` (required) and optionally id, title, published, url, source.

Each row becomes an Article through the same rules as JSON Lines; ``origin.line`` is the row's first line.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from typing import BinaryIO

from ..errors import InputError
from ..records import Article
from . import ErrorSink, ReadOptions
from .jsonl import from_record

csv.field_size_limit(sys.maxsize)


def read(stream: BinaryIO, where: str, on_error: ErrorSink, options: ReadOptions) -> Iterator[Article]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = csv.DictReader(text)
    line = 1
    try:
        header = reader.fieldnames
        if not header or "text" not in header:
            raise InputError(f"{where}:1", "CSV header has no 'text' column")
        line = reader.line_num + 1
        for row in reader:
            start = line
            line = reader.line_num + 1
            if None in row:
                on_error(InputError(f"{where}:{start}", "row has more fields than the header"))
                continue
            try:
                yield from_record(row, where, start, on_error, options)
            except InputError as exc:
                on_error(exc)
    except UnicodeDecodeError as exc:
        raise InputError(f"{where}:{line}", f"not UTF-8 text ({exc.reason})") from None
    except csv.Error as exc:
        raise InputError(f"{where}:{line}", f"malformed CSV ({exc})") from None
    finally:
        text.detach()
