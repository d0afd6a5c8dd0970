"""The actor layer: every mention of a political actor in the body, coded country + sector in CAMEO style.

Dictionary phrases (countries, organisations, role words) are found over the tokens, joined into one actor per noun
phrase through the parse ("Turkish forces", "Hezbollah leader Naim Qassem"), and later mentions ("Qassem", "the
group", "he", "the government") take the codes and the per-article id of what they refer to.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.symbols import NOUN, PRON  # type: ignore[import-not-found]
from spacy.tokens import Doc, Span, Token

from ..records import Actor, Article
from . import Context, StageFn, register_stage
from .actor_dict import ActorDictionary, load_dictionary, pick_code, sector_of, split_code, words_of
from .actor_units import COUNTRY_KINDS, Unit, _units

PLACE_KINDS = ("capital", "city")

# Words before a name that are no part of it; gender, where they tell it, is read from rules.json.
HONORIFICS = frozenset({"mr", "ms", "mrs", "miss", "dr", "sir", "dame", "lord", "lady", "prof"})
# How many sentences back "he" or "she" may reach for the person it stands for; news rarely goes further.
PRONOUN_REACH = 3
# Arcs along which a modifier belongs to the noun phrase of its head: "Turkish forces", "Lebanon's president".
MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "poss", "appos", "flat", "nn"})


@dataclass(frozen=True, slots=True)
class Resolved:
    """A resolved actor before ids are given; ``kind`` says what a later reference may point back to it as."""

    start: int  # character offsets
    end: int
    name: str | None
    country: str | None
    sector: str | None
    code: str | None
    kind: str  # person | org | country | agent
    explicit_country: bool  # its country was written in it, not inferred from context


def _bare_name(span: Span) -> str:
    """A person's name without the honorific the parser may have kept in it: "Ms Roche" -> "Roche"."""
    words = [t.text for t in span]
    while len(words) > 1 and words[0].lower().rstrip(".") in HONORIFICS:
        words = words[1:]
    return " ".join(words)


def _named(u: Unit) -> bool:
    return u.kind in ("entity", *COUNTRY_KINDS) and not u.person


def _root(doc: Doc, u: Unit) -> Token:
    span = doc[u.start : u.end]
    return span.root


def _depth(t: Token) -> int:
    n = 0
    while t.head.i != t.i and n < 50:
        t, n = t.head, n + 1
    return n


