"""The gunicorn worker ``qa serve`` runs: gevent's, with deadlines, and the service's own error answers.

A gevent worker holds a waiting connection as a greenlet, not a thread, so slow or silent sockets
starve no one; gunicorn already bounds the wait for a request's headers (``keepalive`` seconds) and
this worker bounds the rest (body, answer, response) by ``REQUEST_SECONDS``. Requests gunicorn
refuses itself (400, 414, 431 ...) get the app's security headers and problem+json like every
other error, with our own detail (never the request's text); a 413 closes the connection instead of
draining the body it refused. Each poll of the loop accepts up to ``MAX_ACCEPT`` waiting connections,
so that under load new connections reach the shedder (qa/service/shed.py) instead of waiting in the kernel.
"""

from __future__ import annotations

import gevent
from gevent.server import StreamServer
from gunicorn import util
from gunicorn.workers import ggevent
from gunicorn.workers.ggevent import GeventWorker

from .app import bare_error

REQUEST_SECONDS = 10  # for the body, the answer and the response, once the headers are in
# gevent's own default. gunicorn sets 1 when there are several workers, to spread connections among
# them; but a loop that is answering 200 ready connections polls every few hundred ms, so 400 clients
# connecting at once waited 4-10 s for accept() before their first request was read (and were seen
# by no shedder). Measured with benchmarks/hostile.py: the README has the figures.
MAX_ACCEPT = 100
DETAILS = {
    400: "the request is not valid HTTP/1.1 (its request line or a header is malformed): fix the client.",
    403: "the request is forbidden.",
    408: f"the request did not arrive within {REQUEST_SECONDS} s: send it whole, at once.",
    414: "the request line is over 8,190 bytes: send long or non-Latin questions by POST /api/ask.",
    417: "the Expect header asks for something this server does not do: leave it out.",
    431: "the request's headers are too many or too large: send fewer, shorter headers.",
    501: "the request's transfer coding is not supported: send a Content-Length or chunked body.",
    500: "the server failed to read this request; the error is logged: try again or report it.",
}
REASONS = {400: "Bad Request", 403: "Forbidden", 408: "Request Timeout", 414: "URI Too Long",
           417: "Expectation Failed", 431: "Request Header Fields Too Large",
           500: "Internal Server Error", 501: "Not Implemented"}


class RequestTimeout(BaseException):
    """A request not read, answered and written within REQUEST_SECONDS (a BaseException, so that no
    ``except Exception`` in Flask turns it into a 500 on its way out)."""


class _Capture:
    """Stands in for the client socket while gunicorn writes its own error page, to learn the status."""

    def __init__(self):
        self.data = b""

    def gettimeout(self) -> float:
        return 0.0

    def sendall(self, data: bytes) -> None:
        self.data += data


class Listener(StreamServer):
    """gevent's server, taking up to MAX_ACCEPT waiting connections a poll whatever gunicorn sets."""

    @property
    def max_accept(self) -> int:
        return MAX_ACCEPT

    @max_accept.setter
    def max_accept(self, value: int) -> None:
        """gunicorn's setting (1 with several workers) is ignored: see MAX_ACCEPT."""


class Worker(GeventWorker):
    """gunicorn's gevent worker with a deadline for each request, problem+json refusals and prompt
    accepts."""

    def run(self) -> None:
        ggevent.StreamServer = Listener  # the name gunicorn's run() builds its servers from
        super().run()

    def load_wsgi(self) -> None:
        super().load_wsgi()
        app = self.wsgi

        def closing(environ, start_response):
            """A 413's body is not drained for keep-alive: the connection is closed after it."""
            def start(status: str, headers, exc_info=None):
                if status.startswith("413") and hasattr(start_response, "__self__"):
                    start_response.__self__.force_close()  # gunicorn's Response
                return start_response(status, headers, exc_info)
            return app(environ, start)

        self.wsgi = closing

    def handle_request(self, listener_name, req, sock, addr):
        with gevent.Timeout(REQUEST_SECONDS, RequestTimeout):
            return super().handle_request(listener_name, req, sock, addr)

    def handle_error(self, req, client, addr, exc):
        if isinstance(exc, RequestTimeout):
            self.log.warning("request not done within %d s from %s: closed", REQUEST_SECONDS,
                             (addr or ("",))[0])
            status = 408
        else:
            capture = _Capture()  # gunicorn logs the error and picks the status
            super().handle_error(req, capture, addr, exc)
            try:
                status = int(capture.data.split(b" ", 2)[1])
            except (IndexError, ValueError):
                status = 500
        req = req or getattr(exc, "req", None)  # a malformed header carries the request it was in
        path = getattr(req, "path", None) if req is not None else None
        headers, body = bare_error(status, DETAILS.get(status, DETAILS[500 if status >= 500 else 400]),
                                   path)
        head = f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}\r\nConnection: close\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
        try:
            util.write_nonblock(client, head.encode("latin-1") + body)
        except Exception:  # the client is gone: nothing to tell it
            self.log.debug("Failed to send error message.")
