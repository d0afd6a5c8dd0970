"""Time and peak memory of every stage on very long inputs, as a ratio to the bare spaCy parse of the same text.

    python benchmarks/long_input.py [--clauses 250,500,1000,3000] [--article-kb 400] [--corpus DIR] [--runs 3]
                                    [--workers 1,2]

Two kinds of input: one sentence of N clauses joined by "and" ("the army of Libya attacked rebels in town 7 and
..."), and an ordinary article of about 400 KB. The article is made at run time from the .txt files of --corpus
(e.g. ../shared/corpus/bbc), concatenated in sorted order until the size is reached; without --corpus it is made
from invented sentences below. Each measurement runs in a fresh Python process so that its peak RSS is its own:
one process parses only (the bare parse), the other parses and runs every stage. With --workers N > 1 the second
runs the local engine as `eventwire process --workers N` does (its time includes starting the workers, and its
memory is reported for this process and for the largest worker). Prints medians of --runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

SENTENCES = [
    "The foreign minister of Peru met envoys from Bolivia in La Paz on Monday to discuss water rights.",
    "Security forces dispersed a crowd outside the parliament in Nairobi, police said.",
    "The European Union announced new sanctions on shipping firms accused of breaking the embargo.",
    "Rebel fighters shelled villages near the border with Chad, according to a local official.",
    "\"We will not accept these terms,\" the spokesman told reporters in Geneva.",
    "The two governments agreed on 3 March to reopen their embassies before the end of the year.",
    "Aid agencies warned that food stocks in the camps around Goma would run out within weeks.",
    "Protesters marched through central Lima demanding the resignation of the mayor.",
]

CHILD = """
import json, resource, sys, time
from eventwire.engines import annotate_stream
from eventwire.pipeline import Pipeline
from eventwire.records import Article
text = open(sys.argv[1], encoding="utf-8").read()
bare = sys.argv[2] == "bare"
workers = int(sys.argv[3])
pipeline = Pipeline()
nlp = pipeline.nlp
nlp.max_length = max(nlp.max_length, len(text) + 1)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
if bare:
    nlp(text)
    stages = {}
else:
    article = Article(id="long", text=text, title="")
    doc = list(annotate_stream([article], workers=workers, pipeline=pipeline))[0]
    stages = dict(pipeline.timings)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mb": peak / 1024, "added_mb": (peak - base) / 1024, "stages": stages,
                  "worker_mb": worker / 1024}))
"""


def clause_sentence(n: int) -> str:
    """One sentence of n clauses joined by "and"."""
    text = " and ".join(f"the army of Libya attacked rebels in town {k}" for k in range(1, n + 1))
    return text[:1].upper() + text[1:] + "."


def article_text(kb: int, corpus: Path | None) -> str:
    target = kb * 1000
    parts: list[str] = []
    size = 0
    if corpus is not None:
        files = sorted(p for p in corpus.rglob("*.txt") if p.is_file())
        for p in files:
            body = p.read_text(encoding="utf-8", errors="replace").strip()
            # Drop the title line: the rest is running prose, paragraphs kept.
            body = body.split("\n", 1)[-1].strip()
            parts.append(body)
            size += len(body) + 2
            if size >= target:
                break
    i = 0
    while size < target:
        s = SENTENCES[i % len(SENTENCES)]
        parts.append(s)
        size += len(s) + 2
        i += 1
    return "\n\n".join(parts)[:target]


def measure(text: str, mode: str, workers: int = 1) -> dict[str, object]:
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as f:
        f.write(text)
    try:
        done = subprocess.run([sys.executable, "-c", CHILD, f.name, mode, str(workers)], capture_output=True, text=True,
                              check=False)
    finally:
        Path(f.name).unlink()
    if done.returncode != 0:
        raise SystemExit(f"Error: the {mode} run failed: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def report(label: str, text: str, runs: int, workers: list[int]) -> None:
    bare = [measure(text, "bare") for _ in range(runs)]
    for n in workers:
        report_one(label, bare, [measure(text, "full", n) for _ in range(runs)], n)


def report_one(label: str, bare: list[dict[str, object]], ours: list[dict[str, object]], workers: int) -> None:
    bt = statistics.median(float(r["seconds"]) for r in bare)  # type: ignore[arg-type]
    ot = statistics.median(float(r["seconds"]) for r in ours)  # type: ignore[arg-type]
    bm = statistics.median(float(r["peak_mb"]) for r in bare)  # type: ignore[arg-type]
    om = statistics.median(float(r["peak_mb"]) for r in ours)  # type: ignore[arg-type]
    stages = {k: statistics.median(float(r["stages"][k]) for r in ours) for k in ours[0]["stages"]}  # type: ignore[index,attr-defined]
    slowest = ", ".join(f"{k} {v:.2f}s" for k, v in sorted(stages.items(), key=lambda kv: -kv[1])[:4])
    wm = statistics.median(float(r["worker_mb"]) for r in ours)  # type: ignore[arg-type]
    run = f"eventwire --workers {workers}" if workers > 1 else "eventwire"
    extra = f" (largest worker {wm:.0f} MB)" if workers > 1 else ""
    print(f"{label}: bare parse {bt:.2f}s {bm:.0f} MB; {run} {ot:.2f}s {om:.0f} MB{extra}; "
          f"ratio time {ot / bt:.2f}, peak RSS {om / bm:.2f}; slowest stages: {slowest}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clauses", default="250,500,1000,3000", help="comma-separated clause counts ('' skips)")
    parser.add_argument("--article-kb", type=int, default=400, help="size of the ordinary article (0 skips)")
    parser.add_argument("--corpus", type=Path, default=None, help="folder of .txt articles to build it from")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", default="1", help="comma-separated worker counts for the full run (e.g. 1,2)")
    args = parser.parse_args()
    if args.corpus is not None and not args.corpus.is_dir():
        print(f"Error: --corpus {args.corpus}: not a folder", file=sys.stderr)
        return 1
    try:
        workers = [int(x) for x in args.workers.split(",") if x.strip()]
    except ValueError:
        workers = []
    if not workers or min(workers) < 1:
        print(f"Error: --workers {args.workers}: expected positive integers such as 1,2", file=sys.stderr)
        return 1
    for n in [int(x) for x in args.clauses.split(",") if x.strip()]:
        report(f"one sentence of {n} clauses", clause_sentence(n), args.runs, workers)
    if args.article_kb:
        source = f"from {args.corpus}" if args.corpus else "from invented sentences"
        text = article_text(args.article_kb, args.corpus)
        report(f"article of {args.article_kb} KB {source} ({len(text):,} chars)", text, args.runs, workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
