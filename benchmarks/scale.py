"""Query latency against corpus size on synthetic Zipf corpora: rank-bm25's scans, our Index, bm25s.

The corpora are token lists (no spaCy) so that only retrieval is measured. rank-bm25 is the
reference: every query it scores must give our top 10 with the very same ids and scores.
"""

from __future__ import annotations

import gc
import time

import numpy as np

from qa.index import K1, B, BM25Lucene, Index

from .timing import summary_ms, timings

SIZES = (1_000, 10_000, 100_000, 1_000_000)
QUICK_SIZES = (1_000, 10_000)
VOCABULARY = 200_000
ZIPF_EXPONENT = 1.0
LENGTHS = (10, 30)  # tokens per passage, uniform: 20 on average
QUERY_TERMS = 4
QUERIES = 200
TOP = 10
BUDGET_S = 3.0
# queries scored by rank-bm25 per size: its full scan costs ~1.5 s a query at 1M passages
REFERENCE_QUERIES = {1_000: 200, 10_000: 100, 100_000: 20, 1_000_000: 4}


def corpus(size: int, seed: int = 0) -> list[list[str]]:
    """``size`` passages of 10-30 tokens drawn from a Zipf (rank^-1) vocabulary of 200k words."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(LENGTHS[0], LENGTHS[1] + 1, size)
    p = 1.0 / np.arange(1, VOCABULARY + 1) ** ZIPF_EXPONENT
    words = np.array([f"w{i}" for i in range(VOCABULARY)], dtype=object)
    flat = words[rng.choice(VOCABULARY, size=int(lengths.sum()), p=p / p.sum())].tolist()
    ends = np.cumsum(lengths).tolist()
    return [flat[e - n:e] for e, n in zip(ends, lengths.tolist(), strict=True)]


def queries(documents: list[list[str]], count: int, seed: int = 1) -> list[list[str]]:
    """Up to 4 distinct terms of a random passage each: questions about the text, Zipf like it."""
    rng = np.random.default_rng(seed)
    out = []
    for d in rng.integers(0, len(documents), count).tolist():
        terms = list(dict.fromkeys(documents[d]))
        picked = rng.choice(len(terms), size=min(QUERY_TERMS, len(terms)), replace=False)
        out.append([terms[i] for i in sorted(picked.tolist())])
    return out


class Previous:
    """The index before this suite: candidates from a postings dict, scored by get_batch_scores."""

    def __init__(self, model: BM25Lucene):
        self.model = model
        self.postings: dict[str, list[int]] = {}
        for i, freqs in enumerate(model.doc_freqs):
            for term in freqs:
                self.postings.setdefault(term, []).append(i)

    def search(self, terms: list[str], limit: int) -> list[int]:
        candidates = sorted({pid for t in terms for pid in self.postings.get(t, ())})
        scores = self.model.get_batch_scores(terms, candidates)
        ranked = sorted(zip(candidates, scores, strict=True), key=lambda cs: (-cs[1], cs[0]))
        return [pid for pid, _ in ranked[:limit]]


def full_scan(model: BM25Lucene, terms: list[str], limit: int) -> np.ndarray:
    """rank-bm25's get_scores over every passage, then the best ``limit``."""
    scores = model.get_scores(terms)
    return np.argpartition(-scores, limit)[:limit]


def reference_top(model: BM25Lucene, terms: list[str], limit: int) -> list[tuple[int, float]]:
    """The exact reference: passages holding a term (score > 0 with Lucene idf), by score then id."""
    scores = model.get_scores(terms)
    held = np.flatnonzero(scores > 0)
    order = np.lexsort((held, -scores[held]))[:limit]
    return [(int(i), float(scores[i])) for i in held[order]]


def _timed(build):
    started = time.perf_counter()
    value = build()
    return value, time.perf_counter() - started


def measure(size: int, n_queries: int, n_reference: int, budget_s: float) -> dict:
    """Build each scorer in turn for one corpus size (one in memory at a time), check, time."""
    documents = corpus(size)
    qs = queries(documents, n_queries)
    row: dict = {"passages": size, "queries": n_queries}
    ours_top = _ours(documents, qs, budget_s, row)
    gc.collect()
    _bm25s(documents, qs, ours_top, budget_s, row)
    gc.collect()
    _rank_bm25(documents, qs, ours_top, n_reference, budget_s, row)
    return row


def _ours(documents, qs, budget_s: float, row: dict) -> list[list[tuple[int, float]]]:
    ours, row["ours_build_s"] = _timed(lambda: Index(documents))
    row["ours"] = summary_ms(timings(lambda q: ours.search(q, TOP), qs, 20, budget_s))
    return [[(h.passage, h.score) for h in ours.search(q, TOP)] for q in qs]


def _bm25s(documents, qs, ours_top, budget_s: float, row: dict) -> None:
    import bm25s

    retriever = bm25s.BM25(k1=K1, b=B, method="lucene")
    _, row["bm25s_build_s"] = _timed(lambda: retriever.index(documents, show_progress=False))
    found, _ = retriever.retrieve(qs, k=TOP, show_progress=False)
    row["bm25s_same_top10"] = sum(set(f.tolist()) == {i for i, _ in o}
                                  for f, o in zip(found, ours_top, strict=True)) / len(qs)
    row["bm25s"] = summary_ms(timings(
        lambda q: retriever.retrieve([q], k=TOP, show_progress=False), qs, 20, budget_s))


