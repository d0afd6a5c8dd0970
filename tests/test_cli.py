"""The `eventwire` command through click's runner: output shapes, exit codes and the exact one-line errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventwire.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
STAGES = ["--stages", "entities"]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    rows = [
        {"id": "n1", "text": "Police in Lagos arrested twelve protesters on Friday.", "published": "2026-04-03",
         "source": "Daily Lantern", "title": "Arrests in Lagos"},
        {"id": "n2", "text": "The prime minister of Portugal visited Luanda to discuss oil contracts.",
         "published": "2026-04-05", "source": "Coastal Post", "title": "Lisbon and Luanda"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_cli_process_writes_one_json_object_per_article(runner: CliRunner, jsonl: Path) -> None:
    result = runner.invoke(main, ["process", str(jsonl), "-q", *STAGES])
    assert result.exit_code == 0, result.output
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["id"] for d in docs] == ["n1", "n2"]
    lagos = next(e for e in docs[0]["entities"] if e["text"] == "Lagos")
    assert docs[0]["text"][lagos["start"]:lagos["end"]] == "Lagos"
    assert docs[0]["origin"] == {"path": str(jsonl), "line": 1}


def test_cli_process_reads_stdin(runner: CliRunner) -> None:
    result = runner.invoke(main, ["process", "-", "-q", *STAGES], input='{"id": "s", "text": "Talks resumed in Doha."}\n')
    assert result.exit_code == 0
    assert json.loads(result.stdout)["id"] == "s"


def test_cli_process_bad_input_reports_and_goes_on(runner: CliRunner, jsonl: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "b1"}\n', encoding="utf-8")
    result = runner.invoke(main, ["process", str(bad), str(jsonl), "-q", *STAGES])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {bad}:1: record has no 'text'\n"
    assert len(result.stdout.splitlines()) == 2
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["process", "x.jsonl", "--model", "no_such_model_xyz"],
         "Error: --model no_such_model_xyz: no installed spaCy pipeline or model directory of that name\n", 1),
        (["process", "x.jsonl", "--stages", "entities,telepathy"],
         "Error: --stages: unknown stage 'telepathy'", 2),
        (["articles", "--db", "missing.db"],
         "Error: --db missing.db: no such database (create it with `eventwire ingest PATH --db missing.db`)\n", 1),
        (["eval", "nothing", "--gold", "."], "Error: eval: unknown scorer 'nothing'", 2),
        (["eval", "quotes", "--gold", ".", "--half", "tune"],
         "Error: --half: scorer 'quotes' does not split its gold into halves\n", 2),
    ],
)
def test_cli_user_errors_are_one_line(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      args: list[str], message: str, code: int) -> None:
    monkeypatch.chdir(tmp_path)
    Path("x.jsonl").write_text('{"text": "A."}\n')
    result = runner.invoke(main, args)
    assert result.exit_code == code
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize("scorer", ["geo", "timex", "quotes", "plover", "html", "conll"])
def test_cli_eval_with_a_file_that_is_no_gold_is_one_line(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scorer: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("notes.txt").write_text("just some words\n")
    result = runner.invoke(main, ["eval", scorer, "--gold", "notes.txt"])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: --gold notes.txt") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.output


def test_cli_bad_date_flag_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["events", "--since", "yesterday"])
    assert result.exit_code == 2
    assert "Error: Invalid value for --since: 'yesterday' is not a date (YYYY-MM-DD)" in result.stderr


def test_cli_ingest_summary_counts_one_in_the_singular(runner: CliRunner, tmp_path: Path) -> None:
    one = tmp_path / "one.jsonl"
    one.write_text('{"id": "s1", "text": "Rebels shelled a village near the border with Chad on Sunday."}\n'
                   '{"id": "s2", "text": \n', encoding="utf-8")
    db = str(tmp_path / "one.db")
    result = runner.invoke(main, ["ingest", str(one), "--db", db, "--stages", "entities,actors,dates,places,events"])
    assert result.exit_code == 1, result.output
    summary = result.stderr.strip().splitlines()[-1]
    assert summary.startswith(f"{db}: 1 new article stored with ") and summary.endswith(", 0 already stored, 1 input failed")


def test_cli_ingest_then_list_articles(runner: CliRunner, jsonl: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "e.db")
    first = runner.invoke(main, ["ingest", str(jsonl), "--db", db, *STAGES])
    assert first.exit_code == 0, first.output
    assert first.stderr.strip() == f"{db}: 2 new articles stored with 0 events, 0 already stored, 0 inputs failed"
    again = runner.invoke(main, ["ingest", str(jsonl), "--db", db, *STAGES])
    assert again.stderr.strip() == f"{db}: 0 new articles stored with 0 events, 2 already stored, 0 inputs failed"

    listed = runner.invoke(main, ["articles", "--db", db])
    assert [json.loads(x)["id"] for x in listed.stdout.splitlines()] == ["n2", "n1"]
    searched = runner.invoke(main, ["articles", "--db", db, "--search", "protesters", "--csv"])
    rows = list(csv.DictReader(io.StringIO(searched.stdout)))
    assert [r["id"] for r in rows] == ["n1"]
    dated = runner.invoke(main, ["articles", "--db", db, "--since", "2026-04-04", "--source", "Coastal Post"])
    assert [json.loads(x)["id"] for x in dated.stdout.splitlines()] == ["n2"]
    table = runner.invoke(main, ["articles", "--db", db, "--table"])
    assert table.stdout.splitlines()[0].split() == ["published", "source", "events", "title"]
    assert table.stdout.rstrip().endswith("(2 rows)")


def test_cli_help_lists_commands(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("process", "ingest", "articles", "events", "eval"):
        assert command in result.stdout
