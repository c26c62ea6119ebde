"""The parse cache: one SQLite entry per document, keyed by what it depends on, rebuilt when broken."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from pathlib import Path

import pytest

from qa import cache
from qa.engine import Engine

FOX = "The Fox\n\nA quick brown fox was born in Kent in 1990.\n"


def _rows(d: Path) -> dict[str, tuple[int, str]]:
    with sqlite3.connect(d / cache.DATABASE) as db:
        return {k: (f, r) for k, f, r in db.execute("SELECT key, format, rows FROM documents")}


def _set(d: Path, sql: str, *args) -> None:
    with sqlite3.connect(d / cache.DATABASE) as db:
        db.execute(sql, args)


def test_second_start_reads_the_cache_instead_of_parsing(cache_dir, corpus, caplog):
    first = Engine.from_corpus(corpus)
    with caplog.at_level(logging.INFO, logger="qa.library"):
        second = Engine.from_corpus(corpus)
    assert "parsed" not in caplog.text
    assert [p.text for p in second.passages] == [p.text for p in first.passages]
    assert [p.entities for p in second.passages] == [p.entities for p in first.passages]
    assert second.ask("Where was Keeper born?").to_dict()["answer"] == \
        first.ask("Where was Keeper born?").to_dict()["answer"]


def test_the_cache_is_one_sqlite_file_in_wal_mode(cache_dir, corpus):
    Engine.from_corpus(corpus)
    with sqlite3.connect(cache_dir / cache.DATABASE) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert len(_rows(cache_dir)) == 1


def test_adding_a_document_parses_that_document_only(cache_dir, corpus, caplog):
    Engine.from_corpus(corpus)
    (corpus / "fox.txt").write_text(FOX, encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="qa.library"):
        engine = Engine.from_corpus(corpus)
    assert "parsed 1 passages from 1 document(s)" in caplog.text
    assert engine.ask("Where was the fox born?").passages[0].document == "fox"
    assert len(_rows(cache_dir)) == 2


def test_the_same_text_under_another_name_is_not_parsed_again(cache_dir, corpus, caplog):
    Engine.from_corpus(corpus)
    (corpus / "copy.txt").write_bytes((corpus / "lighthouse.txt").read_bytes())
    with caplog.at_level(logging.INFO, logger="qa.library"):
        engine = Engine.from_corpus(corpus)
    assert "parsed" not in caplog.text
    assert {p.document for p in engine.passages} == {"copy", "lighthouse"}


def test_writing_the_cache_drops_what_older_versions_left_and_nothing_else(cache_dir, corpus):
    cache_dir.mkdir(parents=True, exist_ok=True)
    legacy = [cache_dir / f"passages-{'ab' * 16}.json", cache_dir / f"passages-{'ab' * 16}.lock"]
    kept = [cache_dir / "passages-notes.json", cache_dir / "squad-1", cache_dir / "mine.json"]
    for path in legacy + kept[:1] + kept[2:]:
        path.write_text("{}", encoding="utf-8")
    kept[1].mkdir()
    Engine.from_corpus(corpus)
    _set(cache_dir, "INSERT INTO documents (key, format, rows, used) VALUES ('old', ?, '[]', ?)",
         cache.INDEX_FORMAT - 1, cache.today() - cache.KEEP_DAYS - 1)
    (corpus / "fox.txt").write_text(FOX, encoding="utf-8")
    Engine.from_corpus(corpus)
    assert not any(p.exists() for p in legacy) and all(p.exists() for p in kept)
    assert len(_rows(cache_dir)) == 2 and "old" not in _rows(cache_dir)


def test_an_entry_no_corpus_read_for_a_month_is_dropped_at_the_next_write(cache_dir, corpus):
    Engine.from_corpus(corpus)
    [key] = _rows(cache_dir)
    _set(cache_dir, "INSERT INTO documents (key, format, rows, used) VALUES ('gone', ?, '[]', ?)",
         cache.INDEX_FORMAT, cache.today() - cache.KEEP_DAYS - 1)
    _set(cache_dir, "UPDATE documents SET used = ? WHERE key = ?", cache.today() - cache.KEEP_DAYS - 1, key)
    Engine.from_corpus(corpus)  # reading the corpus marks its entry used today
    (corpus / "fox.txt").write_text(FOX, encoding="utf-8")
    Engine.from_corpus(corpus)
    rows = _rows(cache_dir)
    assert key in rows and "gone" not in rows and len(rows) == 2


def test_a_cache_file_from_before_entries_recorded_their_use_keeps_every_entry(cache_dir, corpus, caplog):
    Engine.from_corpus(corpus)
    with sqlite3.connect(cache_dir / cache.DATABASE) as db:
        db.execute("ALTER TABLE documents DROP COLUMN used")
    with caplog.at_level(logging.INFO, logger="qa.library"):
        Engine.from_corpus(corpus)
    assert "parsed" not in caplog.text
    with sqlite3.connect(cache_dir / cache.DATABASE) as db:
        assert db.execute("SELECT used FROM documents").fetchall() == [(cache.today(),)]


def test_key_depends_on_pipeline_and_bytes():
    assert cache.document_key(b"T\n\nText.", "p-1") != cache.document_key(b"T\n\nText.", "p-2")
    assert cache.document_key(b"T\n\nText.", "p-1") != cache.document_key(b"T\n\nText!", "p-1")
    assert cache.document_key(b"T\n\nText.", "p-1") == cache.document_key(b"T\n\nText.", "p-1")


@pytest.mark.parametrize("damage", [
    lambda d, k, r: _set(d, "UPDATE documents SET rows = ? WHERE key = ?", r[: len(r) // 2], k),
    lambda d, k, r: _set(d, "UPDATE documents SET rows = ? WHERE key = ?", "\x00\xff garbage", k),
    lambda d, k, r: _set(d, "UPDATE documents SET rows = ? WHERE key = ?", '{"a": 1}', k),
    lambda d, k, r: _set(d, "UPDATE documents SET format = -1 WHERE key = ?", k),
    lambda d, k, r: _set(d, "UPDATE documents SET rows = ? WHERE key = ?",
                         json.dumps([["S", 0, "short", [["PERSON", 0, 99]], [], None, [], []]]), k),
    lambda d, k, r: _set(d, "UPDATE documents SET rows = ? WHERE key = ?", "[[1, 2]]", k),
    lambda d, k, r: _set(d, "UPDATE documents SET rows = ? WHERE key = ?", "[]", k),
    lambda d, k, r: _set(d, "UPDATE documents SET rows = ? WHERE key = ?", "[" * 100_000 + "]" * 100_000, k),
], ids=["truncated", "garbage", "not-rows", "stale-format", "offset-out-of-range", "wrong-shape",
        "emptied", "deeply-nested"])
def test_a_broken_entry_is_logged_and_rebuilt(cache_dir, corpus, caplog, damage):
    good = [p.text for p in Engine.from_corpus(corpus).passages]
    [(key, (_, rows))] = _rows(cache_dir).items()
    damage(cache_dir, key, rows)
    with caplog.at_level(logging.WARNING):
        engine = Engine.from_corpus(corpus)
    assert [p.text for p in engine.passages] == good
    assert "rebuilding" in caplog.text
    assert _rows(cache_dir)[key] == (cache.INDEX_FORMAT, rows)


def test_a_file_that_is_not_a_database_is_moved_aside_and_rebuilt(cache_dir, corpus, caplog):
    cache_dir.mkdir()
    (cache_dir / cache.DATABASE).write_bytes(b"not a database, " * 100)
    with caplog.at_level(logging.WARNING, logger="qa.cache"):
        engine = Engine.from_corpus(corpus)
    assert engine.ask("Where was Keeper born?").answer.text == "Arbroath"
    assert "damaged" in caplog.text
    assert len(_rows(cache_dir)) == 1
    assert (cache_dir / (cache.DATABASE + ".damaged")).exists()


def test_unwritable_cache_dir_runs_without_cache(tmp_path, monkeypatch, corpus, caplog):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("QA_CACHE_DIR", str(blocker / "cache"))
    with caplog.at_level(logging.WARNING, logger="qa.cache"):
        engine = Engine.from_corpus(corpus)
    assert engine.ask("Where was Keeper born?").answer.text == "Arbroath"
    assert "running without a cache" in caplog.text


def test_a_folder_where_the_database_should_be_means_running_without_a_cache(cache_dir, corpus, caplog):
    (cache_dir / cache.DATABASE).mkdir(parents=True)
    with caplog.at_level(logging.WARNING, logger="qa.cache"):
        engine = Engine.from_corpus(corpus)
    assert engine.ask("Where was Keeper born?").answer.text == "Arbroath"
    assert "running without a cache" in caplog.text


def test_no_pickle_only_json_rows(cache_dir, corpus):
    Engine.from_corpus(corpus)
    [(fmt, rows)] = _rows(cache_dir).values()
    assert fmt == cache.INDEX_FORMAT and isinstance(json.loads(rows), list)


def test_concurrent_starts_build_once(cache_dir, corpus):
    """Several processes starting together: one parses, the others wait and read its entry."""
    import subprocess
    import sys

    code = ("import logging,sys; logging.basicConfig(level=logging.INFO);"
            "from qa.engine import Engine; e = Engine.from_corpus(sys.argv[1]);"
            "print(len(e.passages))")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(corpus)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=os.environ.copy())
             for _ in range(3)]
    outs = [p.communicate(timeout=240) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert len({out for out, _ in outs}) == 1
    built = sum("parsed" in err for _, err in outs)
    assert built == 1, [err for _, err in outs]


def test_no_lock_file_is_left_in_the_cache_folder(cache_dir, corpus):
    Engine.from_corpus(corpus)
    assert not list(Path(cache_dir).glob("*.lock"))


def test_a_waiter_on_a_removed_lock_file_takes_the_new_one(tmp_path):
    import threading

    store = cache.Store(tmp_path)
    order, inside = [], threading.Event()

    def hold(name):
        with store.build_lock():
            order.append(f"{name} in")
            inside.set()
            threading.Event().wait(0.2)
            order.append(f"{name} out")

    first = threading.Thread(target=hold, args=("a",))
    first.start()
    inside.wait(5)
    others = [threading.Thread(target=hold, args=(n,)) for n in ("b", "c")]
    for t in others:
        t.start()
    for t in [first, *others]:
        t.join(10)
    pairs = [order[i:i + 2] for i in range(0, len(order), 2)]
    assert all(a.split()[0] == b.split()[0] and a.endswith("in") and b.endswith("out") for a, b in pairs)
    assert len(order) == 6 and not list(tmp_path.glob("*.lock"))
