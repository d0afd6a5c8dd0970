"""The events stage: PLOVER events from verbal and nominal triggers, their actors, flags, evidence and duplicates.

Sentences are invented for these tests; they mirror the situations of the seed articles (a call for withdrawal,
talks, an envoy sent to a capital, a refusal to disarm, airstrikes) without copying any report.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from spacy.language import Language

from eventwire.annotate import REGISTRY, load_builtin_stages
from eventwire.annotate.event_patterns import load_lexicon, quad_class
from eventwire.annotate.events import main_event
from eventwire.pipeline import Pipeline
from eventwire.records import Article, Event


@pytest.fixture(scope="module")
def pipe(nlp: Language) -> Pipeline:
    return Pipeline(nlp=nlp)


def code(pipe: Pipeline, text: str, title: str | None = None, published: str | None = "2026-03-01") -> list[Event]:
    doc = next(pipe.annotate([Article(id="t", text=text, title=title, published=published)]))
    return list(doc.events)


def countries(actors: tuple) -> list[str | None]:
    return [a.country for a in actors]


@pytest.mark.parametrize(
    ("text", "etype", "trigger", "source", "target"),
    [
        # a renewed call for a withdrawal: a REQUEST by whoever renewed it
        (
            "Canada has renewed its call for the withdrawal of foreign troops from Mali.",
            "REQUEST",
            "call",
            ["CAN"],
            None,
        ),
        # talks begun by two parties: CONSULT with a compound source, kept as a list
        (
            "Greece and Bulgaria began negotiating in Sofia on a new border agreement.",
            "CONSULT",
            "negotiating",
            ["GRC", "BGR"],
            [],
        ),
        # an envoy sent to a capital for talks: CONSULT aimed at the capital's country
        ("The Egyptian president dispatched an envoy to Ankara for talks.", "CONSULT", "talks", ["EGY"], ["TUR"]),
        # a refusal to lay down weapons: REJECT
        ("Hamas refused to lay down its weapons.", "REJECT", "refused", ["PSE"], []),
        # airstrikes as a nominal trigger under a light verb, aimed at the place they hit
        ("Turkey carried out airstrikes in northern Iraq.", "ASSAULT", "airstrikes", ["TUR"], ["IRQ"]),
        # verbal conflict: an accusation
        ("India accused Pakistan of sheltering militants.", "ACCUSE", "accused", ["IND"], ["PAK"]),
        # a threat whose complement decides the CAMEO code
        ("Pakistan threatened to cut diplomatic ties with India.", "THREATEN", "threatened", ["PAK"], ["IND"]),
        # passive voice: the by-agent is the source, the subject the target
        ("The embassy in Baghdad was attacked by Iranian militiamen.", "ASSAULT", "attacked", ["IRN"], ["IRQ"]),
        # compound actors signing: one event, both sources
        ("France and Germany signed a trade treaty.", "SUPPORT", "signed", ["FRA", "DEU"], []),
    ],
)
def test_events_code_type_trigger_and_actors(
    pipe: Pipeline, text: str, etype: str, trigger: str, source: list[str], target: list[str] | None
) -> None:
    events = code(pipe, text)
    ev = main_event(events, pipe.nlp(text))
    assert ev is not None, events
    assert (ev.type, ev.trigger.text) == (etype, trigger)
    assert countries(ev.source) == source
    if target is not None:
        assert countries(ev.target) == target
    assert ev.cameo and quad_class(ev.cameo) == ev.quad_class


@pytest.mark.parametrize(
    "text",
    [
        "The weather was cold in Moscow on Tuesday.",
        "Photo by John Smith / Reuters",
        "The minister said the economy grew by two percent last year.",
        "Officials in Rome expect more tourists this summer.",
        # a verb form standing as a preposition is no act; PETRARCH's "accord ... right" pattern coded it
        "The museum in Oslo is the oldest in Norway, according to the rights group Heritage Watch.",
        # a direction alone ("lead to", "come to") is no act
        "The dispute between the two clubs led to a long silence from Madrid.",
        "",
    ],
)
def test_events_sentences_without_event_yield_none(pipe: Pipeline, text: str) -> None:
    assert code(pipe, text) == []


@pytest.mark.parametrize(
    ("text", "etype", "negated", "future", "hypothetical"),
    [
        ("Spain intends to hold talks with Morocco next month.", "AGREE", False, True, False),
        ("Paris hopes to reach an agreement with Algeria.", "AGREE", False, False, True),
        ("Japan did not attack China.", "ASSAULT", True, False, False),
        # a refusal stated as a negated promise is a rejection, not a negated AGREE
        ("Syria says it will not accept more refugees.", "REJECT", False, True, False),
        ("Egypt hosted a visit by the Kenyan president.", "CONSULT", False, False, False),
        # an expected act is future, not a threat by whoever expects it
        ("Turkey is expected to attack Kurdish positions in Syria.", "ASSAULT", False, True, False),
    ],
)
def test_events_flags_negation_future_hypothetical(
    pipe: Pipeline, text: str, etype: str, negated: bool, future: bool, hypothetical: bool
) -> None:
    ev = main_event(code(pipe, text), pipe.nlp(text))
    assert ev is not None
    assert (ev.type, ev.negated, ev.future, ev.hypothetical) == (etype, negated, future, hypothetical)


def test_events_expected_visit_is_future(pipe: Pipeline) -> None:
    text = "The talks follow an expected visit by the Kenyan president to Cairo."
    visits = [e for e in code(pipe, text) if e.trigger.text == "visit"]
    assert len(visits) == 1 and visits[0].future and visits[0].type == "CONSULT"
    assert countries(visits[0].source) == ["KEN"]


def test_events_keep_evidence_spans(pipe: Pipeline) -> None:
    text = "Earlier talks failed. Turkey carried out airstrikes in northern Iraq."
    (ev,) = [e for e in code(pipe, text) if e.type == "ASSAULT"]
    assert text[ev.trigger.start : ev.trigger.end] == ev.trigger.text == "airstrikes"
    assert (
        text[ev.sentence.start : ev.sentence.end]
        == ev.sentence.text
        == "Turkey carried out airstrikes in northern Iraq."
    )
    assert ev.sentence.field == ev.trigger.field == "text"
    for actor in ev.source + ev.target:
        assert actor.start is not None and text[actor.start : actor.end] == actor.text


def test_events_repeated_in_body_stored_once_with_both_mentions(pipe: Pipeline) -> None:
    sentence = "Canada renewed its call for the withdrawal of foreign troops from Mali."
    text = f"{sentence} Diplomats met in Bamako on Monday. {sentence}"
    calls = [e for e in code(pipe, text) if e.type == "REQUEST"]
    assert len(calls) == 1
    assert [m.start for m in calls[0].mentions] == [0, text.rindex(sentence)]


def test_events_headline_mention_joins_body_event(pipe: Pipeline) -> None:
    text = "Canada renewed its call for the withdrawal of foreign troops from Mali on Monday."
    title = "Canada renews its call for the withdrawal of foreign troops from Mali"
    calls = [e for e in code(pipe, text, title=title) if e.type == "REQUEST"]
    assert len(calls) == 1
    fields = [m.field for m in calls[0].mentions]
    assert fields == ["text", "title"]
    assert calls[0].mentions[1].text == title


@pytest.mark.parametrize(
    ("published", "date", "precision"), [("2026-03-01T10:00:00Z", "2026-03-01", "day"), (None, None, None)]
)
def test_events_date_falls_back_to_publication_day(
    pipe: Pipeline, published: str | None, date: str | None, precision: str | None
) -> None:
    (ev,) = code(pipe, "India accused Pakistan of sheltering militants.", published=published)
    assert (ev.date, ev.date_precision) == (date, precision)


def test_events_place_from_the_clause(pipe: Pipeline) -> None:
    (ev,) = [
        e for e in code(pipe, "Greece and Bulgaria began negotiating in Sofia on a border deal.") if e.type == "CONSULT"
    ]
    assert ev.place is not None and ev.place.country == "BGR"


@pytest.mark.parametrize(
    ("text", "etype", "place"),
    [
        # a visit happens where the visitor goes, not in the envoy's country
        ("Officials expect a visit by a French envoy to Nairobi next month.", "CONSULT", "Nairobi"),
        # a withdrawal happens where the forces leave, also through "all of"
        ("Ethiopia withdrew its troops from all of western Tigray.", "RETREAT", "Tigray"),
        # a country that acts is who, not where: no place rather than the actor's own name
        ("India accused Pakistan of sheltering militants.", "ACCUSE", None),
        # a city inside a newspaper's name is not where the accusation was made
        ("Kenya accused Uganda of arming rebels in a Chicago Tribune interview.", "ACCUSE", None),
    ],
)
def test_events_place_is_where_it_happened(pipe: Pipeline, text: str, etype: str, place: str | None) -> None:
    (ev,) = [e for e in code(pipe, text) if e.type == etype]
    assert (ev.place.name if ev.place else None) == place


def test_events_stage_is_registered_after_actors() -> None:
    load_builtin_stages()
    spec = REGISTRY["events"]
    assert spec.adds == "events" and spec.needs == ("actors",)


def test_events_lexicon_codes_all_map_to_plover() -> None:
    lex = load_lexicon()
    codes = set(lex.verbs.values()) | set(lex.nouns.values()) | set(lex.combine.values())
    codes |= {c for pats in lex.verb_objects.values() for _w, c in pats}
    codes |= {f.code for f in lex.frames.values() if f.code}
    unmapped = sorted(c for c in codes if lex.plover_of(c) is None)
    assert unmapped == []
    assert {lex.plover_of(c).type for c in codes} <= {  # type: ignore[union-attr]
        "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
        "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
    }  # fmt: skip


def test_events_cameo_plover_table_agrees_with_official_file(shared: Path) -> None:
    official = shared / "eval" / "plover" / "CAMEO2PLOVER-2021.txt"
    if not official.exists():
        pytest.skip(f"official table not found at {official}")
    rows: dict[str, tuple[str, str | None, str | None]] = {}
    for line in official.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(\d{3,4}):\s*([^#]*)", line)
        if m:
            parts = [p.strip() for p in m.group(2).split(",")] + ["", ""]
            rows[m.group(1)] = (parts[0], parts[1] or None, " ".join(parts[2].split()) or None)
    lex = load_lexicon()
    assert set(rows) == set(lex.official)
    ours = {c: (lex.plover[c].type, lex.plover[c].mode, lex.plover[c].context) for c in lex.official}
    assert ours == rows


def test_events_eval_scores_gold_records(tmp_path: Path) -> None:
    from eventwire.evaluate import load_evaluators

    gold = [
        {"id": "header", "event": "DOCUMENT"},
        {"id": "a", "event": "DEMAND", "text": "Canada demanded the withdrawal of Russian troops.",
         "source": [{"actorText": "Canada", "code": "CAN"}], "target": [{"actorText": "Russian", "code": "RUS"}]},
        {"id": "b", "event": "FIGHT", "text": "Turkey carried out airstrikes in northern Iraq.",
         "source": [{"actorText": "Turkey", "code": "TUR"}], "target": [{"actorText": "Iraq", "code": "IRQ"}]},
        {"id": "c", "event": "AGREE", "text": "The weather was cold in Moscow on Tuesday.",
         "source": [{"actorText": "Russia", "code": "RUS"}], "target": ""},
    ]  # fmt: skip
    path = tmp_path / "gsr.json"
    path.write_text(json.dumps(gold), encoding="utf-8")
    report = load_evaluators()["plover"].run(path)
    assert report.size == 3
    assert report.metrics["type_accuracy"] == pytest.approx(2 / 3)
    assert report.metrics["precision"] == 1.0
    assert report.metrics["coded_share"] == pytest.approx(2 / 3)
    assert report.details["baseline"]["type_accuracy"] == pytest.approx(1 / 3)


@pytest.mark.parametrize("text", ["Heavy rain in Paris.", "More talks in Geneva next week, officials in Bern."])
def test_events_in_clause_ends_at_a_verbless_root(nlp: Language, text: str) -> None:
    """A sentence with no verb: climbing from a place to the root must stop there (it once looped for ever)."""
    from eventwire.annotate.events_attach import _in_clause

    doc = nlp(text)
    start = text.index(" in ") + 4
    assert _in_clause(doc, start, frozenset()) is False
    root = next(t for t in doc if t.dep_ == "ROOT")
    assert _in_clause(doc, start, frozenset({root.i})) is True


@pytest.mark.slow
def test_events_seed_checks(pipe: Pipeline, shared: Path) -> None:
    """The seed's checks (issue #12), reached by general mechanisms: nothing here is written for these sentences."""
    from eventwire.ingest import ReadOptions, read_inputs

    seed = shared / "seed.txt"
    if not seed.exists():
        pytest.skip(f"seed not found at {seed}")
    errors: list[object] = []
    events = [e for d in pipe.annotate(read_inputs([str(seed)], errors.append, ReadOptions())) for e in d.events]

    def has(etype: str, words: str, **flags: object) -> bool:
        return any(e.type == etype and words in e.sentence.text
                   and all(getattr(e, k) == v for k, v in flags.items()) for e in events)

    assert has("REQUEST", "renewed its call")
    assert has("CONSULT", "began negotiating")
    assert has("CONSULT", "dispatched the head")
    assert has("REJECT", "refusal to lay down")
    assert has("COERCE", "continued to occupy", cameo="192")
    assert has("ASSAULT", "continued to occupy", cameo="195")
    assert has("CONSULT", "expected visit", future=True)
    assert not any(e.type == "AGREE" and ("intends to hold" in e.sentence.text or "determined to find" in
                                           e.sentence.text) for e in events)


