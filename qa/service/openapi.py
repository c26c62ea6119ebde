"""The OpenAPI 3.1 description of /api: the contract clients rely on, precise enough to fuzz."""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..corpus import MAX_FILE_BYTES
from ..folder import MAX_NAME, NAME_PATTERN, NAME_RULE
from .api import (
    CONTROL_CHARACTERS,
    DEFAULT_LIMIT,
    DEFAULT_TOP_K,
    MAX_BODY,
    MAX_CONTEXT,
    MAX_LIMIT,
    MAX_OFFSET,
    MAX_QUESTION,
    MAX_TOP_K,
)
from .documents_api import TOKEN_ENV

PROBLEM = "application/problem+json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(required: dict[str, Any], optional: dict[str, Any] | None = None,
            description: str | None = None) -> dict[str, Any]:
    """A closed object schema: these properties, the ``required`` ones always, nothing else."""
    schema: dict[str, Any] = {"type": "object", "properties": {**required, **(optional or {})},
                              "required": list(required), "additionalProperties": False}
    if description:
        schema["description"] = description
    return schema


def _array(items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "array", "items": items, **extra}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM: {"schema": _ref("Problem")}}}


def _integer(minimum: int, maximum: int | None = None, default: int | None = None,
             description: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer", "minimum": minimum}
    if maximum is not None:
        schema["maximum"] = maximum
    if default is not None:
        schema["default"] = default
    if description:
        schema["description"] = description
    return schema


def _param(name: str, schema: dict[str, Any], description: str, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "description": description,
            "schema": schema}


TEXT = {"type": "string"}
OFFSET = _integer(0, description="Character offset into the passage's text.")
PASSAGE_ID = {"type": "string", "pattern": "^.+:[0-9]+$",
              "description": "The passage's id: its document's name and sentence index (0-based), e.g. "
                             "\"article:12\"; it stays the same when other documents change."}
NULLABLE_ID = {"anyOf": [PASSAGE_ID, {"type": "null"}]}
QUESTION = {"type": "string", "minLength": 1, "maxLength": MAX_QUESTION,
            "pattern": f"^[^{CONTROL_CHARACTERS}]*[^\\s{CONTROL_CHARACTERS}][^{CONTROL_CHARACTERS}]*$",
            "description": f"The question; 1 to {MAX_QUESTION} characters once trimmed, not blank, "
                           "no control characters but tab and line breaks."}
TOP_K = _integer(1, MAX_TOP_K, DEFAULT_TOP_K, "How many ranked passages to return; the passage the "
                 "short answer comes from is returned too when it ranks lower (the answer is read "
                 "from the best three whatever top_k is).")
DOCUMENTS = {"type": "array", "items": TEXT, "minItems": 1,
             "description": "Answer from these documents only (names as /api/documents lists them); "
                            "an unknown name is a 404 that lists the documents."}
SENTENCE_INDEX = _integer(0, description="The sentence's position in its document, counted from 0 (the "
                                        "document's first sentence is 0); the page and the CLI show "
                                        "this same number.")
CONTEXT = _integer(0, MAX_CONTEXT, 0, "How many sentences before and after each passage to add "
                                      "(as context.before and context.after).")
EXPLAIN = {"type": "boolean", "default": True,
           "description": "false leaves out each passage's explanation (why it scored what it did)."}
MIN_CONFIDENCE = {"type": "number", "minimum": 0, "maximum": 1,
                  "description": "Give a short answer only when its estimated probability of being "
                                 "right is at least this (default: the threshold fitted for the best "
                                 "SQuAD 2.0 F1)."}

SCHEMAS: dict[str, Any] = {
    "AskRequest": _object({"question": QUESTION}, {"top_k": TOP_K, "documents": DOCUMENTS,
                                                   "min_confidence": MIN_CONFIDENCE, "context": CONTEXT,
                                                   "explain": EXPLAIN}),
    "Entity": _object({"text": TEXT, "label": TEXT, "start": OFFSET, "end": OFFSET},
                      description="A named entity; start and end are offsets into the text."),
    "Match": _object({"term": TEXT, "start": OFFSET, "end": OFFSET}, {
        "refers_to": {"type": "string", "description": "What a pronoun match stands for: the document's "
                                                       "subject (its title) for he/she, the previous "
                                                       "sentence's subject for an it/they subject."},
    }, description="Where a (normalised) question term occurs in the passage."),
    "Contribution": _object({
        "kind": {"enum": ["term", "context", "answer_type", "role", "document"]}, "term": TEXT,
        "score": {"type": "number"},
        "count": {"type": ["integer", "null"], "minimum": 0},
        "idf": {"type": ["number", "null"]},
        "passages_with_term": {"type": ["integer", "null"], "minimum": 0}, "text": TEXT,
    }, description="One part of a passage's score, in words: a question term's BM25 share "
                   "(kind term), the credit for question terms the sentence before holds and "
                   "this one lacks (kind context; term is then those terms, space-separated, and "
                   "the counts are null), the bonus for holding the asked-for entity label (kind "
                   "answer_type; term is then the label and the counts are null), the bonus "
                   "when such an entity plays the part the wh-word asks about (kind role, "
                   "likewise), or the "
                   "penalty for a document that matches the question less than the best one "
                   "(kind document, negative)."),
    "Answer": _object({
        "text": TEXT, "label": TEXT, "passage_rank": _integer(1), "start": OFFSET, "end": OFFSET,
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
    }, description="The short answer: an entity (label) or a phrase (label PHRASE) of the passage "
                   "with rank passage_rank, text being the passage's text from start to end; "
                   "confidence is the estimated probability that it is right (calibrated on the "
                   "SQuAD 2.0 development articles). A yes/no question's answer has label YES_NO "
                   "and text \"yes\" or \"no\"; start and end then mark the words it rests on "
                   "(what states it, or the word that negates it), and confidence is a fixed "
                   "estimate per verdict from the seed article's yes/no questions."),
    "Neighbour": _object({"id": PASSAGE_ID, "sentence_index": SENTENCE_INDEX, "text": TEXT},
                         description="A sentence next to a ranked passage in its document."),
    "RankedPassage": _object({
        "rank": _integer(1), "id": PASSAGE_ID, "score": {"type": "number"}, "text": TEXT,
        "document": TEXT, "title": TEXT, "section": TEXT, "sentence_index": SENTENCE_INDEX,
        "entities": _array(_ref("Entity")), "matches": _array(_ref("Match")),
    }, {
        "explanation": _array(_ref("Contribution"), description="Left out when explain is false."),
        "context": _object({"before": _array(_ref("Neighbour"), maxItems=MAX_CONTEXT),
                            "after": _array(_ref("Neighbour"), maxItems=MAX_CONTEXT)},
                           description="The sentences around the passage, in reading order; only "
                                       "when context was asked for."),
    }, description="A passage as ranked for the question; id is the one /api/passages uses."),
    "AskResponse": _object({
        "question": TEXT,
        "answer": {"anyOf": [_ref("Answer"), {"type": "null"}]},
        "no_answer_reason": {"type": ["string", "null"]},
        "no_answer_code": {"enum": [None, "no_terms", "no_match", "no_passage", "no_candidate",
                                    "low_confidence", "not_stated", "contradicted"],
                           "description": "Why there is no answer, for programs (null with an answer)."},
        "passages": _array(_ref("RankedPassage"), maxItems=MAX_TOP_K),
        "took_ms": {"type": "number", "minimum": 0},
    }),
    "Passage": _object({
        "id": PASSAGE_ID, "document": TEXT, "section": TEXT, "sentence_index": SENTENCE_INDEX,
        "text": TEXT, "entities": _array(_ref("Entity")), "previous": NULLABLE_ID,
        "next": NULLABLE_ID,
    }, description="One sentence of the corpus; previous and next are the neighbouring ids."),
    "PassagePage": _object({
        "document": {"type": ["string", "null"]}, "section": {"type": ["string", "null"]},
        "total": _integer(0), "offset": _integer(0), "limit": _integer(1, MAX_LIMIT),
        "next": {"type": ["string", "null"], "description": "The next page's link (null on the last)."},
        "passages": _array(_ref("Passage"), maxItems=MAX_LIMIT),
    }),
    "Document": _object({
        "name": TEXT, "title": TEXT, "sections": _array(TEXT), "paragraphs": _integer(1),
        "passages": _integer(0),
    }),
    "DocumentList": _object({"documents": _array(_ref("Document"))}),
    "Health": _object({
        "status": {"const": "ok"}, "documents": _integer(1), "passages": _integer(1),
        "model": TEXT,
    }),
    "Problem": _object({
        "type": {"type": "string", "format": "uri"}, "title": TEXT,
        "status": _integer(400, 599), "detail": TEXT,
    }, {
        "fields": _array(TEXT, description="The request fields or parameters at fault."),
        "documents": _array(TEXT, description="The documents that do exist."),
    }, description="RFC 9457 problem details; detail says what to change."),
}

BAD_REQUEST = _problem("The request is invalid; detail says what to fix.")
DOCUMENT_NAME = {"name": "name", "in": "path", "required": True,
                 "description": NAME_RULE[0].upper() + NAME_RULE[1:] + ".",
                 "schema": {"type": "string", "pattern": NAME_PATTERN, "maxLength": MAX_NAME}}
SECURED = [{"adminToken": []}]
WRITE_ERRORS = {
    "400": _problem("The name or the article is not usable; detail says what to fix (the same "
                    "checks as a corpus file: UTF-8 text, a title, paragraphs with sentences)."),
    "401": {**_problem("The admin token is missing or wrong."),
            "headers": {"WWW-Authenticate": {"description": "Bearer", "required": True,
                                             "schema": TEXT}}},
    "403": _problem(f"Writes are disabled: the server has no {TOKEN_ENV}, or its corpus is a "
                    "single file; detail says how to enable them."),
}
ARTICLE = {"type": "string", "maxLength": MAX_FILE_BYTES,
           "description": "The article in the corpus file format: UTF-8, the title on the first line, "
                          "blank-line separated paragraphs, short lines without closing punctuation "
                          "as section headings."}
NO_DOCUMENT = _problem("No such document; the problem lists the known ones.")
BUSY = {**_problem("The service is busy (overloaded): retry after the Retry-After seconds."),
        "headers": {"Retry-After": {"description": "Seconds to wait before retrying.",
                                    "required": True, "schema": _integer(1)}}}
ASK_RESPONSE = _json(_ref("AskResponse"), "The answer (or why there is none) and the passages.")
EVERY_PATH = {  # statuses any path can answer, from the server and the app's error handlers
    "405": {**_problem("A method this path does not have (not this one); the Allow header lists "
                       "those it has."),
            "headers": {"Allow": {"description": "The allowed methods.", "schema": TEXT}}},
    "408": _problem("The request was not sent in time (a slow or stalled client)."),
    "414": _problem("The URL (path and query string) is too long."),
    "431": _problem("The request's header fields are too large."),
    "500": _problem("An unexpected error; the problem carries no internals."),
}
BUSY_PATHS = ("/api/ask", "/api/passages", "/api/documents", "/api/openapi.json")  # health is exempt


def _with_common_statuses(paths: dict[str, Any]) -> dict[str, Any]:
    """Every operation's responses with the statuses any request can get, so none is undocumented."""
    for path, operations in paths.items():
        for operation in operations.values():
            extra = {**EVERY_PATH, **({"503": BUSY} if path in BUSY_PATHS else {})}
            operation["responses"] = {**operation["responses"],
                                      **{k: v for k, v in extra.items() if k not in operation["responses"]}}
            operation["responses"] = dict(sorted(operation["responses"].items()))
    return paths


def document() -> dict[str, Any]:
    """The whole OpenAPI document, built once per app."""
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "article-qa",
            "version": __version__,
            "summary": "Ask natural-language questions about text articles.",
            "description": "Ranked sentence passages with named entities and, where one is found, "
                           "a short answer. Errors are RFC 9457 problem details.",
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": "/", "description": "The server that serves this document."}],
        "paths": _with_common_statuses({
            "/api/ask": {
                "get": {
                    "operationId": "askGet", "summary": "Ask a question (query string)",
                    "description": "The question may be given as question instead of q (one of "
                                   "them, not both).",
                    "parameters": [_param("q", QUESTION, "The question (or give it as question).",
                                          required=True),
                                   _param("top_k", TOP_K, TOP_K["description"]),
                                   {**_param("document", {"type": "array", "items": TEXT},
                                             "Answer from this document only; repeat for "
                                             "several."), "style": "form", "explode": True},
                                   _param("min_confidence", MIN_CONFIDENCE,
                                          "The least probability of being right for an answer."),
                                   _param("context", CONTEXT, "Sentences around each passage."),
                                   _param("explain", EXPLAIN, "false leaves the explanations out.")],
                    "responses": {"200": ASK_RESPONSE, "400": BAD_REQUEST, "404": NO_DOCUMENT,
                                  "503": BUSY},
                },
                "post": {
                    "operationId": "askPost", "summary": "Ask a question (JSON body)",
                    "requestBody": {"required": True, "content": {
                        "application/json": {"schema": _ref("AskRequest")}}},
                    "responses": {
                        "200": ASK_RESPONSE, "400": BAD_REQUEST, "404": NO_DOCUMENT,
                        "413": _problem(f"The body is over {MAX_BODY} bytes."),
                        "415": _problem("The body is not sent as application/json."),
                        "503": BUSY,
                    },
                },
            },
            "/api/passages": {"get": {
                "operationId": "listPassages", "summary": "Browse the corpus passage by passage",
                "parameters": [
                    _param("document", TEXT, "Only this document's passages (see /api/documents)."),
                    _param("section", TEXT, "Only this section's passages (see /api/documents)."),
                    _param("offset", _integer(0, MAX_OFFSET, 0), "How many passages to skip."),
                    _param("limit", _integer(1, MAX_LIMIT, DEFAULT_LIMIT),
                           "How many passages to return."),
                ],
                "responses": {
                    "200": _json(_ref("PassagePage"), "A page of passages in reading order."),
                    "400": BAD_REQUEST,
                    "404": _problem("No such document or section; the problem says which exist."),
                },
            }},
            "/api/documents": {"get": {
                "operationId": "listDocuments", "summary": "The documents of the corpus",
                "responses": {"200": _json(_ref("DocumentList"), "The documents.")},
            }},
            "/api/documents/{name}": {
                "get": {
                    "operationId": "getDocument", "parameters": [DOCUMENT_NAME],
                    "summary": "One document's summary",
                    "responses": {"200": _json(_ref("Document"), "The document."),
                                  "404": NO_DOCUMENT},
                },
                "put": {
                    "operationId": "putDocument", "parameters": [DOCUMENT_NAME],
                    "summary": "Add or replace an article",
                    "description": "Stored as NAME.txt in the corpus folder (written whole or not at "
                                   "all); every worker answers from it within 2 s of the response.",
                    "security": SECURED,
                    "requestBody": {"required": True, "content": {"text/plain": {"schema": ARTICLE}}},
                    "responses": {
                        "200": _json(_ref("Document"), "The article replaced one of that name."),
                        "201": _json(_ref("Document"), "The article is new."),
                        **WRITE_ERRORS,
                        "413": _problem(f"The article is over {MAX_FILE_BYTES // 2**20} MiB."),
                        "415": _problem("The body is not sent as text/plain; charset=utf-8."),
                    },
                },
                "delete": {
                    "operationId": "deleteDocument", "parameters": [DOCUMENT_NAME],
                    "summary": "Remove an article",
                    "security": SECURED,
                    "responses": {
                        "204": {"description": "Removed from the folder and the index."},
                        **WRITE_ERRORS,
                        "404": _problem("There is no document of that name."),
                        "409": _problem("It is the corpus's only article."),
                    },
                },
            },
            "/api/health": {"get": {
                "operationId": "health", "summary": "Readiness",
                "responses": {"200": _json(_ref("Health"), "The service is ready.")},
            }},
            "/api/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This document",
                "responses": {"200": _json({"type": "object", "required": ["openapi", "paths"]},
                                           "The OpenAPI 3.1 document.")},
            }},
        }),
        "components": {"schemas": SCHEMAS, "securitySchemes": {"adminToken": {
            "type": "http", "scheme": "bearer",
            "description": f"The value of {TOKEN_ENV} on the server; without it the API is read-only.",
        }}},
    }
