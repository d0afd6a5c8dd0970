"""kill -9 during `eventwire ingest` at seeded random moments (issue #11 section 3): after each kill the database
passes PRAGMA integrity_check, no article is visible without its layers, a rerun completes, and the articles are
exactly the distinct inputs, none duplicated.

EVENTWIRE_CRASH_TRIALS sets the number of trials (default 3, as in CI; docs/reliability.md reports 20).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from test_reliability_concurrency import child_env, ingest_cmd, write_corpus  # tests/ is on sys.path

TRIALS = int(os.environ.get("EVENTWIRE_CRASH_TRIALS", "3"))
ARTICLES = 600
SEED = 11


def _check(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        articles, distinct = conn.execute("SELECT COUNT(*), COUNT(DISTINCT id) FROM articles").fetchone()
        partial = conn.execute(
            "SELECT COUNT(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM entities e WHERE e.article_id = a.id) "
            "OR NOT EXISTS (SELECT 1 FROM story_articles s WHERE s.article_id = a.id)").fetchone()[0]
        doubled = conn.execute(
            'SELECT COUNT(*) FROM (SELECT article_id, start, "end", label FROM entities '
            'GROUP BY article_id, start, "end", label HAVING COUNT(*) > 1)').fetchone()[0]
        fts = conn.execute("SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH 'Santiago'").fetchone()[0]
        like = conn.execute("SELECT COUNT(*) FROM articles WHERE text LIKE '%Santiago%'").fetchone()[0]
    return {"articles": articles, "duplicated": articles - distinct, "partial": partial, "doubled_layers": doubled,
            "fts_mismatch": abs(fts - like)}


def test_reliability_kill_9_during_ingest_at_random_points(tmp_path: Path) -> None:
    src = write_corpus(tmp_path / "in.jsonl", range(ARTICLES))
    rng = random.Random(SEED)
    outcomes = []
    for trial in range(TRIALS):
        db = tmp_path / f"crash-{trial}.db"
        delay = rng.uniform(0.3, 6.0)  # from before the migrations to the last batches of a ~7 s run
        proc = subprocess.Popen(ingest_cmd(src, db), env=child_env(), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(delay)
        killed = proc.poll() is None
        if killed:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        after_kill = _check(db) if db.exists() else {"articles": 0, "duplicated": 0, "partial": 0,
                                                     "doubled_layers": 0, "fts_mismatch": 0}
        rerun = subprocess.run(ingest_cmd(src, db), env=child_env(), capture_output=True, text=True, timeout=600,
                               check=False)
        after_rerun = _check(db)
        outcomes.append((trial, round(delay, 2), killed, after_kill, rerun.returncode, after_rerun))
        assert after_kill["duplicated"] == after_kill["partial"] == after_kill["doubled_layers"] == 0, outcomes[-1]
        assert after_kill["fts_mismatch"] == 0, outcomes[-1]
        assert rerun.returncode == 0, rerun.stderr
        assert after_rerun == {"articles": ARTICLES, "duplicated": 0, "partial": 0, "doubled_layers": 0,
                               "fts_mismatch": 0}, outcomes[-1]
    assert any(o[2] for o in outcomes), "no trial killed the ingest while it ran: make the corpus larger"
    print("\n".join(map(str, outcomes)))  # the figures of docs/reliability.md (pytest -s shows them)
