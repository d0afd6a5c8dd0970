"""Scorers against external gold data, one module per gold format, each registered under a name.

``eventwire eval NAME --gold PATH`` runs one; tests/test_eval_gate.py keeps each score above the floor stored in
tests/eval_floors/NAME.json. Gold data is never shipped: every scorer takes its path as an argument.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class EvalReport:
    """What a scorer found: headline metrics (0..1 unless named otherwise) and the size of the gold it read."""

    name: str
    dataset: str
    size: int
    metrics: dict[str, float]
    details: dict[str, Any] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"{self.name}: {self.dataset} ({self.size} items)"]
        width = max((len(k) for k in self.metrics), default=0)
        out += [f"  {k.ljust(width)}  {v:.3f}" for k, v in self.metrics.items()]
        return out


# An evaluator takes the gold path and keyword options (model=...) and returns a report.
Evaluator = Callable[..., EvalReport]


@dataclass(frozen=True)
class EvaluatorSpec:
    name: str
    help: str
    run: Evaluator
    # Whether the scorer splits its gold into tune and check halves (``--half``).
    halves: bool = False


EVALUATORS: dict[str, EvaluatorSpec] = {}


def register_evaluator(name: str, help: str, halves: bool = False) -> Callable[[Evaluator], Evaluator]:
    def wrap(fn: Evaluator) -> Evaluator:
        EVALUATORS[name] = EvaluatorSpec(name=name, help=help, run=fn, halves=halves)
        return fn

    return wrap


def load_evaluators() -> dict[str, EvaluatorSpec]:
    """Import every scorer module in this package so that each registers itself."""
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        importlib.import_module(f"{__name__}.{info.name}")
    return EVALUATORS
