"""Yes/no questions answered yes or no from the real pipeline's stored parse, through the real engine."""

from __future__ import annotations

import pytest

from qa.answering.answer import classify

ARTICLE = """Ada Keeper

Ada Keeper was a Scottish lighthouse keeper. Her mother sold fish in Arbroath.

Keeper never married. During the great storm of 1881 she rescued seven fishermen from a sinking boat.
Keeper refused to leave the lighthouse during the storm. The board later accused her of taking money
from the fishermen, and she did not deny that she had taken the money.
"""


@pytest.fixture(scope="module")
def keeper(tmp_path_factory):
    from qa.engine import Engine

    d = tmp_path_factory.mktemp("keeper")
    (d / "keeper.txt").write_text(ARTICLE, encoding="utf-8")
    return Engine.from_corpus(d)


def said(result) -> str:
    """The words of its passage the yes or no rests on."""
    a = result.answer
    return result.passages[a.passage_rank - 1].text[a.start:a.end]


def test_a_passage_that_states_it_answers_yes(keeper):
    result = keeper.ask("Did Keeper rescue seven fishermen?")
    assert (result.answer.text, result.answer.label) == ("yes", "YES_NO")
    assert said(result) == "she rescued seven fishermen"
    assert 0 < result.answer.confidence < 1


@pytest.mark.parametrize(("question", "negator"), [
    ("Did Keeper marry?", "never"),
    ("Did Keeper leave the lighthouse during the storm?", "refused"),  # a negative implicative verb
])
def test_a_negated_clause_answers_no_and_points_at_the_negating_word(keeper, question, negator):
    result = keeper.ask(question)
    assert result.answer.text == "no" and said(result) == negator


def test_a_denial_that_is_itself_negated_answers_yes(keeper):
    assert keeper.ask("Did Keeper take the money?").answer.text == "yes"  # "did not deny that she had"


def test_a_passage_that_does_not_speak_to_the_question_gets_no_verdict(keeper):
    result = keeper.ask("Did Keeper sail to Norway with the board?")
    assert result.answer is None and result.no_answer_code == "not_stated"
    assert "under half" in result.no_answer_reason


def test_what_a_passage_says_of_someone_else_is_no_yes(keeper):
    result = keeper.ask("Did Keeper sell fish in Arbroath?")  # her mother did
    assert result.answer is None and result.no_answer_code == "not_stated"
    assert "does not name" in result.no_answer_reason


def test_a_negative_question_is_left_unanswered(keeper):
    assert classify("Didn't Keeper marry?").kind == "yes_no"
    result = keeper.ask("Didn't Keeper marry?")
    assert result.answer is None and "ambiguous" in result.no_answer_reason


def test_the_threshold_applies_to_a_yes_or_no(keeper):
    result = keeper.ask("Did Keeper marry?", min_confidence=0.9)
    assert result.answer is None and result.no_answer_code == "low_confidence"
    assert "'no'" in result.no_answer_reason


def test_the_seed_article_answers_no_from_a_noun_of_denial(engine):
    result = engine.ask("Did Eitingon confess under torture?")
    assert result.answer.text == "no" and said(result) == "denial"
