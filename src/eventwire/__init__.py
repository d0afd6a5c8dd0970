"""eventwire: raw news in, political event data out (who did what to whom, where, when, and who said so).

The public face: ``process`` and ``ingest`` run the whole job; ``Pipeline`` annotates Articles; the records are the
dataclasses every layer is made of.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import EventwireError, InputError, ModelError, StoreError, UsageError
from .pipeline import Pipeline, load_model
from .records import Actor, Article, Caption, Document, Event, Mention, Origin, Place, Quote, Span, TimeRef
from .run import ingest, process

__all__ = [
    "Actor",
    "Article",
    "Caption",
    "Document",
    "Event",
    "EventwireError",
    "InputError",
    "Mention",
    "ModelError",
    "Origin",
    "Pipeline",
    "Place",
    "Quote",
    "Span",
    "StoreError",
    "TimeRef",
    "UsageError",
    "__version__",
    "ingest",
    "load_model",
    "process",
]
