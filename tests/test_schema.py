"""The JSON Schema in the package describes what `eventwire process` really writes."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from eventwire.cli import main

REPO = Path(__file__).resolve().parents[1]


def schema() -> dict:
    return json.loads((resources.files("eventwire") / "schema" / "document.schema.json").read_text(encoding="utf-8"))


def test_schema_is_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())


def test_schema_validates_real_output_of_every_stage() -> None:
    """Full default pipeline over the bundled samples and an HTML page: every document must validate."""
    result = CliRunner().invoke(main, ["process", str(REPO / "samples"), str(REPO / "tests/fixtures/html"), "-q"])
    assert result.exit_code == 0, result.output
    validator = jsonschema.Draft202012Validator(schema())
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(docs) >= 5
    for doc in docs:
        errors = sorted(validator.iter_errors(doc), key=str)
        assert not errors, f"{doc['id']}: {errors[0].message} at {list(errors[0].absolute_path)}"
        for layer in ("entities", "places", "dates", "quotes"):
            for item in doc[layer]:
                # A place may stand in a caption: its offsets index that caption's text.
                field = item.get("field", "text")
                source = doc["text"] if field == "text" else doc["captions"][int(field.split(":")[1])]["text"]
                assert source[item["start"]:item["end"]] == item["text"]


def test_schema_rejects_a_document_missing_its_text() -> None:
    validator = jsonschema.Draft202012Validator(schema())
    bad = {"id": "x", "title": None}
    assert not validator.is_valid(bad)
