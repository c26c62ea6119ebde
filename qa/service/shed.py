"""Load shedding: a request that has waited too long in a worker's queue gets 503 + Retry-After at once.

Under the gevent worker the queue is the event loop's set of ready connections: each poll collects
every socket with a request waiting, then the loop runs them one after another (answering is CPU work
that never yields). So a request the loop comes to has waited at least since that poll, or since its
connection's previous request began if that was later (a client that sent its next question while
its connection was still being served has not waited in any queue). When that wait is over
``MAX_WAIT`` and ``MIN_QUEUE`` connections or more have been served since the poll, the middleware
answers 503 without touching Flask or the engine, a fraction of a millisecond, so the queue empties
fast and the answered requests stay within the budget; clients that honour Retry-After then thin the
load out. A pause with a few clients (a garbage collection, the process descheduled on a busy
machine) is no queue: counted as one, it cost the HTTP benchmark's four connections 503s. Outside
gevent (Flask's test client, the development server) nothing is shed.
"""

from __future__ import annotations

import os
import sys
import time
import weakref

from .app import bare_error

# Seconds a request may wait. A question costs 1-2 ms, so 0.1 s is a queue of 50 or more; under 400
# clients (benchmarks/hostile.py) 0.25 and 0.5 s let answers and 503s wait 2-4x longer.
MAX_WAIT = 0.1
MIN_QUEUE = 16  # connections served in one round: the benchmarks' normal loads keep 4-8 of them
RETRY_AFTER = 1  # seconds, sent as Retry-After
EXEMPT = frozenset({"/api/health"})  # a health check says the worker lives, busy or not
FIRST = 2  # libev's EV_MAXPRI: the poll is stamped before any ready connection runs
DETAIL = (f"the service is over capacity: try again in {RETRY_AFTER} s (Retry-After); "
          "answers resume as soon as the load falls.")


class QueueWait:
    """This process's gevent loop, timed: when it last polled, and which connections (greenlets, one
    each under gevent) began a request when; all 0 where gevent does not run the sockets."""

    def __init__(self):
        self.polled: float | None = None
        self.round = 0
        self.served = 0
        self._pid: int | None = None
        self._watcher = None
        self._current = None
        self._began: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def start(self) -> None:
        """Time every poll of this process's loop from now on (once per process: forks start over)."""
        if self._pid == os.getpid():
            return
        self._pid = os.getpid()
        self.polled, self._began = None, weakref.WeakKeyDictionary()
        monkey = sys.modules.get("gevent.monkey")
        if monkey is None or not monkey.is_module_patched("socket"):
            return
        import gevent

        self._current = gevent.getcurrent
        self._watcher = gevent.get_hub().loop.check(ref=False, priority=FIRST)
        self._watcher.start(self._poll_returned)
        self._poll_returned()

    def _poll_returned(self) -> None:
        self.polled = time.monotonic()
        self.round += 1
        self.served = 0

    def begin(self) -> tuple[float, int]:
        """A request begins on this greenlet's connection: (the least time it has waited, the
        connections served in this round of the loop, its own included)."""
        if self._pid != os.getpid() or self.polled is None:
            return 0.0, 0
        now, connection = time.monotonic(), self._current()
        began, round_ = self._began.get(connection, (0.0, 0))
        if round_ != self.round:
            self.served += 1
        self._began[connection] = (now, self.round)
        return now - max(self.polled, began), self.served


class Shedder:
    """WSGI middleware: 503 problem+json (or a short page) with Retry-After for a request that waited
    over ``max_wait`` seconds in a queue of ``MIN_QUEUE`` connections or more."""

    def __init__(self, app, wait: QueueWait | None = None, max_wait: float = MAX_WAIT):
        self.app = app
        self.wait = wait or QueueWait()
        self.max_wait = max_wait
        self.shed = 0

    def __call__(self, environ, start_response):
        self.wait.start()  # in each worker, at its first request
        path = environ.get("PATH_INFO", "")
        waited, served = self.wait.begin()
        if waited > self.max_wait and served >= MIN_QUEUE and path not in EXEMPT:
            self.shed += 1
            headers, body = bare_error(503, DETAIL, path, retry_after=RETRY_AFTER, slug="busy")
            start_response("503 Service Unavailable", headers)
            return [body]
        return self.app(environ, start_response)
