"""Every stage's work grows in step with the text: four times the sentences cost about four times the steps.

Work is counted, not timed (speed lives in benchmarks/long_input.py): the Python lines each stage executes, traced
on a parsed text of n and of 4n sentences. Linear work gives a ratio near 4; a scan of the whole article per
event or per token gives about 16.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from types import FrameType
from typing import Any

import pytest

from eventwire.annotate import Context
from eventwire.pipeline import Pipeline
from eventwire.records import Article

# Sentences of our own, numbered so that every copy names other places and people; each codes an event.
SENTENCES = (
    "The army of Libya attacked rebels near Sirte on {n} March.",
    "Police in Nairobi arrested {n} protesters outside the parliament, officials said.",
    "The foreign minister of Peru met envoys from Bolivia in La Paz to discuss water rights.",
    '"We will not accept these terms," the spokesman of Iran told reporters in Geneva.',
    "The European Union imposed sanctions on {n} shipping firms accused of breaking the embargo.",
    "Egypt and Sudan agreed to reopen their embassies before the end of the year.",
)


def _text(sentences: int) -> str:
    return " ".join(SENTENCES[i % len(SENTENCES)].format(n=i // len(SENTENCES) + 1) for i in range(sentences))


class _LineCounter:
    """Counts the lines executed in eventwire's annotate modules, per stage."""

    def __init__(self) -> None:
        self.lines = 0

    def trace(self, frame: FrameType, event: str, arg: Any) -> Any:
        if "eventwire/annotate/" not in frame.f_code.co_filename.replace("\\", "/"):
            return None
        if event == "line":
            self.lines += 1
        return self.trace


def _stage_lines(pipe: Pipeline, sentences: int) -> Iterator[tuple[str, int]]:
    text = _text(sentences)
    article = Article(id=f"lin{sentences}", text=text, title="")
    doc = pipe.nlp(text)
    layers: dict[str, tuple[object, ...]] = {}
    for spec, run in pipe.stages:
        counter = _LineCounter()
        ctx = Context(article=article, doc=doc, layers=layers, nlp=pipe.nlp)
        sys.settrace(counter.trace)
        try:
            layers[spec.adds] = tuple(run(ctx))
        finally:
            sys.settrace(None)
        yield spec.name, counter.lines


@pytest.fixture(scope="module")
def counts() -> dict[int, dict[str, int]]:
    pipe = Pipeline()
    return {n: dict(_stage_lines(pipe, n)) for n in (30, 120)}


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["actors", "places", "dates", "quotes", "events"])
def test_annotate_stage_work_grows_linearly(counts: dict[int, dict[str, int]], stage: str) -> None:
    small, large = counts[30][stage], counts[120][stage]
    assert small > 0, f"{stage} ran no traced line"
    assert large / small < 6.0, f"{stage}: {small} lines for 30 sentences, {large} for 120 ({large / small:.1f}x)"


def test_annotate_line_counter_sees_quadratic_work() -> None:
    """The measure itself can fail: a scan per item over all items shows as about 16x for 4x the items."""

    def quadratic(items: list[int]) -> int:
        return sum(1 for a in items for b in items if a < b)

    def run(n: int) -> int:
        counter = _LineCounter()
        code = quadratic.__code__
        seen = {code.co_filename}

        def trace(frame: FrameType, event: str, arg: Any) -> Any:
            if frame.f_code.co_filename not in seen:
                return None
            if event == "line":
                counter.lines += 1
            return trace

        sys.settrace(trace)
        try:
            quadratic(list(range(n)))
        finally:
            sys.settrace(None)
        return counter.lines

    assert run(120) / run(30) > 10


def test_offsets_spans_and_disjoint_answer_as_a_scan_does() -> None:
    """The overlap indexes that replaced per-item scans give the scans' answers, empty spans and ties included."""
    import random

    from eventwire.annotate.offsets import Disjoint, Spans

    rng = random.Random(7)
    for _ in range(200):
        spans = [(s, s + rng.randint(0, 6)) for s in (rng.randint(0, 40) for _ in range(rng.randint(0, 12)))]
        index = Spans(spans)
        kept = Disjoint()
        scan: list[tuple[int, int]] = []
        for _ in range(30):
            a = rng.randint(0, 45)
            b = a + rng.randint(0, 6)
            assert index.overlaps(a, b) == any(s < b and a < e for s, e in spans), (spans, a, b)
            free = all(b <= s or a >= e for s, e in scan)
            assert kept.take(a, b) == free, (scan, a, b)
            if free:
                scan.append((a, b))
