"""The JSON API through Flask's test client: every field of the contract and every error path."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import EnvironBuilder, run_wsgi_app

from qa.service.api import MAX_BODY, MAX_QUESTION

PROBLEM_KEYS = {"type", "title", "status", "detail"}
ASK_KEYS = {"question", "answer", "no_answer_reason", "no_answer_code", "passages", "took_ms"}
ANSWER_KEYS = {"text", "label", "passage_rank", "start", "end", "confidence"}
PASSAGE_KEYS = {"rank", "id", "score", "text", "document", "title", "section", "sentence_index", "entities",
                "matches", "explanation"}
SECURITY = {"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
            "Referrer-Policy"}


def assert_problem(response, status: int, *fragments: str) -> dict:
    """Every error has the same shape: RFC 9457 problem+json whose detail says what to fix."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert set(body) >= PROBLEM_KEYS
    assert body["status"] == status
    assert body["type"].startswith("https://")
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and len(body["detail"]) > 10
    assert "Traceback" not in response.get_data(as_text=True)
    for fragment in fragments:
        assert fragment in body["detail"], body["detail"]
    return body


def post_json(client, body, **kwargs):
    return client.post("/api/ask", data=json.dumps(body), content_type="application/json", **kwargs)


# --- POST /api/ask and GET /api/ask: the contract -------------------------------------------------

def test_ask_returns_every_field_of_the_contract(client):
    body = post_json(client, {"question": "When did Eitingon die?", "top_k": 3}).get_json()
    assert set(body) == ASK_KEYS
    assert body["question"] == "When did Eitingon die?"
    assert body["no_answer_reason"] is None
    assert isinstance(body["took_ms"], int | float) and body["took_ms"] >= 0
    answer = body["answer"]
    assert set(answer) == ANSWER_KEYS
    assert (answer["text"], answer["label"]) == ("1981", "DATE")
    assert 0 < answer["confidence"] <= 1
    source = body["passages"][answer["passage_rank"] - 1]
    assert source["text"][answer["start"]:answer["end"]] == answer["text"]
    assert [p["rank"] for p in body["passages"]] == [1, 2, 3]
    scores = [p["score"] for p in body["passages"]]
    assert scores == sorted(scores, reverse=True)


def test_passage_offsets_point_into_the_passage_text(client):
    body = post_json(client, {"question": "Who killed Trotsky with an ice axe?", "top_k": 5})
    body = body.get_json()
    assert body["passages"]
    for p in body["passages"]:
        assert set(p) == PASSAGE_KEYS
        assert isinstance(p["document"], str) and isinstance(p["section"], str)
        assert isinstance(p["sentence_index"], int) and p["sentence_index"] >= 0
        for e in p["entities"]:
            assert set(e) == {"text", "label", "start", "end"}
            assert p["text"][e["start"]:e["end"]] == e["text"]
        assert p["matches"], "a ranked passage matches at least one question term"
        for m in p["matches"]:
            assert set(m) == {"term", "start", "end"}
            assert 0 <= m["start"] < m["end"] <= len(p["text"])
        assert p["explanation"] and all(isinstance(c["text"], str) for c in p["explanation"])


def test_top_k_defaults_to_3_and_is_honoured(client):
    assert len(post_json(client, {"question": "Eitingon"}).get_json()["passages"]) == 3
    died = post_json(client, {"question": "When did Eitingon die?", "top_k": 1}).get_json()
    assert len(died["passages"]) == 1
    one = post_json(client, {"question": "Who was Eitingon?", "top_k": 1}).get_json()
    assert one["answer"]["passage_rank"] == len(one["passages"]) == 2, "the answer's passage is shown too"
    two = client.post("/api/ask", data='{"question": "When did Eitingon die?", "top_k": 2.0}',
                      content_type="application/json").get_json()
    assert len(two["passages"]) == 2, "2.0 is the integer 2 in JSON (and in JSON Schema)"
    many = post_json(client, {"question": "Eitingon", "top_k": 50}).get_json()["passages"]
    assert 3 < len(many) <= 50