@pytest.mark.parametrize(
    ("text", "etype", "source", "target"),
    [
        # a light verb the lemmatizer reads wrongly ("staged" -> "stag"): the past form less its -d finds it
        ("Kenyan nurses staged a hunger strike outside the parliament in Nairobi.", "PROTEST", ["KEN"], None),
        # "pushing for X (to) do" parsed as an adverbial clause: a demand made on X
        ("France is pushing hard for Germany to support its farm plan.", "REQUEST", ["FRA"], ["DEU"]),
        # someone says another must act, whatever the act: a demand on them
        ("Sweden said on Monday that Norway must allocate more money to the fund.", "REQUEST", ["SWE"], ["NOR"]),
    ],
)
def test_events_general_frames(
    pipe: Pipeline, text: str, etype: str, source: list[str], target: list[str] | None
) -> None:
    events = code(pipe, text)
    hit = [e for e in events if e.type == etype]
    assert hit, events
    assert countries(hit[0].source) == source
    if target is not None:
        assert countries(hit[0].target) == target


def test_events_no_demand_without_must(pipe: Pipeline) -> None:
    # the negative case: a statement about what someone can or will do is no demand
    events = code(pipe, "The Swedish minister said on Monday that Norway can allocate more money.")
    assert not [e for e in events if e.type == "REQUEST"], events


