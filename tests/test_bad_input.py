"""The catalogue of bad input: each case's status and message, never a 5xx, never a language call.

One table, one row per input a caller might send (body, field, query string, method and path, the
page's ``/?q=``). Every row checks the status and the words the caller reads; every /api/ error has
the one problem+json shape; and every rejection is made before the engine is called (a counting
wrapper around the real engine sees no call), so it costs no spaCy or BM25 work.
"""

from __future__ import annotations

import html
import json

import pytest

from qa.service.api import MAX_BODY, MAX_QUESTION

from .test_api import assert_problem

JSON = "application/json"
PROBLEM_FIELDS = {"type", "title", "status", "detail", "fields", "documents"}
ASK = "When did Eitingon die?"
XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"


class CountingEngine:
    """The real engine, recording each question that reaches ``ask``."""

    def __init__(self, engine):
        self._engine = engine
        self.asked: list[str] = []

    def __getattr__(self, name):
        return getattr(self._engine, name)

    def ask(self, question: str, top_k: int = 3, *args, **kwargs):
        self.asked.append(question)
        return self._engine.ask(question, top_k, *args, **kwargs)


@pytest.fixture(scope="module")
def spy(engine):
    return CountingEngine(engine)


@pytest.fixture(scope="module")
def spied_app(spy):
    from qa.service.app import create_app

    return create_app({"TESTING": True}, engine=spy)


@pytest.fixture
def spied(spied_app, spy):
    """A client of the app over the counting engine, with the count reset (examples ask at start)."""
    spy.asked.clear()
    return spied_app.test_client()


def case(kind: str, name: str, method: str, path: str, status: int, fragment: str, asks: bool,
         **request):
    return pytest.param(method, path, request, status, fragment, asks, id=f"{kind}:{name}")


def body(name: str, raw: str | bytes | None, status: int, fragment: str, content_type=JSON,
         kind: str = "body"):
    request = {} if raw is None else {"data": raw}
    if content_type:
        request["content_type"] = content_type
    return case(kind, name, "POST", "/api/ask", status, fragment, status == 200, **request)


def field(name: str, value: dict | str, status: int, fragment: str):
    """A field-level case: a JSON object (or raw JSON text, for what json.dumps cannot write)."""
    return body(name, value if isinstance(value, str) else json.dumps(value), status, fragment,
                kind="field")


def query(name: str, params: dict | str, status: int, fragment: str, path: str = "/api/ask"):
    return case("query", name, "GET", path, status, fragment, status == 200 and path == "/api/ask",
                query_string=params)


def page(name: str, q: str | None, status: int, fragment: str, **extra: str):
    params = {} if q is None else {"q": q, **extra}
    asks = status == 200 and q is not None and bool(q.strip())
    return case("page", name, "GET", "/", status, fragment, asks, query_string=params)


def route(name: str, method: str, path: str, status: int, fragment: str, asks: bool = False):
    return case("route", name, method, path, status, fragment, asks)