def _rank_bm25(documents, qs, ours_top, n_reference: int, budget_s: float, row: dict) -> None:
    """The reference: identical top 10 required; its full scan and the previous index timed."""
    model, row["rank_bm25_build_s"] = _timed(lambda: BM25Lucene(documents, k1=K1, b=B))
    checked = qs[:n_reference]
    mismatches = [q for q, top in zip(checked, ours_top, strict=False)
                  if reference_top(model, q, TOP) != top]
    if mismatches:
        raise RuntimeError(f"top-{TOP} differs from rank-bm25's at {len(documents)} passages for "
                           f"{len(mismatches)} queries, e.g. {mismatches[0]}")
    row["identical_top10"] = {"checked": len(checked), "identical": len(checked)}
    row["rank_bm25_scan"] = summary_ms(timings(lambda q: full_scan(model, q, TOP), checked, 3,
                                               budget_s))
    previous = Previous(model)
    row["rank_bm25_candidates"] = summary_ms(timings(lambda q: previous.search(q, TOP), checked,
                                                     5, budget_s))


def run(quick: bool = False, sizes: tuple[int, ...] | None = None) -> dict:
    """One row per corpus size, and the bars: ours vs bm25s at 100k, our growth from 1k to 1M."""
    sizes = sizes or (QUICK_SIZES if quick else SIZES)
    rows = []
    for size in sizes:
        n_ref = REFERENCE_QUERIES.get(size, 20)
        rows.append(measure(size, 50 if quick else QUERIES, min(n_ref, 20) if quick else n_ref,
                            0.5 if quick else BUDGET_S))
        gc.collect()
    by_size = {r["passages"]: r for r in rows}
    result: dict = {"rows": rows, "vocabulary": VOCABULARY, "zipf_exponent": ZIPF_EXPONENT,
                    "tokens_per_passage": LENGTHS, "query_terms": QUERY_TERMS, "top": TOP}
    if 100_000 in by_size:
        r = by_size[100_000]
        result["ours_vs_bm25s_100k"] = r["ours"]["p50_ms"] / r["bm25s"]["p50_ms"]
    if {1_000, 1_000_000} <= by_size.keys():
        result["ours_growth_1k_1m"] = (by_size[1_000_000]["ours"]["p50_ms"]
                                       / by_size[1_000]["ours"]["p50_ms"])
    return result


def rows(r: dict) -> list[dict]:
    """The scale bars: within 1.5x of bm25s at 100k, growth under 30x from 1k to 1M."""
    out = []
    by_size = {row["passages"]: row for row in r["rows"]}
    if "ours_vs_bm25s_100k" in r:
        row = by_size[100_000]
        out.append({"bar": "3a. scale: latency at 100k passages",
                    "ours": f"p50 {row['ours']['p50_ms']:.3f} ms",
                    "baseline": f"bm25s p50 {row['bm25s']['p50_ms']:.3f} ms",
                    "ratio": f"{r['ours_vs_bm25s_100k']:.2f}x", "target": "<= 1.5x",
                    "met": r["ours_vs_bm25s_100k"] <= 1.5})
    if "ours_growth_1k_1m" in r:
        out.append({"bar": "3b. scale: growth from 1k to 1M passages",
                    "ours": f"{by_size[1_000]['ours']['p50_ms']:.3f} -> "
                            f"{by_size[1_000_000]['ours']['p50_ms']:.3f} ms",
                    "baseline": f"rank-bm25 scan: {by_size[1_000]['rank_bm25_scan']['p50_ms']:.2f}"
                                f" -> {by_size[1_000_000]['rank_bm25_scan']['p50_ms']:.0f} ms",
                    "ratio": f"{r['ours_growth_1k_1m']:.1f}x", "target": "< 30x",
                    "met": r["ours_growth_1k_1m"] < 30})
    checked = sum(row["identical_top10"]["checked"] for row in r["rows"])
    out.append({"bar": "3c. scale: top-10 identical to rank-bm25",
                "ours": f"{checked}/{checked} queries", "baseline": "rank-bm25 get_scores",
                "ratio": "-", "target": "all", "met": True})
    return out


def table(result: dict) -> str:
    """p50 latency per corpus size and scorer: the numbers behind the plot."""
    lines = ["| passages | rank-bm25 get_scores | rank-bm25 candidates (before) | bm25s | ours | "
             "top-10 identical |", "|---:|---:|---:|---:|---:|---|"]
    for r in result["rows"]:
        same = r["identical_top10"]
        lines.append(f"| {r['passages']:,} | {r['rank_bm25_scan']['p50_ms']:.2f} ms | "
                     f"{r['rank_bm25_candidates']['p50_ms']:.2f} ms | {r['bm25s']['p50_ms']:.2f} ms"
                     f" | {r['ours']['p50_ms']:.3f} ms | {same['identical']}/{same['checked']} |")
    return "\n".join(lines)


def plot(result: dict, path) -> None:
    """Log-log p50 latency against passages for each scorer."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = result["rows"]
    sizes = [r["passages"] for r in rows]
    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=120)
    for key, label, style in [("rank_bm25_scan", "rank-bm25 get_scores (full scan)", "o-"),
                              ("rank_bm25_candidates", "rank-bm25 get_batch_scores (before)", "x:"),
                              ("bm25s", "bm25s retrieve (numpy)", "s-"),
                              ("ours", "qa Index.search", "D-")]:
        ax.loglog(sizes, [r[key]["p50_ms"] for r in rows], style, label=label)
    ax.set_xlabel("passages (synthetic Zipf corpus, ~20 tokens each)")
    ax.set_ylabel("p50 query latency, top 10 (ms)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