def test_get_answers_like_post(client):
    question = "Where was Eitingon held in jail?"
    posted = post_json(client, {"question": question, "top_k": 2}).get_json()
    got = client.get("/api/ask", query_string={"q": question, "top_k": "2"})
    assert got.status_code == 200 and got.mimetype == "application/json"
    got = got.get_json()
    posted.pop("took_ms"), got.pop("took_ms")
    assert got == posted


def test_question_is_trimmed_and_1000_characters_are_allowed(client):
    body = post_json(client, {"question": "  When did Eitingon die?\n"}).get_json()
    assert body["question"] == "When did Eitingon die?"
    longest = ("Eitingon " * 200)[:MAX_QUESTION]
    response = post_json(client, {"question": "   " + longest + "   "})
    assert response.status_code == 200


@pytest.mark.parametrize("question, reason", [
    ("the of and?", "no searchable words"),
    ("zyxxyqq blorft", "occur in the corpus"),
])
def test_no_match_is_an_answer_with_a_reason_not_an_error(client, question, reason):
    body = post_json(client, {"question": question}).get_json()
    assert body["answer"] is None and body["passages"] == []
    assert reason in body["no_answer_reason"]


def test_json_with_charset_parameter_is_accepted(client):
    response = client.post("/api/ask", data=json.dumps({"question": "Who was Sofia?"}),
                           content_type="application/json; charset=utf-8")
    assert response.status_code == 200


def test_non_ascii_text_is_sent_as_utf8(client):
    response = client.get("/api/passages", query_string={"limit": "1000"})
    raw = response.get_data()
    assert "Ramón".encode() in raw and b"\\u00f3" not in raw


def test_json_is_written_compact_and_in_order_and_a_lone_surrogate_is_escaped(app):
    dumps = app.json.dumps
    value = {"z": "Ramón", "a": [1, 2.5, None, True]}
    assert dumps(value, separators=(",", ":")) == '{"z":"Ramón","a":[1,2.5,null,true]}'
    assert json.loads(dumps(value, indent=2)) == value
    assert dumps({"field": "\ud800"}, separators=(",", ":")) == '{"field":"\\ud800"}'


# --- errors ---------------------------------------------------------------------------------------

BAD_BODIES = [
    ("not json", "not valid JSON"),
    ('{"question": "x",}', "not valid JSON"),
    ("", "not valid JSON"),
    ('["When did Eitingon die?"]', "not an object"),
    ('"When did Eitingon die?"', "not an object"),
    ("{}", "'question' is required"),
    ('{"top_k": 3}', "'question' is required"),
    ('{"question": "x", "topk": 3}', "unknown field(s) 'topk'"),
    ('{"question": "x", "question": "y"}', "duplicate key(s) 'question'"),
    ('{"question": "x", "extra": {"a": 1, "a": 2}}', "duplicate key(s) 'a'"),
    ('{"question": "x", "top_k": NaN}', "NaN"),
    ('{"question": "x", "top_k": Infinity}', "Infinity"),
    ('{"question": "x", "top_k": -Infinity}', "-Infinity"),
    ('{"question": 42}', "question must be a string, not a number"),
    ('{"question": null}', "not a null"),
    ('{"question": ["a"]}', "not a array"),
    ('{"question": ""}', "question is empty"),
    ('{"question": " \\n\\t "}', "question is empty"),
    (json.dumps({"question": "x" * (MAX_QUESTION + 1)}), "over the limit of 1000"),
    ('{"question": "\\ud800 who?"}', "unpaired surrogate"),
    ('{"question": "x", "top_k": 0}', "top_k is 0, out of range"),
    ('{"question": "x", "top_k": 51}', "top_k is 51, out of range"),
    ('{"question": "x", "top_k": -1}', "out of range"),
    ('{"question": "x", "top_k": true}', "not a boolean"),
    ('{"question": "x", "top_k": 3.5}', "not a number"),
    ('{"question": "x", "top_k": 6e1}', "top_k is 60, out of range"),
    ('{"question": "x", "top_k": "3"}', "not a string"),
    ('{"question": "x", "top_k": null}', "not a null"),
    ('{"question": "x", "top_k": 1e400}', "not a number"),
    ('{"question": "x", "top_k": ' + "9" * 5000 + "}", "not usable JSON"),
    ("[" * 5000 + "]" * 5000, "not usable JSON"),
]


