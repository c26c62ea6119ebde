"""The write API from the command line (``qa add``, ``qa remove``): one request each, errors in a sentence."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

from .errors import QAError
from .folder import check_name
from .service.documents_api import ARTICLE_TYPE, TOKEN_ENV

TIMEOUT_SECONDS = 120  # an article is parsed before the answer: a long one takes a while


class RemoteError(QAError):
    """The server refused or could not be reached; ``detail`` is its own sentence where it gave one."""


def token() -> str:
    value = os.environ.get(TOKEN_ENV, "").strip()
    if not value:
        raise RemoteError(f"set {TOKEN_ENV} to the server's admin token (export {TOKEN_ENV}=...) "
                          "to add or remove articles.")
    return value


def add(url: str, file: Path, name: str | None = None) -> tuple[int, dict]:
    """PUT the file as document ``name`` (default: the file's stem); (status, document summary)."""
    name = check_name_for_cli(name or file.stem)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise RemoteError(f"cannot read {file}: {exc.strerror or exc}.") from None
    return _send("PUT", url, name, data)


def remove(url: str, name: str) -> int:
    """DELETE the document ``name``; the status (204)."""
    return _send("DELETE", url, check_name_for_cli(name), None)[0]


def check_name_for_cli(name: str) -> str:
    try:
        return check_name(name)
    except QAError as exc:
        raise RemoteError(exc.detail + " Give another with --name.") from None


def _send(method: str, url: str, name: str, data: bytes | None) -> tuple[int, dict]:
    if not url.startswith(("http://", "https://")):
        raise RemoteError(f"give the server's address as http://HOST:PORT, not {url!r} (--url).")
    headers = {"Authorization": f"Bearer {token()}"}
    if data is not None:
        headers["Content-Type"] = ARTICLE_TYPE
    request = urllib.request.Request(f"{url.rstrip('/')}/api/documents/{quote(name)}", data=data,
                                     headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            body = response.read()
            return response.status, json.loads(body) if body else {}
    except urllib.error.HTTPError as exc:
        raise RemoteError(_detail(exc)) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise RemoteError(f"cannot reach {url} ({reason}): is `qa serve` running there?") from None


def _detail(exc: urllib.error.HTTPError) -> str:
    """The server's problem detail, prefixed with the status."""
    try:
        detail = json.loads(exc.read())["detail"]
    except (ValueError, KeyError, TypeError, OSError):
        detail = exc.reason
    return f"{exc.code}: {detail}"
