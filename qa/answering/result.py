"""What a question gets back, as plain data: the ranked passages, the short answer or why there is none."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..passages import Entity
from .answer import Answer


@dataclass(frozen=True)
class Contribution:
    """One line of a score's explanation; the lines of a passage add up to its score."""

    kind: str  # "term", "context", "answer_type", "role" or "document"
    term: str
    score: float
    text: str
    count: int | None = None
    idf: float | None = None
    passages_with_term: int | None = None

    def to_dict(self) -> dict:
        return {"kind": self.kind, "term": self.term, "score": round(self.score, 4), "count": self.count,
                "idf": None if self.idf is None else round(self.idf, 4),
                "passages_with_term": self.passages_with_term, "text": self.text}


@dataclass(frozen=True)
class Neighbour:
    """A sentence next to a ranked passage in its document, for context."""

    id: str
    sentence_index: int
    text: str

    def to_dict(self) -> dict:
        return {"id": self.id, "sentence_index": self.sentence_index, "text": self.text}


@dataclass
class RankedPassage:
    """One ranked passage; ``explanation`` is None when the caller asked to leave it out, ``before``
    and ``after`` are None unless context was asked for."""

    rank: int
    score: float
    text: str
    document: str
    section: str
    sentence_index: int
    entities: list[Entity]
    matches: list[dict]
    explanation: list[Contribution] | None
    id: str = ""
    title: str = ""
    before: list[Neighbour] | None = None
    after: list[Neighbour] | None = None

    def to_dict(self) -> dict:
        out = {"rank": self.rank, "id": self.id, "score": round(self.score, 4), "text": self.text,
               "document": self.document, "title": self.title, "section": self.section,
               "sentence_index": self.sentence_index,
               "entities": [e.to_dict() for e in self.entities], "matches": self.matches}
        if self.explanation is not None:
            out["explanation"] = [c.to_dict() for c in self.explanation]
        if self.before is not None and self.after is not None:
            out["context"] = {"before": [n.to_dict() for n in self.before],
                              "after": [n.to_dict() for n in self.after]}
        return out


@dataclass
class Result:
    question: str
    answer: Answer | None
    no_answer_reason: str | None
    passages: list[RankedPassage] = field(default_factory=list)
    question_type: str = "other"
    no_answer_code: str | None = None
    took_ms: float = 0.0

    def to_dict(self) -> dict:
        return {"question": self.question,
                "answer": self.answer.to_dict() if self.answer else None,
                "no_answer_reason": self.no_answer_reason,
                "no_answer_code": self.no_answer_code,
                "passages": [p.to_dict() for p in self.passages],
                "took_ms": round(self.took_ms, 3)}
