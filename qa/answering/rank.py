"""Re-rank BM25's candidates: credit for the question's words in the sentence before (context), a
bonus for holding the kind of answer asked for, another when that answer plays the part the wh-word
plays (``qa.answering.roles``), a document prior.

Each stage's score is kept beside the others (as DrQA keeps doc_score and span_score); the combined
score is a property, so an explanation can show every part without recovering one by subtraction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import NamedTuple

ANSWER_TYPE_BONUS = 0.5  # measured: +1 pt Hit@1 on the Eitingon questions, +9 pts on the Curie ones
# share of BM25 lost by a passage of the worst-matching document; measured: SQuAD Hit@1
# 0.723 at 0 and 0.5, 0.725 at 1.0; a folder of four articles: Hit@1 as on each article alone
DOCUMENT_WEIGHT = 1.0
# share of BM25 added when a candidate of the asked kind plays the wh-word's part ("Who killed X?": the
# subject of a verb whose object is X); measured at 0 / 0.5 / 1.0: SQuAD F1 48.8 / 49.5 / 49.2, Hit@1
# 0.725 / 0.728 / 0.725; Eitingon Hit@1 0.709 / 0.709 / 0.721, F1 0.432 / 0.431 / 0.442
ROLE_BONUS = 1.0
# share of the previous sentence's BM25 weight, for the question terms it holds and the candidate
# lacks, credited to the candidate ("But a storm dispersed the fleet." after "Richard ... left Messina
# with a large fleet"); measured at 0 / 0.2 / 0.4 / 0.6: SQuAD Hit@1 0.728 / 0.733 / 0.746 / 0.746,
# Eitingon 0.733 / 0.733 / 0.733 / 0.721, Curie 0.711 / 0.733 / 0.733 / 0.711; at 0 / 0.4 (reader
# refitted): SQuAD F1 50.1 / 50.7, Eitingon F1 0.419 / 0.415, Curie F1 0.422 / 0.444
CONTEXT_WEIGHT = 0.4


class Ranked(NamedTuple):
    """A ranked passage: its BM25 score and terms, the answer-type label it earned, its document's
    match relative to the best-matching document (1 = the best, or the only one), its context credit.
    A named tuple: some 20 are made per question, in half a frozen dataclass's time."""

    passage: int
    bm25: float
    terms: tuple[str, ...]
    answer_label: str | None = None
    document_share: float = 1.0
    role_label: str | None = None  # the label of a candidate in the part the wh-word plays
    context: float = 0.0  # CONTEXT_WEIGHT of the previous sentence's weight for the terms this lacks
    context_terms: tuple[str, ...] = ()  # those terms

    @property
    def match(self) -> float:
        """How well the words match: BM25 with the context credit; the bonuses and the prior are
        shares of it."""
        return self.bm25 + self.context

    @property
    def role_bonus(self) -> float:
        return self.match * ROLE_BONUS if self.role_label else 0.0

    @property
    def type_bonus(self) -> float:
        return self.match * ANSWER_TYPE_BONUS if self.answer_label else 0.0

    @property
    def document_penalty(self) -> float:
        return self.match * DOCUMENT_WEIGHT * (1.0 - self.document_share)

    @property
    def score(self) -> float:
        """match + type_bonus + role_bonus - document_penalty, the match computed once."""
        match = self.bm25 + self.context
        return (match + (match * ANSWER_TYPE_BONUS if self.answer_label else 0.0)
                + (match * ROLE_BONUS if self.role_label else 0.0)
                - match * DOCUMENT_WEIGHT * (1.0 - self.document_share))


def document_shares(scores: dict[str, float]) -> dict[str, float]:
    """Each document's BM25 match to the question as a share of the best document's."""
    best = max(scores.values(), default=0.0)
    return {name: (s / best if best > 0 else 1.0) for name, s in scores.items()}


# a tie-break, not a discount: taking that share of the referred terms' weight off the score, measured
# at 0 / 0.1 / 0.25 / 0.5 / 1.0 (reader refitted): SQuAD Hit@1 0.756 / 0.756 / 0.756 / 0.754 / 0.751,
# held-out F1 51.5 / 48.3 / 48.2 / 47.9 / 47.5, Eitingon Hit@1 0.733 / 0.733 / 0.721 / 0.721 / 0.721
def rerank(ranked: list[Ranked], referred: Callable[[Ranked], float] | None = None) -> list[Ranked]:
    """Best combined score first; ties go to the passage with less BM25 weight matched only through a
    pronoun (``referred``), so the sentence naming the subject outright wins, then to the earlier one."""
    scores = [r.score for r in ranked]  # a property: read once, not once to count ties and again to sort
    if referred is None or len(set(scores)) == len(scores):  # no tie to break
        return [t[2] for t in sorted([(-s, r.passage, r) for s, r in zip(scores, ranked, strict=True)])]
    tied = Counter(scores)
    return [t[3] for t in sorted([(-s, referred(r) if tied[s] > 1 else 0.0, r.passage, r)
                                  for s, r in zip(scores, ranked, strict=True)])]
