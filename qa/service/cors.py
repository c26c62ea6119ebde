"""Cross-origin access to /api: off unless QA_CORS_ORIGINS names the web origins allowed to call it."""

from __future__ import annotations

import os
import re

from flask import Flask
from flask_cors import CORS

from ..errors import ConfigError

ENV = "QA_CORS_ORIGINS"
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?")
MAX_AGE = 600  # seconds a browser may cache a preflight answer
EXPOSED = ["Retry-After"]  # so that a page on another origin can honour a 503's wait


def origins(value: str | None = None) -> list[str]:
    """The origins in a comma-separated list (``*`` for any), checked; [] when unset (CORS off)."""
    value = os.environ.get(ENV, "") if value is None else value
    found = [v.strip().rstrip("/") for v in value.split(",") if v.strip()]
    if "*" in found:
        return ["*"]
    if bad := [v for v in found if not _ORIGIN.fullmatch(v)]:
        raise ConfigError(f"{ENV} has {bad[0]!r}, which is not an origin: give scheme, host and "
                              "optional port, comma-separated, e.g. https://example.org,"
                              "http://localhost:3000 (or * for any origin).")
    return found


def enable(app: Flask, allowed: list[str]) -> None:
    """Answer preflights and add Access-Control-* headers on /api/ for ``allowed`` origins only."""
    if allowed:
        CORS(app, resources={r"/api/*": {"origins": allowed}}, methods=["GET", "POST"],
             allow_headers=["Content-Type"], expose_headers=EXPOSED, max_age=MAX_AGE)
