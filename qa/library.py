"""The corpus as per-document entries: unchanged files are kept as they are, changed ones are read and
taken from the parse cache, and only documents the cache lacks are parsed."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from .cache import Store, decode, document_key, encode
from .corpus import Document, corpus_files, read_bytes, read_document
from .errors import CorpusError
from .passages import Passage, build_passages, by_document, link_neighbours

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entry:
    """One document of the corpus with its passages; ``stamp`` changes whenever its file does."""

    name: str
    stamp: tuple[int, int, int]
    key: str
    document: Document
    passages: list[Passage]


def stamp_of(info: os.stat_result) -> tuple[int, int, int]:
    """inode, size and modification time: a rename into place or an edit in place changes it."""
    return info.st_ino, info.st_size, info.st_mtime_ns


class Library:
    """Where the corpus lives (one file, or a folder: the one source of truth) and how it is parsed."""

    def __init__(self, path: str | Path, nlp, pipeline: str, store: Store | None = None,
                 progress: bool = False, recursive: bool = False):
        self.path = Path(path)
        self.recursive = recursive  # sub-folders too; writes and the change watch are the top folder's
        self.parsed = 0  # documents parsed (not found in the cache) by this library so far
        self.folder = self.path if self.path.is_dir() else None
        self.nlp = nlp
        self.pipeline = pipeline
        self.store = store
        self.progress = progress

    def folder_stamp(self) -> int | None:
        """The folder's modification time (changes when a file is renamed in or removed), or None."""
        if self.folder is None:
            return None
        try:
            return self.folder.stat().st_mtime_ns
        except OSError:
            return None

    def load(self, previous: dict[str, Entry] | None = None, skip_bad: bool = False) -> dict[str, Entry]:
        """Every document by name, in file-name order; entries whose file is unchanged are reused.

        At start-up a bad file is an error (CorpusError); while serving (``skip_bad``) it is skipped
        with a warning, so that one bad copy into the folder does not stop the service.
        """
        previous = previous or {}
        entries: dict[str, Entry | None] = {}
        fresh: dict[str, tuple[tuple[int, int, int], str, Document]] = {}
        for file in corpus_files(self.path, self.recursive):
            try:
                stamp = stamp_of(file.stat())
                old = previous.get(file.stem)
                if old is not None and old.stamp == stamp:
                    entries[file.stem] = old
                    continue
                data = read_bytes(file)
                fresh[file.stem] = (stamp, document_key(data, self.pipeline), read_document(data, file))
                entries[file.stem] = None
            except (CorpusError, OSError) as exc:
                if not skip_bad:
                    raise CorpusError(str(getattr(exc, "detail", exc))) from exc
                log.warning("skipped %s: %s", file, getattr(exc, "detail", exc))
        for name, passages in self._passages(fresh).items():
            stamp, key, document = fresh[name]
            entries[name] = Entry(name, stamp, key, document, passages)
        return {name: e for name, e in entries.items() if e is not None}

    def prepare(self, name: str, data: bytes) -> Entry:
        """Check and parse one article before it is written (or find it in the cache) and cache it,
        so that every worker then reads it from the cache instead of parsing it again."""
        document = read_document(data, Path(f"{name}.txt"))
        key = document_key(data, self.pipeline)
        passages = self._passages({name: ((0, 0, 0), key, document)})[name]
        if not passages:
            raise CorpusError(f"{name}.txt has no sentences to search (no words in its paragraphs): "
                              "add the article text below the title.")
        return Entry(name, (0, 0, 0), key, document, passages)

    def _passages(self, fresh: dict[str, tuple]) -> dict[str, list[Passage]]:
        """The passages of the new or changed documents: from the cache, else parsed and cached."""
        wanted = {key: name for name, (_, key, _) in fresh.items()}
        rows = self.store.get(list(wanted)) if self.store else {}
        out = self._decoded(fresh, rows)
        missing = [name for name in fresh if name not in out]
        if not missing:
            return out
        with self.store.build_lock() if self.store else contextlib.nullcontext():
            rows = self.store.get([fresh[n][1] for n in missing]) if self.store else {}
            out |= self._decoded({n: fresh[n] for n in missing}, rows)
            todo: dict[str, Document] = {}
            for name in missing:
                if name not in out:
                    todo.setdefault(fresh[name][1], fresh[name][2])
            if todo:
                self.parsed += len(todo)
                parsed = self._parse(list(todo.values()))
                if self.store:
                    self.store.put((key, encode(parsed[d.name])) for key, d in todo.items() if parsed[d.name])
                for name in missing:
                    if name not in out:
                        first = todo[fresh[name][1]].name  # the document of these bytes that was parsed
                        out[name] = parsed[name] if name == first else _renamed(parsed[first], name)
        return out

    @staticmethod
    def _decoded(fresh: dict[str, tuple], rows: dict[str, list]) -> dict[str, list[Passage]]:
        """Passages for the documents whose rows are known and sound (broken ones are logged, left out)."""
        out = {}
        for name, (_, key, _) in fresh.items():
            if key not in rows:
                continue
            try:
                out[name] = decode(rows[key], name)
            except (TypeError, ValueError) as exc:
                log.warning("ignoring a corrupt cache entry for %s (%s); rebuilding it", name, exc)
        return out

    def _parse(self, documents: list[Document]) -> dict[str, list[Passage]]:
        started = time.perf_counter()
        passages = build_passages(self.nlp, documents, self.progress)
        log.info("parsed %d passages from %d document(s) in %.1f s", len(passages), len(documents),
                 time.perf_counter() - started)
        groups = {d.name: [] for d in documents} | by_document(passages)
        for group in groups.values():
            for i, p in enumerate(group):
                p.id, p.previous, p.next = i, None, None
            link_neighbours(group)
        return groups


def _renamed(passages: list[Passage], name: str) -> list[Passage]:
    """Another document's passages (the same bytes under another name) as this document's, as the
    cache would give them."""
    return decode(encode(passages), name) if passages else []
