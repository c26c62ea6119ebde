"""In-process ask latency on the article, next to its floor: BM25 scoring alone for the same questions."""

from __future__ import annotations

import json
from pathlib import Path

from .timing import summary_ms, timings

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "corpus" / "article.txt"
QUESTIONS = ROOT / "corpus" / "article.questions.jsonl"
BAR_P50_MS = 1.0


def questions(path: Path = QUESTIONS) -> list[str]:
    return [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def run(quick: bool = False) -> dict:
    """p50/p99 of ``engine.ask`` and of its parts: question terms, and the index search alone."""
    import qa.engine
    from qa.engine import Engine

    engine = Engine.from_corpus(ARTICLE)
    qs = questions()
    depth = max(3, getattr(qa.engine, "RERANK_DEPTH", 3))
    terms = [[t for t in engine.question_terms(q) if t in engine.index] for q in qs]
    rounds, budget = (3, 1.0) if quick else (30, 8.0)
    for q in qs:
        engine.ask(q)
    result = {
        "passages": len(engine.passages), "questions": len(qs),
        "ask": summary_ms(timings(engine.ask, qs, rounds, budget)),
        "question_terms": summary_ms(timings(engine.question_terms, qs, rounds, budget)),
        "floor_bm25_search": summary_ms(timings(lambda t: engine.index.search(t, depth), terms,
                                                rounds, budget)),
        "search_limit": depth,
    }
    result["ask_over_floor_p50"] = result["ask"]["p50_ms"] / result["floor_bm25_search"]["p50_ms"]
    return result


def rows(r: dict) -> list[dict]:
    return [{"bar": "1. ask latency, article (in-process)",
             "ours": f"p50 {r['ask']['p50_ms']:.3f} ms, p99 {r['ask']['p99_ms']:.3f} ms",
             "baseline": (f"BM25 search alone: p50 {r['floor_bm25_search']['p50_ms']:.3f} ms, "
                          f"p99 {r['floor_bm25_search']['p99_ms']:.3f} ms"),
             "ratio": f"{r['ask_over_floor_p50']:.1f}x floor",
             "target": f"p50 < {BAR_P50_MS:g} ms",
             "met": r["ask"]["p50_ms"] < BAR_P50_MS}]
