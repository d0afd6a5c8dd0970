"""Main-text extraction from HTML pages, scored by token precision, recall and F1 against gold article bodies.

Gold format: the article-extraction-benchmark layout — ground-truth.json {id: {url, articleBody}} beside
html/ID.html.gz. Scores are averaged over pages, as that benchmark reports them; a trivial baseline (all the
visible text of the page) is reported beside ours.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path

from ..errors import InputError, UsageError
from ..ingest.html import extract, to_paragraphs
from . import EvalReport, register_evaluator

_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> Counter[str]:
    return Counter(t.lower() for t in _TOKEN.findall(text))


def prf(predicted: Counter[str], gold: Counter[str]) -> tuple[float, float, float]:
    overlap = sum((predicted & gold).values())
    p = overlap / sum(predicted.values()) if predicted else 0.0
    r = overlap / sum(gold.values()) if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@register_evaluator("html", help="HTML main-text extraction: token precision/recall/F1 against gold bodies.")
def run(gold: Path, *, model: str | None = None, **options: object) -> EvalReport:
    truth_file = gold / "ground-truth.json" if gold.is_dir() else gold
    folder = truth_file.parent / "html"
    if not truth_file.exists():
        raise InputError(str(truth_file), "no ground-truth.json here")
    try:
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"--gold {gold}: cannot read {truth_file} ({type(exc).__name__}: {exc})") from exc
    if not isinstance(truth, dict) or not all(isinstance(v, dict) for v in truth.values()):
        raise UsageError(f"--gold {gold}: {truth_file} is not a JSON object of {{id: {{url, articleBody}}}}")
    sums = {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    baseline_f1 = 0.0
    empty = 0
    for page_id, item in truth.items():
        page = folder / f"{page_id}.html.gz"
        try:
            html = gzip.decompress(page.read_bytes())
        except (OSError, EOFError) as exc:  # missing, unreadable, or not gzip
            raise UsageError(f"--gold {gold}: cannot read the page {page} ({type(exc).__name__})") from exc
        data = extract(html, url=item.get("url"))
        body = to_paragraphs(data.get("text") or "", data.get("title")) if data else ""
        empty += not body
        gold_tokens = tokens(item.get("articleBody") or "")
        p, r, f = prf(tokens(body), gold_tokens)
        baseline_f1 += prf(tokens(page_text(html)), gold_tokens)[2]
        sums["precision"] += p
        sums["recall"] += r
        sums["f1"] += f
    n = len(truth)
    metrics = {k: v / n for k, v in sums.items()} if n else dict.fromkeys(sums, 0.0)
    return EvalReport(name="html", dataset=str(truth_file), size=n, metrics=metrics, details={"empty_pages": empty, "baseline_all_text_f1": baseline_f1 / n if n else 0.0})


def page_text(html: bytes) -> str:
    """Every visible word of the page (scripts and styles removed): the trivial baseline."""
    import lxml.etree  # type: ignore[import-untyped]
    import lxml.html  # type: ignore[import-untyped]

    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):  # an unparseable page gives the baseline nothing
        return ""
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    return str(root.text_content())
