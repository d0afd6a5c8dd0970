"""The quotes stage (direct and reported speech, cue, speaker) and its PolNeAR scorer, on invented sentences."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from eventwire.annotate import REGISTRY, load_builtin_stages
from eventwire.annotate.quotes import extract_quotes, find_quoted
from eventwire.errors import UsageError
from eventwire.evaluate.quotes import read_brat, score
from eventwire.records import Actor, Mention, Quote


def quotes_of(nlp: Language, text: str, actors: list[Actor] | None = None) -> list[Quote]:
    doc = nlp(text)
    entities = [Mention(e.text, e.label_, e.start_char, e.end_char) for e in doc.ents]
    return list(extract_quotes(doc, entities, actors))


def quotes_with_cue(nlp: Language, text: str, cue: str) -> list[Quote]:
    return [q for q in quotes_of(nlp, text) if q.cue == cue]


@pytest.mark.parametrize(
    ("text", "content", "cue", "speaker"),
    [
        (
            "“We will rebuild the bridge by spring,” Mayor Elena Varga said on Tuesday.",
            "We will rebuild the bridge by spring",
            "said",
            "Elena Varga",
        ),
        (
            "Asked about the strike, Elena Varga said: “The workers deserve better pay.”",
            "The workers deserve better pay.",
            "said",
            "Elena Varga",
        ),
        (
            '"Talks will resume next week," said Foreign Minister Piet Olsen.',
            "Talks will resume next week",
            "said",
            "Piet Olsen",
        ),
        (
            "“The harbour stays closed,” Captain Ivo Brandt told reporters.",
            "The harbour stays closed",
            "told",
            "Ivo Brandt",
        ),
        ("“Nobody will be left behind.” ― Senator Lena Moreau.", "Nobody will be left behind.", "―", "Lena Moreau"),
    ],
)
def test_quotes_direct_cue_and_speaker(nlp: Language, text: str, content: str, cue: str, speaker: str) -> None:
    (quote,) = [q for q in quotes_of(nlp, text) if q.kind == "direct"]
    assert quote.text == content == text[quote.start : quote.end]
    assert quote.cue == cue
    assert quote.speaker is not None and quote.speaker.name is not None and speaker in quote.speaker.name


def test_quotes_direct_pieces_share_cue_and_speaker(nlp: Language) -> None:
    text = "“The dam is safe,” engineer Karl Hoff said. “We checked it twice this week.”"
    direct = [q for q in quotes_of(nlp, text) if q.kind == "direct"]
    assert [q.text for q in direct] == ["The dam is safe", "We checked it twice this week."]
    assert len({q.cue_start for q in direct}) == 1
    assert all(q.speaker is not None and q.speaker.name == "Karl Hoff" for q in direct)


def test_quotes_direct_quote_broken_by_its_cue(nlp: Language) -> None:
    text = "“Every delay costs lives,” Dr. Nadia Perrin said, pointing at the map, “and the roads are still shut.”"
    direct = [q for q in quotes_of(nlp, text) if q.kind == "direct"]
    assert [q.text for q in direct] == ["Every delay costs lives", "and the roads are still shut."]
    assert all(q.speaker is not None and q.speaker.name == "Nadia Perrin" for q in direct)


def test_quotes_direct_quote_runs_over_paragraphs(nlp: Language) -> None:
    text = (
        "Governor Ana Silva spoke after the vote.\n\n"
        "“The budget protects schools and hospitals.\n\n"
        "“It also cuts waste,” Silva said."
    )
    direct = [q for q in quotes_of(nlp, text) if q.kind == "direct"]
    assert [q.text for q in direct] == ["The budget protects schools and hospitals.", "It also cuts waste"]
    assert all(q.speaker is not None and q.speaker.name == "Ana Silva" for q in direct)


@pytest.mark.parametrize(
    ("text", "cue", "content", "speaker"),
    [
        (
            "Defence Minister Tomas Ruel said that the army would withdraw from the border.",
            "said",
            "that the army would withdraw from the border",
            "Tomas Ruel",
        ),
        (
            "Tomas Ruel told reporters the army would withdraw from the border.",
            "told",
            "the army would withdraw from the border",
            "Tomas Ruel",
        ),
        (
            "Tomas Ruel warned that the ceasefire could collapse within days.",
            "warned",
            "that the ceasefire could collapse within days",
            "Tomas Ruel",
        ),
        (
            "Tomas Ruel acknowledged the delays but asserted that the plan is on track.",
            "asserted",
            "that the plan is on track",
            "Tomas Ruel",
        ),
        (
            "Tomas Ruel announced that elections will be held in May.",
            "announced",
            "that elections will be held in May",
            "Tomas Ruel",
        ),
        (
            "According to Tomas Ruel, twelve soldiers were wounded in the attack.",
            "According to",
            "twelve soldiers were wounded in the attack.",
            "Tomas Ruel",
        ),
    ],
)
def test_quotes_indirect_content_is_the_complement(
    nlp: Language, text: str, cue: str, content: str, speaker: str
) -> None:
    found = quotes_with_cue(nlp, text, cue)
    assert len(found) == 1
    (quote,) = found
    assert quote.kind == "indirect"
    assert quote.text == content
    assert quote.speaker is not None and quote.speaker.name == speaker


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        # A stated aim or refusal: the infinitive is the content ("hopes" is lemmatised "hop" by the parser).
        (
            "Tomas Ruel vowed to reopen the northern border crossings.",
            "vowed",
            "to reopen the northern border crossings",
        ),
        ("Tomas Ruel declined to comment on the leaked report.", "declined", "to comment on the leaked report"),
        ("Tomas Ruel hopes to sign the trade deal before winter.", "hopes", "to sign the trade deal before winter"),
        # A noun of aim with its infinitive, owned by the speaker.
        ("Tomas Ruel's plan to privatise the railways angered unions.", "plan", "to privatise the railways"),
        # A stance toward a person: the object is the content.
        ("Tomas Ruel mocked the opposition budget on Sunday.", "mocked", "the opposition budget"),
    ],
)
def test_quotes_indirect_aims_and_stances(nlp: Language, text: str, cue: str, content: str) -> None:
    (quote,) = quotes_with_cue(nlp, text, cue)
    assert quote.kind == "indirect"
    assert quote.text == content
    assert quote.speaker is not None and quote.speaker.text == "Tomas Ruel"


def test_quotes_infinitive_in_relative_clause_is_not_content(nlp: Language) -> None:
    # "the wall he wants to build": the aim's object is outside the clause, so there is no content to give.
    text = "Engineers inspected the bridge that Tomas Ruel wants to demolish."
    assert quotes_with_cue(nlp, text, "wants") == []


def test_quotes_seems_takes_its_subject_without_speaker(nlp: Language) -> None:
    text = "The ceasefire seems to be holding in the south."
    pieces = quotes_with_cue(nlp, text, "seems")
    assert [q.text for q in pieces] == ["The ceasefire", "to be holding in the south"]
    assert all(q.speaker is None for q in pieces)


def test_quotes_according_to_covers_conjoined_clauses(nlp: Language) -> None:
    text = "The dam held overnight, and the river fell by a metre, according to the water authority."
    (quote,) = quotes_with_cue(nlp, text, "according to")
    assert quote.text == "The dam held overnight, and the river fell by a metre"
    assert quote.speaker is not None and quote.speaker.text == "the water authority"


def test_quotes_cue_in_the_middle_splits_the_content(nlp: Language) -> None:
    text = "The museum, Tomas Ruel said, would reopen in May."
    pieces = quotes_with_cue(nlp, text, "said")
    assert [q.text for q in pieces] == ["The museum", "would reopen in May."]
    assert len({q.cue_start for q in pieces}) == 1


def test_quotes_second_speech_verb_is_cut_from_the_content(nlp: Language) -> None:
    text = "Tomas Ruel said the army would withdraw and added that talks would resume in May."
    said = quotes_with_cue(nlp, text, "said")
    assert [q.text for q in said] == ["the army would withdraw"]


def test_quotes_clause_the_parser_hangs_on_the_cue_is_content(nlp: Language) -> None:
    # The parser attaches "but required ..." to "said", not to "was fair": it is still what was said.
    text = "The party leader said the process was fair, but required candidates to put forth an effort."
    (quote,) = quotes_with_cue(nlp, text, "said")
    assert quote.text == "the process was fair, but required candidates to put forth an effort"


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        # The parser hangs the second object on the verb: it still belongs to what was called for.
        (
            "The union leader called for a strike at the port, and then a boycott of the shipping firms.",
            "called for",
            "a strike at the port, and then a boycott of the shipping firms",
        ),
        # What the object is called, after "as", is part of the content.
        (
            "In her speech, Anna Berg referred to the new law as a betrayal of farmers.",
            "referred to",
            "the new law as a betrayal of farmers",
        ),
        # A list after a comma is not a gloss to cut.
        (
            "Anna Berg called herself the first mayor, first engineer or even first scientist of the town.",
            "called",
            "herself the first mayor, first engineer or even first scientist of the town",
        ),
    ],
)
def test_quotes_object_content_runs_on(nlp: Language, text: str, cue: str, content: str) -> None:
    (quote,) = quotes_with_cue(nlp, text, cue)
    assert quote.text == content


@pytest.mark.parametrize(
    ("text", "content"),
    [
        (
            "Anna Berg said the factory would close by March — a decision that will cost 400 jobs.",
            "the factory would close by March",
        ),
        (
            "Tomas Ruel said the plan was drafted by Karl Olsen, a former judge and a tax adviser to the government.",
            "the plan was drafted by Karl Olsen",
        ),
    ],
)
def test_quotes_writers_gloss_after_a_comma_or_dash_is_cut(nlp: Language, text: str, content: str) -> None:
    (quote,) = quotes_with_cue(nlp, text, "said")
    assert quote.text == content


@pytest.mark.parametrize(
    "text",
    [
        '"We have shown what is possible when the town stands as one."\n\nVarga said the new bridge would bring jobs.',
        (
            "“The deal is the best chance we have had,” Moreau said at the port. “Together we have proved what is"
            " possible when the region works as one.”\n\nMoreau said the new bridge would bring jobs."
        ),
    ],
)
def test_quotes_complement_never_across_a_paragraph(nlp: Language, text: str) -> None:
    # The parser makes the quotation that ends the paragraph before a first complement of the next "said".
    last_said = text.rindex("said")
    (quote,) = [q for q in quotes_of(nlp, text) if q.cue_start == last_said]
    assert (quote.kind, quote.text) == ("indirect", "the new bridge would bring jobs")


def test_quotes_verb_with_its_own_clause_is_not_the_cue_before_it(nlp: Language) -> None:
    text = "Senator Lena Moreau said that Brandt is a “decent man,” and said that the plan “failed last night.”"
    second = text.rindex("said")
    quotes = quotes_of(nlp, text)
    assert [q.text for q in quotes if q.cue_start == second] == ["that the plan “failed last night.”"]
    assert any("decent man" in q.text for q in quotes)
    assert all(q.cue_start != second for q in quotes if "decent man" in q.text)


@pytest.mark.parametrize(
    ("text", "content"),
    [
        (
            'Moreau said the plan "may work. But we need more time to test it."',
            'the plan "may work. But we need more time to test it."',
        ),
        (
            "Moreau said the harbour “will reopen in May. The repairs are almost done.”",
            "the harbour “will reopen in May. The repairs are almost done.”",
        ),
    ],
)
def test_quotes_reported_clause_runs_to_the_end_of_its_quotation(nlp: Language, text: str, content: str) -> None:
    (quote,) = quotes_with_cue(nlp, text, "said")
    assert (quote.kind, quote.text) == ("indirect", content)


def test_quotes_cue_inside_any_quoted_stretch_is_nested(nlp: Language) -> None:
    # The quoted phrase is no direct quote (it is the object of "called"), but "says" inside it is still not ours.
    text = 'The mayor called it "the kind of deal where everyone says it will work" in the interview.'
    assert quotes_with_cue(nlp, text, "says") == []


@pytest.mark.parametrize(
    ("text", "content", "speaker"),
    [
        (
            "Marta Kovac: The harvest has failed in the north\nFarmers met on Monday.",
            "The harvest has failed in the north",
            "Marta Kovac",
        ),
        ("EXCLUSIVE – Omar Haddad: Smugglers fled the port.\nMore follows.", "Smugglers fled the port", "Omar Haddad"),
    ],
)
def test_quotes_headline_name_colon(nlp: Language, text: str, content: str, speaker: str) -> None:
    (quote,) = quotes_with_cue(nlp, text, ":")
    assert (quote.kind, quote.text) == ("indirect", content)
    assert quote.speaker is not None and quote.speaker.name == speaker


@pytest.mark.parametrize("text", ["Update: The road reopened at noon.", "Q: What happens next?", "At 6 p.m.: rain."])
def test_quotes_headline_label_is_not_a_speaker(nlp: Language, text: str) -> None:
    assert quotes_with_cue(nlp, text, ":") == []


def test_quotes_partly_quoted_clause_is_indirect(nlp: Language) -> None:
    text = "The new budget is “a betrayal of farmers,” Marta Kovac said."
    (quote,) = quotes_of(nlp, text)
    assert quote.kind == "indirect"
    assert quote.text == "The new budget is “a betrayal of farmers"
    assert quote.speaker is not None and quote.speaker.name == "Marta Kovac"


@pytest.mark.parametrize(
    "text",
    [
        "Prices rose sharply in March.",
        "The film “Northern Lights” opened in three cities.",
        "She wore a “lucky” scarf to the match.",
        "The army shelled the village overnight.",
        "He said nothing.",
        "",
    ],
)
def test_quotes_nothing_without_speech(nlp: Language, text: str) -> None:
    assert quotes_of(nlp, text) == []


def test_quotes_he_said_resolves_to_last_person(nlp: Language) -> None:
    text = "Opposition leader Marta Kovac met farmers in the north. She said the harvest had failed."
    (quote,) = quotes_of(nlp, text)
    assert quote.speaker is not None
    assert (quote.speaker.text, quote.speaker.name) == ("She", "Marta Kovac")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Amnesty International published a report on Monday. The group said that prisoners had been beaten.",
            "Amnesty International",
        ),
        (
            "The United Nations Children’s Fund opened a clinic. The agency said it needs more funding.",
            "The United Nations Children’s Fund",
        ),
    ],
)
def test_quotes_the_group_said_resolves_to_organisation(nlp: Language, text: str, name: str) -> None:
    (quote,) = quotes_of(nlp, text)
    assert quote.speaker is not None and quote.speaker.name == name


def test_quotes_surname_resolves_to_full_name(nlp: Language) -> None:
    text = "Police chief Omar Haddad visited the port. Haddad said that the smugglers had fled."
    (quote,) = quotes_of(nlp, text)
    assert quote.speaker is not None and quote.speaker.name == "Omar Haddad"


def test_quotes_speaker_takes_actor_from_actors_layer(nlp: Language) -> None:
    text = "He said that the talks had failed."
    actor = Actor(text="He", name="Naim Qassem", country="LBN", sector="REB", code="LBNREB", start=0, end=2, id="e3")
    (quote,) = quotes_of(nlp, text, actors=[actor])
    assert quote.speaker is not None
    assert (quote.speaker.name, quote.speaker.country, quote.speaker.code, quote.speaker.id) == (
        "Naim Qassem",
        "LBN",
        "LBNREB",
        "e3",
    )
    assert (quote.speaker.start, quote.speaker.end) == (0, 2)


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("“One,” he said.", ["One,"]),
        ('"One," he said. "Two."', ["One,", "Two."]),
        ("''One,'' he said.", ["One,"]),
        ("“Open\n\n“still open” closed.", ["Open", "still open"]),
        ("No marks at all.", []),
        ("A stray ” mark.", []),
    ],
)
def test_quotes_find_quoted_marks(text: str, spans: list[str]) -> None:
    assert [text[s.start : s.end] for s in find_quoted(text)] == spans


def test_quotes_stage_is_registered_after_entities() -> None:
    load_builtin_stages()
    assert REGISTRY["quotes"].adds == "quotes"
    assert REGISTRY["quotes"].needs == ("entities",)


def test_quotes_seed_qassem_direct_quotes(nlp: Language, shared: Path) -> None:
    seed = shared / "seed.txt"
    if not seed.is_file():
        pytest.skip(f"{seed} not found")
    text = seed.read_text(encoding="utf-8")
    direct = [q for q in quotes_of(nlp, text) if q.kind == "direct"]
    first = [q for q in direct if q.cue_start is not None and text.startswith("said in his", q.cue_start)]
    second = [q for q in direct if q.cue_start is not None and text.startswith("said:", q.cue_start)]
    assert first and second
    for q in first + second:
        assert q.speaker is not None and q.speaker.name == "Naim Qassem"
        assert q.speaker.text == "Qassem"
    # The paragraph's second quoted stretch has no cue of its own: it is the same speaker's.
    assert len(first) == 2


# A tiny BRAT pair of our own, in PolNeAR's layout (attributions/ and text/, annotator tag in the file name).
GOLD_TEXT = "“The port reopens Monday,” Ruel said.\nRuel said that ships will wait.\n"
GOLD_ANN = (
    "T1\tContent 0 26\t“The port reopens Monday,”\n"
    "T2\tSource 27 31\tRuel\n"
    "T3\tCue 32 36\tsaid\n"
    "T4\tAttribution 32 36\tsaid\n"
    "E1\tAttribution:T4 Content:T1 Cue:T3 Source:T2\n"
    "T5\tSource 38 42\tRuel\n"
    "T6\tCue 43 47\tsaid\n"
    "T7\tContent 48 69\tthat ships will wait.\n"
    "T8\tAttribution 43 47\tsaid\n"
    "E2\tAttribution:T8 Content:T7 Cue:T6 Source:T5\n"
)


def _write_gold(tmp_path: Path) -> Path:
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text").mkdir()
    (tmp_path / "text" / "port.txt").write_text(GOLD_TEXT, encoding="utf-8")
    (tmp_path / "attributions" / "port_ab12.ann").write_text(GOLD_ANN, encoding="utf-8")
    return tmp_path


def test_quotes_read_brat_classifies_direct_by_marks(tmp_path: Path) -> None:
    (doc,) = read_brat(_write_gold(tmp_path))
    assert [a.direct for a in doc.attributions] == [True, False]
    assert doc.attributions[1].source == ((38, 42),)


@pytest.mark.parametrize(
    ("predicted", "f1", "speaker"),
    [
        # Both contents found (words only: marks and the leading "that" do not decide), speakers right.
        (
            [
                Quote("The port reopens Monday", 1, 24, "direct", "said", Actor("Ruel", start=27, end=31), 32, 36),
                Quote("ships will wait", 53, 68, "indirect", "said", Actor("Ruel", start=38, end=42), 43, 47),
            ],
            1.0,
            1.0,
        ),
        # One content, speaker resolved by name rather than by span.
        (
            [
                Quote(
                    "ships will wait", 53, 68, "indirect", "said", Actor("he", name="Ivo Ruel", start=0, end=2), 43, 47
                )
            ],
            2 / 3,
            1.0,
        ),
        # A content too short to overlap half the gold words is no match.
        ([Quote("wait", 64, 68, "indirect", "said", None, 43, 47)], 0.0, 0.0),
        ([], 0.0, 0.0),
    ],
)
def test_quotes_score_matches_by_word_overlap(
    tmp_path: Path, predicted: list[Quote], f1: float, speaker: float
) -> None:
    docs = read_brat(_write_gold(tmp_path))
    metrics, _ = score(docs, [predicted])
    assert metrics["content_f1"] == pytest.approx(f1, abs=1e-3)
    assert metrics["speaker_accuracy"] == pytest.approx(speaker, abs=1e-3)


def test_quotes_read_brat_rejects_folder_without_pairs(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"^--gold .*: no \.ann file with its \.txt found$"):
        read_brat(tmp_path)


def test_quotes_complement_after_the_cue_wins_over_a_misread_opening(nlp: Language) -> None:
    # The parse a long opening phrase gets in news ("After he left the room, Cruz said he was sure ..."): the
    # opening's verb hangs on "said" as a second complement. What was said is the one after the verb.
    from spacy.tokens import Doc

    from eventwire.annotate.quote_content import _complement

    words = ["After", "he", "left", ",", "Cruz", "said", "he", "was", "sure", "."]
    heads = [2, 2, 5, 5, 5, 5, 7, 5, 7, 5]
    deps = ["mark", "nsubj", "ccomp", "punct", "nsubj", "ROOT", "nsubj", "ccomp", "acomp", "punct"]
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps)
    assert _complement(doc[5]) == doc[7]
    # With only the one before, it is still the complement ("The plan will work, Cruz said").
    words = ["It", "works", ",", "Cruz", "said", "."]
    doc = Doc(nlp.vocab, words=words, heads=[1, 4, 4, 4, 4, 4], deps=["nsubj", "ccomp", "punct", "nsubj", "ROOT", "punct"])
    assert _complement(doc[4]) == doc[1]


def test_quotes_content_stays_in_the_cue_paragraph(nlp: Language) -> None:
    from spacy.tokens import Doc

    from eventwire.annotate.quotes import _in_paragraph

    words = ["Yes", ".", "\n\n", "Her", "rise", "was", "a", "surprise", ",", "said", "observers", "."]
    doc = Doc(nlp.vocab, words=words, spaces=[False, False, False, True, True, True, True, False, True, True, False, False])
    assert _in_paragraph(doc, 0, 7, 9) == (3, 7)  # a range run back over the break starts after it
    assert _in_paragraph(doc, 10, 11, 9) == (10, 11)
    assert _in_paragraph(doc, 0, 11, 0) == (0, 1)  # after the cue, it ends before the break


@pytest.mark.parametrize(
    ("text", "cue", "speaker"),
    [
        ("“We will keep the port open for every ship,” Piet Olsen continued. “Nobody will be turned away.”", "continued", "Piet Olsen"),
        ("“The vote was a disgrace,” Elena Varga fumed on Tuesday.", "fumed", "Elena Varga"),
    ],
)
def test_quotes_any_verb_after_a_comma_closed_quote_is_its_cue(nlp: Language, text: str, cue: str, speaker: str) -> None:
    found = quotes_of(nlp, text)
    assert found and all(q.kind == "direct" and q.cue == cue for q in found), found
    assert all(q.speaker is not None and q.speaker.name == speaker for q in found)


def test_quotes_verb_after_a_quote_closed_by_a_full_stop_is_no_cue(nlp: Language) -> None:
    (quote,) = quotes_of(nlp, "“It rained all week.” Piet Olsen left the harbour.")
    assert quote.cue is None


def test_quotes_object_and_what_it_is_called_are_the_content(nlp: Language) -> None:
    # The parser gives "her" and "third-rate" as two predicates of "called" and no object.
    (quote,) = quotes_with_cue(nlp, "He called her “third-rate” in a speech.", "called")
    assert (quote.kind, quote.text) == ("indirect", "her “third-rate”")


def test_quotes_as_the_speaker_said_attributes_the_clause_it_hangs_on(nlp: Language) -> None:
    quotes = quotes_of(nlp, "As the minister told parliament on Tuesday, the border plan has been dropped for good.")
    (q,) = [q for q in quotes if q.cue == "told"]
    assert q.text == "the border plan has been dropped for good" and q.speaker is not None
    assert q.speaker.text == "the minister"
    # "as expected" names no speaker: no quote.
    assert not quotes_of(nlp, "As expected, the border plan has been dropped for good.")


def test_quotes_clause_read_as_the_object_of_say_is_the_content(nlp: Language) -> None:
    # The parser makes "the rise" the object of "says" and "makes" a relative clause on it.
    text = "Olsen says the rise in fares and tolls that Varga defends also makes the ferry less popular."
    (quote,) = quotes_with_cue(nlp, text, "says")
    assert quote.text == "the rise in fares and tolls that Varga defends also makes the ferry less popular"
    # A vague object describes what was said without giving it: no quote.
    assert not quotes_of(nlp, "He said something that upset the crowd.")


def test_quotes_a_quoted_title_before_a_cue_is_no_quotation(nlp: Language) -> None:
    (quote,) = quotes_of(nlp, "Later on ''Harbour Talk,'' Mayor Piet Olsen questioned the council's figures.")
    assert (quote.kind, quote.cue, quote.text) == ("indirect", "questioned", "the council's figures")
    # A title before a verb with a gerund after it is not what the verb reports.
    text = "In his book, ''Make Your Town Rich,'' Mr. Olsen suggested cutting the ferry budget."
    assert not any("Make Your Town" in q.text for q in quotes_of(nlp, text))


def test_quotes_a_clause_before_a_verb_that_is_no_speech_verb_is_not_its_content(nlp: Language) -> None:
    text = "For that she drew the mayor's anger - he called her \"reckless\" and said she had no plan."
    (quote,) = quotes_with_cue(nlp, text, "called")
    assert quote.text == 'her "reckless"'


def test_quotes_called_for_someone_to_act(nlp: Language) -> None:
    # The parser reads "for" as opening a clause, not as the preposition of "called for".
    (quote,) = quotes_of(nlp, "The senator called for the minister to resign.")
    assert (quote.cue, quote.text) == ("called for", "the minister to resign")


def test_quotes_asked_someone_if(nlp: Language) -> None:
    (quote,) = quotes_of(nlp, "Then Ms. Varga asked the sailors if they were ever afraid of the sea.")
    assert (quote.cue, quote.text) == ("asked", "if they were ever afraid of the sea")
    assert quote.speaker is not None and quote.speaker.text == "Ms. Varga"


def test_quotes_as_reported_by_names_the_speaker(nlp: Language) -> None:
    (quote,) = quotes_of(nlp, "As reported by the Harbour Gazette, the ferry will stop running in May.")
    assert quote.text == "the ferry will stop running in May"
    assert quote.speaker is not None and quote.speaker.text == "the Harbour Gazette"


def test_quotes_cue_hung_on_the_clause_after_it(nlp: Language) -> None:
    # The parser makes "told" an adverbial clause of "read".
    text = "Every Sunday, from 9 a.m. to noon, the former clerk told The Harbour Gazette, Varga would read every letter."
    (quote,) = quotes_with_cue(nlp, text, "told")
    assert quote.text == "Varga would read every letter."
    assert quote.speaker is not None and quote.speaker.text == "the former clerk"


def test_quotes_explained_takes_its_object(nlp: Language) -> None:
    (quote,) = quotes_of(nlp, "The mayor explained the delay to reporters.")
    assert (quote.cue, quote.text) == ("explained", "the delay")


def test_quotes_a_one_word_answer_is_no_title(nlp: Language) -> None:
    quotes = quotes_of(nlp, "Asked whether she would stand again, Ms. Ortiz paused. “Never,” she said.")
    assert any(q.kind == "direct" and q.text.startswith("Never") and q.cue == "said" for q in quotes), quotes


def test_quotes_opening_poll_phrase_gives_its_finding(nlp: Language) -> None:
    text = "In the latest county poll, the mayor leads her rival by eight points."
    (quote,) = quotes_with_cue(nlp, text, "In")
    assert quote.text == "the mayor leads her rival by eight points"
    assert quote.speaker is not None and "poll" in quote.speaker.text


def test_quotes_opening_letter_phrase_is_spoken_by_the_subject(nlp: Language) -> None:
    text = "Tom Keller wrote to the board on Friday. In a letter to members, Keller laid out a plan for lower fees."
    (quote,) = quotes_with_cue(nlp, text, "In")
    assert quote.text == "Keller laid out a plan for lower fees"
    assert quote.speaker is not None and quote.speaker.name == "Tom Keller"


def test_quotes_remark_noun_with_that_clause(nlp: Language) -> None:
    text = "The coach's remark that the referees were biased angered the league."
    (quote,) = quotes_with_cue(nlp, text, "remark")
    assert quote.text == "that the referees were biased"
    assert quote.speaker is not None and quote.speaker.text == "The coach"


def test_quotes_hedging_subject_is_the_source(nlp: Language) -> None:
    text = "Governor Paul Lindqvist seemed to accept the new budget."
    pieces = quotes_with_cue(nlp, text, "seemed")
    assert [q.text for q in pieces] == ["Governor Paul Lindqvist", "to accept the new budget"]
    assert all(q.speaker is not None and q.speaker.name == "Paul Lindqvist" for q in pieces)


@pytest.mark.parametrize(
    ("text", "cue", "field", "speaker"),
    [
        # a gerund after a preposition: the subject of the verb the preposition hangs on
        ("Anna Berg answered the critics by saying that the museum would stay open.", "saying", "name", "Anna Berg"),
        # a gerund on a noun: the one who issued it, or the noun itself
        (
            "The Dock Workers Union issued a statement saying that the strike would end on Monday.",
            "saying",
            "text",
            "The Dock Workers Union",
        ),
        ("Farmers saying that the new tax is unfair gathered outside the town hall.", "saying", "text", "Farmers"),
        # a cue noun as object, or after a preposition: the verb's subject voices it
        ("Mayor Lena Ortiz expressed confidence that the new bridge would open in June.", "confidence", "name",
         "Lena Ortiz"),
        ("The Harbor Authority said in a statement that the ferry would resume service on Monday.", "statement",
         "text", "The Harbor Authority"),
        # a cue after an adjective: the subject before it
        ("Young voters were more likely to say that rents are too high.", "say", "text", "Young voters"),
    ],
)
def test_quotes_speaker_of_a_cue_without_its_own_subject(
    nlp: Language, text: str, cue: str, field: str, speaker: str
) -> None:
    (quote,) = quotes_with_cue(nlp, text, cue)
    assert quote.speaker is not None and getattr(quote.speaker, field) == speaker
