"""Load shedding: when a worker's event loop falls behind, new requests get 503 + Retry-After at once.

Under the gevent worker a request's wait is not in a queue anyone can count: it is the time the event
loop takes to come round to it, behind every other ready connection. A sleeper measures that lag (the
way node's toobusy does); while it is over ``MAX_LAG`` at two looks running (one pause, a garbage
collection say, is not overload) the middleware answers 503 without touching
Flask or the engine, so overload costs a fraction of a millisecond a request and the answered ones
stay fast. Clients that honour Retry-After then thin the load out.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque

from .app import bare_error

MAX_LAG = 0.25  # seconds the loop may be late before new requests are turned away
INTERVAL = 0.02  # seconds between two looks at the loop
RETRY_AFTER = 1  # seconds, sent as Retry-After
EXEMPT = frozenset({"/api/health"})  # a health check says the worker lives, busy or not
DETAIL = (f"the service is over capacity: try again in {RETRY_AFTER} s (Retry-After); "
          "answers resume as soon as the load falls.")


class Lag:
    """How late a sleeper wakes up: the event loop's delay for everyone (under gevent, threads are
    greenlets; without it, the thread measures the interpreter's delay instead)."""

    def __init__(self, interval: float = INTERVAL):
        self.interval = interval
        self.recent: deque[float] = deque([0.0, 0.0], maxlen=2)
        self._thread: threading.Thread | None = None
        self._pid: int | None = None

    def start(self) -> None:
        """Start the sleeper in this process, unless it runs already (threads do not survive a fork)."""
        if self._pid == os.getpid():
            return
        self._pid = os.getpid()
        self._thread = threading.Thread(target=self._run, name="qa-lag", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            due = time.monotonic() + self.interval
            time.sleep(self.interval)
            self.recent.append(max(0.0, time.monotonic() - due))

    def now(self) -> float:
        """The lag the loop has kept up over the last two looks (0 before the sleeper runs here)."""
        if self._pid != os.getpid():
            return 0.0
        return min(self.recent)


class Shedder:
    """WSGI middleware: 503 problem+json (or a short page) with Retry-After while the loop lags."""

    def __init__(self, app, lag: Lag | None = None, max_lag: float = MAX_LAG):
        self.app = app
        self.lag = lag or Lag()
        self.max_lag = max_lag
        self.shed = 0

    def __call__(self, environ, start_response):
        self.lag.start()  # in each worker, at its first request
        path = environ.get("PATH_INFO", "")
        if self.lag.now() > self.max_lag and path not in EXEMPT:
            self.shed += 1
            headers, body = bare_error(503, DETAIL, path, retry_after=RETRY_AFTER, slug="busy")
            start_response("503 Service Unavailable", headers)
            return [body]
        return self.app(environ, start_response)
