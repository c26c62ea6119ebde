"""The engine a request answers from, swapped whole when the corpus folder changes (Lucene's reopen).

Each process holds one ``Snapshot`` (engine and the views derived from it). A request takes the
snapshot once; every CHECK_SECONDS each worker looks at the folder's modification time (and a request
does, in a server of one process), and when it moved, a new engine is built beside the old one, off
the event loop, from the cached passages of unchanged documents, and the reference is swapped.
Readers never see half an update.
"""

from __future__ import annotations

import itertools
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .engine import Engine

log = logging.getLogger(__name__)

CHECK_SECONDS = 0.1  # how stale a worker's view of the folder may be, at most (one stat a look)
# A folder's mtime has the kernel's clock tick as resolution: two changes within one tick leave the
# same mtime, so a folder listed sooner than this after its mtime is listed once more after it.
SETTLE_SECONDS = 1.0


@dataclass
class Snapshot:
    """One engine with what views derive from it (catalog, page data), built before it is served."""

    engine: Engine
    seq: int
    folder_stamp: int | None
    views: dict[str, Any] = field(default_factory=dict)
    listed: int = 0  # when the folder was listed for it (time.time_ns()), after reading its stamp


class Live:
    """Holds the current snapshot; notices folder changes cheaply and swaps in a rebuilt engine."""

    def __init__(self, engine: Engine, check_seconds: float = CHECK_SECONDS):
        self.library = engine.library
        self.check_seconds = check_seconds
        self._derivers: dict[str, Callable[[Engine], Any]] = {}
        self._seq = itertools.count(1)
        listed = time.time_ns()
        stamp = self.library.folder_stamp() if self.library else None
        self._snapshot = Snapshot(engine, next(self._seq), stamp, listed=listed)
        self._checked = time.monotonic()
        self._builds = 0  # rebuilds running in this process
        self._swap_lock = threading.Lock()
        self._build_lock = _thread_lock()
        self._pid = os.getpid()

    @property
    def writable(self) -> bool:
        return self.library is not None and self.library.folder is not None

    def derive(self, name: str, build: Callable[[Engine], Any]) -> None:
        """Compute ``name`` for the current snapshot and for every snapshot swapped in from now on."""
        self._derivers[name] = build
        self._snapshot.views[name] = build(self._snapshot.engine)

    def start_in_worker(self, warm: bool = False) -> None:
        """In a forked worker before it serves: warm it (``warm``), catch up with changes made since
        the fork and watch the folder from now on, rather than from the worker's first request."""
        if warm:
            self.warm()
        self.current()

    def warm(self) -> None:
        """Rebuild once over the same documents and drop the result, in a worker before it serves.

        A forked worker shares the start-up engine's pages with the others until it writes to them,
        and a rebuild writes the reference counts of nearly every object in it: at 100k passages the
        first change made the kernel copy 640 MB, 1 s in each worker at once. Warmed, every change
        costs what a later one does; the price is those pages private from the start."""
        engine = self._snapshot.engine
        rebuilt = engine.rebuilt(engine.entries)
        for build in self._derivers.values():
            build(rebuilt)

    def current(self) -> Snapshot:
        """The snapshot to answer from; starts a rebuild in the background when the folder changed."""
        if self._pid != os.getpid():
            return self._first_in_this_process()
        now = time.monotonic()
        if self.library is not None and now - self._checked >= self.check_seconds:
            self._checked = now
            if not self._builds and self._changed():
                self._building(+1)
                background(self._refresh_in_background)
        return self._snapshot

    def _first_in_this_process(self) -> Snapshot:
        """In a forked worker: catch up before the first answer (a worker forked later holds the
        snapshot of start-up), then watch the folder whether or not requests come, so that an idle
        worker's next answer is from the change too."""
        self._pid = os.getpid()
        self._builds = 0  # threads do not survive a fork
        self._checked = time.monotonic()
        if self.library is not None:
            background(self._watch)
            if self._changed():
                return self.refresh()
        return self._snapshot

    def _watch(self) -> None:
        pid = os.getpid()
        while os.getpid() == pid:
            time.sleep(self.check_seconds)
            if not self._builds and self._changed():
                self._building(+1)
                self._refresh_in_background()

    def _changed(self) -> bool:
        stamp = self.library.folder_stamp()
        if stamp is None:
            return False
        if stamp != self._snapshot.folder_stamp:
            return True
        settle = SETTLE_SECONDS * 1e9  # a change in the mtime's tick after the listing: list again
        return self._snapshot.listed - stamp < settle <= time.time_ns() - stamp

    def refresh(self) -> Snapshot:
        """Rebuild from the folder now (off the event loop) and swap; for the worker that wrote.
        Meanwhile no background rebuild starts: it would do the same work twice on the same cores."""
        self._building(+1)
        try:
            return self._swap(*off_loop(self._build))
        finally:
            self._building(-1)

    def _refresh_in_background(self) -> None:
        try:
            self._swap(*off_loop(self._build))
        except Exception:  # keep serving the old engine; the next change tries again
            log.exception("cannot rebuild the index after a change in the corpus folder")
        finally:
            self._building(-1)

    def _building(self, change: int) -> None:
        with self._swap_lock:
            self._builds += change

    def _build(self) -> tuple[int, int | None, int, Engine | None, dict[str, Any]]:
        """(sequence, folder stamp, when listed, new engine or None if nothing changed, its views).
        One at a time: the writer's and the watcher's at once would share the cores for the same work."""
        with self._build_lock:
            return self._built()

    def _built(self) -> tuple[int, int | None, int, Engine | None, dict[str, Any]]:
        seq = next(self._seq)
        listed = time.time_ns()
        stamp = self.library.folder_stamp()
        old = self._snapshot.engine
        entries = self.library.load(old.entries, skip_bad=True)
        if [(n, e.stamp) for n, e in entries.items()] == [(n, e.stamp) for n, e in old.entries.items()]:
            return seq, stamp, listed, None, {}
        started = time.perf_counter()
        engine = old.rebuilt(entries)
        views = {name: build(engine) for name, build in self._derivers.items()}
        log.info("index rebuilt after a change in %s: %d document(s), %d passages in %.2f s",
                 self.library.folder, len(engine.documents), len(engine.passages),
                 time.perf_counter() - started)
        return seq, stamp, listed, engine, views

    def _swap(self, seq: int, stamp: int | None, listed: int, engine: Engine | None,
              views: dict) -> Snapshot:
        """Make a newer build current (an older one, finished late, never replaces it)."""
        with self._swap_lock:
            current = self._snapshot
            if seq > current.seq:
                self._snapshot = Snapshot(engine or current.engine, seq, stamp,
                                          views if engine else current.views, listed)
            return self._snapshot


def _thread_lock():
    """A lock between real threads (rebuilds run in them), even where gevent patched threading."""
    from gevent import monkey

    return monkey.get_original("_thread", "allocate_lock")()


def _hub_pool():
    """gevent's pool of real threads when this process is monkey-patched, else None."""
    from gevent import monkey

    if monkey.is_module_patched("threading"):
        import gevent

        return gevent.get_hub().threadpool
    return None


def off_loop(fn: Callable[[], Any]) -> Any:
    """``fn()`` in a real thread while the event loop serves others (under gevent), else directly."""
    pool = _hub_pool()
    return pool.apply(fn) if pool is not None else fn()


def background(fn: Callable[[], None]) -> None:
    """Run ``fn`` without making the caller wait: a greenlet under gevent, else a daemon thread."""
    if _hub_pool() is not None:
        import gevent

        gevent.spawn(fn)
    else:
        threading.Thread(target=fn, name="qa-rebuild", daemon=True).start()
