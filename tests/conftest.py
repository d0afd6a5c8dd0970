"""Shared fixtures: the real spaCy model (loaded once per session) and the path to ../shared when it is there."""

from __future__ import annotations

import os
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
