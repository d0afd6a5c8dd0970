"""Convert PETRARCH's CAMEO verb dictionary and the OEDA CAMEO->PLOVER table into eventwire's data files.

Usage: python tools/convert_cameo.py CAMEO.2.0.txt CAMEO2PLOVER-2021.txt OUT_DIR
Writes OUT_DIR/cameo_verbs.json and OUT_DIR/cameo_plover.tsv; run again whenever either source changes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

# PETRARCH marks words it must not stem with a trailing "_" and multi-word forms with "_" between words;
# we match spaCy lemmas and lower-cased text, so both become plain lower-case words.
_CODE = re.compile(r"\[([^\]]*)\]")


def _word(raw: str) -> str:
    return raw.strip("_").replace("_", " ").lower()


def _code(raw: str) -> str | None:
    """A CAMEO code from a bracket: '042:043' is source:target coding; we keep the first code that is set."""
    for part in raw.split(":"):
        part = part.strip()
        if part and part != "---" and part.isdigit():
            return part
    return None


def _slots(tokens: list[str], synsets: dict[str, list[str]]) -> list[list[str]]:
    """Pattern words as slots of alternatives; actor markers ($ + ^ %) and the verb marker (*) carry no word."""
    out: list[list[str]] = []
    for tok in tokens:
        tok = tok.strip("(){}")
        if not tok or tok in {"$", "+", "^", "%", "*", "|"}:
            continue
        if tok.startswith("&"):
            alts = synsets.get(tok) or synsets.get(tok.rstrip("_"))
            if alts:
                out.append(sorted(set(alts)))
            continue
        word = _word(tok)
        if word and re.fullmatch(r"[a-z][a-z' -]*", word):
            out.append([word])
    return out


def read_verbs(path: Path) -> dict[str, object]:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    synsets: dict[str, list[str]] = {}
    current: str | None = None
    i = 0
    while i < len(lines) and not lines[i].startswith("####### VERB PATTERNS"):
        line = lines[i].split("#", 1)[0].strip()
        if line.startswith("&"):
            current = line.split()[0]
            synsets[current] = []
        elif line.startswith("+") and current:
            synsets[current].append(_word(line[1:].split()[0]))
        elif not line:
            current = None
        i += 1
    verbs: dict[str, str] = {}
    verb_codes: dict[str, str] = {}
    blocks: dict[str, dict[str, object]] = {}
    block: dict[str, object] | None = None
    for raw in lines[i + 1 :]:
        if raw.startswith("######## TRANSFORMATIONS"):
            break
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        head = re.match(r"^---\s+(\S+)\s+\[([^\]]*)\]\s+---", line)
        if head:
            name = head.group(1).lower()
            block = {"code": _code(head.group(2)), "patterns": []}
            blocks[name] = block
            continue
        if block is None:
            continue
        if line.startswith("-"):
            m = _CODE.search(line)
            if not m:
                continue
            code = _code(m.group(1))
            if code is None:
                continue
            body = line[1 : m.start()]
            if "*" not in body:
                continue
            pre, post = body.split("*", 1)
            pattern = {"pre": _slots(pre.split(), synsets), "post": _slots(post.split(), synsets), "code": code}
            if pattern["pre"] or pattern["post"]:
                block["patterns"].append(pattern)  # type: ignore[union-attr]
            continue
        # A verb line: the base form, optional {irregular forms}, optional [own code].
        # Phrasal verbs ("+CALL_OFF") become "call off", the key spaCy's verb + particle give.
        form = line.strip().lstrip("+").split("{")[0].split("[")[0].strip()
        if not form or " " in form or form.count("_") > 1:
            continue
        lemma = _word(form)
        name = next(k for k, v in blocks.items() if v is block)
        verbs.setdefault(lemma, name)
        m = _CODE.search(line)
        if m and _code(m.group(1)):
            verb_codes[lemma] = _code(m.group(1))  # type: ignore[assignment]
    return {"verbs": dict(sorted(verbs.items())), "verb_codes": dict(sorted(verb_codes.items())), "blocks": blocks}


def read_plover(path: Path) -> list[tuple[str, str, str, str]]:
    """Rows (cameo, plover type, mode, context) of the official table, in file order, last row wins on repeats."""
    rows: dict[str, tuple[str, str, str, str]] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(\d{3,4}):\s*([^#]*)", raw)
        if not m:
            continue
        parts = [p.strip() for p in m.group(2).split(",")]
        parts += [""] * (3 - len(parts))
        rows[m.group(1)] = (m.group(1), parts[0], parts[1], " ".join(parts[2].split()))
    return list(rows.values())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cameo_verbs", type=Path, help="PETRARCH CAMEO.2.0.txt")
    ap.add_argument("cameo_plover", type=Path, help="OEDA CAMEO2PLOVER-2021.txt")
    ap.add_argument("out", type=Path, help="output folder, e.g. src/eventwire/data/events")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    verbs = read_verbs(args.cameo_verbs)
    header = {
        "_source": "Converted by tools/convert_cameo.py from PETRARCH CAMEO.2.0.txt (verb patterns).",
        "_licence": "MIT License, Copyright (c) 2015 Open Event Data Alliance; see NOTICE in this folder.",
    }
    (args.out / "cameo_verbs.json").write_text(json.dumps({**header, **verbs}, indent=0, sort_keys=False) + "\n")
    rows = read_plover(args.cameo_plover)
    with (args.out / "cameo_plover.tsv").open("w", encoding="utf-8") as fh:
        fh.write("# CAMEO code -> PLOVER type, mode, context. Converted by tools/convert_cameo.py from the OEDA\n")
        fh.write("# CAMEO2PLOVER table (PLOVER manual draft 0.8, 2021), CC BY-SA 4.0; see NOTICE in this folder.\n")
        fh.write("cameo\ttype\tmode\tcontext\n")
        for row in rows:
            fh.write("\t".join(row) + "\n")
    n_pat = sum(len(b["patterns"]) for b in verbs["blocks"].values())  # type: ignore[union-attr]
    print(
        f"{len(verbs['verbs'])} verbs, {len(verbs['blocks'])} blocks, {n_pat} patterns, {len(rows)} codes",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