@pytest.mark.parametrize("raw, fragment", BAD_BODIES)
def test_bad_bodies_are_400_problems_naming_the_fault(client, raw, fragment):
    response = client.post("/api/ask", data=raw, content_type="application/json")
    assert_problem(response, 400, fragment)


def test_unknown_and_duplicate_fields_are_listed_in_the_problem(client):
    body = client.post("/api/ask", data='{"question": "x", "b": 1, "a": 2}',
                       content_type="application/json").get_json()
    assert body["fields"] == ["b", "a"]
    body = client.post("/api/ask", data='{"question": "x", "question": "y"}',
                       content_type="application/json").get_json()
    assert body["fields"] == ["question"]


def test_body_that_is_not_utf8_is_400(client):
    response = client.post("/api/ask", data=b'{"question": "\xff\xfe"}',
                           content_type="application/json")
    assert_problem(response, 400, "not UTF-8")


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", "application/jsonx"])
def test_body_not_sent_as_json_is_415(client, content_type):
    kwargs = {"content_type": content_type} if content_type else {}
    response = client.post("/api/ask", data='{"question": "x"}', **kwargs)
    assert_problem(response, 415, "Content-Type: application/json")


def test_body_of_exactly_16_kib_is_read(client):
    body = json.dumps({"question": "When did Eitingon die?"})
    body = body[:-1] + " " * (MAX_BODY - len(body)) + "}"
    assert len(body) == MAX_BODY
    assert client.post("/api/ask", data=body, content_type="application/json").status_code == 200


def test_body_over_16_kib_is_413_before_anything_else(client):
    body = json.dumps({"question": "x", "pad": "y" * MAX_BODY})
    assert_problem(client.post("/api/ask", data=body, content_type="application/json"), 413,
                   "16 KiB")
    assert_problem(client.post("/api/ask", data=body, content_type="text/plain"), 413)


def test_body_without_content_length_over_the_limit_is_413(app):
    """A body of unknown length (chunked transfer encoding) is cut off at the limit too."""
    environ = EnvironBuilder("/api/ask", method="POST", data=b"x" * (MAX_BODY + 1024),
                             content_type="application/json").get_environ()
    del environ["CONTENT_LENGTH"]
    environ["wsgi.input_terminated"] = True
    body, status, headers = run_wsgi_app(app, environ, buffered=True)
    assert status.startswith("413")
    assert headers["Content-Type"] == "application/problem+json"
    assert json.loads(b"".join(body))["status"] == 413


@pytest.mark.parametrize("query, fragment", [
    ({}, "q (or question) is required, e.g. /api/ask?q="),
    ({"quest": "x"}, "unknown query parameter(s) 'quest'"),
    ({"q": "x", "question": "y"}, "as q or as question, not both"),
    ({"q": "x", "context": "9"}, "context is 9, out of range"),
    ({"q": "x", "explain": "maybe"}, "is not a boolean"),
    ({"q": ""}, "q is empty"),
    ({"q": "   "}, "q is empty"),
    ({"q": "x" * (MAX_QUESTION + 1)}, "over the limit"),
    ({"q": "x", "top_k": ""}, "is not an integer"),
    ({"q": "x", "top_k": "abc"}, "is not an integer"),
    ({"q": "x", "top_k": "1.5"}, "is not an integer"),
    ({"q": "x", "top_k": "1_0"}, "is not an integer"),
    ({"q": "x", "top_k": "٣"}, "is not an integer"),
    ({"q": "x", "top_k": "0"}, "out of range"),
    ({"q": "x", "top_k": "51"}, "out of range"),
    ({"q": "x", "top_k": "9" * 5000}, "is out of range"),
    ({"q": ["a", "b"]}, "given more than once"),
])
def test_bad_query_strings_are_400_problems(client, query, fragment):
    assert_problem(client.get("/api/ask", query_string=query), 400, fragment)


@pytest.mark.parametrize("method, path", [
    ("DELETE", "/api/ask"), ("PUT", "/api/ask"), ("PATCH", "/api/ask"), ("POST", "/api/health"),
    ("POST", "/api/passages"), ("DELETE", "/api/documents"), ("POST", "/api/openapi.json"),
])
def test_wrong_method_is_405_with_allow(client, method, path):
    response = client.open(path, method=method)
    body = assert_problem(response, 405, method, "use ")
    assert "GET" in response.headers["Allow"]
    assert body["type"].endswith("/method-not-allowed")


