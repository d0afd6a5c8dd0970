"""Readers: format detection, JSON Lines, CSV, HTML, and the one-line errors for every kind of bad input."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from eventwire.errors import InputError
from eventwire.ingest import ReadOptions, content_id, read_inputs, sniff

FIXTURES = Path(__file__).parent / "fixtures"


def read(paths: list[str], **options: object) -> tuple[list, list[str]]:
    errors: list[InputError] = []
    articles = list(read_inputs(paths, errors.append, ReadOptions(**options)))  # type: ignore[arg-type]
    return articles, [str(e) for e in errors]


def write_jsonl(path: Path, records: list[object]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records), encoding="utf-8")
    return path


def test_ingest_jsonl_keeps_id_and_exact_text(tmp_path: Path) -> None:
    text = "  Envoys met in Oslo.\r\n\r\nThey talked for hours.  "
    path = write_jsonl(tmp_path / "a.jsonl", [{"id": 17, "text": text, "title": "Talks", "published": "2026-01-02T08:00:00Z",
                                             "url": "https://example.org/x", "source": "Example"}])
    (article,), errors = read([str(path)])
    assert errors == []
    assert article.id == "17"
    assert article.text == text
    assert article.published == "2026-01-02"
    assert article.origin.line == 1 and article.origin.path == str(path)
    assert (article.title, article.url, article.source) == ("Talks", "https://example.org/x", "Example")


def test_ingest_jsonl_hashes_id_when_missing(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [{"text": "A body.", "title": "T"}, {"text": "A body.", "title": "T"}])
    (first, second), _ = read([str(path)])
    assert first.id == second.id == content_id("T", "A body.")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("not json", "bad.jsonl:2: not valid JSON (Expecting value at column 1)"),
        ('{"id": "x"}', "bad.jsonl:2: record has no 'text'"),
        ('{"id": "x", "text": 5}', "bad.jsonl:2: 'text' must be a string, got int"),
        ('{"id": "x", "text": "   "}', "bad.jsonl:2: 'text' is empty"),
        ("[1, 2]", "bad.jsonl:2: expected a JSON object, got list"),
        ('{"id": [1], "text": "x"}', "bad.jsonl:2: 'id' must be a string or number, got list"),
        ('{"text": "' + "x" * 50 + '"}', "bad.jsonl:2: article of 50 characters is over the size limit (--max-chars 40)"),
    ],
)
def test_ingest_jsonl_bad_line_is_reported_and_the_rest_goes_on(tmp_path: Path, line: str, expected: str) -> None:
    path = write_jsonl(tmp_path / "bad.jsonl", [{"id": "a", "text": "First."}, line, {"id": "c", "text": "Third."}])
    articles, errors = read([str(path)], max_chars=40)
    assert [a.id for a in articles] == ["a", "c"]
    assert errors == [expected.replace("bad.jsonl", str(path))]


def test_ingest_jsonl_bad_published_is_kept_as_unknown(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [{"id": "a", "text": "Body.", "published": "last Tuesday"}])
    (article,), errors = read([str(path)])
    assert article.published is None
    assert errors == [f"{path}:1: 'published' value 'last Tuesday' is not a date; stored as unknown"]


def test_ingest_csv_reads_rows_with_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('id,title,text,published\nr1,One,"First body,\nwith a newline",2026-02-01\nr2,Two,Second body,\n',
                    encoding="utf-8")
    articles, errors = read([str(path)])
    assert errors == []
    assert [(a.id, a.origin.line, a.text) for a in articles] == [
        ("r1", 2, "First body,\nwith a newline"), ("r2", 4, "Second body")]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("id,title\n1,x\n", "{p}:1: CSV header has no 'text' column"),
        ("id,text\n1,ok\n2,too,many\n", "{p}:3: row has more fields than the header"),
        ("id,text\n1,\n", "{p}:2: 'text' is empty"),
    ],
)
def test_ingest_csv_bad_rows(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "a.csv"
    path.write_text(content, encoding="utf-8")
    _, errors = read([str(path)])
    assert errors == [expected.format(p=path)]


def test_ingest_html_extracts_body_and_metadata(tmp_path: Path) -> None:
    (article,), errors = read([str(FIXTURES / "html" / "ministry-talks.html")])
    assert errors == []
    assert article.title == "Neighbours agree to reopen border crossing after talks"
    assert article.published == "2026-03-04"
    assert article.author == "Mira Solberg"
    assert article.url == "https://courier.example.org/world/2026/03/04/border-crossing-talks"
    assert article.text.startswith("The foreign ministers of Armenia and Georgia agreed")
    assert article.text.endswith("stretch for several kilometres.")
    assert "Most read" not in article.text and "Copyright" not in article.text
    assert "\n\n" in article.text


def test_ingest_html_gzip_is_read(tmp_path: Path) -> None:
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress((FIXTURES / "html" / "ministry-talks.html").read_bytes()))
    (article,), errors = read([str(path)])
    assert errors == [] and "Tbilisi" in article.text


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.txt", b"", "{p}: empty file"),
        ("blank.jsonl", b"\n\n", "{p}: no records (only blank lines)"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "{p}: binary file, not text (use --format to force a reader)"),
        ("photo.csv", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01", "{p}: binary file, not text (use --format to force a reader)"),
        ("wide.jsonl", '{"text": "Talks resumed."}\n'.encode("utf-16-le"),
         "{p}: binary file, not text (use --format to force a reader)"),
        ("latin.jsonl", b'{"text": "caf\xe9"}\n', "{p}:1: not UTF-8 text (byte 0xe9 at column 14)"),
        ("cut.html", b"<html><head><title>Cut", "{p}: no article text found in the HTML page"),
    ],
)
def test_ingest_bad_files_get_one_line(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    good = write_jsonl(tmp_path / "good.jsonl", [{"id": "g", "text": "Still read."}])
    articles, errors = read([str(path), str(good)])
    assert [a.id for a in articles] == ["g"]
    assert errors == [expected.format(p=path)]


def test_ingest_named_csv_with_nul_and_broken_bytes_keeps_its_good_rows(tmp_path: Path) -> None:
    # The name says CSV: a few NULs and bytes that are not UTF-8 make bad rows, each named, not a "binary" file.
    path = tmp_path / "wire.csv"
    rows = [b"id,text", b"g0,Talks resumed in Doha."]
    for k in range(1, 4):
        rows += [b"bad," + b"\x00\x00\x00\x80", f"g{k},Row {k} was read.".encode()]
    path.write_bytes(b"\n".join(rows) + b"\n")
    articles, errors = read([str(path)])
    assert [a.id for a in articles] == ["g0", "g1", "g2", "g3"]
    assert errors and all(e.startswith(f"{path}:") and "binary" not in e for e in errors)


def test_ingest_missing_path_and_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    _, errors = read([str(tmp_path / "nope.txt"), str(tmp_path / "empty")])
    assert errors == [f"{tmp_path / 'nope.txt'}: no such file or directory", f"{tmp_path / 'empty'}: directory has no files to read (.txt, .html, .jsonl, .json, .csv, or no extension)"]


def test_ingest_directory_is_read_recursively_in_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    write_jsonl(tmp_path / "b" / "2.jsonl", [{"id": "two", "text": "Two."}])
    write_jsonl(tmp_path / "1.jsonl", [{"id": "one", "text": "One."}])
    write_jsonl(tmp_path / ".hidden.jsonl", [{"id": "hidden", "text": "No."}])
    (tmp_path / "README.md").write_text("# Notes about this folder\n\nNot an article.\n")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n")
    articles, errors = read([str(tmp_path)])
    assert [a.id for a in articles] == ["one", "two"] and errors == []


@pytest.mark.parametrize(
    ("head", "fmt"),
    [
        (b'{"id": 1, "text": "x"}', "jsonl"),
        (b"\xef\xbb\xbf<!DOCTYPE html><html>", "html"),
        (b"id,title,text\n1,a,b", "csv"),
        (b"Ministers meet in Rome\n\nThe ministers met.", "dump"),
        (b"Prices, wages and text messages\n\nA body.", "dump"),
    ],
)
def test_ingest_sniff_detects_format(head: bytes, fmt: str) -> None:
    assert sniff(head) == fmt


def test_ingest_forced_format_overrides_detection(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "data.txt", [{"id": "x", "text": "Forced."}])
    articles, errors = read([str(path)], fmt="jsonl")
    assert [a.id for a in articles] == ["x"] and errors == []


# --- hostile records: each costs its own line only (issue 11, section 2) ----------------------------------------

@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("[" * 1100 + "]" * 1100, "JSON nested too deeply"),
        ('{"a":' * 1100 + "1" + "}" * 1100, "JSON nested too deeply"),
        ('{"text": "x", "n": ' + "9" * 5000 + "}", "JSON number too long (over 4,300 digits)"),
        ('{"text": "Bad \\ud800 text."}', "'text' is not valid Unicode (lone surrogate U+D800 at position 5)"),
        ('{"text": "Fine.", "title": "T\\udc00"}', "'title' is not valid Unicode (lone surrogate U+DC00 at position 2)"),
        ('{"id": "\\ud800", "text": "Fine."}', "'id' is not valid Unicode (lone surrogate U+D800 at position 1)"),
        ('{"text": "Fine.", "source": "\\udfff"}', "'source' is not valid Unicode (lone surrogate U+DFFF at position 1)"),
        ('{"text": "a\\u0000b"}', "'text' holds a NUL character at position 2"),
        ('{"id": true, "text": "Fine."}', "'id' must be a string or number, got bool"),
    ],
    ids=["deep-array", "deep-object", "big-int", "surrogate-text", "surrogate-title", "surrogate-id",
         "surrogate-source", "nul", "bool-id"],
)
def test_ingest_jsonl_hostile_record_costs_only_its_line(tmp_path: Path, line: str, problem: str) -> None:
    path = write_jsonl(tmp_path / "h.jsonl", [{"id": "a", "text": "First."}, line, {"id": "c", "text": "Third."}])
    articles, errors = read([str(path)])
    assert [a.id for a in articles] == ["a", "c"]
    assert errors == [f"{path}:2: {problem}"]


@pytest.mark.parametrize("damage", ["truncated", "corrupt"])
def test_ingest_jsonl_gzip_damage_keeps_the_records_before_it(tmp_path: Path, damage: str) -> None:
    lines = [json.dumps({"id": f"r{k}", "text": f"Record {k} of the archive."}) for k in range(400)]
    packed = gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0)
    cut = len(packed) * 2 // 3
    data = packed[:cut] if damage == "truncated" else packed[:cut] + b"\x00" * 64 + packed[cut + 64:]
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(data)
    articles, errors = read([str(path)])
    # Deflate may decode damaged bytes into garbage lines (each its own error) before the check fails at the end.
    assert "compressed data is truncated or corrupt" in errors[-1]
    good = [a.id for a in articles if a.text.startswith("Record")]
    assert 0 < len(good) < 400 and good[: cut // 10] == [f"r{k}" for k in range(cut // 10)]
    if damage == "truncated":
        assert len(errors) == 1 and errors[0].startswith(f"{path}:{len(articles) + 1}:")


@pytest.mark.parametrize(
    ("content", "fmt", "ids", "expected"),
    [
        (b'id,text\n1,First.\n2,"Caf\xe9 row."\n3,Third.\n', "auto", ["1", "3"],
         ["{p}:3: not UTF-8 text (byte 0xe9 in column 'text'); row skipped"]),
        (b'id,text\n1,First.\n2,"Two\nlines \xff here."\n3,Third.\n', "auto", ["1", "3"],
         ["{p}:4: not UTF-8 text (byte 0xff in column 'text'); row skipped"]),
        (b"id,text\n1,First.\n2,A \x00 byte.\n3,Third.\n", "csv", ["1", "3"],
         ["{p}:3: 'text' holds a NUL character at position 3"]),
        (b"id,text\n1,First.\n2,A \x00 byte.\n3,Third.\n", "auto", ["1", "3"],
         ["{p}:3: 'text' holds a NUL character at position 3"]),
        (b'id,text\n1,First.\n2,"never closed\n3,Third.\n4,Fourth.\n', "auto", ["1", "3", "4"],
         ["{p}:3: unclosed quote: the quoted field opened on this line never ends"]),
        (b'id,text\n1,First.\n2,"never closed\n', "auto", ["1"],
         ["{p}:3: unclosed quote: the quoted field opened on this line never ends"]),
        (b'id,text\r\n1,"a ""quoted"" word."\r\n2,"two\r\nlines."\r\n3,5" screen.\r\n', "auto", ["1", "2", "3"], []),
    ],
    ids=["not-utf8", "not-utf8-second-line", "nul-format-csv", "nul-auto", "unclosed-mid", "unclosed-last",
         "valid-quotes"],
)
def test_ingest_csv_bad_row_costs_only_that_row(
    tmp_path: Path, content: bytes, fmt: str, ids: list[str], expected: list[str]
) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(content)
    articles, errors = read([str(path)], fmt=fmt)
    assert [a.id for a in articles] == ids
    assert errors == [e.format(p=path) for e in expected]


def test_ingest_sentence_cap_cuts_runs_without_punctuation(nlp) -> None:  # type: ignore[no-untyped-def]
    from eventwire.ingest.limits import MAX_SENTENCE_TOKENS, add_sentence_cap

    add_sentence_cap(nlp)
    add_sentence_cap(nlp)  # once only
    assert nlp.pipe_names.count("eventwire_sentence_cap") == 1
    long_run = "the army attacked rebels in town and " * 100
    doc = nlp(long_run + "then left. Talks resumed on Monday.")
    assert doc.text == long_run + "then left. Talks resumed on Monday."
    assert max(len(s) for s in doc.sents) <= MAX_SENTENCE_TOKENS
    assert [s.text for s in nlp("Talks resumed on Monday. The envoy left.").sents] == [
        "Talks resumed on Monday.", "The envoy left."]


def test_ingest_a_blank_line_always_ends_a_sentence(nlp) -> None:  # type: ignore[no-untyped-def]
    from eventwire.ingest.limits import add_sentence_cap

    add_sentence_cap(nlp)
    # A quotation closing its paragraph had run on into the next one ("...its weapons.” Congo's president...").
    text = ("“We ask every army and every armed group to lay down its weapons.”\n\n"
            "Congo’s president accused Rwanda of sending thousands of troops.\n \nThe talks end on Friday")
    sents = [s.text.strip() for s in nlp(text).sents]
    assert sents == [
        "“We ask every army and every armed group to lay down its weapons.”",
        "Congo’s president accused Rwanda of sending thousands of troops.",
        "The talks end on Friday",
    ]
    # A single line break (a wrapped line) is no boundary of its own.
    assert len(list(nlp("The envoy said the talks\nwould resume on Monday.").sents)) == 1
