"""Readers for the three place corpora the geo scorer reads: GeoWebNews (Gritta et al. 2019), LGL (Lieberman et al.
2010) and GeoVirus (Gritta et al. 2018) as Gritta's evaluation repository ships them. Their XML differs; each
reader yields the same shape: an article, its toponyms that carry coordinates, and the spans of all its toponyms.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..records import Article

# GeoWebNews' readings; LGL and GeoVirus give none, and their toponyms are read as "toponym".
LITERAL = frozenset({"Literal", "Literal_Modifier", "Mixed", "Coercion", "Embedded_Literal"})
ASSOCIATIVE = frozenset({"Metonymic", "Non_Literal_Modifier", "Embedded_Non_Lit"})
UNTYPED = "toponym"


@dataclass(frozen=True)
class GoldToponym:
    start: int
    end: int
    text: str
    type: str
    geonames_id: int | None
    lat: float
    lon: float
    # What the gold itself says of the place, where it says it: the country's name (LGL), a continent (GeoVirus),
    # the names of the feature (its Wikipedia title, an alternate name), which tell "the same feature" without an id.
    country_name: str | None = None
    continent: bool = False
    names: tuple[str, ...] = ()


GoldArticle = tuple[Article, list[GoldToponym], list[tuple[int, int]]]


def _parse(path: Path, what: str) -> ET.Element:
    try:
        raw = path.read_text(encoding="utf-8")
        # GeoWebNews' development half is a run of <article> elements whose root tag was cut off: give it one.
        body = raw.split("?>", 1)[1] if raw.lstrip().startswith("<?xml") else raw
        body = body.replace("<articles>", "").replace("</articles>", "")
        return ET.fromstring(f"<articles>{body}</articles>")
    except (OSError, UnicodeDecodeError, ET.ParseError) as exc:
        raise UsageError(f"--gold {path}: cannot read {what} XML ({exc})") from exc


def _int(text: str | None) -> int | None:
    return int(text) if text and text.strip().isdigit() else None


def corpus_of(root: ET.Element) -> str:
    """Which corpus an XML root holds, told from its first article's markup: "gwn", "lgl" or "geovirus"."""
    art = root.find("article")
    if art is None:
        return ""
    if art.find("locations") is not None:
        return "geovirus"
    if art.find("toponyms/toponym/gaztag") is not None or art.get("docid") is not None:
        return "lgl"
    return "gwn"


def _gwn(root: ET.Element) -> Iterator[GoldArticle]:
    for art in root.iter("article"):
        text = art.findtext("text") or ""
        gold, spans = [], []
        for t in art.iter("toponym"):
            start, end = int(t.findtext("start") or 0), int(t.findtext("end") or 0)
            spans.append((start, end))
            lat, lon = t.findtext("latitude"), t.findtext("longitude")
            if not lat or not lon:
                continue
            gold.append(GoldToponym(start, end, t.findtext("extractedName") or "", t.findtext("type") or "",
                                    _int(t.findtext("geonamesID")), float(lat), float(lon)))
        yield Article(id=f"gwn-{art.get('file')}", text=text, title=art.findtext("title")), gold, spans


def _lgl(root: ET.Element) -> Iterator[GoldArticle]:
    for art in root.iter("article"):
        text = art.findtext("text") or ""
        gold, spans = [], []
        for t in art.iter("toponym"):
            start, end = int(t.findtext("start") or 0), int(t.findtext("end") or 0)
            spans.append((start, end))
            tag = t.find("gaztag")
            if tag is None or not tag.findtext("lat") or not tag.findtext("lon"):
                continue  # LGL leaves some toponyms unresolved: they count for precision only
            gold.append(GoldToponym(start, end, t.findtext("phrase") or "", UNTYPED, _int(tag.get("geonameid")),
                                    float(tag.findtext("lat") or 0), float(tag.findtext("lon") or 0),
                                    country_name=tag.findtext("country"), names=(tag.findtext("name") or "",)))
        yield Article(id=f"lgl-{art.get('docid')}", text=text, title=art.findtext("title")), gold, spans


def _geovirus(root: ET.Element) -> Iterator[GoldArticle]:
    for n, art in enumerate(root.iter("article")):
        text = art.findtext("text") or ""
        source = art.findtext("source") or ""
        gold, spans = [], []
        for t in art.iter("location"):
            start, end = int(t.findtext("start") or 0), int(t.findtext("end") or 0)
            spans.append((start, end))
            page = (t.findtext("page") or "").rsplit("/", 1)[-1].replace("_", " ")
            names = tuple(x for x in (page.split(",")[0], t.findtext("altName") or "", t.findtext("name") or "") if x)
            gold.append(GoldToponym(start, end, t.findtext("name") or "", UNTYPED, None,
                                    float(t.findtext("lat") or 0), float(t.findtext("lon") or 0),
                                    continent=t.find("continent") is not None, names=names))
        art_id = source.rsplit("/", 1)[-1] or str(n)
        yield Article(id=f"geovirus-{art_id}", text=text), gold, spans


def read_geo_gold(path: Path) -> tuple[str, list[GoldArticle]]:
    """The corpus name and its articles."""
    root = _parse(path, "place-corpus")
    corpus = corpus_of(root)
    reader = {"gwn": _gwn, "lgl": _lgl, "geovirus": _geovirus}.get(corpus)
    if reader is None:
        raise UsageError(f"--gold {path}: no <article> elements in it (GeoWebNews, LGL or GeoVirus XML)")
    return corpus, list(reader(root))
