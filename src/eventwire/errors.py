"""The exceptions eventwire raises on purpose; anything else is a bug.

    EventwireError                 base: the CLI prints "Error: <message>" and exits 1
    ├── InputError                 a file, line or record we cannot read (names file and line)
    ├── ModelError                 the spaCy pipeline named by --model cannot be loaded
    ├── StoreError                 the database cannot be opened or is of an unknown schema version
    └── UsageError                 a bad flag or argument combination (exit 2)
"""

from __future__ import annotations


class EventwireError(Exception):
    """Base of every error that is meant for the user."""

    exit_code = 1


class InputError(EventwireError):
    """An input that cannot be read. ``where`` is "path" or "path:line"."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


class ModelError(EventwireError):
    """The spaCy pipeline cannot be loaded."""


class StoreError(EventwireError):
    """The database cannot be used."""


class UsageError(EventwireError):
    """Bad flags or arguments."""

    exit_code = 2
