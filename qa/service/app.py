"""The Flask application factory: the engine built once per process, one error handler."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import orjson
from flask import Flask, Response, current_app, request
from flask.json.provider import DefaultJSONProvider
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from ..engine import Engine, corpus_path, corpus_recursive
from ..errors import QAError, problem
from ..live import Live
from . import api, api_docs, cors, documents_api, gate, openapi, pages, reading

log = logging.getLogger(__name__)

WEB = Path(__file__).resolve().parents[2] / "web"
STATIC, TEMPLATES = WEB / "static", WEB / "templates"  # apart, so no template is served as a file
API_CACHE_CONTROL = "no-store"  # answers are cheap, may be private and change with the corpus
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; "
                               "form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}
_SECURITY_DEFAULTS = tuple((name.lower(), name, value) for name, value in SECURITY_HEADERS.items())
PAGE_NOT_FOUND = "there is no page here: ask your question on the home page (/)."
HTTP_DETAILS = {
    404: "there is nothing at this path: the API's paths are listed in /api/openapi.json.",
    413: f"the request body is over {api.MAX_BODY} bytes ({api.MAX_BODY // 1024} KiB): send a "
         f"question of at most {api.MAX_QUESTION} characters.",
    500: "the server failed to answer this request; the error is logged: try again or report it.",
}


COMPACT = {"separators": (",", ":")}  # what Flask asks for when it is not debugging


class JSONProvider(DefaultJSONProvider):
    """UTF-8 JSON that keeps the corpus readable ("Ramón", not "Ram\\u00f3n"), keys in order, written by
    orjson (an answer serialises in a tenth of the standard library's time)."""

    ensure_ascii = False
    sort_keys = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if kwargs in ({}, COMPACT):  # orjson writes compact JSON; indented output is left to json
            try:
                return orjson.dumps(obj, default=self.default).decode()
            except orjson.JSONEncodeError:  # a lone surrogate in echoed input: escaped below
                pass
        text = super().dumps(obj, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return super().dumps(obj, **{**kwargs, "ensure_ascii": True})
        return text

    def response(self, *args: Any, **kwargs: Any) -> Response:
        """Flask's JSON response, its compact body made from orjson's bytes as they are (no str between)."""
        if self.compact is False or (self.compact is None and self._app.debug):
            return super().response(*args, **kwargs)
        try:
            data = orjson.dumps(self._prepare_response_obj(args, kwargs), default=self.default,
                                option=orjson.OPT_APPEND_NEWLINE)
        except orjson.JSONEncodeError:
            return super().response(*args, **kwargs)
        return self._app.response_class(data, mimetype=self.mimetype)


def create_app(config: Mapping[str, Any] | None = None, engine: Engine | None = None) -> Flask:
    """An app serving the page and /api; builds the engine from QA_CORPUS unless one is given."""
    app = Flask(__name__, static_folder=str(STATIC), static_url_path="/static",
                template_folder=str(TEMPLATES))
    app.json = JSONProvider(app)
    # one byte over the limit is read, so that a body of unknown length can be told to be too large
    app.config.from_mapping(QA_CORPUS=corpus_path(), QA_CORPUS_RECURSIVE=corpus_recursive(),
                            MAX_CONTENT_LENGTH=api.MAX_BODY + 1,
                            QA_MAX_ASKING=gate.DEFAULT_LIMIT, QA_BUSY_WAIT=gate.DEFAULT_WAIT,
                            QA_RETRY_AFTER=gate.DEFAULT_RETRY_AFTER,
                            QA_ADMIN_TOKEN=os.environ.get(documents_api.TOKEN_ENV) or None)
    app.config.update(config or {})
    if "QA_CORS_ORIGINS" not in app.config:
        app.config["QA_CORS_ORIGINS"] = cors.origins()
    app.extensions["qa.live"] = Live(engine or Engine.from_corpus(
        app.config["QA_CORPUS"], recursive=app.config["QA_CORPUS_RECURSIVE"]))
    app.extensions["qa.service.gate"] = gate.Gate(app.config["QA_MAX_ASKING"], app.config["QA_BUSY_WAIT"],
                                          app.config["QA_RETRY_AFTER"])
    app.extensions["qa.service.openapi"] = openapi.document()
    app.extensions["qa.service.openapi.json"] = app.json.dumps(app.extensions["qa.service.openapi"])
    app.register_blueprint(api.bp)
    app.register_blueprint(documents_api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(reading.bp)
    app.register_blueprint(api_docs.bp)
    app.register_error_handler(Exception, handle_error)
    app.after_request(secure)
    cors.enable(app, app.config["QA_CORS_ORIGINS"])
    return app


def secure(response: Response) -> Response:
    """Security headers on every response, pages, API, static files and errors alike; nothing from
    the request's headers echoed (redirects are relative); API answers are never stored by caches."""
    headers = response.headers
    present = {name.lower() for name, _ in headers}  # one pass, not one search per header
    for lower, name, value in _SECURITY_DEFAULTS:
        if lower not in present:
            headers.add(name, value)
    if "location" in present:
        headers["Location"] = relative(headers["Location"])
    if "cache-control" not in present and in_api(request.path):
        headers.add("Cache-Control", API_CACHE_CONTROL)
    return response


def in_api(path: str) -> bool:
    """Whether ``path`` is the API's: its answers are problem+json and never stored by caches."""
    return path == "/api" or path.startswith("/api/")


def relative(location: str) -> str:
    """A redirect target without scheme and host: werkzeug builds them from the request's Host
    header, which would let a client (or a shared cache it poisons) send others anywhere."""
    parts = urlsplit(location)
    path = "/" + parts.path.lstrip("/")  # never "//host": that is a host too
    return urlunsplit(("", "", path, parts.query, parts.fragment))


def handle_error(exc: Exception):
    """Every error: problem+json under /api/, the page with a message elsewhere; never internals."""
    headers: dict[str, str] = {}
    api_path = in_api(request.path)
    if isinstance(exc, QAError):
        body = exc.to_problem()
        headers = exc.headers()
    elif isinstance(exc, HTTPException):
        status = exc.code or 500
        detail = (PAGE_NOT_FOUND if status == 404 and not api_path else HTTP_DETAILS.get(status)
                  or _method_detail(exc) or exc.description or "")
        body = problem(status, detail)
        headers = {"Allow": allowed} if (allowed := _allowed(exc)) else {}
    else:
        log.exception("unexpected error answering %s %s", request.method, request.path)
        body = problem(500, HTTP_DETAILS[500])
    status = body["status"]
    if api_path:
        response = api_problem(body)
    else:
        try:
            response = Response(pages.render_page(error=body["detail"], status=status), mimetype="text/html")
        except Exception:  # the page itself failed: fall back to plain text
            log.exception("cannot render the error page")
            response = Response(body["detail"] + "\n", mimetype="text/plain")
    response.status_code = status
    response.headers.update(headers)
    return response


def api_problem(body: dict[str, Any]) -> Response:
    response = current_app.json.response(body)
    response.mimetype = "application/problem+json"
    return response


def _method_detail(exc: HTTPException) -> str | None:
    if exc.code != 405:
        return None
    return (f"{request.method} is not allowed here: use {_allowed(exc) or 'another method'} "
            "(see /api/openapi.json).")


def _allowed(exc: HTTPException) -> str:
    """The Allow header's methods in a fixed order (werkzeug's come from a set: any order)."""
    methods = {m.strip() for k, v in exc.get_headers() if k.lower() == "allow" for m in v.split(",")}
    return ", ".join(sorted(m for m in methods if m))


def bare_error(status: int, detail: str, path: str | None, retry_after: int | None = None,
               slug: str | None = None) -> tuple[list[tuple[str, str]], bytes]:
    """Headers and body of an error answered without Flask (by the server itself, before or instead
    of the app): problem+json under /api/ or when the path is unknown, a short page elsewhere; the
    same security headers; the detail is ours, never text from the request."""
    body = problem(status, detail, slug=slug)
    if path is None or in_api(path):
        data, kind = json.dumps(body).encode(), "application/problem+json"
    else:
        data = (f"<!doctype html><meta charset=\"utf-8\"><title>{body['title']} · article-qa</title>"
                f"<h1>{body['title']}</h1><p>{escape(pages.sentence(detail))}</p>"
                "<p><a href=\"/\">Ask a question</a></p>\n").encode()
        kind = "text/html; charset=utf-8"
    headers = [("Content-Type", kind), ("Content-Length", str(len(data))),
               ("Cache-Control", API_CACHE_CONTROL), *SECURITY_HEADERS.items()]
    if retry_after is not None:
        headers.append(("Retry-After", str(retry_after)))
    return headers, data
