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
# up to this many binary-search steps (passages x log2 of the term's postings) bisect beats numpy's
# searchsorted (measured: 32 passages of a term in 31 postings, 8 of one in a million)
BISECT_STEPS = 160


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
    """A rank-bm25 model without per-passage dicts, and its idf (by its own ``_calc_idf``) as an array
    in the order of ``terms`` (whose document frequencies ``df`` gives). The model's idf dict is left
    empty but for Okapi: ``Index.bm25`` fills it when asked."""
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
    model.idf = {}
    return model, idf


def weights(variant: str, model, tf: np.ndarray, idf: np.ndarray, doc_len: np.ndarray,
            avgdl: np.ndarray | float | None = None) -> np.ndarray:
    """Each posting's score contribution, in the operation order of rank-bm25's ``get_scores``;
    ``avgdl``, when given, is the mean length each posting's passage is normalised against."""
    k1, b = model.k1, model.b
    avgdl = model.avgdl if avgdl is None else avgdl
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
        # shared by a vocabulary and those grown from it, whose ids agree: an index may reuse another's
        self.lineage: object = previous.lineage if previous else object()

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
                 b: float = B, *, encoded: tuple[np.ndarray, np.ndarray, Vocabulary] | None = None,
                 reuse: tuple[Index, np.ndarray] | None = None, groups: np.ndarray | None = None):
        """``encoded``: every unit's term ids, one after another, each unit's length and the
        vocabulary of those ids. ``reuse``: an earlier index over the same vocabulary and, for each unit,
        the unit it was there (-1 for a new one): its postings of those units are kept, not counted
        again (the weights are computed anew: idf and mean length move with every change).
        ``groups``: each unit's group (its document), numbered from 0: a unit's length is then normalised
        against its own group's mean length, so that a folder ranks an article's sentences as the
        article alone does, whatever the other articles' sentence lengths."""
        if variant not in VARIANTS:
            raise ValueError(f"unknown BM25 variant {variant!r}; "
                             f"choose one of {', '.join(VARIANTS)}")
        self.variant, self.k1, self.b = variant, k1, b
        if encoded is None:
            vocabulary = Vocabulary()
            encoded = (*vocabulary.encode(documents), vocabulary)
        ids, lengths, vocabulary = encoded
        self.size = n = len(lengths)
        self._lineage = vocabulary.lineage
        earlier = reuse[0] if reuse is not None and reuse[0]._reusable(vocabulary, reuse[1], n) else None
        if earlier is None:
            terms, df, doc, tf = _counted(ids, np.repeat(np.arange(n, dtype=np.int64), lengths), n)
        else:
            terms, df, doc, tf = earlier._updated(reuse[1], ids, lengths)
        self._terms = terms  # each term's vocabulary id, ascending
        self._vocab = _table(terms, vocabulary, earlier)
        self._start = array("q", np.concatenate([[0], np.cumsum(df)]).astype(np.int64).tobytes())
        # the postings' passages and weights live in arrays that numpy views without a copy: a lookup
        # of one posting (bisect, explanations) reads plain ints and floats, not numpy scalars
        self._doc_ids = array("i", [0]) * len(doc)
        self._docs = np.frombuffer(self._doc_ids, dtype=np.intc)
        self._docs[:] = doc
        del doc
        self._model, idf = idf_model(variant, list(self._vocab), df, n,
                                     int(lengths.sum()) / n if n else 0.0, k1, b)
        self._idf = array("d", idf.tobytes())
        self._weight_list = array("d", [0.0]) * len(tf)
        self._weights = np.frombuffer(self._weight_list, dtype=np.float64)
        term_idf = np.repeat(idf, df)
        means = _group_means(lengths, groups) if groups is not None else None
        with np.errstate(all="ignore"):
            for lo in range(0, len(tf), BUILD_CHUNK):
                part = slice(lo, lo + BUILD_CHUNK)
                units = self._docs[part]
                self._weights[part] = weights(variant, self._model, tf[part], term_idf[part],
                                              lengths[units], None if means is None else means[units])
        del term_idf
        self._tf = tf.astype(np.min_scalar_type(int(tf.max()) if len(tf) else 0), copy=False)
        absent = idf * (self._model.delta + 0.0) if variant == "plus" else np.zeros(len(idf))
        self._absent = array("d", absent.tobytes())
        self._best = array("d", np.maximum(np.maximum.reduceat(self._weights, self._start[:-1]),
                                           absent).tobytes() if len(idf) else b"")

    @property
    def bm25(self):
        """The rank-bm25 model the weights follow, its idf dict filled when first asked for (the index
        itself reads idf from an array, which a rebuild makes without a dict of every term)."""
        if len(self._model.idf) != len(self._vocab):
            self._model.idf = dict(zip(self._vocab, self._idf.tolist(), strict=True))
        return self._model

    def idf(self, term: str) -> float | None:
        """The term's idf, None when no unit holds it."""
        t = self._vocab.get(term)
        return None if t is None else self._idf[t]

    def _reusable(self, vocabulary: Vocabulary, old: np.ndarray, n: int) -> bool:
        """Whether ``old`` (each new unit's unit here, or -1) can reuse these postings: the same
        vocabulary's ids, units of this index, kept in their order (so each term's stay sorted)."""
        kept = old[old >= 0]
        return (vocabulary.lineage is self._lineage and len(old) == n and len(kept) > 0
                and len(self._terms) > 0 and int(kept[-1]) < self.size
                and bool(np.all(kept[1:] > kept[:-1])))

    def _updated(self, old: np.ndarray, ids: np.ndarray, lengths: np.ndarray):
        """(terms, document frequencies, units, term frequencies) as ``_counted`` gives them for the
        new units, from this index's postings of the units ``old`` keeps and the new units' tokens."""
        n = len(old)
        new_of = np.full(self.size, -1, dtype=np.int32)
        kept = np.flatnonzero(old >= 0)
        new_of[old[kept]] = kept
        doc, tf = new_of[self._docs], self._tf
        df = np.diff(np.frombuffer(self._start, dtype=np.int64))
        if len(kept) < self.size:  # the postings of units gone go too
            held = doc >= 0
            df = np.add.reduceat(held, self._start[:-1], dtype=np.int64) if len(df) else df
            doc, tf = doc[held], tf[held]
        fresh = old < 0
        more, more_df, more_doc, more_tf = _counted(
            ids[np.repeat(fresh, lengths)], np.repeat(np.flatnonzero(fresh), lengths[fresh]), n)
        # each new posting goes after the kept ones of earlier terms and of its term's earlier units
        rank = np.searchsorted(self._terms, more)
        here = self._terms[np.minimum(rank, len(self._terms) - 1)] == more
        known = np.repeat(here, more_df)
        keys = np.repeat(np.arange(len(df), dtype=np.int64) * n, df)
        keys += doc
        at = np.searchsorted(keys, np.repeat(rank * n, more_df) + np.where(known, more_doc, 0))
        del keys
        at += np.arange(len(at))
        doc, tf = _inserted(at, (doc, more_doc.astype(np.int32)), (tf, more_tf.astype(
            np.min_scalar_type(int(more_tf.max()) if len(more_tf) else 0))))
        terms = np.sort(np.concatenate([self._terms, more[~here]]))
        counts = np.zeros(len(terms), dtype=np.int64)
        counts[np.searchsorted(terms, self._terms)] += df
        counts[np.searchsorted(terms, more)] += more_df
        held = counts > 0
        return terms[held], counts[held], doc, tf

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
        docs = self._doc_ids
        pos = bisect_left(docs, passage, lo, hi)
        if pos < hi and docs[pos] == passage:
            return self._weight_list[pos], int(self._tf[pos]), self._idf[t]
        return self._absent[t], 0, self._idf[t]

    def held_weights(self, term: str, passages: list[int]) -> list[float]:
        """The weight ``term`` adds to each of ``passages`` (sorted or not) that holds it, else 0;
        a negative passage id holds nothing. Up to BISECT_STEPS a plain binary search each (a pronoun's
        terms are weighed one passage at a time), beyond them numpy's, converted once."""
        t = self._vocab.get(term)
        if t is None:
            return [0.0] * len(passages)
        lo, hi = self._start[t], self._start[t + 1]
        if len(passages) * (hi - lo).bit_length() <= BISECT_STEPS:
            docs, weights = self._doc_ids, self._weight_list
            return [weights[k] if p >= 0 and k < hi and docs[k] == p else 0.0
                    for p, k in zip(passages, [bisect_left(docs, p, lo, hi) for p in passages], strict=True)]
        docs = self._docs
        at = docs[lo:hi].searchsorted(passages)
        at += lo
        np.minimum(at, hi - 1, out=at)  # past the last posting: that one, which is not the passage
        return [w if p >= 0 and d == p else 0.0
                for p, d, w in zip(passages, docs[at].tolist(), self._weights[at].tolist(), strict=True)]

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
        best = sorted([(-s, d) for d, s in score.items()])[:limit]
        return [d for _, d in best], [-s for s, _ in best], [held[d] for _, d in best]

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