@pytest.mark.parametrize("path", ["/api/nope", "/api", "/api/ask/more", "/api/../etc/passwd"])
def test_unknown_api_path_is_404_problem(client, path):
    assert_problem(client.get(path), 404, "/api/openapi.json")


def test_unexpected_failure_is_a_500_problem_without_internals(engine):
    from qa.service.app import create_app

    app = create_app(engine=engine)

    def boom():
        raise RuntimeError("secret internal state /etc/shadow")

    app.add_url_rule("/api/boom", "boom", boom)
    app.add_url_rule("/boom", "page_boom", boom)
    response = app.test_client().get("/api/boom")
    body = assert_problem(response, 500, "try again")
    assert "secret" not in json.dumps(body) and "RuntimeError" not in json.dumps(body)
    page = app.test_client().get("/boom")
    assert page.status_code == 500 and page.mimetype == "text/html"
    assert "secret" not in page.get_data(as_text=True)


FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                               max_size=4),
    max_leaves=12)


@FUZZ
@given(body=st.one_of(json_values, st.fixed_dictionaries(
    {"question": json_values | st.text(max_size=60)}, optional={"top_k": json_values})))
def test_no_json_body_produces_a_server_error(client, body):
    response = post_json(client, body)
    assert response.status_code in (200, 400), response.get_data(as_text=True)
    if response.status_code == 400:
        assert_problem(response, 400)


@FUZZ
@given(raw=st.binary(max_size=200))
def test_no_raw_body_produces_a_server_error(client, raw):
    response = client.post("/api/ask", data=raw, content_type="application/json")
    assert response.status_code in (200, 400)


@FUZZ
@given(q=st.text(max_size=80), top_k=st.none() | st.text(max_size=5))
def test_no_query_string_produces_a_server_error(client, q, top_k):
    query = {"q": q} if top_k is None else {"q": q, "top_k": top_k}
    response = client.get("/api/ask", query_string=query)
    assert response.status_code in (200, 400), response.get_data(as_text=True)


# --- /api/passages, /api/documents, /api/health, /api/openapi.json --------------------------------

def test_passages_lists_the_corpus_in_order_with_entities(client, engine):
    body = client.get("/api/passages").get_json()
    assert set(body) == {"document", "section", "total", "offset", "limit", "next", "passages"}
    assert (body["document"], body["total"], body["offset"], body["limit"]) == (
        None, len(engine.passages), 0, 100)
    passages = body["passages"]
    assert [p["id"] for p in passages] == [f"article:{i}" for i in range(min(100, len(engine.passages)))]
    first = passages[0]
    assert set(first) == {"id", "document", "section", "sentence_index", "text", "entities",
                          "previous", "next"}
    assert first["previous"] is None and first["next"] == "article:1"
    assert passages[1]["previous"] == "article:0"
    for p in passages:
        for e in p["entities"]:
            assert p["text"][e["start"]:e["end"]] == e["text"]


def test_passages_pages_with_offset_and_limit(client, engine):
    page = client.get("/api/passages", query_string={"offset": "5", "limit": "3"}).get_json()
    assert [p["id"] for p in page["passages"]] == ["article:5", "article:6", "article:7"]
    past_end = client.get("/api/passages", query_string={"offset": "100000"}).get_json()
    assert past_end["passages"] == [] and past_end["total"] == len(engine.passages)


def test_passages_of_one_document(client, engine):
    name = engine.documents[0].name
    page = client.get("/api/passages", query_string={"document": name, "limit": "1000"}).get_json()
    assert page["document"] == name
    assert page["passages"] and all(p["document"] == name for p in page["passages"])
    assert page["total"] == sum(p.document == name for p in engine.passages)


def test_unknown_document_is_404_naming_the_known_ones(client, engine):
    body = assert_problem(client.get("/api/passages", query_string={"document": "nope"}), 404,
                          "'nope'", engine.documents[0].name)
    assert body["documents"] == [d.name for d in engine.documents]


