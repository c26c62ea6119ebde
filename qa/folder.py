"""Writes to the corpus folder, the corpus's one source of truth: an article is there whole or not at all.

A write goes to a hidden temporary file in the folder, is fsynced and renamed over ``NAME.txt`` (so a
crash leaves the old file or the new one), and the folder is fsynced so the rename survives too.
Writers in every process take one lock file, so writes are serialised and the last complete one wins.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import Conflict, InvalidRequest, NotFound

log = logging.getLogger(__name__)

MAX_NAME = 100
NAME_PATTERN = rf"^[A-Za-z0-9_\-][A-Za-z0-9_.\-]{{0,{MAX_NAME - 1}}}$"
_NAME = re.compile(NAME_PATTERN)
NAME_RULE = (f"a document name is 1 to {MAX_NAME} letters, digits, '-', '_' or '.', not starting "
             "with '.' (e.g. marie_curie; the article is stored as NAME.txt)")
LOCK = ".qa-write.lock"
TEMP_SUFFIX = ".tmp"


def check_name(name: str) -> str:
    """The name, if it is a plain file stem; else a 400 saying what is allowed."""
    if not _NAME.fullmatch(name):
        shown = name if len(name) <= 40 else name[:40] + "…"
        raise InvalidRequest(f"{shown!r} is not a usable document name: {NAME_RULE}.", fields=["name"])
    return name


def article_path(folder: Path, name: str) -> Path:
    return folder / f"{check_name(name)}.txt"


def leftovers(folder: Path) -> list[Path]:
    """Temporary files of writes that never reached their rename (a crash): never read as articles."""
    return sorted(folder.glob(f".*.txt.*{TEMP_SUFFIX}"))


def clean_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary files a crashed writer left behind, naming each in the log."""
    removed = []
    for f in leftovers(folder):
        with contextlib.suppress(OSError):
            f.unlink()
            removed.append(f)
            log.warning("removed %s, left by a write that did not finish (the article it was "
                        "replacing, if any, is unchanged)", f)
    return removed


@contextlib.contextmanager
def write_lock(folder: Path) -> Iterator[None]:
    """One writer at a time across workers and processes (flock dies with its holder)."""
    with open(folder / LOCK, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def write(folder: Path, name: str, data: bytes) -> bool:
    """Store ``data`` as NAME.txt atomically and durably; True when the document is new."""
    target = article_path(folder, name)
    with write_lock(folder):
        created = not target.exists()
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _sync_folder(folder)
    return created


def remove(folder: Path, name: str) -> None:
    """Delete NAME.txt (404 if there is none; 409 if it is the corpus's last article)."""
    target = article_path(folder, name)
    with write_lock(folder):
        if not target.is_file():
            raise NotFound(f"there is no document named {name!r} to remove (see /api/documents).")
        if not any(f != target for f in folder.glob("*.txt")):
            raise Conflict(f"{name!r} is the corpus's only article: add another one before "
                           "removing it, so that there is something to answer from.")
        target.unlink()
        _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    """fsync the folder itself, so that a rename or unlink survives a power cut."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