def _group_means(lengths: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each unit's group's mean length."""
    totals = np.bincount(groups, lengths)
    return (totals / np.maximum(np.bincount(groups), 1))[groups]


def _counted(ids: np.ndarray, units: np.ndarray, n: int):
    """(the terms, ascending; each one's document frequency; its postings' units, ascending, and term
    frequencies) of tokens with these term ``ids`` in these ``units`` (of ``n``)."""
    keys = ids.astype(np.int64)
    keys *= n
    keys += units
    keys, tf = np.unique(keys, return_counts=True)
    term, doc = np.divmod(keys, max(n, 1))
    del keys
    terms, df = np.unique(term, return_counts=True)
    return terms, df, doc, tf


def _inserted(at: np.ndarray, *pairs: tuple[np.ndarray, np.ndarray]) -> list[np.ndarray]:
    """For each (values, more): ``values`` with ``more`` inserted so that they land at the ascending
    positions ``at``."""
    rest = np.ones(len(at) + len(pairs[0][0]), dtype=bool)
    rest[at] = False
    out = []
    for values, more in pairs:
        joined = np.empty(len(rest), dtype=np.promote_types(values.dtype, more.dtype))
        joined[at] = more
        joined[rest] = values
        out.append(joined)
    return out


def _table(terms: np.ndarray, vocabulary: Vocabulary, earlier: Index | None) -> dict[str, int]:
    """Each term's position in ``terms``: the earlier index's table extended when its terms come
    first, as when an article is added (copying a dict costs a tenth of building it)."""
    k = len(earlier._terms) if earlier is not None else 0
    if k and len(terms) >= k and np.array_equal(terms[:k], earlier._terms):
        table = dict(earlier._vocab)
        table.update(zip(map(vocabulary.terms.__getitem__, terms[k:].tolist()), range(k, len(terms)),
                         strict=True))
        return table
    names = map(vocabulary.terms.__getitem__, terms.tolist())
    return dict(zip(names, range(len(terms)), strict=False))


def _best(docs: np.ndarray, scores: np.ndarray, limit: int) -> np.ndarray:
    """Positions of the best ``limit`` by score, then by passage id."""
    rows = np.arange(len(scores))
    if len(scores) > limit:
        kth = np.partition(scores, len(scores) - limit)[len(scores) - limit]
        rows = np.flatnonzero(scores >= kth)
    return rows[np.lexsort((docs[rows], -scores[rows]))[:limit]]
