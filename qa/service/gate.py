"""Admission to the engine: a few questions answered at once per process, the rest wait briefly or get 503.

The engine is not thread-safe (spaCy's memory zones, the tokenizer cache) and answering is CPU work
under the GIL, so one question at a time per worker loses nothing; a bounded wait means an overloaded
worker answers "busy, retry" instead of letting requests queue without bound.

Slots are counted under a condition on an RLock, not by ``threading.BoundedSemaphore``: under gevent
that semaphore's condition sits on a plain lock, whose ownership test is a failing non-blocking
acquire, which gevent turns into a yield (gevent issue 1464). Every release then sent the request to
the back of the event loop holding the semaphore's lock, the others queued behind that lock with no
time limit, and under 400 clients answers took seconds and no 503 was sent (benchmarks/hostile.py).
"""

from __future__ import annotations

import threading

from ..errors import ServiceBusy

DEFAULT_LIMIT = 1
DEFAULT_WAIT = 0.5  # seconds; a question takes about 1 ms on the sample corpus
DEFAULT_RETRY_AFTER = 1  # seconds, sent as Retry-After


class Gate:
    """At most ``limit`` holders at once; a caller waits up to ``wait`` seconds, then ServiceBusy."""

    def __init__(self, limit: int = DEFAULT_LIMIT, wait: float = DEFAULT_WAIT,
                 retry_after: int = DEFAULT_RETRY_AFTER):
        if limit < 0 or wait < 0 or retry_after < 1:
            raise ValueError("limit and wait must be >= 0 and retry_after >= 1")
        self.limit = limit
        self.wait = wait
        self.retry_after = retry_after
        self._free = limit
        self._freed = threading.Condition(threading.RLock())

    def admit(self) -> Gate:
        """Hold one slot for the ``with`` block, or raise ServiceBusy (503) after the wait; the gate is
        its own context manager (no state per holder), a third cheaper than a generator-based one."""
        return self

    def __enter__(self) -> None:
        with self._freed:
            if self._free <= 0 and not self._freed.wait_for(self._has_free, timeout=self.wait):
                raise ServiceBusy(f"the service is busy answering other questions: try again in "
                                  f"{self.retry_after} s.", retry_after=self.retry_after)
            self._free -= 1

    def __exit__(self, *exc_info) -> None:
        with self._freed:
            self._free += 1
            self._freed.notify()

    def _has_free(self) -> bool:
        return self._free > 0
