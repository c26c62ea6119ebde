"""One small exception family shared by the engine, the CLI and the API, and one error body builder."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

PROBLEM_BASE = "https://article-qa.invalid/problems/"


class QAError(Exception):
    """Base of every error article-qa reports on purpose; ``detail`` tells the user what to do next."""

    status = 500
    exit_code = 1
    slug = "internal"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra

    def to_problem(self) -> dict[str, Any]:
        return problem(self.status, self.detail, slug=self.slug, **self.extra)

    def headers(self) -> dict[str, str]:
        """HTTP headers the response carries besides the problem body."""
        return {}


class StartupError(QAError):
    """The service cannot start: bad corpus, missing pipeline, unusable configuration."""

    exit_code = 2
    slug = "startup"


class CorpusError(StartupError):
    """The corpus path is missing, empty, unreadable or not UTF-8 text."""

    slug = "corpus"


class ConfigError(StartupError):
    """A setting (an environment variable) holds a value the service cannot use."""

    slug = "config"


class PipelineError(StartupError):
    """The configured spaCy pipeline cannot be loaded."""

    slug = "pipeline"


class InvalidRequest(QAError):
    """A request the caller can fix: bad JSON, wrong types, values out of range, unknown fields."""

    status = 400
    slug = "invalid-request"


class NotFound(QAError):
    """A path or a named thing (a document) that does not exist; ``detail`` says what does."""

    status = 404
    slug = "not-found"


class Unauthorized(QAError):
    """A write without the admin token, or with a wrong one."""

    status = 401
    slug = "unauthorized"

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'Bearer realm="article-qa"'}


class Forbidden(QAError):
    """A write to a service that is read-only (no admin token configured, or a single-file corpus)."""

    status = 403
    slug = "read-only"


class Conflict(QAError):
    """A change that would leave the corpus unusable (removing its last document)."""

    status = 409
    slug = "conflict"


class PayloadTooLarge(QAError):
    """A request body over the service's size limit."""

    status = 413
    slug = "payload-too-large"


class UnsupportedMediaType(QAError):
    """A request body in a format the endpoint does not read (it wants application/json)."""

    status = 415
    slug = "unsupported-media-type"


class ServiceBusy(QAError):
    """Every engine slot of this worker stayed taken for the whole wait: the caller should retry."""

    status = 503
    slug = "busy"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class InvalidQuestionsFile(QAError):
    """An evaluation question file that cannot be read or has malformed lines."""

    exit_code = 2
    slug = "questions"


def problem(status: int, detail: str, *, slug: str | None = None, title: str | None = None,
            **extra: Any) -> dict[str, Any]:
    """An RFC 9457 problem-details body: the same shape for every error the service returns."""
    phrase = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + (slug or phrase.lower().replace(" ", "-")),
        "title": title or phrase,
        "status": status,
        "detail": detail,
    }
    body.update(extra)
    return body