@pytest.mark.parametrize("query, fragment", [
    ({"offset": "-1"}, "out of range"), ({"offset": "1000000001"}, "out of range"),
    ({"limit": "0"}, "out of range"),
    ({"limit": "1001"}, "out of range"), ({"limit": "ten"}, "not an integer"),
    ({"page": "2"}, "unknown query parameter(s) 'page'"),
    ({"document": ["a", "b"]}, "more than once"),
])
def test_bad_passage_queries_are_400(client, query, fragment):
    assert_problem(client.get("/api/passages", query_string=query), 400, fragment)


def test_documents_have_titles_sections_and_sizes(client, engine):
    body = client.get("/api/documents").get_json()
    assert body == {"documents": [{
        "name": d.name, "title": d.title, "sections": d.sections, "paragraphs": len(d.paragraphs),
        "passages": sum(p.document == d.name for p in engine.passages)} for d in engine.documents]}
    assert body["documents"][0]["title"] == "Nahum Eitingon"
    assert "Assassination of Trotsky" in body["documents"][0]["sections"]


def test_health_reports_ready_with_sizes_and_model(client, engine):
    body = client.get("/api/health").get_json()
    assert body == {"status": "ok", "documents": len(engine.documents),
                    "passages": len(engine.passages), "model": engine.model}


def test_openapi_document_is_served(client):
    body = client.get("/api/openapi.json").get_json()
    assert body["openapi"].startswith("3.1")
    assert "/api/ask" in body["paths"]


