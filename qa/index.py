"""BM25 over passages: term-major postings with precomputed weights, scored with numpy.

Every weight is computed with rank-bm25's own formulas and operation order, and a passage's score
sums its terms' weights in query order as rank-bm25 does, so scores equal ``get_scores`` exactly.
A query scores only the postings it needs (MaxScore): frequent terms, whose weight cannot lift a
passage into the top ``limit``, only add to passages that the rarer terms already found.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from typing import NamedTuple

import numpy as np
from rank_bm25 import BM25L, BM25Okapi, BM25Plus

K1 = 1.2  # Lucene's default
B = 0.5  # sentences vary little in length: less length normalisation ranks better (qa eval --compare)
BOUND_MARGIN = 1e-9  # relative slack for summing in another order than the scores do
DENSE_MAX = 1 << 15  # up to this many passages one score array per query beats MaxScore's rounds
BUILD_CHUNK = 1 << 18  # postings weighed at once: small temporaries, little heap left behind
SMALL_QUERY = 256  # up to this many postings a plain Python loop beats numpy's per-call overhead


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
# rank-bm25's default extra parameter of each variant
EXTRA = {"lucene": {"epsilon": 0.25}, "okapi": {"epsilon": 0.25}, "plus": {"delta": 1},
         "l": {"delta": 0.5}}
# Okapi floors its idf at a share of the mean over every term; the others' idf is a function of a
# term's document frequency alone, so it is computed once per distinct frequency
WHOLE_VOCABULARY_IDF = frozenset({"okapi"})


class Hit(NamedTuple):
    """One ranked passage: its id, BM25 score and the query terms it holds (in query order)."""

    passage: int
    score: float
    terms: tuple[str, ...]


def idf_model(variant: str, terms: list[str], df: np.ndarray, size: int, avgdl: float,
              k1: float = K1, b: float = B):
    """A rank-bm25 model with its idf (by its own ``_calc_idf``) but no per-passage dicts, and that
    idf as an array in the order of ``terms`` (whose document frequencies ``df`` gives)."""
    model = VARIANTS[variant].__new__(VARIANTS[variant])
    model.k1, model.b, model.corpus_size, model.avgdl = k1, b, size, avgdl
    model.idf, model.doc_freqs, model.doc_len, model.tokenizer = {}, [], [], None
    for name, value in EXTRA[variant].items():
        setattr(model, name, value)
    if not len(terms):
        return model, np.zeros(0)
    if variant in WHOLE_VOCABULARY_IDF:
        model._calc_idf(dict(zip(terms, df.tolist(), strict=True)))
        return model, np.array(list(model.idf.values()), dtype=np.float64)
    # the idf of every distinct frequency, by rank-bm25's formula, then spread to the terms
    frequencies, of_term = np.unique(df, return_inverse=True)
    model._calc_idf(dict(zip(frequencies.tolist(), frequencies.tolist(), strict=True)))
    idf = np.array(list(model.idf.values()), dtype=np.float64)[of_term]
    model.idf = dict(zip(terms, idf.tolist(), strict=True))
    return model, idf


def weights(variant: str, model, tf: np.ndarray, idf: np.ndarray,
            doc_len: np.ndarray) -> np.ndarray:
    """Each posting's score contribution, in the operation order of rank-bm25's ``get_scores``."""
    k1, b, avgdl = model.k1, model.b, model.avgdl
    norm = 1 - b + b * doc_len / avgdl
    if variant == "plus":
        return idf * (model.delta + (tf * (k1 + 1)) / (k1 * norm + tf))
    if variant == "l":
        ctd = tf / norm
        return idf * tf * (k1 + 1) * (ctd + model.delta) / (k1 + ctd + model.delta)
    return idf * (tf * (k1 + 1) / (tf + k1 * norm))


class Vocabulary:
    """Term ids that only ever grow: an engine and the engines rebuilt from it map each document's
    terms to ids once, when it is first indexed, so that a rebuild concatenates arrays of ids."""

    def __init__(self, previous: Vocabulary | None = None):
        self.ids: dict[str, int] = dict(previous.ids) if previous else {}
        self.terms: list[str] = list(previous.terms) if previous else []

    def encode(self, documents: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
        """(every term's id, document after document; each document's length)."""
        ids, terms = self.ids, self.terms

        def id_of(t: str) -> int:
            i = ids.get(t)
            if i is None:
                i = ids[t] = len(terms)
                terms.append(t)
            return i

        lengths = np.fromiter(map(len, documents), dtype=np.int64, count=len(documents))
        flat = np.fromiter((id_of(t) for d in documents for t in d), dtype=np.int32,
                           count=int(lengths.sum()))
        return flat, lengths


class Index:
    """Postings (passage ids, term frequencies, BM25 weights) per term, built once per corpus."""

    def __init__(self, documents: list[list[str]], variant: str = DEFAULT_VARIANT, k1: float = K1,
                 b: float = B, *, encoded: tuple[np.ndarray, np.ndarray, Vocabulary] | None = None):
        if variant not in VARIANTS:
            raise ValueError(f"unknown BM25 variant {variant!r}; "
                             f"choose one of {', '.join(VARIANTS)}")
        self.variant, self.k1, self.b = variant, k1, b
        if encoded is None:
            vocabulary = Vocabulary()
            encoded = (*vocabulary.encode(documents), vocabulary)
        ids, lengths, vocabulary = encoded
        self.size = n = len(lengths)
        total = int(lengths.sum())
        keys = ids.astype(np.int64)
        keys *= n
        keys += np.repeat(np.arange(n, dtype=np.int64), lengths)
        keys, tf = np.unique(keys, return_counts=True)
        term, doc = np.divmod(keys, max(n, 1))
        del keys
        df = np.bincount(term, minlength=len(vocabulary.terms))
        present = np.flatnonzero(df)  # the vocabulary may hold terms of documents since removed
        compact = np.zeros(len(vocabulary.terms), dtype=np.int64)
        compact[present] = np.arange(len(present))
        term = compact[term]  # ascending as before: the mapping keeps the order
        df = df[present]
        names = list(map(vocabulary.terms.__getitem__, present.tolist()))
        vocab = dict(zip(names, range(len(names)), strict=True))
        self._vocab = vocab
        self._start = array("q", [0])
        self._start.extend(np.cumsum(df).tolist())
        self._docs = doc.astype(np.int32)
        del doc
        self.bm25, idf = idf_model(variant, names, df, n, total / n if n else 0.0, k1, b)
        self._weights = np.empty(len(tf))
        with np.errstate(all="ignore"):
            for lo in range(0, len(tf), BUILD_CHUNK):
                part = slice(lo, lo + BUILD_CHUNK)
                self._weights[part] = weights(variant, self.bm25, tf[part], idf[term[part]],
                                              lengths[self._docs[part]])
        del term
        self._tf = tf.astype(np.min_scalar_type(int(tf.max()) if len(tf) else 0))
        absent = idf * (self.bm25.delta + 0.0) if variant == "plus" else np.zeros(len(vocab))
        self._absent = array("d", absent.tolist())
        self._best = array("d", np.maximum(np.maximum.reduceat(self._weights, self._start[:-1]),
                                           absent).tolist() if vocab else [])

    def __contains__(self, term: str) -> bool:
        return term in self._vocab

    def document_frequency(self, term: str) -> int:
        t = self._vocab.get(term)
        return 0 if t is None else self._start[t + 1] - self._start[t]

    def search(self, terms: list[str], limit: int) -> list[Hit]:
        """The best ``limit`` passages holding any of ``terms``; ties go to the earlier passage."""
        query = [t for t in dict.fromkeys(terms) if t in self._vocab]
        if not query or limit <= 0:
            return []
        ids = [self._vocab[t] for t in query]
        if (self.variant != "plus"  # Plus adds weight for absent terms: numpy handles that
                and sum(self._start[t + 1] - self._start[t] for t in ids) <= SMALL_QUERY):
            top = self._top_small
        else:
            top = self._top_dense if self.size <= DENSE_MAX else self._top
        docs, scores, held = top(ids, limit)
        names: dict[int, tuple[str, ...]] = {}
        for h in held:
            if h not in names:
                names[h] = tuple(q for k, q in enumerate(query) if h >> k & 1)
        return [Hit(d, s, names[h]) for d, s, h in zip(docs, scores, held, strict=True)]

    def contribution(self, term: str, passage: int) -> tuple[float, int, float]:
        """(score, term frequency, idf) that ``term`` adds to ``passage``: explains a score."""
        t = self._vocab.get(term)
        if t is None:
            return 0.0, 0, 0.0
        lo, hi = self._start[t], self._start[t + 1]
        pos = bisect_left(self._docs, passage, lo, hi)
        if pos < hi and self._docs[pos] == passage:
            return float(self._weights[pos]), int(self._tf[pos]), self.bm25.idf[term]
        return self._absent[t], 0, self.bm25.idf[term]

    def held_weights(self, term: str, passages: np.ndarray) -> np.ndarray:
        """The weight ``term`` adds to each of ``passages`` (sorted or not) that holds it, else 0;
        a negative passage id holds nothing."""
        t = self._vocab.get(term)
        if t is None or not len(passages):
            return np.zeros(len(passages))
        has, pos = self._lookup(t, np.maximum(passages, 0))
        return np.where(has & (passages >= 0), self._weights[pos], 0.0)

    def _lookup(self, t: int, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Whether each of ``docs`` holds term ``t``, and where its posting is (where it does)."""
        lo, hi = self._start[t], self._start[t + 1]
        pos = self._docs[lo:hi].searchsorted(docs)
        np.minimum(pos, hi - lo - 1, out=pos)
        pos += lo
        return self._docs[pos] == docs, pos

    def _score(self, ids: list[int], docs: np.ndarray) -> np.ndarray:
        """Scores of ``docs``, each summed in query order."""
        score = np.zeros(len(docs))
        for t in ids:
            has, pos = self._lookup(t, docs)
            score += np.where(has, self._weights[pos], self._absent[t])
        return score

    def _postings(self, t: int) -> np.ndarray:
        return self._docs[self._start[t]:self._start[t + 1]]

    def _top_small(self, ids: list[int], limit: int) -> tuple[list[int], list[float], list[int]]:
        """Few postings: sum them in plain Python, each passage's weights in query order."""
        score: dict[int, float] = {}
        held: dict[int, int] = {}
        for k, t in enumerate(ids):
            lo, hi = self._start[t], self._start[t + 1]
            bit = 1 << k
            for d, w in zip(self._docs[lo:hi].tolist(), self._weights[lo:hi].tolist(),
                            strict=True):
                score[d] = score.get(d, 0.0) + w
                held[d] = held.get(d, 0) | bit
        best = sorted(score.items(), key=_by_score_then_id)[:limit]
        return [d for d, _ in best], [s for _, s in best], [held[d] for d, _ in best]

    def _top_dense(self, ids: list[int], limit: int) -> tuple[list[int], list[float], list[int]]:
        """Every posting of the query summed into one score array: cheapest for small corpora."""
        spans = [(self._start[t], self._start[t + 1]) for t in ids]
        docs = np.concatenate([self._docs[lo:hi] for lo, hi in spans])
        if self.variant == "plus":
            score = np.zeros(self.size)
            for t, (lo, hi) in zip(ids, spans, strict=True):
                contribution = np.full(self.size, self._absent[t])
                contribution[self._docs[lo:hi]] = self._weights[lo:hi]
                score += contribution
        else:
            weights = np.concatenate([self._weights[lo:hi] for lo, hi in spans])
            score = np.bincount(docs, weights, minlength=self.size)
        candidates = np.flatnonzero(np.bincount(docs, minlength=self.size))
        top = candidates[_best(candidates, score[candidates], limit)]
        terms = np.repeat(np.arange(len(ids)), [hi - lo for lo, hi in spans])
        mine = np.zeros(self.size, dtype=bool)
        mine[top] = True
        mine = mine[docs]
        held = dict.fromkeys(top.tolist(), 0)
        for d, k in zip(docs[mine].tolist(), terms[mine].tolist(), strict=True):
            held[d] |= 1 << k
        return list(held), score[top].tolist(), list(held.values())

    def _top(self, ids: list[int], limit: int) -> tuple[list[int], list[float], list[int]]:
        """MaxScore: take candidates from the highest-weight terms on until no other can win."""
        order = sorted(ids, key=lambda t: -self._best[t])
        candidates = self._postings(order[0])
        for j in range(1, len(order) + 1):
            if j == len(order) or len(candidates) > limit:
                scores = self._score(ids, candidates)
                if j == len(order) or len(scores) <= limit:
                    break
                kth = np.partition(scores, len(scores) - limit)[len(scores) - limit]
                bound = (sum(self._absent[t] for t in order[:j])
                         + sum(self._best[t] for t in order[j:]))
                if bound + abs(bound) * BOUND_MARGIN < kth:
                    break
            candidates = np.union1d(candidates, self._postings(order[j]))
        rows = _best(candidates, scores, limit)
        top = candidates[rows]
        held = [0] * len(top)
        for k, t in enumerate(ids):
            for i in np.flatnonzero(self._lookup(t, top)[0]).tolist():
                held[i] |= 1 << k
        return top.tolist(), scores[rows].tolist(), held


def _by_score_then_id(item: tuple[int, float]) -> tuple[float, int]:
    return -item[1], item[0]


def _best(docs: np.ndarray, scores: np.ndarray, limit: int) -> np.ndarray:
    """Positions of the best ``limit`` by score, then by passage id."""
    rows = np.arange(len(scores))
    if len(scores) > limit:
        kth = np.partition(scores, len(scores) - limit)[len(scores) - limit]
        rows = np.flatnonzero(scores >= kth)
    return rows[np.lexsort((docs[rows], -scores[rows]))[:limit]]
