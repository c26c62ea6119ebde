"""``qa serve``: the app under gunicorn's gevent worker (worker.py), the engine built once before the fork.

Why gevent (measured in benchmarks/hostile.py, figures in the README): gunicorn's threaded worker
hands each connection to a thread that blocks on it, so 20 slow or 300 silent sockets held every
thread and the service was down for everyone; under gevent they are greenlets, each a few KiB.
"""

from __future__ import annotations

import atexit
import gc
import os
import socket
import sys
import warnings
from typing import Any

from gevent import monkey
from gevent.monkey import MonkeyPatchWarning
from gunicorn.app.base import BaseApplication

from ..errors import StartupError
from .shed import Shedder

ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms worker %(p)s'
MAX_REQUEST_LINE = 8190  # gunicorn's largest finite limit: room for a 1000-character GET question
# Overload: each worker holds at most WORKER_CONNECTIONS connections (greenlets), accepts up to
# qa.service.worker.MAX_ACCEPT of them at each poll, and the kernel queues at most BACKLOG more (gunicorn's
# default; with 256 and one accept a poll, 400 clients connecting at once overflowed it and waited
# 1-2 s for SYN retransmits); a request's headers must arrive within KEEPALIVE seconds (also the
# idle time of a kept-alive connection), the rest of it within qa.service.worker.REQUEST_SECONDS; a request
# that waited in a worker's queue over qa.service.shed.MAX_WAIT gets 503 + Retry-After at once (shed.py),
# and one that cannot reach the engine within its gate's wait gets it too (gate.py).
WORKER_CLASS = "qa.service.worker.Worker"
WORKER_CONNECTIONS = 1000
BACKLOG = 2048
KEEPALIVE = 5
MAX_REQUESTS = 20_000  # a worker is replaced (forked again from the preloaded master) after this many
MAX_REQUESTS_JITTER = 2_000  # ... give or take, so that workers are not replaced all at once


class Server(BaseApplication):
    """gunicorn running a ready-made WSGI app, configured from code rather than its command line."""

    def __init__(self, app, options: dict[str, Any]):
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # options newer than the installed gunicorn are skipped
                self.cfg.set(key, value)

    def load(self):
        return self.application


def run(host: str = "127.0.0.1", port: int = 8000, workers: int = 2,
        corpus: str | None = None, recursive: bool = False) -> None:
    """Check the address, build the engine (StartupError subclasses on failure), then serve."""
    from ..engine import Engine, corpus_path
    from .app import create_app

    check_address(host, port)
    settings = options(host, port, workers)
    engine = Engine.from_corpus(corpus, progress=sys.stderr.isatty(), recursive=recursive)
    patch()  # not earlier: parsing the corpus may use processes of its own
    app = create_app({"QA_CORPUS": corpus or corpus_path(), "QA_CORPUS_RECURSIVE": recursive},
                     engine=engine)
    live = app.extensions["qa.live"]
    warm = live.writable and bool(app.config.get("QA_ADMIN_TOKEN"))

    def post_worker_init(worker) -> None:
        worker.notify()  # the arbiter's timeout counts from here while the worker warms
        live.start_in_worker(warm)

    settings["post_worker_init"] = post_worker_init
    # the start-up engine lives as long as the service: no collection need look at it again, and
    # one that did would write to every page the workers share
    gc.collect()
    gc.freeze()
    atexit.register(gc.unfreeze)  # so that exiting collects what it always did, while modules live
    Server(Shedder(app), settings).run()


def patch() -> None:
    """gevent's sockets and locks (the gate's among them) from here on, in this process and the
    workers it forks."""
    with warnings.catch_warnings():  # ssl was imported (urllib3, via spaCy): no TLS is served here
        warnings.simplefilter("ignore", MonkeyPatchWarning)
        monkey.patch_all()


def max_requests() -> int:
    """$QA_MAX_REQUESTS (0: never replace a worker), else MAX_REQUESTS."""
    raw = os.environ.get("QA_MAX_REQUESTS", "").strip()
    if not raw:
        return MAX_REQUESTS
    if not (raw.isascii() and raw.isdigit()):
        raise StartupError(f"QA_MAX_REQUESTS={raw!r} is not a whole number: give the requests a "
                           "worker serves before it is replaced, or 0 for never.")
    return int(raw)


def options(host: str, port: int, workers: int) -> dict[str, Any]:
    url = f"http://{_netloc(host, port)}/"
    limit = max_requests()

    def when_ready(server) -> None:
        server.log.info("article-qa is ready: open %s in a browser (API: %sapi/openapi.json)",
                        url, url)

    return {
        "bind": _netloc(host, port),
        "workers": workers,
        "worker_class": WORKER_CLASS,
        "worker_connections": WORKER_CONNECTIONS,
        "backlog": BACKLOG,
        "keepalive": KEEPALIVE,
        "max_requests": limit,
        "max_requests_jitter": MAX_REQUESTS_JITTER if limit else 0,
        "preload_app": True,
        "accesslog": "-",
        "errorlog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "loglevel": "info",
        "limit_request_line": MAX_REQUEST_LINE,
        "timeout": 30,
        "graceful_timeout": 10,
        "proc_name": "article-qa",
        "control_socket_disable": True,  # gunicorn 24+: no socket in ~/.gunicorn shared by servers
        "when_ready": when_ready,
    }


def check_address(host: str, port: int) -> None:
    """Fail fast, with one clear line, when the address cannot be listened on (before parsing)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise StartupError(f"cannot listen on {host!r}: {exc.strerror}; give an IP address or a "
                           "known host name with --host.") from None
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            raise StartupError(f"cannot listen on {_netloc(host, port)}: {exc.strerror}; stop the "
                               "program using it or choose another --port.") from None


def _netloc(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
