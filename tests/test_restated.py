"""A candidate that restates the question's own words is no answer to it: the real pipeline's parse and
the real engine over a small article."""

from __future__ import annotations

import pytest

from qa.answering import restated

ARTICLE = """The Lorn Settlers

The Lorn settlers had a profound effect on Pictish culture and history after their landing at Sound Bay.

A wide rift system developed in the Lorn mountains during their uplift.
"""


@pytest.fixture(scope="module")
def lorn(tmp_path_factory):
    from qa.engine import Engine

    d = tmp_path_factory.mktemp("lornset")
    (d / "lorn.txt").write_text(ARTICLE, encoding="utf-8")
    return Engine.from_corpus(d)


def test_a_candidate_repeating_two_words_of_the_question_is_no_answer(lorn):
    result = lorn.ask("Who did the Pictish culture have a profound effect on?", min_confidence=0.0)
    assert result.answer is None and result.no_answer_code == "contradicted"
    assert "repeats the question's own words 'pictish' 'culture'" in result.no_answer_reason


@pytest.mark.parametrize(("question", "answer"), [
    ("What rift system developed in the Lorn mountains?", "rift system"),  # the asked phrase itself
    ("Who had a profound effect on Pictish culture?", "Lorn"),
])
def test_the_asked_phrase_or_a_candidate_without_the_questions_words_is_read_as_before(lorn, question,
                                                                                         answer):
    result = lorn.ask(question, min_confidence=0.0)
    assert result.no_answer_code is None and answer in result.answer.text


def test_a_question_reads_its_own_phrases_outside_the_wh_phrase_and_not_when_asking_another():
    assert restated.in_question("who did the irish culture have a profound effect on?") == frozenset(
        {("irish", "culture"), ("profound", "effect")})
    assert restated.in_question("what rift system developed in the alpine orogeny?") == frozenset(
        {("alpine", "orogeny")})
    assert restated.in_question("besides constant flooding, why else was there regulation?") == frozenset()
