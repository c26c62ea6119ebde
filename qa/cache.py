"""The parse cache: one entry per document in one SQLite file (WAL mode), JSON rows, never pickle.

An entry is keyed by the document's bytes, the spaCy pipeline and the index format, so adding or
changing one article parses that article only. SQLite gives atomic writes and safe concurrent readers
and writers across workers and processes; a damaged or foreign entry is logged and rebuilt.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import marshal
import os
import re
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .passages import Entity, Passage, link_neighbours
from .syntax import Syntax

log = logging.getLogger(__name__)

INDEX_FORMAT = 5  # bump whenever parsing or post-processing changes what a cache holds
DATABASE = "passages.sqlite3"
BUSY_SECONDS = 30  # how long a writer waits for another's transaction before giving up
# the whole-corpus JSON files (and their locks) of the cache before SQLite, obsolete once it is written
LEGACY = re.compile(r"passages-[0-9a-f]{32}\.(json|lock)")
SCHEMA = ("CREATE TABLE IF NOT EXISTS documents (key TEXT PRIMARY KEY, format INTEGER NOT NULL, "
          "rows TEXT NOT NULL, used INTEGER NOT NULL DEFAULT 0)")
# an entry no corpus has read for this many days (an article's earlier text, a corpus gone, another
# version's format) is dropped at the next write, so a living corpus's cache does not grow with every
# edit; two versions sharing a cache folder keep each other's entries meanwhile
KEEP_DAYS = 30


def today() -> int:
    """Days since the epoch: the unit of an entry's last use."""
    return int(time.time() // 86400)


def cache_dir() -> Path:
    """$QA_CACHE_DIR, or the user's cache folder (e.g. ~/.cache/article-qa: platformdirs is imported
    only then, 5 ms of a start-up)."""
    if folder := os.environ.get("QA_CACHE_DIR"):
        return Path(folder)
    import platformdirs

    return Path(platformdirs.user_cache_dir("article-qa"))


def parsed_once(name: str, data: bytes, parse: Callable[[bytes], object], layout: int = 0) -> object:
    """``parse(data)``, from the cache folder when these very bytes were parsed before by this Python
    (marshal: plain containers, loaded in a tenth of the parse) into this ``layout`` of the parsed
    data (a new one replaces the old file); a file that cannot be read is parsed again and replaced,
    and an unwritable folder means parsing at every start-up."""
    version = f"{sys.version_info[0]}{sys.version_info[1]}-{marshal.version}"
    digest = hashlib.sha256(data if not layout else data + f"\0layout {layout}".encode()).hexdigest()
    cached = cache_dir() / f"{name}-{digest[:16]}-{version}.marshal"
    try:
        return marshal.loads(cached.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        pass
    value = parse(data)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        for old in cached.parent.glob(f"{name}-*.marshal"):
            old.unlink(missing_ok=True)
        scratch = cached.with_suffix(f".{os.getpid()}.tmp")
        scratch.write_bytes(marshal.dumps(value))
        scratch.replace(cached)
    except OSError:
        pass
    return value


def document_key(data: bytes, pipeline: str) -> str:
    """A key that changes with the document's bytes, the spaCy pipeline and the index format (not its
    name: the same text under another name is the same parse)."""
    h = hashlib.sha256(f"article-qa document {INDEX_FORMAT}\0{pipeline}\0{len(data)}\0".encode())
    h.update(data)
    return h.hexdigest()


def encode(passages: list[Passage]) -> list[list]:
    return [[p.section, p.sentence_index, p.text,
             [[e.label, e.start, e.end] for e in p.entities],
             [list(t) for t in p.tokens], list(p.subject_ref) if p.subject_ref else None,
             [list(a) for a in p.syntax.arcs] if p.syntax else [],
             [list(ph) for ph in p.syntax.phrases] if p.syntax else []]
            for p in passages]


def decode(rows: list, document: str) -> list[Passage]:
    """One document's passages from cached rows; raises ValueError on anything malformed or out of range."""
    if not isinstance(rows, list) or not rows:
        raise ValueError("no passages")
    passages = []
    for i, (section, sentence_index, text, ents, tokens, ref, arcs, phrases) in enumerate(rows):
        if not (isinstance(section, str) and isinstance(text, str) and sentence_index == i):
            raise ValueError(f"row {i}: wrong field types or order")
        n = len(text)
        entities = [Entity(text[s:e], str(label), s, e) for label, s, e in ents]
        toks = [(int(s), int(e), str(lemma), bool(punct)) for s, e, lemma, punct in tokens]
        spans = [(e.start, e.end) for e in entities] + [(s, e) for s, e, _, _ in toks]
        if ref is not None:
            spans.append((ref[0], ref[1]))
        if any(not (0 <= s <= e <= n) for s, e in spans):
            raise ValueError(f"row {i}: offset outside the passage")
        syntax = Syntax([(str(pos), str(dep), int(head)) for pos, dep, head in arcs],
                        [(int(a), int(b)) for a, b in phrases])
        m = len(toks)
        if (len(syntax.arcs) != m or any(not 0 <= h < m for _, _, h in syntax.arcs)
                or any(not 0 <= a <= b < m for a, b in syntax.phrases)):
            raise ValueError(f"row {i}: parse does not fit the tokens")
        passages.append(Passage(i, document, section, sentence_index, text, entities, toks,
                                tuple(ref) if ref else None, syntax))
    link_neighbours(passages)
    return passages


class Store:
    """The cache file of one folder; a connection per call, so it is safe across forks and threads."""

    def __init__(self, directory: Path | None = None):
        self.directory = directory or cache_dir()
        self.path = self.directory / DATABASE
        self.usable = True

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection | None]:
        """A connection in WAL mode, or None (logged once) when the cache cannot be used at all."""
        if not self.usable:
            yield None
            return
        try:
            connection = self._open()
        except sqlite3.OperationalError as exc:  # busy or locked: not damage, so never moved aside
            log.warning("cannot use the cache %s now (%s): going on without it", self.path, exc)
            connection = None
        except sqlite3.DatabaseError as exc:
            log.warning("ignoring the damaged cache %s (%s); rebuilding it", self.path, exc)
            connection = self._recreate()
        if connection is None:
            yield None
            return
        try:
            yield connection
        finally:
            connection.close()

    def _open(self) -> sqlite3.Connection | None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
        except (OSError, sqlite3.OperationalError) as exc:
            self._unusable(exc)
            return None
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(SCHEMA)
            _add_used_column(connection)
        except BaseException:
            connection.close()
            raise
        return connection

    def _recreate(self) -> sqlite3.Connection | None:
        """Move a file that is not a usable database aside (never read again) and start afresh."""
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.replace(f"{self.path}{suffix}", f"{self.path}{suffix}.damaged")
        try:
            return self._open()
        except sqlite3.DatabaseError as exc:
            self._unusable(exc)
            return None

    def _unusable(self, exc: Exception) -> None:
        self.usable = False
        log.warning("cannot use the cache %s (%s): running without a cache; set QA_CACHE_DIR to a "
                    "writable folder to start faster next time", self.path, exc)

    def get(self, keys: list[str]) -> dict[str, list]:
        """The cached rows of these keys; entries of another format or unreadable JSON are left out
        (logged), so that they are parsed again. Rows are checked by ``decode``."""
        found: dict[str, list] = {}
        if not keys:
            return found
        with self._connect() as db:
            if db is None:
                return found
            try:
                rows = self._select(db, list(dict.fromkeys(keys)))
            except sqlite3.DatabaseError as exc:
                log.warning("ignoring the unreadable cache %s (%s); rebuilding it", self.path, exc)
                return found
        for key, fmt, text in rows:
            try:
                if fmt != INDEX_FORMAT:
                    raise ValueError(f"format {fmt!r}, not {INDEX_FORMAT}")
                value = json.loads(text)
                if not isinstance(value, list):
                    raise ValueError(f"a JSON {type(value).__name__}, not a list of rows")
                found[key] = value
            except (TypeError, ValueError, RecursionError) as exc:
                log.warning("ignoring a stale or corrupt cache entry %s… in %s (%s); rebuilding it",
                            str(key)[:12], self.path, _short(exc))
        return found

    @staticmethod
    def _select(db: sqlite3.Connection, keys: list[str]) -> list[tuple]:
        """The rows of these keys, each marked used today (at most one write a day per entry)."""
        rows: list[tuple] = []
        day = today()
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            rows += db.execute(f"SELECT key, format, rows FROM documents WHERE key IN ({marks})",
                               chunk).fetchall()
            try:
                db.execute(f"UPDATE documents SET used = ? WHERE used < ? AND key IN ({marks})",
                           [day, day, *chunk])
            except sqlite3.OperationalError as exc:  # another process is writing: mark them next time
                log.debug("cannot mark cache entries used now (%s)", exc)
        return rows

    def put(self, entries: Iterable[tuple[str, list]]) -> bool:
        """Store (key, ``encode``d passages) entries in one transaction; False (logged) when the cache
        is unusable."""
        day = today()
        data = [(key, INDEX_FORMAT, json.dumps(rows, ensure_ascii=False, separators=(",", ":")), day)
                for key, rows in entries]
        with self._connect() as db:
            if db is None:
                return False
            try:
                with db:
                    db.execute("BEGIN IMMEDIATE")
                    db.executemany("INSERT OR REPLACE INTO documents (key, format, rows, used) "
                                   "VALUES (?, ?, ?, ?)", data)
                    db.execute("DELETE FROM documents WHERE used < ?", (day - KEEP_DAYS,))
            except sqlite3.DatabaseError as exc:
                log.warning("cannot write the cache %s (%s): running without it for now", self.path, exc)
                return False
        self._remove_legacy()
        return True

    def _remove_legacy(self) -> None:
        """Delete the files an older version of the cache left in this folder (no one reads them)."""
        with contextlib.suppress(OSError):
            for path in self.directory.iterdir():
                if LEGACY.fullmatch(path.name):
                    with contextlib.suppress(OSError):
                        path.unlink()
                        log.info("removed %s, a cache file of an older version", path)

    @contextlib.contextmanager
    def build_lock(self) -> Iterator[None]:
        """Hold an exclusive lock while parsing, so workers starting together parse a document once.

        The lock file is removed before it is let go, so none is left in the cache folder; a waiter
        that then holds a removed file's lock sees that it is no longer the one at the path and
        takes the new one (the usual way to make flock files removable without a race)."""
        path = self.directory / "passages.lock"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            f = _locked(path)
        except OSError:
            yield
            return
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                path.unlink()
            fcntl.flock(f, fcntl.LOCK_UN)
            f.close()


def _locked(path: Path):
    """The open lock file at ``path``, held exclusively: the one at the path when the lock was got."""
    while True:
        f = open(path, "a")  # noqa: SIM115 - the caller closes it
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            if os.fstat(f.fileno()).st_ino == os.stat(path).st_ino:
                return f
        except FileNotFoundError:
            pass
        fcntl.flock(f, fcntl.LOCK_UN)
        f.close()


def _add_used_column(db: sqlite3.Connection) -> None:
    """Give a cache file written before entries recorded their last use that column (as used today,
    so that upgrading drops nothing)."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(documents)")}
    if "used" not in columns:
        try:
            db.execute(f"ALTER TABLE documents ADD COLUMN used INTEGER NOT NULL DEFAULT {today():d}")
        except sqlite3.OperationalError:  # another process added it first
            if "used" not in {row[1] for row in db.execute("PRAGMA table_info(documents)")}:
                raise


def _short(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 80 else text[:80] + "…"
