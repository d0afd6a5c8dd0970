"""Named entities: the statistical NER's spans merged with a ruler built from the actor dictionaries, the gazetteer
and title words, as Mention records with offsets into the article body; the merged spans become the doc's ents.

Merge policy, in this order:
1. A sentence written in capitals (a shouted headline) is read again from a case-normalised copy of the same length
   (lower case, dictionary and gazetteer names capitalised); the model's spans there come from that copy.
2. A title word ahead of a person's name is no part of it: "President Barack Obama" is PERSON "Barack Obama", and
   a span the model reads as an organisation made of a title and two or three name words is that person
   ("Spokeswoman Sandy Angers"), unless a word after the title is a role word ("Chief Executive Officer").
   A place the model finds inside a longer run of capitalised names is part of that name, an organisation unless
   the gazetteer knows the whole run as a place: "Real Madrid" (ORG), "Kansas City" (GPE).
3. Ruler spans: dictionary organisations (PERSON when the dictionary codes a person), countries (GPE, demonyms
   NORP), cities (GPE); capitalised words after a title (PERSON); capitalised words the gazetteer knows as a
   country, region or city of 100,000 people (GPE, LOC for regions), only where no other span lies.
4. Where a model span and a ruler span overlap, the longer wins ("Real Madrid" over the city "Madrid", "Libyan
   National Army" over "Libyan"); on the same tokens the ruler's label wins (the dictionary knows Hezbollah is an
   organisation); spans that cross keep the model's. Ruler spans that overlap nothing are added.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..gazetteer import Gazetteer
from ..records import Mention
from . import Context, StageFn, register_stage
from .actor_dict import ActorDictionary, Entry, load_dictionary, normalise

# A sentence is shouted when it has this many words of letters and every one is in capitals.
SHOUTED_WORDS = 3
BIG_PLACE = 100_000
PLACE_FEATURES = {"PCLI": "GPE", "ADM1": "GPE", "PPLC": "GPE", "CONT": "LOC", "RGN": "LOC"}
# The model's pipes a case-normalised re-read needs: en_core_web_sm's NER has its own token-to-vector layer.
REREAD_NEEDS = frozenset({"ner"})
DEMONYM_ENDINGS = ("an", "ans", "ese", "ish", "i", "is", "ch", "ic")

Tagged = tuple[int, int, str]  # token start, token end (exclusive), label


@dataclass(frozen=True)
class Ruler:
    dictionary: ActorDictionary
    titles: frozenset[str]
    longest_title: int
    places: Gazetteer | None
    # Every prefix of every title: a span's text starts with its first token's, so a token that is no title's
    # prefix starts no title and the sizes need not be tried (most tokens).
    title_prefixes: frozenset[str] = frozenset()

    def title_at(self, doc: Doc, i: int, longest: int) -> int:
        """Tokens in the longest title starting at token ``i`` (at most ``longest``), else 0."""
        if doc[i].lower_ not in self.title_prefixes:
            return 0
        n = len(doc)
        return next((k for k in range(longest, 0, -1) if i + k <= n and doc[i : i + k].text.lower() in self.titles),
                    0)


@lru_cache(maxsize=1)
def load_titles() -> frozenset[str]:
    text = resources.files("eventwire").joinpath("data", "actors", "person_titles.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def build_ruler(with_places: bool = True) -> Ruler:
    places = None
    if with_places:
        from ..gazetteer import load_gazetteer  # the places stage loads the same cached copy

        places = load_gazetteer()
    titles = load_titles()
    prefixes = frozenset(t[:p] for t in titles for p in range(1, len(t) + 1))
    return Ruler(load_dictionary(), titles, max(len(t.split()) for t in titles), places, prefixes)


def _shouted(sent: Span) -> bool:
    words = [t.text for t in sent if t.is_alpha and len(t.text) > 1]
    return len(words) >= SHOUTED_WORDS and all(w.isupper() for w in words)


def _dict_label(doc: Doc, s: int, e: int, entry: Entry) -> str | None:
    if entry.kind == "entity":
        return "PERSON" if any("@" in c for c in entry.codes) else "ORG"
    if entry.kind in ("capital", "city"):
        return "GPE"
    if entry.kind == "country":
        text = doc[s:e].text.lower()
        if entry.name and normalise(entry.name) == normalise(text):
            return "GPE"
        last = doc[e - 1]
        if last.tag_ in ("JJ", "NNPS", "NNS") or (text.endswith(DEMONYM_ENDINGS) and len(text) > 4):
            return "NORP"
        return "GPE"
    return None


def _capitalised(doc: Doc, s: int, e: int, shouted: bool) -> bool:
    """A dictionary phrase names someone only when written as a name: its first and last words capitalised."""
    first, last = doc[s].text, doc[e - 1].text
    return shouted or (first[:1].isupper() and (last[:1].isupper() or not last[:1].isalpha()))


def ruler_spans(doc: Doc, ruler: Ruler, shouted: set[int]) -> list[Tagged]:
    """The ruler's spans over the whole doc, left to right (``shouted``: token indices of shouted sentences)."""
    d = ruler.dictionary
    words = [(t.lower_.replace("’", "'"), bool(t.whitespace_)) for t in doc]
    out: list[Tagged] = []
    for s, e, entry in d.match_keys(words):
        label = _dict_label(doc, s, e, entry)
        if label and _capitalised(doc, s, e, s in shouted):
            out.append((s, e, label))
    out += _titled_names(doc, ruler, shouted)
    return sorted(out, key=lambda x: (x[0], -x[1]))


