"""Concurrency as a user meets it, with real processes on one database: two `eventwire ingest` runs started together
on a new database, two writers over overlapping inputs, and readers (the CLI and the HTTP API) during the writes.

No "database is locked" (or any other error) may reach a user, and no reader may see a partial article.
EVENTWIRE_RACE_PAIRS sets how many fresh databases the migration race is tried on (default 8).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import eventwire
from eventwire.store import open_store

SRC = Path(eventwire.__file__).resolve().parents[1]  # the eventwire under test, also in the child processes
RACE_PAIRS = int(os.environ.get("EVENTWIRE_RACE_PAIRS", "8"))
SENTENCES = (
    "The foreign minister of Norway met her counterpart from Chile in Santiago on Monday.",
    "Rebels fired rockets at an army base near the northern border, the defence ministry said.",
    "Thousands of farmers protested outside parliament in Nairobi against new fuel taxes.",
    "The central bank governor of Kenya warned that sanctions would slow growth next year.",
)


def write_corpus(path: Path, ids: range) -> Path:
    """JSON Lines articles ``doc-NNNN``; each names a country, so each gets at least one entity."""
    with path.open("w", encoding="utf-8") as out:
        for i in ids:
            text = " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(3)) + f" Report number {i}."
            out.write(json.dumps({"id": f"doc-{i:04d}", "title": f"Report {i}", "text": text,
                                  "published": f"2026-02-{1 + i % 28:02d}"}) + "\n")
    return path


def cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from eventwire.cli import main; main()", *args]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH", "")) if p)
    return env


def ingest_cmd(src: Path, db: Path) -> list[str]:
    return cli("ingest", str(src), "--db", str(db), "-q", "--stages", "entities")


def test_reliability_new_database_two_ingests_at_once(tmp_path: Path) -> None:
    """Issue #16: one of two ingests started together on a new file used to exit "not an eventwire SQLite database
    (table articles already exists)" and store nothing (2 of 8 pairs on the old code)."""
    src = write_corpus(tmp_path / "in.jsonl", range(5))
    failures = []
    for pair in range(RACE_PAIRS):
        db = tmp_path / f"race-{pair}.db"
        procs = [subprocess.Popen(ingest_cmd(src, db), env=child_env(), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
        for proc in procs:
            _, err = proc.communicate(timeout=300)
            if proc.returncode != 0:
                failures.append(f"pair {pair}: exit {proc.returncode}: {err.strip()}")
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT id) FROM articles").fetchone() == (5, 5)
            versions = [r[0] for r in conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
            assert versions == sorted(set(versions)) and versions[0] == 1
    assert failures == []


def test_reliability_postgres_new_schema_opened_at_once(pg_url: str) -> None:
    """The PostgreSQL twin: four stores opened together on a new schema; the advisory lock lets one migrate."""
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def opener() -> None:
        try:
            start.wait()
            with open_store(pg_url):
                pass
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=opener) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with open_store(pg_url) as store:
        versions = [r[0] for r in store.conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
    assert versions == list(range(1, len(versions) + 1))


def _partial_articles(conn: sqlite3.Connection) -> int:
    """Articles stored without their entities or their story (each article of the corpus has both)."""
    return int(conn.execute(
        "SELECT COUNT(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM entities e WHERE e.article_id = a.id) "
        "OR NOT EXISTS (SELECT 1 FROM story_articles s WHERE s.article_id = a.id)").fetchone()[0])


def test_reliability_readers_during_two_writers(tmp_path: Path) -> None:
    """Two ingests over overlapping inputs write one database while the CLI and the API read it in a loop: both
    writers exit 0, every reader answers, no "locked" anywhere, no partial article seen, each article once."""
    pytest.importorskip("starlette", reason="the web extra is not installed: pip install 'eventwire[web]'")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from eventwire.web import create_app

    db = tmp_path / "shared.db"
    first = write_corpus(tmp_path / "first.jsonl", range(160))
    second = write_corpus(tmp_path / "second.jsonl", range(80, 240))
    open_store(db).close()  # the API needs the file; the writers then race on the data, not the schema
    writers = [subprocess.Popen(ingest_cmd(src, db), env=child_env(), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True) for src in (first, second)]
    problems: list[str] = []
    reads = {"cli": 0, "api": 0, "api_articles_seen": 0}
    with TestClient(create_app(db), raise_server_exceptions=False) as client:
        deadline = time.monotonic() + 300
        while any(w.poll() is None for w in writers) and time.monotonic() < deadline:
            done = subprocess.run(cli("articles", "--db", str(db), "--json", "--limit", "20"), env=child_env(),
                                  capture_output=True, text=True, timeout=120, check=False)
            reads["cli"] += 1
            if done.returncode != 0 or done.stderr.strip():
                problems.append(f"cli: exit {done.returncode}: {done.stderr.strip()[:200]}")
            for _ in range(5):
                page = client.get("/articles", params={"_size": "10"})
                reads["api"] += 1
                if page.status_code != 200:
                    problems.append(f"api /articles: {page.status_code} {page.text[:200]}")
                    continue
                for row in page.json()["rows"][:3]:
                    one = client.get(f"/articles/{row['id']}")
                    reads["api"] += 1
                    reads["api_articles_seen"] += 1
                    if one.status_code != 200:
                        problems.append(f"api /articles/{row['id']}: {one.status_code} {one.text[:200]}")
                    elif not one.json()["entities"] or one.json()["story"] is None:
                        problems.append(f"api /articles/{row['id']}: partial article (no entities or story)")
            with sqlite3.connect(db) as conn:
                if _partial_articles(conn):
                    problems.append("sql: an article visible without its layers")
    for w in writers:
        _, err = w.communicate(timeout=300)
        if w.returncode != 0 or "locked" in err:
            problems.append(f"writer: exit {w.returncode}: {err.strip()[:300]}")
    assert problems == []
    assert reads["cli"] >= 1 and reads["api_articles_seen"] >= 1, reads
    print(reads)  # the figures of docs/reliability.md (pytest -s shows them)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT id) FROM articles").fetchone() == (240, 240)
        assert _partial_articles(conn) == 0
        assert conn.execute("SELECT COUNT(*) FROM story_articles").fetchone()[0] == 240
