"""Scores the places stage against GeoWebNews (Gritta et al. 2019): toponyms in news text with GeoNames ids.

End to end: a gold toponym that no predicted place overlaps counts as wrong. Literal readings are the headline;
associative ones ("Washington said", "the US Senate") are scored apart, since they belong to actors more than places.
Precision is the share of predicted places that overlap a gold toponym of any reading: GeoWebNews marks them all.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..annotate.places import entry_place
from ..errors import UsageError
from ..gazetteer import Entry, km, load_gazetteer
from ..records import Article, Document, Place
from . import EvalReport, register_evaluator

LITERAL = frozenset({"Literal", "Literal_Modifier", "Mixed", "Coercion", "Embedded_Literal"})
ASSOCIATIVE = frozenset({"Metonymic", "Non_Literal_Modifier", "Embedded_Non_Lit"})
KM_THRESHOLD = 161.0  # 100 miles, the usual "accuracy at 161 km"


@dataclass(frozen=True)
class GoldToponym:
    start: int
    end: int
    text: str
    type: str
    geonames_id: int | None
    lat: float
    lon: float


def read_gwn(path: Path) -> Iterator[tuple[Article, list[GoldToponym], list[tuple[int, int]]]]:
    """Articles, their toponyms that carry coordinates, and the spans of all their toponyms (with coordinates or
    not, of any reading), from GeoWebNews XML."""
    try:
        raw = path.read_text(encoding="utf-8")
        # The development half is a run of <article> elements whose root tag was cut off: give it one.
        body = raw.split("?>", 1)[1] if raw.lstrip().startswith("<?xml") else raw
        body = body.replace("<articles>", "").replace("</articles>", "")
        root = ET.fromstring(f"<articles>{body}</articles>")
    except (OSError, UnicodeDecodeError, ET.ParseError) as exc:
        raise UsageError(f"--gold {path}: cannot read GeoWebNews XML ({exc})") from exc
    for art in root.iter("article"):
        text = art.findtext("text") or ""
        gold = []
        spans = []
        for t in art.iter("toponym"):
            spans.append((int(t.findtext("start") or 0), int(t.findtext("end") or 0)))
            lat, lon = t.findtext("latitude"), t.findtext("longitude")
            if not lat or not lon:
                continue
            gid = t.findtext("geonamesID")
            gold.append(
                GoldToponym(
                    start=int(t.findtext("start") or 0),
                    end=int(t.findtext("end") or 0),
                    text=t.findtext("extractedName") or "",
                    type=t.findtext("type") or "",
                    geonames_id=int(gid) if gid and gid.strip().isdigit() else None,
                    lat=float(lat),
                    lon=float(lon),
                )
            )
        yield Article(id=f"gwn-{art.get('file')}", text=text, title=art.findtext("title")), gold, spans


class _CountryOf:
    """The country of a gold point: its GeoNames entry's (none for a continent or an ocean), else the nearest
    town's (gold has no country field)."""

    def __init__(self) -> None:
        self.gaz = load_gazetteer()
        self.grid: dict[tuple[int, int], list[Entry]] = defaultdict(list)
        for e in self.gaz.entries():
            if e.feature.startswith("PPL") and e.country:
                self.grid[(math.floor(e.lat), math.floor(e.lon))].append(e)

    def __call__(self, g: GoldToponym) -> str | None:
        if g.geonames_id is not None:
            e = self.gaz.by_id(g.geonames_id)
            if e is not None:
                # A continent or an ocean lies in no country: its nearest town would name one at random.
                return e.country
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
    # The same GeoNames feature is no distance from itself, though our point for a province or an ocean (the
    # middle of its towns, a hand-written centre) may lie far from GeoNames' own.
    same = p is not None and g.geonames_id is not None and p.geonames_id == g.geonames_id
    ok_km = same or (
        p is not None and p.lat is not None and p.lon is not None and km(g.lat, g.lon, p.lat, p.lon) <= KM_THRESHOLD
    )
    t["km161"] += ok_km
    return p, ok_km


def _metrics(tallies: dict[str, dict[str, int]]) -> dict[str, float]:
    """End-to-end figures per reading, then (literal only) two views that tell finding from choosing: the same
    figures over the toponyms we found ("resolved_*", as geoparsers that take the toponyms as given are scored), and
    exact match over the toponyms whose GeoNames id the packaged gazetteer holds ("exact_reachable")."""
    metrics: dict[str, float] = {}
    for group in ("literal", "associative"):
        t = tallies[group]
        metrics[f"{group}_exact"] = t["exact"] / max(t["n_id"], 1)
        metrics[f"{group}_country"] = t["country"] / max(t["n"], 1)
        metrics[f"{group}_161km"] = t["km161"] / max(t["n"], 1)
        metrics[f"{group}_found"] = t["found"] / max(t["n"], 1)
    t = tallies["literal"]
    metrics["literal_exact_reachable"] = t["exact"] / max(t["n_reachable"], 1)
    metrics["resolved_exact"] = t["exact"] / max(t["found_id"], 1)
    metrics["resolved_country"] = t["country"] / max(t["found"], 1)
    metrics["resolved_161km"] = t["km161"] / max(t["found"], 1)
    return metrics


@register_evaluator("geo", help="places against GeoWebNews XML: exact GeoNames id, country, within 161 km")
def run(gold: Path, *, model: str | None = None, **options: Any) -> EvalReport:
    """Scores the places stage; ``details["baseline"]`` holds the same figures for the trivial resolver (every
    GPE/LOC/FAC entity as its most populous namesake), computed from the same parse."""
    from ..pipeline import Pipeline

    pairs = list(read_gwn(Path(gold)))
    if not pairs:
        raise UsageError(f"--gold {gold}: no GeoWebNews <article> elements in it")
    pipe = Pipeline(model=model, stages=["entities", "places"])
    country_of = _CountryOf()
    ours: dict[str, dict[str, int]] = {k: defaultdict(int) for k in ("literal", "associative")}
    base: dict[str, dict[str, int]] = {k: defaultdict(int) for k in ("literal", "associative")}
    misses: list[dict[str, Any]] = []
    # GeoWebNews marks every toponym, whatever its reading: a body place that overlaps none is a false one.
    predicted = {"n": 0, "toponym": 0}
    for doc, (_, toponyms, spans) in zip(pipe.annotate(a for a, _, _ in pairs), pairs):
        places, baseline = list(doc.places), _most_populous(doc)
        predicted["n"] += len(places)
        predicted["toponym"] += sum(any(s < q.end and q.start < e for s, e in spans) for q in places)
        for g in toponyms:
            group = "literal" if g.type in LITERAL else "associative" if g.type in ASSOCIATIVE else None
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
    return EvalReport(
        name="geo",
        dataset=str(gold),
        size=ours["literal"]["n"],
        metrics={**_metrics(ours), "precision": predicted["toponym"] / max(predicted["n"], 1)},
        details={
            "predicted": predicted,
            "counts": {k: dict(v) for k, v in ours.items()},
            "baseline": _metrics(base),
            "misses": misses,
        },
    )
