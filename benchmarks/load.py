"""Load test of a real ``qa serve``: keep-alive clients ask thousands of distinct questions for a fixed time.

    python -m benchmarks.load [--seconds 30] [--clients 8] [--workers 2] [--kill-seconds 20]

Starts ``qa serve`` itself on a free 127.0.0.1 port with its own QA_CACHE_DIR (workers never
replaced, so their memory can be followed), then runs two phases, each bounded in time and count:

1. load: requests/s, p50/p90/p99/max latency, errors (must be 0), and each worker's RSS and USS
   sampled from start to end, over 10,000+ distinct questions (mind spaCy's growing StringStore);
2. kill: the same load, with one worker SIGKILLed midway: failed requests, the replacement worker,
   and whether every request after the replacement succeeded.

Writes benchmarks/results/load.json and stops the server. Clients and server share this machine's
cores, so the figures are those of the pair, not of the server alone.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import platform
import random
import re
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psutil

from .timing import percentile

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
OTHER_WORDS = ROOT / "corpus" / "generalisation"  # names the served corpus lacks: words spaCy never saw
RESULTS = Path(__file__).resolve().parent / "results" / "load.json"
QA = Path(sys.executable).with_name("qa")
STARTUP_SECONDS = 120
REQUEST_TIMEOUT = 30
MAX_REQUESTS_PER_CLIENT = 1_000_000
MiB = 2**20
TEMPLATES = [
    "Who was {name}?",
    "When did {name} meet {other}?",
    "Where did {name} live in {year}?",
    "What did {name} do in {year}?",
    "Why was {name} arrested in {year}?",
    "How many {noun} did {name} have in {year}?",
    "What is known about the {noun} of {name}?",
    "Did {name} work with {other} on the {noun}?",
    "Which {noun} was linked to {name}?",
    "What happened to {name} after {year}?",
    "Who paid {number} roubles to {name}?",
    "Was {name} in {place} with {other} in {year}?",
    "When was {name} {verb}?",
    "Who {verb} {name} in {place}?",
    "Where was the {noun} of {name} in {year}?",
    "How old was {name} when {other} was {verb}?",
]


# --- questions ------------------------------------------------------------------------------------

def vocabulary(corpus: Path) -> dict[str, list[str]]:
    """Names, nouns, verbs and places from the corpus's own text, plus names from another article."""
    files = sorted(corpus.glob("*.txt")) if corpus.is_dir() else [corpus]
    text = "\n".join(f.read_text(encoding="utf-8") for f in files)
    others = "\n".join(f.read_text(encoding="utf-8") for f in sorted(OTHER_WORDS.glob("*.txt")))
    lower = set(re.findall(r"\b[a-z]+\b", text))
    names = sorted({n for n in re.findall(r"\b[A-Z][a-z]{2,}(?: [A-Z][a-z]{2,})?\b", text)
                    if n.split()[0].lower() not in lower})  # "During" starts sentences, it names nothing
    words = sorted(w for w in lower if len(w) >= 5)
    return {
        "name": names,
        "other": names + sorted(set(re.findall(r"\b[A-Z][a-z]{3,}\b", others))),
        "noun": [w for w in words if not w.endswith(("ed", "ly"))],
        "verb": [w for w in words if w.endswith("ed")] or ["arrested"],
        "place": [n for n in names if " " not in n],
    }


def make_questions(corpus: Path, count: int, seed: int = 0) -> list[str]:
    """``count`` distinct questions: templates filled with corpus words, other names and numbers."""
    vocab = vocabulary(corpus)
    rng = random.Random(seed)
    seen: dict[str, None] = {}
    for _ in range(count * 20):
        if len(seen) >= count:
            break
        fill = {kind: rng.choice(words) for kind, words in vocab.items()}
        fill["year"] = str(rng.randint(1850, 2030))
        fill["number"] = str(rng.randint(1, 999_999))
        seen.setdefault(rng.choice(TEMPLATES).format(**fill), None)
    return list(seen)


# --- the server ------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A ``qa serve`` process (the gunicorn master) and its log."""

    process: subprocess.Popen
    port: int
    workers: int
    log: Path

    def worker_processes(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.process.pid).children()
        except psutil.NoSuchProcess:
            return []

    def memory(self) -> dict[int, dict[str, float]]:
        """RSS and USS (pages only this worker holds) of each worker, in MiB."""
        out = {}
        for p in self.worker_processes():
            try:
                info = p.memory_full_info()
            except psutil.Error:
                continue
            out[p.pid] = {"rss_mib": round(info.rss / MiB, 2), "uss_mib": round(info.uss / MiB, 2)}
        return out

    def wait_for_workers(self, count: int, deadline: float, exclude: frozenset[int] = frozenset()
                         ) -> bool:
        """Until ``count`` workers (none of ``exclude``) run and answer, or the deadline passes."""
        while time.monotonic() < deadline:
            pids = {p.pid for p in self.worker_processes()}
            if len(pids) >= count and not pids & exclude and healthy(self.port):
                return True
            time.sleep(0.1)
        return False

    def stop(self) -> int | None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        return self.process.returncode


