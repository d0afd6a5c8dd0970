"""Scores the entities layer against gold in CoNLL-2003 column format: exact spans, label-mapped, F1 per label.

A line is a token and its tags, the named-entity tag last (IOB1 or IOB2); a blank line ends a sentence and
``-DOCSTART-`` a document. Each sentence is parsed on its own as the tokens joined by single spaces, through the
entities stage (model plus ruler) and, as the baseline in the same run, through the bare model.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..records import Article
from . import EvalReport, register_evaluator

# spaCy's OntoNotes labels read as CoNLL-2003's four. Numbers, dates, money, laws and languages are no CoNLL entity.
LABELS: dict[str, str] = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "WORK_OF_ART": "MISC",
    "PRODUCT": "MISC",
}
CONLL_LABELS = ("PER", "ORG", "LOC", "MISC")

Entity = tuple[int, int, str]  # token start, token end (exclusive), CoNLL label


@dataclass(frozen=True)
class Sentence:
    tokens: tuple[str, ...]
    entities: frozenset[Entity]

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


def read_conll(path: Path) -> list[Sentence]:
    """Sentences of a CoNLL-2003 file. A line that is not ``TOKEN ... TAG`` with a known tag is a user error."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--gold {path}: cannot read CoNLL file ({exc.__class__.__name__}: {exc})") from exc
    out: list[Sentence] = []
    tokens: list[str] = []
    tags: list[str] = []

    def flush() -> None:
        if tokens:
            out.append(Sentence(tuple(tokens), frozenset(spans_of(tags))))
        tokens.clear()
        tags.clear()

    for number, line in enumerate(lines, start=1):
        parts = line.split()
        if not parts:
            flush()
            continue
        if parts[0] == "-DOCSTART-":
            flush()
            continue
        tag = parts[-1]
        if len(parts) < 2 or not (tag == "O" or (tag[:2] in ("B-", "I-") and tag[2:] in CONLL_LABELS)):
            raise UsageError(f"--gold {path}: line {number}: expected 'TOKEN ... TAG' with a CoNLL-2003 tag, got {line!r}")
        tokens.append(parts[0])
        tags.append(tag)
    flush()
    if not out:
        raise UsageError(f"--gold {path}: no sentences in CoNLL file")
    return out


def spans_of(tags: Sequence[str]) -> list[Entity]:
    """Entity spans of one sentence's tags. IOB1 and IOB2 both read: an I- after O or after another label opens an
    entity, a B- always does."""
    out: list[Entity] = []
    start, label = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        kind, _, lab = tag.partition("-")
        opens = kind == "B" or (kind == "I" and lab != label)
        if label and (kind == "O" or opens):
            out.append((start, i, label))
            start, label = -1, ""
        if opens:
            start, label = i, lab
    return out


def token_spans(sentence: Sentence, ents: Iterable[tuple[int, int, str]]) -> set[Entity]:
    """Character spans (in the space-joined text) with spaCy labels, as token spans with CoNLL labels. A span that
    does not start and end on gold token boundaries cannot match exactly and is kept as a miss."""
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    at = 0
    for i, tok in enumerate(sentence.tokens):
        starts[at] = i
        ends[at + len(tok)] = i + 1
        at += len(tok) + 1
    out: set[Entity] = set()
    for s, e, label in ents:
        mapped = LABELS.get(label)
        if mapped is None:
            continue
        out.add((starts.get(s, -1 - s), ends.get(e, -1 - e), mapped))
    return out


def prf(gold: Sequence[set[Entity] | frozenset[Entity]], found: Sequence[set[Entity]]) -> dict[str, float]:
    """Precision, recall and F1 per CoNLL label and overall (micro), on exact span and label."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for g, f in zip(gold, found):
        for _s, _e, lab in f & g:
            tp[lab] += 1
        for _s, _e, lab in f - g:
            fp[lab] += 1
        for _s, _e, lab in g - f:
            fn[lab] += 1
    metrics: dict[str, float] = {}
    for lab in (*CONLL_LABELS, "all"):
        t = sum(tp.values()) if lab == "all" else tp[lab]
        p_den = t + (sum(fp.values()) if lab == "all" else fp[lab])
        r_den = t + (sum(fn.values()) if lab == "all" else fn[lab])
        p = t / p_den if p_den else 0.0
        r = t / r_den if r_den else 0.0
        key = "" if lab == "all" else f"{lab}_"
        metrics[f"{key}precision"] = p
        metrics[f"{key}recall"] = r
        metrics[f"{key}f1"] = 2 * p * r / (p + r) if p + r else 0.0
    return metrics


@register_evaluator("conll", help="entity spans and labels on a CoNLL-2003 column file (exact span F1 per label)")
def run(gold: Path, *, model: str | None = None, limit: int | None = None, **options: Any) -> EvalReport:
    from ..pipeline import Pipeline

    sentences = read_conll(Path(gold))
    if limit:
        sentences = sentences[: int(limit)]
    pipe = Pipeline(model=model, stages=["entities"])
    texts = [s.text for s in sentences]
    ours: list[set[Entity]] = []
    bare: list[set[Entity]] = []
    for sentence, parsed in zip(sentences, pipe.nlp.pipe(texts, batch_size=64)):
        bare.append(token_spans(sentence, ((e.start_char, e.end_char, e.label_) for e in parsed.ents)))
        doc = pipe.annotate_parsed(Article(id="conll", text=sentence.text), parsed)
        ours.append(token_spans(sentence, ((m.start, m.end, m.label) for m in doc.entities)))
    golds = [s.entities for s in sentences]
    metrics = prf(golds, ours)
    details: dict[str, Any] = {
        "model": pipe.model_name,
        "label_mapping": LABELS,
        "gold_entities": dict(Counter(lab for g in golds for _s, _e, lab in g)),
        "baseline": prf(golds, bare),
        "misses": [
            {"text": s.text, "gold": sorted(map(list, s.entities)), "ours": sorted(map(list, f))}
            for s, f in zip(sentences, ours)
            if f != s.entities
        ][:200],
    }
    return EvalReport(name="conll", dataset=str(gold), size=len(sentences), metrics=metrics, details=details)
