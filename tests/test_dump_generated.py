"""Eval floor for the dump splitter over generated dumps (benchmarks/dump_corpus.py) on a seed not used for tuning."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Floors on the report seed 2, 300 files (rules and weights were set on seed 1), as measured on 2026-12-07
# (0.987 / 0.997 / 0.985 after d2e9f5b, docs/evaluation.md): raise them when the splitter improves.
FLOORS = {"count_accuracy": 0.98, "titles_found": 0.99, "exact_bodies": 0.98}


@pytest.mark.slow
def test_dump_generated_layouts_stay_above_floors(shared: Path) -> None:
    corpus = shared / "corpus" / "bbc"
    if not corpus.is_dir():
        pytest.skip(f"BBC corpus not found at {corpus}")
    spec = importlib.util.spec_from_file_location("dump_corpus", ROOT / "benchmarks" / "dump_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["dump_corpus"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    result = module.score(module.generate(corpus, seed=2, files=300))
    below = {k: (getattr(result, k), v) for k, v in FLOORS.items() if getattr(result, k) < v}
    assert not below, below
