"""The Hit@1 miss analysis on a small SQuAD-format article, through the real pipeline and engine."""

from __future__ import annotations

import json

import pytest

from qa.answering.reader import Reader
from qa.cache import cache_dir
from qa.engine import Engine
from qa.evaluation import misses, squad

CONTEXT = ("The Volga rises near Moscow. The river ends in the Caspian Sea. "
           "Kazan lies on the Volga, where the summer ends early. The current is wide and slow.")


def dataset(tmp_path, *questions):
    """A one-article SQuAD 2.0 file whose questions are (question, answer) with the answer in CONTEXT."""
    qas = [{"id": str(i), "question": q, "is_impossible": False,
            "answers": [{"text": a, "answer_start": CONTEXT.index(a)}]} for i, (q, a) in enumerate(questions)]
    path = tmp_path / "tiny-squad.json"
    article = {"title": "Volga", "paragraphs": [{"context": CONTEXT, "qas": qas}]}
    path.write_text(json.dumps({"data": [article]}))
    articles, loaded = squad.load(path)
    engine = Engine.from_corpus(squad.write_corpus(articles, cache_dir()), reader=Reader.neutral())
    return engine, articles, loaded


def test_a_gold_sentence_outmatched_is_a_weaker_match_and_a_first_one_no_miss(tmp_path):
    engine, articles, questions = dataset(tmp_path, ("Where does the Volga end?", "the Caspian Sea"),
                                          ("Which city lies on the Volga?", "Kazan"))
    found = misses.misses(engine, articles, questions)
    assert [(m.question, m.cause) for m in found] == [("Where does the Volga end?", misses.WEAKER_MATCH)]
    miss = found[0]
    assert miss.kind == "where" and miss.rank > 1 and miss.gold == "The river ends in the Caspian Sea."
    assert miss.first.startswith("Kazan") and miss.first_parts["term"] > miss.gold_parts["term"] > 0


def test_a_gold_sentence_without_the_questions_words_is_not_retrieved(tmp_path):
    engine, articles, questions = dataset(tmp_path, ("How broad is the Volga?", "wide and slow"))
    found = misses.misses(engine, articles, questions)
    assert [(m.cause, m.rank, m.gold_parts) for m in found] == [(misses.NOT_RETRIEVED, None, {})]


def test_the_kind_filter_keeps_only_that_question_kind(tmp_path):
    engine, articles, questions = dataset(tmp_path, ("Where does the Volga end?", "the Caspian Sea"))
    assert misses.misses(engine, articles, questions, kind="when") == []
    assert len(misses.misses(engine, articles, questions, kind="where")) == 1


def test_the_misses_command_names_a_missing_file_without_a_traceback(capsys):
    with pytest.raises(SystemExit) as stop:
        misses.main(["no-such-file.json"])
    assert stop.value.code == 2 and "no-such-file.json: no such file" in capsys.readouterr().err
