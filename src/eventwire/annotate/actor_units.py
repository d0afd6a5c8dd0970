"""Actor units: the dictionary phrases (countries, organisations, role words) and people's names found over a
body's tokens, in text order and none overlapping, that the actor layer (actors.py) joins into mentions.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from .actor_dict import ActorDictionary, Entry

COUNTRY_KINDS = ("country", "capital", "city")
# Entity labels whose tokens may still be read as a bare name after a title ("envoy Tom Barrack").
NAME_ENT_TYPES = frozenset({"", "PERSON"})


@dataclass(frozen=True, slots=True)
class Unit:
    """One piece of an actor mention: a dictionary phrase or a person's name, tokens [start, end)."""

    start: int
    end: int
    kind: str  # country | capital | city | entity | agent | person
    entry: Entry | None = None
    person: bool = False  # an entity that is a person's name (it overlaps a PERSON entity)


def _accept(doc: Doc, start: int, end: int, entry: Entry) -> bool:
    """Case and part-of-speech checks that keep "us", "general elections" and "military exercises" out."""
    span = doc[start:end]
    if entry.kind == "agent":
        return span[-1].pos_ in ("NOUN", "PROPN")
    alnum = "".join(ch for ch in span.text if ch.isalnum())
    if len(alnum) <= 3:
        return span.text == span.text.upper() and any(ch.isalpha() for ch in alnum)
    if span[0].text[:1].isupper():
        return True
    # "al-Qaeda": a lowercase particle may open a proper name if a capital follows.
    return any(t.text[:1].isupper() for t in span[1:])


def _units(doc: Doc, tokens: list[Token], d: ActorDictionary) -> list[Unit]:
    """Dictionary phrases and people's names in the doc, in text order, none overlapping."""
    words = [(t.lower_.replace("’", "'"), bool(t.whitespace_)) for t in tokens]
    matches = [(s, e, entry) for s, e, entry in d.match_keys(words) if _accept(doc, s, e, entry)]
    covered: dict[int, int] = {}
    units: list[Unit] = []
    persons = [ent for ent in doc.ents if ent.label_ == "PERSON"]
    named = [ent for ent in doc.ents if ent.label_ in ("PERSON", "ORG", "WORK_OF_ART", "FAC")]
    # doc.ents never overlap, so a token lies in at most one of them: found by token, not by scanning them all.
    person_on = {i: ent for ent in persons for i in range(ent.start, ent.end)}
    named_on = {i: ent for ent in named for i in range(ent.start, ent.end)}
    expanded: list[tuple[int, int, Entry]] = []
    for s, e, entry in matches:
        # A dictionary phrase that runs from a title into a name ("President Hosni Mubarak") is read as the title
        # and the name apart, so that the title can speak for the name.
        ent = next((p for k in range(s + 1, e) if (p := person_on.get(k)) is not None and p.start == k and e <= p.end),
                   None)
        if entry.kind == "entity" and ent is not None:
            expanded.extend(
                (s + a, s + b, x) for a, b, x in d.match_keys(words[s : ent.start]) if _accept(doc, s + a, s + b, x)
            )
            name = d.phrases.get(doc[ent.start : e].text.lower().replace("’", "'"))
            # The name alone may not be a phrase of its own ("Reagan"); it keeps the whole phrase's codes then.
            expanded.append((ent.start, e, name if name is not None and name.kind == "entity" else entry))
            continue
        # Inside a name, a role word after the first name is part of the name: "Tom King".
        if entry.kind == "agent" and (p := person_on.get(s)) is not None and p.start < s:
            continue
        expanded.append((s, e, entry))
    for s, e, entry in expanded:
        if entry.kind in COUNTRY_KINDS and _inside_longer_name(doc, s, e, entry, named_on.get(s)):
            continue
        # One dictionary word at the end of a longer name is that name's last word, not the organisation:
        # "Foundation" in "the Gates Foundation".
        if (
            entry.kind == "entity"
            and e - s == 1
            and (ent := named_on.get(s)) is not None
            and ent.start < s
            and e == ent.end
            and ent.label_ != "PERSON"
        ):
            continue
        # The people on the phrase's first token or starting inside it.
        on = [person_on.get(k) for k in range(s, e)]
        overlapping = {p for k, p in enumerate(on, s) if p is not None and (p.start <= s or p.start == k)}
        # Organisations are never people, whatever the parser labelled them; dictionary people carry dated codes.
        is_person = (
            entry.kind == "entity"
            and bool(overlapping)
            and (entry.source == "country" or any("@" in c for c in entry.codes))
        )
        # A known person's name must end where the parser's name ends: "Hassan" inside "Omar Hassan al-Bashir" is
        # someone else.
        if is_person and not any(ent.end == e for ent in overlapping):
            continue
        units.append(Unit(s, e, entry.kind, entry, person=is_person))
        for i in range(s, e):
            covered[i] = len(units) - 1
    for ent in persons:
        free = [i for i in range(ent.start, ent.end) if i not in covered]
        if not free:
            continue
        # The name is the run of uncovered tokens at the end of the entity ("President Bush" -> "Bush").
        run_end = free[-1] + 1
        run_start = run_end - 1
        while run_start - 1 >= ent.start and run_start - 1 not in covered:
            run_start -= 1
        units.append(Unit(run_start, run_end, "person"))
        for i in range(run_start, run_end):
            covered[i] = len(units) - 1
    # A capitalised run right after a title is a name even when the parser missed it: "Field Marshal Khalifa Haftar".
    for u in list(units):
        if u.kind != "agent":
            continue
        i = u.end
        while i < len(doc) and i not in covered and _name_token(doc[i]) and i - u.end < 4:
            i += 1
        if i > u.end and not any(doc[k].is_sent_start for k in range(u.end, i)):
            units.append(Unit(u.end, i, "person"))
            for k in range(u.end, i):
                covered[k] = len(units) - 1
    units.sort(key=lambda u: u.start)
    return units


def _inside_longer_name(doc: Doc, s: int, e: int, entry: Entry, ent: Span | None) -> bool:
    """A place name inside a longer name is part of that name: "Jordan Peterson", "Washington Post". ``ent`` is the
    name on the place's first token, if any.

    Demonyms stay ("Bosnian Serbs"), and so do country names inside organisations ("the Libyan National Army").
    """
    if doc[e - 1].pos_ == "ADJ":
        return False
    if ent is None or not (e <= ent.end and (ent.end - ent.start) > (e - s)):
        return False
    return not (entry.kind == "country" and ent.label_ == "ORG")


def _name_token(t: Token) -> bool:
    return t.pos_ == "PROPN" and t.text[:1].isupper() and t.ent_type_ in NAME_ENT_TYPES and t.is_alpha
