"""Hostile clients against a real ``qa serve``: slow and silent sockets, overload, new-word memory, long runs.

    python -m benchmarks.hostile [--seconds 30] [--overload-seconds 20] [--memory-questions 50000]

Starts ``qa serve`` itself (2 workers, 127.0.0.1, its own cache folder) and runs, each bounded in time
and in count:

1. attack: a probe client asks one question after another, first alone, then while 40 connections
   send a request's headers one line every 5 s and 300 connect and send nothing (each reopened when
   the server closes it): the probe's p50/p99 and failures beside the same probe with no attack;
2. overload: 400 concurrent keep-alive clients (a client told 503 waits its Retry-After): answered
   p50/p99, the share of 503s and how fast they came, and how long after the load stops the service
   answers a probe normally again;
3. memory: with workers never replaced (QA_MAX_REQUESTS=0), 50,000 distinct questions of words nobody
   used before, in several scripts: each worker's RSS beside the questions asked;
4. long runs (in-process): what a 1,000-character question without spaces costs.

Writes benchmarks/results/hostile.json. Clients and server share this machine's cores.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import random
import selectors
import socket
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from .load import CORPUS, HOST, Server, make_questions, start_server
from .timing import percentile

RESULTS = Path(__file__).resolve().parent / "results" / "hostile.json"
PROBE_TIMEOUT = 10.0
PROBE_PAUSE = 0.02  # seconds between two probe questions: the probe measures, it does not load
SLOW_INTERVAL = 5.0  # a slow client sends one header line this often
MAX_CONNECTS = 200_000  # the attacker's bound on (re)connections, whatever the duration
MAX_REQUESTS_PER_CLIENT = 100_000
OVERLOAD_TIMEOUT = 10.0
MAX_RETRY_AFTER = 2.0
NORMAL_MS = 100.0  # a probe answered within this counts as "answered normally"
RECOVERY_WINDOW = 10.0
SCRIPTS = {  # alphabets for words nobody asked about before
    "latin": "abcdefghijklmnopqrstuvwxyz",
    "cyrillic": "абвгдежзийклмнопрстуфхцчшщыэюя",
    "greek": "αβγδεζηθικλμνξοπρστυφχψω",
    "arabic": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "devanagari": "कखगघचछजझटठडढणतथदधनपफबभमयरलवशसह",
    "cjk": "".join(chr(c) for c in range(0x4E00, 0x4E00 + 400)),
}
HOSTILE = {
    "punctuation run": "!?.,;:" * 166 + "!?.,",
    "emoji run": "😀" * 1000,
    "mixed run": ("(a)" + "'s" + "-" + "…") * 142 + "(a)",
    "letters run": "x" * 1000,
}


def ms(values: list[float]) -> dict:
    v = [s * 1000 for s in values] or [0.0]
    return {"n": len(values), "p50": round(percentile(v, 0.5), 2), "p99": round(percentile(v, 0.99), 2),
            "max": round(max(v), 2)}


def post(connection: http.client.HTTPConnection, question: str) -> tuple[int, dict]:
    body = json.dumps({"question": question, "top_k": 3})
    connection.request("POST", "/api/ask", body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    return response.status, dict(response.getheaders())


# --- 1. slow and silent sockets ----------------------------------------------------------------

def probe(port: int, seconds: float, questions: list[str]) -> dict:
    """One client asking question after question for ``seconds``: latencies and failures."""
    latencies, failures = [], {}
    deadline = time.monotonic() + seconds
    connection = None
    for i in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= deadline:
            break
        connection = connection or http.client.HTTPConnection(HOST, port, timeout=PROBE_TIMEOUT)
        t0 = time.perf_counter()
        try:
            status, _ = post(connection, questions[i % len(questions)])
        except (OSError, http.client.HTTPException) as exc:
            failures[type(exc).__name__] = failures.get(type(exc).__name__, 0) + 1
            connection.close()
            connection = None
            continue
        if status == 200:
            latencies.append(time.perf_counter() - t0)
        else:
            failures[f"HTTP {status}"] = failures.get(f"HTTP {status}", 0) + 1
        time.sleep(PROBE_PAUSE)
    if connection:
        connection.close()
    return {**ms(latencies), "failures": failures}


class Attacker(threading.Thread):
    """``slow`` connections sending header lines every SLOW_INTERVAL and ``silent`` ones sending nothing,
    each reopened when the server closes it, from one thread with a selector, until ``seconds`` pass."""

    def __init__(self, port: int, slow: int, silent: int, seconds: float, body: bool = False):
        super().__init__(daemon=True)
        self.port, self.slow, self.silent, self.seconds, self.body = port, slow, silent, seconds, body
        self.connects = self.closed_by_server = self.connect_failures = 0
        self.stop_event = threading.Event()

    def _open(self, selector, kind: str) -> None:
        if self.connects >= MAX_CONNECTS:
            return
        self.connects += 1
        sock = socket.socket()
        sock.settimeout(2)
        try:
            sock.connect((HOST, self.port))
        except OSError:
            self.connect_failures += 1
            sock.close()
            return
        sock.setblocking(False)
        state = {"kind": kind, "due": time.monotonic(), "lines": 0}
        selector.register(sock, selectors.EVENT_READ, state)

    def _send(self, sock, state) -> bool:
        if state["lines"] == 0:
            head = (f"POST /api/ask HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
                    + ("Content-Length: 100000\r\n\r\n" if self.body else ""))
            data = head.encode()
        else:
            data = b"{" if self.body else f"X-Slow-{state['lines']}: 1\r\n".encode()
        try:
            sock.send(data)
        except OSError:
            return False
        state["lines"] += 1
        state["due"] = time.monotonic() + SLOW_INTERVAL
        return True

    def run(self) -> None:
        selector = selectors.DefaultSelector()
        deadline = time.monotonic() + self.seconds
        for kind, n in (("slow", self.slow), ("silent", self.silent)):
            for _ in range(n):
                self._open(selector, kind)
        while time.monotonic() < deadline and not self.stop_event.is_set():
            for key, _ in selector.select(timeout=0.1):
                with contextlib.suppress(OSError):
                    key.fileobj.recv(65536)
                self.closed_by_server += 1  # an answer or a close: either way the server let go
                selector.unregister(key.fileobj)
                key.fileobj.close()
                self._open(selector, key.data["kind"])
            now = time.monotonic()
            for key in list(selector.get_map().values()):
                state = key.data
                if state["kind"] == "slow" and state["due"] <= now and not self._send(key.fileobj, state):
                    selector.unregister(key.fileobj)
                    key.fileobj.close()
                    self._open(selector, "slow")
        for key in list(selector.get_map().values()):
            key.fileobj.close()
        selector.close()


def attack_run(server: Server, questions: list[str], seconds: float, slow: int, silent: int,
               body: bool = False) -> dict:
    alone = probe(server.port, seconds, questions)
    attacker = Attacker(server.port, slow, silent, seconds + 2, body)
    attacker.start()
    time.sleep(2)  # every attacking socket is open before the probe starts
    attacked = probe(server.port, seconds, questions[::-1])
    attacker.stop_event.set()
    attacker.join(timeout=30)
    return {"slow_connections": slow, "silent_connections": silent,
            "slow_part": "body" if body else "headers",
            "seconds": seconds, "probe_alone_ms": alone, "probe_attacked_ms": attacked,
            "attacker": {"connects": attacker.connects, "closed_by_server": attacker.closed_by_server,
                         "connect_failures": attacker.connect_failures}}


# --- 2. overload ----------------------------------------------------------------------------------

def overload_run(server: Server, questions: list[str], clients: int, seconds: float) -> dict:
    """``clients`` closed-loop clients for ``seconds``, then the time until a probe is answered normally."""
    answered, busy, failures = [], [], {}
    retry_after = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def work(slot: int) -> None:
        mine_ok, mine_busy, mine_fail, mine_retry = [], [], {}, []
        connection = None
        for i in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= deadline:
                break
            connection = connection or http.client.HTTPConnection(HOST, server.port, timeout=OVERLOAD_TIMEOUT)
            t0 = time.perf_counter()
            try:
                status, headers = post(connection, questions[(slot * 7919 + i) % len(questions)])
            except (OSError, http.client.HTTPException) as exc:
                mine_fail[type(exc).__name__] = mine_fail.get(type(exc).__name__, 0) + 1
                connection.close()
                connection = None
                continue
            took = time.perf_counter() - t0
            if status == 200:
                mine_ok.append(took)
            elif status == 503:
                mine_busy.append(took)
                wait = headers.get("Retry-After", "")
                mine_retry.append(wait)
                time.sleep(min(float(wait) if wait.isdigit() else 1.0, MAX_RETRY_AFTER,
                               max(0.0, deadline - time.monotonic())))
            else:
                mine_fail[f"HTTP {status}"] = mine_fail.get(f"HTTP {status}", 0) + 1
        if connection:
            connection.close()
        with lock:
            answered.extend(mine_ok)
            busy.extend(mine_busy)
            retry_after.extend(mine_retry)
            for k, v in mine_fail.items():
                failures[k] = failures.get(k, 0) + v

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    time.sleep(max(0.0, deadline - time.monotonic()))
    stopped = time.monotonic()
    recovery, first = None, None
    connection = None
    while time.monotonic() - stopped < RECOVERY_WINDOW:
        connection = connection or http.client.HTTPConnection(HOST, server.port, timeout=PROBE_TIMEOUT)
        t0 = time.perf_counter()
        try:
            status, _ = post(connection, "When did Eitingon die?")
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = None
            continue
        took = (time.perf_counter() - t0) * 1000
        if status == 200 and first is None:
            first = round(time.monotonic() - stopped, 3)
        if status == 200 and took < NORMAL_MS:
            recovery = round(time.monotonic() - stopped, 3)
            break
        time.sleep(0.01)
    if connection:
        connection.close()
    for t in threads:
        t.join(timeout=OVERLOAD_TIMEOUT + MAX_RETRY_AFTER + 5)
    total = len(answered) + len(busy) + sum(failures.values())
    return {"clients": clients, "seconds": seconds, "requests": total, "answered_ms": ms(answered),
            "busy_503": len(busy), "busy_share": round(len(busy) / total, 3) if total else 0.0,
            "busy_ms": ms(busy), "retry_after_values": sorted(set(retry_after)), "failures": failures,
            "first_answer_after_stop_s": first, "normal_answer_after_stop_s": recovery}


# --- 3. memory ------------------------------------------------------------------------------------

def new_word_questions(count: int, seed: int = 1) -> list[str]:
    """``count`` distinct questions, each of 2-3 invented words in one of several scripts."""
    rng = random.Random(seed)
    alphabets = list(SCRIPTS.values())
    out: dict[str, None] = {}
    while len(out) < count:
        letters = rng.choice(alphabets)
        words = ["".join(rng.choice(letters) for _ in range(rng.randint(5, 12))) for _ in range(3)]
        template = rng.choice(["Who was {} {}?", "When did {} meet {} in {}?", "Where is the {} of {}?"])
        out.setdefault(template.format(*words), None)
    return list(out)


def memory_run(server: Server, questions: list[str], clients: int = 4, points: int = 11) -> dict:
    """Ask every question once (``clients`` keep-alive clients); RSS of each worker along the way."""
    step = max(1, len(questions) // (points - 1))
    series = [{"asked": 0, "rss_mib": rss(server)}]
    failures = 0
    for start in range(0, len(questions), step):
        chunk = questions[start:start + step]
        failures += ask_all(server.port, chunk, clients)
        series.append({"asked": start + len(chunk), "rss_mib": rss(server)})
    first_few = next((s for s in series if s["asked"] >= 5000), series[0])
    growth = {pid: round(series[-1]["rss_mib"][pid] - first_few["rss_mib"].get(pid, 0.0), 2)
              for pid in series[-1]["rss_mib"]}
    return {"questions": len(questions), "failures": failures, "series": series,
            "growth_after_first_5000_mib": growth}


def rss(server: Server) -> dict[str, float]:
    return {str(pid): m["rss_mib"] for pid, m in server.memory().items()}


def ask_all(port: int, questions: list[str], clients: int) -> int:
    failures = [0] * clients

    def work(slot: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=PROBE_TIMEOUT)
        for q in questions[slot::clients]:
            try:
                status, _ = post(connection, q)
                failures[slot] += status != 200
            except (OSError, http.client.HTTPException):
                failures[slot] += 1
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=PROBE_TIMEOUT)
        connection.close()

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    return sum(failures)


# --- 4. long runs ---------------------------------------------------------------------------------

def long_runs(repeat: int = 5) -> dict:
    """In-process CPU time of the question's terms for each hostile 1,000-character question."""
    from qa.engine import Engine

    engine = Engine.from_corpus(CORPUS / "article.txt")
    out = {}
    for name, text in {"normal question": "When did Eitingon die?", **HOSTILE}.items():
        times = []
        for i in range(repeat):
            question = text[:-1] + chr(0x41 + i) if i else text  # a new string each time: no cache hit
            t0 = time.process_time()
            engine.question_terms(question)
            times.append(time.process_time() - t0)
        out[name] = {"chars": len(text), "cpu_ms_median": round(sorted(times)[len(times) // 2] * 1000, 2)}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each attack probe")
    parser.add_argument("--overload-seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=400, help="overload clients")
    parser.add_argument("--memory-questions", type=int, default=50_000)
    parser.add_argument("--only", choices=["attack", "overload", "memory", "long"], action="append")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    only = set(args.only or ["attack", "overload", "memory", "long"])

    questions = make_questions(CORPUS, 20_000)
    result: dict = {"date": datetime.now(UTC).isoformat(timespec="seconds"),
                    "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                "platform": platform.platform()}}
    with tempfile.TemporaryDirectory(prefix="qa-hostile-") as folder:
        if only & {"attack", "overload", "memory"}:
            server = start_server(CORPUS, 2, Path(folder), max_requests=0)
            try:
                if "attack" in only:
                    print("attack: slow headers + silent", file=sys.stderr)
                    result["attack"] = attack_run(server, questions, args.seconds, 40, 300)
                    print(json.dumps(result["attack"]), file=sys.stderr)
                if "overload" in only:
                    print(f"overload: {args.clients} clients", file=sys.stderr)
                    result["overload"] = overload_run(server, questions, args.clients, args.overload_seconds)
                    print(json.dumps(result["overload"]), file=sys.stderr)
                if "memory" in only:
                    print(f"memory: {args.memory_questions} new-word questions", file=sys.stderr)
                    result["memory"] = memory_run(server, new_word_questions(args.memory_questions))
                    print(json.dumps(result["memory"]), file=sys.stderr)
                result["server_log_tail"] = server.log.read_text()[-1500:].splitlines()[-8:]
            finally:
                result["server_exit_code"] = server.stop()
    if "long" in only:
        result["long_runs"] = long_runs()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "server_log_tail"}, indent=2,
                     ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
