"""Near-duplicate detection measured on a test set built from a corpus with controlled edits, and ingest throughput
with dedup on versus off over the same articles.

    python benchmarks/dedup.py ../shared/corpus/bbc [--per-kind 100] [--limit N] [--runs 3]
                               [--pipeline blank|entities|all] [--seed 7] [--scale N]

The corpus is a folder of "headline, blank line, body" files in section folders (e.g. BBC: business, politics...).
1. Originals: every article, less corpus-internal near-duplicates (pairs whose exact shingle sets have Jaccard
   >= 0.5 or containment >= 0.7; one of each group is kept, the count is printed), in a seeded random order, each
   with a random 2005 date and source "BBC".
2. Copies: for each edit kind, ``--per-kind`` distinct originals get one edited copy from another outlet, dated the
   same day or the next, inserted at a random later point of the stream. Kinds: headline (new headline only), drop
   (paragraphs after the lead removed until 20-45% of the words are gone), add (1-3 paragraphs of an unrelated
   article of the same section, at most 30% of its words, plus a local paragraph), reorder (sentences shuffled
   across the body), furniture (share counts, "Advertisement", a photo caption with credit, "Read more" and
   copyright lines), combined (new headline, ~15% of words dropped, sentences of each paragraph reordered,
   furniture). An "exact" copy (same headline and body) collapses by id and is reported apart, and so is a stress
   kind outside "overall": drop-heavy (60-85% of the words removed).
3. Everything else in the stream is an unrelated article; those of the same section are the hard negatives.
   Precision = correct links / links made (a link from an original, or from a copy to the wrong article, is wrong);
   recall = copies linked to their original / copies.
4. Throughput: the same JSON Lines file ingested into fresh databases with eventwire.run.ingest, dedup on and off,
   alternating, ``--runs`` times each; medians. ``--pipeline blank`` parses with spaCy's bare English tokenizer and
   no stages (isolates the store and dedup); ``--pipeline entities`` uses en_core_web_sm with the entities stage,
   ``--pipeline all`` every stage (stories then also join articles through their events).
   Articles/s per quarter of the stream show whether the n-th article costs what the first did.
5. ``--scale N``: the same stream, dedup on, ingested into a database whose bucket index already holds N synthetic
   originals, against the median of the runs above on an empty one.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from eventwire.ingest import ReadOptions, content_id, read_inputs
from eventwire.pipeline import Pipeline
from eventwire.run import ingest
from eventwire.store import open_store
from eventwire.stories import shingles

KINDS = ("headline", "drop", "add", "reorder", "furniture", "combined")
# Reported apart, outside "overall": how far trimming can go before the copy is no longer found.
STRESS = ("drop-heavy",)
OUTLETS = ("Daily Courier", "Wire Post", "Evening Record", "Metro Tribune", "Northern Echo Online")
_SENT = re.compile(r"(?<=[.!?])[\"')]*\s+(?=[A-Z\"'])")


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in _SENT.split(paragraph) if s.strip()]


def furniture(rng: random.Random, outlet: str) -> dict[str, list[str]]:
    """Lines another outlet's page carries around the same wire copy."""
    return {
        "top": [f"{rng.randint(2, 9)},{rng.randint(100, 999)} shares", "Share this article",
                f"By {outlet} staff and agencies"],
        "middle": ["Advertisement",
                   (f"Photo caption: Officials speak to reporters on {rng.choice(['Monday', 'Tuesday', 'Friday'])} "
                   f"(Photo: {rng.choice(['J. Smith', 'A. Rossi', 'K. Osei'])}/{rng.choice(['Reuters', 'AFP', 'PA'])})")],
        "bottom": [f"Read more: {rng.choice(['Markets', 'Politics', 'Sport'])} latest from {outlet}",
                   f"Copyright {outlet} 2005. All rights reserved.", "Advertisement"],
    }


