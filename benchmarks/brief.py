"""Time and size of `eventwire brief` over a database, as HTML and (with --pdf) as PDF; medians of --runs.

    python benchmarks/brief.py --db bbc.db [--since all] [--runs 3] [--pdf]

Make the database first, e.g. `eventwire ingest ../shared/corpus/bbc --db bbc.db` (2,225 BBC articles, ~4 minutes
on two cores). Prints the events and articles the brief read, the seconds to collect and render, the page's size,
and the largest list in it (every list is a top N, so the page stays readable however big the database).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from eventwire.brief import build_brief, render_html, write_brief
from eventwire.store import open_store

MARKS = re.compile(r"<(?:li|tr|circle|line|rect)\b")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--since", default="all")
    parser.add_argument("--until", default=None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pdf", action="store_true", help="also time the PDF (headless Chromium)")
    args = parser.parse_args()
    if not args.db.startswith("postgresql") and not Path(args.db).exists():
        print(f"Error: --db {args.db}: no such database", file=sys.stderr)
        return 1
    collect_s, render_s, pdf_s = [], [], []
    for _ in range(args.runs):
        with open_store(args.db) as store:
            started = time.perf_counter()
            brief = build_brief(store.conn, args.since, args.until)
            collect_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        html = render_html(brief, Path(args.db).name)
        render_s.append(time.perf_counter() - started)
        if args.pdf:
            with tempfile.TemporaryDirectory() as tmp:
                started = time.perf_counter()
                write_brief(brief, Path(tmp) / "brief.pdf", Path(args.db).name)
                pdf_s.append(time.perf_counter() - started)
                pdf_mb = (Path(tmp) / "brief.pdf").stat().st_size / 1e6
    lists = {"types": len(brief.by_type), "countries": len(brief.by_country), "places": len(brief.places),
             "bars": len(brief.timeline), "edges": len(brief.network), "happenings": len(brief.happenings),
             "quotes": len(brief.quotes), "sources": len(brief.sources)}
    marks = len(MARKS.findall(html))
    print(f"period {brief.period.label()}: {brief.total:,} events from {brief.articles:,} articles "
          f"({brief.undated:,} undated left out)")
    print(f"collect {statistics.median(collect_s):.2f} s, render {statistics.median(render_s):.3f} s "
          f"(medians of {args.runs}); HTML {len(html.encode()) / 1e6:.2f} MB, "
          f"{marks:,} list items, rows and marks")
    if pdf_s:
        print(f"PDF {statistics.median(pdf_s):.2f} s, {pdf_mb:.2f} MB")
    print("lists: " + ", ".join(f"{k} {v}" for k, v in lists.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
