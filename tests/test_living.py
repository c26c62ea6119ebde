"""A living corpus for real: `qa serve` over a folder, articles added, replaced and removed over HTTP
while two gevent workers answer; every worker answers from a change within 2 s, no request fails."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import TINY, tiny_copy
from .test_server import QA, free_port, qa_env

pytestmark = pytest.mark.slow

TOKEN = "s3cret-" + "k" * 24
PLAIN = "text/plain; charset=utf-8"
FOX = "The Fox\n\nHabitat\n\nThe red fox Vulpes was born in Kent in 1990.\nIt hunted voles at night.\n"
FOX_2 = "The Fox\n\nThe red fox Vulpes was born in Sussex in 1991.\n"
SWAP_SECONDS = 2.0
STARTUP_SECONDS = 90


class Server:
    """`qa serve --corpus FOLDER --workers 2` on a free port, with or without the admin token."""

    def __init__(self, tmp_path: Path, corpus: Path, token: str | None = TOKEN, workers: int = 2):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tmp_path / f"serve-{self.port}.log"
        env = qa_env(tmp_path) | {"QA_MAX_REQUESTS": "0"}
        env.pop("QA_ADMIN_TOKEN", None)
        if token:
            env["QA_ADMIN_TOKEN"] = token
        self._log = self.log.open("w+")
        self.process = subprocess.Popen([str(QA), "-v", "serve", "--host", "127.0.0.1", "--port",
                                         str(self.port), "--workers", str(workers), "--corpus",
                                         str(corpus)], env=env, stdout=self._log,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert self.process.poll() is None, f"qa serve exited: {self.log.read_text()}"
            try:
                if self.request("GET", "/api/health")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "qa serve did not start"
            time.sleep(0.25)

    def request(self, method: str, path: str, body: bytes | str | None = None,
                headers: dict | None = None) -> tuple[int, dict, object]:
        """(status, headers, JSON body or None) over a new connection, so workers take turns."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            data = body.encode() if isinstance(body, str) else body
            connection.request(method, path, body=data, headers=headers or {})
            response = connection.getresponse()
            raw = response.read()
            return response.status, dict(response.getheaders()), json.loads(raw) if raw else None
        finally:
            connection.close()

    def put(self, name: str, text: str | bytes, token: str | None = TOKEN,
            content_type: str = PLAIN) -> tuple[int, dict, object]:
        headers = {"Content-Type": content_type}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.request("PUT", f"/api/documents/{name}", text, headers)

    def delete(self, name: str, token: str | None = TOKEN) -> tuple[int, dict, object]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.request("DELETE", f"/api/documents/{name}", None, headers)

    def names(self) -> list[str]:
        return [d["name"] for d in self.request("GET", "/api/documents")[2]["documents"]]

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.process.returncode


def every_worker_within(server: Server, seconds: float, check) -> float:
    """Wait out the contract's ``seconds`` after a 2xx, then 30 answers in a row (new connections,
    so from both workers) must pass ``check``; returns how long until the first one did."""
    started = time.monotonic()
    first = None
    while time.monotonic() - started < seconds:
        if first is None and check():
            first = time.monotonic() - started
        time.sleep(0.05)
    failed = [i for i in range(30) if not check()]
    assert failed == [], f"{len(failed)} of 30 answers {seconds} s after the change were from before it"
    return first if first is not None else seconds


@pytest.fixture
def folder(tmp_path):
    return tiny_copy(tmp_path)