def with_furniture(paras: list[str], rng: random.Random, outlet: str) -> list[str]:
    f = furniture(rng, outlet)
    out = list(paras)
    out.insert(max(1, len(out) // 2), "\n".join(f["middle"]))
    return ["\n".join(f["top"]), *out, "\n".join(f["bottom"])]


def new_headline(title: str, rng: random.Random) -> str:
    words = title.split()
    prefix = rng.choice(["UPDATE 2:", "Breaking:", "Analysis:", "WIRE:", "Report:"])
    if len(words) > 3:
        rng.shuffle(words)
    return f"{prefix} {' '.join(words)} - {rng.choice(['sources', 'officials say', 'latest'])}"


def trim(paras: list[str], share: float, rng: random.Random) -> list[str]:
    """Drop random paragraphs after the lead (editors keep it) until about ``share`` of the words are gone; a body of
    one or two paragraphs loses its last sentences instead."""
    total = sum(len(p.split()) for p in paras)
    if len(paras) < 3:
        sents = [s for p in paras for s in sentences(p)]
        keep = max(1, round(len(sents) * (1 - share)))
        return [" ".join(sents[:keep])]
    order = list(range(1, len(paras)))
    rng.shuffle(order)
    gone: set[int] = set()
    removed = 0
    for i in order:
        words = len(paras[i].split())
        if removed + words > share * total * 1.25:
            continue
        gone.add(i)
        removed += words
        if removed >= share * total:
            break
    if not gone:  # every paragraph was too long: drop the shortest one after the lead
        gone.add(min(range(1, len(paras)), key=lambda i: len(paras[i].split())))
    return [p for i, p in enumerate(paras) if i not in gone]


def edit(kind: str, title: str, body: str, donor: str, rng: random.Random, outlet: str) -> tuple[str, str]:
    """The copy's (headline, body) after one controlled edit."""
    paras = paragraphs(body)
    if kind == "headline":
        return new_headline(title, rng), body
    if kind == "drop":
        return title, "\n\n".join(trim(paras, rng.uniform(0.2, 0.45), rng))
    if kind == "drop-heavy":
        return title, "\n\n".join(trim(paras, rng.uniform(0.6, 0.85), rng))
    if kind == "add":
        # A few paragraphs of another report, never most of it: a copy padded with local material, not a roundup.
        theirs = paragraphs(donor)
        budget = 0.3 * len(donor.split())
        extra: list[str] = []
        for p in theirs[1: 1 + rng.randint(1, 3)]:
            if sum(len(x.split()) for x in extra) + len(p.split()) > budget:
                break
            extra.append(p)
        local = (f"Local reaction from {outlet} readers was mixed, with several calling the paper to ask what "
                 f"the news would mean for them and their families in the coming months.")
        out = list(paras)
        for p in extra:
            out.insert(rng.randint(1, len(out)), p)
        out.append(local)
        return title, "\n\n".join(out)
    if kind == "reorder":
        sents = [s for p in paras for s in sentences(p)]
        rng.shuffle(sents)
        size = max(1, len(sents) // max(1, len(paras)))
        return title, "\n\n".join(" ".join(sents[i:i + size]) for i in range(0, len(sents), size))
    if kind == "furniture":
        return title, "\n\n".join(with_furniture(paras, rng, outlet))
    if kind == "combined":
        paras = trim(paras, 0.15, rng)
        shuffled = []
        for p in paras:
            s = sentences(p)
            rng.shuffle(s)
            shuffled.append(" ".join(s))
        return new_headline(title, rng), "\n\n".join(with_furniture(shuffled, rng, outlet))
    raise ValueError(kind)


def internal_duplicates(bodies: list[str]) -> set[int]:
    """Indexes of corpus articles that nearly copy an earlier one (exact shingle sets, inverted index)."""
    sets = [shingles(b) for b in bodies]
    index: dict[int, list[int]] = defaultdict(list)
    drop: set[int] = set()
    for i, s in enumerate(sets):
        common: Counter[int] = Counter()
        for h in s:
            common.update(index[h])
        for j, c in common.items():
            if j in drop or not s or not sets[j]:
                continue
            jaccard = c / len(s | sets[j])
            containment = c / min(len(s), len(sets[j]))
            # Looser than the detector's thresholds, so that no borderline pair is left among the negatives by
            # accident; the pairs sharing background paragraphs (containment 0.4-0.7) stay as hard negatives.
            if jaccard >= 0.5 or containment >= 0.7:
                drop.add(i)
                break
        if i not in drop:
            for h in s:
                index[h].append(i)
    return drop


def build(corpus: Path, per_kind: int, limit: int | None, seed: int) -> tuple[list[dict], dict[str, tuple[str, str]], int]:
    """The stream of records, gold {copy id: (kind, original id)}, and how many corpus duplicates were dropped."""
    rng = random.Random(seed)
    files = sorted(str(p) for p in corpus.rglob("*") if p.is_file() and not p.name.startswith("."))
    errors: list[object] = []
    originals = []
    for path in files:
        for a in read_inputs([path], errors.append, ReadOptions()):
            originals.append({"title": a.title or "", "text": a.text, "section": Path(path).parent.name})
    dropped = internal_duplicates([o["text"] for o in originals])
    originals = [o for i, o in enumerate(originals) if i not in dropped]
    rng.shuffle(originals)
    if limit:
        originals = originals[:limit]
    for o in originals:
        o["published"] = f"2005-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        o["source"] = "BBC"
        o["id"] = content_id(o["title"], o["text"])
    by_section: dict[str, list[dict]] = defaultdict(list)
    for o in originals:
        by_section[o["section"]].append(o)

    stream: list[dict] = list(originals)
    gold: dict[str, tuple[str, str]] = {}
    sources = iter(range(len(originals)))
    for kind in (*KINDS, *STRESS, "exact"):
        for _ in range(per_kind):
            try:
                src = originals[next(sources)]
            except StopIteration:
                break
            outlet = rng.choice(OUTLETS)
            donor = rng.choice([o for o in by_section[src["section"]] if o is not src and len(paragraphs(o["text"])) >= 4])
            if kind == "exact":
                title, body = src["title"], src["text"]
            else:
                title, body = edit(kind, src["title"], src["text"], donor["text"], rng, outlet)
            day = src["published"][:8] + f"{min(28, int(src['published'][8:]) + rng.randint(0, 1)):02d}"
            copy = {"title": title, "text": body, "published": day, "source": outlet, "section": src["section"],
                    "id": content_id(title, body)}
            if copy["id"] == src["id"] and kind != "exact":
                continue  # the edit changed nothing (a one-sentence body); not a test of anything
            gold[copy["id"]] = (kind, src["id"])
            # A copy appears after its original, somewhere later in the stream.
            at = stream.index(src)
            stream.insert(rng.randint(at + 1, len(stream)), copy)
    return stream, gold, len(dropped)


def pipeline_for(name: str) -> Pipeline:
    if name == "blank":
        import spacy

        return Pipeline(stages=[], nlp=spacy.blank("en"))
    if name == "all":
        return Pipeline()  # every stage: stories can also join articles through their events
    return Pipeline(stages=["entities"])


def score(db: Path, stream: list[dict], gold: dict[str, tuple[str, str]]) -> dict[str, dict[str, float]]:
    with open_store(db) as store:
        links = {r[0]: (r[1], r[2]) for r in store.conn.execute("SELECT article_id, duplicate_of, matched FROM duplicates")}
        stories = store.conn.execute("SELECT COUNT(*), MAX(num_articles + num_duplicates) FROM stories").fetchone()
        reasons = dict(store.conn.execute("SELECT reason, COUNT(*) FROM story_articles GROUP BY reason").fetchall())
        story_of = dict(store.conn.execute("SELECT article_id, story_id FROM story_articles").fetchall())
    copies = Counter(kind for kind, _ in gold.values())
    correct: Counter[str] = Counter()
    made: Counter[str] = Counter()
    wrong_from_originals = 0
    titles = {r["id"]: r["title"] for r in stream}
    for article_id, (root, matched) in links.items():
        if article_id in gold:
            kind, original = gold[article_id]
            made[kind] += 1
            if original in (root, matched):
                correct[kind] += 1
                continue
        else:
            wrong_from_originals += 1
        print(f"wrong link: {gold.get(article_id, ('original',))[0]} {titles.get(article_id)!r} -> "
              f"{titles.get(matched)!r}")
    table: dict[str, dict[str, float]] = {}
    for kind in (*KINDS, *STRESS):
        n = copies[kind]
        table[kind] = {"copies": n, "links": made[kind], "correct": correct[kind],
                       "precision": correct[kind] / made[kind] if made[kind] else 1.0,
                       "recall": correct[kind] / n if n else 0.0}
    total_made = sum(made[k] for k in KINDS) + wrong_from_originals
    total_correct = sum(correct[k] for k in KINDS)
    total_copies = sum(copies[k] for k in KINDS)
    table["overall"] = {"copies": total_copies, "links": total_made, "correct": total_correct,
                        "precision": total_correct / total_made if total_made else 1.0,
                        "recall": total_correct / total_copies if total_copies else 0.0,
                        "false_links_from_originals": wrong_from_originals}
    table["stories"] = {"stories": stories[0], "largest": stories[1] or 0, **reasons}
    table["story_check"] = story_check(story_of, stream, gold)
    return table


def story_check(story_of: dict[str, int], stream: list[dict], gold: dict[str, tuple[str, str]]) -> dict[str, float]:
    """Stories have no gold here, but two things are known: a copy belongs in its original's story, and two
    originals of different sections (business and sport, say) are never one happening. Pairs of originals of the
    same section that share a story may be right or wrong; they are counted for a look by hand."""
    copies_home = sum(1 for cid, (_, orig) in gold.items() if cid in story_of and story_of[cid] == story_of.get(orig))
    members: dict[int, list[dict]] = defaultdict(list)
    for r in stream:
        if r["id"] not in gold and r["id"] in story_of:
            members[story_of[r["id"]]].append(r)
    pairs = cross = 0
    for group in members.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                pairs += 1
                cross += a["section"] != b["section"]
                if a["section"] == b["section"]:
                    print(f"originals in one story: {a['published']} {a['title']!r} ~ {b['published']} {b['title']!r}")
    return {"copies_in_original_story": copies_home / len(gold) if gold else 1.0,
            "original_pairs_in_one_story": pairs, "of_which_cross_section": cross,
            "originals": sum(1 for r in stream if r["id"] not in gold)}


def prefill(db: Path, originals: int, seed: int) -> None:
    """A database whose bucket index already holds ``originals`` synthetic originals (32 random buckets each,
    written in key order), to time an article arriving after them. Their buckets never match real text."""
    import numpy as np

    from eventwire.stories import StorySettings

    bands = StorySettings().bands
    rng = np.random.default_rng(seed)
    with open_store(db) as store:
        store.conn.execute("BEGIN")
        step = 100_000
        for first in range(0, originals, step):
            n = min(step, originals - first)
            buckets = rng.integers(-(2**63), 2**63 - 1, size=(n, bands), dtype=np.int64)
            ids = [f"synthetic{first + i:09d}" for i in range(n)]
            rows = sorted((int(b), band, ids[i]) for i in range(n) for band, b in enumerate(buckets[i].tolist()))
            store.conn.executemany("INSERT INTO lsh_buckets (bucket, band, article_id) VALUES (?, ?, ?)", rows)
        store.conn.execute("COMMIT")


def by_quarter(stamps: list[float]) -> list[int]:
    """Articles per second in each quarter of a run: flat when the n-th article costs what the first did."""
    q = len(stamps) // 4
    if q < 2:
        return []
    return [round(q / max(1e-9, stamps[min((i + 1) * q, len(stamps) - 1)] - stamps[i * q])) for i in range(4)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="folder of articles in section folders (e.g. ../shared/corpus/bbc)")
    parser.add_argument("--per-kind", type=int, default=100, help="edited copies per edit kind")
    parser.add_argument("--limit", type=int, default=None, help="only this many originals")
    parser.add_argument("--runs", type=int, default=3, help="throughput runs per mode (0: skip throughput)")
    parser.add_argument("--pipeline", choices=("blank", "entities", "all"), default="blank")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", type=int, default=0, metavar="N",
                        help="also time dedup-on ingest into a database already holding N synthetic originals")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"Error: {args.corpus}: not a folder", file=sys.stderr)
        return 1

    stream, gold, dropped = build(args.corpus, args.per_kind, args.limit, args.seed)
    exact = sum(1 for kind, _ in gold.values() if kind == "exact")
    stress = sum(1 for kind, _ in gold.values() if kind in STRESS)
    print(f"corpus {args.corpus}: {len(stream) - len(gold)} originals after dropping {dropped} corpus-internal "
          f"near-duplicates; {len(gold) - exact - stress} edited copies (up to {args.per_kind} per kind) + {stress} stress copies + "
          f"{exact} exact copies; "
          f"stream of {len(stream)} records; seed {args.seed}")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "stream.jsonl"
        with data.open("w", encoding="utf-8") as out:
            for r in stream:
                out.write(json.dumps({k: r[k] for k in ("title", "text", "published", "source")}) + "\n")
        pipeline = pipeline_for(args.pipeline)
        db = Path(tmp) / "dedup.db"
        start = time.perf_counter()
        outcome = ingest([str(data)], db, pipeline=pipeline)
        first = time.perf_counter() - start
        table = score(db, stream, gold)
        print(f"ingested {outcome.stored} articles ({outcome.existing} exact copies collapsed by id) in {first:.1f}s")
        print(f"{'kind':<10} {'copies':>6} {'links':>6} {'correct':>7} {'precision':>9} {'recall':>7}")
        for kind in (*KINDS, "overall", *STRESS):
            row = table[kind]
            print(f"{kind:<10} {row['copies']:>6} {row['links']:>6} {row['correct']:>7} "
                  f"{row['precision']:>9.3f} {row['recall']:>7.3f}")
        print(f"false links from unrelated originals: {table['overall']['false_links_from_originals']}")
        print(f"stories: {table['stories']}")
        print(f"story check: {table['story_check']}")

        if args.runs:
            on_times: list[float] = []
            off_times: list[float] = []
            for run in range(args.runs):
                quarters = {}
                for dedup, times in ((True, on_times), (False, off_times)):
                    target = Path(tmp) / f"t{run}-{int(dedup)}.db"
                    stamps: list[float] = []

                    def stamp(_n: int, stamps: list[float] = stamps) -> None:
                        stamps.append(time.perf_counter())

                    start = time.perf_counter()
                    ingest([str(data)], target, pipeline=pipeline, dedup=dedup, on_progress=stamp)
                    times.append(time.perf_counter() - start)
                    quarters[dedup] = by_quarter(stamps)
                    for leftover in Path(tmp).glob(f"t{run}-{int(dedup)}.db*"):
                        leftover.unlink()
                print(f"run {run + 1}: dedup on {on_times[-1]:.1f}s, off {off_times[-1]:.1f}s; articles/s by quarter "
                      f"of the stream: on {quarters[True]}, off {quarters[False]}")
            n = len(stream) - exact
            on, off = statistics.median(on_times), statistics.median(off_times)
            if args.scale:
                big = Path(tmp) / "scale.db"
                start = time.perf_counter()
                prefill(big, args.scale, args.seed)
                print(f"prefilled {args.scale:,} synthetic originals ({args.scale * 32:,} bucket rows) in "
                      f"{time.perf_counter() - start:.0f}s")
                late: list[float] = []

                def stamp_late(_n: int) -> None:
                    late.append(time.perf_counter())

                start = time.perf_counter()
                ingest([str(data)], big, pipeline=pipeline, on_progress=stamp_late)
                took = time.perf_counter() - start
                print(f"dedup on after {args.scale:,} originals: {took:.1f}s = {(len(stream) - exact) / took:.0f} "
                      f"articles/s; by quarter {by_quarter(late)}")
            print(f"pipeline {args.pipeline}: median dedup on {on:.1f}s = {n / on:.0f} articles/s; "
                  f"off {off:.1f}s = {n / off:.0f} articles/s; on/off time ratio {on / off:.3f}; "
                  f"dedup cost {(on - off) / n * 1000:.2f} ms/article")
    return 0


if __name__ == "__main__":
    sys.exit(main())