def _group(doc: Doc, units: list[Unit], d: ActorDictionary) -> list[list[int]]:
    """Join units that make one noun phrase, through modifier arcs, 'of'/'for' phrases and titles before names."""
    parent = list(range(len(units)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    owner: dict[int, int] = {}
    for k, u in enumerate(units):
        for i in range(u.start, u.end):
            owner[i] = k
    unit_tok = dict(owner)
    for k, u in enumerate(units):
        t = _root(doc, u)
        for _ in range(6):
            h = t.head
            if h.i == t.i:
                break
            if t.dep_ == "appos" and _named(u) and h.i in unit_tok and _named(units[unit_tok[h.i]]):
                break  # "Liberia, the World Food Program": two named actors side by side, not one
            if t.dep_ in MODIFIER_DEPS:
                nxt = h
            elif t.dep_ == "pobj" and h.lower_ in ("of", "for") and h.head.pos_ in ("NOUN", "PROPN"):
                nxt = h.head
            elif (
                t.dep_ == "pobj"
                and h.lower_ == "in"
                and u.kind in COUNTRY_KINDS
                and h.head.i in owner
                and units[owner[h.head.i]].kind == "agent"
            ):
                nxt = h.head  # "rebels in Darfur", "opposition parties in Nepal"
            else:
                break
            if nxt.i in owner:
                if owner[nxt.i] != k:
                    union(k, owner[nxt.i])
                break
            # Walk on only through words that can belong to a title or a name ("Field Marshal", "Head of"), or
            # that make a collective of the unit ("opposition groups in Zimbabwe").
            collective = nxt.pos_ == "NOUN" and nxt.lemma_.lower() in d.rules.group_nouns
            if not (nxt.pos_ == "PROPN" or (nxt.pos_ == "NOUN" and nxt.text[:1].isupper()) or collective):
                break
            owner[nxt.i] = k
            t = nxt
    titles = d.rules.title_words
    for k, u in enumerate(units):
        if u.kind != "person" and not u.person:
            continue
        i = u.start - 1
        while i >= 0 and u.start - i <= 10 and not doc[i + 1].is_sent_start:
            tok = doc[i]
            if i in unit_tok:
                union(k, unit_tok[i])
                break
            if not (
                tok.lower_ in titles or tok.pos_ == "PROPN" or (tok.text[:1].isupper() and tok.pos_ in ("NOUN", "ADJ"))
            ):
                break
            i -= 1
    groups: dict[int, list[int]] = {}
    for k in range(len(units)):
        groups.setdefault(find(k), []).append(k)
    return sorted(groups.values(), key=lambda g: units[g[0]].start)


def _keeps_place(t: Token, d: ActorDictionary) -> bool:
    """Whether a capital or city stands for its government here ("Washington hopes") or is only where things happen."""
    for _ in range(4):
        if t.dep_ == "conj":
            t = t.head
            continue
        break
    r = d.rules
    if t.dep_ in ("nsubj", "nsubjpass", "dobj"):
        return True
    if t.dep_ == "poss":
        return t.head.lemma_.lower() not in r.place_nouns and t.head.lower_ not in r.place_nouns
    if t.dep_ == "pobj":
        return t.head.lower_ in r.actor_prepositions
    return False


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    # Articles, prepositions and punctuation at the edges are no part of who acts ("the", "(", "'s").
    while start < end and doc[start].pos_ in ("DET", "PUNCT", "ADP", "CCONJ"):
        start += 1
    while end > start and (doc[end - 1].pos_ in ("DET", "PUNCT", "ADP", "CCONJ") or doc[end - 1].tag_ == "POS"):
        end -= 1
    return start, end


def _resolve(
    doc: Doc, units: list[Unit], group: list[int], d: ActorDictionary, published: str | None, borrow: str | None = None
) -> list[Resolved]:
    """One group of units -> its mention (and, where the parse split the phrase, the mentions of the pieces)."""
    us = [units[k] for k in group]
    persons = [u for u in us if u.kind == "person" or u.person]
    rules = d.rules
    if persons:
        head = doc[persons[-1].end - 1]
    elif len(us) == 1:
        head = _root(doc, us[0])
    else:
        head = min((_root(doc, u) for u in us), key=lambda t: (_depth(t), t.i))
    start = min(u.start for u in us)
    end = max(u.end for u in us)
    # "Opposition groups in Zimbabwe": the collective noun heads the phrase though no dictionary names it.
    while not persons and head.dep_ in MODIFIER_DEPS and head.head.lemma_.lower() in rules.group_nouns:
        head = head.head
        start, end = min(start, head.i), max(end, head.i + 1)
    # Keep the mention inside its head's subtree, so that it falls in the subject or object the parser built.
    start, end = max(start, head.left_edge.i), min(end, head.right_edge.i + 1)
    if not start <= head.i < end:
        start, end = head.i, head.i + 1
    rest: list[Resolved] = []
    if not persons:
        # Without a name to anchor it, a piece outside the head's subtree is a mention of its own ("US ... Forces").
        inside = [k for k in group if start <= units[k].start and units[k].end <= end]
        outside = [k for k in group if k not in inside]
        if inside and outside:
            group, us = inside, [units[k] for k in inside]
            for k in outside:
                rest.extend(_resolve(doc, units, [k], d, published))
    start, end = _trim(doc, start, end)
    if start >= end:
        return rest
    entities = [u for u in us if u.kind == "entity"]
    places = [u for u in us if u.kind in COUNTRY_KINDS]
    agents = [u for u in us if u.kind == "agent"]
    agent = agents[0] if len(agents) == 1 else min(agents, key=lambda u: (_depth(_root(doc, u)), u.start), default=None)
    agent_sector = sector_of(agent.entry.sector, rules) if agent and agent.entry and agent.entry.sector else borrow
    place = places[0] if places else None
    entity = next((u for u in entities if not u.person), None)
    if entity is None and entities and place is None:
        # A dictionary person counts only when the title says nothing: "Serbian President X" is Serbia's, whatever
        # office a 2014 list gave X.
        entity = entities[0]
    person_name = None
    if persons:
        p = persons[-1]
        person_name = p.entry.name if p.entry is not None and p.kind == "entity" else _bare_name(doc[p.start : p.end])
    country = sector = code = name = None
    kind = "person" if persons else "agent"
    explicit = False
    if entity is not None and entity.entry is not None:
        picked = pick_code(entity.entry.codes, published) or ""
        ecountry, esector = split_code(picked, rules)
        if (
            entity.entry.source == "country"
            and place is not None
            and place.entry is not None
            and place.entry.country != ecountry
        ):
            # A national institution named with another country ("Nigerian Senate"): the country written wins.
            country = place.entry.country
            sector = esector or agent_sector
            code = f"{country}{sector or ''}"
        elif entity.person and agent_sector is not None:
            # "President Reagan": the title says what office; the dictionary's dated code says only whose.
            country, sector = ecountry, agent_sector
            code = f"{country}{sector}"
        else:
            country, sector = ecountry, esector or agent_sector
            code = picked
        name = person_name or entity.entry.name
        explicit = True
        if not persons:
            kind = "country" if country not in rules.non_country_prefixes and esector is None else "org"
    elif place is not None and place.entry is not None:
        if len(us) == 1 and place.kind in PLACE_KINDS and not _keeps_place(_root(doc, place), d):
            return rest
        country = place.entry.country
        sector = agent_sector or ("GOV" if place.kind == "capital" and len(us) == 1 else None)
        code = f"{country}{sector or ''}"
        name = person_name or place.entry.name
        explicit = True
        if not persons:
            kind = "country" if sector is None else "agent"
    elif agent is not None:
        sector = agent_sector
        code = sector
        name = person_name
    elif persons:
        name = person_name
    else:
        return rest
    mention = Resolved(
        start=doc[start].idx,
        end=doc[end - 1].idx + len(doc[end - 1].text),
        name=name,
        country=country,
        sector=sector,
        code=code,
        kind=kind,
        explicit_country=explicit,
    )
    return sorted([mention, *rest], key=lambda m: m.start)


def _borrowed_sectors(doc: Doc, units: list[Unit], groups: list[list[int]]) -> dict[int, str]:
    """ "Russian and Turkish officials": the second adjective shares the first one's noun, so its sector too."""
    group_of = {k: gi for gi, g in enumerate(groups) for k in g}
    unit_at = {i: k for k, u in enumerate(units) for i in range(u.start, u.end)}
    out: dict[int, str] = {}
    for gi, g in enumerate(groups):
        if len(g) != 1 or units[g[0]].kind != "country":
            continue
        root = _root(doc, units[g[0]])
        if root.dep_ != "conj" or root.head.i not in unit_at:
            continue
        other = groups[group_of[unit_at[root.head.i]]]
        sectors = [
            e.sector for k in other if units[k].kind == "agent" and (e := units[k].entry) is not None and e.sector
        ]
        if sectors and sectors[0]:
            out[gi] = sectors[0]
    return out


def _definite(t: Token) -> bool:
    return any(c.dep_ in ("det", "poss") and c.lower_ in ("the", "its", "their") for c in t.children)


@dataclass(frozen=True, slots=True)
class _Item:
    """One step of the article walk: a resolved mention with its units, or a reference word ("he", "the group")."""

    start: int
    mention: Resolved | None = None
    units: tuple[Unit, ...] = ()
    ref: str | None = None  # "person" or "org": what the reference word points back to
    token: Token | None = None


def _walk(doc: Doc, tokens: list[Token], d: ActorDictionary, published: str | None) -> list[_Item]:
    units = _units(doc, tokens, d)
    groups = _group(doc, units, d)
    borrowed = _borrowed_sectors(doc, units, groups)
    items: list[_Item] = []
    for gi, g in enumerate(groups):
        for m in _resolve(doc, units, g, d, published, borrowed.get(gi)):
            # Where a group was split, each mention keeps only the units it covers.
            mine = tuple(units[k] for k in g if m.start <= doc[units[k].start].idx < m.end)
            items.append(_Item(m.start, mention=m, units=mine or tuple(units[k] for k in g)))
    in_unit = {i for u in units for i in range(u.start, u.end)}
    rules = d.rules
    # Compared as string hashes: reading each token's text would cost more than the rest of the walk.
    strings = doc.vocab.strings
    pronouns = {strings.add(w) for w in rules.person_pronouns}
    group_nouns = {strings.add(w) for w in rules.group_nouns}
    for t in tokens:
        if t.pos == PRON and t.lower in pronouns and t.i not in in_unit and t.dep_ in ("nsubj", "nsubjpass", "poss"):
            items.append(_Item(t.idx, ref="person", token=t))
        elif t.pos == NOUN and t.lemma in group_nouns and t.i not in in_unit and _definite(t):
            items.append(_Item(t.idx, ref="org", token=t))
    items.sort(key=lambda x: x.start)
    return items


def extract_actors(doc: Doc, article: Article | None, d: ActorDictionary) -> Iterator[Actor]:
    """Every actor mention in the parsed body, in text order, with a per-article entity id ("e1", "e2", ...)."""
    published = article.published if article is not None else None
    rules = d.rules
    ids: dict[tuple[str | None, str | None], str] = {}
    last_org: Resolved | None = None
    last_country: str | None = None
    persons_by_surname: dict[str, Resolved] = {}
    # People in order of their last mention, with the sentence it was in; "m"/"f" once a title or pronoun says.
    recent: list[tuple[Resolved, int]] = []
    gender: dict[str | None, str] = {}
    # doc.text is built anew on each access; the article's body is the same string.
    text = article.text if article is not None and article.text else doc.text
    tokens = list(doc)  # one list for every pass: indexing or iterating the Doc builds each Token anew
    sentence_starts = [t.idx for t in tokens if t.is_sent_start]

    def sentence_of(char: int) -> int:
        return bisect_right(sentence_starts, char) - 1

    def seen_person(m: Resolved, words: list[str]) -> None:
        for w in words:
            if w in rules.male_words or w in rules.female_words:
                gender.setdefault(m.name, "m" if w in rules.male_words else "f")
                break
        recent[:] = [(p, s) for p, s in recent if p.name != m.name]
        recent.append((m, sentence_of(m.start)))

    def antecedent(pronoun: Token) -> Resolved | None:
        """The last person named within reach whose gender does not contradict the pronoun."""
        want = "m" if pronoun.lower_ in rules.male_words else "f"
        here = sentence_of(pronoun.idx)
        for p, s in reversed(recent):
            if here - s > PRONOUN_REACH:
                break
            if gender.get(p.name, want) == want:
                gender[p.name] = want
                return p
        return None

    def emit(m: Resolved, start: int, end: int) -> Actor:
        # A person keeps one id whatever their titles code them as; other actors are one entity per name and code.
        key = (m.name, None) if m.kind == "person" else (m.name, m.code)
        if key not in ids:
            ids[key] = f"e{len(ids) + 1}"
        return Actor(
            text=text[start:end],
            name=m.name,
            country=m.country,
            sector=m.sector,
            code=m.code,
            start=start,
            end=end,
            id=ids[key],
        )

    items = _walk(doc, tokens, d, published)
    # An article about one country only: a titled official met before any country is named ("President X on
    # Thursday shortened the curfew imposed in Sudan") is that country's.
    named_countries = {
        it.mention.country for it in items
        if it.mention is not None and it.mention.explicit_country and it.mention.country in d.country_names
    }
    sole_country = next(iter(named_countries)) if len(named_countries) == 1 else None
    for item in items:
        if item.token is not None:
            ref = antecedent(item.token) if item.ref == "person" else last_org
            if ref is not None:
                if item.ref == "person":
                    seen_person(ref, [])
                yield emit(ref, item.token.idx, item.token.idx + len(item.token.text))
            continue
        m, us = item.mention, item.units
        if m is None:
            continue
        has_person = any(u.kind == "person" or u.person for u in us)
        surname = m.name.split()[-1].lower() if (has_person and m.name) else None
        if m.country is None and m.code is None:
            # A bare name: a later mention of someone named before ("Qassem"), or nobody we can code.
            ref = persons_by_surname.get(surname or "") or persons_by_surname.get((m.name or "").lower())
            if ref is not None:
                seen_person(ref, text[m.start : m.end].lower().split())
                yield emit(ref, m.start, m.end)
            continue
        context_country = last_country or sole_country
        if m.country is None and m.sector in rules.state_sectors and context_country is not None:
            institutions = [
                u for u in us if u.kind == "agent" and doc[u.start : u.end].lemma_.lower() in rules.context_nouns
            ]
            if has_person or any(_definite(doc[u.end - 1]) for u in institutions):
                # "the government", "Minister ... Adel Jumaa": the state of the country the article was last about.
                name = m.name or d.country_names.get(context_country, context_country)
                code = f"{context_country}{m.sector}"
                m = Resolved(m.start, m.end, name, context_country, m.sector, code, m.kind, explicit_country=False)
        regional = m.country is not None and m.country not in d.country_names
        if regional and m.country not in rules.non_country_prefixes and last_country is not None:
            # PETRARCH codes some groups by region ("WAFREB", "MEAREB"): the article's country says which member.
            code = f"{last_country}{m.sector or ''}"
            m = Resolved(m.start, m.end, m.name, last_country, m.sector, code, m.kind, explicit_country=False)
        if m.explicit_country and m.country in d.country_names:
            last_country = m.country
        org = next((u.entry for u in us if u.kind == "entity" and not u.person and u.entry is not None), None)
        if org is not None and has_person:
            # "Hezbollah leader X": a later "the group" means Hezbollah, not X.
            code = pick_code(org.codes, published) or ""
            ocountry, osector = split_code(code, rules)
            last_org = Resolved(m.start, m.end, org.name, ocountry, osector, code, "org", explicit_country=True)
        if has_person and surname:
            for key in (surname, (m.name or "").lower()):
                known = persons_by_surname.get(key)
                # A title naming the country outranks one whose country was only guessed from context.
                if known is None or (m.explicit_country and not known.explicit_country):
                    persons_by_surname[key] = m
            seen_person(persons_by_surname[surname], text[m.start : m.end].lower().split())
        elif m.kind == "org":
            last_org = m
        yield emit(m, m.start, m.end)


def resolve_name(text: str) -> Actor | None:
    """Code a free-standing phrase ("US envoy Tom Barrack", "Hezbollah", "the Turkish army") without a parse."""
    d = load_dictionary()
    words = words_of(text)
    found = [(s, e, entry) for s, e, entry in d.match_keys([(w, sp) for w, sp, _, _ in words])]
    if not found:
        return None
    entity = next((e for _, _, e in found if e.kind == "entity"), None)
    place = next((e for _, _, e in found if e.kind in COUNTRY_KINDS), None)
    agent = next((e for _, _, e in found if e.kind == "agent"), None)
    agent_sector = sector_of(agent.sector, d.rules) if agent and agent.sector else None
    last = found[-1][1]
    # Capitalised words after the last dictionary phrase are the person's name.
    tail = [w for w in text[words[last - 1][3] :].split() if w[:1].isupper()] if last < len(words) else []
    person = " ".join(tail) or None
    if entity is not None:
        code = pick_code(entity.codes, None) or ""
        country, sector = split_code(code, d.rules)
        return Actor(text=text, name=person or entity.name, country=country, sector=sector or agent_sector, code=code)
    if place is not None:
        sector = agent_sector
        return Actor(
            text=text,
            name=person or place.name,
            country=place.country,
            sector=sector,
            code=f"{place.country}{sector or ''}",
        )
    if agent_sector is not None:
        return Actor(text=text, name=person, sector=agent_sector, code=agent_sector)
    return None


@register_stage("actors", adds="actors", needs=("entities",))
def actors_stage(nlp: Language) -> StageFn:
    dictionary = load_dictionary()

    def run(ctx: Context) -> Iterator[Actor]:
        return extract_actors(ctx.doc, ctx.article, dictionary)

    return run
