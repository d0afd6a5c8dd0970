"""Write the named-entity mentions of NewsReader MEANTIME (CAT XML) as a CoNLL-2003 column file.

Usage: python tools/meantime_to_conll.py MEANTIME_DIR OUT.conll [--caps-headlines]
With --caps-headlines each article's first sentence (its headline) is written in capitals, as CoNLL-2003's Reuters
headlines are, to measure how the entities layer reads shouted headlines.
Only named mentions (syntactic_type NAM) with a typed entity behind them are written, typed as CoNLL reads them:
PER, ORG, LOC as such; PRO (products), FIN (financial) and MIX as MISC. MEANTIME marks only the entities that take
part in the events it annotates, so many names in a sentence are not marked: only sentences with at least one marked
named mention are written, and precision stays an underestimate for every system. Of nested named mentions the
innermost are kept. The output is for measuring only: it is never committed (the corpus is not ours).
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

TYPES = {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "PRO": "MISC", "FIN": "MISC", "MIX": "MISC"}


def convert(path: Path, caps_headlines: bool = False) -> list[str]:
    root = ET.parse(path).getroot()
    tokens = [(int(t.get("sentence", "0")), int(t.get("t_id", "0")), t.text or "") for t in root.iter("token")]
    markables = root.find("Markables")
    if markables is None:
        return []
    types = {e.get("m_id"): TYPES.get(e.get("ent_type", "")) for e in markables.iter("ENTITY")}
    refers: dict[str | None, str] = {}
    for rel in root.iter("REFERS_TO"):
        target = rel.find("target")
        kind = types.get(target.get("m_id")) if target is not None else None
        if kind:
            for src in rel.iter("source"):
                refers[src.get("m_id")] = kind
    sentence_of = {tid: s for s, tid, _w in tokens}
    spans: list[tuple[int, int, str]] = []
    for m in markables.iter("ENTITY_MENTION"):
        kind = refers.get(m.get("m_id"))
        ids = sorted(int(a.get("t_id", "0")) for a in m.iter("token_anchor"))
        if m.get("syntactic_type") == "NAM" and kind and ids:
            spans.append((ids[0], ids[-1], kind))
    # Innermost first; a mention overlapping a kept one is dropped (column format cannot nest), so "Airbus parent
    # EADS" is read as its two names.
    tags: dict[int, str] = {}
    for first, final, kind in sorted(spans, key=lambda s: (s[1] - s[0], s[0])):
        if any(i in tags for i in range(first, final + 1)):
            continue
        for i in range(first, final + 1):
            tags[i] = ("B-" if i == first else "I-") + kind
    marked = {sentence_of.get(i) for i in tags}
    lines = ["-DOCSTART- -X- -X- O", ""]
    current = None
    for sentence, tid, word in tokens:
        if sentence not in marked or not word.strip():
            continue
        if current is not None and sentence != current:
            lines.append("")
        current = sentence
        text = word.replace(" ", "_")
        if caps_headlines and sentence == tokens[0][0]:
            text = text.upper()
        lines.append(f"{text} _ _ {tags.get(tid, 'O')}")
    lines.append("")
    return lines


def main(argv: list[str]) -> int:
    caps = "--caps-headlines" in argv
    argv = [a for a in argv if a != "--caps-headlines"]
    if len(argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    folder, out = Path(argv[0]), Path(argv[1])
    files = sorted(folder.rglob("*.xml"))
    if not files:
        print(f"Error: {folder}: no MEANTIME .xml files", file=sys.stderr)
        return 1
    lines: list[str] = []
    for f in files:
        lines += convert(f, caps)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
