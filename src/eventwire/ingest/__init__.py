"""Readers: turn paths (files, directories, "-" for stdin) into a stream of clean Articles.

One module per format (dump, html, jsonl, csvfile); this module expands paths, detects formats and routes. Problems
with one input are reported through ``on_error`` as InputError and the stream goes on with the next input.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError
from ..records import Article

FORMATS: tuple[str, ...] = ("auto", "dump", "html", "jsonl", "csv")
DEFAULT_MAX_CHARS = 1_000_000
STDIN = "-"

ErrorSink = Callable[[InputError], None]

_EXTENSIONS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".txt": "dump",
}


@dataclass(frozen=True)
class ReadOptions:
    fmt: str = "auto"
    max_chars: int = DEFAULT_MAX_CHARS


def content_id(title: str | None, text: str) -> str:
    """A stable id from the article's content: the same title and body always give the same id."""
    digest = hashlib.sha256(f"{title or ''}\x00{text}".encode()).hexdigest()
    return digest[:20]


def check_size(text: str, where: str, max_chars: int) -> None:
    if len(text) > max_chars:
        raise InputError(where, f"article of {len(text):,} characters is over the size limit (--max-chars {max_chars:,})")


def format_for(path: Path) -> str | None:
    """The format an extension names, or None when the content must be sniffed."""
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return _EXTENSIONS.get(suffixes[-1]) if suffixes else None


def sniff(head: bytes) -> str:
    """Guess the format from the first bytes of an input."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"{"):
        return "jsonl"
    if text.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body", b"<article")):
        return "html"
    first_line = text.split(b"\n", 1)[0]
    if b"," in first_line and b"text" in first_line.replace(b'"', b"").split(b","):
        return "csv"
    return "dump"


# How common binary files begin: PNG, JPEG, GIF, PDF, ZIP (and Office files), ELF, SQLite.
_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"\x7fELF", b"SQLite format 3\x00")


def is_binary(head: bytes, named: bool = False) -> bool:
    """Whether a file is binary, not text. One that begins like a known binary format, or is a third NULs (UTF-16
    text too), always is. A file whose name gives its format (news.csv) is taken at its word otherwise: stray NULs and
    broken bytes in it are bad lines for the reader to name. Any other file is binary when it is full of NULs and of
    bytes that are not UTF-8 between them."""
    if head.startswith(_MAGIC):
        return True
    nul = head.count(b"\x00")
    if nul * 3 >= len(head):
        return True
    if named or nul <= max(2, len(head) // 200):
        return False
    rest = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(head.replace(b"\x00", b""), final=False)
    return rest.count("\ufffd") * 50 > len(head)  # more than 2% of the bytes broken


def readable_name(path: Path) -> bool:
    """Inside a directory we read files of a known format or with no extension (a README.md or a photo beside
    the articles is not news). A file named on the command line is always read."""
    return format_for(path) is not None or not path.suffix


def expand_paths(paths: Iterable[str], on_error: ErrorSink) -> Iterator[str]:
    """Files in the order given; directories recursively, sorted, skipping hidden files and files whose extension
    names no input format."""
    for raw in paths:
        if raw == STDIN:
            yield raw
            continue
        path = Path(raw)
        if path.is_dir():
            found = False
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if child.is_file() and not any(part.startswith(".") for part in rel.parts) and readable_name(child):
                    found = True
                    yield str(child)
            if not found:
                on_error(InputError(raw, "directory has no files to read (.txt, .html, .jsonl, .json, .csv, or no extension)"))
        elif path.is_file():
            yield raw
        elif path.exists():
            on_error(InputError(raw, "not a regular file"))
        else:
            on_error(InputError(raw, "no such file or directory"))


_READER_MODULES = {"dump": "dumpfile", "html": "html", "jsonl": "jsonl", "csv": "csvfile"}


def reader(fmt: str) -> Callable[[BinaryIO, str, ErrorSink, ReadOptions], Iterator[Article]]:
    """The read function of a format's module (imported on first use: trafilatura is slow to import)."""
    import importlib

    module = importlib.import_module(f"{__name__}.{_READER_MODULES[fmt]}")
    return module.read  # type: ignore[no-any-return]


def _open(path: str) -> BinaryIO:
    if path == STDIN:
        return sys.stdin.buffer
    return open(path, "rb")  # closed by the caller


def read_inputs(paths: Iterable[str], on_error: ErrorSink, options: ReadOptions = ReadOptions()) -> Iterator[Article]:
    """Every article from every input, in order. Bad inputs go to ``on_error``; nothing else stops the stream."""
    for path in expand_paths(paths, on_error):
        where = "<stdin>" if path == STDIN else path
        try:
            stream = _open(path)
        except OSError as exc:
            on_error(InputError(where, f"cannot open ({exc.strerror or exc})"))
            continue
        try:
            fmt = options.fmt
            if path.endswith(".gz") and path != STDIN:
                import gzip

                stream = gzip.open(stream)  # type: ignore[assignment]  # noqa: SIM115 - closed below
            if not hasattr(stream, "peek"):
                stream = io.BufferedReader(stream)  # type: ignore[arg-type,type-var]
            head = _peek(stream)
            if not head:
                on_error(InputError(where, "empty file"))
                continue
            named = format_for(Path(path)) if path != STDIN else None
            if fmt == "auto":
                fmt = named or sniff(head)
            if options.fmt == "auto" and is_binary(head, named=named is not None):
                on_error(InputError(where, "binary file, not text (use --format to force a reader)"))
                continue
            yield from reader(fmt)(stream, where, on_error, options)
        except InputError as exc:
            on_error(exc)
        except (OSError, EOFError, zlib.error) as exc:
            on_error(InputError(where, f"read failed ({exc})"))
        finally:
            if path != STDIN:
                stream.close()


def _peek(stream: BinaryIO) -> bytes:
    """The first bytes of a stream without consuming them (stdin and gzip streams included)."""
    data: bytes = stream.peek(8192)[:8192]  # type: ignore[attr-defined]
    return data


def decode(data: bytes, where: str, first_line: int = 1) -> str:
    """UTF-8 (with or without a BOM) or a clear error naming the line and column of the bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = first_line + data.count(b"\n", 0, exc.start)
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(f"{where}:{line}", f"not UTF-8 text (byte 0x{data[exc.start]:02x} at column {column})") from None
    return text.removeprefix("\ufeff")
