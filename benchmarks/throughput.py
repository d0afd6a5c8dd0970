"""Throughput of `eventwire process` against the bare spaCy parse of the same texts, in the same run.

    python benchmarks/throughput.py ../shared/corpus/bbc [--runs 3] [--limit N] [--workers 1]

Reads the corpus once through eventwire's readers (to get the exact body texts), then alternates runs of
(a) bare ``nlp.pipe`` over those texts with the same model and batch size, and (b) eventwire's full job — read,
annotate with every stage, serialise JSON Lines to a file — and prints medians, articles/s, the ratio of the two
times, and the peak RSS of this process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from eventwire.ingest import ReadOptions, read_inputs
from eventwire.pipeline import Pipeline
from eventwire.run import process


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="folder of articles (e.g. ../shared/corpus/bbc)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None, help="only the first N files")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--stages", default=None, help="comma-separated stages (default: all)")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"Error: {args.corpus}: not a folder", file=sys.stderr)
        return 1

    files = sorted(str(p) for p in args.corpus.rglob("*") if p.is_file() and not p.name.startswith("."))
    files = files[: args.limit] if args.limit else files
    errors: list[object] = []
    texts = [a.text for a in read_inputs(files, errors.append, ReadOptions())]
    stages = args.stages.split(",") if args.stages else None
    pipeline = Pipeline(stages=stages, batch_size=args.batch_size)
    nlp = pipeline.nlp
    words = sum(len(t.split()) for t in texts)
    print(f"corpus: {args.corpus} — {len(files)} files, {len(texts)} articles, {words:,} words; "
          f"model {pipeline.model_name}; stages {', '.join(s.name for s, _ in pipeline.stages)}")

    bare_times, ours_times = [], []
    for run in range(1, args.runs + 1):
        start = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=args.batch_size):
            pass
        bare_times.append(time.perf_counter() - start)

        with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".jsonl", delete=False) as out:
            start = time.perf_counter()
            count = 0
            for doc in process(files, pipeline=pipeline, batch_size=args.batch_size):
                out.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")
                count += 1
            ours_times.append(time.perf_counter() - start)
        os.unlink(out.name)
        print(f"run {run}: bare parse {bare_times[-1]:.1f}s, eventwire process {ours_times[-1]:.1f}s "
              f"({count} articles)")

    bare, ours = statistics.median(bare_times), statistics.median(ours_times)
    total_bare = sum(bare_times)
    for name, seconds in pipeline.timings.items():
        print(f"stage {name:<9} {seconds / args.runs:6.2f}s a run = {100 * seconds / total_bare:5.1f}% of the bare parse")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"median bare spaCy parse:  {bare:.1f}s  {len(texts) / bare:.1f} articles/s")
    print(f"median eventwire process: {ours:.1f}s  {len(texts) / ours:.1f} articles/s")
    print(f"ratio eventwire / bare parse: {ours / bare:.3f}")
    print(f"peak RSS: {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
