"""Blueprint /api: thin JSON views that check every input cheaply, before any language work."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from flask import Blueprint, Request, current_app, request, url_for

from ..answering.answer import DEFAULT_TOP_K, MAX_TOP_K
from ..errors import InvalidRequest, NotFound, PayloadTooLarge, UnsupportedMediaType
from ..passages import passage_key
from . import current

MAX_BODY = 16 * 1024
MAX_QUESTION = 1000
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
EXAMPLE_BODY = '{"question": "When did Eitingon die?", "top_k": 3}'
EXAMPLE_QUERY = "/api/ask?q=When+did+Eitingon+die%3F&top_k=3"
MAX_CONTEXT = 5  # sentences on each side of a passage
ASK_FIELDS = ("question", "top_k", "documents", "min_confidence", "context", "explain")
ASK_PARAMETERS = ("q", "question", "top_k", "document", "min_confidence", "context", "explain")
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
MAX_OFFSET = 10**9
_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
CONTROL_CHARACTERS = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f"  # C0 but tab, LF, CR; DEL; C1
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")
_MAX_DIGITS = 18

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.record_once
def _catalog(state) -> None:
    state.app.extensions["qa.live"].derive("qa.catalog", catalog)


def catalog(engine) -> dict[str, Any]:
    """The documents listing and each document's passages, computed once per engine."""
    by_document = engine.document_passages()
    documents = [summary(d, len(by_document[d.name])) for d in engine.documents]
    sections = list(dict.fromkeys(s for d in engine.documents for s in d.sections))
    return {"documents": documents, "by_document": by_document,
            "summaries": {d["name"]: d for d in documents}, "sections": sections}


def summary(document, passages: int) -> dict[str, Any]:
    """A document as /api/documents lists it."""
    return {"name": document.name, "title": document.title, "sections": document.sections,
            "paragraphs": len(document.paragraphs), "passages": passages}


def _engine():
    return current.engine()


@bp.post("/ask")
def ask_post():
    """Answer {"question": ..., "top_k": ..., "documents": [...], "min_confidence": ..., "context": ...,
    "explain": ...}."""
    body = json_object(request)
    _only(body, "field", ASK_FIELDS, required=("question",))
    question = valid_question(body["question"], "question")
    top_k = valid_int(body.get("top_k", DEFAULT_TOP_K), "top_k", 1, MAX_TOP_K)
    documents = valid_documents(body.get("documents"), "documents")
    context = valid_int(body.get("context", 0), "context", 0, MAX_CONTEXT)
    explain = body.get("explain", True)
    if not isinstance(explain, bool):
        raise InvalidRequest(f"explain must be true or false, not a {json_type(explain)}.",
                             fields=["explain"])
    return ask(question, top_k, documents, valid_confidence(body.get("min_confidence"), "min_confidence"),
               context, explain)


@bp.get("/ask")
def ask_get():
    """Answer ?q=... (or ?question=...) with the POST form's other fields as parameters."""
    args = query_args(ASK_PARAMETERS, repeatable=("document",))
    if "q" in args and "question" in args:
        raise InvalidRequest("give the question once, as q or as question, not both.",
                             fields=["q", "question"])
    name = "question" if "question" in args else "q"
    if name not in args:
        raise InvalidRequest(f"the query parameter q (or question) is required, e.g. {EXAMPLE_QUERY}.",
                             fields=["q"])
    question = valid_question(args[name], name)
    top_k = int_arg(args, "top_k", DEFAULT_TOP_K, 1, MAX_TOP_K)
    documents = valid_documents(request.args.getlist("document") or None, "document")
    raw = args.get("min_confidence")
    if raw is not None and not _NUMBER.fullmatch(raw):
        raise InvalidRequest(f"min_confidence={_shorten(raw)!r} is not a number: give one from 0 "
                             "to 1, e.g. 0.5.", fields=["min_confidence"])
    confidence = None if raw is None else float(raw)
    context = int_arg(args, "context", 0, 0, MAX_CONTEXT)
    explain = _BOOLEANS.get(args.get("explain", "true").lower())
    if explain is None:
        raise InvalidRequest(f"explain={_shorten(args['explain'])!r} is not a boolean: give true or "
                             "false.", fields=["explain"])
    return ask(question, top_k, documents, valid_confidence(confidence, "min_confidence"), context,
               explain)


def ask(question: str, top_k: int, documents: list[str] | None = None,
        min_confidence: float | None = None, context: int = 0, explain: bool = True) -> dict[str, Any]:
    """The engine's answer as plain data, once this worker's gate admits the question (else 503)."""
    with current_app.extensions["qa.service.gate"].admit():
        return _engine().ask(question, top_k, documents, min_confidence, context, explain).to_dict()