def healthy(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection(HOST, port, timeout=5)
        connection.request("GET", "/api/health")
        ok = connection.getresponse().status == 200
        connection.close()
        return ok
    except OSError:
        return False


def start_server(corpus: Path, workers: int, folder: Path, max_requests: int = 0) -> Server:
    """``qa serve`` on a free port with a cache in ``folder``, once every worker answers."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("QA_CORPUS", "QA_PIPELINE")}
    env |= {"QA_CACHE_DIR": str(folder / "cache"), "QA_MAX_REQUESTS": str(max_requests)}
    log = folder / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen([str(QA), "serve", "--host", HOST, "--port", str(port),
                                    "--workers", str(workers), "--corpus", str(corpus)],
                                   env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(process, port, workers, log)
    if not server.wait_for_workers(workers, time.monotonic() + STARTUP_SECONDS):
        server.stop()
        raise RuntimeError(f"qa serve did not start: {log.read_text()[-2000:]}")
    return server


def kill_one_worker(server: Server) -> int:
    victim = server.worker_processes()[0].pid
    os.kill(victim, signal.SIGKILL)
    return victim


# --- the clients -----------------------------------------------------------------------------------

class Client:
    """One keep-alive connection; like urllib3, a connection the server closed while idle is renewed."""

    def __init__(self, port: int):
        self.port = port
        self.connection: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        c = self.connection
        if c is not None and c.sock is not None and select.select([c.sock], [], [], 0)[0]:
            c.close()  # readable while idle: the server closed it (or a worker died)
            c = None
        if c is None:
            c = self.connection = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        return c

    def ask(self, question: str) -> str | None:
        """POST the question; None when answered correctly, else what went wrong."""
        body = json.dumps({"question": question, "top_k": 3})
        try:
            connection = self._connection()
            connection.request("POST", "/api/ask", body, {"Content-Type": "application/json"})
            response = connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            return type(exc).__name__
        if response.status != 200:
            return f"HTTP {response.status}"
        try:
            if json.loads(data)["question"] != question:
                return "answer to another question"
        except (ValueError, KeyError):
            return "invalid JSON"
        return None

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


@dataclass
class Phase:
    """What one run of the clients saw."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: list[tuple[float, str]] = field(default_factory=list)  # (seconds into the phase, what)
    questions_sent: int = 0
    memory: list[dict] = field(default_factory=list)
    events: dict = field(default_factory=dict)

    def summary(self, distinct: int) -> dict:
        n = len(self.latencies)
        ms = [s * 1000 for s in self.latencies] or [0.0]
        kinds: dict[str, int] = {}
        for _, what in self.errors:
            kinds[what] = kinds.get(what, 0) + 1
        return {
            "seconds": round(self.seconds, 2), "requests": n + len(self.errors), "answered": n,
            "errors": len(self.errors), "error_kinds": kinds,
            "distinct_questions": min(self.questions_sent, distinct),
            "requests_per_s": round(n / self.seconds, 1) if self.seconds else 0.0,
            "latency_ms": {"p50": round(percentile(ms, 0.5), 2), "p90": round(percentile(ms, 0.9), 2),
                           "p99": round(percentile(ms, 0.99), 2), "max": round(max(ms), 2)},
        }


def run_clients(server: Server, questions: list[str], clients: int, seconds: float,
                during=None, sample_every: float = 1.0) -> Phase:
    """``clients`` threads ask the next unasked question until ``seconds`` pass; memory is sampled.

    ``during(phase, started)`` runs in the sampling thread once per sample (e.g. to kill a worker).
    """
    phase = Phase()
    counter = itertools.count()
    sent = [0] * clients  # one slot per client: read by the sampler without a lock
    lock = threading.Lock()
    started = time.monotonic()
    deadline = started + seconds

    def work(slot: int) -> None:
        client = Client(server.port)
        latencies, errors = [], []
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= deadline:
                break
            i = next(counter)
            sent[slot] += 1
            question = questions[i % len(questions)]
            t0 = time.perf_counter()
            error = client.ask(question)
            if error is None:
                latencies.append(time.perf_counter() - t0)
            else:
                errors.append((time.monotonic() - started, error))
        client.close()
        with lock:
            phase.latencies.extend(latencies)
            phase.errors.extend(errors)

    def sample() -> None:
        while True:
            phase.memory.append({"t": round(time.monotonic() - started, 2), "asked": sum(sent),
                                 "workers": server.memory()})
            if time.monotonic() >= deadline:
                break
            if during:
                during(phase, started)
            time.sleep(min(sample_every, max(0.0, deadline - time.monotonic())))

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(clients)]
    sampler = threading.Thread(target=sample, daemon=True)
    for t in [*threads, sampler]:
        t.start()
    for t in [*threads, sampler]:
        t.join(timeout=seconds + REQUEST_TIMEOUT + 30)
    phase.seconds = time.monotonic() - started
    phase.questions_sent = next(counter)
    return phase


