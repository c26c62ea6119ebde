"""The on-disk passage cache: keyed by what it depends on, rejected when broken, never required."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from qa import cache
from qa.engine import Engine


def _only_cache_file(d: Path) -> Path:
    [f] = d.glob("passages-*.json")
    return f


def test_second_start_reads_the_cache_instead_of_parsing(cache_dir, corpus):
    first = Engine.from_corpus(corpus)
    f = _only_cache_file(cache_dir)
    mtime = f.stat().st_mtime_ns
    second = Engine.from_corpus(corpus)
    assert f.stat().st_mtime_ns == mtime
    assert [p.text for p in second.passages] == [p.text for p in first.passages]
    assert [p.entities for p in second.passages] == [p.entities for p in first.passages]
    assert second.ask("Where was Keeper born?").to_dict()["answer"] == \
        first.ask("Where was Keeper born?").to_dict()["answer"]


def test_changed_corpus_gets_a_new_key(cache_dir, corpus):
    Engine.from_corpus(corpus)
    (corpus / "lighthouse.txt").write_text("Other\n\nA different article about a fox.\n", encoding="utf-8")
    engine = Engine.from_corpus(corpus)
    assert [p.text for p in engine.passages] == ["A different article about a fox."]
    assert len(list(cache_dir.glob("passages-*.json"))) == 2


def test_key_depends_on_pipeline_and_bytes():
    sources = [(Path("a.txt"), b"T\n\nText.")]
    assert cache.fingerprint(sources, "p-1") != cache.fingerprint(sources, "p-2")
    assert cache.fingerprint(sources, "p-1") != cache.fingerprint([(Path("a.txt"), b"T\n\nText!")],
                                                                  "p-1")
    assert cache.fingerprint(sources, "p-1") == cache.fingerprint(sources, "p-1")


@pytest.mark.parametrize("damage", [
    lambda f: f.write_bytes(f.read_bytes()[: len(f.read_bytes()) // 2]),
    lambda f: f.write_bytes(b"\x00\xff garbage"),
    lambda f: f.write_text(json.dumps({"format": cache.INDEX_FORMAT, "key": "someone else's",
                                       "passages": []})),
    lambda f: f.write_text(json.dumps({**json.loads(f.read_text()), "format": -1})),
    lambda f: f.write_text(json.dumps({**json.loads(f.read_text()),
                                       "passages": [["article", "S", 0, "short", [["PERSON", 0, 99]],
                                                     [], None]]})),
    lambda f: f.write_text(json.dumps({**json.loads(f.read_text()), "passages": [[1, 2]]})),
], ids=["truncated", "garbage", "foreign", "stale-format", "offset-out-of-range", "wrong-shape"])
def test_broken_cache_is_logged_and_rebuilt(cache_dir, corpus, caplog, damage):
    good = [p.text for p in Engine.from_corpus(corpus).passages]
    f = _only_cache_file(cache_dir)
    damage(f)
    with caplog.at_level(logging.WARNING, logger="qa.cache"):
        engine = Engine.from_corpus(corpus)
    assert [p.text for p in engine.passages] == good
    assert "rebuilding" in caplog.text
    assert cache.load(f, json.loads(f.read_text())["key"]) is not None


def test_unwritable_cache_dir_runs_without_cache(tmp_path, monkeypatch, corpus, caplog):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("QA_CACHE_DIR", str(blocker / "cache"))
    with caplog.at_level(logging.WARNING, logger="qa.cache"):
        engine = Engine.from_corpus(corpus)
    assert engine.ask("Where was Keeper born?").answer.text == "Arbroath"
    assert "running without a cache" in caplog.text


def test_write_is_atomic_and_leaves_no_temp_files(cache_dir, corpus):
    Engine.from_corpus(corpus)
    assert [f.suffix for f in cache_dir.iterdir() if f.suffix not in (".json", ".lock")] == []


def test_concurrent_starts_build_once(cache_dir, corpus):
    """Several processes starting together: one parses, the others wait and read its file."""
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
