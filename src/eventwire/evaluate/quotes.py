"""Scores the quotes stage against PolNeAR attribution relations (BRAT standoff: source, cue and content spans).

Content spans are compared as sets of word tokens (runs of letters and digits, so punctuation and quotation marks do
not count): a predicted content matches a gold one when their Jaccard overlap is at least 0.5, one to one, greedily
from the best overlap down. Predicted quotes that share a cue are scored as one content, as PolNeAR joins the pieces
of a quotation broken by "he said" into one relation. Speaker accuracy is the share of matched contents with a gold
source whose predicted speaker overlaps that source, or whose resolved name shares a word with it ("he" resolved to
"Michael Flynn" against gold "Flynn").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..annotate import REGISTRY, load_builtin_stages
from ..annotate.quotes import CLOSERS, DOUBLED, OPENERS, find_quoted
from ..errors import UsageError
from ..pipeline import Pipeline
from ..records import Article, Quote
from . import EvalReport, register_evaluator

# PolNeAR names each annotation file after its text plus an annotator tag: "<text stem>_<4 hex>.ann".
_ANNOTATOR = re.compile(r"_[0-9a-f]{4}$")
_WORD = re.compile(r"\w+")
MATCH_JACCARD = 0.5

Fragments = tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class GoldAttribution:
    content: Fragments
    source: Fragments
    direct: bool


@dataclass(frozen=True, slots=True)
class GoldDoc:
    name: str
    text: str
    attributions: tuple[GoldAttribution, ...]


@dataclass(frozen=True, slots=True)
class Scored:
    """One content to match: its word tokens, kind, and (for predictions) the speaker span and resolved name."""

    tokens: frozenset[int]
    direct: bool
    source: Fragments = ()
    speaker: tuple[int, int] | None = None
    speaker_name: str | None = None


def read_brat(gold: Path) -> list[GoldDoc]:
    """Every annotated text under ``gold``: the .ann next to its .txt, or PolNeAR's attributions/ + text/ layout.

    A text annotated by several people (PolNeAR's agreement subset) is read once, from the first file by name.
    """
    if not gold.is_dir():
        raise UsageError(f"--gold {gold}: not a directory of BRAT .ann files")
    docs: dict[str, GoldDoc] = {}
    for ann in sorted(gold.rglob("*.ann")):
        stem = _ANNOTATOR.sub("", ann.stem)
        txt = next(
            (
                p
                for p in (
                    ann.with_suffix(".txt"),
                    ann.parent / f"{stem}.txt",
                    ann.parent.parent / "text" / f"{stem}.txt",
                )
                if p.is_file()
            ),
            None,
        )
        if txt is None or stem in docs:
            continue
        text = txt.read_text(encoding="utf-8")
        docs[stem] = GoldDoc(
            name=stem, text=text, attributions=tuple(_parse_ann(ann.read_text(encoding="utf-8"), text))
        )
    if not docs:
        raise UsageError(f"--gold {gold}: no .ann file with its .txt found")
    return list(docs.values())


def _parse_ann(ann: str, text: str) -> Iterator[GoldAttribution]:
    spans: dict[str, Fragments] = {}
    relations: list[dict[str, str]] = []
    for line in ann.splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        if parts[0].startswith("T"):
            _, offsets = parts[1].split(" ", 1)
            spans[parts[0]] = tuple((int(a), int(b)) for a, b in (frag.split() for frag in offsets.split(";")))
        elif parts[0].startswith("E"):
            relations.append(dict(arg.split(":", 1) for arg in parts[1].split()))
    for rel in relations:
        content = tuple(f for role, ref in rel.items() if role.startswith("Content") for f in spans.get(ref, ()))
        if not content:
            continue
        source = spans.get(rel.get("Source", ""), ())
        yield GoldAttribution(content=content, source=source, direct=_in_marks(text, content))


def _in_marks(text: str, fragments: Fragments) -> bool:
    """Gold is direct when every piece of its content sits inside quotation marks (marks in or just outside it)."""
    for start, end in fragments:
        piece = text[start:end].strip()
        if not piece:
            return False
        # Marks are one character, or two apostrophes standing for one (`''...''`).
        marks_in = OPENERS | {DOUBLED}
        marks_out = CLOSERS | {DOUBLED}
        before = text[:start].rstrip()
        after = text[end:].lstrip()
        # The closing mark may follow the quote's own trailing comma or full stop: `...rubble,”`.
        tail = piece.rstrip(".,;:?!")
        opens = any(piece.startswith(m) or before.endswith(m) for m in marks_in)
        closes = any(piece.endswith(m) or tail.endswith(m) or after.startswith(m) for m in marks_out)
        if not (opens and closes):
            return False
    return True


def _word_index(text: str) -> tuple[list[int], list[int]]:
    starts, ends = [], []
    for m in _WORD.finditer(text):
        starts.append(m.start())
        ends.append(m.end())
    return starts, ends


def _tokens_in(index: tuple[list[int], list[int]], fragments: Iterable[tuple[int, int]]) -> frozenset[int]:
    import bisect

    starts, ends = index
    out: set[int] = set()
    for a, b in fragments:
        lo = bisect.bisect_right(ends, a)  # first word ending after a
        hi = bisect.bisect_left(starts, b)  # words starting before b
        out.update(range(lo, hi))
    return frozenset(out)


def _predicted(quotes: Sequence[Quote], index: tuple[list[int], list[int]]) -> list[Scored]:
    """Predicted quotes grouped by cue: the pieces of one quotation around "he said" score as one content."""
    groups: dict[Any, list[Quote]] = {}
    for i, q in enumerate(quotes):
        groups.setdefault(("cue", q.cue_start, q.kind) if q.cue_start is not None else ("alone", i), []).append(q)
    out = []
    for members in groups.values():
        speaker = next((q.speaker for q in members if q.speaker is not None), None)
        tokens = _tokens_in(index, ((q.start, q.end) for q in members))
        if not tokens:
            continue
        out.append(
            Scored(
                tokens=tokens,
                direct=members[0].kind == "direct",
                speaker=(speaker.start, speaker.end)
                if speaker and speaker.start is not None and speaker.end is not None
                else None,
                speaker_name=speaker.name if speaker else None,
            )
        )
    return out


def _match(gold: list[Scored], pred: list[Scored]) -> list[tuple[int, int]]:
    pairs = []
    for g, gs in enumerate(gold):
        for p, ps in enumerate(pred):
            inter = len(gs.tokens & ps.tokens)
            if inter:
                jac = inter / len(gs.tokens | ps.tokens)
                if jac >= MATCH_JACCARD:
                    pairs.append((jac, g, p))
    pairs.sort(reverse=True)
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _, g, p in pairs:
        if g not in used_g and p not in used_p:
            used_g.add(g)
            used_p.add(p)
            out.append((g, p))
    return out


def _speaker_right(text: str, gold: Scored, pred: Scored) -> bool:
    if pred.speaker is not None and any(a < pred.speaker[1] and pred.speaker[0] < b for a, b in gold.source):
        return True
    if pred.speaker_name:
        source_words = {w.lower() for a, b in gold.source for w in _WORD.findall(text[a:b])}
        name_words = {w.lower() for w in _WORD.findall(pred.speaker_name) if w[0].isupper()}
        return bool(source_words & name_words)
    return False


def _baseline(text: str) -> list[Quote]:
    """The trivial baseline: every double-quoted stretch is a direct quote, and nobody said it."""
    return [Quote(text=text[s.start : s.end], start=s.start, end=s.end, kind="direct") for s in find_quoted(text)]


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score(docs: Sequence[GoldDoc], predicted: Iterable[Sequence[Quote]]) -> tuple[dict[str, float], dict[str, Any]]:
    """Content precision/recall/F1 and speaker accuracy, for direct quotes, indirect ones and all together.

    Recall of a kind counts the gold contents of that kind that were matched; precision counts the predictions of
    that kind that matched any gold content (a prediction may be right about the words and wrong about the kind).
    """
    counts = {k: {"gold": 0, "pred": 0, "hit_g": 0, "hit_p": 0, "spk": 0, "spk_ok": 0} for k in ("direct", "indirect")}
    for d, quotes in zip(docs, predicted):
        index = _word_index(d.text)
        gold_items = [
            Scored(tokens=t, direct=a.direct, source=a.source)
            for a in d.attributions
            if (t := _tokens_in(index, a.content))
        ]
        pred_items = _predicted(quotes, index)
        for g in gold_items:
            counts["direct" if g.direct else "indirect"]["gold"] += 1
        for p in pred_items:
            counts["direct" if p.direct else "indirect"]["pred"] += 1
        for gi, pi in _match(gold_items, pred_items):
            g, p = gold_items[gi], pred_items[pi]
            counts["direct" if g.direct else "indirect"]["hit_g"] += 1
            counts["direct" if p.direct else "indirect"]["hit_p"] += 1
            if g.source:
                c = counts["direct" if g.direct else "indirect"]
                c["spk"] += 1
                c["spk_ok"] += _speaker_right(d.text, g, p)
    counts["all"] = {k: counts["direct"][k] + counts["indirect"][k] for k in counts["direct"]}
    metrics: dict[str, float] = {}
    for kind in ("all", "direct", "indirect"):
        c = counts[kind]
        precision = c["hit_p"] / c["pred"] if c["pred"] else 0.0
        recall = c["hit_g"] / c["gold"] if c["gold"] else 0.0
        prefix = "" if kind == "all" else f"{kind}_"
        metrics[f"{prefix}content_precision"] = round(precision, 4)
        metrics[f"{prefix}content_recall"] = round(recall, 4)
        metrics[f"{prefix}content_f1"] = round(_f1(precision, recall), 4)
        metrics[f"{prefix}speaker_accuracy"] = round(c["spk_ok"] / c["spk"], 4) if c["spk"] else 0.0
    return metrics, counts


@register_evaluator("quotes", help="quotes vs PolNeAR attribution (BRAT): content token-Jaccard F1, speaker accuracy")
def run(gold: Path, *, model: str | None = None, **options: Any) -> EvalReport:
    """Score the quotes stage (after entities, and actors when installed) on every annotated text under ``gold``.

    The trivial baseline (every double-quoted stretch a direct quote, no speaker) is scored beside it; its metrics
    are in ``details["baseline"]``.
    """
    if options:
        raise UsageError(f"eval quotes: unknown option {min(options)!r}")
    docs = read_brat(Path(gold))
    load_builtin_stages()
    stages = [s for s in ("entities", "actors", "quotes") if s in REGISTRY]
    pipe = Pipeline(model, stages=stages)
    predicted = [doc.quotes for doc in pipe.annotate(Article(id=d.name, text=d.text) for d in docs)]
    metrics, counts = score(docs, predicted)
    baseline, _ = score(docs, [_baseline(d.text) for d in docs])
    return EvalReport(
        name="quotes",
        dataset=str(gold),
        size=len(docs),
        metrics=metrics,
        details={
            "counts": counts,
            "stages": stages,
            "match": f"content = word tokens; match = Jaccard >= {MATCH_JACCARD}, one to one",
            "baseline": baseline,
        },
    )
