"""Property-based fuzzing: the API against its own OpenAPI document, the engine against any Unicode.

schemathesis generates requests from /api/openapi.json, valid ones and invalid ones, and sends them
in-process over WSGI; each response must be no server error, a documented status with a documented
content type, and conform to the response schema; invalid requests must be refused and valid ones
accepted. (Its pytest plugin's lazy fixtures do not run on pytest 9, so the strategies are driven
by hypothesis directly.) Then hypothesis asks the engine arbitrary questions: it never raises, and
every offset it returns lies inside its passage.
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode

from qa.service.openapi import document

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance, negative_data_rejection,
          positive_data_acceptance]
OPERATIONS = [(path, method) for path, item in document()["paths"].items() for method in item]
API_FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))
ENGINE_FUZZ = settings(max_examples=300, deadline=None, database=None,
                       suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def api_schema(engine):
    from qa.service.app import create_app

    return schemathesis.openapi.from_wsgi("/api/openapi.json",
                                          create_app({"TESTING": True}, engine=engine))


def _has_inputs(path: str, method: str) -> bool:
    operation = document()["paths"][path][method]
    return bool(operation.get("parameters") or operation.get("requestBody"))


@pytest.mark.parametrize("mode", list(GenerationMode), ids=str)
@pytest.mark.parametrize("path, method", OPERATIONS)
def test_api_conforms_to_its_openapi_document(api_schema, path, method, mode):
    if mode is GenerationMode.NEGATIVE and not _has_inputs(path, method):
        pytest.skip("no parameters or body: nothing can be invalid")
    operation = api_schema[path][method]

    @API_FUZZ
    @given(case=operation.as_strategy(mode))
    def run(case):
        case.call_and_validate(checks=CHECKS)

    run()


# --- the engine, on any question ---------------------------------------------------------------

def corpus_words(engine) -> list[str]:
    return sorted({w for p in engine.passages for w in re.findall(r"\w+", p.text)})


def questions(engine):
    """Arbitrary Unicode, mixed with words of the corpus so that passages and answers come back."""
    words = st.sampled_from(corpus_words(engine) + ["Who", "When", "Where", "What", "How many"])
    piece = words | st.text(max_size=12) | st.sampled_from(["?", "'s", "’s", "\u00ad", "\u200b",
                                                            "\u202e", "\U0001f600", "  ", "\n"])
    return st.lists(piece, max_size=12).map(" ".join) | st.text(max_size=200)


def assert_offsets_inside(result: dict) -> None:
    for p in result["passages"]:
        n = len(p["text"])
        for e in p["entities"]:
            assert 0 <= e["start"] < e["end"] <= n and p["text"][e["start"]:e["end"]] == e["text"]
        for m in p["matches"]:
            assert 0 <= m["start"] < m["end"] <= n
    answer = result["answer"]
    if answer:
        text = result["passages"][answer["passage_rank"] - 1]["text"]
        assert 0 <= answer["start"] < answer["end"] <= len(text)
        if answer["label"] == "YES_NO":  # start and end mark the words it rests on
            assert answer["text"] in ("yes", "no")
        else:
            assert text[answer["start"]:answer["end"]] == answer["text"]


def test_engine_never_raises_and_every_offset_lies_inside_its_passage(engine):
    @ENGINE_FUZZ
    @given(question=questions(engine), top_k=st.integers(1, 50))
    def run(question, top_k):
        result = engine.ask(question, top_k).to_dict()
        answer = result["answer"]
        # the passage the answer comes from is always shown, even when it ranks below top_k
        assert len(result["passages"]) <= max(top_k, answer["passage_rank"] if answer else 0)
        assert answer is not None or result["no_answer_reason"]
        assert_offsets_inside(result)

    run()


def test_the_fuzzing_reaches_answers_not_only_refusals(engine):
    """The question strategy is useful: corpus words give passages and answers, offsets included."""
    result = engine.ask("Who killed Trotsky in Mexico?", 5).to_dict()
    assert result["answer"] and result["passages"]
    assert_offsets_inside(result)


@pytest.mark.parametrize("question", ["\ud800", "Who killed \udcffTrotsky?"])
def test_engine_never_raises_on_lone_surrogates(engine, question):
    engine.ask(question)


@pytest.mark.parametrize("question", ["Who killed Trot\u00adsky?", "Who killed Trotsky\u200b?",
                                      "Who killed Trotsky?\u202c", "Who killed ＴＲＯＴＳＫＹ?"])
def test_invisible_and_compatibility_characters_do_not_hide_a_word(engine, question):
    assert engine.question_terms(question) == engine.question_terms("Who killed Trotsky?")


def test_new_words_in_questions_never_grow_spacy_s_shared_strings(engine):
    """Memory stays bounded: questions are tokenised on a scratch vocabulary (qa/question_tokenizer.py),
    so words the engine never saw leave the shared StringStore as it was."""
    strings = engine.nlp.vocab.strings
    before = len(strings)
    for i in range(1000, 3000):
        engine.ask(f"Did Eitingon meet Zq{i}xv in {100_000 + i} and pay {i * 7919} roubles?")
    assert len(strings) == before
