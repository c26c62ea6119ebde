"""The live engine holder in-process: a folder change is noticed and swapped in whole; nothing else is."""

from __future__ import annotations

import os
import time

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
