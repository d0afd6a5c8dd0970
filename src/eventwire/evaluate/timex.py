"""Scores the dates stage against TIMEX3 gold: TimeML .tml (TempEval-3) and NewsReader MEANTIME CAT XML.

Each document's text goes through the Pipeline (entities + dates) with its creation time as the publication date;
the creation-time expression itself is not scored, as it is given, not found.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..records import Article, TimeRef
from . import EvalReport, register_evaluator


@dataclass(frozen=True)
class GoldTimex:
    start: int
    end: int
    text: str
    type: str
    value: str


@dataclass(frozen=True)
class GoldDoc:
    id: str
    text: str
    dct: str | None
    timexes: tuple[GoldTimex, ...]
    format: str
    # Spans that hold the creation time in the text (MEANTIME prints it under the title): not scored either way.
    ignore: tuple[tuple[int, int], ...] = ()
    # The corpus it belongs to when a folder of corpora is read: its top-level subfolder ("tbaq", "te3-platinum").
    corpus: str = ""


def read_tml(path: Path) -> GoldDoc:
    """A TimeML file: the text is what sits inside <TEXT>, tags stripped, with each TIMEX3's character span."""
    root = ET.parse(path).getroot()
    dct_el = root.find("DCT/TIMEX3")
    dct = dct_el.get("value") if dct_el is not None else None
    body = root.find("TEXT")
    parts: list[str] = []
    timexes: list[GoldTimex] = []
    pos = 0

    def walk(el: ET.Element) -> None:
        nonlocal pos
        start = pos
        if el.text:
            parts.append(el.text)
            pos += len(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
                pos += len(child.tail)
        if el.tag == "TIMEX3":
            text = "".join(parts)[start:pos]
            timexes.append(GoldTimex(start, pos, text, el.get("type", ""), el.get("value", "")))

    if body is not None:
        walk(body)
    return GoldDoc(path.stem, "".join(parts), dct, tuple(timexes), "timeml")


# Tokens glued to the one before ("," "." "'s" "n't") or to the one after ("(" "$").
_NO_SPACE_BEFORE = re.compile(r"^(?:[.,;:!?%)\]}]|'s|'re|'ve|'ll|'d|n't|'m|')$", re.IGNORECASE)
_NO_SPACE_AFTER = {"(", "[", "{", "$", "``", "#"}


# The sentences MEANTIME annotates in full: the headline (0), the date line (1) and the first four of the body.
_ANNOTATED_SENTENCES = 5


def read_cat(path: Path) -> GoldDoc:
    """A MEANTIME CAT file: tokens joined back into text (title, dateline and body in their own paragraphs)."""
    root = ET.parse(path).getroot()
    offsets: dict[str, tuple[int, int]] = {}
    sentence_of: dict[str, int] = {}
    sentence_end: dict[int, int] = {}
    out: list[str] = []
    pos = 0
    prev_sent: str | None = None
    prev_tok = ""
    for tok in root.iter("token"):
        word = tok.text or ""
        sent = tok.get("sentence")
        if prev_sent is None:
            sep = ""
        elif sent != prev_sent and prev_sent in ("0", "1"):
            sep = "\n\n"  # sentence 0 is the headline, sentence 1 the date line
        elif _NO_SPACE_BEFORE.match(word) or prev_tok in _NO_SPACE_AFTER:
            sep = ""
        else:
            sep = " "
        out.append(sep + word)
        pos += len(sep)
        offsets[tok.get("t_id", "")] = (pos, pos + len(word))
        sentence_of[tok.get("t_id", "")] = int(sent or 0)
        pos += len(word)
        sentence_end[int(sent or 0)] = pos
        prev_sent, prev_tok = sent, word
    text = "".join(out)
    timexes: list[GoldTimex] = []
    ignore: list[tuple[int, int]] = []
    dct = None
    markables = root.find("Markables")
    for el in markables.iter("TIMEX3") if markables is not None else ():
        ids = [a.get("t_id", "") for a in el.iter("token_anchor")]
        spans = [offsets[i] for i in ids if i in offsets]
        if not spans:
            continue  # a timex with no tokens: implied by the text, nothing to find
        start, end = min(s for s, _ in spans), max(e for _, e in spans)
        if el.get("functionInDocument") == "CREATION_TIME":
            dct = dct or el.get("value")
            ignore.append((start, end))
            continue
        timexes.append(GoldTimex(start, end, text[start:end], el.get("type", ""), el.get("value", "")))
    # MEANTIME annotates time expressions only in the headline and the first sentences (entity and event chains go
    # further): text past the last sentence that holds a time, signal or value markable is not scored.
    last = _ANNOTATED_SENTENCES
    for el in markables if markables is not None else ():
        if el.tag in ("TIMEX3", "SIGNAL", "C-SIGNAL", "VALUE"):
            last = max([last] + [sentence_of.get(a.get("t_id", ""), 0) for a in el.iter("token_anchor")])
    if last in sentence_end and sentence_end[last] < len(text):
        ignore.append((sentence_end[last], len(text)))
    return GoldDoc(root.get("doc_name") or path.stem, text, dct, tuple(timexes), "meantime", tuple(ignore))


def read_gold(path: Path) -> Iterator[GoldDoc]:
    """Every gold document under ``path`` (a file or a folder), the format told from each file's root element."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.suffix in (".tml", ".xml"))
    for f in files:
        try:
            tag = ET.parse(f).getroot().tag
        except ET.ParseError:
            continue
        rel = f.relative_to(path).parts if f != path else ()
        corpus = rel[0] if len(rel) > 1 else ""
        if tag == "TimeML":
            yield replace(read_tml(f), corpus=corpus)
        elif tag == "Document":
            yield replace(read_cat(f), corpus=corpus)


def _is_iso_day(value: str | None) -> bool:
    return bool(value and re.fullmatch(r"\d{4}-\d\d-\d\d", value[:10]))


@dataclass
class _Tally:
    gold: int = 0
    pred: int = 0
    strict: int = 0
    relaxed: int = 0
    value: int = 0
    type: int = 0

    def metrics(self) -> dict[str, float]:
        def f1(hit: int) -> float:
            return 2 * hit / (self.gold + self.pred) if self.gold + self.pred else 0.0

        return {
            "strict_f1": f1(self.strict),
            "relaxed_f1": f1(self.relaxed),
            "relaxed_precision": self.relaxed / self.pred if self.pred else 0.0,
            "relaxed_recall": self.relaxed / self.gold if self.gold else 0.0,
            "value_accuracy": self.value / self.relaxed if self.relaxed else 0.0,
            "type_accuracy": self.type / self.relaxed if self.relaxed else 0.0,
            "value_f1": f1(self.value),
        }


def score(docs: list[GoldDoc], predictions: list[list[Any]]) -> tuple[dict[str, _Tally], list[dict[str, Any]]]:
    """Match predictions to gold one to one (overlap), per format and overall; the misses, for reading."""
    tallies: dict[str, _Tally] = {"all": _Tally()}
    errors: list[dict[str, Any]] = []
    for doc, preds in zip(docs, predictions):
        tally = tallies.setdefault(doc.format, _Tally())
        preds = [p for p in preds if not any(p.start < e and s < p.end for s, e in doc.ignore)]
        used: set[int] = set()
        counts = _Tally(gold=len(doc.timexes), pred=len(preds))
        for g in doc.timexes:
            hit = next((i for i, p in enumerate(preds) if i not in used and p.start < g.end and g.start < p.end), None)
            if hit is None:
                errors.append({"doc": doc.id, "kind": "missed", "gold": g.text, "value": g.value})
                continue
            used.add(hit)
            p = preds[hit]
            counts.relaxed += 1
            counts.strict += (p.start, p.end) == (g.start, g.end)
            counts.value += p.value == g.value
            counts.type += p.type == g.type
            if p.value != g.value:
                errors.append(
                    {
                        "doc": doc.id,
                        "kind": "value",
                        "gold": g.text,
                        "value": g.value,
                        "found": p.text,
                        "found_value": p.value,
                    }
                )
        for i, p in enumerate(preds):
            if i not in used:
                errors.append({"doc": doc.id, "kind": "spurious", "found": p.text, "found_value": p.value})
        for t in (tally, tallies["all"]):
            for k in ("gold", "pred", "strict", "relaxed", "value", "type"):
                setattr(t, k, getattr(t, k) + getattr(counts, k))
    return tallies, errors


def _baseline(doc: Any) -> list[TimeRef]:
    # The trivial system users complain about: spaCy's DATE/TIME entities, each dated the publication day.
    day = doc.article.published
    return [TimeRef(e.text, e.start, e.end, day, "day") for e in doc.entities if e.label in ("DATE", "TIME")]


@register_evaluator(
    "timex", help="time expressions and their TIMEX3 values against TimeML (.tml) or MEANTIME gold", halves=True
)
def run(gold: Path, *, model: str | None = None, half: str | None = None, **options: Any) -> EvalReport:
    """Score the dates stage on every gold document under ``gold``, and the trivial baseline beside it.

    The baseline (spaCy's DATE/TIME entities, each valued as the publication day) comes free from the same parse;
    its metrics are in ``details["baseline"]``. ``half`` keeps the documents of one fixed half (by a hash of the
    document id, as for PLOVER): read errors on "tune", gate on "check".
    """
    from ..pipeline import Pipeline
    from .plover import half_label, select_half

    gold = Path(gold)
    if not gold.exists():
        raise UsageError(f"--gold {gold}: no such file or directory")
    docs = select_half(read_gold(gold), half)
    if not docs:
        raise UsageError(f"--gold {gold}: no TimeML (.tml) or MEANTIME (.xml) documents found")
    pipeline = Pipeline(model=model, stages=["entities", "dates"])
    articles = [
        Article(
            id=d.id,
            text=d.text,
            published=d.dct if _is_iso_day(d.dct) else None,
            published_from="given" if _is_iso_day(d.dct) else None,
        )
        for d in docs
    ]
    predictions: list[list[Any]] = []
    baseline: list[list[Any]] = []
    for doc in pipeline.annotate(articles):
        predictions.append(list(doc.dates))
        baseline.append(_baseline(doc))
    tallies, errors = score(docs, predictions)
    base_tallies, _ = score(docs, baseline)
    overall = tallies.pop("all")
    metrics = overall.metrics()
    corpora = sorted({d.corpus for d in docs if d.corpus})
    by_corpus: dict[str, dict[str, Any]] = {}
    if len(corpora) > 1:
        # A folder of corpora (TE3 platinum and TimeBank/AQUAINT share TimeML): each one's figures, and how far apart
        # the corpora of one format lie, the measure of a rule tuned to one of them.
        for c in corpora:
            pairs = [(d, p) for d, p in zip(docs, predictions) if d.corpus == c]
            t, _ = score([d for d, _ in pairs], [p for _, p in pairs])
            by_corpus[c] = {"format": pairs[0][0].format, "gold": t["all"].gold, **t["all"].metrics()}
            metrics |= {f"{c}.{k}": by_corpus[c][k] for k in SHARED_FIGURES}
        for k in SHARED_FIGURES:
            for fmt in sorted({v["format"] for v in by_corpus.values()}):
                values = [v[k] for v in by_corpus.values() if v["format"] == fmt]
                if len(values) > 1:
                    metrics[f"spread.{fmt}.{k}"] = max(values) - min(values)
    details: dict[str, Any] = {
        "documents": len(docs),
        "predicted": overall.pred,
        "by_format": {k: {"gold": t.gold, **t.metrics()} for k, t in tallies.items()},
        "by_corpus": by_corpus,
        "baseline": base_tallies["all"].metrics(),
        "errors": errors,
    }
    return EvalReport(name="timex", dataset=half_label(str(gold), half), size=overall.gold, metrics=metrics, details=details)


# The figures printed per corpus when a folder of corpora is read.
SHARED_FIGURES = ("strict_f1", "relaxed_f1", "value_f1")
