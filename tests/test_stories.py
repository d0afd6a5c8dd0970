"""Stories: near-duplicates found at ingest (MinHash + LSH in the database), stories within a time window, and the
events of a story grouped with their mentions, sources and articles counted. Every text here is invented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from spacy.language import Language

from eventwire.cli import main
from eventwire.pipeline import Pipeline
from eventwire.records import Actor, Article, Document, Event, Mention, Span
from eventwire.run import ingest
from eventwire.store import open_store
from eventwire.stories import (
    StoryEventQuery,
    StoryQuery,
    exact_similarity,
    fingerprint,
    shingle_hashes,
    shingles,
    similarity,
)

FLOOD = [
    ("Rescue crews in the river town of Marlow Ferry spent the night pulling residents from flooded homes after the "
    "Kessel river broke its banks on Sunday evening."),
    ("The regional emergency office said at least forty families had been moved to a school gymnasium on higher "
    "ground. Volunteers handed out blankets and hot soup while engineers inspected a damaged footbridge."),
    ("Farmers on the plain below the town said their winter crops were under half a metre of brown water. One "
    "grower said he had lost every field he planted in October and did not expect the land to dry before spring."),
    ("The mayor, Ilse Brandvold, asked the national government for emergency funds and for army lorries to carry "
    "sandbags. She said the town's flood wall, built in the nineteen sixties, had never been raised."),
    ("Forecasters expect more rain on Tuesday. The weather service kept its red warning for the whole valley and "
    "told drivers to avoid the coast road, where two cars were swept into a ditch on Sunday."),
    ("Insurers said it was too early to put a figure on the damage. A spokesman for the largest of them said claims "
    "handlers would travel to the valley as soon as the roads reopened."),
]

OTHER_FLOOD = [
    ("Heavy rain flooded the lower streets of the port city of Ostrava Bay on Monday, closing the tram line and the "
    "fish market for the first time in a decade."),
    ("City officials said the storm drains could not cope with a month of rain falling in six hours. Shopkeepers "
    "swept water out of their doorways and stacked goods on upper shelves."),
    ("The harbour master ordered fishing boats to stay in port until the wind drops. Ferries to the islands were "
    "cancelled and about two hundred passengers spent the night in the terminal."),
    ("Forecasters expect the rain to ease by Wednesday. The weather service lowered its warning for the city to "
    "amber but said rivers further inland were still rising."),
    ("The city council will meet on Thursday to discuss new pumps for the old quarter, which has flooded three "
    "times in five years."),
]

TRADE = [
    ("Negotiators from two neighbouring countries resumed talks on a fishing treaty in the capital on Wednesday, "
    "a year after the last round collapsed over quotas for herring."),
    ("The lead negotiator said both sides had brought new maps of the disputed waters and that a deal on a joint "
    "patrol was within reach. Fishing crews on both coasts have waited for a settlement since the spring."),
    ("Trade ministers are due to join the talks on Friday if the officials agree a draft text. Diplomats said the "
    "hardest question was how to share the catch in years when stocks are low."),
    ("An industry group said its members had lost customers abroad while the boats stayed idle, and urged both "
    "governments to sign before the winter season begins."),
]


def body(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


def doc(article_id: str, text: str, *, title: str = "A report", published: str | None = "2026-03-02",
        source: str | None = "Wire", events: tuple[Event, ...] = (), entities: tuple[Mention, ...] = ()) -> Document:
    article = Article(id=article_id, text=text, title=title, published=published, source=source)
    return Document(article=article, events=events, entities=entities)


def consult(text: str, source: str = "AUT", target: str = "CHE", date: str | None = None, negated: bool = False
            ) -> Event:
    return Event(type="CONSULT", sentence=Span(0, 20, text[:20]), trigger=Span(0, 5, text[:5]), cameo="040",
                 quad_class=1, source=(Actor("Delegation", country=source),), target=(Actor("Envoys", country=target),),
                 date=date, negated=negated)


def store_docs(db: Path, docs: list[Document], dedup: bool = True) -> None:
    with open_store(db, dedup=dedup) as store:
        for _ in store.write(docs):
            pass


def duplicates(db: Path) -> dict[str, tuple[str, str]]:
    with open_store(db) as store:
        return {r[0]: (r[1], r[2]) for r in store.conn.execute("SELECT article_id, duplicate_of, kind FROM duplicates")}


# -- pure parts --------------------------------------------------------------------------------------------------


def test_stories_shingles_ignore_case_spacing_and_sentence_order() -> None:
    a = "The council met on Monday. Ministers left early!  Nobody spoke to reporters after the meeting."
    b = "nobody spoke to reporters after the meeting.\nThe  COUNCIL met on Monday. Ministers left early!"
    assert shingles(a) == shingles(b)
    assert shingles(a) != shingles("The council met on Tuesday. Ministers left early!")
    assert shingles("") == frozenset()
    assert list(shingle_hashes(a)) == sorted(shingles(a))


@pytest.mark.parametrize(
    ("other", "low", "high"),
    [
        (body(FLOOD), 1.0, 1.0),
        (body(FLOOD[:4]), 0.5, 0.85),  # trimmed: Jaccard falls, containment stays whole
        (body(OTHER_FLOOD), 0.0, 0.1),  # same topic, different report
        (body(TRADE), 0.0, 0.05),
    ],
)
def test_stories_signature_estimates_jaccard(other: str, low: float, high: float) -> None:
    estimate = similarity(fingerprint(body(FLOOD)), fingerprint(other))
    exact = exact_similarity(shingle_hashes(body(FLOOD)), shingle_hashes(other))
    assert low <= exact.jaccard <= high
    assert abs(estimate.jaccard - exact.jaccard) < 0.15


# -- near-duplicates ---------------------------------------------------------------------------------------------

FURNITURE_TOP = "2,431 shares\nShare this article\nBy Valley Post staff and agencies"
FURNITURE_BOTTOM = "Advertisement\nPhoto caption: Residents wade through water (Photo: K. Osei/Valley Post)\nRead more: Weather"

NEAR_COPIES = {
    "new headline": ("Town under water as Kessel bursts banks", body(FLOOD)),
    "trimmed": ("Flood", body(FLOOD[:3] + FLOOD[4:5])),
    "padded": ("Flood", body(FLOOD[:3] + [("Readers in the valley can send photographs of the flooding to the news "
                                            "desk by email, the paper said on its website on Monday morning.")] + FLOOD[3:])),
    "reordered": ("Flood", body([FLOOD[2], FLOOD[0], FLOOD[5], FLOOD[1], FLOOD[4], FLOOD[3]])),
    "furniture": ("Flood", "\n\n".join([FURNITURE_TOP, *FLOOD[:3], "Advertisement", *FLOOD[3:], FURNITURE_BOTTOM])),
}


@pytest.mark.parametrize("edit", sorted(NEAR_COPIES))
def test_stories_links_a_near_duplicate_to_the_article_it_copies(tmp_path: Path, edit: str) -> None:
    title, text = NEAR_COPIES[edit]
    db = tmp_path / "s.db"
    store_docs(db, [doc("orig", body(FLOOD)), doc("trade", body(TRADE)),
                    doc("copy", text, title=title, source="Valley Post")])
    # Same words in other paragraphs make the same shingle set: "exact" means that, not the same bytes.
    assert duplicates(db) == {"copy": ("orig", "exact" if edit in ("new headline", "reordered") else "near")}
    with open_store(db) as store:
        assert store.count("articles") == 3  # the copy's row is kept
        link = store.article_story("copy")
        assert link is not None and link["duplicate_of"] == "orig" and link["reason"] == "duplicate"
        assert link["story_id"] == store.article_story("orig")["story_id"]  # type: ignore[index]
        story = store.story(link["story_id"])
        assert story is not None and (story["num_articles"], story["num_duplicates"], story["num_sources"]) == (1, 1, 2)


def test_stories_link_a_copy_of_a_copy_to_the_first_report(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    store_docs(db, [doc("orig", body(FLOOD)), doc("copy1", body(FLOOD[:5])), doc("copy2", body(FLOOD[:4]))])
    found = duplicates(db)
    assert found["copy1"][0] == "orig" and found["copy2"][0] == "orig"


UNRELATED = {
    "same topic, other report": body(OTHER_FLOOD),
    "other topic": body(TRADE),
    # An update that reuses one background paragraph of the first report is a new report, not a copy.
    "update sharing one paragraph": body(OTHER_FLOOD[:3] + FLOOD[4:5] + OTHER_FLOOD[3:]),
    # A brief that quotes one sentence: too short to call a copy.
    "brief quoting a sentence": "Forecasters expect more rain on Tuesday.",
}


@pytest.mark.parametrize("case", sorted(UNRELATED))
def test_stories_do_not_link_unrelated_articles(tmp_path: Path, case: str) -> None:
    db = tmp_path / "s.db"
    store_docs(db, [doc("orig", body(FLOOD)), doc("other", UNRELATED[case])])
    assert duplicates(db) == {}
    with open_store(db) as store:
        assert store.article_story("other")["reason"] == "first"  # type: ignore[index]


def test_stories_bucket_lookup_is_one_indexed_search(tmp_path: Path) -> None:
    """The incremental promise: candidates come from a primary-key search, never a scan of the corpus."""
    with open_store(tmp_path / "s.db") as store:
        plan = store.conn.execute(
            "EXPLAIN QUERY PLAN SELECT DISTINCT article_id FROM lsh_buckets WHERE bucket IN (1, 2, 3) LIMIT 10"
        ).fetchall()
        assert any("USING PRIMARY KEY" in row[3] for row in plan)
        assert not any(row[3].startswith("SCAN") for row in plan)


def test_stories_dedup_off_writes_no_story_rows(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    store_docs(db, [doc("orig", body(FLOOD)), doc("copy", body(FLOOD), title="Other")], dedup=False)
    with open_store(db) as store:
        assert store.count("articles") == 2
        for table in ("article_fingerprints", "lsh_buckets", "duplicates", "stories", "story_events"):
            assert store.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0


# -- stories and grouped events ----------------------------------------------------------------------------------


def test_stories_group_one_event_told_by_several_articles(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    store_docs(db, [
        doc("a", body(TRADE), source="Wire", published="2026-03-02", events=(consult(body(TRADE)),)),
        # A different report of the same talks, a day later, from another outlet.
        doc("b", body(OTHER_FLOOD), source="Herald", published="2026-03-03",
            events=(consult("x" * 30, date="2026-03-02"),)),
        # A syndicated copy of the first: one more mention and source, not one more article.
        doc("c", body(TRADE[:3]), source="Gazette", published="2026-03-03",
            events=(consult(body(TRADE), date="2026-03-02"),)),
    ])
    with open_store(db) as store:
        story_ids = {store.article_story(x)["story_id"] for x in "abc"}  # type: ignore[index]
        assert len(story_ids) == 1
        assert store.article_story("b")["reason"] == "event"  # type: ignore[index]
        groups = list(store.story_events(StoryEventQuery(story_id=story_ids.pop())))
        assert len(groups) == 1
        g = groups[0]
        assert (g["type"], g["source_country"], g["target_country"], g["date"]) == ("CONSULT", "AUT", "CHE", "2026-03-02")
        assert (g["num_mentions"], g["num_articles"], g["num_sources"]) == (3, 2, 3)
        assert sorted(g["event_ids"]) == ["a-0", "b-0", "c-0"]


@pytest.mark.parametrize(
    ("second", "why"),
    [
        ({"published": "2026-03-12"}, "ten days later"),
        ({"target": "FRA"}, "another target country"),
        ({"negated": True}, "the talks did not happen"),
        ({"published": None}, "no date: the window cannot be checked"),
    ],
)
def test_stories_keep_apart_events_that_differ(tmp_path: Path, second: dict[str, object], why: str) -> None:
    published = second.get("published", "2026-03-03")
    event = consult("y" * 30, target=str(second.get("target", "CHE")), negated=bool(second.get("negated", False)))
    db = tmp_path / "s.db"
    store_docs(db, [
        doc("a", body(TRADE), published="2026-03-02", events=(consult(body(TRADE)),)),
        doc("b", body(OTHER_FLOOD), published=published, events=(event,)),  # type: ignore[arg-type]
    ])
    with open_store(db) as store:
        assert store.article_story("a")["story_id"] != store.article_story("b")["story_id"], why  # type: ignore[index]
        assert len(list(store.stories())) == 2


PEOPLE = (Mention("Ilse Brandvold", "PERSON", 0, 1), Mention("Kessel Water Board", "ORG", 0, 1),
          Mention("Valley Rescue Service", "ORG", 0, 1), Mention("Ilse Brandvold", "PERSON", 0, 1))


@pytest.mark.parametrize(
    ("entities", "together"),
    [
        (PEOPLE, True),
        (PEOPLE[:2], False),  # two shared names are not enough
        ((Mention("Marlow Ferry", "GPE", 0, 1), Mention("Kessel", "LOC", 0, 1), Mention("Europe", "LOC", 0, 1)),
         False),  # places alone are shared by unrelated reports of the same days
    ],
)
def test_stories_join_articles_sharing_named_participants(tmp_path: Path, entities: tuple[Mention, ...],
                                                          together: bool) -> None:
    db = tmp_path / "s.db"
    store_docs(db, [
        doc("a", body(FLOOD), published="2026-03-02", entities=entities),
        doc("b", body(OTHER_FLOOD), published="2026-03-04", entities=entities),
    ])
    with open_store(db) as store:
        a, b = store.article_story("a"), store.article_story("b")
        assert a is not None and b is not None
        assert (a["story_id"] == b["story_id"]) is together
        if together:
            assert b["reason"] == "entities" and b["via"] == "a"


def test_stories_read_methods_page_and_filter(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    store_docs(db, [
        doc(f"t{i}", f"Round {i}: " + body(TRADE if i % 2 else OTHER_FLOOD).replace("a", "a" * (i + 1)),
            published=f"2026-0{i + 1}-01", events=(consult("z" * 30, target="FRA" if i == 3 else "CHE"),))
        for i in range(4)
    ])
    with open_store(db) as store:
        listed = list(store.stories(StoryQuery(limit=2)))
        assert [s["id"] for s in listed] == [4, 3]
        assert set(listed[0]) >= {"id", "title", "first_published", "last_published", "num_articles",
                                  "num_duplicates", "num_sources", "num_events"}
        assert [s["id"] for s in store.stories(StoryQuery(before_id=3))] == [2, 1]
        assert [s["id"] for s in store.stories(StoryQuery(since="2026-03-01", until="2026-03-31"))] == [3]
        assert [g["target_country"] for g in store.story_events(StoryEventQuery(country="fra"))] == ["FRA"]
        assert list(store.story_events(StoryEventQuery(type="ASSAULT"))) == []
        assert store.story(99) is None and store.article_story("nope") is None
        full = store.story(1)
        assert full is not None and [a["id"] for a in full["articles"]] == ["t0"]
        json.dumps(full)


# -- through the ingest job and the CLI ---------------------------------------------------------------------------


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_stories_ingest_links_copies_with_the_real_pipeline(tmp_path: Path, nlp: Language) -> None:
    data = write_jsonl(tmp_path / "in.jsonl", [
        {"title": "Valley floods", "text": body(FLOOD), "published": "2026-03-02", "source": "Wire"},
        {"title": "Kessel bursts its banks", "text": body(FLOOD[:4]), "published": "2026-03-02", "source": "Post"},
        {"title": "Fishing talks", "text": body(TRADE), "published": "2026-03-02", "source": "Wire"},
    ])
    outcome = ingest([str(data)], tmp_path / "s.db", pipeline=Pipeline(stages=["entities"], nlp=nlp))
    assert outcome.stored == 3
    found = duplicates(tmp_path / "s.db")
    assert len(found) == 1
    with open_store(tmp_path / "s.db") as store:
        titles = {r["id"]: r["title"] for r in store.articles()}
        (copy, (original, _)), = found.items()
        assert (titles[copy], titles[original]) == ("Kessel bursts its banks", "Valley floods")


@pytest.mark.parametrize(("flags", "expected"), [([], 1), (["--no-dedup"], 0)])
def test_stories_cli_ingest_no_dedup_flag(tmp_path: Path, flags: list[str], expected: int) -> None:
    data = write_jsonl(tmp_path / "in.jsonl", [
        {"title": "Valley floods", "text": body(FLOOD)},
        {"title": "Floods in the valley", "text": body(FLOOD)},
    ])
    db = tmp_path / "s.db"
    result = CliRunner().invoke(main, ["ingest", str(data), "--db", str(db), "--stages", "entities", "-q", *flags])
    assert result.exit_code == 0, result.output
    assert len(duplicates(db)) == expected


@pytest.mark.parametrize(
    ("flags", "expected"),
    [([], [1]), (["--min-articles", "2"], []), (["--since", "2026-04-01"], [])],
)
def test_stories_cli_lists_stories(tmp_path: Path, flags: list[str], expected: list[int]) -> None:
    db = tmp_path / "s.db"
    store_docs(db, [doc("orig", body(FLOOD)), doc("copy", body(FLOOD[:5]), source="Post")])
    result = CliRunner().invoke(main, ["stories", "--db", str(db), "--json", *flags])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == expected
    if rows:
        assert (rows[0]["num_articles"], rows[0]["num_duplicates"], rows[0]["num_sources"]) == (1, 1, 2)


def test_stories_cli_refuses_a_bad_date(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    store_docs(db, [doc("orig", body(FLOOD))])
    result = CliRunner().invoke(main, ["stories", "--db", str(db), "--since", "March"])
    assert result.exit_code == 2
    assert "'March' is not a date (YYYY-MM-DD)" in result.output


STORY_TABLES = {
    "duplicates": "SELECT * FROM duplicates ORDER BY article_id",
    "story_articles": "SELECT * FROM story_articles ORDER BY article_id",
    "story_events": "SELECT story_id, key, type, source_country, target_country, place, date, flags, num_mentions, "
                    "num_sources, num_articles, first_event_id FROM story_events ORDER BY id",
    "story_event_members": "SELECT * FROM story_event_members ORDER BY event_id",
    "lsh_buckets": "SELECT * FROM lsh_buckets ORDER BY bucket, band, article_id",
}


def _story_rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with open_store(db) as store:
        return {name: [tuple(r) for r in store.conn.execute(sql)] for name, sql in STORY_TABLES.items()}


def test_stories_dedup_command_indexes_what_no_dedup_stored(tmp_path: Path) -> None:
    """`ingest --no-dedup` then `eventwire dedup` ends where `ingest` with dedup would have: same links, same
    stories, same grouped events; a second run has nothing left to do."""
    a, b, c = (doc("a", body(TRADE), source="Wire", events=(consult(body(TRADE)),)),
               doc("b", body(OTHER_FLOOD), source="Herald", published="2026-03-03",
                   events=(consult("x" * 30, date="2026-03-02"),)),
               doc("c", body(TRADE[:3]), source="Gazette", published="2026-03-03",
                   events=(consult(body(TRADE), date="2026-03-02"),)))
    store_docs(tmp_path / "on.db", [a, b, c])
    store_docs(tmp_path / "off.db", [a, b, c], dedup=False)
    assert _story_rows(tmp_path / "off.db")["story_articles"] == []
    result = CliRunner().invoke(main, ["dedup", "--db", str(tmp_path / "off.db")])
    assert result.exit_code == 0, result.output
    assert "indexed 3 articles" in result.stderr
    assert _story_rows(tmp_path / "off.db") == _story_rows(tmp_path / "on.db")
    again = CliRunner().invoke(main, ["dedup", "--db", str(tmp_path / "off.db")])
    assert "indexed 0 articles" in again.stderr


def test_stories_dedup_command_names_a_missing_database(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["dedup", "--db", str(tmp_path / "none.db")])
    assert result.exit_code != 0
    assert f"--db {tmp_path / 'none.db'}: no such database" in result.stderr
