"""The snapshot a request answers from, taken once per request: one request sees one engine."""

from __future__ import annotations

from flask import current_app, g

from ..live import Snapshot


def snapshot() -> Snapshot:
    if "qa_snapshot" not in g:
        g.qa_snapshot = current_app.extensions["qa.live"].current()
    return g.qa_snapshot


def engine():
    return snapshot().engine


def view(name: str):
    """A view derived from the request's engine (the catalog, the page's data), built with it."""
    return snapshot().views[name]
