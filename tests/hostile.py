"""A generated corpus of hostile input files, each holding good records beside bad ones.

``write_hostile_corpus(folder)`` writes the files and returns, for each, the marker words of its good records: every
marker must come out of `eventwire process` (in some article's text), whatever the bad records around it do.
Used by tests/test_fuzz_readers.py and benchmarks/fuzz.py; all text here is our own.
"""

from __future__ import annotations

import gzip
import json
import zlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Hostile:
    name: str
    markers: tuple[str, ...]  # words found only in the good records' text
    fmt: str = "auto"  # the --format the file is run with


def _good(marker: str) -> str:
    return f"Officials in Oslo said on Monday that the {marker} talks would resume next week."


def _jsonl_good(marker: str) -> str:
    return json.dumps({"id": marker, "text": _good(marker)})


# Bad JSON Lines records: each is put between two good records in a file of its own.
BAD_JSONL: dict[str, bytes] = {
    "deep-array": b"[" * 1100 + b"]" * 1100,
    "deep-object": b'{"a":' * 1100 + b"1" + b"}" * 1100,
    "deep-in-text": b'{"id": "d", "text": "x", "meta": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    "big-int": b'{"id": "n", "text": "Hi there.", "n": ' + b"9" * 5000 + b"}",
    "big-int-id": b'{"id": ' + b"7" * 5000 + b', "text": "Hi there."}',
    "surrogate-text": b'{"id": "s", "text": "Bad \\ud800 text."}',
    "surrogate-title": b'{"id": "s", "text": "Fine text.", "title": "T\\udfff"}',
    "surrogate-id": b'{"id": "\\udc00", "text": "Fine text."}',
    "surrogate-source": b'{"id": "s", "text": "Fine text.", "source": "\\ud83d"}',
    "surrogate-url": b'{"id": "s", "text": "Fine text.", "url": "http://x/\\ud800"}',
    "surrogate-author": b'{"id": "s", "text": "Fine text.", "author": "\\udbff"}',
    "surrogate-published": b'{"id": "s", "text": "Fine text.", "published": "\\ud800"}',
    "nul-escape": b'{"id": "z", "text": "a\\u0000b"}',
    "raw-nul": b'{"id": "z", "text": "a\x00b"}',
    "not-utf8": b'{"id": "l", "text": "caf\xe9"}',
    "cut-off": b'{"id": "c", "text": "The line ends before',
    "nan": b'{"id": NaN, "text": NaN}',
    "array": b"[1, 2, 3]",
    "string": b'"just a string"',
    "null": b"null",
    "text-list": b'{"id": "t", "text": ["a", "b"]}',
    "id-object": b'{"id": {"a": 1}, "text": "Fine text."}',
    "id-bool": b'{"id": true, "text": "Fine text."}',
    "title-object": b'{"id": "o", "text": "Fine text.", "title": {"x": 1}}',
    "empty-text": b'{"id": "e", "text": ""}',
    "space-text": b'{"id": "e", "text": " \\n\\t "}',
    "bad-date": b'{"id": "bd", "text": "Dated badly.", "published": "the 45th of Smarch"}',
    "huge-date": b'{"id": "hd", "text": "Dated.", "published": "' + b"9" * 3000 + b'-01-01"}',
    "control-chars": b'{"id": "cc", "text": "\\u0001\\u0002\\u001b[31m\\u007f\\u2028\\u2029"}',
    "bom-mid": b'\xef\xbb\xbf{"id": "b", "text": "BOM in the middle."}',
    "long-word": b'{"id": "w", "text": "' + b"x" * 20_000 + b'"}',
    "no-full-stop": json.dumps({"id": "r", "text": "the army attacked rebels in town and " * 600}).encode(),
    "many-brackets": json.dumps({"id": "p", "text": "(" * 5_000 + " said the envoy."}).encode(),
    "many-quotes": json.dumps({"id": "q", "text": "“" * 5_000 + " he said."}).encode(),
}

BAD_CSV: dict[str, tuple[bytes, str]] = {
    "csv-not-utf8-row": (b'2,"Caf\xe9 row."\n', "auto"),
    "csv-nul-row": (b"2,Has a \x00 in it.\n", "csv"),
    "csv-extra-fields": (b"2,a,b,c\n", "auto"),
    "csv-empty-text": (b"2,\n", "auto"),
    "csv-surrogate-bytes": (b"2,\xed\xa0\x80 encoded surrogate.\n", "auto"),
    "csv-unclosed-quote-last": (b'2,"never closes\n', "auto"),
}

BAD_DUMPS: dict[str, bytes] = {
    "dump-only-furniture": b"Share\nAdvertisement\n20\nTT\n",
    "dump-long-line": ("Envoys Meet in Oslo\n\n" + "the army attacked rebels in town and " * 800 + "\n").encode(),
    "dump-brackets": ("Envoys Meet in Oslo\n\n" + "(" * 5_000 + "\n\n" + ")" * 5_000 + "\n").encode(),
    "dump-many-lines": ("\n".join(f"Line {k} Of A Long List Of Names" for k in range(1_000))).encode(),
    "dump-control-chars": b"\x1b[31mRed\x1b[0m\n\x07\x08\x0b\x0c\n",
    "dump-lone-cr": b"Title Here\r\rOne body line.\r\r\r\rOther Title\r\rAnother line.\r",
}


def write_hostile_corpus(folder: Path) -> list[Hostile]:
    """Write every hostile file into ``folder``; return each file's name, good markers and format."""
    folder.mkdir(parents=True, exist_ok=True)
    out: list[Hostile] = []
    for k, (name, bad) in enumerate(BAD_JSONL.items()):
        a, b = f"goodj{k}a", f"goodj{k}b"
        (folder / f"{name}.jsonl").write_bytes(
            _jsonl_good(a).encode() + b"\n" + bad + b"\n" + _jsonl_good(b).encode() + b"\n"
        )
        out.append(Hostile(f"{name}.jsonl", (a, b)))
    for k, (name, (bad, fmt)) in enumerate(BAD_CSV.items()):
        a, b = f"goodc{k}a", f"goodc{k}b"
        good_after = b"" if name.endswith("-last") else f"3,{_good(b)}\n".encode()
        (folder / f"{name}.csv").write_bytes(f"id,text\n1,{_good(a)}\n".encode() + bad + good_after)
        out.append(Hostile(f"{name}.csv", (a,) if not good_after else (a, b), fmt))
    unclosed_a, unclosed_b = "goodu1a", "goodu1b"
    (folder / "csv-unclosed-quote-mid.csv").write_bytes(
        f'id,text\n1,{_good(unclosed_a)}\n2,"opens and never closes\n3,{_good(unclosed_b)}\n'.encode()
    )
    out.append(Hostile("csv-unclosed-quote-mid.csv", (unclosed_a, unclosed_b)))
    lines = [_jsonl_good(f"goodz{k}") for k in range(30)]
    packed = gzip.compress(("\n".join(lines) + "\n").encode())
    cut = packed[: len(packed) * 2 // 3]
    readable = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(cut).decode()
    (folder / "gz-truncated.jsonl.gz").write_bytes(cut)
    # The records wholly before the break must come out.
    out.append(Hostile("gz-truncated.jsonl.gz", tuple(json.loads(x)["id"] for x in readable.split("\n")[:-1])))
    (folder / "gz-corrupt.jsonl.gz").write_bytes(packed[:30] + b"\xff" * 40 + packed[70:])
    out.append(Hostile("gz-corrupt.jsonl.gz", ()))
    (folder / "gz-not-gzip.jsonl.gz").write_bytes(b"plain text, not gzip\n")
    out.append(Hostile("gz-not-gzip.jsonl.gz", ()))
    for name, raw in BAD_DUMPS.items():
        (folder / f"{name}.txt").write_bytes(raw)
        out.append(Hostile(f"{name}.txt", ()))
    marker = "goodd1"
    (folder / "dump-good-beside-furniture.txt").write_bytes(
        f"Envoys Meet in Oslo\n\nShare\n\x1b[0m\n\n{_good(marker)}\n\n(((((((\n".encode()
    )
    out.append(Hostile("dump-good-beside-furniture.txt", (marker,)))
    (folder / "html-truncated.html").write_bytes(b"<html><body><article><p>" + _good("goodh1").encode() + b"<p><div")
    out.append(Hostile("html-truncated.html", ()))
    (folder / "html-deep.html").write_bytes(b"<html><body>" + b"<div>" * 5000 + b"deep" + b"</div>" * 5000)
    out.append(Hostile("html-deep.html", ()))
    return out
