"""The annotation stages and their registry: each stage takes the parsed article and adds one layer.

A stage is registered with what it needs (layers that must run before it) and what it adds (the layer it fills).
Its factory is called once per pipeline with the loaded spaCy ``Language`` and returns the function that runs per
article; dictionaries and gazetteers are loaded in the factory, never per article.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from ..records import Article


@dataclass(frozen=True)
class Context:
    """What a stage sees: the article, its parsed body, and the layers earlier stages added."""

    article: Article
    doc: Doc
    layers: Mapping[str, tuple[Any, ...]]
    nlp: Language


StageFn = Callable[[Context], Iterable[Any]]
StageFactory = Callable[[Language], StageFn]


@dataclass(frozen=True)
class StageSpec:
    name: str
    adds: str
    needs: tuple[str, ...]
    factory: StageFactory


REGISTRY: dict[str, StageSpec] = {}


def register_stage(name: str, *, adds: str, needs: tuple[str, ...] = ()) -> Callable[[StageFactory], StageFactory]:
    """Declare a stage. Used as a decorator on the stage's factory."""

    def wrap(factory: StageFactory) -> StageFactory:
        REGISTRY[name] = StageSpec(name=name, adds=adds, needs=needs, factory=factory)
        return factory

    return wrap


def load_builtin_stages() -> None:
    """Import the modules whose decorators fill REGISTRY."""
    from . import entities  # noqa: F401

    for optional in ("actors", "events", "acled", "places", "dates", "quotes"):
        try:
            __import__(f"{__name__}.{optional}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{optional}":
                raise


# The order in which stages run by default. A name missing from REGISTRY is skipped: its layer stays empty.
DEFAULT_STAGES: tuple[str, ...] = ("entities", "actors", "dates", "places", "quotes", "events", "acled")
