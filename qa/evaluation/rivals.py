"""Why the reader ranks a wrong candidate above a right one: per answerable SQuAD question, the features
that put the winner ahead, weighted by the fitted model.

``python -m qa.evaluation.rivals [--kind what]`` sorts each answerable question into right (its first
candidate is), not a candidate (no candidate is right), or outranked, and for an outranked one prints
the winner, the best-ranked right candidate and each feature's weighted difference between them; then
the counts by kind and, per feature, how much it favoured winners over right candidates in all.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass

from ..answering import reader as reading
from . import squad
from .evaluate import RIGHT_F1

RIGHT = "right"
NO_CANDIDATE = "no candidate"  # no passage, or nothing in it to answer with
NOT_A_CANDIDATE = "not a candidate"  # candidates, none with F1 >= RIGHT_F1 against a gold answer
OUTRANKED = "outranked"  # a right candidate in the same passage as the winner, scored below it
OTHER_PASSAGE = "outranked from another passage"  # the best right candidate is in another passage
SHOWN = 0.05  # weighted differences smaller than this are left out of a miss's listing


@dataclass(frozen=True)
class Rivalry:
    """One answerable question: its outcome and, when outranked, the winner's and the best right
    candidate's text and rank, and each feature's weight times (winner's value - right one's)."""

    question: str
    kind: str
    outcome: str
    winner: str = ""
    right: str = ""
    right_rank: int = 0
    difference: tuple[tuple[str, float], ...] = ()


def rivalry(question, kind: str, ranked, weights: list[float]) -> Rivalry:
    """The outcome of one question from its candidates ``ranked`` best first (``Reader.candidates``)."""
    if not ranked:
        return Rivalry(question.question, kind, NO_CANDIDATE)
    f1s = [squad.scores(question, ev.text[s.start:s.end])[1] for _, ev, s, _ in ranked]
    if f1s[0] >= RIGHT_F1:
        return Rivalry(question.question, kind, RIGHT)
    at = next((i for i, f in enumerate(f1s) if f >= RIGHT_F1), None)
    if at is None:
        return Rivalry(question.question, kind, NOT_A_CANDIDATE)
    (_, top_ev, top, x), (_, ev, span, y) = ranked[0], ranked[at]
    difference = tuple((name, round(w * (a - b), 4))
                       for name, w, a, b in zip(reading.FEATURES, weights, x, y, strict=True))
    return Rivalry(question.question, kind, OUTRANKED if ev is top_ev else OTHER_PASSAGE,
                   top_ev.text[top.start:top.end], ev.text[span.start:span.end], at + 1, difference)


def rivalries(engine, questions, kind: str | None = None) -> list[Rivalry]:
    """The outcome of every answerable question (of the question ``kind`` when given)."""
    out = []
    for q in questions:
        if not q.answerable:
            continue
        qtype, asked, noun, evidence = engine.prepare(q.question)
        if (kind and qtype.kind != kind) or qtype.kind in reading.CLAUSE_KINDS:
            continue
        ranked = engine.reader.candidates(qtype, asked, noun, evidence) if evidence else []
        out.append(rivalry(q, qtype.kind, ranked, engine.reader.weights))
    return out


def blame(found: list[Rivalry]) -> Counter:
    """Per feature, the sum of its weighted differences that favoured an outranking winner."""
    out: Counter[str] = Counter()
    for r in found:
        for name, d in r.difference:
            if d > 0:
                out[name] += d
    return out


def main(argv: list[str]) -> None:
    from .fit import build

    parser = argparse.ArgumentParser(prog="python -m qa.evaluation.rivals", description=(
        "For the SQuAD dev questions whose first candidate is wrong though a right one is among the "
        "candidates, show which of the reader's weighted features put the winner ahead."))
    parser.add_argument("--kind", help="only questions of this kind (what, who, where, when ...)")
    args = parser.parse_args(argv)
    engine, questions = build()
    engine.reader = reading.Reader()
    found = rivalries(engine, questions, args.kind)
    for r in found:
        if r.difference:
            shown = sorted((d for d in r.difference if abs(d[1]) >= SHOWN), key=lambda d: -abs(d[1]))
            print(f"[{r.outcome}] {r.kind} {r.question}\n  winner {r.winner!r}, right {r.right!r} "
                  f"(rank {r.right_rank})\n  " + " ".join(f"{n}{d:+.2f}" for n, d in shown))
    for (k, o), n in sorted(Counter((r.kind, r.outcome) for r in found).items()):
        print(f"{n:4d} {k} {o}")
    print("favoured the winner (sum of weighted differences):")
    for name, total in blame(found).most_common():
        print(f"{total:7.1f} {name}")


if __name__ == "__main__":
    main(sys.argv[1:])
