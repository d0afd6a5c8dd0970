"""Scores the ACLED categories against sentences labelled with ACLED sub-event types.

The gold is a table (tab- or comma-separated, with a header) with the sentence in ``text`` (or ``notes``, as in
ACLED's own exports) and its ``sub_event_type`` ("none" or empty: nothing ACLED records); ``event_type`` is
derived from the sub-event type when absent, and an optional ``batch`` column gets its own figures. Each sentence
goes through the full default pipeline as a one-sentence article; its ACLED event is the one decided by the
earliest rule of data/acled/rules.toml (the most specific), the first in the text on ties.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..acled import NONE, Rule, Rules, categories, load_rules
from ..errors import UsageError
from ..records import Article, Document, Event
from . import EvalReport, register_evaluator


@dataclass(frozen=True)
class GoldSentence:
    id: str
    text: str
    sub_event_type: str  # NONE when nothing ACLED records
    event_type: str
    batch: str = ""


def read_gold(path: Path) -> list[GoldSentence]:
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--gold {path}: cannot read ({exc.__class__.__name__}: {exc})") from exc
    lines = [line for line in raw.splitlines() if line.strip() and not line.startswith("#")]
    if not lines:
        raise UsageError(f"--gold {path}: no rows")
    delimiter = "\t" if "\t" in lines[0] else ","
    reader = csv.DictReader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    fields = set(reader.fieldnames or ())
    text_col = "text" if "text" in fields else "notes" if "notes" in fields else None
    if text_col is None or "sub_event_type" not in fields:
        raise UsageError(f"--gold {path}: needs columns text (or notes) and sub_event_type")
    known = categories()
    out: list[GoldSentence] = []
    for n, row in enumerate(reader, start=2):
        sub = (row.get("sub_event_type") or "").strip() or NONE
        if sub != NONE and sub not in known:
            raise UsageError(f"--gold {path}: row {n}: unknown sub_event_type {sub!r}")
        event_type = (row.get("event_type") or "").strip() or (known[sub].event_type if sub != NONE else NONE)
        out.append(GoldSentence(id=(row.get("id") or str(n)).strip(), text=" ".join((row[text_col] or "").split()),
                                sub_event_type=sub, event_type=event_type, batch=(row.get("batch") or "").strip()))
    return out


def acled_event(events: Sequence[Event], rules: Rules) -> Event | None:
    """The sentence's ACLED event: the typed event of the earliest (most specific) rule, the first on ties."""
    best: tuple[int, int] | None = None
    pick = None
    for ev, verdict in zip(events, rules.classify_all(events), strict=True):
        if ev.acled_sub_type is None:
            continue
        rank = (verdict.rule if verdict else 10_000, ev.trigger.start)
        if best is None or rank < best:
            best, pick = rank, ev
    return pick


def predictions(docs: Iterable[Document], rules: Rules) -> list[tuple[str, str]]:
    out = []
    for doc in docs:
        ev = acled_event(doc.events, rules)
        out.append((ev.acled_type or NONE, ev.acled_sub_type or NONE) if ev else (NONE, NONE))
    return out


def score(gold: Sequence[GoldSentence], predicted: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Accuracy of types and sub-types overall and per batch, and per gold label (its recall)."""
    metrics: dict[str, float] = {}
    per: dict[str, dict[str, list[int]]] = {"event_type": defaultdict(lambda: [0, 0]),
                                            "sub_event_type": defaultdict(lambda: [0, 0])}
    confusion: Counter[tuple[str, str]] = Counter()
    batches = sorted({g.batch for g in gold if g.batch})
    for subset, label in [(list(range(len(gold))), ""), *(
            ([i for i, g in enumerate(gold) if g.batch == b], f"batch_{b}_") for b in batches)]:
        if not subset:
            continue
        metrics[f"{label}type_accuracy"] = sum(gold[i].event_type == predicted[i][0] for i in subset) / len(subset)
        metrics[f"{label}sub_type_accuracy"] = (
            sum(gold[i].sub_event_type == predicted[i][1] for i in subset) / len(subset))
    events = [i for i, g in enumerate(gold) if g.sub_event_type != NONE]
    if events:
        metrics["event_sub_type_accuracy"] = sum(gold[i].sub_event_type == predicted[i][1] for i in events) / len(events)
    for g, (ptype, psub) in zip(gold, predicted, strict=True):
        for key, want, got in (("event_type", g.event_type, ptype), ("sub_event_type", g.sub_event_type, psub)):
            for table in (key, f"batch_{g.batch}_{key}") if g.batch else (key,):
                per.setdefault(table, defaultdict(lambda: [0, 0]))
                per[table][want][0] += want == got
                per[table][want][1] += 1
        if g.sub_event_type != psub:
            confusion[(g.sub_event_type, psub)] += 1
    details: dict[str, Any] = {
        key: {label: {"correct": c, "total": t, "accuracy": round(c / t, 3)} for label, (c, t) in sorted(rows.items())}
        for key, rows in per.items()
    }
    details["confusion"] = [{"gold": g, "predicted": p, "count": n} for (g, p), n in confusion.most_common()]
    return {"metrics": metrics, "details": details}


@register_evaluator("acled", "ACLED event and sub-event types of labelled sentences (TSV/CSV: text, sub_event_type)")
def evaluate_acled(gold_path: Path, model: str | None = None) -> EvalReport:
    from ..annotate import REGISTRY
    from ..pipeline import Pipeline

    gold = read_gold(Path(gold_path))
    pipe = Pipeline(model)
    rules = load_rules()
    docs = list(pipe.annotate(Article(id=g.id, text=g.text) for g in gold))
    result = score(gold, predictions(docs, rules))
    # The baseline: the events stage's own events, typed by the rules that read only PLOVER type, mode and CAMEO
    # code (no words, no actors), as a hand-made PLOVER -> ACLED table would.
    plain = Rules(rules=tuple(r for r in rules.rules if _codes_only(r)), groups=rules.groups,
                  categories=rules.categories)
    from ..annotate import DEFAULT_STAGES

    events_only = Pipeline(stages=[n for n in DEFAULT_STAGES if n != "acled" and n in REGISTRY], nlp=pipe.nlp)
    bare = [replace(d, events=tuple(_label(e, plain) for e in d.events))
            for d in events_only.annotate(Article(id=g.id, text=g.text) for g in gold)]
    base = score(gold, predictions(bare, plain))["metrics"]
    metrics = {**result["metrics"], "baseline_type_accuracy": base["type_accuracy"],
               "baseline_sub_type_accuracy": base["sub_type_accuracy"]}
    return EvalReport(name="acled", dataset=str(gold_path), size=len(gold), metrics=metrics,
                      details=result["details"])


def _codes_only(rule: Rule) -> bool:
    return all(getattr(rule, c) is None for c in ("trigger", "words", "also", "unless", "source", "target",
                                                   "source_not", "target_not"))


def _label(ev: Event, rules: Rules) -> Event:
    v = rules.classify(ev)
    return replace(ev, acled_type=v.event_type if v else None, acled_sub_type=v.sub_event_type if v else None)