@pytest.mark.parametrize("method, path, kwargs", [
    ("GET", "/api/health", {}),
    ("POST", "/api/ask", {"json": {"question": "Who?"}}),
    ("POST", "/api/ask", {"data": "x", "content_type": "text/plain"}),
    ("GET", "/api/nope", {}),
    ("DELETE", "/api/ask", {}),
    ("GET", "/static/app.js", {}),
])
def test_security_headers_on_every_api_response(client, method, path, kwargs):
    response = client.open(path, method=method, **kwargs)
    assert set(response.headers.keys()) >= SECURITY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_no_wildcard_cors(client):
    response = client.get("/api/health", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize("request_kwargs", [
    {"method": "POST", "json": {"question": "When did Eitingon die?", "documents": ["nope"]}},
    {"method": "GET", "query_string": {"q": "When did Eitingon die?", "document": "nope"}},
])
def test_an_unknown_document_is_a_404_listing_the_documents(client, request_kwargs):
    response = client.open("/api/ask", **request_kwargs)
    assert response.status_code == 404 and response.get_json()["documents"] == ["article"]


def test_documents_and_min_confidence_are_honoured(client):
    body = post_json(client, {"question": "When did Eitingon die?", "documents": ["article"],
                              "min_confidence": 1.0}).get_json()
    assert body["answer"] is None and body["no_answer_code"] == "low_confidence"
    body = client.get("/api/ask?q=When+did+Eitingon+die%3F&document=article&min_confidence=0").get_json()
    assert body["answer"]["text"] == "1981"


@pytest.mark.parametrize(("body", "fragment"), [
    ({"question": "When?", "documents": "article"}, "list of document names"),
    ({"question": "When?", "documents": []}, "list of document names"),
    ({"question": "When?", "min_confidence": 2}, "from 0 to 1"),
    ({"question": "When?", "min_confidence": True}, "from 0 to 1"),
])
def test_bad_documents_or_min_confidence_say_what_to_send(client, body, fragment):
    response = post_json(client, body)
    assert response.status_code == 400 and fragment in response.get_json()["detail"]


def test_ranked_passages_carry_the_id_passages_uses_and_the_title(client):
    ranked = client.get("/api/ask", query_string={"q": "When did Eitingon die?"}).get_json()["passages"]
    listed = {p["id"]: p for p in client.get("/api/passages", query_string={"limit": 1000})
              .get_json()["passages"]}
    for p in ranked:
        assert listed[p["id"]]["text"] == p["text"]
        assert listed[p["id"]]["sentence_index"] == p["sentence_index"]
        assert p["title"] == "Nahum Eitingon"


def test_context_adds_the_neighbouring_sentences_in_reading_order(client):
    body = client.post("/api/ask", json={"question": "When did Eitingon die?", "context": 2}).get_json()
    listed = client.get("/api/passages", query_string={"limit": 1000}).get_json()["passages"]
    for p in body["passages"]:
        at = p["id"]
        before = [q for q in listed if q["document"] == p["document"]
                  and p["sentence_index"] - 2 <= q["sentence_index"] < p["sentence_index"]]
        after = [q for q in listed if q["document"] == p["document"]
                 and p["sentence_index"] < q["sentence_index"] <= p["sentence_index"] + 2]
        assert [n["text"] for n in p["context"]["before"]] == [q["text"] for q in before], at
        assert [n["text"] for n in p["context"]["after"]] == [q["text"] for q in after], at
    plain = client.post("/api/ask", json={"question": "When did Eitingon die?"}).get_json()
    assert all("context" not in p for p in plain["passages"])


@pytest.mark.parametrize("explain", [False, "false", "0"])
def test_explanations_can_be_left_out(client, explain):
    if isinstance(explain, bool):
        body = client.post("/api/ask", json={"question": "Who killed Trotsky?", "explain": explain})
    else:
        body = client.get("/api/ask", query_string={"q": "Who killed Trotsky?", "explain": explain})
    passages = body.get_json()["passages"]
    assert passages and all("explanation" not in p for p in passages)


def test_get_takes_question_as_well_as_q(client):
    by_q = client.get("/api/ask", query_string={"q": "When did Eitingon die?"}).get_json()
    by_question = client.get("/api/ask", query_string={"question": "When did Eitingon die?"}).get_json()
    assert by_q["answer"] == by_question["answer"] and by_q["answer"]["text"] == "1981"


def test_passages_filter_by_section_and_link_the_next_page(client, engine):
    section = engine.documents[0].sections[-1]
    expected = [p.text for p in engine.passages if p.section == section]
    texts, url = [], "/api/passages?" + urlencode({"section": section, "limit": 2})
    while url:
        body = client.get(url).get_json()
        assert body["section"] == section and body["total"] == len(expected)
        texts += [p["text"] for p in body["passages"]]
        url = body["next"]
    assert texts == expected


def test_an_unknown_section_is_a_404_naming_the_sections(client, engine):
    response = client.get("/api/passages", query_string={"section": "Nope"})
    assert_problem(response, 404, "no section named 'Nope'", engine.documents[0].sections[0])


def test_cross_origin_calls_are_off_by_default(client):
    response = client.get("/api/health", headers={"Origin": "https://elsewhere.example"})
    assert "Access-Control-Allow-Origin" not in response.headers
    preflight = client.options("/api/ask", headers={"Origin": "https://elsewhere.example",
                                                    "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_chosen_origins_get_cors_headers_and_preflights_are_answered(engine):
    from qa.service.app import create_app

    app = create_app({"QA_CORS_ORIGINS": ["https://tool.example"]}, engine=engine)
    client = app.test_client()
    preflight = client.options("/api/ask", headers={
        "Origin": "https://tool.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://tool.example"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()
    answer = client.post("/api/ask", json={"question": "When did Eitingon die?"},
                         headers={"Origin": "https://tool.example"})
    assert answer.headers["Access-Control-Allow-Origin"] == "https://tool.example"
    other = client.get("/api/health", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    assert "Access-Control-Allow-Origin" not in client.get("/", headers={
        "Origin": "https://tool.example"}).headers


@pytest.mark.parametrize(("value", "expected"), [
    ("", []), ("https://a.example, http://localhost:3000/", ["https://a.example", "http://localhost:3000"]),
    ("https://a.example,*", ["*"]),
])
def test_cors_origins_are_read_from_the_environment(value, expected):
    from qa.service.cors import origins

    assert origins(value) == expected


def test_a_cors_setting_that_is_not_an_origin_is_a_clear_error():
    from qa.errors import ConfigError
    from qa.service.cors import origins

    with pytest.raises(ConfigError, match="QA_CORS_ORIGINS has 'example.org', which is not an origin"):
        origins("example.org")


@pytest.mark.parametrize("value", ["5e-1", "2.8e-207", "1E0"])
def test_min_confidence_in_exponent_notation_is_a_number(client, value):
    response = client.get("/api/ask", query_string={"q": "When did Eitingon die?", "min_confidence": value})
    assert response.status_code == 200, response.get_data(as_text=True)
