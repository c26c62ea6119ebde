"""Why answerable SQuAD questions miss Hit@1: where the gold sentence ranks and what each side scored.

``python -m qa.evaluation.misses [FILE] [--kind where]`` lists every answerable question whose gold
sentence is not ranked first, with a cause, and counts the causes by question kind: the error analysis
a ranking change starts from (a gain must then survive ``qa.evaluation.fit --held-out``).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass

from ..errors import InvalidQuestionsFile
from . import squad

DEPTH = 20  # as deep as the engine re-ranks (RERANK_DEPTH): a gold sentence below is "not retrieved"
ANSWER_IN_FIRST = "answer in first"  # the first passage holds a gold answer's text too
NOT_RETRIEVED = "not retrieved"  # BM25 did not bring the gold sentence among the DEPTH best
LOST_ON_BONUS = "lost on bonuses"  # it matched the words better, the first earned more type/role bonus
WEAKER_MATCH = "weaker match"  # it matched the question's words less well than the first


@dataclass(frozen=True)
class Miss:
    """One Hit@1 miss: the gold sentence's rank (None: not retrieved), the cause, and the parts of the
    first passage's and the gold sentence's scores (kind of contribution -> points)."""

    question: str
    kind: str
    rank: int | None
    cause: str
    first: str
    gold: str
    first_parts: dict[str, float]
    gold_parts: dict[str, float]


def parts(passage) -> dict[str, float]:
    """A ranked passage's score by kind of contribution: "term" (BM25), "context", "answer_type", ..."""
    out: Counter[str] = Counter()
    for c in passage.explanation or []:
        out[c.kind] += c.score
    return {k: round(v, 2) for k, v in out.items()}


def cause(first, gold, answers) -> str:
    """Why the gold sentence is not first (``gold`` None: not among the ranked passages)."""
    text = squad.normalize_answer(first.text)
    if any(squad.normalize_answer(a) and squad.normalize_answer(a) in text for a in answers):
        return ANSWER_IN_FIRST
    if gold is None:
        return NOT_RETRIEVED
    a, b = parts(first), parts(gold)
    match = a.get("term", 0.0) + a.get("context", 0.0)
    return LOST_ON_BONUS if b.get("term", 0.0) + b.get("context", 0.0) > match else WEAKER_MATCH


def misses(engine, articles, questions, kind: str | None = None) -> list[Miss]:
    """The Hit@1 misses among the answerable ``questions`` (of the question ``kind`` when given)."""
    spans = squad.sentence_spans(articles, squad.engine_passages(engine))
    out = []
    for q in questions:
        if not q.answerable:
            continue
        result = engine.ask(q.question, top_k=DEPTH)
        ranked = result.passages
        if not ranked or (kind and result.question_type != kind):
            continue
        gold = squad.gold_sentences(q, spans)
        at = next((p for p in ranked if (p.document, p.sentence_index) in gold), None)
        if at is not None and at.rank == 1:
            continue
        texts = [p.text for p in engine.passages if (p.document, p.sentence_index) in gold]
        out.append(Miss(q.question, result.question_type, at.rank if at else None,
                        cause(ranked[0], at, q.answers), ranked[0].text, " / ".join(texts),
                        parts(ranked[0]), parts(at) if at else {}))
    return out


def main(argv: list[str]) -> None:
    from ..engine import Engine
    from .fit import DATA, build

    parser = argparse.ArgumentParser(prog="python -m qa.evaluation.misses", description=(
        "List the answerable SQuAD questions whose gold sentence is not ranked first, with a cause."))
    parser.add_argument("file", nargs="?", help=f"a SQuAD 2.0 JSON file (default {DATA})")
    parser.add_argument("--kind", help="only questions of this kind (where, when, who, what ...)")
    args = parser.parse_args(argv)
    kind = args.kind
    if args.file:
        from ..answering.reader import Reader
        from ..cache import cache_dir

        try:
            articles, questions = squad.load(args.file)
        except InvalidQuestionsFile as e:
            parser.error(str(e))
        engine = Engine.from_corpus(squad.write_corpus(articles, cache_dir()), reader=Reader.neutral())
    else:
        engine, questions = build()
        articles = squad.load(DATA)[0]
    found = misses(engine, articles, questions, kind)
    for m in found:
        print(f"[{m.cause}] {m.kind} rank={m.rank} {m.question}\n  first {m.first_parts}: {m.first}\n"
              f"  gold  {m.gold_parts}: {m.gold}")
    print(f"{len(found)} misses")
    for (k, c), n in sorted(Counter((m.kind, m.cause) for m in found).items()):
        print(f"{n:4d} {k} {c}")


if __name__ == "__main__":
    main(sys.argv[1:])
