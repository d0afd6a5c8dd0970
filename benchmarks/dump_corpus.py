"""Generated raw dumps for the dump splitter: real article text laid out the way outlets' scrapes look, with gold.

Takes BBC-style article files (first line the title, then the body in blank-line paragraphs) from a corpus folder
given at run time, lays 1-4 of them into each dump with page furniture of many invented styles, and writes
NAME.txt beside NAME.json (the gold: article count, titles, exact body paragraphs). Then scores ``split_dump`` on
what it wrote. Nothing from the corpus is stored in the repository; the layouts here are our own.

    python benchmarks/dump_corpus.py ../shared/corpus/bbc --seed 2 --files 300 [--out DIR] [--show-errors 5]

Tune on one seed, report on another (docs/evaluation.md). The layout code is importable (tests use it).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

Source = tuple[str, tuple[str, ...]]  # (title, body paragraphs)

_NAMES = ["Mara Ellison", "Tomas Reyes", "Ines Kovac", "Dev Raman", "Lotte Brandt", "Kwame Osei", "Ruth Abara",
          "Pavel Novak", "Hana Sato", "Owen Pryce", "Leila Haddad", "Sven Dahl"]
_OUTLETS = ["The Harbour Courier", "Daily Meridian", "Northgate Post", "The Lantern", "Riverside Times",
            "Metro Ledger", "The Evening Compass", "Coastline News"]
_AGENCIES = ["Getty Images", "Reuters", "AFP", "AP", "EPA", "PA Media", "Shutterstock", "Alamy", "Bloomberg"]
_SECTIONS = ["Business", "Politics", "World", "Sport", "Technology", "Culture", "Economy", "Europe", "UK"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_CAPTION_SCENES = [
    "A crowd gathers outside the main entrance on Tuesday morning",
    "Officials leave the building after the meeting",
    "The site as it looked earlier this year",
    "Supporters wave flags during the rally in the city centre",
    "Workers at the plant on the edge of town",
    "The minister speaks to reporters outside parliament",
    "Traders on the floor of the exchange",
    "Fans arrive at the stadium before the match",
    "A file picture of the company headquarters",
    "Visitors look at the new display at the gallery",
    "Police stand guard near the scene",
    "Delegates take their seats at the start of the summit",
]


def _date(rng: random.Random) -> tuple[int, int, int]:
    return rng.randint(2003, 2006), rng.randint(1, 12), rng.randint(1, 28)


def _stamp(rng: random.Random) -> str:
    y, m, d = _date(rng)
    hh, mm = rng.randint(0, 23), rng.randint(0, 59)
    return rng.choice([
        f"Published {d} {_MONTHS[m - 1]} {y}",
        f"Updated {hh:02d}:{mm:02d} GMT, {d} {_MONTHS[m - 1]} {y}",
        f"{_MONTHS[m - 1]} {d}, {y} | {hh % 12 + 1}:{mm:02d} pm",
        f"{y}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}:00Z",
        f"Posted: {d:02d}/{m:02d}/{y}",
        f"Last updated {rng.randint(2, 11)} hours ago",
        f"{_MONTHS[m - 1][:3]} {d}, {y}",
        f"Updated {rng.randint(2, 11)} hours ago",
        f"{d} {_MONTHS[m - 1]} {y} · {hh:02d}:{mm:02d}",
    ])


def _byline(rng: random.Random) -> list[str]:
    name = rng.choice(_NAMES)
    return [rng.choice([
        f"By {name}",
        f"By {name}, {rng.choice(_SECTIONS)} correspondent",
        f"By {name.upper()}",
        f"{name} | {rng.choice(_OUTLETS)}",
        f"Written by {name}",
        f"BY {name.upper()} | {rng.choice(_OUTLETS).upper()}",
    ])]


# Each furniture style gives the lines of one widget. Styles are grouped by where a page puts them.
def _share(rng: random.Random) -> list[str]:
    return rng.choice([
        ["Share"], ["Share this article"], ["Facebook", "Twitter", "WhatsApp", "Email"],
        ["Share on Facebook | Share on X | Copy link"], ["Share", "Save", "Print"], ["Share this story", "Copied"],
    ])


def _counter(rng: random.Random) -> list[str]:
    n = rng.randint(2, 900)
    return rng.choice([[str(n)], [f"{n / 10:.1f}K shares"], [f"{n} comments"], [f"Comments ({n})"],
                       ["TT", str(rng.randint(10, 30))], [f"{n} views"]])


def _advert(rng: random.Random) -> list[str]:
    return [rng.choice(["Advertisement", "ADVERTISEMENT", "Story continues below advertisement", "Sponsored content",
                        "- Advertisement -"])]


def _read_more(rng: random.Random, other: str) -> list[str]:
    return rng.choice([["Read more"], [f"Read more: {other}"], [f"READ MORE: {other}"], ["Continue reading"],
                       [f"Also read: {other}"]])


def _reading_time(rng: random.Random) -> list[str]:
    return [rng.choice([f"{rng.randint(2, 9)} min read", "Listen to this article", (f"Listen · {rng.randint(2, 9)}:"
                        f"{rng.randint(10, 59)}"), f"Reading time: {rng.randint(2, 9)} minutes"])]


def _breadcrumb(rng: random.Random) -> list[str]:
    a, b = rng.sample(_SECTIONS, 2)
    return [rng.choice([f"Home › {a} › {b}", f"Home / {a} / {b}", f"News > {a} > {b}", f"{a} | {b} | Latest"])]


def _kicker(rng: random.Random) -> list[str]:
    s = rng.choice(_SECTIONS)
    return [rng.choice([s.upper(), s, f"{s} news", "EXCLUSIVE", "Analysis", "LIVE", "BREAKING NEWS", "OPINION",
                        f"{s.upper()} | ANALYSIS", "WATCH"])]


def _copyright(rng: random.Random) -> list[str]:
    y = rng.randint(2003, 2006)
    o = rng.choice(_OUTLETS)
    return [rng.choice([f"© {y} {o}. All rights reserved.", f"Copyright {y} {o}", f"(c) {o} {y}",
                        f"© {o} {y}"])]


def _related(rng: random.Random, others: Sequence[str]) -> list[str]:
    intro = rng.choice(["Related", "Related stories", "More on this story", "You may also like", "Most read",
                        "Top stories", "RELATED ARTICLES", "Recommended"])
    items = list(others[: rng.randint(2, 4)])
    style = rng.randrange(3)
    if style == 1:
        items = [f"- {t}" for t in items]
    elif style == 2:
        items = [f"{k}. {t}" for k, t in enumerate(items, start=1)]
    return [intro, *items]


def _cookie(rng: random.Random) -> list[str]:
    return rng.choice([
        [("We use cookies to improve your experience on our site. By continuing to browse you agree to our use of"
         " cookies."), "Accept"],
        ["This website uses cookies to ensure you get the best experience.", "Got it"],
        ["We value your privacy", "Accept all cookies", "Manage preferences"],
        ["Cookie settings"],
    ])


def _newsletter(rng: random.Random) -> list[str]:
    o = rng.choice(_OUTLETS)
    return rng.choice([
        ["Sign up for our newsletter", "Get the day's top stories delivered to your inbox every morning.",
         "Enter your email address", "Subscribe"],
        [f"Get {o} in your inbox", "Sign up"],
        ["Newsletter", "The best of our journalism, handpicked each weekday.", "Sign up now"],
        ["Subscribe to our daily briefing"],
    ])


def _tags(rng: random.Random) -> list[str]:
    t = rng.sample(_SECTIONS, 3)
    return rng.choice([[f"Tags: {', '.join(t)}"], ["Topics", *t], [" ".join(f"#{x}" for x in t)],
                       [f"Filed under: {t[0]}, {t[1]}"]])


def _comments(rng: random.Random) -> list[str]:
    n = rng.randint(1, 400)
    return rng.choice([[f"View {n} comments"], ["Join the conversation"], [f"{n} Comments"], ["Show comments"],
                       ["Comments are closed."] if rng.random() < 0.3 else ["Leave a comment"]])


def _follow(rng: random.Random) -> list[str]:
    return [rng.choice(["Follow us on Twitter", "Follow us on Facebook and Instagram", "Follow", "Follow this topic"])]


def _nav(rng: random.Random) -> list[str]:
    return rng.choice([["Skip to content"], ["Menu", "Search"], ["Back to top"], ["Sign in", "Subscribe"],
                       ["Skip to main content", "Home"]])


def _error_report(rng: random.Random) -> list[str]:
    return [rng.choice(["Report an error", "Send us a tip", "Print this page", "Show more", "Load more"])]


def _source_credit(rng: random.Random) -> list[str]:
    return [rng.choice([f"Source: {rng.choice(_AGENCIES)}", f"Pictures: {rng.choice(_AGENCIES)}",
                        f"Photo: {rng.choice(_NAMES)}/{rng.choice(_AGENCIES)}"])]


def _gallery(rng: random.Random) -> list[str]:
    n = rng.randint(3, 12)
    return rng.choice([[f"1/{n}"], [f"Gallery: {n} photos"], ["Watch: video", "Play video"], ["Enlarge this image"]])


def _social(rng: random.Random) -> list[str]:
    n = rng.randint(2, 900)
    return rng.choice([[f"Like {n}", f"Tweet {rng.randint(1, 90)}"], [f"{n}", "Shares"], [f"\u2665 {n}"],
                       [f"{n / 10:.1f}K", "Facebook", f"{rng.randint(1, 90)}", "Twitter"]])


def _paywall(rng: random.Random) -> list[str]:
    return rng.choice([["Subscribe to continue reading", "Already a subscriber? Sign in"],
                       ["This article is for subscribers only"], ["Get unlimited access", "Subscribe now"]])


def _text_size(rng: random.Random) -> list[str]:
    return rng.choice([["A", "A", "A"], ["Text size", "A-", "A+"], ["Font size"], ["Print", "Email", "Text size"]])


def _image_credit(rng: random.Random) -> list[str]:
    agency = rng.choice(_AGENCIES)
    return [rng.choice([f"(Image: {agency})", f"Credit: {agency}", f"Image: {rng.choice(_NAMES)}/{agency}",
                        f"{agency.upper()} PHOTO"])]


def _author_box(rng: random.Random) -> list[str]:
    name = rng.choice(_NAMES)
    return rng.choice([["About the author", name, f"{rng.choice(_SECTIONS)} correspondent"],
                       [f"More from {name}"], [f"Contact {name}", "Email", "Twitter"]])


def _dateline(rng: random.Random) -> str:
    """A wire dateline opening the first paragraph: part of the body, kept verbatim."""
    city = rng.choice(["TRIPOLI", "LONDON", "NAIROBI", "Brussels", "WASHINGTON", "Tokyo", "BEIRUT"])
    y, m, d = _date(rng)
    return rng.choice([f"{city}, {_MONTHS[m - 1]} {d} ({rng.choice(['Reuters', 'AFP', 'AP'])}) - ",
                       f"{city} \u2014 ", f"{city}, {_MONTHS[m - 1][:3]} {d}, {y} /PRNewswire/ -- ",
                       f"{city} ({rng.choice(['Reuters', 'AFP', 'AP'])}) - "])


_TOP_STYLES: list[Callable[[random.Random], list[str]]] = [
    _share, _counter, _reading_time, _breadcrumb, _nav, _gallery, _follow, _social, _text_size, _image_credit,
]
_INLINE_STYLES: list[Callable[[random.Random], list[str]]] = [
    _advert, _share, _counter, _gallery, _newsletter, _social, _paywall, _image_credit,
]
_END_STYLES: list[Callable[[random.Random], list[str]]] = [
    _copyright, _tags, _comments, _follow, _error_report, _source_credit, _share, _newsletter, _cookie, _social,
    _author_box, _paywall,
]
STYLES = sorted({f.__name__ for f in [*_TOP_STYLES, *_INLINE_STYLES, *_END_STYLES, _advert, _read_more, _related,
                                      _kicker, _byline, _cookie]} | {"stamp", "caption", "image-label", "dateline"})


def _caption(rng: random.Random) -> list[str]:
    scene = rng.choice(_CAPTION_SCENES)
    agency, name = rng.choice(_AGENCIES), rng.choice(_NAMES)
    style = rng.randrange(6)
    if style == 0:
        line = f"{scene} ({agency})"
    elif style == 1:
        line = f"{scene}. (Photo by {name.upper()} / {agency})"
    elif style == 2:
        line = f"{scene}. Photograph: {name}/{agency}"
    elif style == 3:
        line = f"{scene} | Photo credit: {agency}"
    elif style == 4:
        return [f"Image source, {agency}", f"Image caption, {scene}"]
    else:
        line = f"{scene} [{agency}]"
    return [line, line] if rng.random() < 0.6 else [line]


def _headline(rng: random.Random, title: str) -> str:
    """The printed headline: the corpus title, re-cased or punctuated the way outlets do."""
    style = rng.randrange(8)
    words = title.split()
    if style == 1:
        small = {"a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "for", "by", "with", "as", "from"}
        return " ".join(w if (k and w.lower() in small) else w[:1].upper() + w[1:] for k, w in enumerate(words))
    if style == 2:
        return title + "."
    if style == 3 and len(words) >= 4:
        return " ".join(words[:-2]) + f" '{words[-2]} {words[-1]}'"
    if style == 4 and len(words) >= 4:
        return f'"{" ".join(words[:3])}" ' + " ".join(words[3:]) + rng.choice(["", "."])
    if style == 5:
        return title + "?"
    if style == 6:
        return f"{rng.choice(_SECTIONS)}: {title}"
    return title


@dataclass(frozen=True)
class GoldArticle:
    title: str
    paragraphs: tuple[str, ...]


def layout(rng: random.Random, sources: Sequence[Source], others: Sequence[str]) -> tuple[str, list[GoldArticle]]:
    """One dump of the given articles and its gold. ``others`` are titles for related-story lists."""
    out: list[str] = []
    gold: list[GoldArticle] = []
    para_sep = rng.choice(["\n\n", "\n\n", "\n", "\n\n\n"])
    between = rng.choice(["\n\n\n\n", "\n\n\n", "\n\n* * *\n\n", "\n\n----------\n\n", para_sep])
    if rng.random() < 0.3:
        out.append("\n".join(_nav(rng) + _breadcrumb(rng)))
    for n, (title, body) in enumerate(sources):
        head = _headline(rng, title)
        top: list[str] = []
        if rng.random() < 0.3:
            top += _kicker(rng)
        byline_first = rng.random() < 0.15
        if byline_first:
            top += _byline(rng)
        top.append(head)
        block: list[str] = []
        if not byline_first and rng.random() < 0.5:
            block += _byline(rng)
        if rng.random() < 0.6:
            block.append(_stamp(rng))
        captions = _caption(rng) if rng.random() < 0.6 else []
        block += captions
        block += rng.choice(_TOP_STYLES)(rng) if rng.random() < 0.7 else []
        parts = ["\n".join(top)]
        if block:
            parts.append("\n".join(block))
        if rng.random() < 0.4:
            # The headline printed again after the photo block, as many scrapes show it.
            parts.append(head if rng.random() < 0.8 else f"{head} | {rng.choice(_OUTLETS)}")
            if captions:
                parts.append("\n".join(captions))
        paragraphs = list(body)
        if rng.random() < 0.15:
            paragraphs[0] = _dateline(rng) + paragraphs[0]
        body_lines: list[str] = list(paragraphs)
        for _ in range(rng.randint(0, 2)):
            if len(body_lines) > 2:
                at = rng.randint(1, len(body_lines) - 1)
                widget = rng.choice([*_INLINE_STYLES, lambda r: _read_more(r, rng.choice(others))])(rng)
                body_lines[at:at] = ["\n".join(widget)]
        if captions and rng.random() < 0.2 and len(body_lines) > 2:
            at = rng.randint(1, len(body_lines) - 1)
            body_lines[at:at] = ["\n".join(_caption(rng))]
        end: list[str] = []
        for style in rng.sample(_END_STYLES, rng.randint(0, 3)):
            end += style(rng)
        if rng.random() < 0.4:
            end += _related(rng, rng.sample(list(others), min(4, len(others))))
        parts += body_lines
        if end:
            parts.append("\n".join(end))
        out.append(para_sep.join(p for p in parts if p))
        gold.append(GoldArticle(head, tuple(paragraphs)))
        if n == len(sources) - 1 and rng.random() < 0.3:
            out.append("\n".join(_cookie(rng)))
    text = between.join(out) + "\n"
    if rng.random() < 0.3:
        text = "\n".join(line + " " * rng.randint(0, 2) for line in text.split("\n"))
    if rng.random() < 0.35:
        text = text.replace("\n", "\r\n")
    if rng.random() < 0.25:
        text = "\ufeff" + text
    return text, gold


def load_sources(corpus: Path) -> list[Source]:
    """Every article of the corpus whose paragraphs are one line each, sorted by path."""
    found: list[Source] = []
    for path in sorted(corpus.rglob("*.txt")):
        try:
            raw = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        paras = [p.strip() for p in re.split(r"\n\s*\n", raw) if p.strip()]
        if len(paras) < 3 or any("\n" in p for p in paras):
            continue
        title, body = paras[0], tuple(" ".join(p.split()) for p in paras[1:])
        found.append((" ".join(title.split()), body))
    return found


def generate(corpus: Path, seed: int, files: int) -> list[tuple[str, list[GoldArticle]]]:
    sources = load_sources(corpus)
    if not sources:
        raise SystemExit(f"Error: no article files under {corpus}")
    rng = random.Random(seed)
    dumps = []
    for _ in range(files):
        k = rng.choice([1, 1, 2, 2, 3, 4])
        picked = rng.sample(sources, k + 4)
        dumps.append(layout(rng, picked[:k], [t for t, _ in picked[k:]]))
    return dumps


@dataclass(frozen=True)
class Score:
    files: int
    articles: int
    count_accuracy: float
    titles_found: float
    exact_bodies: float


def score(dumps: Sequence[tuple[str, Sequence[GoldArticle]]], show_errors: int = 0) -> Score:
    from eventwire.ingest.dump import split_dump

    right_count = titles = bodies = total = 0
    shown = 0
    for text, gold in dumps:
        got = split_dump(text)
        right_count += len(got) == len(gold)
        got_titles = [a.title for a in got]
        got_bodies = [a.paragraphs for a in got]
        t_ok = sum(g.title in got_titles for g in gold)
        b_ok = sum(g.paragraphs in got_bodies for g in gold)
        titles += t_ok
        bodies += b_ok
        total += len(gold)
        if shown < show_errors and (len(got) != len(gold) or t_ok < len(gold) or b_ok < len(gold)):
            shown += 1
            print("=" * 100, file=sys.stderr)
            print(text[:3000], file=sys.stderr)
            print("--- gold titles:", [g.title for g in gold], file=sys.stderr)
            print("--- got titles: ", got_titles, file=sys.stderr)
            for g in gold:
                if g.paragraphs not in got_bodies:
                    best = max(got_bodies, key=lambda b: len(set(b) & set(g.paragraphs)), default=())
                    print("--- missing:", [p[:60] for p in g.paragraphs if p not in best], file=sys.stderr)
                    print("--- extra:  ", [p[:60] for p in best if p not in g.paragraphs], file=sys.stderr)
    n = len(dumps)
    return Score(n, total, right_count / n, titles / total, bodies / total)


def write(dumps: Sequence[tuple[str, Sequence[GoldArticle]]], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for k, (text, gold) in enumerate(dumps, start=1):
        (out / f"dump{k:04d}.txt").write_bytes(text.encode("utf-8"))
        record = {"articles": len(gold), "titles": [g.title for g in gold],
                  "bodies": [list(g.paragraphs) for g in gold]}
        (out / f"dump{k:04d}.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")


def read_written(folder: Path) -> list[tuple[str, list[GoldArticle]]]:
    dumps = []
    for txt in sorted(folder.glob("*.txt")):
        gold = json.loads(txt.with_suffix(".json").read_text(encoding="utf-8"))
        text = txt.read_bytes().decode("utf-8")
        dumps.append((text, [GoldArticle(t, tuple(b)) for t, b in zip(gold["titles"], gold["bodies"])]))
    return dumps


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="folder of article .txt files (title line, then the body)")
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--out", type=Path, help="write the dumps and their gold here (default: a temp folder)")
    parser.add_argument("--show-errors", type=int, default=0, help="print this many failing dumps to stderr")
    args = parser.parse_args(argv)
    dumps = generate(args.corpus, args.seed, args.files)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        write(dumps, out)
        result = score(read_written(out), args.show_errors)
    print(json.dumps({"seed": args.seed, "styles": len(STYLES), **result.__dict__}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
