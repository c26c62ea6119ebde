"""Read a corpus (a text file or a folder of .txt files) into documents: title, sections, clean paragraphs.

No spaCy here: this is plain text structure, so it is fast, testable and reusable.
"""

from __future__ import annotations

import logging
import os
import re
import stat
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .errors import CorpusError

log = logging.getLogger(__name__)

LEAD_SECTION = "Introduction"
MAX_FILE_BYTES = 64 * 1024 * 1024
HEADING_MAX_WORDS = 10
HEADING_MAX_CHARS = 80

_INTERLANGUAGE = re.compile(r":[a-z]{2,3}(?:-[a-z]+)?:[^|\n\]]*\|")
_WIKILINK = re.compile(r"\[\[(?:[^|\]\n]*\|)?([^\]\n]*)\]\]")
_SPACE_BEFORE_COMMA = re.compile(r"(?<=\w) +(?=,)")
_LEADING_PUNCT = re.compile(r"^[,;:]\s*")
_CLOSING = ".!?…:;,"
_TRAILING_QUOTES = "\"'”’»)]"


@dataclass(frozen=True)
class Paragraph:
    section: str
    text: str


@dataclass(frozen=True)
class Document:
    name: str
    title: str
    path: str
    paragraphs: tuple[Paragraph, ...]

    @cached_property
    def sections(self) -> list[str]:
        """Section names in reading order, each once (worked out once: the catalog asks at every change)."""
        return list(dict.fromkeys(p.section for p in self.paragraphs))


def clean(text: str) -> str:
    """Remove wiki residue (interlanguage links, [[links]], a space before a comma) and nothing else."""
    text = _INTERLANGUAGE.sub("", text)
    text = _WIKILINK.sub(r"\1", text)
    text = _SPACE_BEFORE_COMMA.sub("", text)
    return _LEADING_PUNCT.sub("", text.strip())


def is_heading(block: list[str]) -> bool:
    """A heading is a one-line block, short, without closing punctuation ("Career", "Doctors' Plot")."""
    if len(block) != 1:
        return False
    line = block[0].strip()
    stripped = line.rstrip(_TRAILING_QUOTES)
    return (
        bool(stripped)
        and len(line) <= HEADING_MAX_CHARS
        and len(line.split()) <= HEADING_MAX_WORDS
        and stripped[-1] not in _CLOSING
    )


