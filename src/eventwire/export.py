"""Event exports: JSON Lines, a flat CSV table, PLOVER-style JSON Lines, a GDELT 2.0-style event table and an
ACLED-style table.

Each writer takes rows shaped as the store returns them: ``{"id", "article": {...}, **dataclasses.asdict(event)}``.
The columns and what fills them are documented in docs/exports.md.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date as Date
from functools import lru_cache
from typing import Any, TextIO

from .errors import UsageError

Row = Mapping[str, Any]

# GDELT 2.0 event table columns, in the order of the GDELT codebook (61 columns).
GDELT_COLUMNS: tuple[str, ...] = (
    "GlobalEventID", "Day", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code", "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code", "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code", "ActionGeo_ADM2Code",
    "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
)  # fmt: skip

CSV_COLUMNS: tuple[str, ...] = (
    "id", "article_id", "title", "published", "url", "outlet", "date", "date_precision",
    "type", "mode", "cameo", "quad_class", "acled_type", "acled_sub_type",
    "source_text", "source_name", "source_country", "source_sector", "source_code",
    "target_text", "target_name", "target_country", "target_sector", "target_code",
    "negated", "hypothetical", "future",
    "place", "place_country", "place_admin1", "place_lat", "place_lon", "place_geonames_id",
    "trigger", "trigger_start", "trigger_end", "sentence", "sentence_start", "sentence_end", "mentions", "confidence",
)  # fmt: skip


def write_events(rows: Iterable[Row], fmt: str, out: TextIO) -> int:
    """Write events in one format; returns the number of records written (GDELT: table lines, header excluded)."""
    writer = WRITERS.get(fmt)
    if writer is None:
        raise UsageError(f"--format {fmt}: unknown export format (known: {', '.join(sorted(WRITERS))})")
    return writer(rows, out)


def _write_jsonl(rows: Iterable[Row], out: TextIO) -> int:
    n = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        n += 1
    return n


def _actors(row: Row, role: str) -> list[Mapping[str, Any]]:
    return [a for a in (row.get(role) or ()) if isinstance(a, Mapping)]


def _joined(actors: Sequence[Mapping[str, Any]], key: str) -> str:
    """Compound actors ("Turkey and Russia") in one cell, in text order, joined by "; "."""
    return "; ".join(str(a.get(key) or "") for a in actors) if any(a.get(key) for a in actors) else ""


def _flat(row: Row) -> dict[str, Any]:
    art = row.get("article") or {}
    place = row.get("place") or {}
    trig = row.get("trigger") or {}
    sent = row.get("sentence") or {}
    out: dict[str, Any] = {
        "id": row.get("id"),
        "article_id": art.get("id"),
        "title": art.get("title"),
        "published": art.get("published"),
        "url": art.get("url"),
        "outlet": art.get("source"),
        "date": row.get("date"),
        "date_precision": row.get("date_precision"),
        "type": row.get("type"),
        "mode": row.get("mode"),
        "cameo": row.get("cameo"),
        "quad_class": row.get("quad_class"),
        "acled_type": row.get("acled_type"),
        "acled_sub_type": row.get("acled_sub_type"),
        "negated": row.get("negated"),
        "hypothetical": row.get("hypothetical"),
        "future": row.get("future"),
        "place": place.get("name") or place.get("text"),
        "place_country": place.get("country"),
        "place_admin1": place.get("admin1"),
        "place_lat": place.get("lat"),
        "place_lon": place.get("lon"),
        "place_geonames_id": place.get("geonames_id"),
        "trigger": trig.get("text"),
        "trigger_start": trig.get("start"),
        "trigger_end": trig.get("end"),
        "sentence": sent.get("text"),
        "sentence_start": sent.get("start"),
        "sentence_end": sent.get("end"),
        "mentions": len(row.get("mentions") or ()) or 1,
        "confidence": row.get("confidence"),
    }
    for role in ("source", "target"):
        actors = _actors(row, role)
        for key in ("text", "name", "country", "sector", "code"):
            out[f"{role}_{key}"] = _joined(actors, key)
    return out


# A spreadsheet reads a cell that opens with one of these as a formula (CSV injection); a leading apostrophe makes
# it text again, and spreadsheets hide the apostrophe. Numbers such as "-3.5" are left alone.
_FORMULA_OPENERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_safe(value: Any) -> Any:
    """The cell as a spreadsheet shows it as text: a string opening like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_OPENERS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_cells(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: spreadsheet_safe(v) for k, v in row.items()}


