"""Places: every place mention in the body and the captions resolved against the offline gazetteer to GeoNames id
and coordinates.

Mentions come from spaCy's GPE/LOC/FAC entities (read whole when spaCy cut a name short), from names spaCy
mislabels, from the place an organisation's name opens or closes with, from nationality adjectives before a word for
land and from capitalised words it missed; candidates are ranked by population and feature class, the countries and
states of the article's other names, qualifiers such as "Paris, Texas" or "Croft, Yorkshire" and lists such as
"California or Washington". Roads, buildings and the organisations met "at" that the gazetteer lacks take the point
of the town that locates them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from spacy.language import Language
from spacy.tokens import Doc

from ..gazetteer import (
    ADMIN1,
    ADMIN2,
    COUNTRY,
    Entry,
    normalize,
)
from ..records import Mention, Place
from . import Context, StageFn, register_stage
from .offsets import ByStart, Spans
from .places_data import (
    _LIST_SEPARATORS,
    ADMIN1_FOCUS_BONUS,
    FOCUS_PRESENT_BONUS,
    FOCUS_SHARE_WEIGHT,
    LIST_KIND_BONUS,
    SITE_QUALIFIERS,
    SMALL_TOWN_POPULATION,
    SURE_POPULATION,
    PlaceData,
    load_place_data,
)
from .places_lookup import (
    _Candidate,
    _likeliest,
    _prior,
    _qualifier_bonus,
    _qualifier_codes,
    _qualifier_points,
)
from .places_mentions import (
    _adjective_places,
    _candidates,
    _extend_region,
    _nationalities,
    _preceded_by_locative,
    _Site,
)

_NON_SPACE = re.compile(r"\S")
_LONGEST_QUALIFIER = max(map(len, SITE_QUALIFIERS))


def _site_town(
    doc: Doc, text: str, site: _Site, located: ByStart[tuple[_Candidate, Entry]], towns: Counter[Entry],
    regions: Counter[tuple[str | None, str | None]],
) -> Entry | None:
    """The town a road or building lies in: named right after it, else nearest in its sentence, else the town
    the article names most in the state or province most of its places lie in."""
    # Only a name starting before the first word past the longest qualifier can be "named right after" the site.
    first = _NON_SPACE.search(text, site.end)
    past = _NON_SPACE.search(text, first.start() + _LONGEST_QUALIFIER) if first else None
    for c, e in located.starting_in(site.end, past.start() + 1 if past else len(text) + 1):
        if text[site.end : c.start].strip().lower() in SITE_QUALIFIERS:
            return e
    # The article's own area: the state or province most of its places lie in ("Louisiana", "New Orleans",
    # "Lafayette"...).
    area = max(regions, key=lambda k: regions[k]) if regions else None
    span = doc.char_span(site.start, site.end, alignment_mode="expand")
    if span is not None:
        sent = span.sent
        near = [(min(abs(c.start - site.end), abs(site.start - c.end)), e)
                for c, e in located.starting_in(sent.start_char, sent.end_char)]
        # A town of the article's area before one outside it: "Washington Square" in a New Orleans story is more
        # likely its square than Pennsylvania's suburb of that name.
        near = [x for x in near if (x[1].country, x[1].admin1) == area] or near
        if near:
            return min(near, key=lambda x: x[0])[1]
    if not towns:
        return None
    # Then the area's most named town (the biggest on a tie).
    pool = [e for e in towns if (e.country, e.admin1) == area] or list(towns)
    return max(pool, key=lambda e: (towns[e], e.population))


@dataclass(frozen=True)
class _Text:
    """One text of the article that may name places: the body ("text") or a caption ("caption:N")."""

    field: str
    doc: Doc
    mentions: Sequence[Mention]
    text: str


def resolve_places(
    data: PlaceData,
    doc: Doc,
    mentions: Sequence[Mention],
    captions: Sequence[tuple[Doc, Sequence[Mention]]] = (),
) -> Iterator[Place]:
    """Find and resolve the place mentions of one parsed article: its body, then each parsed caption, all read
    together (a caption's "Tripoli" is the one the story is about). Pure: reads only its arguments."""
    gaz = data.gazetteer
    # doc.text is read once per text and passed on: spaCy rebuilds it on every access.
    texts = [_Text("text", doc, mentions, doc.text)]
    texts += [_Text(f"caption:{i}", d, ms, d.text) for i, (d, ms) in enumerate(captions)]
    cands: list[_Candidate] = []
    sites: dict[str, list[_Site]] = {}
    demonym_focus: Counter[str] = Counter()
    for t in texts:
        found, sites[t.field] = _candidates(data, t.doc, t.mentions, t.text)
        # "Paris, Texas" over two entities: a name right after a comma qualifies the one before it.
        for i, (a, b) in enumerate(pairwise(found)):
            between = t.text[a.end : b.start]
            # "Washington, New York and Boston" is a list, not New York's Washington.
            in_list = i + 2 < len(found) and t.text[b.end : found[i + 2].start].strip() in _LIST_SEPARATORS
            if between.strip() == "," and b.start - a.end <= 3 and not in_list:
                codes = _qualifier_codes(gaz, t.text[b.start : b.end])
                a.qualifier |= codes
                a.near += _qualifier_points(gaz, t.text[b.start : b.end])
                # "Tacoma, Washington": a qualifier that is the state of a town of that name is the state.
                if any(e.admin1 in codes for e in a.entries if e.feature != COUNTRY):
                    b.division = True
            # "Utah, Colorado and Washington": a list of states or countries makes its ambiguous items one too.
            if between.strip() in _LIST_SEPARATORS and b.start - a.end <= 6:
                for x, y in ((a, b), (b, a)):
                    kind = _likeliest(y).feature
                    if kind in (COUNTRY, ADMIN1):
                        x.listed.add(kind)
        for c in found:
            c.field = t.field
        cands += found
        demonym_focus += _nationalities(gaz, t.mentions)
    # What each reading of a name is worth before context: the best of its mentions (one may carry "Texas").
    # The first choice reads each mention alone, its own qualifier but not its list.
    base: dict[tuple[str, int], list[float]] = {}
    chosen: list[Entry] = []
    for c in cands:
        read = [_prior(e, c) + _qualifier_bonus(e, c) for e in c.entries]
        chosen.append(c.entries[max(range(len(read)), key=read.__getitem__)])
        own = [r + LIST_KIND_BONUS * (e.feature in c.listed) for r, e in zip(read, c.entries)]
        base[c.sense] = [max(a, b) for a, b in zip(base[c.sense], own)] if c.sense in base else own
    # Two more rounds: each mention reads the countries and states of the article's other places, as resolved in
    # the last. Other places means other names: a name said five times must not vouch for its own reading.
    for _ in range(2):
        ctx = _Context.of(cands, chosen, demonym_focus)
        total = sum(ctx.focus.values())
        scores: dict[tuple[str, int], dict[int, float]] = {}
        for c in cands:
            if c.sense in scores:
                continue  # one sense per article: every mention of a name reads the same context
            f, st = ctx.others(c.key)
            n = max(total - sum(ctx.own_countries.get(c.key, Counter()).values()), 1)
            per_key = scores.setdefault(c.sense, {})
            for idx, e in enumerate(c.entries):
                s = base[c.sense][idx]
                if e.country and f[e.country]:
                    s += FOCUS_PRESENT_BONUS + FOCUS_SHARE_WEIGHT * f[e.country] / n
                if e.feature != COUNTRY and st[(e.country, e.admin1)]:
                    s += ADMIN1_FOCUS_BONUS
                per_key[idx] = s
        chosen = [c.entries[max(scores[c.sense], key=lambda i: scores[c.sense][i])] for c in cands]

    # Two kinds of reading need the article's support. A small town named by one of its alternate names shares that
    # spelling with much else ("Stubbs" is a footballer before it is Clearlake Oaks, California): kept only where the
    # article's other places lie in its state or province, or where it follows "in"/"near" and lies in a country
    # the article names. A small town by its own name (spaCy tags surnames in a line-up as places) is kept where the
    # article names its country or state, or after "in"/"near". Such towns do not vouch for each other.
    weak = [
        e.feature.startswith("PPL") and e.population < SURE_POPULATION and normalize(e.name) != c.key
        for c, e in zip(cands, chosen)
    ]
    small = [e.feature.startswith("PPL") and e.population < SMALL_TOWN_POPULATION for e in chosen]
    strong = [not (w or sm) for w, sm in zip(weak, small)]
    ctx = _Context.of(
        [c for c, ok in zip(cands, strong) if ok], [e for e, ok in zip(chosen, strong) if ok], demonym_focus
    )
    docs = {t.field: t.doc for t in texts}
    resolved = []
    for c, e, w, ok in zip(cands, chosen, weak, strong):
        if not ok:
            f, st = ctx.others(c.key)
            after_locative = _preceded_by_locative(docs[c.field], c.start)
            in_country = e.country is not None and f[e.country] > 0
            in_state = st[(e.country, e.admin1)] > 0
            # "at Grand and State" in a Chicago story is no Ivorian village: "in"/"near" alone vouches for a small
            # town only where the article names no other country.
            foreign = any(n > 0 and k != e.country for k, n in f.items())
            alone = after_locative and not foreign
            if not (in_state or (in_country and after_locative) or (not w and (in_country or alone))):
                continue
        resolved.append((c, e))
    for t in texts:
        yield from _places_of(data, t, [(c, e) for c, e in resolved if c.field == t.field], sites[t.field])


@dataclass
class _Context:
    """The countries and states of an article's resolved places, and each name's own share of them."""

    focus: Counter[str]
    states: Counter[tuple[str | None, str | None]]
    own_countries: dict[str, Counter[str]]
    own_states: dict[str, Counter[tuple[str | None, str | None]]]

    @classmethod
    def of(cls, cands: list[_Candidate], chosen: list[Entry], demonym_focus: Counter[str]) -> _Context:
        focus = demonym_focus + Counter(e.country for e in chosen if e.country)
        states: Counter[tuple[str | None, str | None]] = Counter(
            (e.country, e.admin1) for e in chosen if e.feature != COUNTRY and e.admin1
        )
        own_countries: dict[str, Counter[str]] = {}
        own_states: dict[str, Counter[tuple[str | None, str | None]]] = {}
        for c, prev in zip(cands, chosen):
            if prev.country:
                own_countries.setdefault(c.key, Counter())[prev.country] += 1
            if prev.feature != COUNTRY and prev.admin1:
                own_states.setdefault(c.key, Counter())[(prev.country, prev.admin1)] += 1
        return cls(focus, states, own_countries, own_states)

    def others(self, key: str) -> tuple[Counter[str], Counter[tuple[str | None, str | None]]]:
        """The countries and states of the article's places other than those named ``key``."""
        return (self.focus - self.own_countries.get(key, Counter()), self.states - self.own_states.get(key, Counter()))


def entry_place(e: Entry, text: str, start: int, end: int, field: str = "text") -> Place:
    """The Place record of a mention ``text[start:end]`` resolved to gazetteer entry ``e``."""
    return Place(text[start:end], start, end, e.name, e.country, e.admin1, e.lat, e.lon, e.geonames_id, e.feature,
                 field)


def _places_of(data: PlaceData, t: _Text, resolved: list[tuple[_Candidate, Entry]], sites: list[_Site]) -> list[Place]:
    """The Place records of one text, in text order: resolved names, place adjectives, then roads and buildings."""
    text, doc, field = t.text, t.doc, t.field
    places = [entry_place(e, text, *_extend_region(data, text, c.start, c.shown_end or c.end), field)
              for c, e in resolved]
    taken = Spans((p.start, p.end) for p in places)
    places += [entry_place(e, text, start, end, field)
               for start, end, e in _adjective_places(data, doc, t.mentions, taken)]
    # A road or building the gazetteer lacks lies in a town: the one written right after it ("Royal Street, New
    # Orleans", "the prison in Muntinlupa"), else the nearest named in its sentence, else the town the article
    # names most in its own area. It keeps its own name, feature (RD, BLDG) and no GeoNames id; only the point and
    # divisions are the town's. Without a town it stays out: a country is too coarse for a street.
    if sites:
        located = ByStart([(c, e) for c, e in resolved if e.feature.startswith("PPL") or e.feature == ADMIN2],
                          lambda x: x[0].start)
        towns = Counter(e for _, e in located.items)
        regions: Counter[tuple[str | None, str | None]] = Counter((e.country, e.admin1) for _, e in resolved if e.admin1)
        for site in sites:
            town = _site_town(doc, text, site, located, towns, regions)
            if town is not None:
                at_town = entry_place(town, text, site.start, site.end, field)
                places.append(replace(at_town, name=site.name, geonames_id=None, feature=site.feature))
    places.sort(key=lambda p: p.start)
    return places


@register_stage("places", adds="places", needs=("entities",))
def places_stage(nlp: Language) -> StageFn:
    data = load_place_data()

    def run(ctx: Context) -> Iterator[Place]:
        captions = []
        texts = [c.text for c in ctx.article.captions]
        if texts:
            # Captions are not part of the body parse: each gets its own, short one.
            for cdoc in ctx.nlp.pipe(texts):
                ents = [Mention(e.text, e.label_, e.start_char, e.end_char) for e in cdoc.ents]
                captions.append((cdoc, ents))
        return resolve_places(data, ctx.doc, ctx.layers.get("entities", ()), captions)

    return run
