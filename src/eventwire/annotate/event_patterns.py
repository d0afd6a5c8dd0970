"""The event coder's lexicon: verb, noun and frame patterns and the CAMEO -> PLOVER table, read from data/events.

Everything is indexed by lemma once, when the stage is built, so that coding a token costs a few dict look-ups.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

# PLOVER types that count as conflict when a frame decides between intent (AGREE) and threat (THREATEN).
CONFLICT_TYPES: frozenset[str] = frozenset(
    {"ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}
)


@dataclass(frozen=True)
class Plover:
    type: str
    mode: str | None
    context: str | None


@dataclass(frozen=True)
class Frame:
    kind: str
    code: str | None


@dataclass(frozen=True)
class Pattern:
    """A converted CAMEO pattern: words that must appear before (subject side) and after the verb."""

    pre: tuple[frozenset[str], ...]
    post: tuple[frozenset[str], ...]
    code: str
    # Position in its block of the dictionary: of two matching patterns of the same size, the earlier one wins.
    rank: int = 0

    @property
    def size(self) -> int:
        return len(self.pre) + len(self.post)


@dataclass(frozen=True)
class Block:
    code: str | None
    # Patterns indexed by one word of their first slot, so that a verb looks up only the patterns whose anchor
    # word occurs in its clause; patterns with no post words sit under "".
    index: dict[str, tuple[Pattern, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Sense:
    """One sense of an ambiguous event word (senses.tsv): the words that show it, where, and its code (None: no
    political event in that sense)."""

    role: str  # object | subject | modifier | context
    cues: frozenset[str]
    code: str | None


@dataclass(frozen=True)
class Lexicon:
    verbs: dict[str, str]
    verb_objects: dict[str, tuple[tuple[frozenset[str], str], ...]]
    nouns: dict[str, str]
    frames: dict[tuple[str, str], Frame]
    combine: dict[tuple[str, str], str]
    plover: dict[str, Plover]
    official: frozenset[str]
    cameo_verbs: dict[str, str]
    cameo_verb_codes: dict[str, str]
    blocks: dict[str, Block]
    senses: dict[tuple[str, str], tuple[Sense, ...]] = field(default_factory=dict)
    # Doers that cannot act (natural.tsv): events they "do" are no political events.
    natural: frozenset[str] = frozenset()
    # Lemmas of denial (domains.tsv "denials"): what they deny is flagged negated.
    denials: frozenset[str] = frozenset()

    def plover_of(self, code: str | None) -> Plover | None:
        """The PLOVER reading of a CAMEO code: the code itself, else its nearest listed parent ("0256" -> "025")."""
        while code:
            hit = self.plover.get(code)
            if hit is not None:
                return hit
            code = code[:-1] if len(code) > 2 else ""
        return None

    def combined(self, kind: str, complement: str | None) -> str | None:
        if complement is not None:
            hit = self.combine.get((kind, complement))
            if hit:
                return hit
        return self.combine.get((kind, "*"))

    def cameo_code(self, lemma: str, words: set[str], subject_words: set[str]) -> tuple[str | None, int]:
        """The PETRARCH reading of a verb: its most specific matching pattern; of equally specific ones, the one
        written first in the dictionary (never the order a set of words happens to iterate in)."""
        name = self.cameo_verbs.get(lemma)
        if name is None:
            return None, 0
        block = self.blocks[name]
        best: Pattern | None = None
        for anchor in words | {""}:
            for pat in block.index.get(anchor, ()):
                if best is not None and (pat.size, -pat.rank) <= (best.size, -best.rank):
                    continue
                if all(slot & words for slot in pat.post) and all(slot & subject_words for slot in pat.pre):
                    best = pat
        # Only a matching pattern codes: a block's default code would code every use of common verbs ("come",
        # "need", "confront"), the generic fallback that floods PETRARCH's output.
        return (best.code, best.size) if best is not None else (None, 0)


def _rows(path: Path) -> Iterator[list[str]]:
    """Rows of one of our TSV files: comment lines (#) and the header row skipped."""
    header = True
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if header:
            header = False
            continue
        yield [c.strip() for c in line.split("\t")]


def data_dir() -> Path:
    return Path(str(resources.files("eventwire") / "data" / "events"))


def read_plover_table(path: Path) -> dict[str, Plover]:
    out: dict[str, Plover] = {}
    for row in _rows(path):
        row += [""] * (4 - len(row))
        out[row[0]] = Plover(type=row[1], mode=row[2] or None, context=row[3] or None)
    return out


@functools.cache
def plover_types() -> tuple[str, ...]:
    """Every PLOVER event type, sorted: the official CAMEO table names them all (our additions map more codes)."""
    return tuple(sorted({p.type for p in read_plover_table(data_dir() / "cameo_plover.tsv").values()}))


def load_lexicon(folder: Path | None = None) -> Lexicon:
    folder = folder or data_dir()
    official = read_plover_table(folder / "cameo_plover.tsv")
    plover = {**read_plover_table(folder / "cameo_plover_extra.tsv"), **official}
    frames = {(r[0], r[1]): Frame(kind=r[2], code=None if r[3] == "-" else r[3]) for r in _rows(folder / "frames.tsv")}
    combine = {(r[0], r[1]): r[2] for r in _rows(folder / "combine.tsv")}
    verbs: dict[str, str] = {}
    objects: dict[str, list[tuple[frozenset[str], str]]] = {}
    for r in _rows(folder / "verbs.tsv"):
        if len(r) > 2 and r[2]:
            objects.setdefault(r[0], []).append((frozenset(r[2].split("|")), r[1]))
        else:
            verbs[r[0]] = r[1]
    nouns = {r[0]: r[1] for r in _rows(folder / "nouns.tsv")}
    domains = {r[0]: frozenset(r[1].split("|")) for r in _rows(folder / "domains.tsv")}
    senses: dict[tuple[str, str], list[Sense]] = {}
    for r in _rows(folder / "senses.tsv"):
        cues: set[str] = set()
        for cue in r[3].split("|"):
            cues |= domains[cue[1:]] if cue.startswith("@") else {cue}
        senses.setdefault((r[0], r[1]), []).append(Sense(r[2], frozenset(cues), None if r[4] == "-" else r[4]))
    natural = frozenset(r[0] for r in _rows(folder / "natural.tsv"))
    raw = json.loads((folder / "cameo_verbs.json").read_text(encoding="utf-8"))
    loose = domains["loose_prepositions"]
    blocks: dict[str, Block] = {}
    for name, spec in raw["blocks"].items():
        index: dict[str, list[Pattern]] = {}
        for rank, p in enumerate(spec["patterns"]):
            pat = Pattern(
                pre=tuple(frozenset(s) for s in p["pre"]),
                post=tuple(frozenset(s) for s in p["post"]),
                code=p["code"],
                rank=rank,
            )
            if (pat.pre or pat.post) and all(slot <= loose for slot in (*pat.pre, *pat.post)):
                continue  # "lead to", "come to", "go for": a direction is no act (read on BBC news, see domains.tsv)
            anchors = sorted(pat.post[0]) if pat.post else [""]
            for a in anchors:
                index.setdefault(a, []).append(pat)
        blocks[name] = Block(code=spec["code"], index={k: tuple(v) for k, v in index.items()})
    return Lexicon(
        verbs=verbs,
        verb_objects={k: tuple(v) for k, v in objects.items()},
        nouns=nouns,
        frames=frames,
        combine=combine,
        plover=plover,
        official=frozenset(official),
        cameo_verbs=raw["verbs"],
        cameo_verb_codes=raw["verb_codes"],
        blocks=blocks,
        senses={k: tuple(v) for k, v in senses.items()},
        natural=natural,
        denials=domains.get("denials", frozenset()),
    )


def quad_class(code: str | None) -> int | None:
    """CAMEO's quad class from the root code: 01-05 verbal coop, 06-08 material coop, 09-13 verbal conflict, else 4."""
    if not code or len(code) < 2 or not code[:2].isdigit():
        return None
    root = int(code[:2])
    if root <= 5:
        return 1
    if root <= 8:
        return 2
    if root <= 13:
        return 3
    return 4
