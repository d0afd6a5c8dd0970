"""Scores the event coder against PLOVER gold standard records (one sentence, one event, its source and target).

Each gold sentence goes through the full default pipeline as a one-sentence article; its main event is compared.
The gold splits in two halves by a fixed hash of the record id: errors are read on "tune", floors gate "check".
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any, TypeVar

from ..errors import UsageError
from ..records import Actor, Article, Event
from . import EvalReport, register_evaluator

# The gold uses PLOVER 0.5 names; the coder speaks the 2021 draft (see data/events/NOTICE).
RENAMED: dict[str, str] = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}
HALVES = ("tune", "check")
T = TypeVar("T")


def half_of(record_id: str) -> str:
    """The half a record belongs to: the SHA-1 of its id, read as a number, even for tune and odd for check. Fixed
    for ever, so that what was tuned on never leaks into what is gated."""
    return HALVES[int(hashlib.sha1(record_id.encode("utf-8")).hexdigest(), 16) % 2]


def select_half(records: Iterable[T], half: str | None, key: Callable[[T], str] = attrgetter("id")) -> list[T]:
    """The records of one half (all of them for None or "all"), each placed by ``half_of(key(record))``; every
    scorer that splits its gold (PLOVER, timex, geo) selects through this."""
    if half in (None, "", "all"):
        return list(records)
    if half not in HALVES:
        raise UsageError(f"--half {half}: expected one of tune, check, all")
    return [r for r in records if half_of(key(r)) == half]


def half_label(dataset: str, half: str | None) -> str:
    """How a report names its data set when it scored one half."""
    return f"{dataset} ({half} half)" if half and half != "all" else dataset


@dataclass(frozen=True)
class GoldEvent:
    id: str
    text: str
    type: str
    source: frozenset[str]
    target: frozenset[str]


def read_gold(path: Path) -> list[GoldEvent]:
    """The gold records after the header, with 0.5 names mapped and actor codes reduced to country/IGO codes."""
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"--gold {path}: cannot read PLOVER gold records ({exc.__class__.__name__}: {exc})") from exc
    out: list[GoldEvent] = []
    for rec in records[1:]:
        if not isinstance(rec, dict) or not rec.get("text") or rec.get("event") in (None, "DOCUMENT"):
            continue
        out.append(
            GoldEvent(
                id=str(rec.get("id", len(out))),
                text=" ".join(str(rec["text"]).split()),
                type=RENAMED.get(str(rec["event"]), str(rec["event"])),
                source=_gold_codes(rec.get("source")),
                target=_gold_codes(rec.get("target")),
            )
        )
    return out


def _gold_codes(actors: Any) -> frozenset[str]:
    if not isinstance(actors, list):
        return frozenset()
    return frozenset(str(a.get("code", ""))[:3].upper() for a in actors if isinstance(a, dict) and a.get("code"))


def actor_codes(actors: Iterable[Actor]) -> frozenset[str]:
    """What we compare with the gold: the country, or the IGO/NGO/IMG family of international actors."""
    out = set()
    for a in actors:
        code = (a.code or "")[:3].upper()
        if code in ("IGO", "NGO", "IMG", "MNC"):
            out.add(code)
        elif a.country:
            out.add(a.country[:3].upper())
    return frozenset(out)


def agrees(ours: frozenset[str], gold: frozenset[str]) -> bool:
    """Agreement on one role: both empty, or at least one code in common (compound actors are partly listed)."""
    return (not ours and not gold) or bool(ours & gold)


def score(gold: Sequence[GoldEvent], coded: Sequence[Sequence[Event]], mains: Sequence[Event | None]) -> dict[str, Any]:
    n = len(gold)
    type_ok = src_ok = tgt_ok = full = matched = with_event = events = 0
    any_type = any_src = any_full = right_events = 0
    confusion: Counter[tuple[str, str]] = Counter()
    for g, evs, main in zip(gold, coded, mains):
        events += len(evs)
        # The figures over every coded event of the sentence, not only the main one (the independent check's).
        same = [e for e in evs if e.type == g.type]
        right_events += len(same)
        any_type += bool(same)
        with_src = [e for e in same if agrees(actor_codes(e.source), g.source)]
        any_src += bool(with_src)
        any_full += any(agrees(actor_codes(e.target), g.target) for e in with_src)
        if main is None:
            confusion[(g.type, "-")] += 1
            continue
        with_event += 1
        t = main.type == g.type
        s = agrees(actor_codes(main.source), g.source)
        r = agrees(actor_codes(main.target), g.target)
        type_ok += t
        src_ok += s
        tgt_ok += r
        full += t and s and r
        matched += t
        confusion[(g.type, main.type)] += 1
    metrics = {
        "type_accuracy": type_ok / n if n else 0.0,
        "source_country_agreement": src_ok / n if n else 0.0,
        "target_country_agreement": tgt_ok / n if n else 0.0,
        "full_match": full / n if n else 0.0,
        "precision": matched / with_event if with_event else 0.0,
        "coded_share": with_event / n if n else 0.0,
        "type_among_coded": any_type / n if n else 0.0,
        "type_source_among_coded": any_src / n if n else 0.0,
        "full_among_coded": any_full / n if n else 0.0,
        "event_precision": right_events / events if events else 0.0,
    }
    return {"metrics": metrics, "events": events, "confusion": confusion}


def _brief(e: Event) -> tuple[str, str, str, list[str], list[str]]:
    return (e.type, e.cameo or "", e.trigger.text, sorted(actor_codes(e.source)), sorted(actor_codes(e.target)))


def baseline(gold: Sequence[GoldEvent]) -> dict[str, Any]:
    """Most frequent type for every sentence, with no actors."""
    if not gold:
        return {}
    top, count = Counter(g.type for g in gold).most_common(1)[0]
    n = len(gold)
    full = sum(1 for g in gold if g.type == top and not g.source and not g.target)
    return {
        "type_accuracy": count / n,
        "source_country_agreement": sum(1 for g in gold if not g.source) / n,
        "target_country_agreement": sum(1 for g in gold if not g.target) / n,
        "full_match": full / n,
        "precision": count / n,
        "most_frequent_type": top,
    }


@register_evaluator(
    "plover", help="event type, source/target country and full match on PLOVER gold records (gsr.json)", halves=True
)
def run(
    gold: Path, *, model: str | None = None, limit: int | None = None, half: str | None = None, **options: Any
) -> EvalReport:
    from ..annotate.events import main_event
    from ..pipeline import Pipeline

    records = select_half(read_gold(Path(gold)), half)
    if limit:
        records = records[: int(limit)]
    pipe = Pipeline(model=model)
    articles = [Article(id=g.id, text=g.text) for g in records]
    coded: list[tuple[Event, ...]] = []
    mains: list[Event | None] = []
    # Parse once and keep the parse: the main event is the one highest in the tree.
    for parsed, article in pipe.nlp.pipe(((a.text, a) for a in articles), as_tuples=True, batch_size=32):
        doc = pipe.annotate_parsed(article, parsed)
        coded.append(doc.events)
        mains.append(main_event(doc.events, parsed))
    result = score(records, coded, mains)
    base = baseline(records)
    details: dict[str, Any] = {
        "model": pipe.model_name,
        "half": half or "all",
        "events": result["events"],
        "baseline": base,
        "errors": [
            {"id": g.id, "gold": g.type, "ours": m.type if m else None, "text": g.text}
            for g, m in zip(records, mains)
            if m is None or m.type != g.type
        ],
        # The independent scorer's misses: sentences where no coded event matches type, source and target, and
        # every event whose type is not the gold's, each with all the sentence's coded events.
        "coded_misses": [
            {
                "id": g.id,
                "gold": (g.type, sorted(g.source), sorted(g.target)),
                "coded": [_brief(e) for e in evs],
                "text": g.text,
            }
            for g, evs in zip(records, coded)
            if not any(
                e.type == g.type
                and agrees(actor_codes(e.source), g.source)
                and agrees(actor_codes(e.target), g.target)
                for e in evs
            )
            or any(e.type != g.type for e in evs)
        ],
        "actor_errors": [
            {
                "id": g.id,
                "gold": (sorted(g.source), sorted(g.target)),
                "ours": (sorted(actor_codes(m.source)), sorted(actor_codes(m.target))),
                "text": g.text,
            }
            for g, m in zip(records, mains)
            if m is not None
            and not (agrees(actor_codes(m.source), g.source) and agrees(actor_codes(m.target), g.target))
        ],
    }
    return EvalReport(name="plover", dataset=half_label(str(gold), half), size=len(records), metrics=result["metrics"], details=details)
