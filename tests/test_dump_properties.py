"""Property tests of the raw-dump splitter: generated dumps whose body must come out whole and in order, and
arbitrary text that must never crash it. They run derandomized (the same examples every run); benchmarks/fuzz.py
runs them on fresh random seeds with many more examples to find new cases."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_dump import _DERANDOMIZE, _examples, _flat  # tests/ is on sys.path (rootdir conftest)

from eventwire.ingest.dump import DumpArticle, split_dump

_VOCAB_TEXT = (
    "envoy ministers talks border ceasefire troops government officials region capital agreement rebels convoy "
    "sanctions protest police parliament president delegation mission security council village province forces "
    "withdrawal negotiators spokesman statement visit meeting accord militia refugees election coalition dispute "
    "harbour mediators crossing checkpoint Libya Cairo Geneva Kenya Tripoli Lima Oslo Seoul Ankara 12 300 2026"
)
_VOCAB = _VOCAB_TEXT.split()
_ALPHA = [v for v in _VOCAB if v.isalpha()]
_FURNITURE = [
    "TT",
    "20",
    "Share",
    "Advertisement",
    "1.2K shares",
    "By Lena Hartmann",
    "Updated 3 hours ago",
    "Comments (4)",
]
_CREDITS = ["Getty Images", "Photo by Sami Hadd / AFP", "Reuters", "AP Photo/Lena Hartmann"]

words = st.lists(st.sampled_from(_VOCAB), min_size=2, max_size=24)


@st.composite
def sentence(draw: st.DrawFn) -> str:
    # Sentences open with a word; a line of bare numbers is a counter and rightly dropped as furniture.
    w = [draw(st.sampled_from(_ALPHA)), *draw(words)]
    text = " ".join([w[0].capitalize(), *w[1:]])
    # Closing "?" and "!" are left out: "Will the truce hold?" is a fair headline, so such a line is ambiguous.
    end = draw(st.sampled_from([".", ".”", '."', ".’"]))
    if end in (".”", '."'):
        text = ("“" if end == ".”" else '"') + text
    return text + end


@st.composite
def headline(draw: st.DrawFn) -> str:
    w = draw(st.lists(st.sampled_from(_ALPHA), min_size=4, max_size=12))
    return " ".join(x.capitalize() for x in w)


@st.composite
def dump(draw: st.DrawFn) -> tuple[str, list[list[str]], list[str]]:
    """A synthetic dump and what it was built from: each article's paragraphs and its headline."""
    single = draw(st.booleans())
    sep = "\n" if single else "\n\n"
    n = draw(st.integers(1, 3))
    paragraphs = draw(st.lists(sentence(), min_size=n, max_size=n * 6, unique=True))
    cuts: list[int] = []
    if n > 1 and len(paragraphs) >= n:
        cuts = sorted(draw(st.lists(st.integers(1, len(paragraphs) - 1), min_size=n - 1, max_size=n - 1, unique=True)))
    bounds = [0, *cuts, len(paragraphs)]
    chunks, parts, titles = [], [], []
    for a, b in itertools.pairwise(bounds):
        body = paragraphs[a:b]
        chunks.append(body)
        title = draw(headline().filter(lambda t: t not in titles))
        twice = draw(st.booleans())
        captions = draw(st.lists(st.tuples(headline(), st.sampled_from(_CREDITS)), max_size=2))
        furniture = draw(st.lists(st.sampled_from(_FURNITURE), max_size=3))
        block = [f"{c} ({credit})" for c, credit in captions for _ in range(2)] + furniture
        head = [title, *block] + ([title, *block[: 2 * len(captions)]] if twice else [])
        inside = list(body)
        if draw(st.booleans()) and len(inside) > 1:
            inside.insert(draw(st.integers(1, len(inside) - 1)), draw(st.sampled_from(_FURNITURE)))
        parts.append(sep.join(["\n".join(head), *inside]))
        titles.append(title)
    text = ("\n\n" if single else "\n\n\n\n").join(parts) + "\n"
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text, chunks, titles


_BYLINE_TEXT = ("Envoy Envoy Envoy Envoy\nEnvoy envoy envoy.\n\nEnvoy Envoy Envoy Envoy Envoy\nTT\n"
                "\u201cEnvoy envoy envoy.\u201d\nBy Lena Hartmann\nEnvoy envoy envoy envoy.\n")