def _write_csv(rows: Iterable[Row], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=list(CSV_COLUMNS), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    n = 0
    for row in rows:
        writer.writerow({k: ("" if v is None else spreadsheet_safe(v)) for k, v in _flat(row).items()})
        n += 1
    return n


@lru_cache(maxsize=1)
def _contexts() -> Mapping[str, str]:
    """PLOVER contexts by CAMEO code, from the packaged CAMEO->PLOVER table (read once, on first use)."""
    from .annotate.event_patterns import data_dir, read_plover_table

    folder = data_dir()
    table = {**read_plover_table(folder / "cameo_plover_extra.tsv"), **read_plover_table(folder / "cameo_plover.tsv")}
    return {code: p.context for code, p in table.items() if p.context}


def _plover_actor(actors: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {
        "actor": _joined(actors, "country") or _joined(actors, "code"),
        "agent": _joined(actors, "sector"),
        "text": _joined(actors, "text"),
    }


def _plover(row: Row) -> dict[str, Any]:
    art = row.get("article") or {}
    place = row.get("place")
    src, tgt = _actors(row, "source"), _actors(row, "target")
    s, t = _plover_actor(src), _plover_actor(tgt)
    context = _contexts().get(str(row.get("cameo") or ""))
    out: dict[str, Any] = {
        "id": row.get("id"),
        "date": row.get("date"),
        "date_precision": row.get("date_precision"),
        "event_type": row.get("type"),
        "mode": row.get("mode") or "",
        "context": context.replace("; ", ",").split(",") if context else [],
        "source": s["text"],
        "src_actor": s["actor"],
        "src_agent": s["agent"],
        "target": t["text"],
        "tgt_actor": t["actor"],
        "tgt_agent": t["agent"],
        "source_actors": src,
        "target_actors": tgt,
        "cameo": row.get("cameo"),
        "quad_class": row.get("quad_class"),
        "negated": bool(row.get("negated")),
        "hypothetical": bool(row.get("hypothetical")),
        "future": bool(row.get("future")),
        "text": (row.get("sentence") or {}).get("text"),
        "trigger": row.get("trigger"),
        "mentions": row.get("mentions") or [],
        "place": place,
        "language": "en",
        "publication": art.get("source"),
        "title": art.get("title"),
        "url": art.get("url"),
        "article_id": art.get("id"),
        "confidence": row.get("confidence"),
    }
    return out


def _write_plover(rows: Iterable[Row], out: TextIO) -> int:
    n = 0
    for row in rows:
        out.write(json.dumps(_plover(row), ensure_ascii=False, default=str) + "\n")
        n += 1
    return n


def _day(value: Any) -> Date | None:
    """A calendar day from an ISO date (event date, else the article's publication date); None when vaguer."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return Date.fromisoformat(value[:10])
    except ValueError:
        return None


def _geo_type(place: Mapping[str, Any]) -> int | str:
    """GDELT geo type: 1 country, 2 US state, 3 US city, 4 world city, 5 world state or province."""
    feature = str(place.get("feature") or "").upper()
    in_us = place.get("country") == "USA"
    if "PCL" in feature:
        return 1
    if "ADM1" in feature:
        return 2 if in_us else 5
    if place.get("lat") is None:
        return ""
    return 3 if in_us else 4


def _gdelt_lines(row: Row) -> Iterable[dict[str, Any]]:
    art = row.get("article") or {}
    day = _day(row.get("date")) or _day(art.get("published"))
    cameo = str(row.get("cameo") or "")
    place = row.get("place") or {}
    trig_field = (row.get("trigger") or {}).get("field")
    sent = row.get("sentence") or {}
    mentions = row.get("mentions") or []
    base: dict[str, Any] = {c: "" for c in GDELT_COLUMNS}
    base.update(
        {
            "Day": day.strftime("%Y%m%d") if day else "",
            "MonthYear": day.strftime("%Y%m") if day else "",
            "Year": day.year if day else "",
            "FractionDate": f"{day.year + (day.timetuple().tm_yday - 1) / 365:.4f}" if day else "",
            # GDELT's "root event" is one in the lead; ours: stated in the headline or the first sentence.
            "IsRootEvent": int(
                trig_field == "title"
                or sent.get("start") == 0
                or any(m.get("field") == "title" for m in mentions if isinstance(m, Mapping))
            ),
            "EventCode": cameo,
            "EventBaseCode": cameo[:3],
            "EventRootCode": cameo[:2],
            "QuadClass": row.get("quad_class") or "",
            "NumMentions": len(mentions) or 1,
            "NumSources": 1,
            "NumArticles": 1,
            "SOURCEURL": art.get("url") or "",
        }
    )
    if place:
        base.update(
            {
                "ActionGeo_Type": _geo_type(place),
                "ActionGeo_FullName": ", ".join(
                    str(p)
                    for p in (place.get("name") or place.get("text"), place.get("admin1"), place.get("country"))
                    if p
                ),
                "ActionGeo_CountryCode": place.get("country") or "",
                "ActionGeo_ADM1Code": place.get("admin1") or "",
                "ActionGeo_Lat": "" if place.get("lat") is None else place["lat"],
                "ActionGeo_Long": "" if place.get("lon") is None else place["lon"],
                "ActionGeo_FeatureID": place.get("geonames_id") or "",
            }
        )
    # GDELT has one actor on each side: a compound actor becomes one line per pair, ids suffixed -1, -2, ...
    sources: list[Mapping[str, Any] | None] = list(_actors(row, "source")) or [None]
    targets: list[Mapping[str, Any] | None] = list(_actors(row, "target")) or [None]
    pairs = [(s, t) for s in sources for t in targets]
    for k, (s, t) in enumerate(pairs, start=1):
        line = dict(base)
        line["GlobalEventID"] = row.get("id") if len(pairs) == 1 else f"{row.get('id')}-{k}"
        for n, actor in ((1, s), (2, t)):
            if actor is None:
                continue
            line[f"Actor{n}Code"] = actor.get("code") or actor.get("country") or ""
            line[f"Actor{n}Name"] = (actor.get("name") or actor.get("text") or "").upper()
            line[f"Actor{n}CountryCode"] = actor.get("country") or ""
            line[f"Actor{n}Type1Code"] = actor.get("sector") or ""
        yield line


def _write_gdelt(rows: Iterable[Row], out: TextIO) -> int:
    writer = csv.DictWriter(
        out, fieldnames=list(GDELT_COLUMNS), delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL
    )
    writer.writeheader()
    n = 0
    for row in rows:
        for line in _gdelt_lines(row):
            writer.writerow(safe_cells(line))
            n += 1
    return n


# ACLED's data export columns, in ACLED's order (see docs/exports.md for which ones eventwire fills).
ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip

# ACLED's actor kinds (the inter codes), and the PLOVER sectors read as each; a sector's first match decides.
ACLED_INTER: tuple[tuple[int, frozenset[str]], ...] = (
    (1, frozenset({"GOV", "MIL", "COP", "SPY", "JUD", "LEG"})),  # state forces
    (2, frozenset({"REB", "INS"})),  # rebel groups
    (3, frozenset({"UAF", "CRM"})),  # political militias (armed groups of no stated side)
    (7, frozenset({"CVL", "EDU", "MED", "HLH", "REL", "BUS", "LAB", "AGR", "REF", "HRI", "NGO", "ELI", "OPP", "PTY"})),
)
ACLED_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}


def _inter(actor: Mapping[str, Any] | None, row: Row, role: str) -> int | None:
    """An actor's ACLED inter code: by its sector, except that at a protest or a riot the source is who gathered."""
    if actor is None:
        return None
    if role == "source" and row.get("acled_type") in ("Protests", "Riots"):
        sector = str(actor.get("sector") or "")
        if not any(sector[i:i + 3] in ACLED_INTER[0][1] for i in range(0, len(sector), 3)):
            return 6 if row["acled_type"] == "Protests" else 5
    sector = str(actor.get("sector") or "")
    codes = {sector[i:i + 3] for i in range(0, len(sector), 3)}
    return next((inter for inter, sectors in ACLED_INTER if codes & sectors), None)


@lru_cache(maxsize=512)
def _country(iso3: str) -> tuple[str, str]:
    """ISO 3166 numeric code and English name of an alpha-3 code; empty for IGO/NGO codes."""
    import pycountry

    found = pycountry.countries.get(alpha_3=iso3) if len(iso3) == 3 else None
    return (str(int(found.numeric)), found.name) if found else ("", "")


def _geo_precision(place: Mapping[str, Any]) -> int | str:
    """ACLED's geo precision: 1 the town itself, 2 a part of a region near it, 3 a province or a country."""
    if place.get("lat") is None:
        return ""
    feature = str(place.get("feature") or "").upper()
    if "PCL" in feature or "ADM1" in feature or feature.startswith("A"):
        return 3
    return 1 if feature.startswith("P") or not feature else 2


def _acled(row: Row) -> dict[str, Any] | None:
    if not row.get("acled_sub_type"):
        return None
    from .acled import categories

    art = row.get("article") or {}
    place = row.get("place") or {}
    day = _day(row.get("date")) or _day(art.get("published"))
    src, tgt = _actors(row, "source"), _actors(row, "target")

    def name(a: Mapping[str, Any]) -> str:
        return str(a.get("name") or a.get("text") or "")

    inter1 = _inter(src[0] if src else None, row, "source")
    inter2 = _inter(tgt[0] if tgt else None, row, "target")
    pair = sorted(i for i in (inter1, inter2) if i is not None)
    category = categories().get(str(row["acled_sub_type"]))
    iso, country = _country(str(place.get("country") or ""))
    precision = ACLED_PRECISION.get(str(row.get("date_precision") or "day"), 3) if row.get("date") else 1
    out: dict[str, Any] = {c: "" for c in ACLED_COLUMNS}
    out.update({
        "event_id_cnty": row.get("id") or "",
        "event_date": day.isoformat() if day else "",
        "year": day.year if day else "",
        "time_precision": precision if day else "",
        "disorder_type": category.disorder_type if category else "",
        "event_type": row.get("acled_type") or "",
        "sub_event_type": row.get("acled_sub_type") or "",
        "actor1": name(src[0]) if src else "",
        "assoc_actor_1": "; ".join(name(a) for a in src[1:]),
        "inter1": inter1 or "",
        "actor2": name(tgt[0]) if tgt else "",
        "assoc_actor_2": "; ".join(name(a) for a in tgt[1:]),
        "inter2": inter2 or "",
        "interaction": (pair[0] * 10 + pair[1] if len(pair) == 2 else pair[0] * 10) if pair else "",
        "civilian_targeting": "Civilian targeting" if inter2 == 7 and row.get("acled_type") in (
            "Violence against civilians", "Explosions/Remote violence") else "",
        "iso": iso,
        "country": country,
        "admin1": place.get("admin1") or "",
        "location": place.get("name") or place.get("text") or "",
        "latitude": "" if place.get("lat") is None else place["lat"],
        "longitude": "" if place.get("lon") is None else place["lon"],
        "geo_precision": _geo_precision(place) if place else "",
        "source": art.get("source") or "",
        "notes": (row.get("sentence") or {}).get("text") or "",
    })
    return out


def _write_acled(rows: Iterable[Row], out: TextIO) -> int:
    """Events with an ACLED type, one line each, in ACLED's columns (CSV, as ACLED's own exports)."""
    writer = csv.DictWriter(out, fieldnames=list(ACLED_COLUMNS), lineterminator="\n")
    writer.writeheader()
    n = 0
    for row in rows:
        line = _acled(row)
        if line is not None:
            writer.writerow(safe_cells(line))
            n += 1
    return n


WRITERS: dict[str, Callable[[Iterable[Row], TextIO], int]] = {
    "acled": _write_acled,
    "jsonl": _write_jsonl,
    "csv": _write_csv,
    "plover": _write_plover,
    "gdelt": _write_gdelt,
}
