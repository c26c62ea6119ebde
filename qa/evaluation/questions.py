"""Sample-question files (JSON lines) for the evaluation: found beside the articles, checked.

Every error names file:line and what to change, so a broken file is fixed in one edit.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import InvalidQuestionsFile

TYPES = ("who", "when", "where", "how_many", "why", "what", "yes_no")
REQUIRED = ("id", "question", "type", "evidence", "answers")
OPTIONAL = ("paraphrase", "document")
SUFFIX = ".questions.jsonl"
FOLDER_FILE = "questions.jsonl"


@dataclass(frozen=True)
class Question:
    """One sample question; no answers and no evidence means the article cannot answer it."""

    id: str
    question: str
    type: str
    evidence: tuple[str, ...]
    answers: tuple[str, ...]
    paraphrase: bool = False
    document: str | None = None
    source: str = ""

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


def squash(text: str) -> str:
    """Runs of white space as one space: evidence and passages are compared this way."""
    return " ".join(text.split())


def question_files(corpus: str | Path, recursive: bool = False) -> list[Path]:
    """A corpus's question files: ``<name>.questions.jsonl`` beside each article, else the
    folder's ``questions.jsonl``."""
    from ..corpus import corpus_files

    articles = corpus_files(corpus, recursive)
    found = [f for a in articles if (f := a.with_name(a.stem + SUFFIX)).is_file()]
    folder = Path(corpus) if Path(corpus).is_dir() else Path(corpus).parent
    if not found and (folder / FOLDER_FILE).is_file():
        found = [folder / FOLDER_FILE]
    if not found:
        raise InvalidQuestionsFile(
            f"no questions for corpus {str(corpus)!r}: write {articles[0].stem}{SUFFIX} beside "
            f"{articles[0].name} (one JSON object per line), or pass --questions FILE.")
    return found


def load_questions(paths: Iterable[str | Path]) -> list[Question]:
    """Every question of the files, in order; ids must be unique across all of them."""
    questions: list[Question] = []
    seen: dict[str, str] = {}
    names = []
    for path in map(Path, paths):
        names.append(str(path))
        document = path.name[: -len(SUFFIX)] if path.name.endswith(SUFFIX) else None
        for n, line in enumerate(_read(path).splitlines(), 1):
            if not line.strip():
                continue
            q = parse_question(line, f"{path}:{n}", document)
            if q.id in seen:
                raise InvalidQuestionsFile(f"{q.source}: id {q.id!r} is already used at "
                                           f"{seen[q.id]}: give every question its own id.")
            seen[q.id] = q.source
            questions.append(q)
    if not questions:
        raise InvalidQuestionsFile(f"{', '.join(names) or 'no file'} holds no questions: write "
                                   'one JSON object per line, e.g. {"id": "q1", "question": '
                                   '"Who ...?", "type": "who", "evidence": [...], '
                                   '"answers": [...]}.')
    return questions


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidQuestionsFile(f"{path}: no such file; give an existing .jsonl file.") from None
    except IsADirectoryError:
        raise InvalidQuestionsFile(f"{path}: is a folder; give a .jsonl file.") from None
    except UnicodeDecodeError as exc:
        raise InvalidQuestionsFile(f"{path}: not UTF-8 text (bad byte at offset {exc.start}); "
                                   "save it as UTF-8.") from None
    except OSError as exc:
        raise InvalidQuestionsFile(f"{path}: cannot be read ({exc.strerror or exc}).") from None


def parse_question(line: str, where: str, document: str | None = None) -> Question:
    """One question from one JSON line; ``where`` (file:line) starts every error message."""

    def bad(problem: str) -> InvalidQuestionsFile:
        return InvalidQuestionsFile(f"{where}: {problem}")

    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise bad(f"not valid JSON ({exc.msg} at column {exc.colno}); "
                  "write one object per line.") from None
    if not isinstance(obj, dict):
        raise bad('expected a JSON object like {"id": ..., "question": ..., "type": ..., '
                  '"evidence": [...], "answers": [...]}.')
    if missing := [k for k in REQUIRED if k not in obj]:
        raise bad(f"missing {', '.join(missing)}; every line needs {', '.join(REQUIRED)}.")
    if unknown := sorted(set(obj) - set(REQUIRED) - set(OPTIONAL)):
        raise bad(f"unknown field(s) {', '.join(unknown)}; the fields are "
                  f"{', '.join(REQUIRED + OPTIONAL)}.")
    for key in ("id", "question"):
        if not isinstance(obj[key], str) or not obj[key].strip():
            raise bad(f"{key!r} must be a non-empty string.")
    if obj["type"] not in TYPES:
        raise bad(f"type {obj['type']!r} is not one of {', '.join(TYPES)}.")
    for key in ("evidence", "answers"):
        value = obj[key]
        if not isinstance(value, list) or not all(isinstance(s, str) and s.strip() for s in value):
            raise bad(f"{key!r} must be a list of non-empty strings "
                      "([] when the article cannot answer).")
    if bool(obj["evidence"]) != bool(obj["answers"]):
        raise bad("give both evidence and answers for an answerable question, "
                  "or both as [] for one the article cannot answer.")
    if not isinstance(obj.get("paraphrase", False), bool):
        raise bad("'paraphrase' must be true or false.")
    if not isinstance(obj.get("document", ""), str):
        raise bad("'document' must be a document name (the article's file name without .txt).")
    return Question(obj["id"], obj["question"].strip(), obj["type"], tuple(obj["evidence"]),
                    tuple(obj["answers"]), obj.get("paraphrase", False),
                    obj.get("document", document), where)


def locate_evidence(questions: list[Question], documents) -> list[Question]:
    """The questions with ``document`` set to where their evidence is (for the per-document
    breakdown); evidence that is in no document is an error in the question file."""
    texts = {d.name: [squash(p.text) for p in d.paragraphs] for d in documents}
    located = []
    for q in questions:
        for ev in q.evidence:
            where = [name for name, paras in texts.items() if any(squash(ev) in p for p in paras)]
            if not where:
                raise InvalidQuestionsFile(
                    f"{q.source}: evidence {ev!r} is not in the corpus ({', '.join(texts)}): "
                    "copy it exactly from the answering sentence (spacing aside).")
            if q.document not in where:
                q = replace(q, document=where[0])
        located.append(q)
    return located
