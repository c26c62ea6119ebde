"""SQuAD 2.0 files and metrics: the official script's scoring, the format's errors, gold sentences."""

from __future__ import annotations

import json

import pytest

from qa.errors import InvalidQuestionsFile
from qa.evaluation import squad

from .conftest import ROOT

DEV = ROOT / "corpus" / "squad" / "dev-v2.0-normans-rhine.json"


def question(answers=(), starts=()):
    return squad.SquadQuestion("q", "What?", "doc", 0, tuple(answers), tuple(starts))


@pytest.mark.parametrize(("answers", "prediction", "exact", "f1"), [
    (["France"], "France", 1, 1.0),
    (["the 10th century"], "10th century", 1, 1.0),  # articles and case do not count
    (["Denmark, Iceland and Norway"], "Iceland and Norway", 0, 6 / 7),
    (["Rollo"], "Duke Rollo of Normandy", 0, 0.4),
    (["Rollo"], None, 0, 0.0),  # no answer to an answerable question
    ([], None, 1, 1.0),  # no answer to an unanswerable one scores 1
    ([], "France", 0, 0.0),
    (["a", "Rollo"], "Rollo", 1, 1.0),  # best over the gold answers; "a" normalises to nothing
])
def test_scores_follow_the_official_script(answers, prediction, exact, f1):
    e, f = squad.scores(question(answers, [0] * len(answers)), prediction)
    assert e == exact and f == pytest.approx(f1)


def test_the_official_normalisation_keeps_non_ascii_punctuation():
    assert squad.normalize_answer("The  “Rhine”, river!") == "“rhine” river"


@pytest.mark.parametrize(("text", "kind"), [
    ("In what country is Normandy located?", "what"), ("How many tributaries?", "how many"),
    ("Whose son was Rollo?", "who"), ("Name the river.", "other"), ("How did it end?", "how"),
])
def test_questions_are_bucketed_by_their_first_wh_word(text, kind):
    assert squad.wh_type(text) == kind


def test_the_development_file_loads_whole():
    articles, questions = squad.load(DEV)
    assert [a.name for a in articles] == ["normans", "rhine"]
    assert len(questions) == 706 and sum(not q.answerable for q in questions) == 320


@pytest.mark.parametrize("content", ['{"data": [{"title": "x"}]}', "[1, 2]", "not json"])
def test_a_file_of_another_shape_is_refused_clearly(tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(InvalidQuestionsFile, match="SQuAD 2.0"):
        squad.load(path)


def test_the_corpus_folder_is_written_once_and_gold_sentences_cover_the_answer(tmp_path, nlp):
    from qa.engine import Engine

    data = {"version": "v2.0", "data": [{"title": "Lighthouse_Keeping", "paragraphs": [{
        "context": "The keeper lit the lamp. He was born in Arbroath in 1801.",
        "qas": [{"id": "a", "question": "Where was the keeper born?", "is_impossible": False,
                 "answers": [{"text": "Arbroath", "answer_start": 40}]},
                {"id": "b", "question": "Where did the lamp go?", "is_impossible": True,
                 "answers": []}]}]}]}
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(data))
    articles, questions = squad.load(path)
    folder = squad.write_corpus(articles, tmp_path)
    assert (folder / "lighthouse_keeping.txt").read_text().startswith("Lighthouse Keeping\n\n")
    assert squad.write_corpus(articles, tmp_path) == folder
    engine = Engine.from_corpus(folder)
    spans = squad.sentence_spans(articles, squad.engine_passages(engine))
    assert squad.gold_sentences(questions[0], spans) == {("lighthouse_keeping", 1)}
    report = squad.evaluate_squad(lambda q, k: engine.ask(q, k).to_dict(), articles, questions,
                                  squad.engine_passages(engine))
    assert report.outcomes[0].rank == 1
    summary = report.summary
    assert summary["total"] == 2 and summary["answer_nothing"] == 50.0
