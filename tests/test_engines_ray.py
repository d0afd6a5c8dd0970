"""The Ray engine on a local Ray started by the test (2 CPUs, no dashboard): the same documents as the local engine,
bad records reported the same way, Parquet partitions, and Ray actors writing straight into PostgreSQL."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventwire.cli import main

REPO = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:`use_push_based_shuffle` is deprecated")]


@pytest.fixture(scope="module")
def ray_local() -> Iterator[None]:
    ray = pytest.importorskip("ray", reason="the ray extra is not installed: pip install 'eventwire[ray]'")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    try:
        yield
    finally:
        ray.shutdown()


def _lines(output: str) -> list[str]:
    return sorted(line for line in output.splitlines() if line.strip())


def _inputs(tmp_path: Path, shared_seed: Path | None) -> list[str]:
    folder = tmp_path / "in"
    shutil.copytree(REPO / "samples", folder, ignore=shutil.ignore_patterns("README.md"))
    if shared_seed is not None:
        shutil.copy(shared_seed, folder / "seed.txt")
    # A feed with a broken line and a record without text between good records: one error line each, nothing lost.
    good = {"id": "feed-1", "text": "Police in Lima arrested three protest leaders on Tuesday.", "published": "2026-03-04"}
    other = {"id": "feed-2", "text": "Egypt and Sudan signed a water accord in Cairo.", "published": "2026-03-05"}
    (folder / "feed.jsonl").write_text(
        json.dumps(good) + "\n{not json\n" + json.dumps({"id": "feed-x", "title": "no text"}) + "\n"
        + json.dumps(other) + "\n", encoding="utf-8")
    return [str(folder)]


def test_engines_ray_gives_the_local_documents_byte_for_byte(ray_local: None, tmp_path: Path) -> None:
    seed = REPO.parent / "shared" / "seed.txt"
    inputs = _inputs(tmp_path, seed if seed.is_file() else None)
    runner = CliRunner()
    local = runner.invoke(main, ["process", *inputs, "-q"])
    on_ray = runner.invoke(main, ["process", *inputs, "-q", "--engine", "ray", "--workers", "2", "--batch-size", "2"])
    assert local.exit_code == on_ray.exit_code == 1  # the two bad records
    assert _lines(on_ray.stdout) == _lines(local.stdout)
    ids = {json.loads(line)["id"] for line in local.stdout.splitlines()}
    assert {"feed-1", "feed-2"} <= ids and len(ids) >= 12
    errors = [line for line in on_ray.stderr.splitlines() if line.strip()]
    assert errors == [line for line in local.stderr.splitlines() if line.strip()]
    assert len(errors) == 2 and all(e.startswith("Error: ") and "feed.jsonl" in e for e in errors)


def test_engines_ray_writes_parquet_partitions_that_hold_the_documents(ray_local: None, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    runner = CliRunner()
    out = tmp_path / "parts"
    result = runner.invoke(main, ["process", str(REPO / "samples"), "-q", "--engine", "ray", "--parquet", str(out)])
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    local = runner.invoke(main, ["process", str(REPO / "samples"), "-q"])
    assert sorted(table.column("document").to_pylist()) == _lines(local.stdout)
    again = runner.invoke(main, ["process", str(REPO / "samples"), "-q", "--engine", "ray", "--parquet", str(out)])
    assert again.exit_code == 2 and "folder is not empty" in again.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["--parquet", "x"], "--parquet needs --engine ray"),
    (["--address", "auto"], "--address needs --engine ray"),
])
def test_engines_ray_options_need_the_ray_engine(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["process", str(REPO / "samples"), *args])
    assert result.exit_code == 2 and message in result.stderr


def test_engines_ray_actors_ingest_into_postgres_once(ray_local: None, tmp_path: Path, pg_url: str) -> None:
    """Two Ray actors write into PostgreSQL concurrently; a rerun stores nothing new; the same rows as SQLite."""
    from eventwire.store import open_store

    inputs = _inputs(tmp_path, None)
    runner = CliRunner()
    first = runner.invoke(main, ["ingest", *inputs, "--db", pg_url, "--engine", "ray", "--workers", "2",
                                 "--batch-size", "2"])
    assert first.exit_code == 1 and "2 inputs failed" in first.stderr
    again = runner.invoke(main, ["ingest", *inputs, "--db", pg_url, "--engine", "ray", "--workers", "2"])
    assert "0 new articles stored" in again.stderr
    sqlite_db = str(tmp_path / "local.db")
    runner.invoke(main, ["ingest", *inputs, "--db", sqlite_db, "-q"])
    with open_store(pg_url) as pg, open_store(sqlite_db) as lite:
        for table in ("articles", "events", "entities", "actors", "places", "dates", "quotes", "captions"):
            assert pg.count(table) == lite.count(table), table
        assert sorted(e["id"] for e in pg.events()) == sorted(e["id"] for e in lite.events())
        counts = "SELECT country, day, type, quad_class, n FROM event_counts_day WHERE n > 0"
        assert sorted(map(tuple, pg.conn.execute(counts))) == sorted(map(tuple, lite.conn.execute(counts)))
