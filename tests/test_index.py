"""The index scores exactly as rank-bm25 does, ranks deterministically, handles degenerate input."""

from __future__ import annotations

import random

import numpy as np
import pytest

import qa.index
from qa.index import K1, VARIANTS, B, Index, Vocabulary


@pytest.fixture(params=["small", "dense", "maxscore"], autouse=True)
def strategy(request, monkeypatch):
    """Every test runs with each query strategy: plain Python, one score array, MaxScore rounds."""
    monkeypatch.setattr(qa.index, "SMALL_QUERY", 10**9 if request.param == "small" else -1)
    if request.param == "maxscore":
        monkeypatch.setattr(qa.index, "DENSE_MAX", 0)
    return request.param


def zipf_corpus(seed: int, size: int, vocabulary: int = 60) -> list[list[str]]:
    """Passages of Zipf-distributed words: frequent words in most passages, rare ones in few."""
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(vocabulary)]
    ranks = [1 / (i + 1) for i in range(vocabulary)]
    return [rng.choices(words, ranks, k=rng.randint(0, 12)) for _ in range(size)]


def reference(documents: list[list[str]], variant: str):
    return VARIANTS[variant](documents, k1=K1, b=B)


def expected_ranking(documents, variant, query) -> list[tuple[int, float]]:
    """rank-bm25's full scan: every passage holding a query term, best first, ties by passage id."""
    scores = reference(documents, variant).get_scores(query)
    held = [i for i, d in enumerate(documents) if set(query) & set(d)]
    return sorted(((i, scores[i]) for i in held), key=lambda x: (-x[1], x[0]))


