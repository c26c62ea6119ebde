"""Faults: bad corpora and settings stop start-up with one clear line; broken caches are survived;
a worker killed under load is replaced while the service keeps answering.

Start-up faults go through the real ``qa ask`` and ``qa serve`` commands: in-process with click's
runner for the whole table (``serve`` may not reach gunicorn: reaching it fails the test), and as
real subprocesses for a few, to see exactly what a user's terminal shows.
"""

from __future__ import annotations

import fcntl
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa import cache
from qa.cli import cli
from qa.corpus import MAX_FILE_BYTES
from qa.engine import Engine

from .conftest import TINY
from .test_server import QA, assert_one_error_line, free_port, qa_env

GOOD = (TINY / "lighthouse.txt").read_bytes()


def write(name: str, data: bytes):
    def make(d: Path) -> Path:
        (d / name).write_bytes(data)
        return d / name
    return make


def sparse_file(d: Path) -> Path:
    """A file one MiB over the size limit that takes no disk space (truncate, as `truncate -s`)."""
    f = d / "huge.txt"
    with f.open("wb") as out:
        out.truncate(MAX_FILE_BYTES + 2**20)
    return f


def folder_named_txt(d: Path) -> Path:
    (d / "x.txt").mkdir()
    return d


def empty_folder(d: Path) -> Path:
    (d / "empty").mkdir()
    return d / "empty"