CATALOGUE = [
    # --- the body: presence, media type, encoding, syntax, top-level type, size, depth -----------
    body("none-no-type", None, 415, "there was none", content_type=None),
    body("none-json", None, 400, "not valid JSON"),
    body("empty-no-type", "", 415, "Content-Type: application/json", content_type=None),
    body("text-plain", json.dumps({"question": ASK}), 415, "'text/plain'", content_type="text/plain"),
    body("form", "question=Who", 415, "application/x-www-form-urlencoded",
         content_type="application/x-www-form-urlencoded"),
    body("problem-json", json.dumps({"question": ASK}), 415, "application/problem+json",
         content_type="application/problem+json"),
    body("json-uppercase-type", json.dumps({"question": ASK}), 200, "1981", content_type="APPLICATION/JSON"),
    body("latin-1-declared", '{"question": "Café?"}'.encode("latin-1"), 400, "not UTF-8",
         content_type="application/json; charset=latin-1"),
    body("invalid-utf8", b'{"question": "\xc3\x28"}', 400, "bad byte at offset 14"),
    body("utf16-with-bom", json.dumps({"question": ASK}).encode("utf-16"), 400, "not UTF-8"),
    body("utf8-bom", b"\xef\xbb\xbf" + json.dumps({"question": ASK}).encode(), 400, "BOM"),
    body("truncated", '{"question": "Who', 400, "not valid JSON"),
    body("whitespace-only", "   \n ", 400, "not valid JSON"),
    body("trailing-garbage", '{"question": "Who?"} x', 400, "Extra data"),
    body("single-quotes", "{'question': 'Who?'}", 400, "not valid JSON"),
    body("comment", '{"question": "Who?" /* why */}', 400, "not valid JSON"),
    body("top-level-array", json.dumps([ASK]), 400, "a JSON array, not an object"),
    body("top-level-string", json.dumps(ASK), 400, "a JSON string, not an object"),
    body("top-level-number", "42", 400, "a JSON number, not an object"),
    body("top-level-null", "null", 400, "a JSON null, not an object"),
    body("top-level-true", "true", 400, "a JSON boolean, not an object"),
    body("huge", json.dumps({"question": ASK, "pad": "x" * MAX_BODY}), 413, "16 KiB"),
    body("huge-any-type", "x" * (MAX_BODY + 1), 413, "16 KiB", content_type="text/plain"),
    body("deep-array", '{"question": "x", "top_k": ' + "[" * 3000 + "]" * 3000 + "}", 400,
         "not usable JSON"),
    body("deep-object", '{"a": ' * 2000 + "1" + "}" * 2000, 400, "not usable JSON"),
    body("duplicate-key", '{"question": "Who?", "question": "Why?"}', 400, "duplicate key(s) 'question'"),
    body("NaN", '{"question": "Who?", "top_k": NaN}', 400, "NaN is not valid JSON"),
    body("Infinity", '{"question": "Who?", "top_k": Infinity}', 400, "Infinity is not valid JSON"),
    body("unknown-field", json.dumps({"question": ASK, "k": 3}), 400, "unknown field(s) 'k'"),
    # --- the fields: question -----------------------------------------------------------------
    field("question-missing", {"top_k": 3}, 400, "the field 'question' is required"),
    field("question-null", {"question": None}, 400, "question must be a string, not a null"),
    field("question-number", {"question": 7}, 400, "not a number"),
    field("question-boolean", {"question": True}, 400, "not a boolean"),
    field("question-object", {"question": {"text": ASK}}, 400, "not a object"),
    field("question-array", {"question": [ASK]}, 400, "not a array"),
    field("question-overflowing-number", '{"question": 1e999}', 400, "not a number"),
    field("question-empty", {"question": ""}, 400, "question is empty"),
    field("question-blank", {"question": " \t\n "}, 400, "question is empty"),
    field("question-unicode-spaces", {"question": "\u00a0\u2003\u3000"}, 400, "question is empty"),
    field("question-too-long", {"question": "a" * (MAX_QUESTION + 1)}, 400,
          "1001 characters long, over the limit of 1000"),
    field("question-1000", {"question": "Eitingon " * 111}, 200, "Eitingon"),
    field("question-1000-emoji", {"question": "\U0001f600" * MAX_QUESTION}, 200, "no searchable words"),
    field("question-nul", {"question": "Who\x00 killed Trotsky?"}, 400,
          "control character U+0000 at offset 3"),
    field("question-escape", {"question": "\x1b[31mTrotsky"}, 400, "control character U+001B"),
    field("question-vertical-tab", {"question": "Who\x0bdied?"}, 400, "U+000B"),
    field("question-delete", {"question": "Who\x7f?"}, 400, "U+007F"),
    field("question-c1", {"question": "Who\x85?"}, 400, "U+0085"),
    field("question-tab-newline", {"question": "When did\tEitingon\r\ndie?"}, 200, "1981"),
    field("question-lone-high-surrogate", '{"question": "\\ud800 who?"}', 400, "unpaired surrogate"),
    field("question-lone-low-surrogate", '{"question": "who \\udfff"}', 400, "unpaired surrogate"),
    field("question-reversed-surrogates", '{"question": "\\udc00\\ud800"}', 400, "unpaired surrogate"),
    field("question-paired-surrogates", '{"question": "Who killed Trotsky \\ud83e\\ude93?"}', 200,
          "Mercader"),
    field("question-bidi-override", {"question": "\u202eWho killed Trotsky?\u202c"}, 200, "Trotsky"),
    field("question-zero-width", {"question": "\u200b\u200d"}, 200, "no searchable words"),
    field("question-emoji", {"question": "Who killed Trotsky? \U0001fa93"}, 200, "Mercader"),
    field("question-html", {"question": XSS}, 200, "occur in the corpus"),
    field("question-sql", {"question": "' OR 1=1; DROP TABLE passages; --"}, 200, "occur in the corpus"),
    field("question-punctuation", {"question": "?!…"}, 200, "no searchable words"),
    # --- the fields: top_k --------------------------------------------------------------------
    field("top_k-string", {"question": ASK, "top_k": "3"}, 400, "top_k must be an integer from 1 to 50"),
    field("top_k-boolean", {"question": ASK, "top_k": True}, 400, "not a boolean"),
    field("top_k-float", {"question": ASK, "top_k": 2.5}, 400, "not a number"),
    field("top_k-integral-float", {"question": ASK, "top_k": 2.0}, 200, "1981"),
    field("top_k-negative", {"question": ASK, "top_k": -3}, 400, "top_k is -3, out of range"),
    field("top_k-zero", {"question": ASK, "top_k": 0}, 400, "top_k is 0, out of range"),
    field("top_k-huge", {"question": ASK, "top_k": 10**30}, 400, "out of range: give an integer"),
    field("top_k-null", {"question": ASK, "top_k": None}, 400, "not a null"),
    field("top_k-array", {"question": ASK, "top_k": [3]}, 400, "not a array"),
    field("top_k-overflowing", '{"question": "Who?", "top_k": 1e400}', 400, "not a number"),
    # --- the query string ---------------------------------------------------------------------
    query("q-missing", {}, 400, "the query parameter q (or question) is required"),
    query("q-no-value", "q", 400, "q is empty"),
    query("q-blank", {"q": "   "}, 400, "q is empty"),
    query("q-too-long", {"q": "a" * (MAX_QUESTION + 1)}, 400, "over the limit of 1000"),
    query("q-nul", "q=Who%00killed", 400, "control character U+0000"),
    query("q-escape", {"q": "\x1b]0;title\x07"}, 400, "U+001B"),
    query("q-invalid-utf8", "q=Trotsky%FF", 200, "(Trotsky%FF)"),  # the no-match reason: the words typed
    query("q-encoded-surrogate", "q=%ED%A0%80Trotsky", 200, "Trotsky"),
    query("q-html", {"q": XSS}, 200, "occur in the corpus"),
    query("q-repeated", "q=Who&q=Why", 400, "'q' given more than once"),
    query("q-array-syntax", "q[]=Who", 400, "unknown query parameter(s) 'q[]'"),
    query("unknown-parameter", {"q": ASK, "k": "3"}, 400, "unknown query parameter(s) 'k'"),
    query("top_k-empty", {"q": ASK, "top_k": ""}, 400, "top_k='' is not an integer"),
    query("top_k-word", {"q": ASK, "top_k": "three"}, 400, "is not an integer"),
    query("top_k-exponent", {"q": ASK, "top_k": "1e1"}, 400, "is not an integer"),
    query("top_k-spaced", {"q": ASK, "top_k": " 3"}, 400, "is not an integer"),
    query("top_k-plus", {"q": ASK, "top_k": "+3"}, 200, "1981"),
    query("top_k-minus-zero", {"q": ASK, "top_k": "-0"}, 400, "top_k is 0, out of range"),
    query("top_k-leading-zeros", {"q": ASK, "top_k": "0003"}, 200, "1981"),
    query("top_k-huge", {"q": ASK, "top_k": "1" + "0" * 40}, 400, "is out of range"),
    query("passages-offset-negative", {"offset": "-5"}, 400, "offset is -5, out of range", "/api/passages"),
    query("passages-limit-huge", {"limit": "99999"}, 400, "from 1 to 1000", "/api/passages"),
    query("passages-document-empty", {"document": ""}, 404, "no document named ''", "/api/passages"),
    query("passages-document-html", {"document": XSS}, 404, "no document named", "/api/passages"),
    # --- methods and paths --------------------------------------------------------------------
    route("ask-delete", "DELETE", "/api/ask", 405, "DELETE is not allowed here: use"),
    route("ask-trace", "TRACE", "/api/ask", 405, "TRACE is not allowed here"),
    route("ask-options", "OPTIONS", "/api/ask", 200, ""),
    route("ask-head-no-question", "HEAD", "/api/ask", 400, ""),
    route("health-put", "PUT", "/api/health", 405, "use GET, HEAD, OPTIONS"),
    route("unknown-api-path", "GET", "/api/answers", 404, "/api/openapi.json"),
    route("trailing-slash", "GET", "/api/ask/", 404, "nothing at this path"),
    route("nul-in-path", "GET", "/api/ask%00", 404, "nothing at this path"),
    route("long-path", "GET", "/api/" + "a" * 5000, 404, "nothing at this path"),
    route("upper-case-api", "GET", "/API/ask", 404, "There is no page here"),
    route("traversal", "GET", "/static/../qa/service/app.py", 404, "There is no page here"),
    route("encoded-traversal", "GET", "/static/%2e%2e/pyproject.toml", 404, "There is no page here"),
    route("page-post", "POST", "/", 405, "POST is not allowed here"),
    # --- the page: the same payloads through /?q= ---------------------------------------------
    page("no-question", None, 200, "Ask"),
    page("empty", "", 200, "Ask"),
    page("blank", "   ", 200, "Ask"),
    page("too-long", "a" * (MAX_QUESTION + 1), 400, "1001 characters long"),
    page("nul", "Who\x00 killed Trotsky?", 400, "control character U+0000"),
    page("escape", "\x1b[31mTrotsky", 400, "U+001B"),
    page("html", XSS, 200, XSS),
    page("bidi-override", "\u202eWho killed Trotsky?", 200, "Mercader"),
    page("emoji", "Who killed Trotsky? \U0001fa93", 200, "Mercader"),
    page("zero-width", "\u200b", 200, "no searchable words"),
    page("unknown-parameter", "Who killed Trotsky?", 200, "Mercader", k="abc"),
    page("top_k-word", "Who killed Trotsky?", 400, "a whole number from 1 to 50", top_k="abc"),
    page("top_k-zero", "Who killed Trotsky?", 400, "(top_k=0)", top_k="0"),
]