def queries(documents: list[list[str]], seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    vocabulary = sorted({t for d in documents for t in d})
    return [rng.sample(vocabulary, rng.randint(1, min(5, len(vocabulary)))) for _ in range(20)]


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("seed", range(6))
def test_scores_equal_rank_bm25_get_scores(variant, seed):
    documents = zipf_corpus(seed, size=random.Random(seed).randint(5, 80))
    index = Index(documents, variant)
    for query in queries(documents, seed):
        expected = expected_ranking(documents, variant, query)
        hits = index.search(query, len(documents))
        assert [(h.passage, h.score) for h in hits] == expected


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("seed", range(3))
def test_grouped_units_are_normalised_against_their_own_groups_mean_length(variant, seed):
    """A folder's articles: each passage scores as rank-bm25 scores it over every passage with the
    mean length of its own article's passages, so long sentences elsewhere do not move its rank."""
    short, long = zipf_corpus(seed, size=30), zipf_corpus(seed + 1, size=20)
    long = [units * 3 for units in long]  # an article written in sentences three times as long
    documents = short + long
    groups = np.array([0] * len(short) + [1] * len(long))
    index = Index(documents, variant, groups=groups)
    plain = Index(documents, variant)
    moved = False
    for query in queries(documents, seed):
        got = {h.passage: h.score for h in index.search(query, len(documents))}
        moved |= got != {h.passage: h.score for h in plain.search(query, len(documents))}
        for members in (range(len(short)), range(len(short), len(documents))):
            model = reference(documents, variant)
            model.avgdl = sum(len(documents[i]) for i in members) / len(members)
            scores = model.get_scores(query)
            assert {i: got[i] for i in members if i in got} == {
                i: scores[i] for i in members if set(query) & set(documents[i])}
    assert moved, "the groups' means equal the corpus mean: the test shows nothing"


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_scores_equal_rank_bm25_get_batch_scores(variant):
    documents = zipf_corpus(7, size=50)
    model = reference(documents, variant)
    index = Index(documents, variant)
    for query in queries(documents, 7):
        hits = index.search(query, len(documents))
        batch = model.get_batch_scores(query, [h.passage for h in hits])
        assert [h.score for h in hits] == batch


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("limit", [1, 3, 10])
def test_top_limit_is_the_head_of_the_full_ranking(variant, limit):
    documents = zipf_corpus(11, size=400, vocabulary=300)
    index = Index(documents, variant)
    for query in queries(documents, 11):
        expected = expected_ranking(documents, variant, query)[:limit]
        assert [(h.passage, h.score) for h in index.search(query, limit)] == expected


def test_hit_terms_are_the_query_terms_the_passage_holds_in_query_order():
    documents = [["a", "b", "c"], ["c", "a"], ["d"]]
    hits = Index(documents).search(["c", "x", "a", "c"], 5)
    assert {h.passage: h.terms for h in hits} == {0: ("c", "a"), 1: ("c", "a")}


def test_hit_terms_of_a_query_longer_than_64_terms():
    documents = [[f"t{i}" for i in range(0, 70, 2)], [f"t{i}" for i in range(70)], ["t69"]]
    query = [f"t{i}" for i in range(70)]
    hits = Index(documents).search(query, 3)
    assert {h.passage: h.terms for h in hits} == {
        0: tuple(f"t{i}" for i in range(0, 70, 2)), 1: tuple(query), 2: ("t69",)}


def test_ties_go_to_the_earlier_passage_every_time():
    documents = [["x", "y"], ["y", "x"], ["x", "y"], ["z"], ["x", "y"]]
    index = Index(documents)
    rankings = {tuple(h.passage for h in index.search(["x", "y"], k)) for k in (4, 4, 4)}
    assert rankings == {(0, 1, 2, 4)}
    assert [h.passage for h in index.search(["y", "x"], 2)] == [0, 1]


def test_empty_query_and_no_overlap_find_nothing():
    index = Index([["alpha", "beta"], ["gamma"]])
    assert index.search([], 3) == []
    assert index.search(["delta", "epsilon"], 3) == []
    assert index.search(["alpha"], 0) == []


def test_limit_larger_than_the_corpus_returns_every_matching_passage():
    index = Index([["a"], ["b"], ["a", "b"]])
    assert [h.passage for h in index.search(["a"], 100)] == [0, 2]


def test_a_term_in_half_the_passages_still_adds_positive_weight():
    documents = [["subject", f"w{i}"] for i in range(5)] + [[f"v{i}"] for i in range(5)]
    index = Index(documents)
    assert index.bm25.idf["subject"] > 0
    hits = index.search(["subject"], 10)
    assert len(hits) == 5 and all(h.score > 0 for h in hits)
    assert index.contribution("subject", 0)[0] > 0


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_contribution_is_the_terms_share_of_rank_bm25s_score(variant):
    documents = zipf_corpus(3, size=30)
    model = reference(documents, variant)
    index = Index(documents, variant)
    for term in sorted({t for d in documents for t in d})[:10]:
        alone = model.get_scores([term])
        for passage in range(len(documents)):
            score, tf, idf = index.contribution(term, passage)
            assert score == alone[passage]
            assert tf == documents[passage].count(term)
            assert idf == model.idf[term]


def test_held_weights_are_the_contributions_where_the_term_is_held_and_zero_elsewhere():
    documents = zipf_corpus(4, size=40)
    index = Index(documents)
    passages = [7, -1, 0, 39, 7, 12]  # unsorted, repeated, and -1 for "no passage"
    for term in sorted({t for d in documents for t in d})[:10]:
        expected = [index.contribution(term, p)[0] if p >= 0 and term in documents[p] else 0.0
                    for p in passages]
        assert index.held_weights(term, passages) == expected
    assert index.held_weights("absent-term", passages) == [0.0] * len(passages)
    assert index.held_weights(sorted(index.bm25.idf)[0], []) == []


def test_document_frequency_membership_and_size():
    index = Index([["a", "a", "b"], ["b"], []])
    assert index.size == 3
    assert "a" in index and "c" not in index
    assert (index.document_frequency("a"), index.document_frequency("b")) == (1, 2)
    assert index.document_frequency("c") == 0
    assert index.contribution("c", 0) == (0.0, 0, 0.0)


def test_idf_equals_rank_bm25s_for_every_variant():
    documents = zipf_corpus(5, size=40)
    for variant in VARIANTS:
        assert Index(documents, variant).bm25.idf == reference(documents, variant).idf


def test_empty_corpus_finds_nothing():
    index = Index([])
    assert index.size == 0 and index.search(["a"], 3) == []


def test_unknown_variant_names_the_choices():
    with pytest.raises(ValueError, match="lucene"):
        Index([["a"]], "bm99")


def test_scores_are_plain_floats_and_ids_plain_ints():
    hit = Index([["a"], ["a", "b"]]).search(["a"], 1)[0]
    assert type(hit.passage) is int and type(hit.score) is float
    assert not isinstance(hit.score, np.floating)


def _arrays(index: Index) -> tuple:
    return (index.size, index._vocab, index._terms.tolist(), index._start.tolist(), index._docs.tolist(),
            index._tf.tolist(), index._weights.tolist(), index._idf.tolist(), index._absent.tolist(),
            index._best.tolist(), index.bm25.idf)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("seed", range(4))
def test_an_index_reusing_an_earlier_ones_postings_is_the_index_built_anew(variant, seed):
    """Units removed, kept, added between and after them, with new terms and terms that had gone:
    the index from the earlier one's postings equals, array for array, the one counted from scratch."""
    rng = random.Random(seed)
    before = zipf_corpus(seed, size=60, vocabulary=80)
    vocabulary = Vocabulary()
    earlier = Index([], variant, encoded=(*vocabulary.encode(before), vocabulary))
    vocabulary = Vocabulary(vocabulary)
    after, old = [], []
    for i, units in enumerate(before):
        if rng.random() < 0.15:
            continue  # removed
        if rng.random() < 0.1:
            after.append([f"new{rng.randint(0, 5)}", *rng.sample(units, min(2, len(units)))])
            old.append(-1)  # a new unit before a kept one
        after.append(units)
        old.append(i)
    after += [["w3", "w79", "fresh"], [], ["w1"] * 300]  # a term frequency past a byte too
    old += [-1, -1, -1]
    ids, lengths = vocabulary.encode(after)
    reused = Index([], variant, encoded=(ids, lengths, vocabulary), reuse=(earlier, np.array(old)))
    anew = Index([], variant, encoded=(ids, lengths, vocabulary))
    assert _arrays(reused) == _arrays(anew) and reused._tf.dtype == anew._tf.dtype
    for query in queries(after, seed):
        assert reused.search(query, 10) == anew.search(query, 10) == Index(after, variant).search(query, 10)


def test_units_out_of_their_earlier_order_or_from_another_vocabulary_are_counted_anew():
    vocabulary = Vocabulary()
    earlier = Index([], encoded=(*vocabulary.encode([["a", "b"], ["b", "c"]]), vocabulary))
    grown = Vocabulary(vocabulary)
    ids, lengths = grown.encode([["b", "c"], ["a", "b"]])
    swapped = Index([], encoded=(ids, lengths, grown), reuse=(earlier, np.array([1, 0])))
    assert _arrays(swapped) == _arrays(Index([], encoded=(ids, lengths, grown)))
    other = Vocabulary()
    ids, lengths = other.encode([["c", "a"], ["b", "c"]])
    foreign = Index([], encoded=(ids, lengths, other), reuse=(earlier, np.array([0, 1])))
    assert _arrays(foreign) == _arrays(Index([], encoded=(ids, lengths, other)))
