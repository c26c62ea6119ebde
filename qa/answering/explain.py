"""Why a passage scored what it scored: one contribution per matched term, bonus and prior, adding up."""

from __future__ import annotations

from .rank import ANSWER_TYPE_BONUS, CONTEXT_WEIGHT, DOCUMENT_WEIGHT, ROLE_BONUS, Ranked
from .result import Contribution


def explain(index, r: Ranked, words: dict[str, str] | None = None) -> list[Contribution]:
    """The contributions of ``r``'s score: BM25 per term, the context credit, the answer-type and role
    bonuses, the document prior. ``words`` gives terms, quoted, as the passage (or the sentence before,
    for the context credit) writes them, which the text shows instead of the internal stem ("'died'")."""
    lines, words = [], words or {}
    for term in r.terms:
        score, tf, idf = index.contribution(term, r.passage)
        df = index.document_frequency(term)
        lines.append(Contribution(
            "term", term, score, f"{words.get(term, repr(term))} occurs {tf}× in this passage and in {df} of "
            f"{index.size} passages (idf {idf:.2f}): +{score:.2f}", tf, idf, df))
    if r.context:
        lines.append(Contribution(
            "context", " ".join(r.context_terms), r.context,
            f"the sentence before holds {', '.join(words.get(t, repr(t)) for t in r.context_terms)}, which "
            f"this one lacks: +{CONTEXT_WEIGHT:.0%} of their weight there = +{r.context:.2f}"))
    if r.answer_label:
        lines.append(Contribution(
            "answer_type", r.answer_label, r.type_bonus,
            f"holds a {r.answer_label}, the kind of answer the question asks for: "
            f"+{ANSWER_TYPE_BONUS:.0%} = +{r.type_bonus:.2f}"))
    if r.role_label:
        lines.append(Contribution(
            "role", r.role_label, r.role_bonus,
            f"that {r.role_label} plays the part the question asks about (e.g. the subject of the "
            f"verb whose object the question names): +{ROLE_BONUS:.0%} = +{r.role_bonus:.2f}"))
    if r.document_penalty:
        lines.append(Contribution(
            "document", "", -r.document_penalty,
            f"its document matches the question {r.document_share:.0%} as well as the best one: "
            f"−{DOCUMENT_WEIGHT * (1 - r.document_share):.0%} = −{r.document_penalty:.2f}"))
    return lines
