"""Overload: the gate admits a bounded number of questions and turns the rest away with 503, no clocks.

A test holds the gate's slot itself (or configures none), so "busy" is a state, not a race.
"""

from __future__ import annotations

import threading
import time

import pytest

from qa.errors import ServiceBusy
from qa.service.gate import Gate

from .test_api import assert_problem
from .test_bad_input import CountingEngine

ASK = "When did Eitingon die?"


@pytest.fixture
def spy(engine):
    return CountingEngine(engine)


@pytest.fixture
def busy_app(spy):
    """An app whose gate never admits: QA_MAX_ASKING = 0 and no wait."""
    from qa.service.app import create_app

    app = create_app({"TESTING": True, "QA_MAX_ASKING": 0, "QA_BUSY_WAIT": 0}, engine=spy)
    spy.asked.clear()
    return app


def test_a_full_gate_refuses_after_its_wait_and_admits_again_once_freed():
    gate = Gate(limit=1, wait=0, retry_after=3)
    with gate.admit():
        with pytest.raises(ServiceBusy) as caught, gate.admit():
            pass
        assert caught.value.headers() == {"Retry-After": "3"}
        assert caught.value.to_problem()["status"] == 503
    with gate.admit():
        pass


def test_the_limit_is_the_number_of_simultaneous_holders():
    gate = Gate(limit=2, wait=0)
    with gate.admit(), gate.admit(), pytest.raises(ServiceBusy), gate.admit():
        pass


def test_a_slot_released_during_the_wait_admits_the_waiter():
    gate = Gate(limit=1, wait=60)
    admitted = threading.Event()

    def ask():
        with gate.admit():
            admitted.set()

    with gate.admit():
        waiter = threading.Thread(target=ask)
        waiter.start()
        deadline = time.monotonic() + 30
        while not gate._freed._waiters and time.monotonic() < deadline:  # until it waits
            time.sleep(0.01)
        assert gate._freed._waiters and not admitted.is_set()
    waiter.join(timeout=60)
    assert admitted.is_set()


@pytest.mark.parametrize("kwargs", [{"limit": -1}, {"wait": -1}, {"retry_after": 0}])
def test_nonsense_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        Gate(**kwargs)


@pytest.mark.parametrize("method, path, kwargs", [
    ("POST", "/api/ask", {"json": {"question": ASK}}),
    ("GET", "/api/ask", {"query_string": {"q": ASK}}),
])
def test_busy_api_is_503_problem_with_retry_after_and_never_reaches_the_engine(busy_app, spy,
                                                                              method, path, kwargs):
    response = busy_app.test_client().open(path, method=method, **kwargs)
    body = assert_problem(response, 503, "busy", "try again in 1 s")
    assert body["type"].endswith("/busy")
    assert response.headers["Retry-After"] == "1"
    assert spy.asked == []


def test_busy_page_says_so_with_503_and_retry_after(busy_app, spy):
    response = busy_app.test_client().get("/", query_string={"q": ASK})
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert response.headers["Retry-After"] == "1"
    assert "busy answering other questions" in response.get_data(as_text=True)
    assert spy.asked == []


@pytest.mark.parametrize("path", ["/api/health", "/api/documents", "/api/passages?limit=1",
                                  "/api/openapi.json", "/", "/static/app.js"])
def test_busy_does_not_affect_what_needs_no_engine(busy_app, path):
    assert busy_app.test_client().get(path).status_code == 200


def test_bad_input_is_still_400_when_busy(busy_app):
    client = busy_app.test_client()
    assert_problem(client.post("/api/ask", json={"question": ""}), 400, "question is empty")


def test_the_gate_held_by_another_request_makes_the_next_one_busy(spy):
    """The default app (one slot, a short wait): with its slot held, a question is turned away."""
    from qa.service.app import create_app

    app = create_app({"TESTING": True, "QA_BUSY_WAIT": 0}, engine=spy)
    spy.asked.clear()
    client = app.test_client()
    with app.extensions["qa.service.gate"].admit():
        assert client.post("/api/ask", json={"question": ASK}).status_code == 503
    assert client.post("/api/ask", json={"question": ASK}).status_code == 200
    assert spy.asked == [ASK]


def test_default_is_one_question_at_a_time_per_worker(app):
    assert app.extensions["qa.service.gate"].limit == 1
    assert 0 < app.extensions["qa.service.gate"].wait <= 5


def test_gunicorn_bounds_its_queues_and_replaces_workers_now_and_then(monkeypatch):
    from qa.service.server import options

    monkeypatch.delenv("QA_MAX_REQUESTS", raising=False)
    settings = options("127.0.0.1", 8000, 2)
    assert settings["worker_class"] == "qa.service.worker.Worker" and 0 < settings["keepalive"] <= 10
    assert 0 < settings["worker_connections"] <= 1000 and 0 < settings["backlog"] <= 2048
    assert settings["max_requests"] > 0 and 0 < settings["max_requests_jitter"] < settings["max_requests"]
    monkeypatch.setenv("QA_MAX_REQUESTS", "0")
    assert options("127.0.0.1", 8000, 2)["max_requests"] == 0


def test_each_poll_accepts_many_waiting_connections_whatever_gunicorn_sets():
    """gunicorn sets max_accept = 1 with several workers; behind a busy loop's rounds that left new
    connections waiting seconds in the kernel, where no shedder sees them."""
    from gunicorn.workers import ggevent

    from qa.service.worker import MAX_ACCEPT, Listener

    assert MAX_ACCEPT >= 50
    server = Listener(("127.0.0.1", 0), handle=lambda *args: None)
    server.max_accept = 1  # what gunicorn's GeventWorker.run() does
    assert server.max_accept == MAX_ACCEPT
    assert hasattr(ggevent, "StreamServer")  # the name qa.service.worker.Worker.run() points at Listener


@pytest.mark.parametrize("value", ["many", "-1", "1e4", "٣"])
def test_a_bad_max_requests_setting_stops_start_up_with_a_clear_message(monkeypatch, value):
    from qa.errors import StartupError
    from qa.service.server import options

    monkeypatch.setenv("QA_MAX_REQUESTS", value)
    with pytest.raises(StartupError, match="QA_MAX_REQUESTS=.* is not a whole number"):
        options("127.0.0.1", 8000, 2)


def test_under_gevent_freeing_a_slot_does_not_send_the_holder_to_the_back_of_the_loop():
    """The request that frees the slot carries on to write its answer before the loop runs anyone
    else. (With threading.BoundedSemaphore, gevent switched away inside every release: under load
    each answer then waited a round of the loop, and requests queued behind the semaphore's lock.)"""
    import os
    import subprocess
    import sys

    script = ("from gevent import monkey; monkey.patch_all()\n"
              "import gevent\nfrom qa.service.gate import Gate\n"
              "gate, order = Gate(), []\n"
              "with gate.admit():\n"
              "    other = gevent.spawn(order.append, 'another greenlet ran')\n"
              "order.append('the holder carried on')\n"
              "other.join(timeout=30)\n"
              "print(order)\n")
    env = {k: v for k, v in os.environ.items() if k != "QA_CORPUS"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                         env=env, check=True).stdout.strip()
    assert out == "['the holder carried on', 'another greenlet ran']"