def memory_report(phase: Phase, points: int = 11) -> dict:
    """Per-worker RSS/USS at the first sample, halfway and at the end, growth over the second half,
    and the workers' RSS at ``points`` evenly spaced samples beside the questions asked by then."""
    samples = [s for s in phase.memory if s["workers"]]
    if not samples:
        return {}
    picks = sorted({round(i * (len(samples) - 1) / (points - 1)) for i in range(points)})
    series = [{"t": samples[i]["t"], "asked": samples[i]["asked"],
               "rss_mib": {str(pid): m["rss_mib"] for pid, m in samples[i]["workers"].items()}}
              for i in picks]
    first, middle, last = samples[0], samples[len(samples) // 2], samples[-1]
    out = {}
    for pid in first["workers"]:
        if pid not in last["workers"]:
            continue
        a, m, z = first["workers"][pid], middle["workers"].get(pid, first["workers"][pid]), \
            last["workers"][pid]
        out[str(pid)] = {"rss_mib": [a["rss_mib"], m["rss_mib"], z["rss_mib"]],
                         "uss_mib": [a["uss_mib"], m["uss_mib"], z["uss_mib"]],
                         "rss_growth_mib": round(z["rss_mib"] - a["rss_mib"], 2),
                         "rss_growth_second_half_mib": round(z["rss_mib"] - m["rss_mib"], 2)}
    return {"at_seconds": [first["t"], middle["t"], last["t"]], "workers": out, "series": series}


def killer(server: Server, at: float):
    """A ``during`` hook: SIGKILL one worker once ``at`` seconds have passed, then note its successor."""
    def during(phase: Phase, started: float) -> None:
        now = time.monotonic() - started
        events = phase.events
        if "killed_pid" not in events and now >= at:
            events["before"] = sorted(p.pid for p in server.worker_processes())
            events["killed_pid"] = kill_one_worker(server)
            events["killed_at_s"] = round(now, 2)
        elif "killed_pid" in events and "replaced_at_s" not in events:
            pids = {p.pid for p in server.worker_processes()}
            if len(pids) >= server.workers and events["killed_pid"] not in pids:
                events["replaced_at_s"] = round(now, 2)
                events["after"] = sorted(pids)
    return during


def kill_report(phase: Phase, distinct: int) -> dict:
    events = phase.events
    replaced = events.get("replaced_at_s")
    after = [e for e in phase.errors if replaced is not None and e[0] > replaced + 1.0]
    return {**phase.summary(distinct), **events, "replaced": replaced is not None,
            "failed_requests": len(phase.errors),
            "errors_more_than_1s_after_replacement": len(after)}


# --- the run --------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the load phase")
    parser.add_argument("--kill-seconds", type=float, default=20.0, help="length of the kill phase")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--questions", type=int, default=60_000, help="distinct questions prepared")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    questions = make_questions(args.corpus, args.questions)
    print(f"{len(questions)} distinct questions, e.g. {questions[0]!r}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="qa-load-") as folder:
        server = start_server(args.corpus, args.workers, Path(folder))
        try:
            warm = run_clients(server, ["When did Eitingon die?"], 2, 1.0)
            print(f"warm-up: {len(warm.latencies)} requests", file=sys.stderr)
            load = run_clients(server, questions, args.clients, args.seconds)
            rest = questions[load.questions_sent:] + questions[:load.questions_sent]
            kill = run_clients(server, rest, args.clients, args.kill_seconds,
                               during=killer(server, args.kill_seconds / 2))
            restarts = server.log.read_text().count("Booting worker")
        finally:
            code = server.stop()
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "config": {"clients": args.clients, "workers": args.workers, "seconds": args.seconds,
                   "kill_seconds": args.kill_seconds, "corpus": str(args.corpus),
                   "questions_prepared": len(questions), "request": "POST /api/ask top_k=3"},
        "load": {**load.summary(len(questions)), "memory": memory_report(load)},
        "kill": kill_report(kill, len(questions)),
        "workers_booted": restarts, "server_exit_code": code,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("load", "kill")}, indent=2))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0 if result["load"]["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
