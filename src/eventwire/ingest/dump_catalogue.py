"""The furniture catalogue (data/dump/furniture.toml), loaded once, and the word helpers built on it."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from typing import Any

__all__ = ["CATALOGUE", "SMALL_WORDS", "alternatives", "words_of", "wordset"]


def wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _furniture() -> dict[str, Any]:
    return tomllib.loads(
        (resources.files("eventwire") / "data" / "dump" / "furniture.toml").read_text(encoding="utf-8")
    )


def alternatives(phrases: list[str]) -> str:
    """A regex alternation of literal phrases, longest first, any run of spaces between words."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in ordered)


CATALOGUE = _furniture()
SMALL_WORDS = wordset(
    "a an the and or but nor for of to in on at by from with as into over after before until amid against about via"
    " vs per up off out than is are be"
)


def words_of(text: str) -> list[str]:
    return text.split()