def valid_documents(value: Any, name: str) -> list[str] | None:
    """A list of existing document names (404 listing those that exist for an unknown one), or None."""
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise InvalidRequest(f"{name} must be a non-empty list of document names, e.g. "
                             f'["{_engine().document_names[0]}"] (see /api/documents).', fields=[name])
    known = _engine().document_names
    if unknown := [v for v in value if v not in known]:
        raise NotFound(f"no document named {_shorten(unknown[0])!r}: use one of {', '.join(known)} "
                       "(see /api/documents).", documents=known)
    return list(dict.fromkeys(value))


def valid_confidence(value: Any, name: str) -> float | None:
    """A probability from 0 to 1, or None to use the fitted threshold."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise InvalidRequest(f"{name} must be a number from 0 to 1 (the least probability of being "
                             f"right for an answer to be given), not {_shorten(repr(value))}.", fields=[name])
    return float(value)


@bp.get("/passages")
def passages():
    """Every passage of the corpus (or of one document, or one section) in reading order, a page at a
    time, with the next page's link."""
    args = query_args(("document", "section", "offset", "limit"))
    offset = int_arg(args, "offset", 0, 0, MAX_OFFSET)
    limit = int_arg(args, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    catalog = current.view("qa.catalog")
    document = args.get("document")
    if document is None:
        selected = _engine().passages
    elif document in catalog["by_document"]:
        selected = catalog["by_document"][document]
    else:
        known = list(catalog["by_document"])
        raise NotFound(f"no document named {_shorten(document)!r}: use one of "
                       f"{', '.join(known)} (see /api/documents).", documents=known)
    section = args.get("section")
    if section is not None:
        sections = catalog["sections"]
        if section not in sections:
            raise NotFound(f"no section named {_shorten(section)!r}: use one of "
                           f"{_shorten(', '.join(sections), 200)} (see /api/documents).")
        selected = [p for p in selected if p.section == section]
    end = offset + limit
    following = None
    if end < len(selected):
        following = url_for("api.passages", **{**args, "offset": end, "limit": limit})
    return {"document": document, "section": section, "total": len(selected), "offset": offset,
            "limit": limit, "next": following,
            "passages": [passage_dict(p) for p in selected[offset:end]]}


@bp.get("/documents")
def documents():
    """The documents with their titles, sections and sizes."""
    return {"documents": current.view("qa.catalog")["documents"]}


@bp.get("/health")
def health():
    """Ready: the engine is loaded (the app is only served once it is)."""
    engine = _engine()
    return {"status": "ok", "documents": len(engine.documents), "passages": len(engine.passages),
            "model": engine.model}


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API (serialised once, at start-up)."""
    return current_app.response_class(current_app.extensions["qa.service.openapi.json"],
                                      mimetype="application/json")


def passage_dict(p) -> dict[str, Any]:
    """A passage with its public id and its neighbours' ("article:12"), stable across corpus changes."""
    return {"id": p.key, "document": p.document, "section": p.section,
            "sentence_index": p.sentence_index, "text": p.text,
            "entities": [e.to_dict() for e in p.entities],
            "previous": passage_key(p.document, p.sentence_index - 1) if p.previous is not None else None,
            "next": passage_key(p.document, p.sentence_index + 1) if p.next is not None else None}


def json_object(req: Request) -> dict[str, Any]:
    """The body as a JSON object, with its size, media type, encoding, syntax and keys checked."""
    if req.content_length is not None and req.content_length > MAX_BODY:
        raise too_large()
    if req.mimetype != "application/json":
        got = f"got {_shorten(req.mimetype)!r}" if req.mimetype else "there was none"
        raise UnsupportedMediaType(f"send the body as JSON with the header Content-Type: "
                                   f"application/json ({got}), e.g. {EXAMPLE_BODY}.")
    data = req.get_data(cache=False)
    if len(data) > MAX_BODY:
        raise too_large()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidRequest(f"the body is not UTF-8 (bad byte at offset {exc.start}): "
                             "send JSON encoded as UTF-8.") from None
    try:
        if text.startswith("\ufeff"):  # what json.loads refuses before decoding, as it words it
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        value = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise InvalidRequest(f"the body is not valid JSON ({exc.msg} at line {exc.lineno}, column "
                             f"{exc.colno}): send an object like {EXAMPLE_BODY}.") from None
    except (ValueError, RecursionError) as exc:
        raise InvalidRequest(f"the body is not usable JSON ({_shorten(str(exc), 80)}): send an "
                             f"object like {EXAMPLE_BODY}.") from None
    if not isinstance(value, dict):
        raise InvalidRequest(f"the body is a JSON {json_type(value)}, not an object: send an "
                             f"object like {EXAMPLE_BODY}.")
    return value


def too_large() -> PayloadTooLarge:
    return PayloadTooLarge(f"the request body is over {MAX_BODY} bytes ({MAX_BODY // 1024} KiB): "
                           f"send a question of at most {MAX_QUESTION} characters.")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's members, refusing a key given twice (json.loads keeps the last silently)."""
    members = dict(pairs)
    if len(members) == len(pairs):
        return members
    counts = Counter(k for k, _ in pairs)
    names = [k for k, n in counts.items() if n > 1]
    if names:
        raise InvalidRequest(f"duplicate key(s) {_names(names)} in the JSON body: give each field "
                             "once.", fields=names)
    return dict(pairs)


def _no_constant(name: str):
    raise InvalidRequest(f"{name} is not valid JSON: use a number.")


# built once: json.loads with hooks builds a decoder and its scanner for every body (2.5 of 3.9 us)
_DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_constant=_no_constant)