# (name, make the corpus path in a temporary folder, environment, words the one Error: line holds)
STARTUP_FAULTS = [
    ("missing-path", lambda d: d / "nowhere", {}, "does not exist"),
    ("empty-file", write("empty.txt", b""), {}, "is empty"),
    ("blank-file", write("blank.txt", b"\xef\xbb\xbf \n\n\t\n"), {}, "is empty"),
    ("empty-folder", empty_folder, {}, "has no .txt files"),
    ("folder-named-like-a-file", folder_named_txt, {}, "has no .txt files"),
    ("binary-file", write("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), {}, "binary file"),
    ("latin-1-file", write("latin.txt", "Café\n\nUn café à Zürich.\n".encode("latin-1")), {},
     "not UTF-8 text (bad byte at offset 3)"),
    ("utf-16-file", write("wide.txt", "Title\n\nText.\n".encode("utf-16")), {}, "binary file"),
    ("only-headings", write("headings.txt", b"Title\n\nCareer\n\nLater life\n"), {}, "no paragraphs"),
    ("title-only", write("title.txt", b"Just a title\n"), {}, "no paragraphs"),
    ("no-sentences", write("dots.txt", b"Title\n\n...\n"), {}, "no sentences to search"),
    ("very-large-file", sparse_file, {}, "65 MiB, over the 64 MiB limit"),
    ("unreadable-file", lambda d: Path("/proc/self/mem"), {}, "cannot read /proc/self/mem"),
    ("missing-pipeline", write("good.txt", GOOD), {"QA_PIPELINE": "nonexistent"},
     "spaCy pipeline 'nonexistent' is not installed"),
]


@pytest.fixture
def no_gunicorn(monkeypatch):
    """``qa serve`` in-process must stop before gunicorn runs; if it got there, fail instead of serving."""
    from qa.service.server import Server

    def refuse(self):
        raise AssertionError("qa serve went on to serve despite the fault")

    monkeypatch.setattr(Server, "run", refuse)


@pytest.mark.parametrize("command", ["ask", "serve"])
@pytest.mark.parametrize("name, make, env, message", STARTUP_FAULTS, ids=[f[0] for f in STARTUP_FAULTS])
def test_startup_fault_is_one_error_line_and_a_non_zero_exit(tmp_path, monkeypatch, no_gunicorn,
                                                            command, name, make, env, message):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    corpus = make(tmp_path)
    args = (["ask", "Who?"] if command == "ask" else ["serve", "--port", str(free_port())])
    result = CliRunner().invoke(cli, [*args, "--corpus", str(corpus)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], result.output


def test_a_bad_worker_setting_stops_serve_before_the_corpus_is_parsed(monkeypatch, no_gunicorn):
    monkeypatch.setenv("QA_MAX_REQUESTS", "lots")
    result = CliRunner().invoke(cli, ["serve", "--port", str(free_port()), "--corpus", str(TINY)])
    assert result.exit_code == 2
    assert result.output.startswith("Error: QA_MAX_REQUESTS='lots' is not a whole number")


SUBPROCESS_FAULTS = ["very-large-file", "unreadable-file"]  # tests/test_server.py runs three more


def test_startup_faults_in_a_real_terminal_are_one_line_on_stderr(tmp_path):
    """The real ``qa serve`` processes, side by side: exactly one stderr line, no traceback."""
    faults = {f[0]: f for f in STARTUP_FAULTS}

    def serve(name: str) -> subprocess.CompletedProcess:
        folder = tmp_path / name
        folder.mkdir()
        corpus = faults[name][1](folder)
        return subprocess.run([str(QA), "serve", "--port", str(free_port()), "--corpus", str(corpus)],
                              env=qa_env(folder), capture_output=True, text=True, timeout=120)

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip(SUBPROCESS_FAULTS, pool.map(serve, SUBPROCESS_FAULTS), strict=True))
    for name, result in results.items():
        assert result.returncode == 2, (name, result.stderr)
        assert_one_error_line(result, faults[name][3])


# --- the cache: faults beyond tests/test_cache.py's damaged files --------------------------------


def test_leftovers_of_a_crashed_writer_are_ignored(cache_dir, corpus):
    """A lock file and a write-ahead log left behind do not stop or confuse the next start."""
    Engine.from_corpus(corpus)
    (cache_dir / "passages.lock").write_text("")
    (cache_dir / (cache.DATABASE + "-shm")).unlink(missing_ok=True)
    engine = Engine.from_corpus(corpus)
    assert engine.ask("Where was Keeper born?").answer.text == "Arbroath"


def test_a_builder_killed_while_holding_the_lock_does_not_block_the_next_start(cache_dir, corpus):
    """flock dies with its process: the lock of a builder killed mid-build never blocks a start."""
    lock = cache_dir / "passages.lock"
    cache_dir.mkdir(parents=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, sys, time; f = open(sys.argv[1], 'a'); "
         "fcntl.flock(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(120)",
         str(lock)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with lock.open("a") as probe, pytest.raises(BlockingIOError):
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        built: list[Engine] = []
        starter = threading.Thread(target=lambda: built.append(Engine.from_corpus(corpus)))
        starter.start()
    finally:
        holder.kill()
        holder.wait(timeout=30)
    starter.join(timeout=120)
    assert built and built[0].ask("Where was Keeper born?").answer.text == "Arbroath"


# --- gunicorn: a worker killed under load ---------------------------------------------------------

@pytest.mark.slow
def test_a_worker_killed_mid_load_is_replaced_and_the_service_keeps_answering(tmp_path):
    from benchmarks.load import killer, make_questions, run_clients, start_server

    server = start_server(TINY, 2, tmp_path, max_requests=0)
    try:
        questions = make_questions(TINY, 20_000)
        phase = run_clients(server, questions, clients=4, seconds=3.0, sample_every=0.2,
                            during=killer(server, at=1.0))
        events = phase.events
        assert "killed_pid" in events, "the worker was killed"
        assert server.wait_for_workers(2, deadline=time.monotonic() + 60,
                                       exclude=frozenset({events["killed_pid"]}))
        after = run_clients(server, questions[phase.questions_sent:], clients=4, seconds=1.0)
        pids = {p.pid for p in server.worker_processes()}
    finally:
        code = server.stop()
    assert len(pids) == 2 and events["killed_pid"] not in pids
    assert phase.latencies, "requests were answered around the kill"
    assert len(phase.errors) <= 4, phase.errors  # at most one request in flight per client
    assert after.latencies and after.errors == [], after.errors
    assert code == 0
    log = server.log.read_text()
    assert "Traceback" not in log and log.count("Booting worker") == 3
