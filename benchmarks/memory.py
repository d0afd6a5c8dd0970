"""Flat memory on large inputs: peak RSS of `eventwire process` on a small and a 10x larger JSON Lines file, and
of the JSON Lines reader alone over a file of about 1 GB.

    python benchmarks/memory.py [--small 1000] [--reader-gb 1.0] [--workdir /tmp]

The articles are generated (invented sentences), so no external data is needed. Each measurement runs in its own
Python process, which reports its own peak RSS.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

SENTENCES = [
    "The foreign minister of Peru met envoys from Bolivia in La Paz to discuss water rights.",
    "Security forces dispersed a crowd outside the parliament in Nairobi on Tuesday.",
    "The European Union announced new sanctions on shipping firms accused of breaking the embargo.",
    "Rebel fighters shelled villages near the border, according to a local official.",
    "The two governments agreed to reopen their embassies before the end of the year.",
    "Aid agencies warned that food stocks in the camps would run out within weeks.",
]

CHILD = """
import resource, sys
from eventwire.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, file=sys.stderr)
"""

READER = """
import resource, sys
from eventwire.ingest import read_inputs
n = sum(1 for _ in read_inputs([sys.argv[1]], lambda e: None))
print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, file=sys.stderr)
"""


def write_corpus(path: Path, articles: int, sentences: int = 8, seed: int = 0) -> int:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(articles):
            text = " ".join(rng.choice(SENTENCES) for _ in range(sentences))
            out.write(json.dumps({"id": f"m{i}", "text": text, "published": "2026-05-01"}) + "\n")
    return path.stat().st_size


def peak_mb(code: str, *args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)
    return done.stderr.strip().splitlines()[-1].split()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=1000, help="articles in the small file (the large has 10x)")
    parser.add_argument("--reader-gb", type=float, default=1.0, help="size of the reader-only file in GB (0 skips)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()

    for n in (args.small, args.small * 10):
        path = args.workdir / f"eventwire-mem-{n}.jsonl"
        size = write_corpus(path, n)
        (mb,) = peak_mb(CHILD, "process", str(path), "-q", "-o", "/dev/null")
        print(f"process, all stages: {n:,} articles ({size / 1e6:.1f} MB): peak RSS {mb} MB")
        path.unlink()

    if args.reader_gb > 0:
        path = args.workdir / "eventwire-mem-reader.jsonl"
        per_article = 700
        n = int(args.reader_gb * 1e9 / per_article)
        size = write_corpus(path, n)
        count, mb = peak_mb(READER, str(path))
        print(f"JSON Lines reader alone: {int(count):,} articles ({size / 1e9:.2f} GB): peak RSS {mb} MB")
        path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