def test_events_bare_target_takes_the_place_country(pipe: Pipeline) -> None:
    # people with no country of their own, hit in a named place: the place's country is the target
    events = code(pipe, "Turkish soldiers shot two smugglers near Aleppo on Friday.")
    hit = [e for e in events if e.type == "ASSAULT"]
    assert hit, events
    assert countries(hit[0].source) == ["TUR"]
    assert countries(hit[0].target) == ["SYR"]


@pytest.mark.parametrize(
    ("text", "etype"),
    [
        # verbs PETRARCH codes only inside a pattern, given their core code from the ontology (verbs.tsv)
        ("Serbian troops pulled back from the Kosovo border.", "RETREAT"),
        ("Greece ruled out any talks with Turkey.", "REJECT"),
        ("Spain renounced its claim to the islands held by Morocco.", "CONCEDE"),
        ("Syria handed over the border crossing to Jordan.", "RETREAT"),
    ],
)
def test_events_ontology_core_verbs(pipe: Pipeline, text: str, etype: str) -> None:
    events = code(pipe, text)
    assert etype in [e.type for e in events], events


@pytest.mark.parametrize(
    "text",
    [
        # acts with no doer written, in a relative clause or after a preposition: talked about, not reported
        "Canada imposed sanctions on the militia that controls the north of Mali.",
        "Lebanon rejected an appeal for deploying army troops along its southern border.",
    ],
)
def test_events_no_doerless_act_in_subordinate_clause(pipe: Pipeline, text: str) -> None:
    events = code(pipe, text)
    assert events, "the main act is still coded"
    assert all(e.source for e in events), events


