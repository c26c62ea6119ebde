"""The question tokenizer: the shared tokenizer's tokens, memory that stays put, long runs cut cheaply."""

from __future__ import annotations

import random

import pytest

from qa.evaluation.questions import load_questions
from qa.question_tokenizer import MAX_RUN, QuestionTokenizer, bounded_runs

from .conftest import ROOT

SAMPLE_QUESTIONS = sorted(ROOT.glob("corpus/**/*.questions.jsonl"))
HOSTILE = {
    "punctuation": "!?.,;:" * 166 + "!?.,",
    "emoji": "\U0001F600" * 1000,
    "mixed": ("(a)'s-\u2026") * 142 + "(a)",
    "letters": "x" * 1000,
}


def shared_terms(engine, text: str) -> list[str]:
    """The terms as the shared pipeline's tokenizer makes them (what questions got before)."""
    with engine.nlp.memory_zone():
        doc = engine.nlp.tokenizer(text)
        tokens = [(t.idx, t.idx + len(t.text), t.lemma_, t.is_punct) for t in doc if not t.is_space]
        return list(dict.fromkeys(t for t, _, _ in engine.analyzer.terms(text, tokens)))


def test_terms_of_every_sample_question_are_those_of_the_shared_tokenizer(engine):
    questions = [q.question for q in load_questions(SAMPLE_QUESTIONS)]
    assert len(questions) > 100
    for q in questions:
        assert engine.question_terms(q) == shared_terms(engine, q), q


@pytest.mark.parametrize("text", ["When did Eitingon's sister die?", "U.S.A. e-mail https://x.org/a_b?",
                                  "ＴＲＯＴＳＫＹ don't can't 1,000 $5", "  tabs\tand\nnew lines  "])
def test_tokens_and_offsets_match_the_shared_tokenizer(nlp, text):
    expected = [(t.idx, t.idx + len(t.text), t.lemma_, t.is_punct) for t in nlp.tokenizer(text)
                if not t.is_space]
    assert QuestionTokenizer(nlp.tokenizer)(text) == expected


def test_new_words_never_reach_the_shared_vocabulary(engine):
    rng = random.Random(3)
    strings, lexemes = len(engine.nlp.vocab.strings), len(engine.nlp.vocab)
    for _ in range(500):
        word = "".join(rng.choice("abcdefghijklmnopqrstuvwxyzабвгдежзαβγδ") for _ in range(10))
        engine.ask(f"Did Eitingon meet {word} in {rng.randint(1, 10**9)}?", 3)
    assert (len(engine.nlp.vocab.strings), len(engine.nlp.vocab)) == (strings, lexemes)


def test_the_scratch_vocabulary_is_rebuilt_once_it_has_learnt_its_share(nlp, monkeypatch):
    import qa.question_tokenizer

    monkeypatch.setattr(qa.question_tokenizer, "MAX_NEW_LEXEMES", 50)
    tokenizer = QuestionTokenizer(nlp.tokenizer)
    for i in range(200):
        tokenizer(f"Who met zq{i}x and qz{i}y?")
        assert tokenizer.learnt <= 50 + 4  # one question's new words may cross the line
    assert tokenizer.rebuilds >= 5
    assert tokenizer("Who met Trotsky?")[2][:2] == (8, 15)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_long_run_reaches_the_tokenizer_in_pieces_and_the_offsets_stay_true(nlp, name):
    text = "Who wrote " + HOSTILE[name] + " in 1940?"
    cut, cuts = bounded_runs(text)
    assert max(len(run) for run in cut.split()) <= MAX_RUN
    assert len(cut) == len(text) + len(cuts) and cut.replace(" ", "") == text.replace(" ", "")
    tokens = QuestionTokenizer(nlp.tokenizer)(text)
    assert all(" " not in text[s:e] and text[s:e] for s, e, _, _ in tokens)
    assert [text[s:e] for s, e, _, _ in tokens][:2] == ["Who", "wrote"]
    assert [text[s:e] for s, e, _, _ in tokens][-2:] == ["1940", "?"]
    assert len(tokens) <= len(text)


def test_a_hostile_question_is_answered_with_only_its_real_words(engine):
    result = engine.ask("When did Eitingon die? " + HOSTILE["punctuation"], 3)
    assert result.answer and result.answer.text == "1981"
    assert engine.question_terms(HOSTILE["emoji"]) == []


def test_runs_up_to_the_limit_are_left_as_they_are():
    text = "a" * MAX_RUN + " " + "b" * 10
    assert bounded_runs(text) == (text, [])
