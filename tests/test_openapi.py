"""The OpenAPI document: valid OpenAPI 3.1, covers every route, and real responses conform to it.

tests/data/openapi-3.1.schema.json is the OpenAPI Initiative's 3.1 meta-schema (2022-10-07, from
github.com/OAI/OpenAPI-Specification schemas/v3.1/schema.yaml, Apache-2.0), stored so the test runs
offline and without extra packages.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.test import Client

from qa.service.api_docs import DOCS_PATH
from qa.service.gate import Gate
from qa.service.openapi import document
from qa.service.shed import MIN_QUEUE, QueueWait, Shedder

META_SCHEMA = Path(__file__).parent / "data" / "openapi-3.1.schema.json"
BASE = "urn:article-qa:openapi"
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}

TOKEN = "test-token-" + "x" * 20
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PLAIN = "text/plain; charset=utf-8"
FOX = "The Fox\n\nThe quick brown fox was born in Kent in 1990.\n"

# (method, path, request keyword arguments, expected status): each documented response at least once
EXCHANGES = [
    ("get", "/api/ask", {"query_string": {"q": "When did Eitingon die?"}}, 200),
    ("get", "/api/ask", {"query_string": {"q": "zzzyxq"}}, 200),
    ("get", "/api/ask", {"query_string": {"q": "x", "top_k": "0"}}, 400),
    ("get", "/api/ask", {"query_string": {"question": "When did Eitingon die?", "context": "1",
                                          "explain": "false"}}, 200),
    ("post", "/api/ask", {"json": {"question": "When did Eitingon die?", "context": 2,
                                   "explain": False}}, 200),
    ("post", "/api/ask", {"json": {"question": "Who killed Trotsky?", "top_k": 5}}, 200),
    ("post", "/api/ask", {"json": {"question": "Who was Eitingon's brother?"}}, 200),
    ("post", "/api/ask", {"json": {"question": "Why?"}}, 200),
    ("post", "/api/ask", {"json": {"question": "Did Eitingon confess under torture?"}}, 200),  # "no"
    ("post", "/api/ask", {"json": {"question": "Did Eitingon speak many languages?"}}, 200),  # not_stated
    ("post", "/api/ask", {"json": {"question": "x", "extra": 1}}, 400),
    ("post", "/api/ask", {"data": "x" * 20000, "content_type": "application/json"}, 413),
    ("post", "/api/ask", {"data": "{}", "content_type": "text/plain"}, 415),
    ("get", "/api/ask", {"query_string": {"q": "Who?"}}, 503),
    ("post", "/api/ask", {"json": {"question": "Who?"}}, 503),
    ("get", "/api/passages", {}, 200),
    ("get", "/api/passages", {"query_string": {"document": "article", "offset": "30"}}, 200),
    ("get", "/api/passages", {"query_string": {"section": "Introduction", "limit": "2"}}, 200),
    ("get", "/api/passages", {"query_string": {"limit": "x"}}, 400),
    ("get", "/api/passages", {"query_string": {"document": "nope"}}, 404),
    ("get", "/api/ask", {"query_string": {"q": "When?", "document": "nope"}}, 404),
    ("post", "/api/ask", {"json": {"question": "When?", "documents": ["nope"]}}, 404),
    ("get", "/api/documents", {}, 200),
    ("get", "/api/documents/{name}", {"_url": "/api/documents/article"}, 200),
    ("get", "/api/documents/{name}", {"_url": "/api/documents/nope"}, 404),
    ("put", "/api/documents/{name}", {"_url": "/api/documents/x", "data": "T\n\nText."}, 403),
    ("delete", "/api/documents/{name}", {"_url": "/api/documents/x"}, 403),
    # against a folder corpus with writes enabled (``writable`` below)
    ("put", "/api/documents/{name}", {"_writable": True, "_url": "/api/documents/fox",
                                      "data": FOX, "content_type": PLAIN, "headers": AUTH}, 201),
    ("put", "/api/documents/{name}", {"_writable": True, "_url": "/api/documents/fox",
                                      "data": FOX, "content_type": PLAIN, "headers": AUTH}, 200),
    ("put", "/api/documents/{name}", {"_writable": True, "_url": "/api/documents/.x",
                                      "data": FOX, "content_type": PLAIN, "headers": AUTH}, 400),
    ("put", "/api/documents/{name}", {"_writable": True, "_url": "/api/documents/x",
                                      "data": FOX, "content_type": PLAIN}, 401),
    ("put", "/api/documents/{name}", {"_writable": True, "_url": "/api/documents/x",
                                      "data": FOX, "content_type": "application/json",
                                      "headers": AUTH}, 415),
    ("put", "/api/documents/{name}", {"_writable": True, "_url": "/api/documents/x",
                                      "data": b"T\n\n" + b"x" * (64 * 2**20 + 1),
                                      "content_type": PLAIN, "headers": AUTH}, 413),
    ("delete", "/api/documents/{name}", {"_writable": True, "_url": "/api/documents/fox",
                                         "headers": AUTH}, 204),
    ("delete", "/api/documents/{name}", {"_writable": True, "_url": "/api/documents/fox",
                                         "headers": AUTH}, 404),
    ("delete", "/api/documents/{name}", {"_writable": True, "_url": "/api/documents/lighthouse",
                                         "headers": AUTH}, 409),
    ("delete", "/api/documents/{name}", {"_writable": True, "_url": "/api/documents/x"}, 401),
    ("delete", "/api/documents/{name}", {"_writable": True, "_url": "/api/documents/a%20b",
                                         "headers": AUTH}, 400),
    ("get", "/api/health", {}, 200),
    ("get", "/api/openapi.json", {}, 200),
]


@pytest.fixture(scope="module")
def spec():
    return document()


@pytest.fixture(scope="module")
def registry(spec):
    return Registry().with_resource(BASE, Resource.from_contents(spec,
                                                                 default_specification=DRAFT202012))


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def test_document_is_valid_openapi_3_1(spec):
    meta = json.loads(META_SCHEMA.read_text(encoding="utf-8"))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in Draft202012Validator(meta).iter_errors(spec)]
    assert errors == []
    assert spec["openapi"] == "3.1.0"


def test_every_schema_is_valid_json_schema_2020_12(spec):
    for schema in spec["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_every_reference_resolves(spec, registry):
    refs = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.append(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    assert refs
    resolver = registry.resolver(base_uri=BASE)
    for ref in set(refs):
        assert resolver.lookup(ref).contents, ref


def test_objects_are_closed_and_say_what_they_require(spec):
    for name, schema in spec["components"]["schemas"].items():
        assert schema["additionalProperties"] is False, name
        assert set(schema["required"]) <= set(schema["properties"]), name


@pytest.fixture(scope="module")
def writable(tmp_path_factory):
    """A client of an app over a folder corpus (the tiny one) with writes enabled."""
    from qa.service.app import create_app

    from .conftest import TINY

    folder = tmp_path_factory.mktemp("writable")
    (folder / "lighthouse.txt").write_bytes((TINY / "lighthouse.txt").read_bytes())
    return create_app({"TESTING": True, "QA_CORPUS": str(folder), "QA_ADMIN_TOKEN": TOKEN}).test_client()


def test_every_api_route_is_documented_and_nothing_else(app, spec):
    routes = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower())
              for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/") and rule.rule != DOCS_PATH for method in rule.methods
              if method.lower() in HTTP_METHODS}
    documented = {(path, method) for path, item in spec["paths"].items() for method in item}
    assert routes == documented


class Overloaded(QueueWait):
    """A queue every request has waited long in: the shedder turns every request away."""

    def begin(self) -> tuple[float, int]:
        return 1.0, MIN_QUEUE


SHED = ["/api/passages", "/api/documents", "/api/openapi.json"]  # /api/ask's 503 is in EXCHANGES


@pytest.mark.parametrize("path", SHED)
def test_shed_requests_conform(app, spec, registry, path):
    response = Client(Shedder(app, wait=Overloaded())).get(path)
    assert response.status_code == 503 and int(response.headers["Retry-After"]) >= 1
    assert "503" in spec["paths"][path]["get"]["responses"]
    validator = Draft202012Validator({"$ref": f"{BASE}#/components/schemas/Problem"}, registry=registry)
    assert list(validator.iter_errors(response.get_json(force=True))) == []


# Statuses any path can answer, each exercised elsewhere: 405 below, 500 in test_api (an app whose
# view fails), 408, 414 and 431 against a real gunicorn in test_hostile (the server answers them).
ANY_PATH = {405, 408, 414, 431, 500}


def test_every_documented_response_is_exercised(spec):
    documented = {(path, method, int(status)) for path, item in spec["paths"].items()
                  for method, op in item.items() for status in op["responses"]}
    exercised = {(path, method, status) for method, path, _, status in EXCHANGES}
    exercised |= {(path, "get", 503) for path in SHED}
    anywhere = {(path, method, status) for path, item in spec["paths"].items() for method in item
                for status in ANY_PATH}
    assert documented == exercised | anywhere
    assert not exercised & anywhere


@pytest.mark.parametrize("path", ["/api/ask", "/api/passages", "/api/documents", "/api/health",
                                  "/api/openapi.json"])
def test_a_method_a_path_lacks_is_a_405_naming_the_ones_it_has(client, spec, path):
    response = client.delete(path)
    assert response.status_code == 405 and response.mimetype == "application/problem+json"
    allowed = {m.strip().lower() for m in response.headers["Allow"].split(",")}
    assert set(spec["paths"][path]) <= allowed <= set(spec["paths"][path]) | {"head", "options"}


def test_the_document_names_its_server(spec):
    assert spec["servers"] == [{"url": "/", "description": "The server that serves this document."}]


@pytest.mark.parametrize("method, path, kwargs, status", EXCHANGES)
def test_real_responses_conform(client, writable, spec, registry, method, path, kwargs, status):
    kwargs = dict(kwargs)
    if kwargs.pop("_writable", False):
        client = writable
    url = kwargs.pop("_url", path)
    if status == 503:  # a gate with no slot: every question is turned away as busy
        client.application.extensions["qa.service.gate"] = Gate(limit=0, wait=0)
    response = client.open(url, method=method.upper(), **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)
    for name in spec["paths"][path][method]["responses"][str(status)].get("headers", {}):
        assert response.headers[name]
    if status == 204:
        assert response.data == b""
        return
    documented = spec["paths"][path][method]["responses"][str(status)]["content"]
    assert response.mimetype in documented
    pointer = _pointer("paths", path, method, "responses", str(status), "content",
                       response.mimetype, "schema")
    validator = Draft202012Validator({"$ref": f"{BASE}#/{pointer}"}, registry=registry,
                                     format_checker=FormatChecker())
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator.iter_errors(response.get_json(force=True))]
    assert errors == []


def test_schemas_reject_what_the_contract_forbids(registry):
    def valid(name, value):
        validator = Draft202012Validator({"$ref": f"{BASE}#/components/schemas/{name}"},
                                         registry=registry)
        return validator.is_valid(value)

    assert valid("AskRequest", {"question": "Who?", "top_k": 3})
    assert not valid("AskRequest", {"question": "Who?", "top_k": True})
    assert not valid("AskRequest", {"question": "Who?", "top_k": 51})
    assert not valid("AskRequest", {"question": "   "})
    assert not valid("AskRequest", {"question": "Who?", "extra": 1})
    assert not valid("AskRequest", {"top_k": 3})
    assert not valid("Health", {"status": "starting", "documents": 1, "passages": 1, "model": "m"})
