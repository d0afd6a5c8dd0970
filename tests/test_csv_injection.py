"""No exported cell opens like a spreadsheet formula (issue #16): every CSV/TSV path, the CLI's and the API's, over
articles whose title, outlet and author begin with = + - @."""

from __future__ import annotations

import csv
import io
import json
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventwire.cli import main
from eventwire.export import spreadsheet_safe

FORMULA_OPENERS = ("=", "+", "-", "@", "\t", "\r")
ARTICLES = [
    {"id": "f1", "title": '=HYPERLINK("http://evil.example","click")', "source": "@SUM(A1:A9)",
     "author": "+1 555 0100", "published": "2026-03-01",
     "text": "Turkey carried out airstrikes in northern Iraq on Monday. Greece and Bulgaria began talks in Sofia."},
    {"id": "f2", "title": "-2+3 and other sums", "source": "Plain Post", "published": "2026-03-02",
     "text": "Protesters marched in Athens against the new tax law."},
]


def test_spreadsheet_safe_quotes_formulas_and_keeps_numbers() -> None:
    assert spreadsheet_safe("=1+1") == "'=1+1"
    assert spreadsheet_safe("@cmd") == "'@cmd"
    assert spreadsheet_safe("-cmd|' /C calc'!A0") == "'-cmd|' /C calc'!A0"
    assert spreadsheet_safe("\tx") == "'\tx"
    for kept in ("-3.5", "+12", "-0.25e3", "Athens", "", "a=b"):
        assert spreadsheet_safe(kept) == kept
    assert spreadsheet_safe(-3.5) == -3.5 and spreadsheet_safe(None) is None


def _cells(text: str, delimiter: str = ",") -> list[str]:
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    assert len(rows) > 1, text
    return [cell for row in rows[1:] for cell in row]


def _assert_no_formula(cells: list[str]) -> None:
    bad = [c for c in cells if c.startswith(FORMULA_OPENERS) and c != spreadsheet_safe(c)]
    assert not bad, bad


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("csv-injection")
    feed = folder / "feed.jsonl"
    feed.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    path = str(folder / "f.db")
    result = CliRunner().invoke(main, ["ingest", str(feed), "--db", path])
    assert result.exit_code == 0, result.output
    return path


def test_cli_csv_exports_neutralise_formulas(db: str) -> None:
    runner = CliRunner()
    articles = runner.invoke(main, ["articles", "--db", db, "--csv"])
    assert articles.exit_code == 0, articles.output
    cells = _cells(articles.stdout)
    assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in cells and "'@SUM(A1:A9)" in cells
    _assert_no_formula(cells)
    for fmt, delimiter in (("csv", ","), ("acled", ","), ("gdelt", "\t")):
        events = runner.invoke(main, ["events", "--db", db, "--format", fmt])
        assert events.exit_code == 0, events.output
        _assert_no_formula(_cells(events.stdout, delimiter))


def test_api_csv_twins_neutralise_formulas(db: str) -> None:
    pytest.importorskip("starlette", reason="the web extra is not installed: pip install 'eventwire[web]'")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

        from eventwire.web import create_app

        with TestClient(create_app(Path(db)), raise_server_exceptions=False) as client:
            for path in ("/articles.csv", "/events.csv"):
                response = client.get(path)
                assert response.status_code == 200, response.text
                cells = _cells(response.text)
                _assert_no_formula(cells)
            assert "'@SUM(A1:A9)" in _cells(client.get("/articles.csv").text)
