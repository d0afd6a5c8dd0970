"""The dates stage: time expressions found and normalised against the publication date, and that date inferred."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from spacy.language import Language

from eventwire.annotate.dates import extract_dates, infer_published
from eventwire.evaluate.timex import read_gold, score
from eventwire.pipeline import Pipeline
from eventwire.records import Article, Caption, TimeRef

# A Saturday, in ISO week 48.
ANCHOR = date(2026, 11, 28)


def found(nlp: Language, text: str, anchor: date = ANCHOR) -> list[tuple[str, str | None, str]]:
    return [(r.text, r.value, r.type) for r in extract_dates(text, anchor, nlp(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The envoy repeated Friday that talks had stalled.", [("Friday", "2026-11-27", "DATE")]),
        ("The envoy said Saturday that talks had stalled.", [("Saturday", "2026-11-28", "DATE")]),
        ("Ministers will meet Tuesday in the capital.", [("Tuesday", "2026-12-01", "DATE")]),
        ("Ministers meet again next week.", [("next week", "2026-W49", "DATE")]),
        ("Ministers met last week.", [("last week", "2026-W47", "DATE")]),
        ("The vote is scheduled for December 24.", [("December 24", "2026-12-24", "DATE")]),
        ("The vote was held on January 9.", [("January 9", "2026-01-09", "DATE")]),
        ("Prices have climbed since November.", [("November", "2026-11", "DATE")]),
        ("Fighting resumed in 2025 after a lull.", [("2025", "2025", "DATE")]),
        ("Output fell last year.", [("last year", "2025", "DATE")]),
        ("Two ships sank yesterday.", [("yesterday", "2026-11-27", "DATE")]),
        ("Shelling was heard this morning.", [("this morning", "2026-11-28TMO", "TIME")]),
        ("The town was rebuilt in the 1990s.", [("the 1990s", "199", "DATE")]),
        ("The siege lasted three days.", [("three days", "P3D", "DURATION")]),
        ("Inspectors visit every week.", [("every week", "P1W", "SET")]),
        (
            "The monitors now report calm, and the border is currently shut.",
            [("now", "PRESENT_REF", "DATE"), ("currently", "PRESENT_REF", "DATE")],
        ),
        ("Exports grew in the third quarter of 2025.", [("the third quarter of 2025", "2025-Q3", "DATE")]),
        ("Harvests failed last summer.", [("last summer", "2025-SU", "DATE")]),
        ("The decree is dated 2025-07-06.", [("2025-07-06", "2025-07-06", "DATE")]),
        ("The accord was signed on July 6, 2025 in a hotel.", [("July 6, 2025", "2025-07-06", "DATE")]),
        ("The accord was signed on 6 July 2025 in a hotel.", [("6 July 2025", "2025-07-06", "DATE")]),
        ("The plant should reopen by mid-2024.", [("mid-2024", "2024", "DATE")]),
        ("The curfew starts at 9 p.m. Sunday.", [("9 p.m. Sunday", "2026-11-29T21:00", "TIME")]),
        ("The strike began four years ago.", [("four years ago", "2022", "DATE")]),
        ("Troops stayed for almost two and a half years.", [("almost two and a half years", "P2.5Y", "DURATION")]),
        ("Convoys pass twice a week.", [("twice a week", "P1W", "SET")]),
        ("The camp is expanded early this year.", [("early this year", "2026", "DATE")]),
        ("Queues form on Christmas Eve.", [("Christmas Eve", "2026-12-24", "DATE")]),
        # no tense: the nearest New Year's Day (five weeks ahead), not the one eleven months back; a past verb
        # keeps the one gone
        ("Crowds gather for New Year's Day.", [("New Year's Day", "2027-01-01", "DATE")]),
        ("Protests around Easter Monday drew crowds.", [("Easter Monday", "2026-04-06", "DATE")]),
        ("Rationing ran from 1946-48 in the region.", [("1946", "1946", "DATE"), ("48", "1948", "DATE")]),
        ("Repairs take between 12 and 18 months.", [("12", "P12M", "DURATION"), ("18 months", "P18M", "DURATION")]),
        ("The pact dates from a decade ago.", [("a decade ago", "2016", "DATE")]),
        ("Fighting stopped on the 14th.", [("the 14th", "2026-11-14", "DATE")]),
        ("Traders still recall Black Monday.", [("Black Monday", "XXXX-XX-XX", "DATE")]),
        ("Turnout was low in March.", [("March", "2026-03", "DATE")]),  # the period is the sentence's
        ("Markets stayed shut until Friday", [("Friday", "2026-11-27", "DATE")]),
        ("Guards changed at 1400 GMT on Monday.", [("1400 GMT on Monday", "2026-11-23T14:00Z", "TIME")]),
        ("Shops close on Sundays.", [("Sundays", "XXXX-WXX-7", "SET")]),
        (
            "The convoy left at 0800 GMT (10 a.m. local time) on Monday.",
            [
                ("0800 GMT", "2026-11-23T08:00Z", "TIME"),
                ("10 a.m. local time", "2026-11-23T10:00", "TIME"),
                ("Monday", "2026-11-23", "DATE"),
            ],
        ),
        ("Aid arrives in the coming weeks.", [("the coming weeks", "PXW", "DURATION")]),
    ],
)
def test_dates_normalises_expressions(nlp: Language, text: str, expected: list[tuple[str, str, str]]) -> None:
    assert found(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Officials may resign over the affair.",  # the modal verb, not the month
        "A 25-year-old man was detained.",  # an age
        "Some 2000 protesters marched to the ministry.",  # a count
        "Jan Novak chaired the session.",  # a first name
        "She entered politics in her 60s.",  # an age again
        "Shares fall when rates rise.",  # the verb, not the season
        "The party won a quarter of the seats.",  # a fraction
        "He made a second attempt.",  # an ordinal
        "The score was 3:07 at the break.",  # no clock without a cue
        "",
    ],
)
def test_dates_negative_cases_yield_nothing(nlp: Language, text: str) -> None:
    assert found(nlp, text) == []


@pytest.mark.parametrize(
    ("article", "expected"),
    [
        (
            Article(id="a", text="KYIV, March 3, 2024 (Wire) - Sirens sounded across the city."),
            ("2024-03-03", "dateline"),
        ),
        (
            Article(id="b", text="Sirens sounded.", url="https://news.example/world/2023/11/05/sirens"),
            ("2023-11-05", "url"),
        ),
        (
            Article(id="c", text="Sirens sounded on Sunday.", captions=(Caption("Residents shelter on May 4, 2025."),)),
            ("2025-05-04", "caption"),
        ),
        (
            Article(id="d", text="Sirens sounded. The accord of June 2, 2019 and the law of 1 May 2021 stand."),
            ("2021-05-01", "text"),
        ),
        (Article(id="e", text="Sirens sounded on Sunday."), None),
    ],
)
def test_dates_infer_published(article: Article, expected: tuple[str, str] | None) -> None:
    assert infer_published(article) == expected


def test_dates_stage_uses_inferred_anchor(nlp: Language) -> None:
    article = Article(
        id="x",
        text="The movement's leader insisted Sunday that it would keep its weapons.",
        captions=(Caption("Supporters wave flags in the southern suburbs on July 6, 2025."),),
    )
    doc = next(Pipeline(stages=["entities", "dates"], nlp=nlp).annotate([article]))
    assert [(d.text, d.value, d.precision) for d in doc.dates] == [("Sunday", "2025-07-06", "day")]


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("2025-07-09", "2025-07-06"),
        ("2025-07-09T08:30:00+02:00", "2025-07-06"),
        ("Wed, 09 Jul 2025 08:30:00 GMT", "2025-07-06"),  # as RSS feeds write it
        ("not a date", "XXXX-XX-XX"),  # unreadable, and nothing in the article to infer from: a day, unknown
    ],
)
def test_dates_stage_anchors_on_published(nlp: Language, published: str, expected: str) -> None:
    article = Article(id="z", text="The council voted Sunday to extend the curfew.", published=published)
    doc = next(Pipeline(stages=["entities", "dates"], nlp=nlp).annotate([article]))
    assert [(d.text, d.value) for d in doc.dates] == [("Sunday", expected)]


def test_dates_stage_without_anchor_keeps_only_what_is_known(nlp: Language) -> None:
    article = Article(id="y", text="Talks resumed Sunday, a year after the accord of March 2024. Polls open on "
                      "November 3 and results come next month.")
    doc = next(Pipeline(stages=["entities", "dates"], nlp=nlp).annotate([article]))
    values = {d.text: d.value for d in doc.dates}
    assert values["March 2024"] == "2024-03"
    assert values["a year"] == "P1Y"
    # What depended on the anchor stays unknown, in TimeML's form: the day and month of "November 3" are known.
    assert values["Sunday"] == "XXXX-XX-XX"
    assert values["November 3"] == "XXXX-11-03"
    assert values["next month"] == "XXXX-XX"


@pytest.mark.parametrize(
    ("one", "two", "expected"),
    [
        ("1901-12-24", "1957-12-24", "XXXX-12-24"),
        ("1901-W12", "1957-W41", "XXXX-WXX"),
        ("2024-03", "2024-03", "2024-03"),
        ("1901-Q1", "1957-Q4", "XXXX-QX"),
        ("1901-03-14T15:00", "1957-10-02T15:00", "XXXX-XX-XXT15:00"),
        # Values of different shapes share nothing: no value.
        ("1901-03", "P3M", None),
        ("1901-W12", "1957-W41-WE", None),
        (None, "1957-W41", None),
    ],
)
def test_dates_unanchored_masks_what_differs(one: str | None, two: str | None, expected: str | None) -> None:
    from eventwire.annotate.dates import _unanchored

    assert _unanchored(one, two) == expected


TML = """<?xml version="1.0" ?>
<TimeML><DOCID>t1</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2026-11-28" functionInDocument="CREATION_TIME">x</TIMEX3></DCT>
<TEXT>Rebels withdrew <TIMEX3 tid="t1" type="DATE" value="2026-11-27">Friday</TIMEX3> after
<TIMEX3 tid="t2" type="DURATION" value="P3D">three days</TIMEX3> of talks.</TEXT></TimeML>
"""

CAT = """<?xml version="1.0" ?><Document doc_id="1" doc_name="c1">
<token number="0" sentence="0" t_id="1">Talks</token><token number="1" sentence="0" t_id="2">end</token>
<token number="0" sentence="1" t_id="3">November</token><token number="1" sentence="1" t_id="4">28</token>
<token number="2" sentence="1" t_id="5">,</token><token number="3" sentence="1" t_id="6">2026</token>
<token number="0" sentence="2" t_id="7">Talks</token><token number="1" sentence="2" t_id="8">ended</token>
<token number="2" sentence="2" t_id="9">yesterday</token><token number="3" sentence="2" t_id="10">.</token>
<Markables>
<TIMEX3 m_id="1" type="DATE" value="2026-11-28" functionInDocument="CREATION_TIME"><token_anchor t_id="3"/>
<token_anchor t_id="4"/><token_anchor t_id="5"/><token_anchor t_id="6"/></TIMEX3>
<TIMEX3 m_id="2" type="DATE" value="2026-11-27" functionInDocument="NONE"><token_anchor t_id="9"/></TIMEX3>
<TIMEX3 m_id="3" type="DATE" value="2026" functionInDocument="NONE"/>
</Markables></Document>
"""


def test_dates_eval_reads_both_gold_formats(tmp_path: Path) -> None:
    (tmp_path / "a.tml").write_text(TML, encoding="utf-8")
    (tmp_path / "b.xml").write_text(CAT, encoding="utf-8")
    docs = list(read_gold(tmp_path))
    assert [(d.format, d.dct) for d in docs] == [("timeml", "2026-11-28"), ("meantime", "2026-11-28")]
    assert [(g.text, g.value) for g in docs[0].timexes] == [("Friday", "2026-11-27"), ("three days", "P3D")]
    assert docs[1].text == "Talks end\n\nNovember 28, 2026\n\nTalks ended yesterday."
    assert [(g.text, g.value) for g in docs[1].timexes] == [("yesterday", "2026-11-27")]
    preds = [
        [TimeRef("Friday", 16, 22, "2026-11-27"), TimeRef("days", 35, 39, "P4D", type="DURATION")],
        [TimeRef("November 28, 2026", 11, 28, "2026-11-28"), TimeRef("yesterday", 42, 51, "2026-11-27")],
    ]
    tallies, _ = score(docs, preds)
    metrics = tallies["all"].metrics()
    assert metrics["relaxed_f1"] == 1.0  # the creation time in the MEANTIME date line is not counted
    assert metrics["strict_f1"] == pytest.approx(2 / 3)
    assert metrics["value_f1"] == pytest.approx(2 / 3)


def test_dates_seed_sunday_agrees_with_caption(nlp: Language, shared: Path) -> None:
    raw = (shared / "seed.txt").read_text(encoding="utf-8")
    caption = next(line for line in raw.splitlines() if "(Photo by" in line)
    credit_at = caption.index("(Photo by")
    start = raw.index("\n", raw.rindex(caption)) + 1
    body = raw[start:].lstrip()
    article = Article(id="seed-2", text=body, captions=(Caption(caption[:credit_at].strip()),))
    assert infer_published(article) == ("2025-07-06", "caption")
    doc = next(Pipeline(stages=["entities", "dates"], nlp=nlp).annotate([article]))
    sundays = [d for d in doc.dates if d.text == "Sunday"]
    assert sundays and sundays[0].value == "2025-07-06"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Talks resumed Sunday.", "2026-11-22"),
        ("The minister spoke on Friday.", "2026-11-27"),
        ("Talks will resume Tuesday.", "2026-12-01"),
    ],
)
def test_dates_without_parse_reads_cue_words(text: str, expected: str) -> None:
    assert [r.value for r in extract_dates(text, ANCHOR)] == [expected]


@pytest.mark.parametrize(
    "text, expression, value",
    [
        ("Net rose in the third quarter, from $5 million in the year-ago quarter.", "the year-ago quarter", "2025-Q3"),
        ("Third-quarter sales rose. In the latest period, costs fell.", "the latest period", "2026-Q3"),
        ("Profit rose in the third quarter, from $2 million a year earlier.", "a year earlier", "2025-Q3"),
        ("Profit rose to $3 million from $2 million a year earlier.", "a year earlier", "2025"),
        ("In the 1988 third quarter, the company lost money.", "the 1988 third quarter", "1988-Q3"),
        # a quarter still running or ahead at publication is a forecast, not the quarter reported on
        (("Third-quarter profit fell. Analysts expect losses into the fourth quarter and through the second quarter "
          "of 2027. Sales fell from $9 million a year ago."), "a year ago", "2025-Q3"),
    ],
)
def test_dates_reported_quarter_reads_the_last_quarter_named(text: str, expression: str, value: str) -> None:
    refs = {r.text: r.value for r in extract_dates(text, date(2026, 11, 2))}
    assert refs.get(expression) == value, refs


@pytest.mark.parametrize("text", ["The latest period of calm ended.", "That quarter of the city is quiet."])
def test_dates_reported_quarter_needs_a_quarter_named(text: str) -> None:
    assert not [r for r in extract_dates(text, date(2026, 11, 2)) if "period" in r.text or "quarter" in r.text]


def _seed_articles(shared: Path) -> list[Article]:
    from eventwire.ingest import ReadOptions, read_inputs

    seed = shared / "seed.txt"
    if not seed.is_file():
        pytest.skip(f"seed articles not found at {seed}")
    return list(read_inputs([str(seed)], lambda err: None, ReadOptions()))


def test_dates_seed_as_read(nlp: Language, shared: Path) -> None:
    docs = list(Pipeline(stages=["entities", "dates"], nlp=nlp).annotate(_seed_articles(shared)))
    for doc in docs:
        dated = doc.article.published is not None
        for d in doc.dates:
            assert d.value is not None, d  # every expression has a value, known or in TimeML's unknown form
            if dated and d.type == "DATE":
                assert d.value[:1].isdigit(), d  # with a publication date, every date has its year
        if dated:
            # The publication date was inferred, and says from what.
            assert doc.article.published_from in {"dateline", "url", "caption", "text"}
    # An article that names no date with its year anywhere keeps month and day, and a week stays a week.
    undated = [d for doc in docs if doc.article.published is None for d in doc.dates]
    assert any(d.precision == "day" and d.value.startswith("XXXX-") and d.value[5:7].isdigit() for d in undated)
    assert any(d.precision == "week" and d.value == "XXXX-WXX" for d in undated)


@pytest.mark.parametrize("published", ["2021-11-10", "2022-01-15", "2021-12-30"])
def test_dates_seed_resolve_against_the_publication_date(nlp: Language, shared: Path, published: str) -> None:
    from dataclasses import replace

    anchor = date.fromisoformat(published)
    articles = [replace(a, published=published) for a in _seed_articles(shared)]
    for doc in Pipeline(stages=["entities", "dates"], nlp=nlp).annotate(articles):
        for d in doc.dates:
            assert d.value is not None, d
            if d.type == "DATE":
                assert d.value[:1].isdigit(), d  # every date has its year
            if d.precision == "week" and d.text.lower().startswith("next"):
                y, w, _ = (anchor + timedelta(days=7)).isocalendar()
                assert d.value == f"{y}-W{w:02d}"
            if d.precision == "day" and d.type == "DATE":
                # A scheduled or past day lies within a year of the anchor, on the side its tense says.
                assert abs((date.fromisoformat(d.value[:10]) - anchor).days) <= 366


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The leader reiterated Sunday the group's refusal.", "2025-07-06"),  # past verb: the Sunday gone
        ("The leader will speak Sunday about the refusal.", "2025-07-13"),  # future: the Sunday ahead
        ("Elections are scheduled for December 24.", "2025-12-24"),
        ("The elections held on June 24 were disputed.", "2025-06-24"),
        ("The elections on June 24 will be disputed.", "2026-06-24"),
        # an infinitive takes its time from the verb it hangs on (purpose clause, bare infinitive)
        ("The town held a parade to mark its entry into the league on Friday.", "2025-07-04"),
        ("The general let the offensive begin Saturday night.", "2025-07-05TNI"),
        ("The union plans to strike on Friday.", "2025-07-11"),
    ],
)
def test_dates_tense_of_governing_verb_decides_the_side(nlp: Language, text: str, expected: str) -> None:
    refs = list(extract_dates(text, date(2025, 7, 9), nlp(text)))
    assert [r.value for r in refs] == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Output fell in nineteen ninety-one, the minister said.", [("nineteen ninety-one", "1991")]),
        ("Exports in January nineteen ninety-seven were flat.", [("January nineteen ninety-seven", "1997-01")]),
        ("The dam should be finished by the year two thousand.", [("the year two thousand", "2000")]),
        ("The treaty was signed in two thousand and five.", [("two thousand and five", "2005")]),
        ("The strike of nineteen oh five is remembered here.", [("nineteen oh five", "1905")]),
        # Counts and clock times stay what they are.
        ("Two thousand people marched to the square.", []),
        ("Two thousand and five votes were cast.", []),
        ("The ministers met at eleven fifteen.", []),
    ],
)
def test_dates_years_written_in_words(text: str, expected: list[tuple[str, str]]) -> None:
    found = [(r.text, r.value) for r in extract_dates(text, date(2006, 3, 1))]
    assert found == expected
