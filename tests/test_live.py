"""The live engine holder in-process: a folder change is noticed and swapped in whole; nothing else is."""

from __future__ import annotations

import json
import os
import threading
import time

import numpy as np
import pytest

from qa import folder as corpus_folder
from qa.engine import Engine
from qa.errors import InvalidRequest
from qa.live import Live

FOX = b"The Fox\n\nThe red fox Vulpes was born in Kent in 1990.\n"


def wait_for(predicate, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.02)


def test_a_file_renamed_into_the_folder_is_noticed_and_swapped_in(cache_dir, corpus):
    live = Live(Engine.from_corpus(corpus), check_seconds=0)
    before = live.current()
    corpus_folder.write(corpus, "fox", FOX)
    wait_for(lambda: "fox" in live.current().engine.document_names)
    after = live.current()
    assert after.seq > before.seq
    assert after.engine.ask("Where was the fox born?").passages[0].document == "fox"
    lighthouse = [p for p in after.engine.passages if p.document == "lighthouse"]
    assert lighthouse == [p for p in before.engine.passages if p.document == "lighthouse"]
    assert all(a is b for a, b in zip(lighthouse, before.engine.entries["lighthouse"].passages,
                                      strict=True)), "unchanged documents are reused, not re-read"


def test_nothing_changed_means_the_same_engine(cache_dir, corpus):
    live = Live(Engine.from_corpus(corpus), check_seconds=0)
    engine = live.current().engine
    assert live.refresh().engine is engine


def test_an_older_build_finishing_late_never_replaces_a_newer_one(cache_dir, corpus):
    live = Live(Engine.from_corpus(corpus), check_seconds=0)
    old = live._build()
    corpus_folder.write(corpus, "fox", FOX)
    new = live._build()
    live._swap(*new)
    live._swap(*old)
    assert "fox" in live.current().engine.document_names


def test_a_bad_file_copied_in_while_serving_is_skipped_not_fatal(cache_dir, corpus, caplog):
    live = Live(Engine.from_corpus(corpus), check_seconds=0)
    (corpus / "broken.txt").write_bytes(b"\xff\xfe not utf-8")
    snapshot = live.refresh()
    assert snapshot.engine.document_names == ["lighthouse"]
    assert "skipped" in caplog.text and "not UTF-8" in caplog.text


def test_the_folder_is_looked_at_no_more_often_than_the_interval(cache_dir, corpus, monkeypatch):
    live = Live(Engine.from_corpus(corpus), check_seconds=60)
    looks = []
    monkeypatch.setattr(live.library, "folder_stamp", lambda: looks.append(1) or 0)
    for _ in range(1000):
        live.current()
    assert looks == []


@pytest.mark.parametrize("name", ["ok", "a-b_c.d", "x" * 100, "0"])
def test_plain_file_stems_are_names(name):
    assert corpus_folder.check_name(name) == name


@pytest.mark.parametrize("name", ["", ".hidden", "a/b", "a b", "x" * 101, "é", "a\n", "..", "a:b"])
def test_anything_else_is_refused_saying_what_is_allowed(name):
    with pytest.raises(InvalidRequest, match="letters, digits"):
        corpus_folder.check_name(name)


def test_a_write_leaves_no_temporary_file_and_replaces_whole(corpus):
    assert corpus_folder.write(corpus, "fox", FOX) is True
    assert corpus_folder.write(corpus, "fox", FOX + b"More.\n") is False
    assert (corpus / "fox.txt").read_bytes() == FOX + b"More.\n"
    assert corpus_folder.leftovers(corpus) == []
    assert oct(os.stat(corpus / "fox.txt").st_mode & 0o777) == "0o644"