def test_events_one_trigger_one_event_per_type(pipe: Pipeline) -> None:
    """Two readings that climb to one word (the sending and the mission under "agreed") are one event, the one with
    more actors."""
    evs = code(pipe, "The presidents of Chad and Niger agreed to send a team of mediators to Sudan next month.")
    agreed = [e for e in evs if e.trigger.text == "agreed"]
    assert len(agreed) == 1, [(e.type, e.cameo) for e in agreed]
    assert agreed[0].type == "AGREE" and agreed[0].target


@pytest.mark.parametrize(
    ("text", "defends"),
    [
        ("The foreign minister of Peru defended the new water treaty with Bolivia.", True),  # verbal support
        ("Chad said its army was defending the border against raiders from Libya.", False),  # a border is held
        ("Kenya's sprinter will defend her 400m title against Ethiopia's champion in Rome.", False),  # sport
    ],
)
def test_events_defend_senses(pipe: Pipeline, text: str, defends: bool) -> None:
    found = [e for e in code(pipe, text) if e.trigger.text.startswith("defend")]
    assert bool(found) == defends, [(e.type, e.cameo) for e in found]
    assert all(e.type == "SUPPORT" for e in found)


@pytest.mark.parametrize(
    ("text", "trigger", "negated"),
    [
        ("A spokesman for the ministry denied that Peru had sent any rifles to Bolivia.", "sent", True),
        ("The army of Chad denied reports that its troops had attacked the village.", "attacked", True),
        ("Mr Okafor denied accusing Ghana of arming the rebels.", "accusing", True),
        # said, not denied; a denial that is negated or refused denies nothing
        ("The minister said Peru had sent rifles to Bolivia.", "sent", False),
        ("The government of Chad did not deny that soldiers had shot protesters.", "shot", False),
        ("Mr Okafor refused to deny claims that Ghana had reneged on a deal with Togo.", "reneged", False),
    ],
)
def test_events_denied_acts_are_negated(pipe: Pipeline, text: str, trigger: str, negated: bool) -> None:
    found = [e for e in code(pipe, text) if e.trigger.text == trigger]
    assert found, [(e.type, e.trigger.text) for e in code(pipe, text)]
    assert all(e.negated is negated for e in found)

