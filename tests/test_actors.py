"""The actor layer: countries, organisations, titled people and later mentions, coded country + sector.

Sentences here are invented for the tests; the people in them are fictional unless the dictionaries know them.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest
from spacy.language import Language

from eventwire.annotate.actor_dict import load_dictionary, pick_code
from eventwire.annotate.actors import extract_actors, resolve_name
from eventwire.pipeline import Pipeline
from eventwire.records import Actor, Article

# The share of gold source/target actor spans (PLOVER gold standard records) that an actor of the gold country
# overlaps. Measured 0.860 (283 of 329) on 2026-11-28 with en_core_web_sm 3.8; raise it when the mechanism
# improves, never lower it quietly.
GOLD_COVERAGE_FLOOR = 0.85


def actors(nlp: Language, text: str, published: str | None = None) -> list[Actor]:
    article = Article(id="t", text=text, published=published)
    return list(extract_actors(nlp(text), article, load_dictionary()))


def codes(found: list[Actor]) -> list[tuple[str, str | None]]:
    return [(a.text, a.code) for a in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Turkish forces shelled the ridge overnight.", ("Turkish forces", "TURMIL")),
        ("Libya rejected the proposal.", ("Libya", "LBY")),
        ("The US imposed new tariffs on steel.", ("US", "USA")),
        ("Washington hopes to reach a deal soon.", ("Washington", "USAGOV")),
        ("Lebanon's president received the letter.", ("Lebanon's president", "LBNGOV")),
        ("The Kenyan parliament voted on the bill.", ("Kenyan parliament", "KENLEG")),
        ("Palestinians marched through the old city.", ("Palestinians", "PSE")),
        ("Iraqi police arrested two suspects.", ("Iraqi police", "IRQCOP")),
    ],
)
def test_actors_countries_and_sectors(nlp: Language, text: str, expected: tuple[str, str]) -> None:
    assert expected in codes(actors(nlp, text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The United Nations condemned the attack.", ("United Nations", "IGOUNO")),
        ("NATO ministers gathered for a summit.", ("NATO ministers", "IGOWSTNAT")),
        ("Hezbollah fired rockets across the border.", ("Hezbollah", "LBNREB")),
        ("The European Union imposed sanctions on the firm.", ("European Union", "IGOEUREEC")),
        ("The Taliban seized the district.", ("Taliban", "AFGREB")),
        ("The Houthis launched a drone at a tanker.", ("Houthis", "YEMREB")),
    ],
)
def test_actors_organisations(nlp: Language, text: str, expected: tuple[str, str]) -> None:
    assert expected in codes(actors(nlp, text))


@pytest.mark.parametrize(
    ("text", "name", "code"),
    [
        ("Hezbollah commander Karim Zayed warned against any escalation.", "Karim Zayed", "LBNREB"),
        ("Russian President Ivan Petrov arrived on Tuesday.", "Ivan Petrov", "RUSGOV"),
        ("US envoy Mark Dalton visited the region last week.", "Mark Dalton", "USAGOV"),
        ("Commander of the Sudanese army General Omar Kadir ordered a ceasefire.", "Omar Kadir", "SDNMIL"),
        ("Serbian President Lena Markovic signed the decree.", "Lena Markovic", "SRBGOV"),
    ],
)
def test_actors_people_by_title(nlp: Language, text: str, name: str, code: str) -> None:
    people = [a for a in actors(nlp, text) if a.name == name]
    assert people and people[0].code == code
    assert name in people[0].text


def test_actors_later_mentions_share_the_entity(nlp: Language) -> None:
    text = (
        "Hezbollah leader Karim Zayed rejected the plan on Monday. Zayed said the group would not disarm. "
        "He added that talks could continue."
    )
    found = {a.text: a for a in actors(nlp, text)}
    first = found["Hezbollah leader Karim Zayed"]
    assert (found["Zayed"].id, found["Zayed"].code) == (first.id, "LBNREB")
    assert (found["He"].id, found["He"].name) == (first.id, "Karim Zayed")
    assert (found["group"].name, found["group"].code) == ("Hezbollah", "LBNREB")
    assert found["group"].id != first.id


def test_actors_pronouns_follow_gender(nlp: Language) -> None:
    text = (
        "Kenyan Foreign Minister Mary Wanjiru met Egyptian envoy Omar Said on Monday. Mr Said said he was hopeful. "
        "Ms Wanjiru said she would travel."
    )
    found = {a.text: a for a in actors(nlp, text)}
    assert (found["he"].name, found["he"].code) == ("Omar Said", "EGYGOV")
    assert (found["she"].name, found["she"].code) == ("Mary Wanjiru", "KENGOV")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Opposition groups in Zimbabwe called a strike.", ("Opposition groups in Zimbabwe", "ZWEOPP")),
        ("The Egyptian foreign minister met his Jordanian counterpart.", ("Jordanian counterpart", "JORGOV")),
        ("Rebels in Darfur attacked a convoy.", ("Rebels in Darfur", "SDNREB")),
        ("Russian and Turkish officials met.", ("Turkish", "TURGOV")),
    ],
)
def test_actors_phrases_joined_through_the_parse(nlp: Language, text: str, expected: tuple[str, str]) -> None:
    assert expected in codes(actors(nlp, text))


def test_actors_the_government_takes_the_country_in_context(nlp: Language) -> None:
    found = actors(nlp, "Kenya held elections in May. The government later announced a curfew.")
    government = next(a for a in found if a.text == "government")
    assert (government.country, government.code, government.name) == ("KEN", "KENGOV", "Kenya")


def test_actors_ids_are_stable_per_entity(nlp: Language) -> None:
    found = actors(nlp, "Libya and Egypt talked. Libya later said the talks went well.")
    libya = [a for a in found if a.name == "Libya"]
    assert len(libya) == 2 and libya[0].id == libya[1].id
    assert {a.id for a in found if a.name == "Egypt"}.isdisjoint({libya[0].id})


@pytest.mark.parametrize(
    "text",
    [
        "The meeting took place in Beirut's southern suburbs on 12 March 2024.",
        "Prices rose by 4 percent last year.",
        "The talks were held in Moscow.",
        "Let us know what you think.",
        "A photo by John Smith shows the damaged market.",
        "The general elections will take place in spring.",
        "Military exercises began on Monday.",
        "Zayed spoke for an hour.",  # a bare name nobody introduced
        "The Brightwater Foundation opened a clinic.",  # a dictionary word inside another organisation's name
        "Jordan Peterson gave a lecture.",  # a country name inside a person's name
    ],
)
def test_actors_nothing_for_non_actors(nlp: Language, text: str) -> None:
    assert actors(nlp, text) == []


def test_actors_offsets_index_the_article(nlp: Language) -> None:
    text = "Turkish forces and the Libyan National Army traded fire. Washington urged calm."
    doc = next(Pipeline(stages=["entities", "actors"], nlp=nlp).annotate([Article(id="a", text=text)]))
    assert doc.actors
    for a in doc.actors:
        assert a.start is not None and a.end is not None and text[a.start : a.end] == a.text
        assert re.fullmatch(r"e\d+", a.id or "")


@pytest.mark.parametrize(
    ("phrase", "country", "sector"),
    [
        ("US envoy Tom Barrack", "USA", "GOV"),
        ("Hezbollah", "LBN", "REB"),
        ("the Turkish army", "TUR", "MIL"),
        ("United Nations Support Mission in Libya", "IGO", None),
    ],
)
def test_actors_resolve_name(phrase: str, country: str, sector: str | None) -> None:
    actor = resolve_name(phrase)
    assert actor is not None and (actor.country, actor.sector) == (country, sector)


@pytest.mark.parametrize("phrase", ["banana bread", "", "next Tuesday"])
def test_actors_resolve_name_unknown(phrase: str) -> None:
    assert resolve_name(phrase) is None


@pytest.mark.parametrize(
    ("codes_", "published", "expected"),
    [
        (("RUSELI@1970-01-01..1999-08-09", "RUSGOV@2008-05-08.."), "1995-06-01", "RUSELI"),
        (("RUSELI@1970-01-01..1999-08-09", "RUSGOV@2008-05-08.."), None, "RUSGOV"),
        (("LBNREB",), "2025-01-01", "LBNREB"),
        ((), None, None),
    ],
)
def test_actors_pick_code_by_date(codes_: tuple[str, ...], published: str | None, expected: str | None) -> None:
    assert pick_code(codes_, published) == expected


def test_actors_data_keeps_the_petrarch_licence() -> None:
    data = resources.files("eventwire").joinpath("data", "actors")
    assert "MIT License" in data.joinpath("LICENSE-petrarch.txt").read_text(encoding="utf-8")
    for name in ("countries.tsv", "entities.tsv", "agents.tsv", "names.tsv", "roles.tsv", "rules.json"):
        assert data.joinpath(name).is_file(), name


@pytest.mark.slow
def test_actors_gold_coverage(nlp: Language, shared: Path) -> None:
    """Share of PLOVER gold actor spans that an actor of the gold country overlaps."""
    gold_path = shared / "eval" / "plover" / "gsr.json"
    if not gold_path.is_file():
        pytest.skip(f"{gold_path} not found")
    records = json.loads(gold_path.read_text(encoding="utf-8"))[1:]
    pipeline = Pipeline(stages=["entities", "actors"], nlp=nlp)
    docs = pipeline.annotate(Article(id=str(i), text=r["text"]) for i, r in enumerate(records))
    total = hits = 0
    for record, doc in zip(records, docs):
        for role in ("source", "target"):
            for gold in record.get(role) or []:
                phrase, code = (gold.get("actorText") or "").strip(), gold.get("code")
                found = (
                    re.search(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", record["text"], re.IGNORECASE)
                    if phrase
                    else None
                )
                if not found or not code:
                    continue
                total += 1
                overlapping = [a for a in doc.actors if a.start < found.end() and a.end > found.start()]  # type: ignore[operator]
                hits += any(a.country == code[:3] for a in overlapping)
    assert total > 100
    assert hits / total >= GOLD_COVERAGE_FLOOR


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # One country in the article: the official titled before it is named is that country's.
        ("President Amadou Keita on Monday lifted the curfew imposed in Mali after the election.", "MLI"),
        # Two countries: no guess.
        ("President Amadou Keita on Monday thanked Senegal and Ghana for their help.", None),
    ],
)
def test_actors_titled_official_takes_the_sole_country_of_the_article(nlp: Language, text: str,
                                                                      expected: str | None) -> None:
    from eventwire.pipeline import Pipeline
    from eventwire.records import Article

    (doc,) = Pipeline(stages=["entities", "actors"], nlp=nlp).annotate([Article(id="t", text=text)])
    keita = [a for a in doc.actors if "Keita" in a.text]
    assert keita and keita[0].sector == "GOV"
    assert keita[0].country == expected
