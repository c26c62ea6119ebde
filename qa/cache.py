"""On-disk cache of parsed passages: JSON (never pickle), atomic writes, rebuilt when unsure."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import platformdirs

from .passages import Entity, Passage, link_neighbours
from .syntax import Syntax

log = logging.getLogger(__name__)

INDEX_FORMAT = 3  # bump whenever parsing or post-processing changes what a cache holds


def cache_dir() -> Path:
    """$QA_CACHE_DIR, or the user's cache folder (e.g. ~/.cache/article-qa)."""
    return Path(os.environ.get("QA_CACHE_DIR") or platformdirs.user_cache_dir("article-qa"))


def fingerprint(sources: list[tuple[Path, bytes]], pipeline: str) -> str:
    """A key that changes with the corpus bytes, the file names, the spaCy pipeline and the index format."""
    h = hashlib.sha256(f"article-qa index {INDEX_FORMAT}\0{pipeline}\0".encode())
    for path, data in sources:
        h.update(f"{Path(path).name}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def cache_file(directory: Path, key: str) -> Path:
    return directory / f"passages-{key[:32]}.json"


def encode(passages: list[Passage]) -> list[list]:
    return [[p.document, p.section, p.sentence_index, p.text,
             [[e.label, e.start, e.end] for e in p.entities],
             [list(t) for t in p.tokens], list(p.subject_ref) if p.subject_ref else None,
             [list(a) for a in p.syntax.arcs] if p.syntax else [],
             [list(ph) for ph in p.syntax.phrases] if p.syntax else []]
            for p in passages]


def decode(rows: list) -> list[Passage]:
    """Passages from cached rows; raises ValueError on anything malformed or out of range."""
    passages = []
    for i, (document, section, sentence_index, text, ents, tokens, ref, arcs, phrases) in enumerate(rows):
        if not (isinstance(document, str) and isinstance(section, str) and isinstance(text, str)
                and isinstance(sentence_index, int)):
            raise ValueError(f"row {i}: wrong field types")
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


def load(path: Path, key: str) -> list[Passage] | None:
    """The cached passages for ``key``, or None when missing, stale, foreign or broken (logged)."""
    try:
        with path.open("rb") as f:
            data = json.load(f)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, RecursionError) as exc:
        log.warning("ignoring unreadable cache %s (%s); rebuilding it", path, type(exc).__name__)
        return None
    try:
        if not isinstance(data, dict) or data.get("format") != INDEX_FORMAT or data.get("key") != key:
            log.warning("ignoring stale or foreign cache %s; rebuilding it", path)
            return None
        passages = decode(data["passages"])
        if not passages:
            raise ValueError("no passages")
        return passages
    except (KeyError, TypeError, ValueError) as exc:
        log.warning("ignoring corrupt cache %s (%s); rebuilding it", path, exc)
        return None


def save(path: Path, key: str, passages: list[Passage]) -> bool:
    """Write atomically (temp file, then rename) so no reader ever sees half a file; False if unwritable."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump({"format": INDEX_FORMAT, "key": key, "passages": encode(passages)}, f,
                          ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as exc:
        log.warning("cannot write the cache in %s (%s): running without a cache; set QA_CACHE_DIR "
                    "to a writable folder to start faster next time", path.parent, exc)
        return False
    return True


@contextlib.contextmanager
def build_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock while building, so workers starting together parse the corpus once."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        f = open(path.with_suffix(".lock"), "a")  # noqa: SIM115 - held for the whole build
    except OSError:
        yield
        return
    try:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(f, fcntl.LOCK_UN)
        f.close()
