"""POST /api/ask under gunicorn (qa serve's settings) next to a bare Flask endpoint, same run.

Load comes from wrk when it is installed (``apt-get install wrk``), else from a Python client of
keep-alive threads; either is bounded in time. Servers listen on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .latency import ARTICLE, ROOT, questions
from .timing import percentile

HOST = "127.0.0.1"
WORKERS = 2
CONNECTIONS = 4
BAR_RATIO = 0.5
TINY_BODY = {"question": "fixed", "answer": None, "no_answer_reason": "fixed", "passages": []}


def bare_app(body: dict):
    """A Flask app whose POST /api/ask returns a fixed JSON body: the framework's own cost."""
    from flask import Flask

    app = Flask("bare")

    @app.post("/api/ask")
    def ask():
        return body

    return app


def serve(kind: str, port: int, body: str | None = None) -> None:
    """Run qa's app, or a bare one answering ``body`` (a JSON file), as ``qa serve`` runs it."""
    from qa.service.server import Server, options, patch
    from qa.service.shed import Shedder

    if kind == "qa":
        from qa.engine import Engine
        from qa.service.app import create_app

        engine = Engine.from_corpus(ARTICLE)
        patch()
        app = create_app({"QA_CORPUS": str(ARTICLE)}, engine=engine)
    else:
        patch()
        app = bare_app(json.loads(Path(body).read_text(encoding="utf-8")) if body else TINY_BODY)
    Server(Shedder(app), options(HOST, port, WORKERS)).run()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def post(port: int, body: bytes, timeout: float = 5.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("POST", "/api/ask", body, {"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class Running:
    """A server subprocess started for one measurement and stopped (by its own pid) afterwards."""

    def __init__(self, kind: str, body: str | None = None, startup_s: float = 120.0):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.http", "--serve", kind, "--port", str(self.port)]
            + (["--body", body] if body else []),
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + startup_s
        while True:
            try:
                status, _ = post(self.port, b'{"question": "Who was Eitingon?"}')
                if status == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the {kind} server did not start on port {self.port}")
            time.sleep(0.2)

    def workers_memory(self) -> list[dict]:
        """RSS and unique set size of each worker process, in MiB."""
        import psutil

        out = []
        for child in psutil.Process(self.proc.pid).children():
            info = child.memory_full_info()
            out.append({"rss_mib": info.rss / 2**20, "uss_mib": info.uss / 2**20})
        return out

    def cpu_seconds(self) -> dict[int, float]:
        """CPU time used so far by each process of the server: its master and its workers."""
        import psutil

        master = psutil.Process(self.proc.pid)
        return {p.pid: sum(p.cpu_times()[:2]) for p in [master, *master.children()]}

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def bodies() -> list[bytes]:
    return [json.dumps({"question": q, "top_k": 3}, ensure_ascii=False).encode()
            for q in questions()]


def typical_answer(port: int) -> bytes:
    """The answer of median size among the load's questions: the bare app's fixed body, so that it
    serialises and sends as many bytes as ours on average (the first question's answer is 2.6 KB
    where the median is 3.5 KB: bare Flask's JSON cost 12 us a request less than with a typical one)."""
    answers = []
    for body in bodies():
        status, answer = post(port, body)
        if status != 200:
            raise RuntimeError(f"the qa server answered {status} to {body!r}")
        answers.append(answer)
    return sorted(answers, key=len)[len(answers) // 2]


def load_wrk(port: int, seconds: float) -> dict:
    """wrk with one thread (the other core serves), a Lua script cycling through the questions."""
    entries = ",\n".join(f"[==[{b.decode()}]==]" for b in bodies())
    script = ("local bodies = {\n" + entries + "\n}\nlocal i = 0\n"
              "request = function()\n  i = i % #bodies + 1\n"
              '  return wrk.format("POST", "/api/ask", {["Content-Type"] = "application/json"},'
              " bodies[i])\nend\n")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s", "--latency",
             "-s", f.name, f"http://{HOST}:{port}/api/ask"],
            capture_output=True, text=True, timeout=seconds + 30, check=True).stdout
    finally:
        Path(f.name).unlink()
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad or "Socket errors" in out:
        raise RuntimeError(f"wrk saw failed requests:\n{out}")

    def ms(label: str) -> float:
        value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]

    return {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": ms("50%"), "p99_ms": ms("99%"),
            "requests": int(re.search(r"(\d+) requests in", out).group(1))}


def load_python(port: int, seconds: float, max_requests: int = 200_000) -> dict:
    """Threads of http.client connections (reopened when the server closes them)."""
    payloads = bodies()
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        mine, i = [], offset
        while time.perf_counter() < deadline and len(latencies) + len(mine) < max_requests:
            started = time.perf_counter()
            conn.request("POST", "/api/ask", payloads[i % len(payloads)],
                         {"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                failures.append(response.status)
            if response.will_close:
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=10)
            i += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(CONNECTIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed, e.g. status {failures[0]}")
    return {"requests_per_s": len(latencies) / elapsed, "p50_ms": percentile(latencies, .5) * 1e3,
            "p99_ms": percentile(latencies, .99) * 1e3, "requests": len(latencies)}


def run(quick: bool = False) -> dict:
    """All servers up at once, loaded in turn for a few rounds; the median of per-round ratios.

    "bare" answers with a fixed copy of a real answer (of median size among ours), "tiny" with a
    76-byte body: the framework's cost with and without serialising an answer-sized body. The
    order alternates between rounds; the servers' CPU time per request is measured too, since
    requests/s on a machine shared with other work drift with that work, CPU costs much less.
    """
    load = load_wrk if shutil.which("wrk") else load_python
    seconds, rounds = (2.0, 1) if quick else (4.0, 6)
    servers: dict[str, Running] = {}
    with tempfile.TemporaryDirectory() as tmp:
        try:
            servers["qa"] = Running("qa")
            answer = typical_answer(servers["qa"].port)
            body = Path(tmp) / "answer.json"
            body.write_bytes(answer)
            servers["bare"] = Running("bare", str(body))
            servers["tiny"] = Running("bare")
            for server in servers.values():
                load(server.port, 1.0)
            runs: dict[str, list[dict]] = {kind: [] for kind in servers}
            for i in range(rounds):
                for kind in list(servers)[:: 1 if i % 2 == 0 else -1]:
                    before = servers[kind].cpu_seconds()
                    figures = load(servers[kind].port, seconds)
                    cpu = sum(t - before.get(pid, 0.0)
                              for pid, t in servers[kind].cpu_seconds().items())
                    figures["server_cpu_ms_per_request"] = cpu * 1e3 / figures["requests"]
                    runs[kind].append(figures)
            memory = servers["qa"].workers_memory()
        finally:
            for server in servers.values():
                server.stop()

    def ratios(baseline: str, key: str = "requests_per_s") -> list[float]:
        if key != "requests_per_s":  # a cost: the cheaper the faster
            return [b[key] / q[key] for b, q in zip(runs[baseline], runs["qa"], strict=True)]
        return [q[key] / b[key] for b, q in zip(runs[baseline], runs["qa"], strict=True)]

    result = {"client": "wrk" if load is load_wrk else "python threads", "workers": WORKERS,
              "connections": CONNECTIONS, "seconds": seconds, "rounds": runs,
              "answer_bytes": len(answer), "round_ratios": ratios("bare"),
              "throughput_ratio": statistics.median(ratios("bare")),
              "throughput_ratio_tiny": statistics.median(ratios("tiny")),
              "cpu_ratio": statistics.median(ratios("bare", "server_cpu_ms_per_request")),
              "cpu_ratio_tiny": statistics.median(ratios("tiny", "server_cpu_ms_per_request")),
              "qa_worker_memory": memory}
    for kind in runs:
        result[kind] = {k: statistics.median(r[k] for r in runs[kind])
                        for k in ("requests_per_s", "p50_ms", "p99_ms",
                                  "server_cpu_ms_per_request")}
    return result


def rows(r: dict) -> list[dict]:
    q, b, t = r["qa"], r["bare"], r["tiny"]
    return [{"bar": f"2. HTTP POST /api/ask, gunicorn {r['workers']} workers ({r['client']}, "
                    f"{r['connections']} connections)",
             "ours": f"{q['requests_per_s']:.0f} req/s, p50 {q['p50_ms']:.2f} ms, "
                     f"p99 {q['p99_ms']:.2f} ms; server CPU "
                     f"{q['server_cpu_ms_per_request']:.2f} ms/request",
             "baseline": f"bare Flask, fixed {r['answer_bytes']}-byte answer: "
                         f"{b['requests_per_s']:.0f} req/s, p50 {b['p50_ms']:.2f} ms, CPU "
                         f"{b['server_cpu_ms_per_request']:.2f} ms/request (76-byte body: "
                         f"{t['requests_per_s']:.0f} req/s, {t['server_cpu_ms_per_request']:.2f}"
                         " ms)",
             "ratio": f"{r['throughput_ratio']:.2f}x throughput, {r['cpu_ratio']:.2f}x by CPU "
                      f"cost ({r['throughput_ratio_tiny']:.2f}x, {r['cpu_ratio_tiny']:.2f}x)",
             "target": f">= {BAR_RATIO:g}x", "met": r["throughput_ratio"] >= BAR_RATIO}]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="serve one app for the HTTP benchmark")
    parser.add_argument("--serve", choices=("qa", "bare"), required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--body", help="a JSON file the bare app answers with")
    args = parser.parse_args()
    serve(args.serve, args.port, args.body)