def _titled_names(doc: Doc, ruler: Ruler, shouted: set[int]) -> Iterator[Tagged]:
    n = len(doc)
    i = 0
    while i < n:
        size = ruler.title_at(doc, i, ruler.longest_title)
        if not size or i in shouted:
            i += 1
            continue
        j = i + size
        end = j
        while end < n and end - j < 4 and _person_word(doc[end], ruler):
            end += 1
        # A run that stops before a role word is part of a longer title: "Chief Executive Officer".
        if end > j and not (end < n and _role_word(doc[end], ruler)):
            yield j, end, "PERSON:title"
        i = max(end, i + 1)


def _person_word(tok: Token, ruler: Ruler) -> bool:
    """A word that may be part of a person's name: capitalised, no title, no role or dictionary word."""
    if not _name_word(tok.text) or tok.lower_ in ruler.titles:
        return False
    entry = ruler.dictionary.phrases.get(tok.lower_)
    return entry is None or entry.kind == "entity"


def _role_word(tok: Token, ruler: Ruler) -> bool:
    entry = ruler.dictionary.phrases.get(tok.lower_)
    return tok.lower_ in ruler.titles or (entry is not None and entry.kind == "agent")


def _name_word(text: str) -> bool:
    return text[:1].isupper() and text[1:2].islower() and text.replace("-", "").replace("'", "").isalpha()


def _gazetteer_spans(doc: Doc, ruler: Ruler, taken: set[int]) -> Iterator[Tagged]:
    """Runs of capitalised proper nouns no one else labelled, when the gazetteer knows them as a big place."""
    places = ruler.places
    if places is None:
        return
    i, n = 0, len(doc)
    while i < n:
        if i in taken or doc[i].pos_ != "PROPN" or not _name_word(doc[i].text):
            i += 1
            continue
        j = i
        while j < n and j - i < 3 and j not in taken and doc[j].pos_ == "PROPN" and _name_word(doc[j].text):
            j += 1
        label = _place_label(places, doc[i:j].text)
        if label is None and j - i > 1 and any(_place_label(places, doc[k].text) for k in range(i, j)):
            label = "ORG"  # a name with a place in it that is no place: "Real Madrid", "Manchester United"
        if label:
            yield i, j, label
        i = j


def _place_label(places: Gazetteer, name: str) -> str | None:
    best = None
    for entry in places.lookup(name):
        label = PLACE_FEATURES.get(entry.feature)
        if label is None and entry.population >= BIG_PLACE:
            label = "GPE"
        if label:
            best = best or label
    return best


def _trim(span: Tagged, doc: Doc, ruler: Ruler) -> Tagged:
    s, e, label = span
    while e - s > 1:
        size = ruler.title_at(doc, s, min(ruler.longest_title, e - s - 1))
        if not size:
            break
        rest = doc[s + size : e]
        if label == "PERSON" or (2 <= len(rest) <= 3 and all(_person_word(t, ruler) for t in rest)):
            s, label = s + size, "PERSON"
        else:
            break
    return s, e, label


def _widen_places(model: list[Tagged], doc: Doc, ruler: Ruler) -> list[Tagged]:
    """A model place with capitalised names written against it: the whole run, ORG unless it is a place itself."""
    taken = {i for s, e, _ in model for i in range(s, e)}
    out: list[Tagged] = []
    for s, e, label in model:
        if label in ("GPE", "LOC"):
            a, b = s, e
            while a > 0 and a - 1 not in taken and _proper(doc, a - 1, ruler):
                a -= 1
            while b < len(doc) and b not in taken and _proper(doc, b, ruler):
                b += 1
            if (a, b) != (s, e):
                whole = _place_label(ruler.places, doc[a:b].text) if ruler.places is not None else None
                taken.update(range(a, b))
                out.append((a, b, whole or "ORG"))
                continue
        out.append((s, e, label))
    return out


