"""Scorers' own logic on small gold files written here: the PLOVER halves and the CoNLL-2003 reader and F1."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwire.errors import UsageError
from eventwire.evaluate.conll import Sentence, prf, read_conll, spans_of, token_spans
from eventwire.evaluate.plover import GoldEvent, half_of, select_half

CONLL = """-DOCSTART- -X- -X- O

EU NNP B-NP B-ORG
rejects VBZ B-VP O
German JJ B-NP B-MISC
call NN I-NP O
. . O O

Peter NNP B-NP B-PER
Blackburn NNP I-NP I-PER

-DOCSTART- -X- -X- O

Real NNP B-NP I-ORG
Madrid NNP I-NP I-ORG
beat VBD B-VP O
Paris NNP B-NP I-LOC
Saint-Germain NNP I-NP I-LOC
in IN B-PP O
Madrid NNP B-NP B-LOC
Spain NNP I-NP B-LOC
"""


def gold(ids: list[str]) -> list[GoldEvent]:
    return [GoldEvent(id=i, text="x", type="AGREE", source=frozenset(), target=frozenset()) for i in ids]


def test_plover_half_of_is_a_fixed_hash_of_the_id() -> None:
    # sha1("a") ends in 8 (even), sha1("e") in f (odd): pinned so that the split can never move.
    assert half_of("a") == "tune"
    assert half_of("e") == "check"
    assert half_of("PLOVER-GSR01-AGREE-0004") == half_of("PLOVER-GSR01-AGREE-0004")


@pytest.mark.parametrize("half", ["tune", "check"])
def test_plover_select_half_partitions_the_gold(half: str) -> None:
    records = gold([f"id-{i}" for i in range(200)])
    mine = select_half(records, half)
    other = select_half(records, "check" if half == "tune" else "tune")
    assert {g.id for g in mine}.isdisjoint({g.id for g in other})
    assert len(mine) + len(other) == 200
    assert 60 < len(mine) < 140
    assert select_half(records, "all") == records == select_half(records, None)


def test_plover_select_half_rejects_unknown_half() -> None:
    with pytest.raises(UsageError, match="--half middle"):
        select_half(gold(["a"]), "middle")


def test_conll_reader_reads_sentences_documents_and_both_iob_schemes(tmp_path: Path) -> None:
    path = tmp_path / "mini.conll"
    path.write_text(CONLL, encoding="utf-8")
    sentences = read_conll(path)
    assert [s.text for s in sentences] == [
        "EU rejects German call .", "Peter Blackburn", "Real Madrid beat Paris Saint-Germain in Madrid Spain"]
    assert sentences[0].entities == {(0, 1, "ORG"), (2, 3, "MISC")}
    assert sentences[1].entities == {(0, 2, "PER")}
    # IOB1: I- opens an entity after O or another label; B- splits two of the same label.
    assert sentences[2].entities == {(0, 2, "ORG"), (3, 5, "LOC"), (6, 7, "LOC"), (7, 8, "LOC")}


@pytest.mark.parametrize(
    "text",
    ["EU NNP B-ORG\nrejects VBZ X-ORG\n", "EU\n", "EU NNP B-PERSON\n", "\n\n"],
)
def test_conll_reader_bad_lines_are_user_errors(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.conll"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match="--gold"):
        read_conll(path)


@pytest.mark.parametrize(
    ("tags", "spans"),
    [
        (["O", "O"], []),
        (["B-PER", "I-PER", "O", "B-LOC"], [(0, 2, "PER"), (3, 4, "LOC")]),
        (["I-ORG", "I-LOC"], [(0, 1, "ORG"), (1, 2, "LOC")]),
        (["B-ORG", "B-ORG"], [(0, 1, "ORG"), (1, 2, "ORG")]),
    ],
)
def test_conll_spans_of_tags(tags: list[str], spans: list[tuple[int, int, str]]) -> None:
    assert spans_of(tags) == spans


def test_conll_token_spans_map_labels_and_keep_misaligned_spans_as_misses() -> None:
    sentence = Sentence(("Real", "Madrid", "beat", "Bayern"), frozenset())
    found = token_spans(sentence, [(0, 11, "ORG"), (5, 11, "GPE"), (17, 23, "NORP"), (0, 4, "DATE"), (1, 4, "ORG")])
    assert (0, 2, "ORG") in found and (1, 2, "LOC") in found and (3, 4, "MISC") in found
    assert not any(lab == "DATE" for _s, _e, lab in found)
    assert sum(1 for s, _e, _l in found if s < 0) == 1  # "eal" starts inside a token: can never match


def test_conll_prf_exact_span_and_label() -> None:
    gold_sets = [frozenset({(0, 2, "ORG"), (3, 4, "PER")})]
    found = [{(0, 2, "ORG"), (3, 4, "ORG"), (5, 6, "LOC")}]
    m = prf(gold_sets, found)
    assert m["ORG_precision"] == 0.5 and m["ORG_recall"] == 1.0
    assert m["PER_recall"] == 0.0 and m["LOC_precision"] == 0.0
    assert m["precision"] == pytest.approx(1 / 3) and m["recall"] == 0.5
    assert m["f1"] == pytest.approx(0.4)


def test_conll_eval_ruler_beats_bare_model_on_written_fixture() -> None:
    """The fixture (tests/fixtures/entities.conll, written for eventwire) has shouted headlines, titles before names
    and a club named after its city: the merged layer must beat the bare model there, per label and overall."""
    from eventwire.evaluate import load_evaluators

    fixture = Path(__file__).parent / "fixtures" / "entities.conll"
    report = load_evaluators()["conll"].run(fixture)
    bare = report.details["baseline"]
    assert report.size == 12
    assert report.metrics["f1"] >= bare["f1"] + 0.05
    assert report.metrics["PER_f1"] >= bare["PER_f1"] and report.metrics["LOC_f1"] >= bare["LOC_f1"]