def _only(body: dict[str, Any], kind: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()
          ) -> None:
    """Refuse unknown and missing fields, naming them and the ones that are accepted."""
    unknown = [k for k in body if k not in allowed]
    if unknown:
        raise InvalidRequest(f"unknown {kind}(s) {_names(unknown)}: use only "
                             f"{' and '.join(allowed)}.", fields=unknown)
    missing = [k for k in required if k not in body]
    if missing:
        raise InvalidRequest(f"the {kind} {_names(missing)} is required, e.g. {EXAMPLE_BODY}.",
                             fields=missing)


def query_args(allowed: tuple[str, ...], required: tuple[str, ...] = (),
               repeatable: tuple[str, ...] = ()) -> dict[str, str]:
    """The query string as a dict, refusing unknown, missing and repeated parameters."""
    args = request.args
    _only({k: None for k in args}, "query parameter", allowed, required)
    repeated = [k for k in args if len(args.getlist(k)) > 1 and k not in repeatable]
    if repeated:
        raise InvalidRequest(f"query parameter(s) {_names(repeated)} given more than once: give "
                             "each once.", fields=repeated)
    return args.to_dict()


def valid_question(value: Any, name: str) -> str:
    """A question: a string of 1..MAX_QUESTION characters once trimmed, in valid Unicode, no controls."""
    if not isinstance(value, str):
        raise InvalidRequest(f"{name} must be a string, not a {json_type(value)}: e.g. "
                             f"{EXAMPLE_BODY}.", fields=[name])
    if control := _CONTROL.search(value):
        raise InvalidRequest(f"{name} contains the control character U+{ord(control.group()):04X} "
                             f"at offset {control.start()}: remove it (tabs and line breaks are "
                             "allowed).", fields=[name])
    question = value.strip()
    if not question:
        raise InvalidRequest(f"{name} is empty: type a question, e.g. \"When did Eitingon die?\".",
                             fields=[name])
    if len(question) > MAX_QUESTION:
        raise InvalidRequest(f"{name} is {len(question)} characters long, over the limit of "
                             f"{MAX_QUESTION}: ask a shorter question.", fields=[name])
    try:
        question.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidRequest(f"{name} contains an unpaired surrogate (\\ud800-\\udfff), which is "
                             "not text: send valid Unicode.", fields=[name]) from None
    return question


def valid_int(value: Any, name: str, low: int, high: int) -> int:
    """A JSON integer in [low, high]: booleans, strings and fractions are refused.

    3.0 counts as 3, as in JSON Schema (and so in the OpenAPI document): JSON has one number type.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if type(value) is not int:
        raise InvalidRequest(f"{name} must be an integer from {low} to {high}, not a "
                             f"{json_type(value)}.", fields=[name])
    if not low <= value <= high:
        raise InvalidRequest(f"{name} is {value}, out of range: give an integer from {low} to "
                             f"{high}.", fields=[name])
    return value


def int_arg(args: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter in [low, high], or ``default`` when absent."""
    raw = args.get(name)
    if raw is None:
        return default
    if not _INTEGER.fullmatch(raw):
        raise InvalidRequest(f"{name}={_shorten(raw)!r} is not an integer: give an integer from "
                             f"{low} to {high}.", fields=[name])
    if len(raw.lstrip("+-")) > _MAX_DIGITS:
        raise InvalidRequest(f"{name}={_shorten(raw)!r} is out of range: give an integer from "
                             f"{low} to {high}.", fields=[name])
    return valid_int(int(raw), name, low, high)


def json_type(value: Any) -> str:
    """The JSON name of a decoded value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {str: "string", list: "array", dict: "object"}.get(type(value), type(value).__name__)


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _names(names: list[str]) -> str:
    return ", ".join(repr(_shorten(n)) for n in names)
