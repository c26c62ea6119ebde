"""PUT and DELETE /api/documents/NAME: add, replace and remove articles while serving, with the admin token.

The article is checked and parsed (and cached) first, then written to the corpus folder atomically;
this worker swaps in a rebuilt engine before answering, the others notice the folder change within
qa.live.CHECK_SECONDS and do the same.
"""

from __future__ import annotations

import hmac
from pathlib import Path

from flask import Blueprint, current_app, request
from werkzeug.routing import BaseConverter

from .. import folder
from ..corpus import MAX_FILE_BYTES, check_size
from ..errors import (
    CorpusError,
    Forbidden,
    InvalidRequest,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
    UnsupportedMediaType,
)
from ..live import Live, off_loop
from . import current
from .api import summary

TOKEN_ENV = "QA_ADMIN_TOKEN"
ARTICLE_TYPE = "text/plain; charset=utf-8"
EXAMPLE = ("curl -X PUT http://127.0.0.1:8000/api/documents/NAME -H 'Authorization: Bearer $QA_ADMIN_TOKEN' "
           f"-H 'Content-Type: {ARTICLE_TYPE}' --data-binary @NAME.txt")

bp = Blueprint("documents", __name__, url_prefix="/api")


class AnyName(BaseConverter):
    """Any path segment(s), control characters too: a bad name is a 400 that says what is allowed,
    never a 404 because the router would not match it."""

    regex = r"[\s\S]*"
    part_isolating = False


@bp.record_once
def _converter(state) -> None:
    state.app.url_map.converters["name"] = AnyName


@bp.record_once
def _cleanup(state) -> None:
    """Temporary files of writes that crashed before their rename are removed at start-up."""
    live: Live = state.app.extensions["qa.live"]
    if live.writable and state.app.config.get(TOKEN_ENV):
        folder.clean_leftovers(live.library.folder)


@bp.app_context_processor
def _page_flags() -> dict:
    """Whether the page shows "Add an article" (web/templates/admin.html): writes can be made."""
    live: Live = current_app.extensions["qa.live"]
    return {"writes_enabled": bool(current_app.config.get(TOKEN_ENV)) and live.writable,
            "max_document_name": folder.MAX_NAME}


@bp.get("/documents/<name:name>")
def get_document(name: str):
    """One document's summary: name, title, sections, paragraphs and passages."""
    summary = current.view("qa.catalog")["summaries"].get(name)
    if summary is None:
        known = list(current.view("qa.catalog")["summaries"])
        raise NotFound(f"no document named {name[:40]!r}: use one of {', '.join(known)}.", documents=known)
    return summary


@bp.put("/documents/<name:name>")
def put_document(name: str):
    """Add (201) or replace (200) the article NAME from the body, in the corpus file format."""
    live = writable()
    name = folder.check_name(name)
    data = article_body()
    try:
        entry = off_loop(lambda: live.library.prepare(name, data))
    except CorpusError as exc:
        raise InvalidRequest(exc.detail) from None
    created = off_loop(lambda: folder.write(live.library.folder, name, data))
    live.refresh()
    return summary(entry.document, len(entry.passages)), 201 if created else 200


@bp.delete("/documents/<name:name>")
def delete_document(name: str):
    """Remove the article NAME from the corpus folder and the index."""
    live = writable()
    name = folder.check_name(name)
    off_loop(lambda: folder.remove(live.library.folder, name))
    live.refresh()
    return "", 204


def writable() -> Live:
    """The live corpus, if this request may change it: writes enabled, token right, a folder corpus."""
    token = current_app.config.get(TOKEN_ENV)
    if not token:
        raise Forbidden(f"this service is read-only: start it with {TOKEN_ENV} set to a secret "
                        f"(e.g. {TOKEN_ENV}=$(openssl rand -hex 32) qa serve) to add and remove "
                        "articles, sending Authorization: Bearer THE_SECRET.")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise Unauthorized("send the admin token as the header Authorization: Bearer TOKEN (the "
                           f"value of {TOKEN_ENV} on the server).")
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise Unauthorized(f"the admin token is wrong: send the value of {TOKEN_ENV} on the server "
                           "as Authorization: Bearer TOKEN.")
    live: Live = current_app.extensions["qa.live"]
    if not live.writable:
        what = (f"the single file {live.library.path}" if live.library is not None
                else "a ready-made engine")
        raise Forbidden(f"the corpus is {what}, so it is read-only: serve a folder of .txt files "
                        "(qa serve --corpus FOLDER) to add and remove articles.")
    return live


def article_body() -> bytes:
    """The request body as an article: plain text in UTF-8, within the corpus file's size limit."""
    if request.mimetype != "text/plain" or request.mimetype_params.get("charset", "utf-8").lower() \
            not in ("utf-8", "utf8"):
        got = request.headers.get("Content-Type") or "none"
        raise UnsupportedMediaType(f"send the article as Content-Type: {ARTICLE_TYPE} (got "
                                   f"{got[:40]!r}), e.g. {EXAMPLE}.")
    request.max_content_length = MAX_FILE_BYTES + 1
    try:
        check_size(request.content_length or 0, Path("the article"))
        data = request.get_data(cache=False)
        check_size(len(data), Path("the article"))
    except CorpusError as exc:
        raise PayloadTooLarge(exc.detail) from None
    return data
