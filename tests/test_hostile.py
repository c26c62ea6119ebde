"""Hostile clients against a real ``qa serve`` on 127.0.0.1: slow, silent and malformed sockets, long runs,
links out of the corpus, Host reflection, template source. Every socket has a timeout: a starved
request fails the test instead of hanging it."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys

import pytest

from benchmarks.load import start_server

from .conftest import TINY

HOST = "127.0.0.1"
TIMEOUT = 15  # seconds any one socket operation may take before the test fails
QUESTION = "Who kept the lighthouse?"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """``qa serve`` (2 workers) over a corpus folder holding the tiny article and a link to /etc/passwd."""
    folder = tmp_path_factory.mktemp("hostile")
    corpus = folder / "corpus"
    corpus.mkdir()
    (corpus / "lighthouse.txt").write_bytes((TINY / "lighthouse.txt").read_bytes())
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    server = start_server(corpus, 2, folder)
    yield server
    assert server.stop() == 0


def connect(server) -> socket.socket:
    return socket.create_connection((HOST, server.port), timeout=TIMEOUT)


def ask(server, question: str = QUESTION) -> tuple[int, dict, dict]:
    connection = http.client.HTTPConnection(HOST, server.port, timeout=TIMEOUT)
    try:
        connection.request("POST", "/api/ask", json.dumps({"question": question}),
                           {"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), json.loads(response.read())
    finally:
        connection.close()


def raw(server, data: bytes) -> bytes:
    """Send ``data`` and read until the server closes the connection."""
    with connect(server) as s:
        s.sendall(data)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
    return out


def test_slow_and_silent_connections_leave_a_normal_client_answered(served):
    slow_headers, slow_bodies, silent = [], [], []
    try:
        for _ in range(40):  # more than a threaded worker's threads: these starved the service
            s = connect(served)
            s.sendall(b"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n")
            slow_headers.append(s)
        for _ in range(20):
            s = connect(served)
            s.sendall(b"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Content-Length: 1000\r\n\r\n{")
            slow_bodies.append(s)
        silent = [connect(served) for _ in range(200)]
        for s in slow_headers:
            s.sendall(b"X-Slow: 1\r\n")
        answers = [ask(served, f"{QUESTION} ({i})") for i in range(20)]
    finally:
        for s in slow_headers + slow_bodies + silent:
            s.close()
    assert [status for status, _, _ in answers] == [200] * 20
    assert all(body["passages"] for _, _, body in answers)


def test_the_server_lets_go_of_silent_and_slow_connections_by_itself(served):
    silent = connect(served)
    slow_body = connect(served)
    slow_body.sendall(b"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Content-Length: 1000\r\n\r\n{")
    with silent, slow_body:
        assert silent.recv(100) == b""  # closed after the keep-alive time, no answer owed
        answer = b""
        while chunk := slow_body.recv(65536):
            answer += chunk
    head, body = answer.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 408 ")
    assert b"Content-Type: application/problem+json" in head
    assert json.loads(body)["status"] == 408


def test_a_hostile_long_run_is_answered_from_the_real_words(served):
    status, _, body = ask(served, "Who kept the lighthouse? " + "\U0001F600" * 900)
    assert status == 200 and body["passages"]
    status, _, body = ask(served, "!?.,;:" * 166)
    assert status == 200 and body["passages"] == [] and "no searchable words" in body["no_answer_reason"]


def test_a_link_out_of_the_corpus_folder_is_not_served(served):
    connection = http.client.HTTPConnection(HOST, served.port, timeout=TIMEOUT)
    connection.request("GET", "/api/documents")
    documents = json.loads(connection.getresponse().read())["documents"]
    connection.request("GET", "/api/passages?limit=1000")
    passages = connection.getresponse().read().decode()
    connection.close()
    assert [d["name"] for d in documents] == ["lighthouse"]
    assert "root:" not in passages and "/bin/" not in passages
    log = served.log.read_text()
    assert "passwd.txt" in log and "outside the corpus folder" in log


def test_the_host_header_is_not_reflected_in_a_redirect(served):
    answer = raw(served, b"GET /static//app.js HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
    head = answer.split(b"\r\n\r\n", 1)[0].decode()
    assert head.startswith("HTTP/1.1 308 ")
    assert "\r\nLocation: /static/app.js\r\n" in head and "evil" not in head


@pytest.mark.parametrize(("path", "status"), [("/static/index.html", 404),
                                              ("/static/templates/index.html", 404),
                                              ("/static/app.js", 200), ("/static/style.css", 200)])
def test_templates_are_not_served_as_files(served, path, status):
    connection = http.client.HTTPConnection(HOST, served.port, timeout=TIMEOUT)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    assert response.status == status
    assert "{%" not in body and "{{" not in body


@pytest.mark.parametrize(("request_bytes", "status"), [
    (b"GET /api/ask?q=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    (b"GET /api/health HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"a" * 9000 + b"\r\n\r\n", 431),
    (b"GET /api/health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", 400),
    (b"G<T / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
])
def test_gunicorn_s_own_refusals_are_problems_with_the_security_headers(served, request_bytes, status):
    head, body = raw(served, request_bytes).split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    assert lines[0].startswith(f"HTTP/1.1 {status} ")
    assert headers["Content-Type"] == "application/problem+json"
    assert headers["X-Content-Type-Options"] == "nosniff" and "Content-Security-Policy" in headers
    problem = json.loads(body)
    assert problem["status"] == status and problem["detail"].endswith(".")
    assert "aaaa" not in problem["detail"] and "Bad Header" not in problem["detail"]


def test_answers_are_not_stored_by_caches(served):
    status, headers, _ = ask(served)
    assert status == 200 and headers["Cache-Control"] == "no-store"


def test_a_refused_body_is_not_drained_the_connection_is_closed(served):
    with connect(served) as s:
        s.sendall(b"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 100000\r\n\r\n{\"question\": ")
        answer = b""
        while chunk := s.recv(65536):  # ends only when the server closes the connection
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413 ")


def test_the_lag_sleeper_sees_an_event_loop_that_is_blocked():
    """Under gevent, CPU work that does not yield holds every greenlet back: the sleeper wakes late,
    and twice running is what counts as lag."""
    script = ("from gevent import monkey; monkey.patch_all()\n"
              "import time\nfrom qa.shed import Lag\n"
              "lag = Lag(); lag.start(); time.sleep(0.1)\n"
              "idle = lag.now()\n"
              "for _ in range(2):\n"
              "    t = time.monotonic()\n"
              "    while time.monotonic() - t < 0.5: pass\n"
              "    time.sleep(0.005)\n"
              "print(idle, lag.now())\n")
    env = {k: v for k, v in os.environ.items() if k != "QA_CORPUS"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                         env=env, check=True).stdout.split()
    idle, blocked = map(float, out)
    assert blocked >= 0.5 - 0.02 > idle  # late by at least the time the loop was held


def test_requests_are_answered_again_when_the_lag_is_gone():
    """The middleware turns requests away while the loop lags, and only then; health is exempt."""
    from werkzeug.test import Client

    from qa.shed import Shedder

    class Held:  # a loop held for 1 s (what test_the_lag_sleeper_... measures for real)
        value = 1.0

        def start(self):
            pass

        def now(self):
            return self.value

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"answered"]

    lag = Held()
    client = Client(Shedder(app, lag=lag))
    busy = client.post("/api/ask")
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "1"
    assert busy.headers["Content-Type"] == "application/problem+json"
    assert busy.json["type"].endswith("/busy") and "Content-Security-Policy" in busy.headers
    assert client.get("/api/health").status_code == 200
    page = client.get("/?q=x")
    assert page.status_code == 503 and page.headers["Content-Type"].startswith("text/html")
    lag.value = 0.0
    assert client.post("/api/ask").get_data() == b"answered"
