"""``qa serve`` for real: gunicorn answers over HTTP, stops cleanly; bad starts fail in one line."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

QA = Path(sys.executable).with_name("qa")
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def qa_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QA_CORPUS", "QA_PIPELINE")}
    env["QA_CACHE_DIR"] = str(tmp_path / "cache")
    return env


@pytest.fixture
def server(tmp_path):
    """`qa serve` on a free port, waited for until /api/health answers, stopped with SIGTERM."""
    port = free_port()
    log = (tmp_path / "serve.log").open("w+")
    process = subprocess.Popen([str(QA), "serve", "--host", "127.0.0.1", "--port", str(port),
                                "--workers", "2"], env=qa_env(tmp_path), stdout=log,
                               stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        assert process.poll() is None, f"qa serve exited: {(tmp_path / 'serve.log').read_text()}"
        try:
            with urllib.request.urlopen(base + "/api/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        assert time.monotonic() < deadline, "qa serve did not answer /api/health within 60 s"
        time.sleep(0.25)
    yield base, process, tmp_path / "serve.log"
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    log.close()


@pytest.mark.slow
def test_serve_answers_over_http_and_logs_each_request(server):
    base, process, log = server
    request = urllib.request.Request(
        base + "/api/ask", data=json.dumps({"question": "When did Eitingon die?"}).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        body = json.load(response)
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert body["answer"]["text"] == "1981"
    with urllib.request.urlopen(base + "/?q=Who+killed+Trotsky%3F", timeout=10) as response:
        assert "mark class=\"ent" in response.read().decode()
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0
    text = log.read_text()
    assert '"POST /api/ask HTTP/1.1" 200' in text
    assert '"GET /?q=Who+killed+Trotsky%3F HTTP/1.1" 200' in text
    assert "Traceback" not in text


@pytest.mark.slow
def test_serve_cuts_off_a_chunked_body_over_the_limit(server):
    base, _, _ = server
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    chunks = (b"x" * 1024 for _ in range(40))
    connection.request("POST", "/api/ask", body=chunks, encode_chunked=True,
                       headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    assert response.status == 413
    assert response.getheader("Content-Type") == "application/problem+json"
    connection.close()


def run_qa(tmp_path, *args) -> subprocess.CompletedProcess:
    return subprocess.run([str(QA), *args], env=qa_env(tmp_path), capture_output=True, text=True,
                          timeout=120)


def assert_one_error_line(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for fragment in fragments:
        assert fragment in lines[0]


def test_serve_with_a_missing_corpus_fails_with_one_line(tmp_path):
    result = run_qa(tmp_path, "serve", "--corpus", "/nonexistent", "--port", str(free_port()))
    assert_one_error_line(result, "/nonexistent", "does not exist")


def test_serve_with_an_empty_corpus_folder_fails_with_one_line(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_qa(tmp_path, "serve", "--corpus", str(empty), "--port", str(free_port()))
    assert_one_error_line(result, "no .txt files")


def test_serve_on_a_busy_port_fails_with_one_line(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_qa(tmp_path, "serve", "--port", str(port))
    assert_one_error_line(result, f"127.0.0.1:{port}", "--port")


def test_serve_with_a_missing_pipeline_fails_with_one_line(tmp_path):
    env = qa_env(tmp_path) | {"QA_PIPELINE": "no_such_pipeline"}
    result = subprocess.run([str(QA), "serve", "--port", str(free_port())], env=env,
                            capture_output=True, text=True, timeout=120)
    assert_one_error_line(result, "no_such_pipeline")
