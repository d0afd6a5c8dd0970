"""Scores the places stage against GeoWebNews (Gritta et al. 2019): toponyms in news text with GeoNames ids.

End to end: a gold toponym that no predicted place overlaps counts as wrong. Literal readings are the headline;
associative ones ("Washington said", "the US Senate") are scored apart, since they belong to actors more than places.
Precision is the share of predicted places that overlap a gold toponym of any reading: GeoWebNews marks them all.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..annotate.places import entry_place
from ..errors import UsageError
from ..gazetteer import ADMIN1, ADMIN2, CONTINENT, COUNTRY, REGION, Entry, km, load_gazetteer, normalize
from ..records import Document, Place
from . import EvalReport, register_evaluator
from .geo_gold import ASSOCIATIVE, LITERAL, UNTYPED, GoldArticle, GoldToponym, read_geo_gold

KM_THRESHOLD = 161.0  # 100 miles, the usual "accuracy at 161 km"


class _CountryOf:
    """The country of a gold point: none for a continent or an ocean; else its GeoNames entry's, the country the gold
    names (LGL), the country one of its names is (GeoVirus' "United States"), and last the nearest town's."""

    def __init__(self) -> None:
        self.gaz = load_gazetteer()
        self.grid: dict[tuple[int, int], list[Entry]] = defaultdict(list)
        for e in self.gaz.entries():
            if e.feature.startswith("PPL") and e.country:
                self.grid[(math.floor(e.lat), math.floor(e.lon))].append(e)

    def _named(self, name: str | None) -> str | None:
        for e in self.gaz.lookup(name or ""):
            if e.feature == COUNTRY and e.country:
                return e.country
        return None

    def __call__(self, g: GoldToponym) -> str | None:
        if g.continent:
            return None
        if g.geonames_id is not None:
            e = self.gaz.by_id(g.geonames_id)
            if e is not None:
                # A continent or an ocean lies in no country: its nearest town would name one at random.
                return e.country
        for name in (g.country_name, *g.names):
            if (iso := self._named(name)) is not None:
                return iso
        best, dist = None, math.inf
        for r in range(4):
            for dy in range(-r, r + 1):
                for dx in range(-r, r + 1):
                    if max(abs(dy), abs(dx)) != r:
                        continue
                    for e in self.grid.get((math.floor(g.lat) + dy, math.floor(g.lon) + dx), ()):
                        d = km(g.lat, g.lon, e.lat, e.lon)
                        if d < dist:
                            best, dist = e.country, d
            if best is not None and dist < r * 80:
                break
        return best


def _match(g: GoldToponym, places: list[Place]) -> Place | None:
    best, overlap = None, 0
    for p in places:
        o = min(g.end, p.end) - max(g.start, p.start)
        if o > overlap:
            best, overlap = p, o
    return best


def _most_populous(doc: Document) -> list[Place]:
    """The trivial baseline: every GPE/LOC/FAC entity, looked up whole, as its most populous namesake."""
    gaz = load_gazetteer()
    out = []
    for m in doc.entities:
        if m.label in ("GPE", "LOC", "FAC"):
            entries = gaz.lookup(m.text.removeprefix("the "))
            if entries:
                e = max(entries, key=lambda e: e.population)
                out.append(entry_place(e, doc.article.text, m.start, m.end))
    return out


_AREAS = frozenset({COUNTRY, ADMIN1, ADMIN2, CONTINENT, REGION})


def _same_feature(g: GoldToponym, p: Place) -> bool:
    """Whether a prediction is the gold's own feature: the same GeoNames id, or (gold without one) a country, state
    or region of the name the gold gives it. Our point for a province or an ocean (the middle of its towns, a
    hand-written centre) may lie far from the gold's, yet it is no distance from itself."""
    if g.geonames_id is not None:
        return p.geonames_id == g.geonames_id
    return p.feature in _AREAS and normalize(p.name or "") in {normalize(n) for n in g.names}


def _tally(
    t: dict[str, int], g: GoldToponym, gold_country: str | None, places: list[Place], reachable: bool = False
) -> tuple[Place | None, bool]:
    """Counts one gold toponym into ``t``; ``reachable``: the packaged gazetteer holds its GeoNames id."""
    p = _match(g, places)
    t["n"] += 1
    t["found"] += p is not None
    if g.geonames_id is not None:
        t["n_id"] += 1
        t["exact"] += p is not None and p.geonames_id == g.geonames_id
        t["n_reachable"] += reachable
        t["found_id"] += p is not None
    # Seas and continents lie in no country: there, "no country" is the right answer.
    t["country"] += p is not None and p.country == gold_country
    ok_km = p is not None and (
        _same_feature(g, p)
        or (p.lat is not None and p.lon is not None and km(g.lat, g.lon, p.lat, p.lon) <= KM_THRESHOLD)
    )
    t["km161"] += ok_km
    return p, ok_km


def _metrics(tallies: dict[str, dict[str, int]], headline: str = "literal") -> dict[str, float]:
    """End-to-end figures per reading, then (headline reading only) two views that tell finding from choosing: the
    same figures over the toponyms we found ("resolved_*", as geoparsers that take the toponyms as given are scored),
    and exact match over the toponyms whose GeoNames id the packaged gazetteer holds ("exact_reachable"). Exact
    match is printed only where the gold gives GeoNames ids (GeoVirus gives Wikipedia pages)."""
    metrics: dict[str, float] = {}
    for group, t in tallies.items():
        if not t["n"]:
            continue
        if t["n_id"]:
            metrics[f"{group}_exact"] = t["exact"] / t["n_id"]
        metrics[f"{group}_country"] = t["country"] / t["n"]
        metrics[f"{group}_161km"] = t["km161"] / t["n"]
        metrics[f"{group}_found"] = t["found"] / t["n"]
    t = tallies[headline]
    if t["n_id"]:
        metrics[f"{headline}_exact_reachable"] = t["exact"] / max(t["n_reachable"], 1)
        metrics["resolved_exact"] = t["exact"] / max(t["found_id"], 1)
    metrics["resolved_country"] = t["country"] / max(t["found"], 1)
    metrics["resolved_161km"] = t["km161"] / max(t["found"], 1)
    return metrics


def _group(g: GoldToponym) -> str | None:
    if g.type == UNTYPED:
        return UNTYPED
    return "literal" if g.type in LITERAL else "associative" if g.type in ASSOCIATIVE else None


def score_corpus(
    corpus: str, pairs: list[GoldArticle], docs: list[Document], country_of: _CountryOf, dataset: str
) -> EvalReport:
    """One corpus' figures from its articles' gold and their annotated documents."""
    groups = ("toponym",) if corpus != "gwn" else ("literal", "associative")
    ours: dict[str, dict[str, int]] = {k: defaultdict(int) for k in groups}
    base: dict[str, dict[str, int]] = {k: defaultdict(int) for k in groups}
    misses: list[dict[str, Any]] = []
    # All three corpora mark every toponym they resolve and some they do not: a body place that overlaps none is a
    # false one. GeoWebNews marks associative readings too; LGL and GeoVirus their literal and most metonymic ones.
    predicted = {"n": 0, "toponym": 0}
    for doc, (_, toponyms, spans) in zip(docs, pairs):
        places, baseline = list(doc.places), _most_populous(doc)
        predicted["n"] += len(places)
        predicted["toponym"] += sum(any(s < q.end and q.start < e for s, e in spans) for q in places)
        for g in toponyms:
            group = _group(g)
            if group is None:
                continue
            gold_country = country_of(g)
            reachable = g.geonames_id is not None and country_of.gaz.by_id(g.geonames_id) is not None
            _tally(base[group], g, gold_country, baseline, reachable)
            p, ok_km = _tally(ours[group], g, gold_country, places, reachable)
            if not ok_km:
                misses.append(
                    {
                        "article": doc.article.id,
                        "type": g.type,
                        "gold": g.text,
                        "gold_id": g.geonames_id,
                        "gold_country": gold_country,
                        "found": p.text if p else None,
                        "name": p.name if p else None,
                        "country": p.country if p else None,
                        "id": p.geonames_id if p else None,
                    }
                )
    headline = groups[0]
    return EvalReport(
        name="geo",
        dataset=dataset,
        size=ours[headline]["n"],
        metrics={**_metrics(ours, headline), "precision": predicted["toponym"] / max(predicted["n"], 1)},
        details={
            "corpus": corpus,
            "predicted": predicted,
            "counts": {k: dict(v) for k, v in ours.items()},
            "baseline": _metrics(base, headline),
            "misses": misses,
        },
    )


# Figures that two corpora of one annotation scheme (LGL and GeoVirus: toponyms with points, no readings) should
# agree on within a few points when no rule is tuned to one of them.
SHARED_FIGURES = ("toponym_country", "toponym_161km", "toponym_found")


@register_evaluator(
    "geo", help="places against GeoWebNews, LGL or GeoVirus XML (a file, or a folder of them)", halves=True
)
def run(gold: Path, *, model: str | None = None, half: str | None = None, **options: Any) -> EvalReport:
    """Scores the places stage on one corpus, or on every corpus in a folder (figures prefixed by the corpus, and
    the spread of each shared figure across LGL and GeoVirus). ``details["baseline"]`` holds the same
    figures for the trivial resolver (every GPE/LOC/FAC entity as its most populous namesake). ``half`` keeps the
    articles of one fixed half (by a hash of the article id, as for PLOVER): read errors on "tune", gate on
    "check"."""
    from ..pipeline import Pipeline
    from .plover import half_label, select_half

    gold = Path(gold)
    files = sorted(gold.glob("*.xml")) if gold.is_dir() else [gold]
    if not files:
        raise UsageError(f"--gold {gold}: no .xml place corpora in this folder")
    pipe = Pipeline(model=model, stages=["entities", "places"])
    country_of = _CountryOf()
    reports = []
    for path in files:
        corpus, pairs = read_geo_gold(path)
        pairs = select_half(pairs, half, key=lambda p: p[0].id)
        if not pairs:
            raise UsageError(f"--gold {path}: no articles in it")
        docs = list(pipe.annotate(a for a, _, _ in pairs))
        reports.append(score_corpus(corpus, pairs, docs, country_of, str(path)))
    if len(reports) == 1:
        return replace(reports[0], dataset=half_label(reports[0].dataset, half))
    metrics: dict[str, float] = {}
    for r in reports:
        metrics |= {f"{r.details['corpus']}.{k}": v for k, v in r.metrics.items()}
    for figure in SHARED_FIGURES:
        values = [r.metrics[figure] for r in reports if figure in r.metrics]
        if len(values) > 1:
            metrics[f"spread.{figure}"] = max(values) - min(values)
    return EvalReport(
        name="geo",
        dataset=half_label(str(gold), half),
        size=sum(r.size for r in reports),
        metrics=metrics,
        details={r.details["corpus"]: r.details for r in reports},
    )