def _proper(doc: Doc, i: int, ruler: Ruler) -> bool:
    t = doc[i]
    return t.tag_ in ("NNP", "NNPS") and _name_word(t.text) and t.lower_ not in ruler.titles


def merge(model: list[Tagged], rules: list[Tagged]) -> list[Tagged]:
    """The model's and the ruler's spans by the policy in the module docstring (steps 2 and 4)."""
    kept: list[Tagged | None] = []  # None where a span was replaced
    at: dict[int, list[int]] = {}  # token -> positions in kept of the spans on it (an empty span on its start)

    def keep(span: Tagged) -> None:
        for i in range(span[0], max(span[1], span[0] + 1)):
            at.setdefault(i, []).append(len(kept))
        kept.append(span)

    for m in model:
        keep(m)
    for r in rules:
        rs, re_, rlab = r
        label = rlab.split(":")[0]
        near = sorted({k for i in range(rs, max(re_, rs + 1)) for k in at.get(i, ())})
        overlapping = [k for k in near if (x := kept[k]) is not None and x[0] < re_ and rs < x[1]]
        spans = [x for k in overlapping if (x := kept[k]) is not None]
        if not spans:
            keep((rs, re_, label))
            continue
        if rlab.endswith(":title"):
            continue  # a name after a title only where the model read nothing: "major United States indexes"
        if any(m[1] - m[0] > re_ - rs and m[0] <= rs and re_ <= m[1] for m in spans):
            continue  # the model's longer name holds it: "Real Madrid"
        if all(rs <= m[0] and m[1] <= re_ for m in spans):
            for k in overlapping:  # every copy of a span lies on the same tokens: all of them go
                kept[k] = None
            keep((rs, re_, label))
    return sorted(m for m in kept if m is not None)


def entity_spans(doc: Doc, ruler: Ruler, nlp: Language | None) -> list[Tagged]:
    shouted: set[int] = set()
    model: list[Tagged] = []
    reread: list[Tagged] = []
    sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
    for sent in sents:
        if _shouted(sent):
            shouted.update(range(sent.start, sent.end))
            if nlp is not None:
                reread += _reread(doc, sent, ruler, nlp)
    model = [(e.start, e.end, e.label_) for e in doc.ents if e.start not in shouted] + reread
    model = _widen_places([_trim(m, doc, ruler) for m in model], doc, ruler)
    rules = ruler_spans(doc, ruler, shouted)
    merged = [_trim(m, doc, ruler) for m in merge(model, rules)]
    taken = {i for s, e, _ in merged for i in range(s, e)}
    merged = sorted(merged + list(_gazetteer_spans(doc, ruler, taken)))
    return merged


def _reread(doc: Doc, sent: Span, ruler: Ruler, nlp: Language) -> list[Tagged]:
    """The model's entities of a shouted sentence, read from a copy in ordinary case (same length, same offsets)."""
    words = [(t.lower_, bool(t.whitespace_)) for t in sent]
    names = {i for s, e, _ in ruler.dictionary.match_keys(words) for i in range(s, e)}
    chars: list[str] = []
    for k, t in enumerate(sent):
        low = t.text.lower()
        if k == 0 or k in names:
            low = low[:1].upper() + low[1:]
        chars.append(low + t.whitespace_)
    text = "".join(chars)
    if len(text) != len(sent.text_with_ws):
        return []
    disable = [p for p in nlp.pipe_names if p not in REREAD_NEEDS]
    copy = nlp(text, disable=disable)
    out: list[Tagged] = []
    base = sent.start_char
    for ent in copy.ents:
        span = doc.char_span(base + ent.start_char, base + ent.end_char)
        if span is not None:
            out.append((span.start, span.end, ent.label_))
    return out


def extract_entities(ctx: Context, ruler: Ruler | None = None) -> Iterator[Mention]:
    doc = ctx.doc
    if ruler is None:
        for ent in doc.ents:
            yield Mention(text=ent.text, label=ent.label_, start=ent.start_char, end=ent.end_char)
        return
    spans = [Span(doc, s, e, label=lab) for s, e, lab in entity_spans(doc, ruler, ctx.nlp)]
    # Later stages (actors, places, quotes) read doc.ents: they see the merged layer.
    doc.ents = spans
    for ent in spans:
        yield Mention(text=ent.text, label=ent.label_, start=ent.start_char, end=ent.end_char)


@register_stage("entities", adds="entities")
def entities_stage(nlp: Language) -> StageFn:
    ruler = build_ruler()

    def run(ctx: Context) -> Iterator[Mention]:
        return extract_entities(ctx, ruler)

    return run