def _same_answers(rebuilt: Engine, scratch: Engine, questions: list[str]) -> None:
    """Same passages, the same postings per term (ids and weights to 1e-9), the same idf, and the same
    ranking, scores and short answer for every question."""
    assert [(p.key, p.text) for p in rebuilt.passages] == [(p.key, p.text) for p in scratch.passages]
    for mine, theirs in ((rebuilt.index, scratch.index), (rebuilt.document_index, scratch.document_index)):
        assert mine.size == theirs.size and set(mine._vocab) == set(theirs._vocab)
        assert mine.bm25.idf.keys() == theirs.bm25.idf.keys()
        assert all(abs(mine.bm25.idf[t] - theirs.bm25.idf[t]) <= 1e-9 for t in theirs.bm25.idf)
        for term, t in theirs._vocab.items():
            m = mine._vocab[term]
            lo, hi, mlo, mhi = theirs._start[t], theirs._start[t + 1], mine._start[m], mine._start[m + 1]
            assert mine._docs[mlo:mhi].tolist() == theirs._docs[lo:hi].tolist(), term
            assert mine._tf[mlo:mhi].tolist() == theirs._tf[lo:hi].tolist(), term
            assert np.allclose(mine._weights[mlo:mhi], theirs._weights[lo:hi], rtol=0, atol=1e-9), term
    for q in questions:
        a, b = rebuilt.ask(q, top_k=10), scratch.ask(q, top_k=10)
        assert [p.id for p in a.passages] == [p.id for p in b.passages], q
        assert all(abs(x.score - y.score) <= 1e-9 for x, y in zip(a.passages, b.passages, strict=True)), q
        assert [p.explanation for p in a.passages] == [p.explanation for p in b.passages], q
        assert (a.answer is None) == (b.answer is None), q
        if a.answer is not None:
            assert (a.answer.text, a.answer.label, a.answer.passage_rank) == \
                   (b.answer.text, b.answer.label, b.answer.passage_rank), q
            assert abs(a.answer.confidence - b.answer.confidence) <= 1e-9, q
        assert (a.no_answer_code, a.no_answer_reason) == (b.no_answer_code, b.no_answer_reason), q


def test_a_rebuilt_engine_ranks_and_answers_as_one_built_from_scratch(cache_dir, tmp_path):
    """After each PUT-like change (a document added between others, one replaced, one removed) the
    engine rebuilt beside the old one, from its reused parts and index, equals a fresh build."""
    from .conftest import ARTICLE, ROOT, TINY

    curie = ROOT / "corpus" / "generalisation" / "marie_curie.txt"
    folder = tmp_path / "living"
    folder.mkdir()
    for source in (ARTICLE, curie, TINY / "lighthouse.txt"):
        (folder / source.name).write_bytes(source.read_bytes())
    questions = [json.loads(line)["question"] for path in (ROOT / "corpus" / "article.questions.jsonl",
                 curie.with_name("marie_curie.questions.jsonl")) for line in path.read_text().splitlines()]
    questions += ["Where was the fox born?", "Who built the lighthouse?", "When did she die?"]
    live = Live(Engine.from_corpus(folder), check_seconds=0)
    changes = [
        lambda: corpus_folder.write(folder, "fox", FOX + b"The fox met Eitingon in Moscow in 1940.\n"),
        lambda: corpus_folder.write(folder, "marie_curie", curie.read_bytes().replace(b"Warsaw", b"Kent")),
        lambda: corpus_folder.remove(folder, "lighthouse"),
        lambda: corpus_folder.write(folder, "aardvark", b"The Aardvark\n\nThe aardvark was born in 1990.\n"),
    ]
    for change in changes:
        before = live.current().engine
        change()
        rebuilt = live.refresh().engine
        assert rebuilt is not before
        _same_answers(rebuilt, Engine.from_corpus(folder), questions)


def test_warming_a_worker_keeps_its_snapshot_and_later_changes_still_swap_in(cache_dir, corpus):
    live = Live(Engine.from_corpus(corpus), check_seconds=0)
    before = live.current()
    live.warm()
    assert live.current() is before
    corpus_folder.write(corpus, "fox", FOX)
    assert "fox" in live.refresh().engine.document_names


def test_rebuilds_started_at_once_in_one_process_run_one_after_the_other(cache_dir, corpus):
    live = Live(Engine.from_corpus(corpus), check_seconds=0)
    corpus_folder.write(corpus, "fox", FOX)
    results = []
    threads = [threading.Thread(target=lambda: results.append(live.refresh())) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == 3
    assert all("fox" in r.engine.document_names for r in results)
    assert len({id(r.engine) for r in results}) == 1, "one rebuilt, the others found nothing changed"


def test_a_change_in_the_mtime_tick_after_a_listing_is_found_by_one_more_listing(cache_dir, corpus,
                                                                                   monkeypatch):
    import qa.live

    monkeypatch.setattr(qa.live, "SETTLE_SECONDS", 30.0)
    live = Live(Engine.from_corpus(corpus), check_seconds=0)
    corpus_folder.write(corpus, "fox", FOX)
    snapshot = live.refresh()
    stamp = snapshot.folder_stamp
    snapshot.listed = stamp  # listed at once after the change
    (corpus / "owl.txt").write_bytes(b"The Owl\n\nThe owl was born in Kent.\n")
    os.utime(corpus, ns=(stamp, stamp))  # the second change within the first one's tick
    assert not live._changed(), "not listed again while the mtime may still tick"
    monkeypatch.setattr(qa.live, "SETTLE_SECONDS", 0.3)
    time.sleep(0.4)
    assert live._changed()
    assert "owl" in live.refresh().engine.document_names
    assert not live._changed(), "listed once more, then not again"
