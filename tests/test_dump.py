"""Tests for the raw-dump splitter: the real seed scrape, our own fixture dumps, and generated dumps.

The fixtures under tests/fixtures/dumps are invented text; each NAME.txt has its expected result in NAME.json.
The property tests (test_dump_properties.py) run derandomized, with the example counts set here; benchmarks/fuzz.py
runs them, and the reader fuzz suite, on fresh random seeds with many more examples to find new cases.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from eventwire.ingest.dump import DumpArticle, split_dump
from eventwire.records import Caption

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures" / "dumps"
SHARED = Path(os.environ.get("EVENTWIRE_SHARED", Path(__file__).resolve().parents[2] / "shared"))
FIXTURE_NAMES = sorted(p.stem for p in FIXTURES.glob("*.txt"))
# benchmarks/fuzz.py sets these: more examples, and random seeds instead of the fixed one.
_SCALE = int(os.environ.get("EVENTWIRE_FUZZ_EXAMPLES", "150")) / 150
_DERANDOMIZE = os.environ.get("EVENTWIRE_FUZZ_RANDOM") != "1"


def _examples(n: int) -> int:
    return max(1, round(n * _SCALE))


def _flat(articles: list[DumpArticle]) -> list[str]:
    return [p for a in articles for p in a.paragraphs]


# --- the real scrape the product was asked for ---------------------------------------------------------------


def test_dump_seed_gives_two_clean_articles() -> None:
    seed = SHARED / "seed.txt"
    if not seed.is_file():
        pytest.skip(f"seed scrape not found at {seed} (set EVENTWIRE_SHARED)")
    articles = split_dump(seed.read_text(encoding="utf-8"))
    assert [a.title for a in articles] == [
        "US Pushes for Withdrawal of Foreign Forces from Libya before Elections",
        "Hezbollah Says Refuses to Disarm Until Israel Withdraws from South Lebanon",
    ]
    assert [len(a.captions) for a in articles] == [1, 1]
    assert [a.captions[0].credit for a in articles] == ["Getty Images", "Photo by ANWAR AMRO / AFP"]
    assert articles[0].captions[0].text.endswith("the Libyan capital, Tripoli")
    assert articles[0].paragraphs[0].startswith("The US has renewed")
    assert articles[0].paragraphs[-1].endswith("the city’s problems.")
    assert articles[1].paragraphs[0].startswith("Hezbollah leader Naim Qassem")
    assert articles[1].paragraphs[-1].endswith("rest of southern Lebanon.")
    for para in _flat(articles):
        assert para not in {"TT", "20"}
        assert "(Getty Images)" not in para and "AFP)" not in para
        assert not para.startswith(("US Pushes", "Hezbollah Says"))


# --- our own fixture dumps --------------------------------------------------------------------------------------


def test_dump_fixture_set_is_varied_enough() -> None:
    assert len(FIXTURE_NAMES) >= 8
    raw = [(FIXTURES / f"{n}.txt").read_bytes() for n in FIXTURE_NAMES]
    assert any(b"\r\n" in r for r in raw) and any(r.startswith(b"\xef\xbb\xbf") for r in raw)


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_dump_fixture_matches_expected(name: str) -> None:
    text = (FIXTURES / f"{name}.txt").read_bytes().decode("utf-8")
    expected = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    got = split_dump(text)
    assert len(got) == len(expected), [a.title for a in got]
    for article, want in zip(got, expected):
        assert article.title == want["title"]
        assert article.captions == tuple(Caption(c["text"], c["credit"]) for c in want["captions"])
        assert len(article.paragraphs) == want["paragraphs"], article.paragraphs
        assert article.paragraphs[0] == want["first"]
        assert article.paragraphs[-1] == want["last"]
        assert article.published == want["published"]


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_dump_fixture_paragraphs_are_verbatim_lines(name: str) -> None:
    text = (FIXTURES / f"{name}.txt").read_bytes().decode("utf-8").lstrip("\ufeff")
    lines = {line.strip() for line in text.splitlines()}
    for para in _flat(split_dump(text)):
        assert para in lines


# --- small cases, positive and negative ------------------------------------------------------------------------

BODY = [
    "Envoys from both governments met in Geneva on Monday to discuss a prisoner exchange.",
    "The foreign minister said the talks had been “frank and useful”.",
    "Officials declined to say when the next meeting would take place.",
]


@pytest.mark.parametrize(
    "text", ["", "   ", "\n\n\n", "\ufeff", "\ufeff\r\n\r\n", "TT\n20\n", "Share\nAdvertisement\n"]
)
def test_dump_nothing_to_find_gives_no_article(text: str) -> None:
    assert split_dump(text) == []


@pytest.mark.parametrize(
    "furniture",
    [
        "TT",
        "20",
        "1,204",
        "Share",
        "Advertisement",
        "Read more",
        "Share this article",
        "Facebook Twitter WhatsApp Email",
        "3 min read",
        "Listen to this article",
        "Comments (12)",
        "2.4K shares",
        "By Lena Hartmann",
        "Updated 4 hours ago",
        "Published: 12 May 2026, 08:30 GMT",
        "Home › World › Middle East",
        "Read more: Envoys to meet again after the holiday",
        "© 2026 Example News. All rights reserved.",
        "Story continues below advertisement",
        "Middle East",
    ],
)
def test_dump_furniture_is_dropped(furniture: str) -> None:
    text = "Envoys Meet in Geneva Over Prisoner Exchange\n\n" + "\n\n".join([BODY[0], furniture, *BODY[1:]])
    (article,) = split_dump(text)
    assert article.title == "Envoys Meet in Geneva Over Prisoner Exchange"
    assert article.paragraphs == tuple(BODY)


@pytest.mark.parametrize(
    "body_line",
    [
        "Nobody believes it.",
        "“Never,” he said.",
        "The mission is known by its acronym (UNSMIL).",
        "By Tuesday evening, the convoy had reached the border.",
        "The ministers agreed to meet again on May 3, 2026.",
        "Reporting by Lena Hartmann; editing by Tom Ashe",
        "Read the statement in full, the spokesman urged reporters.",
        "Talks resumed on Tuesday under heavy security",
        "12,408.",  # a figure ending a sentence (an attendance); "1,204" without the full stop is a counter
        "(figures in brackets)",  # an aside opening in lower case, like a broken piece of a sentence
    ],
)
def test_dump_body_lines_that_look_odd_are_kept(body_line: str) -> None:
    paras = [BODY[0], body_line, *BODY[1:]]
    text = "Envoys Meet in Geneva Over Prisoner Exchange\n\n" + "\n\n".join(paras) + "\n"
    (article,) = split_dump(text)
    assert article.paragraphs == tuple(paras)
    assert article.captions == ()


_LONG = [
    "The harbour board said on Tuesday that the new berths would open to container ships from the spring of next year.",
    "Shipping firms that use the port have been asked to give their views on the fees before the end of the month.",
]


@pytest.mark.parametrize("short", ["Harbour Lights", "SEASON TICKETS", "Rotterdam", "Q Nakamura"])
def test_dump_short_line_between_long_paragraphs_is_body(short: str) -> None:
    # A subhead, a name or a figure between two paragraphs, set apart like them, and with prose too long for a
    # headline below it, is body text.
    paras = [BODY[0], short, *_LONG]
    (article,) = split_dump("Envoys Meet in Geneva Over Prisoner Exchange\n\n" + "\n\n".join(paras) + "\n")
    assert article.paragraphs == tuple(paras)


def test_dump_short_label_over_a_short_sentence_stays_a_kicker() -> None:
    # Lines one newline apart: the label might stand over a headline ending in a full stop, so it stays a label.
    text = "Envoys Meet in Geneva Over Prisoner Exchange\n" + "\n".join([*BODY, "HARBOUR", "Ferry strike ends."])
    text += "\nBy Ines Varga\n" + "\n".join(_LONG) + "\n"
    first, second = split_dump(text)
    assert first.paragraphs == tuple(BODY)
    assert (second.title, second.paragraphs) == ("Ferry strike ends.", tuple(_LONG))


@pytest.mark.parametrize(
    ("line", "caption"),
    [
        (
            "Troops guard the port of Hodeidah (Getty Images)",
            Caption("Troops guard the port of Hodeidah", "Getty Images"),
        ),
        (
            "Troops guard the port of Hodeidah on May 2. (Photo by Sami Hadd / AFP)",
            Caption("Troops guard the port of Hodeidah on May 2.", "Photo by Sami Hadd / AFP"),
        ),
        ("Troops guard the port of Hodeidah [Reuters]", Caption("Troops guard the port of Hodeidah", "Reuters")),
        (
            "Troops guard the port of Hodeidah. Photograph: Sami Hadd/AP",
            Caption("Troops guard the port of Hodeidah.", "Photograph: Sami Hadd/AP"),
        ),
        (
            "Troops guard the port of Hodeidah | Photo credit: EPA",
            Caption("Troops guard the port of Hodeidah", "Photo credit: EPA"),
        ),
        ("Troops guard the port of Hodeidah (Sami Hadd)", Caption("Troops guard the port of Hodeidah", "Sami Hadd")),
    ],
)
def test_dump_caption_credit_styles(line: str, caption: Caption) -> None:
    text = f"Yemen Truce Holds Around Hodeidah\n\n{line}\n{line}\n\n" + "\n\n".join(BODY)
    (article,) = split_dump(text)
    assert article.captions == (caption,)
    assert article.paragraphs == tuple(BODY)


@pytest.mark.parametrize(
    ("stamp", "iso"),
    [
        ("Published: 12 May 2026, 08:30 GMT", "2026-05-12"),
        ("May 12, 2026", "2026-05-12"),
        ("Tue 12 May 2026 08.30 BST", "2026-05-12"),
        ("2026-05-12T08:30:00Z", "2026-05-12"),
        ("Beirut, 12 May 2026", "2026-05-12"),
        ("Updated 4 hours ago", None),
        ("Sunday, 6 July, 2025 - 13:45 - Beirut", "2025-07-06"),
        ("13/05/2026", "2026-05-13"),
        ("05/06/2026", None),
    ],
)
def test_dump_publication_line_becomes_published(stamp: str, iso: str | None) -> None:
    text = f"Envoys Meet in Geneva Over Prisoner Exchange\n{stamp}\n\n" + "\n\n".join(BODY)
    (article,) = split_dump(text)
    assert article.published == iso
    assert article.published_from == ("timestamp" if iso else None)
    assert article.paragraphs == tuple(BODY)


@pytest.mark.parametrize(
    "first",
    [
        "The ministers will meet again on May 12, 2026, officials said.",
        "GENEVA - Envoys met again on Monday.",
    ],
)
def test_dump_dates_inside_prose_are_not_a_publication_date(first: str) -> None:
    (article,) = split_dump("Envoys Meet in Geneva\n\n" + "\n\n".join([first, *BODY]))
    assert article.published is None
    assert article.paragraphs[0] == first


def test_dump_date_line_above_the_headline_counts() -> None:
    text = "Tuesday 12 May 2026\nEnvoys Meet in Geneva Over Prisoner Exchange\n\n" + "\n\n".join(BODY)
    (article,) = split_dump(text)
    assert (article.title, article.published) == ("Envoys Meet in Geneva Over Prisoner Exchange", "2026-05-12")


def test_dump_wire_dateline_gives_published() -> None:
    first = "GENEVA, May 11, 2026 (Example Wire) - Envoys met again on Monday."
    (article,) = split_dump("Envoys Meet in Geneva\n\n" + "\n\n".join([first, *BODY]))
    assert (article.published, article.published_from) == ("2026-05-11", "dateline")


@pytest.mark.parametrize(
    "transform",
    [
        lambda t: t.replace("\n", "\r\n"),
        lambda t: "\ufeff" + t,
        lambda t: "\n".join("\t" + line + "  \t" for line in t.split("\n")),
        lambda t: t.replace("\n\n", "\n"),
        lambda t: t.replace("\n\n", "\n\n\n"),
        lambda t: t.replace("\n", "\r"),
    ],
    ids=["crlf", "bom", "tabs-and-trailing-space", "single-newlines", "double-blank-lines", "old-mac"],
)
def test_dump_layout_does_not_change_the_result(transform) -> None:  # type: ignore[no-untyped-def]
    title = "Envoys Meet in Geneva Over Prisoner Exchange"
    cap = "Delegates arrive at the Palais des Nations (Reuters)"
    text = f"{title}\n\n{cap}\n{cap}\nTT\n20\n\n{title}\n\n{cap}\n{cap}\n\n" + "\n\n".join(BODY) + "\n"
    (article,) = split_dump(transform(text))
    assert article.title == title
    assert article.captions == (Caption("Delegates arrive at the Palais des Nations", "Reuters"),)
    assert article.paragraphs == tuple(BODY)


@pytest.mark.parametrize(
    ("one", "between", "two"),
    [
        # a headline printed once, set apart by a wider gap than the paragraphs'
        ("Kenya Hosts Talks on South Sudan Peace Deal", "\n\n\n", "Norway Pledges Aid for Flood Victims in Pakistan"),
        ("Kenya hosts talks on South Sudan peace deal", "\n\n* * *\n\n-----\n\n",
         "Norway pledges aid for flood victims in Pakistan"),
        # "* * *" between two stories set no wider apart than paragraphs: the rule alone parts them, so a headline
        # ending in a full stop opens the second.
        ("Kenya hosts talks on South Sudan peace deal", "\n\n* * *\n\n", "Norway pledges flood aid."),
    ],
    ids=["headline printed once", "rule lines", "spaced rule"],
)
def test_dump_two_stories_part_at_a_gap_or_rule(one: str, between: str, two: str) -> None:
    text = f"{one}\n\n" + "\n\n".join(BODY[:2]) + f"{between}{two}\n\n" + "\n\n".join(BODY[2:]) + "\n"
    got = split_dump(text)
    assert [a.title for a in got] == [one, two]
    assert _flat(got) == BODY


def test_dump_related_links_are_not_articles() -> None:
    text = (
        "Kenya Hosts Talks on South Sudan Peace Deal\n\n"
        + "\n\n".join(BODY)
        + "\n\nRelated\n\nSouth Sudan Opposition Rejects Cabinet Reshuffle\n\nUganda Sends Troops to Border Town\n"
    )
    got = split_dump(text)
    assert len(got) == 1
    assert got[0].paragraphs == tuple(BODY)


def test_dump_paragraph_gap_is_read_when_every_paragraph_has_a_widget_above() -> None:
    # No two paragraphs stand next to each other, so the gap is read above the prose: two blank lines here, and a
    # paywall label set two lines apart is no story of its own.
    text = "Envoys Meet in Geneva Over Prisoner Exchange\n\n\n" + "\n\n\n".join(
        [BODY[0], "Share\nTweet", BODY[1], "Unlock every story\nSubscribe", BODY[2]]
    )
    (article,) = split_dump(text)
    assert article.paragraphs == tuple(BODY)


def test_dump_question_in_a_related_list_is_an_item_not_prose() -> None:
    text = (
        "Envoys Meet in Geneva Over Prisoner Exchange\n\n" + "\n\n".join(BODY)
        + "\n\nMost read\nFerry Crews Vote on New Contract\nWill the Coast Road Reopen in Time?\n"
    )
    (article,) = split_dump(text)
    assert article.paragraphs == tuple(BODY)


def test_dump_prose_past_a_rule_belongs_to_the_next_story() -> None:
    # The last item of a list is not a headline for the prose under the rule: that prose is the next story's.
    text = (
        "Envoys Meet in Geneva Over Prisoner Exchange\n\n" + "\n\n".join(BODY)
        + "\n\nMost read\nFerry Crews Vote on New Contract\nHarbour Pilots Win Pay Rise\n\n-----\n\n"
        + "Profile: Ines Varga\n\nInes Varga has run the harbour office for eleven years and retires in May.\n"
    )
    first, second = split_dump(text)
    assert (first.title, first.paragraphs) == ("Envoys Meet in Geneva Over Prisoner Exchange", tuple(BODY))
    assert second.title == "Profile: Ines Varga"


def test_dump_line_over_a_related_list_heads_no_article() -> None:
    # What follows "Related" is the list's, not the body of the line above it.
    paras = [*BODY, "Referee Kofi Mensah (Ghana)"]
    text = (
        "Envoys Meet in Geneva Over Prisoner Exchange\n\n" + "\n\n".join(paras)
        + "\n\nLike 12\nRelated\n- Ferry crews vote on new contract\n- Harbour pilots win pay rise\n"
    )
    (article,) = split_dump(text)
    assert article.paragraphs == tuple(paras)


def test_dump_headline_below_keeps_its_wide_gap() -> None:
    # The line under the furniture is set apart by two blank lines and has a byline: it is the headline, and the
    # Title Case line above it the last of the prose.
    paras = [*BODY, "Referee Kofi Mensah (Ghana)"]
    text = (
        "Envoys Meet in Geneva Over Prisoner Exchange\n\n" + "\n\n".join(paras)
        + "\n\nShare\n\n\nWATCH\nHarbour fees rise again.\n\nBy Ines Varga\n\n"
        + "The port authority raised its berth fees for the second time this year on Monday.\n"
    )
    first, second = split_dump(text)
    assert first.paragraphs == tuple(paras)
    assert second.title == "Harbour fees rise again."


@pytest.mark.parametrize(
    ("before", "title"),
    [
        # A kicker printed once, then the reprinted headline: the headline wins.
        ("World News Middle East Edition\nEnvoys Meet in Geneva\n\nEnvoys Meet in Geneva\n", "Envoys Meet in Geneva"),
        # A headline printed once, then a caption printed twice without credit: the headline stays.
        (
            (
                "Envoys Meet in Geneva Over Prisoner Exchange\n\nDelegates arrive at the palace gates\n"
                "Delegates arrive at the palace gates\n"
            ),
            "Envoys Meet in Geneva Over Prisoner Exchange",
        ),
    ],
)
def test_dump_reprinted_line_after_a_once_printed_title(before: str, title: str) -> None:
    (article,) = split_dump(before + "\n" + "\n\n".join(BODY))
    assert article.title == title
    assert article.paragraphs == tuple(BODY)


@pytest.mark.parametrize(
    "extra", ["(Photo by Sami Hadd / AFP)", "[Getty Images]", "#Geneva #Talks #Prisoners #Exchange"]
)
def test_dump_stray_credit_and_hashtag_lines_are_furniture(extra: str) -> None:
    text = "Envoys Meet in Geneva Over Prisoner Exchange\n\n" + "\n\n".join([BODY[0], extra, *BODY[1:]])
    (article,) = split_dump(text)
    assert article.paragraphs == tuple(BODY)


@pytest.mark.parametrize(
    "line", ["Credit: PA Media", "PA MEDIA PHOTO", "Pictures: Getty Images", "Enlarge this image", "Next image"]
)
def test_dump_labelled_credits_and_image_buttons_are_ui(line: str) -> None:
    # Catalogued furniture whatever stands around it: agency names of more than one word and a "Credit:" label
    # count as credit words, "image" as a button word.
    from eventwire.ingest.dump_furniture import is_ui

    assert is_ui(line)


@pytest.mark.parametrize("credit", ["REUTERS PHOTO", "AFP/Getty Images", "Getty Images"])
def test_dump_unbracketed_credit_set_apart_opens_no_article(credit: str) -> None:
    # Set apart by a blank line in a body without them, with prose under it: only its words say it is a credit.
    text = "Envoys Meet in Geneva Over Prisoner Exchange\n" + BODY[0] + "\n\n" + credit + "\n" + "\n".join(BODY[1:])
    (article,) = split_dump(text)
    assert article.paragraphs == tuple(BODY)


SAMPLES = sorted((HERE.parent / "samples").glob("*.txt"))


def test_dump_samples_hold_eight_to_twelve_articles() -> None:
    assert 4 <= len(SAMPLES) <= 5
    assert 8 <= sum(len(split_dump(p.read_text(encoding="utf-8"))) for p in SAMPLES) <= 12


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_dump_samples_split_cleanly(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    articles = split_dump(text)
    assert 1 <= len(articles) <= 3
    for article in articles:
        assert article.title and article.title in text
        assert len(article.captions) == 1 and article.captions[0].credit
        assert len(article.paragraphs) >= 5
        assert all(p.endswith((".", "”")) for p in article.paragraphs), article.paragraphs
        assert text.count(article.paragraphs[0]) == 1


@pytest.mark.parametrize("title", ["Kenya Votes on 12 May 2026", "Talks Set for March 3 in Geneva"])
def test_dump_headline_with_a_date_stays_a_title(title: str) -> None:
    (article,) = split_dump(f"{title}\n\n" + "\n\n".join(BODY))
    assert article.title == title
    assert article.published is None
    assert article.paragraphs == tuple(BODY)


@pytest.mark.parametrize("note", ["(Fri)", "(Sat 1400 GMT)"])
def test_dump_reprinted_headline_with_a_day_in_brackets_is_no_caption(note: str) -> None:
    # A bracket closing a reprinted line is a credit only if it is no day or time: "(Fri)" dates a fixture.
    title = f"Harbour Town v Lakeside Rovers {note}"
    (article,) = split_dump(f"{title}\nShare\n\n{title}\n\n" + "\n\n".join(BODY))
    assert (article.title, article.captions) == (title, ())
    assert article.paragraphs == tuple(BODY)


def test_dump_image_labels_never_head_an_article() -> None:
    text = "Image source, Example Photo Agency\nImage caption, Envoys arrive at the palace\n\n" + "\n\n".join(BODY)
    (article,) = split_dump(text)
    assert article.title is None
    assert article.captions == (Caption("Envoys arrive at the palace", "Example Photo Agency"),)
    assert article.paragraphs == tuple(BODY)


def test_dump_headline_reprinted_with_the_outlet_name() -> None:
    title = "Envoys Meet in Geneva Over Prisoner Exchange"
    (article,) = split_dump(f"{title}\nShare\n\n{title} | The Example Herald\n\n" + "\n\n".join(BODY))
    assert article.title == title
    assert article.paragraphs == tuple(BODY)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (" - Visas for seasonal workers would be cut by half", False),
        ("• Three ministers resign over the budget", False),
        ("Who pays for the new bridge? Nobody in the cabinet will say!", False),
        ("U.S. Envoy Meets Rebel Leaders in Doha", True),
        ("Gen. Haftar Flies to Moscow for Talks", True),
    ],
)
def test_dump_headline_shape_rejects_list_items_and_two_sentences(line: str, expected: bool) -> None:
    from eventwire.ingest.dump_lines import headline_like as _headline_like

    assert _headline_like(line) is expected


def test_dump_bulleted_list_after_a_wide_gap_stays_in_the_article() -> None:
    from eventwire.ingest.dump import split_dump

    text = (
        "Harbour Tax Plan Unveiled\n\n"
        "The port authority set out its plan for new berth fees on Monday.\n\n"
        "Officials said the money would pay for dredging the outer channel.\n\n\n"
        " - A flat fee for every container ship longer than 200 metres \n"
        " - Lower charges for ferries that run on electric power \n\n"
        "The fees start in the spring, the authority said.\n"
    )
    (article,) = split_dump(text)
    assert article.title == "Harbour Tax Plan Unveiled"
    assert len(article.paragraphs) == 5
    assert article.paragraphs[-1] == "The fees start in the spring, the authority said."


def test_dump_numbered_ranking_is_body_not_headlines() -> None:
    from eventwire.ingest.dump import split_dump

    ranking = [f"{n} {name} ({club})" for n, (name, club) in enumerate([
        ("Maren Kvale Ostby", "Tromso"), ("Ilse de Vries Hoekstra", "Zwolle"), ("Odile Marchetti Brun", "Lyon"),
        ("Kasia Nowak Zielinska", "Gdansk"), ("Runa Tollefsen Aas", "Bergen"), ("Petra Lindqvist Ek", "Umea"),
    ], start=1)]
    text = (
        "Chess Federation Publishes Spring Ranking\n\n"
        "The federation published its spring ranking on Tuesday, with the champion still on top.\n\n"
        + "\n\nAdvertisement\n\n".join(["\n\n".join(ranking[:4]), "\n\n".join(ranking[4:])])
        + "\n\nThe next list appears in the autumn, the federation said.\n"
    )
    (article,) = split_dump(text)
    assert article.title == "Chess Federation Publishes Spring Ranking"
    assert list(article.paragraphs[1:-1]) == ranking


def test_dump_short_headline_with_a_byline_under_it_opens_an_article() -> None:
    from eventwire.ingest.dump import split_dump

    text = (
        "Harbour Fees Rise Again\n\n"
        "The port authority raised its berth fees for the second time this year on Monday.\n\n"
        "Shipping firms said the rise would be passed on to importers.\n\n"
        "Share\n\nTweet\n\n"
        "Ferry strike 'over'\n"
        "By Ines Varga | Coast Herald\n\n"
        "Ferry crews voted to end their strike after a week of talks with the operator.\n\n"
        "Sailings resume on Thursday, the union said.\n"
    )
    first, second = split_dump(text)
    assert first.title == "Harbour Fees Rise Again" and len(first.paragraphs) == 2
    assert second.title == "Ferry strike 'over'"
    assert second.paragraphs[0].startswith("Ferry crews voted")


def test_dump_headline_set_apart_after_a_related_list_opens_an_article() -> None:
    from eventwire.ingest.dump import split_dump

    # Paragraphs two blank lines apart, list items none: the line after the list is set apart like a paragraph.
    blocks = [
        "Harbour Fees Rise Again",
        "The port authority raised its berth fees for the second time this year on Monday.",
        "Shipping firms said the rise would be passed on to importers.",
        "Related\n1. Ferry crews vote on new contract\n2. Dredging of outer channel delayed\n3. Keepers honoured at last",
        "Will the coast road reopen in time?\nHome > Region > Transport",
        "Engineers working on the landslip that closed the coast road said repairs were ahead of schedule.",
        "The road is due to reopen before the summer season, the council said.",
    ]
    first, second = split_dump("\n\n\n".join(blocks))
    assert first.title == "Harbour Fees Rise Again"
    assert second.title == "Will the coast road reopen in time?"
    assert second.paragraphs[0].startswith("Engineers working")


@pytest.mark.parametrize(
    ("line", "byline"),
    [
        ("Lena Hartmann | Coast Herald", True),
        ("Coast Herald • Lena Hartmann", True),
        ("Ceasefire Holds? | The Harbour Courier", False),  # a headline reprinted with its outlet
        ("Stop the War! | Coast Herald", False),
    ],
)
def test_dump_bar_byline_names_hold_no_question_or_exclamation_mark(line: str, byline: bool) -> None:
    from eventwire.ingest.dump_furniture import bar_byline

    assert bar_byline(line) is byline
