"""The dates stage's data: the lexicon and the patterns of data/dates, read and compiled once per process.

Every rule is a regular expression with named slots ({MONTH}, {UNIT}, ...) filled from the lexicon's tables.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Lexicon:
    tables: Mapping[str, Mapping[str, Any]]
    rules: tuple[tuple[str, re.Pattern[str]], ...]
    # Lower-case words (besides numbers) that can be part of a time expression: see _candidate_starts.
    triggers: frozenset[str] = frozenset()

    def __getitem__(self, table: str) -> Mapping[str, Any]:
        return self.tables[table]


def _alternation(words: Any) -> str:
    # Longest first, so that "christmas eve" wins over "christmas" inside one alternation.
    # Curly apostrophes match straight ones: "New Year’s Day" is as common as "New Year's Day".
    escaped = [re.escape(w).replace(r"\ ", r"\s+").replace("'", "['’]") for w in sorted(words, key=len, reverse=True)]
    return "(?:" + "|".join(escaped) + ")"


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Read data/dates/*.toml and compile every rule. Cached: the stage factory and tests share one copy."""
    base = resources.files("eventwire") / "data" / "dates"
    tables = tomllib.loads((base / "lexicon.toml").read_text(encoding="utf-8"))
    spec = tomllib.loads((base / "patterns.toml").read_text(encoding="utf-8"))
    number = tables["number"]
    tens = [w for w, n in number.items() if n >= 20 and n % 10 == 0 and n < 100]
    units = [w for w, n in number.items() if 1 <= n <= 9 and w not in ("a", "an")]
    compound = f"(?:{_alternation(tens)}[\\s-]{_alternation(units)})"
    holidays = [*tables["holiday_fixed"], *tables["holiday_nth_weekday"], *tables["holiday_easter"]]
    fills = {
        "MONTH": _alternation(tables["month"]),
        "WEEKDAY": _alternation(tables["weekday"]),
        "NUMBER": f"(?:{compound}|{_alternation(number)}|\\d+(?:\\.\\d+)?)",
        "VAGUE": _alternation(tables["vague_number"]),
        "ORDINAL": _alternation(tables["ordinal"]),
        "UNIT": _alternation(tables["unit"]),
        "SEASON": _alternation(tables["season"]),
        "PART_OF_DAY": _alternation(tables["part_of_day"]),
        "DECADE_WORD": _alternation(tables["decade_word"]),
        "REFERENCE": _alternation(tables["reference"]),
        "SET_WORD": _alternation(tables["set_word"]),
        "HOLIDAY": _alternation(holidays),
        "MOD": spec["mod"]["pattern"],
        "TZ": spec["tz"]["pattern"],
    }
    rules = []
    for name, template in spec["rules"].items():
        body = re.sub(r"\{([A-Z_]+)\}", lambda m: fills[m.group(1)], template)
        # Word boundaries on both sides, so that "2011" is not found inside "120115" nor "may" inside "mayor".
        rules.append((name, re.compile(rf"(?<![\w]){body}(?![^\W_])", re.IGNORECASE)))
    triggers = set(spec["triggers"]["words"])
    for table in ("month", "weekday", "number", "unit", "season", "part_of_day", "decade_word", "set_word", "ordinal"):
        triggers.update(k for k in tables[table] if k not in ("a", "an"))
    for phrase in [*tables["reference"], *tables["vague_number"], *holidays]:
        triggers.update(w for w in re.split(r"[\s-]+", phrase) if w not in _NOT_TRIGGERS)
    triggers.update(f"{w}s" for w in [*tables["unit"], *tables["weekday"]])
    return Lexicon(tables=tables, rules=tuple(rules), triggers=frozenset(triggers))


# Words inside multi-word entries that alone never start looking for a time expression.
_NOT_TRIGGERS = {"the", "in", "at", "of", "a", "an", "so", "right", "more", "until", "very", "these", "st."}
