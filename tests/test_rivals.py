"""The outranked-candidate analysis on a small SQuAD-format article, through the real pipeline and engine."""

from __future__ import annotations

import json

import pytest

from qa.answering.reader import CONFIDENCE_FEATURES, FEATURES, Reader
from qa.cache import cache_dir
from qa.engine import Engine
from qa.evaluation import rivals, squad

CONTEXT = "The Volga rises near Moscow and ends in the Caspian Sea. Kazan lies on the Volga."


@pytest.fixture(scope="module")
def volga(tmp_path_factory):
    """The engine over CONTEXT and its questions: one answered by "the Caspian Sea", two by no right
    candidate."""
    qas = [{"id": "0", "question": "Where does the Volga end?", "is_impossible": False,
            "answers": [{"text": "the Caspian Sea", "answer_start": CONTEXT.index("the Caspian Sea")}]},
           {"id": "1", "question": "How does the Volga end?", "is_impossible": False,
            "answers": [{"text": "rises", "answer_start": CONTEXT.index("rises")}]},
           {"id": "2", "question": "What does the Volga do near Moscow?", "is_impossible": False,
            "answers": [{"text": "rises", "answer_start": CONTEXT.index("rises")}]}]
    path = tmp_path_factory.mktemp("rivals") / "tiny-squad.json"
    article = {"title": "Volga", "paragraphs": [{"context": CONTEXT, "qas": qas}]}
    path.write_text(json.dumps({"data": [article]}))
    articles, questions = squad.load(path)
    return Engine.from_corpus(squad.write_corpus(articles, cache_dir()), reader=Reader.neutral()), questions


def weighted(**weights: float) -> Reader:
    """A reader scoring with the given feature weights only (the rest 0)."""
    return Reader({"weights": {f: weights.get(f, 0.0) for f in FEATURES},
                   "calibration": dict.fromkeys(CONFIDENCE_FEATURES, 0.0), "threshold": 0.0})


def test_a_shorter_wrong_name_outranks_the_right_one_on_length_alone(volga):
    engine, questions = volga
    engine.reader = weighted(length=-1.0)
    found = rivals.rivalries(engine, questions, kind="where")
    assert [(r.outcome, r.winner, r.right, r.right_rank) for r in found] == \
        [(rivals.OUTRANKED, "Moscow", "the Caspian Sea", 3)]  # Kazan, as short, second
    difference = dict(found[0].difference)
    assert difference["length"] == pytest.approx(0.6931, abs=1e-3)
    assert {name for name, d in difference.items() if d} == {"length"}
    assert rivals.blame(found) == {"length": difference["length"]}


def test_a_winner_in_another_passage_and_a_right_first_candidate(volga):
    engine, questions = volga
    engine.reader = weighted(first_passage=-1.0)
    assert [(r.outcome, r.winner) for r in rivals.rivalries(engine, questions, kind="where")] == \
        [(rivals.OTHER_PASSAGE, "Kazan")]
    engine.reader = weighted(length=1.0)
    found = rivals.rivalries(engine, questions, kind="where")
    assert [(r.outcome, r.difference) for r in found] == [(rivals.RIGHT, ())]
    assert rivals.blame(found) == {}


def test_questions_no_candidate_answers_are_not_counted_as_outranked(volga):
    engine, questions = volga
    engine.reader = weighted(length=1.0)
    outcomes = {r.question: r.outcome for r in rivals.rivalries(engine, questions)}
    assert outcomes["How does the Volga end?"] == rivals.NO_CANDIDATE  # no manner phrase in the passages
    assert outcomes["What does the Volga do near Moscow?"] == rivals.NOT_A_CANDIDATE  # a verb answers
    assert outcomes["Where does the Volga end?"] == rivals.RIGHT
