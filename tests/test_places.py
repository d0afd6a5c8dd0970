"""The places stage and its gazetteer, on the real spaCy model: resolution, context, regions, and what is no place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from spacy.language import Language

from eventwire.evaluate.geo import km
from eventwire.evaluate.geo_gold import read_geo_gold
from eventwire.gazetteer import load_gazetteer, normalize
from eventwire.pipeline import Pipeline
from eventwire.records import Article, Caption, Place


@pytest.fixture(scope="module")
def pipe(nlp: Language) -> Pipeline:
    return Pipeline(nlp=nlp, stages=["entities", "places"])


def places_of(pipe: Pipeline, text: str) -> list[Place]:
    (doc,) = pipe.annotate([Article(id="t", text=text)])
    return list(doc.places)


def test_places_gazetteer_has_countries_states_and_towns() -> None:
    gaz = load_gazetteer()
    (lebanon,) = [e for e in gaz.lookup("Lebanon") if e.feature == "PCLI"]
    assert (lebanon.country, lebanon.geonames_id) == ("LBN", 272103)
    (texas,) = [e for e in gaz.lookup("Texas") if e.feature == "ADM1"]
    assert (texas.country, texas.geonames_id) == ("USA", 4736286)
    assert any(e.country == "LBY" and e.population > 100_000 for e in gaz.lookup("Sabha"))
    assert gaz.demonyms[normalize("Lebanese")] == "LBN"


@pytest.mark.parametrize(
    ("text", "mention", "country", "feature"),
    [
        ("Protesters gathered in Beirut on Friday.", "Beirut", "LBN", "PPLC"),
        ("Officials in the USA denied the report.", "USA", "USA", "PCLI"),
        ("He grew up in Paris, Texas, before moving to Dallas.", "Paris", "USA", None),
        ("She flew to Paris for talks with French officials.", "Paris", "FRA", "PPLC"),
        ("Russia and Georgia fought a war in 2008, and Tbilisi still blames Moscow.", "Georgia", "GEO", "PCLI"),
        (
            "Voters in Atlanta, Savannah and Augusta decide who wins Georgia, a state Biden carried.",
            "Georgia",
            "USA",
            "ADM1",
        ),
        ("Fighters moved from Tripoli to Benghazi as the Libyan crisis deepened.", "Tripoli", "LBY", None),
    ],
)
def test_places_resolves_by_population_and_context(
    pipe: Pipeline, text: str, mention: str, country: str, feature: str | None
) -> None:
    found = [p for p in places_of(pipe, text) if p.text == mention or p.name == mention]
    assert found, f"no place for {mention!r}"
    assert found[0].country == country
    if feature:
        assert found[0].feature == feature
    assert found[0].lat is not None and found[0].geonames_id is not None


@pytest.mark.parametrize(
    ("text", "phrase", "country"),
    [
        ("Israeli jets struck villages in southern Lebanon overnight.", "southern Lebanon", "LBN"),
        ("Crowds filled Beirut's southern suburbs for the speech.", "Beirut's southern suburbs", "LBN"),
        ("Mines were cleared on the outskirts of Tripoli, the Libyan capital.", "the outskirts of Tripoli", "LBY"),
    ],
)
def test_places_region_phrases_span_the_phrase(pipe: Pipeline, text: str, phrase: str, country: str) -> None:
    found = [p for p in places_of(pipe, text) if p.text == phrase]
    assert found and found[0].country == country
    assert text[found[0].start : found[0].end] == phrase


@pytest.mark.parametrize(
    "text",
    [
        "The Lebanese army deployed more troops.",
        "Russian officials declined to comment on the talks.",
        "The meeting ended without agreement on Tuesday afternoon.",
        "Nelson said the vote had been fair.",
        "We may march on Sunday if the police agree.",
        "Chinese investors bought the company last year.",
        "The Chinese State Councilor met him in private.",
        "The administration told Congress on Thursday that the sale would go ahead.",
        "Firms must comply with the Data Protection Act, the regulator warned.",
        "Us magazine printed the photographs anyway.",
        "Journalists wrote an open letter to the Duma calling for an inquiry.",
    ],
)
def test_places_no_place_in_demonyms_people_and_common_words(pipe: Pipeline, text: str) -> None:
    assert places_of(pipe, text) == []


def test_places_repeated_name_does_not_vouch_for_its_own_state(pipe: Pipeline) -> None:
    # Riverdale, Georgia is the most populous Riverdale; the county and the state choose New Jersey's, and the
    # second "Riverdale" must not count as evidence for whatever the first one was read as.
    text = (
        "The ticket was sold at a gas station in Riverdale, in Morris County. New Jersey lottery officials said "
        "the Riverdale store would get a bonus."
    )
    found = [p for p in places_of(pipe, text) if p.text == "Riverdale"]
    assert len(found) == 2 and {(p.country, p.admin1) for p in found} == {("USA", "NJ")}


@pytest.mark.parametrize(
    ("text", "mention", "name", "feature"),
    [
        ("Smugglers crossed the Turkish border at night.", "Turkish", "Turkey", "PCLI"),
        ("Hurricanes struck US soil three times that year.", "US", "United States", "PCLI"),
        ("Several European countries expelled Russian diplomats.", "European", "Europe", "CONT"),
        ("Aid reached African nations hit by the drought.", "African", "Africa", "CONT"),
    ],
)
def test_places_adjective_before_a_word_for_land_is_a_place(
    pipe: Pipeline, text: str, mention: str, name: str, feature: str
) -> None:
    found = [p for p in places_of(pipe, text) if p.text == mention]
    assert found and found[0].name == name and found[0].feature == feature
    assert not [p for p in places_of(pipe, text) if p.text == "Russian"]  # diplomats are people


@pytest.mark.parametrize(
    ("text", "mention", "country", "admin1", "feature"),
    [
        ("Wildfires forced evacuations near Kelowna, B.C., on Sunday.", "B.C.", "CAN", "02", "ADM1"),
        ("She moved from Tacoma, Washington, to Miami last year.", "Washington", "USA", "WA", "ADM1"),
        ("Rain flooded roads across Yorkshire and Cheshire, the Met Office said.", "Cheshire", "GBR", "ENG", None),
        ("Rain flooded roads across Yorkshire and Cheshire, the Met Office said.", "Yorkshire", "GBR", "ENG", None),
    ],
)
def test_places_abbreviations_counties_and_qualifying_states(
    pipe: Pipeline, text: str, mention: str, country: str, admin1: str, feature: str | None
) -> None:
    found = [p for p in places_of(pipe, text) if p.text == mention]
    assert found and (found[0].country, found[0].admin1) == (country, admin1)
    if feature:
        assert found[0].feature == feature


def test_places_road_lies_in_the_town_written_after_it(pipe: Pipeline) -> None:
    # Tampa is named more often, but "Collins Avenue in Miami Beach" says where the avenue is.
    text = (
        "Tampa fans drove south. The museum on Collins Avenue in Miami Beach opened on Friday, a year after the "
        "Tampa store closed."
    )
    places = places_of(pipe, text)
    (avenue,) = [p for p in places if p.text == "Collins Avenue"]
    (beach,) = [p for p in places if p.text == "Miami Beach"]
    assert avenue.feature == "RD" and avenue.geonames_id is None
    assert (avenue.lat, avenue.lon, avenue.admin1) == (beach.lat, beach.lon, "FL")


def test_places_road_with_no_town_nearby_lies_in_the_articles_own_area(pipe: Pipeline) -> None:
    # Austin is named twice, but the article is about Oregon: a street named on its own is an Oregon street.
    text = (
        "Officials in Eugene and Salem, Oregon, met on Monday. An Austin firm and an Austin bank bid for the work.\n\n"
        "Crews repaved Willamette Street overnight."
    )
    (street,) = [p for p in places_of(pipe, text) if p.text == "Willamette Street"]
    assert (street.country, street.admin1) == ("USA", "OR")


def test_places_surname_of_a_person_named_in_full_is_no_place(pipe: Pipeline) -> None:
    text = (
        "The president picked Sarah Bolton as adviser on Monday. He offered the job to Bolton at a lunch, aides in "
        "Washington said."
    )
    assert [p.text for p in places_of(pipe, text) if "Bolton" in p.text] == []


@pytest.mark.parametrize(
    ("text", "mention", "country", "feature"),
    [
        ("The envoy was received at the Kremlin on Monday.", "Kremlin", "RUS", "BLDG"),
        ("Her flight landed at Heathrow after a bomb scare.", "Heathrow", "GBR", "AIRP"),
        ("Thousands gathered in Tahrir Square at dusk.", "Tahrir Square", "EGY", "SQR"),
    ],
)
def test_places_sites_of_political_news(pipe: Pipeline, text: str, mention: str, country: str, feature: str) -> None:
    found = [p for p in places_of(pipe, text) if p.text == mention]
    assert found and (found[0].country, found[0].feature) == (country, feature)
    assert found[0].lat is not None


def test_places_name_of_a_body_opens_with_its_city(pipe: Pipeline) -> None:
    text = "The Winnipeg Fire Paramedic Service said two people were hurt."
    found = [p for p in places_of(pipe, text) if p.text == "Winnipeg"]
    assert found and found[0].country == "CAN" and text[found[0].start : found[0].end] == "Winnipeg"


def test_places_captions_are_geoparsed_apart_from_the_body(nlp: Language) -> None:
    pipe = Pipeline(nlp=nlp, stages=["entities", "actors", "places", "events"])
    body = "Libyan officials met in Benghazi on Monday to discuss the elections."
    caption = "Turkish forces search for mines on the outskirts of the capital, Tripoli"
    (doc,) = pipe.annotate([Article(id="t", text=body, captions=(Caption(caption, "AFP"),))])
    (tripoli,) = [p for p in doc.places if p.name == "Tripoli"]
    assert tripoli.field == "caption:0" and tripoli.country == "LBY"  # the body's Libya chooses the Libyan one
    assert caption[tripoli.start : tripoli.end] == "Tripoli"
    assert all(p.field == "text" and body[p.start : p.end] == p.text for p in doc.places if p is not tripoli)
    # An event takes a place of its own clause in the body, never one from a caption.
    assert all(e.place is None or e.place.field == "text" for e in doc.events)


def test_places_seed_captions_put_tripoli_on_the_map(pipe: Pipeline, shared: Path) -> None:
    from eventwire.ingest import ReadOptions, read_inputs

    seed = shared / "seed.txt"
    if not seed.is_file():
        pytest.skip(f"seed article not found at {seed}")
    docs = list(pipe.annotate(read_inputs([str(seed)], lambda err: None, ReadOptions())))
    places = [p for d in docs for p in d.places]
    where = {(p.name, p.country) for p in places}
    assert {("Tripoli", "LBY"), ("Moscow", "RUS"), ("Sabha", "LBY"), ("Beirut", "LBN")} <= where
    assert any(p.name == "Tripoli" and p.field.startswith("caption:") for p in places)


def test_places_offsets_index_the_article_text(pipe: Pipeline) -> None:
    text = "RALEIGH, N.C. (AP) - Flooding hit homes in Wilmington and parts of South Carolina, officials in Washington said."
    places = places_of(pipe, text)
    assert {p.name for p in places} >= {"Raleigh", "Wilmington", "South Carolina"}
    for p in places:
        assert text[p.start : p.end] == p.text


def test_places_seed_articles_on_the_map(pipe: Pipeline, shared: Path) -> None:
    seed = (shared / "seed.txt").read_text(encoding="utf-8")
    # The seed holds two stories; each is its own article, as ingest would make them.
    cut = seed.index("Hezbollah Says Refuses")
    libya, lebanon = places_of(pipe, seed[:cut]), places_of(pipe, seed[cut:])
    by_name = {p.text: p.country for p in libya}
    assert by_name.get("Tripoli") == "LBY" and by_name.get("Sabha") == "LBY" and by_name.get("Moscow") == "RUS"
    assert any(p.name == "Beirut" and p.country == "LBN" for p in lebanon)
    assert not any(p.country not in {"LBY", "RUS", "USA", "TUR", None} for p in libya if p.text != "Washington")


_GWN = (
    '<?xml version="1.0" ?>\n<article file="7"><title>t</title><text>Rain fell on Oslo.</text><toponyms>'
    "<toponym><extractedName>Oslo</extractedName><type>Literal</type><start>13</start><end>17</end>"
    "<geonamesID>3143244</geonamesID><latitude>59.91</latitude><longitude>10.75</longitude></toponym>"
    "<toponym><extractedName>nowhere</extractedName><type>Literal</type><start>0</start><end>4</end>"
    "<geonamesID/><latitude/><longitude/></toponym></toponyms></article>\n</articles>\n"
)
_LGL = (
    '<?xml version="1.0" encoding="utf-8"?>\n<articles><article docid="12"><title>t</title>'
    "<text>Rain fell on Oslo.</text><toponyms><toponym><start>13</start><end>17</end><phrase>Oslo</phrase>"
    '<gaztag geonameid="3143244"><name>Oslo</name><lat>59.91</lat><lon>10.75</lon>'
    '<country geonameid="3144096">Norway</country></gaztag></toponym>'
    "<toponym><start>0</start><end>4</end><phrase>Rain</phrase></toponym></toponyms></article></articles>"
)
_GEOVIRUS = (
    "<articles><article><source>https://en.wikinews.org/wiki/Rain_in_Oslo</source><text>Rain fell on Oslo.</text>"
    "<locations><location><name>Oslo</name><start>13</start><end>17</end><lat>59.91</lat><lon>10.75</lon>"
    "<page>https://en.wikipedia.org/wiki/Oslo</page></location>"
    "<location><name>Rain</name><start>0</start><end>4</end><lat>7.1</lat><lon>21.0</lon>"
    "<page>https://en.wikipedia.org/wiki/Africa</page><continent/></location></locations></article></articles>"
)


@pytest.mark.parametrize(
    "xml, corpus, ids, spans, continents",
    [
        (_GWN, "gwn", [3143244], [(13, 17), (0, 4)], []),
        (_LGL, "lgl", [3143244], [(13, 17), (0, 4)], []),  # a toponym without a gaztag counts for precision only
        (_GEOVIRUS, "geovirus", [None, None], [(13, 17), (0, 4)], ["Rain"]),
    ],
)
def test_places_read_geo_gold_reads_each_corpus(
    tmp_path: Path, xml: str, corpus: str, ids: list[int | None], spans: list[tuple[int, int]], continents: list[str]
) -> None:
    path = tmp_path / "gold.xml"
    path.write_text(xml, encoding="utf-8")
    name, ((article, gold, got_spans),) = read_geo_gold(path)
    assert name == corpus and article.text[13:17] == "Oslo" and gold[0].text == "Oslo"
    assert [g.geonames_id for g in gold] == ids
    assert got_spans == spans  # every toponym's span, located or not: what precision is scored against
    assert [g.text for g in gold if g.continent] == continents
    assert km(59.91, 10.75, 59.91, 10.75) == 0.0 and 150 < km(0, 0, 0, 1.5) < 170


@pytest.mark.parametrize("xml", ["<articles></articles>", "<articles><article", "not xml at all"])
def test_places_read_geo_gold_refuses_what_is_no_corpus(tmp_path: Path, xml: str) -> None:
    from eventwire.errors import UsageError

    path = tmp_path / "bad.xml"
    path.write_text(xml, encoding="utf-8")
    with pytest.raises(UsageError, match="--gold .*bad.xml"):
        read_geo_gold(path)


@pytest.mark.slow
def test_places_gazetteer_cache_is_written_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from eventwire import gazetteer

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    gazetteer.load_gazetteer.cache_clear()
    try:
        first = gazetteer.load_gazetteer()
        (cached,) = (tmp_path / "eventwire").glob("*.pickle")
        gazetteer.load_gazetteer.cache_clear()
        assert len(gazetteer.load_gazetteer()) == len(first)
        assert cached.stat().st_size > 1_000_000
    finally:
        gazetteer.load_gazetteer.cache_clear()


@pytest.mark.parametrize(
    ("text", "mention", "country"),
    [
        ("Heavy storms battered the West Coast on Monday, cutting power to thousands.", "West Coast", "USA"),
        ("Tankers slowed in the Strait of Hormuz after the seizure.", "Strait of Hormuz", None),
        ("Drought has spread across the Sahel this year.", "Sahel", None),
    ],
)
def test_places_world_regions_and_seas_have_a_point(pipe: Pipeline, text: str, mention: str, country: str | None) -> None:
    found = [p for p in places_of(pipe, text) if p.text.endswith(mention)]
    assert found and found[0].country == country and found[0].feature == "RGN" and found[0].lat is not None


def test_places_name_listed_with_states_is_a_state(pipe: Pipeline) -> None:
    text = "The firm failed to lure tech jobs from western states such as California or Washington last year."
    (wa,) = [p for p in places_of(pipe, text) if p.text == "Washington"]
    assert (wa.feature, wa.admin1) == ("ADM1", "WA")


def test_places_list_of_cities_is_no_qualifier(pipe: Pipeline) -> None:
    # "Washington, New York" reads like "Tacoma, Washington", but a list goes on: New York is the city here.
    text = "After stops in Washington, New York and Boston, the prince flew on to Houston."
    (ny,) = [p for p in places_of(pipe, text) if p.text == "New York"]
    assert ny.feature.startswith("PPL") and ny.geonames_id == 5128581


@pytest.mark.parametrize(
    ("text", "mention", "feature"),
    [
        ("Floods closed schools across Kolkata on Monday.", "Kolkata", "PPL"),  # the city, not its district
        ("Oklahoma lawmakers met as teachers rallied in Oklahoma City.", "Oklahoma", "ADM1"),  # the state
    ],
)
def test_places_city_over_its_division_only_by_its_own_name(
    pipe: Pipeline, text: str, mention: str, feature: str
) -> None:
    found = [p for p in places_of(pipe, text) if p.text == mention]
    assert found and found[0].feature.startswith(feature)


def test_places_name_placed_once_is_a_place_everywhere(pipe: Pipeline) -> None:
    text = "Troops pressed into the city of Douma on Friday.\n\nDouma is surrounded by government forces."
    found = [p for p in places_of(pipe, text) if p.text == "Douma"]
    assert len(found) == 2 and {p.country for p in found} == {"SYR"}


def test_places_town_after_to_or_listed_with_a_town_in_the_articles_country(pipe: Pipeline) -> None:
    text = (
        "Rail links from Amsterdam to Berlin include stops in Hilversum and Almelo, the Dutch paper said. "
        "Travellers from Utrecht to Lelystad complained."
    )
    names = {p.text: p.country for p in places_of(pipe, text)}
    assert names.get("Almelo") == "NLD"


def test_places_divisions_outside_the_us_have_geonames_ids() -> None:
    gaz = load_gazetteer()
    (ontario,) = [e for e in gaz.lookup("Ontario") if e.feature == "ADM1"]
    assert (ontario.country, ontario.geonames_id) == ("CAN", 6093943)
    (kent,) = [e for e in gaz.lookup("Kent") if e.feature == "ADM2" and e.country == "GBR"]
    assert kent.geonames_id == 3333158


def test_places_country_or_province_closing_an_organisation_name(pipe: Pipeline) -> None:
    # The closing "Canada" makes the article Canadian, and so its "Nelson" the town in British Columbia.
    text = "Officials at Statistics Canada said prices rose in Nelson. Residents no longer drive to Castlegar."
    by_text = {p.text: p for p in places_of(pipe, text)}
    assert by_text["Canada"].country == "CAN" and text[by_text["Canada"].start : by_text["Canada"].end] == "Canada"
    assert by_text["Nelson"].country == "CAN" and by_text["Castlegar"].country == "CAN"


def test_places_organisation_after_at_is_a_site_in_its_town(pipe: Pipeline) -> None:
    text = "Chefs showed how to roast a turkey at Harbour Foods in Tacoma, Washington on Wednesday."
    (site,) = [p for p in places_of(pipe, text) if p.text == "Harbour Foods"]
    assert (site.feature, site.geonames_id, site.country) == ("BLDG", None, "USA")
    assert km(site.lat or 0.0, site.lon or 0.0, 47.25, -122.44) < 20  # Tacoma's point


@pytest.mark.parametrize(
    ("text", "whole", "country"),
    [
        ("Lottery tickets are sold in 44 states and the U.S. Virgin Islands.", "U.S. Virgin Islands", "VIR"),
        ("Thousands of migrants are living in Boa Vista, the state capital.", "Boa Vista", "BRA"),
    ],
)
def test_places_name_cut_short_by_the_parser_is_read_whole(pipe: Pipeline, text: str, whole: str, country: str) -> None:
    found = {p.text: p.country for p in places_of(pipe, text)}
    assert found.get(whole) == country, found


def test_places_plain_congo_is_the_democratic_republic(pipe: Pipeline) -> None:
    found = [p for p in places_of(pipe, "Fighting spread across eastern Congo near Goma.") if "Congo" in p.text]
    assert found and all(p.country == "COD" for p in found)


@pytest.mark.parametrize(
    "text",
    [
        "Rovers started with Martyn, Hibbert, Yobo, Stubbs, Naysmith and Fortune, and Stubbs scored twice at Goodison Park.",
        "The midfielder passed to Stubbs, who beat Fortune and shot wide. Rovers lost 2-0 in Liverpool.",
    ],
)
def test_places_small_towns_need_support_from_the_article(pipe: Pipeline, text: str) -> None:
    # "Stubbs" is an alternate name of Clearlake Oaks, California; in a line-up it is a player.
    found = places_of(pipe, text)
    assert not any(p.country == "USA" for p in found), found


def test_places_unknown_gpe_is_a_neighbourhood_only_after_in(pipe: Pipeline) -> None:
    # spaCy calls a magazine or a firm a GPE as readily as a district: only "in X" makes it a site of the town.
    assert [p.text for p in places_of(pipe, "Gazprom will buy Yugansk, officials in Moscow said.")] == ["Moscow"]
    assert [p.text for p in places_of(pipe, "Kerrang readers voted the band best live act in London.")] == ["London"]
    site = [p for p in places_of(pipe, "Shares in Yugansk fell after the auction in Moscow.") if p.text == "Yugansk"]
    assert site and site[0].feature == "PPLX" and site[0].country == "RUS"


def test_places_geo_eval_rejects_a_file_without_articles(tmp_path: Path) -> None:
    from eventwire.errors import UsageError
    from eventwire.evaluate.geo import run

    bad = tmp_path / "notes.xml"
    bad.write_text("just some words\n", encoding="utf-8")
    with pytest.raises(UsageError, match="no <article> elements"):
        run(bad)


@pytest.mark.parametrize(
    ("text", "mention", "name"),
    [
        ("Police say the actress died at his LA home.", "LA", "Los Angeles"),
        ("He grew up in L.A. before moving east.", "L.A.", "Los Angeles"),
        ("The storm hit Monroe, La., and Shreveport overnight.", "La.", "Louisiana"),
    ],
)
def test_places_la_is_los_angeles_and_la_with_a_dot_louisiana(pipe: Pipeline, text: str, mention: str, name: str) -> None:
    assert any(p.text == mention and p.name == name for p in places_of(pipe, text)), places_of(pipe, text)


def test_places_geo_eval_gives_continents_no_country_and_scores_found_toponyms_apart() -> None:
    from collections import defaultdict

    from eventwire.evaluate.geo import GoldToponym, _CountryOf, _metrics, _tally

    country_of = _CountryOf()
    africa = GoldToponym(0, 6, "Africa", "Literal", 6255146, 7.19, 21.09)  # GeoNames' point lies in the CAR
    assert country_of(africa) is None
    assert country_of(GoldToponym(0, 5, "Paris", "Literal", None, 48.85, 2.35)) == "FRA"
    tally: dict[str, dict[str, int]] = {k: defaultdict(int) for k in ("literal", "associative")}
    # Our point for a continent is not GeoNames' (here 800 km apart): the same feature still counts as within 161 km.
    continent = Place("Africa", 0, 6, "Africa", None, None, 2.0, 16.0, 6255146, "CONT")
    _tally(tally["literal"], africa, None, [continent], reachable=True)
    _tally(tally["literal"], GoldToponym(10, 15, "Paris", "Literal", 2988507, 48.85, 2.35), "FRA", [], True)
    _tally(tally["literal"], GoldToponym(20, 25, "Souq", "Literal", 99999999, 33.9, 35.5), "LBN", [], False)
    m = _metrics(tally)
    assert m["literal_exact"] == pytest.approx(1 / 3) and m["literal_country"] == pytest.approx(1 / 3)
    assert m["literal_exact_reachable"] == pytest.approx(1 / 2)
    assert (m["resolved_exact"], m["resolved_country"], m["resolved_161km"]) == (1.0, 1.0, 1.0)


def test_places_no_gazetteer_entry_sits_at_null_island() -> None:
    # The "Georgia at 0,0": a country without a point in countryinfo (Kosovo, the U.S. Virgin Islands) must
    # still get its own.
    gaz = load_gazetteer()
    assert not [e.name for e in gaz.entries() if (e.lat, e.lon) == (0.0, 0.0)]
    (kosovo,) = [e for e in gaz.lookup("Kosovo") if e.feature == "PCLI"]
    assert km(kosovo.lat, kosovo.lon, 42.66, 21.17) < 100  # Pristina


@pytest.mark.parametrize(
    ("text", "mention", "country"),
    [
        ("Shelling resumed in Eastern Ghouta on Monday, monitors said.", "Eastern Ghouta", "SYR"),
        ("Fighters crossed from the Bekaa Valley overnight.", "Bekaa Valley", "LBN"),
        ("Tribal leaders in Fezzan rejected the deal.", "Fezzan", "LBY"),
        ("Fighting near the port city of Hodeidah in Yemen continued.", "Hodeidah", "YEM"),
    ],
)
def test_places_conflict_regions_and_spellings_are_on_the_map(pipe: Pipeline, text: str, mention: str, country: str) -> None:
    found = places_of(pipe, text)
    assert any(mention in p.text and p.country == country and p.lat for p in found), found


def test_places_a_hospital_or_a_theatre_is_a_site_in_its_town(pipe: Pipeline) -> None:
    found = places_of(pipe, "He was taken to Smith's General Hospital in Leeds.")
    assert [(p.text, p.country, p.feature) for p in found] == [
        ("Smith's General Hospital", "GBR", "BLDG"),
        ("Leeds", "GBR", "PPL"),
    ]
    assert not [p for p in places_of(pipe, "Protesters waited outside Smith's house in Leeds.") if "Smith" in p.text]
    theatre = places_of(pipe, "The prize was handed over at a gala at The Colony Theatre in Los Angeles.")
    assert any(p.text == "Colony Theatre" and p.feature == "BLDG" and p.admin1 == "CA" for p in theatre), theatre


def test_places_a_small_foreign_town_needs_more_than_at(pipe: Pipeline) -> None:
    # "Grand" is a village in Ivory Coast; in a story on Chicago, "at Grand and State" is a street corner.
    found = places_of(pipe, "Police in Chicago, Illinois, closed the subway platform at Grand and State on Monday.")
    assert {p.country for p in found} == {"USA"}, found


def test_places_roads_cut_short_or_named_in_pairs_are_roads_in_the_town(pipe: Pipeline) -> None:
    text = (
        "Chicago police said the man was stabbed in the 400 block of North State Street and collapsed at the "
        "corner of State and Hubbard streets."
    )
    roads = {p.text: (p.feature, p.admin1) for p in places_of(pipe, text) if p.feature == "RD"}
    assert roads == {"North State Street": ("RD", "IL"), "State": ("RD", "IL"), "Hubbard": ("RD", "IL")}, roads


def test_places_a_clause_opening_word_is_no_place(pipe: Pipeline) -> None:
    assert "However" not in {p.text for p in places_of(pipe, "However, Kent police said the road was closed.")}


def test_places_a_site_takes_the_town_of_the_articles_area_in_its_sentence(pipe: Pipeline) -> None:
    text = (
        "Crowds in New Orleans and Baton Rouge, Louisiana, were smaller this year. "
        "Bands from Lafayette and from Philadelphia marched down Royal Street."
    )
    (road,) = [p for p in places_of(pipe, text) if p.text == "Royal Street"]
    assert (road.feature, road.admin1) == ("RD", "LA"), road


def test_places_seed_events_take_the_place_their_clause_names(nlp: Language, shared: Path) -> None:
    from eventwire.ingest import ReadOptions, read_inputs

    seed = shared / "seed.txt"
    if not seed.is_file():
        pytest.skip(f"seed articles not found at {seed}")
    full = Pipeline(nlp=nlp)  # every default stage: events need actors, places and dates
    docs = list(full.annotate(read_inputs([str(seed)], lambda err: None, ReadOptions())))
    assert docs and all(d.events for d in docs)
    checked = 0
    for doc in docs:
        text = doc.article.text
        body = [p for p in doc.places if p.field == "text"]
        for ev in doc.events:
            if ev.trigger.field != "text":
                continue  # headline events index the title
            s, e = ev.sentence.start, ev.sentence.end
            if ev.place is not None:
                # An event's place is written in the body, inside the event's own sentence.
                assert ev.place.field == "text" and s <= ev.place.start and ev.place.end <= e, (ev.trigger, ev.place)
            # A place right after "in" or "to" belongs to the nearest event named before it in the sentence.
            for p in body:
                if not (ev.trigger.end <= p.start <= e) or text[max(0, p.start - 4) : p.start] not in (" in ", " to "):
                    continue
                nearer = [o for o in doc.events if o.trigger.field == "text" and ev.trigger.end <= o.trigger.start
                          < p.start]
                if not nearer and not re.search(r"[,;]|\bwho\b|\bwhich\b", text[ev.trigger.end : p.start]):
                    assert ev.place is not None, (ev.trigger.text, p.text)
                    checked += 1
    assert checked  # the seed does write events with "in"/"to" and a place
