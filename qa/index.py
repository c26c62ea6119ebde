"""BM25 over passages: an inverted index finds the candidates, rank-bm25 scores only those."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from rank_bm25 import BM25L, BM25Okapi, BM25Plus

K1 = 1.5
B = 0.75


class BM25Lucene(BM25Okapi):
    """BM25Okapi with Lucene's idf, log(1 + (N - n + 0.5) / (n + 0.5)): positive for every term.

    Okapi's idf is zero or negative (then floored) for a term in half the passages or more, and a
    biography names its subject in about half its sentences; such a match must still count.
    """

    def _calc_idf(self, nd):
        for word, freq in nd.items():
            self.idf[word] = math.log(1 + (self.corpus_size - freq + 0.5) / (freq + 0.5))


VARIANTS = {"lucene": BM25Lucene, "okapi": BM25Okapi, "plus": BM25Plus, "l": BM25L}
DEFAULT_VARIANT = "lucene"


@dataclass(frozen=True)
class Hit:
    passage: int
    score: float
    terms: tuple[str, ...]


class Index:
    """Postings for candidate lookup plus a rank-bm25 model for the scores, built once per corpus."""

    def __init__(self, documents: list[list[str]], variant: str = DEFAULT_VARIANT):
        if variant not in VARIANTS:
            raise ValueError(f"unknown BM25 variant {variant!r}; choose one of {', '.join(VARIANTS)}")
        self.variant = variant
        self.size = len(documents)
        postings: dict[str, list[int]] = defaultdict(list)
        for i, terms in enumerate(documents):
            for term in dict.fromkeys(terms):
                postings[term].append(i)
        self.postings = dict(postings)
        self.bm25 = VARIANTS[variant]([list(t) for t in documents], k1=K1, b=B)

    def __contains__(self, term: str) -> bool:
        return term in self.postings

    def search(self, terms: list[str], limit: int) -> list[Hit]:
        """The best ``limit`` passages containing any of ``terms``; ties go to the earlier passage."""
        query = [t for t in dict.fromkeys(terms) if t in self.postings]
        if not query or limit <= 0:
            return []
        candidates = sorted({pid for t in query for pid in self.postings[t]})
        scores = self.bm25.get_batch_scores(query, candidates)
        ranked = sorted(zip(candidates, scores, strict=True), key=lambda cs: (-cs[1], cs[0]))[:limit]
        return [Hit(pid, score, tuple(t for t in query if t in self.bm25.doc_freqs[pid]))
                for pid, score in ranked]

    def contribution(self, term: str, passage: int) -> tuple[float, int, float]:
        """(score, term frequency, idf) that ``term`` adds to ``passage``: the explanation of a score."""
        bm = self.bm25
        tf = bm.doc_freqs[passage].get(term, 0)
        idf = bm.idf.get(term, 0.0)
        norm = 1 - bm.b + bm.b * bm.doc_len[passage] / bm.avgdl
        if isinstance(bm, BM25Plus):
            return idf * (bm.delta + tf * (bm.k1 + 1) / (bm.k1 * norm + tf)), tf, idf
        if isinstance(bm, BM25L):
            ctd = tf / norm
            return idf * tf * (bm.k1 + 1) * (ctd + bm.delta) / (bm.k1 + ctd + bm.delta), tf, idf
        return idf * tf * (bm.k1 + 1) / (tf + bm.k1 * norm), tf, idf

    def document_frequency(self, term: str) -> int:
        return len(self.postings.get(term, ()))
