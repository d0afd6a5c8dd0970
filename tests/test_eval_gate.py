"""The accuracy gate: every scorer with a floor file in tests/eval_floors must score at or above its floors.

Floors are raised when we improve and never lowered quietly. Each needs the external gold data in ../shared/eval,
and skips (with the reason) when it is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventwire.evaluate import load_evaluators

FLOORS = sorted((Path(__file__).parent / "eval_floors").glob("*.json"))


@pytest.mark.slow
@pytest.mark.parametrize("floor_file", FLOORS, ids=[f.stem for f in FLOORS])
def test_eval_gate_scores_stay_above_floors(floor_file: Path, request: pytest.FixtureRequest) -> None:
    spec = json.loads(floor_file.read_text(encoding="utf-8"))
    # Gold we wrote ourselves lives in tests/fixtures; external gold in ../shared.
    if spec["gold"].startswith("fixtures/"):
        gold = Path(__file__).parent / spec["gold"]
    else:
        gold = request.getfixturevalue("shared") / spec["gold"]
    if not gold.exists():
        pytest.skip(f"gold data not found at {gold}")
    name = spec.get("evaluator", floor_file.stem)
    evaluators = load_evaluators()
    assert name in evaluators, f"no scorer registered as {name!r}"
    report = evaluators[name].run(gold, **spec.get("options", {}))
    below = {m: (report.metrics.get(m), floor) for m, floor in spec["floors"].items()
             if report.metrics.get(m, -1.0) < floor}
    assert not below, f"{name}: below floor (score, floor): {below}"


def test_eval_gate_floor_files_are_well_formed() -> None:
    for floor_file in FLOORS:
        spec = json.loads(floor_file.read_text(encoding="utf-8"))
        assert set(spec) <= {"gold", "options", "floors", "evaluator"}, floor_file.name
        assert spec["floors"] and all(0.0 <= v <= 1.0 for v in spec["floors"].values()), floor_file.name
