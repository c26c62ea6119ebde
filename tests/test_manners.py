"""Manner and means phrases, the short answers of manner how-questions, on the real pipeline's parses."""

from __future__ import annotations

import pytest

from qa.answering.answer import classify
from qa.answering.manners import manners

from .phrases import phrases


@pytest.mark.parametrize(("text", "expected"), [
    ("He gained power by marrying the daughter of the duke.", ["by marrying the daughter of the duke"]),
    ("Through stream capture, the Rhine extended its watershed southward.", ["stream capture"]),
    ("The gorge was created by erosion.", ["erosion"]),
    ("Mercader attacked Trotsky with an ice axe.", ["an ice axe"]),
    ("He was treated with great cruelty.", ["great cruelty"]),
    ("She solved the problem in a clever way.", ["in a clever way"]),
    ("They secretly applied to have their citizenship restored.", ["secretly"]),
    ("He was treated harshly.", ["harshly"]),
    ("The officers were all imprisoned in cold, dark cells and tortured.",
     ["imprisoned in cold , dark cells and tortured"]),
    # a doer, a companion, a time or a place is no manner; nor is an adverb of time or degree
    ("Trotsky was killed by Mercader.", []),
    ("He travelled to Paris with his wife.", []),
    ("By the Pliocene period, the river had captured many streams.", []),
    ("He recently moved to Paris.", []),
    ("The city was founded in 1200.", []),
    ("He was sentenced to 10 years in prison.", []),
])
def test_manner_and_means_phrases_are_found_by_their_grammar(nlp, text, expected):
    assert phrases(nlp, text, manners) == expected


@pytest.mark.parametrize(("question", "kind"), [("How did Mercader attack Trotsky?", "how"),
                                                ("How were the officers treated?", "how"),
                                                ("How long did he stay?", "how_long"),
                                                ("How many agents were there?", "how_many")])
def test_manner_questions_are_told_from_measures(question, kind):
    assert classify(question.lower()).kind == kind


def test_a_manner_question_is_answered_with_the_predicate_of_a_passive(engine):
    result = engine.ask("How were the arrested officers treated in prison?")
    assert result.answer is not None
    assert result.answer.text == "imprisoned in cold, dark cells and tortured"
    assert result.passages[result.answer.passage_rank - 1].text[
        result.answer.start:result.answer.end] == result.answer.text


def test_a_manner_question_is_answered_with_the_instrument(engine):
    result = engine.ask("How did Mercader attack Trotsky?", min_confidence=0.0)
    assert result.answer is not None and result.answer.text == "an ice axe"


def test_a_manner_question_without_a_stated_manner_says_what_was_looked_for(engine):
    result = engine.ask("How did Eitingon die?")
    assert result.answer is None and result.no_answer_code == "no_candidate"
    assert "'by'" in result.no_answer_reason and "manner adverb" in result.no_answer_reason
