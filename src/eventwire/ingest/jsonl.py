"""JSON Lines reader: one object per line with ``id`` and ``text`` and optional title/published/url/source.

The text is kept exactly as given and the id is kept, so that annotations can be scored by offsets. Streams line
by line: memory stays flat whatever the file size.
"""

from __future__ import annotations

import json
import sys
import zlib
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from ..errors import InputError
from ..records import Article, Origin
from . import ErrorSink, ReadOptions, check_size, content_id, decode
from .fields import normalise_date


def read(stream: BinaryIO, where: str, on_error: ErrorSink, options: ReadOptions) -> Iterator[Article]:
    seen_any = False
    number = 0
    for number, raw in _lines(stream, where):
        if not raw.strip():
            continue
        seen_any = True
        here = f"{where}:{number}"
        try:
            line = decode(raw, where, first_line=number).rstrip("\r\n")
            if number == 1:
                line = line.removeprefix("\ufeff")
            yield from_record(parse_json(line, here), where, number, on_error, options)
        except InputError as exc:
            on_error(exc)
    if not seen_any:
        on_error(InputError(where, "no records (only blank lines)"))


def _lines(stream: BinaryIO, where: str) -> Iterator[tuple[int, bytes]]:
    """Numbered lines; a compressed input that breaks off or is corrupt ends the stream with an error naming the
    line where it broke (the records before it are already out)."""
    number = 0
    try:
        for number, raw in enumerate(stream, start=1):
            yield number, raw
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"{where}:{number + 1}", f"compressed data is truncated or corrupt ({exc}); "
                         "the records before this line were read") from None


def parse_json(line: str, here: str) -> Any:
    """One JSON value, or an InputError for anything Python's reader refuses (syntax, depth, huge numbers)."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(here, f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise InputError(here, "JSON nested too deeply") from None
    except ValueError as exc:
        if "digits" in str(exc):  # an integer of more digits than int() converts
            raise InputError(here, f"JSON number too long (over {sys.get_int_max_str_digits():,} digits)") from None
        raise InputError(here, f"JSON value cannot be read ({exc})") from None


def check_text(value: str, key: str, here: str) -> str:
    """Refuse text that cannot be stored: a lone surrogate (not Unicode) or a NUL character."""
    if "\x00" in value:
        raise InputError(here, f"{key!r} holds a NUL character at position {value.index(chr(0)) + 1:,}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = value[exc.start]
        raise InputError(here, f"{key!r} is not valid Unicode (lone surrogate U+{ord(bad):04X} at position "
                         f"{exc.start + 1:,})") from None
    return value


def from_record(
    obj: Any, path: str, line: int, on_error: ErrorSink, options: ReadOptions
) -> Article:
    """An Article from one JSON Lines or CSV record; shared by both readers."""
    here = f"{path}:{line}"
    if not isinstance(obj, Mapping):
        raise InputError(here, f"expected a JSON object, got {type(obj).__name__}")
    text = obj.get("text")
    if text is None:
        raise InputError(here, "record has no 'text'")
    if not isinstance(text, str):
        raise InputError(here, f"'text' must be a string, got {type(text).__name__}")
    if not text.strip():
        raise InputError(here, "'text' is empty")
    check_text(text, "text", here)
    check_size(text, here, options.max_chars)
    title = _optional_str(obj, "title", here)
    given_id = obj.get("id")
    if given_id is not None and not isinstance(given_id, (str, int)) or isinstance(given_id, bool):
        raise InputError(here, f"'id' must be a string or number, got {type(given_id).__name__}")
    if isinstance(given_id, str):
        check_text(given_id, "id", here)
    published_raw = _optional_str(obj, "published", here)
    published = normalise_date(published_raw)
    if published_raw and published is None:
        on_error(InputError(here, f"'published' value {published_raw!r} is not a date; stored as unknown"))
    return Article(
        id=str(given_id) if given_id not in (None, "") else content_id(title, text),
        text=text,
        title=title,
        published=published,
        published_from="given" if published else None,
        url=_optional_str(obj, "url", here),
        source=_optional_str(obj, "source", here),
        author=_optional_str(obj, "author", here),
        origin=Origin(path=path, line=line),
    )


def _optional_str(obj: Mapping[str, Any], key: str, here: str) -> str | None:
    value = obj.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise InputError(here, f"{key!r} must be a string, got {type(value).__name__}")
    return check_text(str(value), key, here)