def parse_document(text: str, name: str, path: str = "") -> Document:
    """Split one article into title, sections and paragraphs; the first non-blank line is the title."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise CorpusError(f"{path or name} is empty: put the title on the first line and the text below it.")
    title = lines[0].strip()
    blocks: list[list[str]] = [[]]
    for line in lines[1:]:
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    section = LEAD_SECTION
    paragraphs: list[Paragraph] = []
    for block in filter(None, blocks):
        if is_heading(block):
            section = block[0].strip()
            continue
        for line in block:
            cleaned = clean(line)
            if cleaned:
                paragraphs.append(Paragraph(section, cleaned))
    if not paragraphs:
        raise CorpusError(
            f"{path or name} has a title but no paragraphs (only headings or blank lines): "
            "add the article text below the title."
        )
    return Document(name=name, title=title, path=path, paragraphs=tuple(paragraphs))


def corpus_files(path: str | Path, recursive: bool = False) -> list[Path]:
    """The files a corpus path stands for: the file itself, or the folder's *.txt files in name order
    (with ``recursive``, those of its sub-folders too; names must then stay unique)."""
    p = Path(path)
    if not p.exists() and p.is_symlink():
        raise CorpusError(f"corpus path {str(p)!r} is a symbolic link to nothing (broken, or a loop): "
                          "point it at a .txt file or a folder.")
    if not p.exists():
        raise CorpusError(f"corpus path {str(p)!r} does not exist: give a .txt file or a folder of them "
                          "(--corpus PATH or QA_CORPUS).")
    if p.is_dir():
        if recursive:
            found = sorted(p.rglob("*.txt"), key=lambda f: f.relative_to(p).parts)
            files, outside = inside(p, found)
        else:
            files, outside, folders = _listing(p)
        if not files:
            skipped = f" ({len(outside)} link(s) out of it skipped)" if outside else ""
            raise CorpusError(f"corpus folder {str(p)!r} has no .txt files{skipped}: add one article "
                              "per .txt file.")
        if recursive:
            unique_names(files)
        elif folders:
            nested = list(p.glob("*/**/*.txt"))
            if nested:
                log.info("%d .txt file(s) in sub-folders of %s are not read (e.g. %s): pass --recursive "
                         "(QA_CORPUS_RECURSIVE=1) to read them", len(nested), p, nested[0])
        return files
    return [p]


def unique_names(files: list[Path]) -> None:
    """Refuse two files of one corpus with the same name: documents are asked for by name."""
    seen: dict[str, Path] = {}
    for f in files:
        if f.stem in seen:
            raise CorpusError(f"{seen[f.stem]} and {f} have the same document name {f.stem!r}: rename "
                              "one, since questions choose documents by name.")
        seen[f.stem] = f


def _listing(folder: Path) -> tuple[list[Path], list[Path], bool]:
    """``inside`` for the folder's own .txt files, in name order, and whether it has sub-folders:
    only links need resolving, since any other entry of the folder lies inside it (one listing,
    where 2,000 articles cost 2,000 resolves, at every change)."""
    files, links, folders = [], [], False
    with os.scandir(folder) as listing:
        for e in listing:
            if e.name.endswith(".txt") and e.is_symlink():
                links.append(folder / e.name)
            elif e.name.endswith(".txt") and e.is_file():
                files.append(folder / e.name)
            else:
                folders = folders or e.is_dir()
    linked, outside = inside(folder, links) if links else ([], [])
    return sorted(files + linked, key=lambda f: f.name), outside, folders


def inside(folder: Path, candidates: list[Path]) -> tuple[list[Path], list[Path]]:
    """The candidates that are regular files within ``folder`` once links are followed, and the links
    that lead out of it: those are skipped with a warning naming them, never read or served."""
    root = folder.resolve()
    files, outside = [], []
    for f in candidates:
        target = f.resolve()
        if not target.is_relative_to(root):
            log.warning("skipped %s: it links to %s, outside the corpus folder %s; copy the file into "
                        "the folder to use it", f, target, root)
            outside.append(f)
        elif f.is_file():
            files.append(f)
    return files, outside


def read_bytes(file: Path) -> bytes:
    """The file's bytes, refused with a clear message when unreadable, not a file, or too large."""
    try:
        info = file.stat()
        if not stat.S_ISREG(info.st_mode):
            raise CorpusError(f"{file} is not a regular file (a pipe, device or socket): "
                              "give a .txt file or a folder of them.")
        with file.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
        check_size(max(info.st_size, len(data)) if len(data) > MAX_FILE_BYTES else len(data), file)
        return data
    except PermissionError as exc:
        raise CorpusError(f"cannot read {file}: permission denied; make it readable (chmod +r).") from exc
    except OSError as exc:
        raise CorpusError(f"cannot read {file}: {exc.strerror or exc}.") from exc


def check_size(size: int, file: Path | str) -> None:
    """Refuse an article over MAX_FILE_BYTES, whether read from the folder or sent to the API."""
    if size > MAX_FILE_BYTES:
        raise CorpusError(f"{file} is {size / 2**20:.0f} MiB, over the {MAX_FILE_BYTES // 2**20} MiB "
                          "limit for one article: split it into several .txt files.")


def read_document(data: bytes, file: Path) -> Document:
    """One article from its bytes, with every check a corpus file gets (size, encoding, structure)."""
    check_size(len(data), file)
    return parse_document(decode(data, file), file.stem, str(file))


def decode(data: bytes, file: Path | str) -> str:
    """UTF-8 text (a BOM is allowed); binary or other encodings are refused, never guessed."""
    if b"\x00" in data:
        raise CorpusError(f"{file} looks like a binary file, not text: give a UTF-8 .txt file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{file} is not UTF-8 text (bad byte at offset {exc.start}): "
                          "convert it, e.g. `iconv -f latin1 -t utf-8`.") from exc


def read_sources(path: str | Path, recursive: bool = False) -> list[tuple[Path, bytes]]:
    """The corpus files with their bytes: what documents are parsed from and the cache is keyed on."""
    return [(f, read_bytes(f)) for f in corpus_files(path, recursive)]


def parse_sources(sources: list[tuple[Path, bytes]]) -> list[Document]:
    """Documents from already-read corpus files."""
    return [parse_document(decode(data, f), f.stem, str(f)) for f, data in sources]


def read_corpus(path: str | Path, recursive: bool = False) -> list[Document]:
    """Every document of the corpus, in file-name order."""
    return parse_sources(read_sources(path, recursive))