_BYLINE_CHUNKS = [["Envoy envoy envoy."], ["\u201cEnvoy envoy envoy.\u201d", "Envoy envoy envoy envoy."]]
_BYLINE_TITLES = ["Envoy Envoy Envoy Envoy", "Envoy Envoy Envoy Envoy Envoy"]
_WIDGET_BODY = ["\u201cEnvoy envoy envoy.\u201d", "Envoy envoy ministers.", "Envoy ministers envoy.",
                "Envoy envoy envoy envoy.", "Envoy envoy envoy envoy envoy.", "Envoy Libya Libya.",
                "Envoy envoy envoy envoy envoy envoy."]
_WIDGET_TEXT = ("Envoy Envoy Envoy Envoy\n\nEnvoy envoy envoy.\n\n\n\nEnvoy Envoy Envoy Ministers\n\n"
                + "\n\n".join([*_WIDGET_BODY[:5], "TT", *_WIDGET_BODY[5:]]) + "\n")
_WIDGET_TITLE = "Envoy Envoy Envoy Ministers"


@settings(max_examples=_examples(120), deadline=None, derandomize=_DERANDOMIZE,
          suppress_health_check=[HealthCheck.too_slow])
@given(dump())
# Found by this test: a Title Case headline above a short quoted sentence with a byline under it (past a widget or
# not) was read as prose; a short Title Case sentence after an inline widget (hypothesis seed 3) opened an article.
@example((_BYLINE_TEXT, _BYLINE_CHUNKS, _BYLINE_TITLES))
@example((_BYLINE_TEXT.replace("Envoy Envoy\nTT\n", "Envoy Envoy\n"), _BYLINE_CHUNKS, _BYLINE_TITLES))
@example((_WIDGET_TEXT, [["Envoy envoy envoy."], _WIDGET_BODY], ["Envoy Envoy Envoy Envoy", _WIDGET_TITLE]))
def test_dump_property_never_loses_or_reorders_body(case: tuple[str, list[list[str]], list[str]]) -> None:
    text, chunks, titles = case
    got = split_dump(text)
    assert _flat(got) == [p for chunk in chunks for p in chunk]
    assert [a.title for a in got] == titles
    assert [a.paragraphs for a in got] == [tuple(c) for c in chunks]


@settings(max_examples=_examples(300), deadline=None, derandomize=_DERANDOMIZE)
@given(st.text())
def test_dump_property_never_crashes_on_arbitrary_text(text: str) -> None:
    got = split_dump(text)
    lines = {line.strip() for line in text.replace("\ufeff", "").replace("\r", "\n").split("\n")}
    for article in got:
        assert isinstance(article, DumpArticle)
        for para in article.paragraphs:
            assert para and para in lines


@settings(max_examples=_examples(120), deadline=None, derandomize=_DERANDOMIZE)
@given(st.lists(st.one_of(st.sampled_from(_FURNITURE + ["", " ", "\t"]), sentence(), headline()), max_size=30))
# Found by this test in CI: a short sentence taken for the headline, then replaced by a reprinted line, was lost.
@example(["Envoy envoy envoy.", "By Lena Hartmann", "Envoy envoy ministers talks.", "Envoy envoy ministers talks.",
          "Envoy Envoy Envoy Envoy Envoy", "Envoy Envoy Envoy Envoy Envoy"])
def test_dump_property_sentences_survive_any_mix(lines: list[str]) -> None:
    # A short sentence may be read as a headline ending in a full stop: it is then the article's title, still in
    # its place, so titles and paragraphs are read together.
    got = [x for a in split_dump("\n".join(lines)) for x in ([a.title] if a.title else []) + list(a.paragraphs)]
    # Prose ends like a sentence and has words; "12 12." is a counter.
    prose = [line for line in lines if line.endswith((".", "”", '"', "’")) and any(c.isalpha() for c in line)]
    # Every prose line is kept once in order, except reprints (whatever their quotes), which may be captions.
    keys = [p.translate(str.maketrans("", "", '"“”’')) for p in prose]
    unique = [p for p, k in zip(prose, keys) if keys.count(k) == 1]
    assert [p for p in got if p in unique] == unique
