"""Shared fixtures: the real spaCy model (loaded once per session) and the path to ../shared when it is there."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from spacy.language import Language

from eventwire.pipeline import load_model

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("EVENTWIRE_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_model()


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"external data not found at {SHARED} (set EVENTWIRE_SHARED)")
    return SHARED


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[str]:
    """A throwaway PostgreSQL cluster for the session (store/pg_local.py); skips, saying why, where none can start."""
    pytest.importorskip("psycopg", reason="the postgres extra is not installed: pip install 'eventwire[postgres]'")
    from eventwire.store.pg_local import ClusterUnavailable, LocalCluster

    cluster = LocalCluster()
    try:
        cluster.start()
    except ClusterUnavailable as exc:
        cluster.stop()
        pytest.skip(f"PostgreSQL could not start here: {exc}")
    try:
        yield cluster.url
    finally:
        cluster.stop()


_schemas = itertools.count(1)


@pytest.fixture
def pg_url(pg_cluster: str) -> Iterator[str]:
    """A URL whose current schema is a fresh, empty one (dropped afterwards): one clean database per test."""
    import psycopg

    schema = f"test_{os.getpid()}_{next(_schemas)}"
    with psycopg.connect(pg_cluster, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield f"{pg_cluster}&options=-csearch_path%3D{schema}"
    with psycopg.connect(pg_cluster, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new database on each backend: a SQLite file, and a PostgreSQL schema."""
    if request.param == "sqlite":
        return str(tmp_path / "a.db")
    return str(request.getfixturevalue("pg_url"))
