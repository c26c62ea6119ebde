"""Reason and purpose phrases, the short answers of why-questions, on the real pipeline's parses."""

from __future__ import annotations

import pytest

from qa.answering.answer import classify
from qa.answering.reasons import reasons

from .phrases import phrases


@pytest.mark.parametrize(("text", "expected"), [
    ("The river was shortened due to a number of canalisation projects.",
     ["a number of canalisation projects"]),
    ("The water falls into the depths because of the greater density of cold water.",
     ["the greater density of cold water"]),
    ("The Ruhr is a clean river, thanks to stricter environmental controls.",
     ["stricter environmental controls"]),
    ("He left early because he was tired of the noise.", ["he was tired of the noise"]),
    ("They were waiting outside, in separate cars, to provide a getaway for Mercader.",
     ["to provide a getaway for Mercader"]),
    ("A regulation was called for, in order to counteract the constant flooding.",
     ["to counteract the constant flooding"]),
    # a reason stops where its clause does; "to" after "able" or a verb of wanting is no purpose
    ("The river is shortened due to canalisation projects, the total length being hard to measure.",
     ["canalisation projects"]),
    ("She was able to recruit a young Spaniard.", []),
    ("He wanted to see the sea.", []),
])
def test_reason_and_purpose_phrases_are_found_by_their_grammar(nlp, text, expected):
    assert phrases(nlp, text, reasons) == expected


@pytest.mark.parametrize("question", ["Why was the Rhine regulated?",
                                      "What was the purpose of his mission to America?",
                                      "What was the reason for the delay?"])
def test_questions_asking_for_a_reason_or_purpose_are_why_questions(question):
    assert classify(question.lower()).kind == "why"


def test_a_why_question_is_answered_with_the_reason_its_passage_gives(engine):
    result = engine.ask("Why did Eitingon lose his post as deputy director?")
    assert result.answer is not None and result.answer.text == "his poor personal relations with Serebryansky"
    assert result.passages[result.answer.passage_rank - 1].text[
        result.answer.start:result.answer.end] == result.answer.text


def test_a_why_question_without_a_stated_reason_says_what_was_looked_for(engine):
    result = engine.ask("Why did Stalin want Trotsky killed?")
    assert result.answer is None and result.no_answer_code == "no_candidate"
    assert "'because'" in result.no_answer_reason and "'to ...'" in result.no_answer_reason