def test_the_catalogue_has_at_least_60_cases():
    assert len(CATALOGUE) >= 60


@pytest.mark.parametrize("method, path, request_kwargs, status, fragment, asks", CATALOGUE)
def test_bad_input(spied, spy, method, path, request_kwargs, status, fragment, asks):
    response = spied.open(path, method=method, **request_kwargs)
    text = response.get_data(as_text=True)
    assert response.status_code == status, text[:500]
    assert "Traceback" not in text
    if path.startswith("/api/") and status >= 400:
        assert response.mimetype == "application/problem+json"
        if method != "HEAD":
            assert set(assert_problem(response, status, fragment)) <= PROBLEM_FIELDS
    elif response.mimetype == "text/html":
        assert fragment in html.unescape(text), text[:2000]
        assert "<script>alert" not in text
    else:
        assert response.mimetype == JSON and fragment in text, text[:500]
    assert len(spy.asked) == (1 if asks else 0), spy.asked


def test_head_runs_the_get_view_without_a_body(spied, spy):
    response = spied.head("/api/ask", query_string={"q": ASK})
    assert response.status_code == 200 and response.get_data() == b""
    assert spy.asked == [ASK]


def test_405_lists_the_allowed_methods_in_a_fixed_order(spied):
    """werkzeug builds Allow from a set, so its order varied from one process to the next."""
    response = spied.delete("/api/ask")
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS, POST"
    assert "use GET, HEAD, OPTIONS, POST (see" in response.get_json()["detail"]


def test_a_rejected_question_names_the_field_at_fault(spied):
    for request in ({"json": {"question": "a\x00"}}, {"json": {"question": ASK, "top_k": "x"}}):
        body = spied.post("/api/ask", **request).get_json()
        assert body["fields"] in (["question"], ["top_k"])
    assert spied.get("/api/ask", query_string={"q": "a\x01"}).get_json()["fields"] == ["q"]
