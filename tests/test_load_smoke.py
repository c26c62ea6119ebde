"""benchmarks/load.py in miniature: a real ``qa serve``, two clients for a second and a half, no errors."""

from __future__ import annotations

import pytest

from benchmarks.load import make_questions, memory_report, run_clients, start_server

from .conftest import TINY


def test_distinct_questions_come_from_the_corpus():
    questions = make_questions(TINY, 2000)
    assert len(questions) == len(set(questions)) == 2000
    assert sum("Keeper" in q for q in questions) > 100
    assert all(q.endswith("?") and "{" not in q for q in questions)


@pytest.mark.slow
def test_a_short_load_run_answers_every_question(tmp_path):
    server = start_server(TINY, 1, tmp_path)
    try:
        questions = make_questions(TINY, 20_000)
        phase = run_clients(server, questions, clients=2, seconds=1.5, sample_every=0.5)
    finally:
        assert server.stop() == 0
    summary = phase.summary(len(questions))
    assert summary["errors"] == 0, summary["error_kinds"]
    assert summary["answered"] > 0 and summary["distinct_questions"] == summary["requests"]
    memory = memory_report(phase)
    assert len(memory["workers"]) == 1
    assert "Traceback" not in server.log.read_text()