@pytest.fixture
def server(tmp_path, folder):
    s = Server(tmp_path, folder)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One server for the tests whose refused requests leave the corpus as it was."""
    tmp = tmp_path_factory.mktemp("shared")
    d = tiny_copy(tmp)
    s = Server(tmp, d)
    s.folder = d
    yield s
    s.stop()


def asks_fox(server: Server, place: str) -> bool:
    status, _, body = server.request("GET", "/api/ask?q=Where+was+the+fox+born%3F&document=fox")
    return status == 200 and place in body["passages"][0]["text"]


def test_add_replace_and_remove_reach_every_worker_without_a_failed_request(server, folder):
    failures: list = []
    stop = threading.Event()

    def load():
        while not stop.is_set():
            status, _, _ = server.request("GET", "/api/ask?q=Where+was+Keeper+born%3F")
            if status != 200:
                failures.append(status)

    threads = [threading.Thread(target=load) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        status, headers, body = server.put("fox", FOX)
        assert status == 201, body
        assert body == {"name": "fox", "title": "The Fox", "sections": ["Habitat"], "paragraphs": 2,
                        "passages": 2}
        assert (folder / "fox.txt").read_text(encoding="utf-8") == FOX
        every_worker_within(server, SWAP_SECONDS, lambda: asks_fox(server, "Kent"))

        status, _, body = server.put("fox", FOX_2)
        assert status == 200 and body["passages"] == 1
        every_worker_within(server, SWAP_SECONDS, lambda: asks_fox(server, "Sussex"))

        status, _, body = server.delete("fox")
        assert status == 204 and body is None
        assert not (folder / "fox.txt").exists()
        every_worker_within(server, SWAP_SECONDS, lambda: "fox" not in server.names())
        assert server.request("GET", "/api/ask?q=fox&document=fox")[0] == 404
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert failures == []
    assert server.stop() == 0
    assert "Traceback" not in server.log.read_text()


def test_passage_ids_stay_the_same_when_another_document_is_added(server):
    before = server.request("GET", "/api/passages?document=lighthouse")[2]["passages"]
    assert server.put("aardvark", "Aardvark\n\nThe aardvark digs burrows in Africa.\n")[0] == 201
    every_worker_within(server, SWAP_SECONDS, lambda: "aardvark" in server.names())
    after = server.request("GET", "/api/passages?document=lighthouse")[2]["passages"]
    assert [p["id"] for p in after] == [p["id"] for p in before] == \
        [f"lighthouse:{i}" for i in range(len(before))]
    assert server.request("GET", "/api/passages")[2]["passages"][0]["id"] == "aardvark:0"


@pytest.mark.parametrize("name, body, content_type, status, words", [
    (".hidden", FOX, PLAIN, 400, "not starting with '.'"),
    ("a%20b", FOX, PLAIN, 400, "letters, digits"),
    ("a/b", FOX, PLAIN, 400, "letters, digits"),
    ("x" * 101, FOX, PLAIN, 400, "1 to 100"),
    ("fox", b"\xff\xfe latin-1 \xe9", PLAIN, 400, "not UTF-8"),
    ("fox", "", PLAIN, 400, "is empty"),
    ("fox", "\n\n  \n", PLAIN, 400, "is empty"),
    ("fox", "Only a title\n\nHeading\n", PLAIN, 400, "no paragraphs"),
    ("fox", "Title\n\n... --- ...\n", PLAIN, 400, "no sentences"),
    ("fox", b"Title\n\nBinary\x00zero.", PLAIN, 400, "binary"),
    ("fox", FOX, "application/json", 415, "text/plain"),
    ("fox", FOX, "text/plain; charset=latin-1", 415, "charset=utf-8"),
], ids=["dot", "space", "slash", "long", "not-utf8", "empty", "blank", "no-paragraphs",
        "no-sentences", "binary", "json", "latin-1"])
def test_bad_names_and_bodies_are_refused_with_what_to_fix(shared, name, body, content_type, status,
                                                           words):
    got, headers, problem = shared.put(name, body, content_type=content_type)
    assert got == status, problem
    assert headers["Content-Type"] == "application/problem+json"
    assert words in problem["detail"]
    assert sorted(f.name for f in shared.folder.iterdir() if not f.name.startswith(".")) == ["lighthouse.txt"]


def test_an_article_over_the_size_limit_is_a_413_before_its_body_is_read(shared):
    from qa.corpus import MAX_FILE_BYTES

    connection = http.client.HTTPConnection("127.0.0.1", shared.port, timeout=30)
    connection.putrequest("PUT", "/api/documents/big")
    for name, value in (("Content-Type", PLAIN), ("Authorization", f"Bearer {TOKEN}"),
                        ("Content-Length", str(MAX_FILE_BYTES + 1))):
        connection.putheader(name, value)
    connection.endheaders(b"Big\n\n")
    response = connection.getresponse()
    problem = json.loads(response.read())
    connection.close()
    assert response.status == 413 and "over the 64 MiB limit" in problem["detail"]


def test_the_token_missing_or_wrong_is_a_401_asking_for_bearer(shared):
    for token in (None, "wrong", TOKEN + "x"):
        status, headers, problem = shared.put("fox", FOX, token=token)
        assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")
        assert "Authorization: Bearer" in problem["detail"]
        assert shared.delete("lighthouse", token=token)[0] == 401
    assert shared.names() == ["lighthouse"]


def test_removing_the_last_article_is_refused(shared):
    status, _, problem = shared.delete("lighthouse")
    assert status == 409 and "only article" in problem["detail"]
    assert shared.delete("nope")[0] == 404


def test_without_a_token_configured_writes_are_a_403_saying_how_to_enable_them(tmp_path, folder):
    server = Server(tmp_path, folder, token=None, workers=1)
    try:
        status, _, problem = server.put("fox", FOX)
        assert status == 403 and "QA_ADMIN_TOKEN" in problem["detail"]
        assert server.delete("lighthouse")[0] == 403
    finally:
        server.stop()


def test_a_single_file_corpus_is_read_only_and_says_so(tmp_path):
    server = Server(tmp_path, TINY / "lighthouse.txt", workers=1)
    try:
        status, _, problem = server.put("fox", FOX)
        assert status == 403 and "single file" in problem["detail"] and "--corpus" in problem["detail"]
    finally:
        server.stop()


def test_a_restart_serves_what_was_added_from_the_cache(server, tmp_path, folder):
    assert server.put("fox", FOX)[0] == 201
    assert server.delete("lighthouse")[0] == 204
    server.stop()
    again = Server(tmp_path, folder, workers=1)
    try:
        assert again.names() == ["fox"]
        assert asks_fox(again, "Kent")
    finally:
        again.stop()
    assert "parsed" not in again.log.read_text()


def test_concurrent_writers_to_one_name_are_serialised_and_the_last_complete_write_wins(server, folder):
    bodies = [f"The Fox\n\nThe fox number {i} was born in Kent.\n" + "It ran. " * (i * 50)
              for i in range(8)]
    results: list[int] = []
    threads = [threading.Thread(target=lambda b=b: results.append(server.put("fox", b)[0]))
               for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(results) == [200] * 7 + [201]
    stored = (folder / "fox.txt").read_text(encoding="utf-8")
    assert stored in bodies
    number = stored.split("number ")[1].split()[0]

    def answers_from_the_stored_one() -> bool:
        body = server.request("GET", "/api/passages?document=fox&limit=1")[2]
        return f"number {number} " in body["passages"][0]["text"]

    every_worker_within(server, SWAP_SECONDS, answers_from_the_stored_one)
    assert [f.name for f in folder.iterdir() if f.name.endswith(".tmp")] == []


def test_a_crash_between_writing_and_renaming_leaves_the_old_file_and_the_leftover_is_cleaned(
        tmp_path, folder):
    old = (folder / "lighthouse.txt").read_bytes()
    crash = ("import os, sys; from pathlib import Path; from qa import folder;"
             "os.replace = lambda *a: os._exit(9);"
             "folder.write(Path(sys.argv[1]), 'lighthouse', b'New\\n\\nHalf of a new article.')")
    result = subprocess.run([sys.executable, "-c", crash, str(folder)], env=os.environ.copy(),
                            timeout=60)
    assert result.returncode == 9
    assert (folder / "lighthouse.txt").read_bytes() == old
    [leftover] = [f for f in folder.iterdir() if f.name.endswith(".tmp")]
    assert leftover.name.startswith(".lighthouse.txt.")
    server = Server(tmp_path, folder, workers=1)
    try:
        assert server.names() == ["lighthouse"]
        assert not leftover.exists()
    finally:
        server.stop()
    assert "left by a write that did not finish" in server.log.read_text()


def test_qa_add_and_remove_change_a_running_server(server, tmp_path):
    article = tmp_path / "fox.txt"
    article.write_text(FOX, encoding="utf-8")
    env = qa_env(tmp_path) | {"QA_ADMIN_TOKEN": TOKEN}

    def qa(*args, **extra):
        return subprocess.run([str(QA), *args], env=env | extra, capture_output=True, text=True,
                              timeout=120)

    added = qa("add", str(article), "--name", "red_fox", "--url", server.base)
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "added red_fox ('The Fox'): 2 passages in 1 section(s)"
    every_worker_within(server, SWAP_SECONDS, lambda: "red_fox" in server.names())
    assert qa("add", str(article), "--name", "red_fox", "--url", server.base).stdout.startswith("replaced")
    wrong = qa("remove", "red_fox", "--url", server.base, QA_ADMIN_TOKEN="wrong")
    assert wrong.returncode == 1 and wrong.stderr.startswith("Error: 401: the admin token is wrong")
    removed = qa("remove", "red_fox", "--url", server.base)
    assert removed.returncode == 0 and removed.stdout.strip() == "removed red_fox"
    missing = qa("remove", "red_fox", "--url", server.base, QA_ADMIN_TOKEN="")
    assert missing.returncode == 1 and "QA_ADMIN_TOKEN" in missing.stderr
    bad = qa("add", str(article), "--name", ".x", "--url", server.base)
    assert bad.returncode == 1 and "--name" in bad.stderr
    down = qa("remove", "x", "--url", f"http://127.0.0.1:{free_port()}")
    assert down.returncode == 1 and "cannot reach" in down.stderr
    assert urllib.request.urlopen(server.base + "/api/health", timeout=5).status == 200
