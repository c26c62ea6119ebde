"""Question type -> expected entity labels; pick the short answer span in the top passages, or abstain."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

PLACE = ("GPE", "LOC", "FAC")
NUMBER = ("CARDINAL", "QUANTITY", "MONEY", "PERCENT")
AUXILIARIES = frozenset(["is", "are", "was", "were", "do", "does", "did", "has", "have", "had", "can",
                         "could", "will", "would", "should", "may", "might", "must", "shall"])

PERSON_NOUNS = ("person|people|man|men|woman|women|artist|painter|writer|poet|scientist|doctor|"
                "relatives?|brother|sister|wife|husband|son|daughter|father|mother|friend|colleague|"
                "leader|officer|agent|spy|boss|assassin|killer|murderer|chief|director|teacher")
_HEAD = r"(?:of [\w'’]+ )?(?:[\w'’-]+ ){0,2}?"
# (pattern matched at the question's first wh-word, question type, expected labels by preference)
QUESTION_TYPES: list[tuple[re.Pattern[str], str, tuple[str, ...]]] = [
    (re.compile(r"how (many|much)\b"), "how_many", NUMBER + ("DATE",)),
    (re.compile(r"how (long|old)\b"), "how_long", ("DATE", "TIME", "CARDINAL")),
    (re.compile(rf"(what|which) {_HEAD}(year|date|month|day|decade|century)s?\b"), "when",
     ("DATE", "TIME")),
    (re.compile(rf"(what|which) {_HEAD}(country|countries|city|cities|town|place|state|region|"
                r"prison)\b"), "where", PLACE),
    (re.compile(rf"(what|which) {_HEAD}(nationality|religion|ethnicity)\b"), "what", ("NORP",)),
    (re.compile(rf"(what|which) {_HEAD}(organi[sz]ations?|agency|service|court|party|company)\b"),
     "what", ("ORG",)),
    (re.compile(rf"(what|which) {_HEAD}({PERSON_NOUNS})\b"), "who", ("PERSON",)),
    (re.compile(r"wh(o|om|ose)\b"), "who", ("PERSON", "ORG")),
    (re.compile(r"when\b"), "when", ("DATE", "TIME")),
    (re.compile(r"where\b"), "where", PLACE),
    (re.compile(r"why\b"), "why", ()),
    (re.compile(r"(what|which)\b"), "what", ()),
    (re.compile(r"how\b"), "how", ()),
]
_WH = re.compile(r"\b(who|whom|whose|when|where|why|what|which|how)\b")
TOP_PASSAGES = 3  # the short answer is looked for in this many of the best passages
MAX_TOP_K = 50  # the most passages one question may ask for (API, CLI, page)
MIN_CONFIDENCE = 0.15
OVERLAP_PENALTY = 0.5
DURATION = re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                      r"several|many|few)\b.*\b(year|month|week|day|decade|hour|minute)s?\b", re.I)


@dataclass(frozen=True)
class QuestionType:
    kind: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Answer:
    text: str
    label: str
    passage_rank: int
    start: int
    end: int
    confidence: float

    def to_dict(self) -> dict:
        return asdict(self)


def classify(question: str) -> QuestionType:
    """What kind of answer the question wants, from its wording alone (cheap: no parsing)."""
    q = question.lower()
    wh = _WH.search(q)
    if wh:
        rest = q[wh.start():]
        for pattern, kind, labels in QUESTION_TYPES:
            if pattern.match(rest):
                return QuestionType(kind, labels)
    first = q.split(maxsplit=1)[0] if q.split() else ""
    if first in AUXILIARIES:
        return QuestionType("yes_no", ())
    return QuestionType("other", ())


@dataclass(frozen=True)
class Candidate:
    """What the extractor needs to know of one ranked passage."""

    rank: int
    score: float
    entities: list  # of passages.Entity
    entity_terms: list[frozenset[str]]
    known_terms: set[str]  # the question's terms, plus the subject's name when the question names it
    match_offsets: list[tuple[int, int]]
    coverage: float


def extract(qtype: QuestionType, candidates: list[Candidate]) -> tuple[Answer | None, str | None]:
    """The best entity of an expected label near the matched words of a top passage, or a reason why none.

    Entities whose words are all in the question ("Trotsky" in "Who killed Trotsky?") are skipped.
    """
    if not qtype.labels:
        return None, f"{qtype.kind.replace('_', '/')} questions have no short answer: read the passages."
    if not candidates:
        return None, "no passage matches the question."
    top_score = candidates[0].score or 1.0
    best: tuple[float, Answer] | None = None
    for cand in candidates[:TOP_PASSAGES]:
        question_terms = cand.known_terms
        for e, words in zip(cand.entities, cand.entity_terms, strict=True):
            if not fits(qtype, e) or (words and words <= question_terms):
                continue
            preference = 1.0 - 0.1 * qtype.labels.index(e.label)
            if words & question_terms:
                preference *= OVERLAP_PENALTY
            distance = min((_gap(e.start, e.end, s, t) for s, t in cand.match_offsets), default=200)
            proximity = 1.0 / (1.0 + distance / 40)
            confidence = cand.coverage * (cand.score / top_score) * preference * (0.5 + 0.5 * proximity)
            if best is None or confidence > best[0]:
                best = (confidence, Answer(e.text, e.label, cand.rank, e.start, e.end,
                                           round(min(confidence, 1.0), 3)))
    if best is None:
        wanted = " or ".join(qtype.labels)
        return None, f"no {wanted} in the top passages that is not already in the question."
    if best[0] < MIN_CONFIDENCE:
        return None, (f"the best candidate ({best[1].text!r}, confidence {best[0]:.2f}) is below "
                      f"{MIN_CONFIDENCE}: the passages match the question only weakly.")
    return best[1], None


def fits(qtype: QuestionType, entity) -> bool:
    """Whether an entity is the kind of answer asked for; a count or length takes only a duration DATE."""
    if entity.label not in qtype.labels:
        return False
    if entity.label == "DATE" and qtype.kind in ("how_many", "how_long"):
        return bool(DURATION.search(entity.text))
    return True


def _gap(a: int, b: int, c: int, d: int) -> int:
    """Characters between spans [a, b) and [c, d); 0 when they touch or overlap."""
    return max(0, c - b, a - d)
