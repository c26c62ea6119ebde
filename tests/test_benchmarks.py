"""The scale benchmark runs in quick mode on 1k passages and finds rank-bm25's very top 10."""

from __future__ import annotations

import pytest

pytest.importorskip("bm25s")

from benchmarks import scale  # noqa: E402


def test_quick_scale_run_on_1k_passages_matches_rank_bm25():
    result = scale.run(quick=True, sizes=(1_000,))
    (row,) = result["rows"]
    assert row["passages"] == 1_000
    assert row["identical_top10"]["checked"] == row["identical_top10"]["identical"] > 0
    assert {"ours", "bm25s", "rank_bm25_scan", "rank_bm25_candidates"} <= row.keys()
    assert [r["met"] for r in scale.rows(result)] == [True]


def test_synthetic_corpus_is_zipf_like_and_reproducible():
    documents = scale.corpus(2_000)
    assert documents == scale.corpus(2_000)
    assert all(scale.LENGTHS[0] <= len(d) <= scale.LENGTHS[1] for d in documents)
    counts: dict[str, int] = {}
    for d in documents:
        for t in d:
            counts[t] = counts.get(t, 0) + 1
    frequencies = sorted(counts.values(), reverse=True)
    assert frequencies[0] > 10 * frequencies[100] and frequencies[-1] == 1
    for query in scale.queries(documents, 20):
        assert 1 <= len(query) <= scale.QUERY_TERMS and len(set(query)) == len(query)


def test_the_living_benchmarks_synthetic_folder_is_read_from_the_cache_it_writes(tmp_path, monkeypatch):
    from benchmarks.living import PER_ARTICLE, synthetic_folder
    from qa.engine import Engine

    monkeypatch.setenv("QA_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "corpus").mkdir()
    articles = synthetic_folder(tmp_path / "corpus", 2 * PER_ARTICLE, tmp_path / "cache")
    engine = Engine.from_corpus(tmp_path / "corpus")
    assert articles == 2 and engine.library.parsed == 0
    assert len(engine.passages) == 2 * PER_ARTICLE


def test_the_rebuild_breakdown_runs_on_a_small_synthetic_corpus(capsys):
    from benchmarks.rebuild import main

    main(["--passages", "1000", "--rounds", "2"])
    out = capsys.readouterr().out
    assert "rebuild the engine" in out and "derive the views" in out
