"""Scaling figures: the Ray engine against one local process, ingest into PostgreSQL against SQLite, and API latency
on a PostgreSQL database of a million generated events beside SQLite's.

    python benchmarks/scale.py workers ../shared/corpus/bbc [--limit 200] [--workers 1,2] [--runs 3]
    python benchmarks/scale.py ingest ../shared/corpus/bbc [--limit N] [--runs 3]
    python benchmarks/scale.py api [--events 1000000] [--requests 270] [--clients 1,8]

``workers``: the same texts through (a) the local engine in this process and (b) ``--engine ray`` with each worker
count, alternating, in the same run; articles/s, the ratio to (a), and Ray's overhead at 1 worker. Both sides load
their spaCy model and gazetteer inside the timing (the local pipeline here, one per actor there); the local Ray is
started once before the runs (a cluster already up, as when joining one), and its start time is printed apart.

``ingest``: the texts are annotated once (timed: the per-article cost of annotation), then the same documents are
written, alternating, into a new SQLite file and a new PostgreSQL database of a throwaway cluster with durable
settings (fsync on, synchronous commit), with duplicate detection and stories as ``eventwire ingest`` does; medians
of the write times, and the size of each database.

``api``: generates the SQLite database of benchmarks/api_latency.py (``--events`` events), copies it into
PostgreSQL with ``eventwire migrate`` (COPY; timed), and times the same request mix on both (median and p95 per kind).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eventwire.ingest import ReadOptions, read_inputs
from eventwire.records import Article, Document


def _articles(corpus: Path, limit: int | None) -> list[Article]:
    files = sorted(str(p) for p in corpus.rglob("*") if p.is_file() and not p.name.startswith("."))
    errors: list[object] = []
    articles = list(read_inputs(files, errors.append, ReadOptions()))
    return articles[:limit] if limit else articles


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- workers --------------------------------------------------------------------------------------------------------

def run_workers(args: argparse.Namespace) -> int:
    import ray

    from eventwire.engines.ray import RayOptions, annotate_on_ray
    from eventwire.pipeline import Pipeline

    articles = _articles(args.corpus, args.limit)
    counts = [int(w) for w in args.workers.split(",")]
    words = sum(len(a.text.split()) for a in articles)
    print(f"corpus {args.corpus}: {len(articles)} articles, {words:,} words; workers {counts}; load {_load()}")
    started = time.perf_counter()
    ray.init(num_cpus=max(counts) + 1, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    print(f"local Ray started in {time.perf_counter() - started:.1f} s (not counted below)")
    times: dict[str, list[float]] = {"local": [], **{f"ray x{w}": [] for w in counts}}
    try:
        for run in range(1, args.runs + 1):
            start = time.perf_counter()
            pipeline = Pipeline(batch_size=args.batch_size)
            local = [d.article.id for d in pipeline.annotate(articles)]
            times["local"].append(time.perf_counter() - start)
            del pipeline
            line = f"run {run}: local {times['local'][-1]:.1f} s"
            for w in counts:
                start = time.perf_counter()
                options = RayOptions(workers=w, batch_size=args.batch_size)
                got = [d.article.id for d in annotate_on_ray(articles, options=options)]
                times[f"ray x{w}"].append(time.perf_counter() - start)
                assert got == local, "Ray returned other documents than the local engine"
                line += f", ray x{w} {times[f'ray x{w}'][-1]:.1f} s"
            print(line + f" (load {_load()})", flush=True)
    finally:
        ray.shutdown()
    base = statistics.median(times["local"])
    print("\n| engine | median s | articles/s | ratio to one local process |\n|---|---:|---:|---:|")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"| {name} | {median:.1f} | {len(articles) / median:.2f} | {base / median:.3f} |")
    # On a shared machine the load moves between runs more than between the engines of one run: each run's Ray
    # time over the same run's local time (paired) is the fair ratio; the medians of the columns are shown above.
    for w in counts:
        paired = statistics.median(r / l for r, l in zip(times[f"ray x{w}"], times["local"], strict=True))
        print(f"ray x{w}: median of per-run time ratios to local {paired:.3f} (speed ratio {1 / paired:.3f})")
    if 1 in counts:
        overhead = statistics.median(times["ray x1"]) / base - 1
        paired = statistics.median(r / l for r, l in zip(times["ray x1"], times["local"], strict=True)) - 1
        print(f"\nRay overhead at 1 worker: {paired:+.1%} paired per run, {overhead:+.1%} from the column medians "
              "(target <= 10%)")
    print(f"peak RSS of this process (driver + one local pipeline): {_peak_rss_mb():.0f} MB")
    return 0


# -- ingest ---------------------------------------------------------------------------------------------------------

def _write(db: str, docs: list[Document]) -> float:
    from eventwire.store import open_store

    start = time.perf_counter()
    with open_store(db) as store:
        for _ in store.write(docs, batch_size=50):
            pass
    return time.perf_counter() - start


def _pg_size(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return int(conn.execute("SELECT pg_database_size(current_database())").fetchone()[0])


def run_ingest(args: argparse.Namespace) -> int:
    import psycopg

    from eventwire.pipeline import Pipeline
    from eventwire.store.pg_local import LocalCluster

    articles = _articles(args.corpus, args.limit)
    print(f"corpus {args.corpus}: {len(articles)} articles; load {_load()}")
    start = time.perf_counter()
    docs = list(Pipeline(batch_size=32).annotate(articles))
    annotate = time.perf_counter() - start
    events = sum(len(d.events) for d in docs)
    print(f"annotated once in {annotate:.1f} s = {len(docs) / annotate:.2f} articles/s ({events} events), "
          f"peak RSS {_peak_rss_mb():.0f} MB")
    lite_times, pg_times, sizes = [], [], {}
    with LocalCluster(durable=True) as cluster, tempfile.TemporaryDirectory() as tmp:
        empty = _pg_size(cluster.url)
        for run in range(1, args.runs + 1):
            path = Path(tmp) / f"run{run}.db"
            lite_times.append(_write(str(path), docs))
            sizes["sqlite"] = sum(p.stat().st_size for p in Path(tmp).glob(f"run{run}.db*"))
            with psycopg.connect(cluster.url, autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE run{run}")
            url = cluster.url.replace("/eventwire?", f"/run{run}?")
            pg_times.append(_write(url, docs))
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("VACUUM")
            sizes["postgresql"] = _pg_size(url) - empty
            print(f"run {run}: SQLite {lite_times[-1]:.1f} s, PostgreSQL {pg_times[-1]:.1f} s (load {_load()})",
                  flush=True)
    lite, pg = statistics.median(lite_times), statistics.median(pg_times)
    print("\n| store | median write s | articles/s | ms per article | database size |\n|---|---:|---:|---:|---:|")
    for name, t in (("SQLite", lite), ("PostgreSQL", pg)):
        size = sizes[name.lower()]
        print(f"| {name} | {t:.2f} | {len(docs) / t:.0f} | {1000 * t / len(docs):.2f} | {size / 1e6:.1f} MB "
              f"({size / len(docs) / 1024:.1f} KiB/article) |")
    print(f"\nwhole ingest (annotate + write), per article: SQLite {1000 * (annotate + lite) / len(docs):.0f} ms, "
          f"PostgreSQL {1000 * (annotate + pg) / len(docs):.0f} ms; PostgreSQL/SQLite write time {pg / lite:.2f}")
    return 0


# -- api ------------------------------------------------------------------------------------------------------------

def _summary(timings: dict[str, list[float]]) -> dict[str, tuple[float, float]]:
    from api_latency import _percentile

    return {kind: (statistics.median(v), _percentile(v, 95)) for kind, v in timings.items()}


def run_api(args: argparse.Namespace) -> int:
    import psycopg
    from api_latency import generate, measure_api

    from eventwire.store.pg_local import LocalCluster
    from eventwire.store.transfer import migrate_sqlite_to_postgres

    db = args.db
    if args.regenerate or not db.exists():
        start = time.perf_counter()
        generate(db, args.events)
        print(f"generated {args.events:,} events into {db} in {time.perf_counter() - start:.0f} s")
    with LocalCluster(durable=True) as cluster:
        start = time.perf_counter()
        done = migrate_sqlite_to_postgres(db, cluster.url)
        with psycopg.connect(cluster.url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        print(f"eventwire migrate: {done.rows.get('events', 0):,} events, {done.rows.get('event_actors', 0):,} "
              f"actors copied in {time.perf_counter() - start:.0f} s (with VACUUM ANALYZE); "
              f"PostgreSQL {_pg_size(cluster.url) / 1e9:.2f} GB, SQLite {db.stat().st_size / 1e9:.2f} GB")
        for clients in [int(c) for c in str(args.clients).split(",")]:
            results: dict[str, dict[str, tuple[float, float]]] = {}
            for name, target in (("SQLite", str(db)), ("PostgreSQL", cluster.url)):
                results[name] = _summary(measure_api(target, args.requests, clients=clients))  # type: ignore[arg-type]
                print(f"{name} measured with {clients} client(s) (load {_load()})", flush=True)
            print(f"\n{clients} client(s) at once:\n")
            print("| request | SQLite median ms | SQLite p95 ms | PostgreSQL median ms | PostgreSQL p95 ms |")
            print("|---|---:|---:|---:|---:|")
            for kind in results["SQLite"]:
                (lm, lp), (pm, pp) = results["SQLite"][kind], results["PostgreSQL"][kind]
                print(f"| {kind} | {lm:.1f} | {lp:.1f} | {pm:.1f} | {pp:.1f} |")
            worst = {name: max(p for _, p in r.values()) for name, r in results.items()}
            print(f"\nworst p95: SQLite {worst['SQLite']:.1f} ms, PostgreSQL {worst['PostgreSQL']:.1f} ms", flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="job", required=True)
    workers = sub.add_parser("workers", help="articles/s vs Ray workers, as a ratio to one local process")
    workers.add_argument("corpus", type=Path)
    workers.add_argument("--limit", type=int, default=200)
    workers.add_argument("--workers", default="1,2", help="comma-separated worker counts (any)")
    workers.add_argument("--runs", type=int, default=3)
    workers.add_argument("--batch-size", type=int, default=32)
    ingest = sub.add_parser("ingest", help="writing the same documents into SQLite and PostgreSQL")
    ingest.add_argument("corpus", type=Path)
    ingest.add_argument("--limit", type=int, default=None)
    ingest.add_argument("--runs", type=int, default=3)
    api = sub.add_parser("api", help="API latency on a million events, PostgreSQL beside SQLite")
    api.add_argument("--db", type=Path, default=Path("/tmp/eventwire-bench.db"))
    api.add_argument("--events", type=int, default=1_000_000)
    api.add_argument("--requests", type=int, default=270)
    api.add_argument("--regenerate", action="store_true")
    api.add_argument("--clients", default="1,8", help="comma-separated numbers of concurrent clients")
    args = parser.parse_args()
    if getattr(args, "corpus", None) is not None and not args.corpus.is_dir():
        print(f"Error: {args.corpus}: not a folder", file=sys.stderr)
        return 1
    jobs: dict[str, Any] = {"workers": run_workers, "ingest": run_ingest, "api": run_api}
    return int(jobs[args.job](args))


if __name__ == "__main__":
    sys.exit(main())
