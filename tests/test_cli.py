"""The qa command through click's runner: ask (plain and --json), index, and one-line errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from qa.cli import cli

from .conftest import ARTICLE, TINY


@pytest.fixture
def runner():
    return CliRunner()


def test_ask_prints_answer_and_marked_passages(runner):
    result = runner.invoke(cli, ["ask", "When did Eitingon die?", "--corpus", str(ARTICLE)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Answer: 1981") and "DATE" in lines[0]
    assert "[Nahum *Eitingon* PERSON] *died* in [1981 DATE]." in result.output
    assert "\x1b[" not in result.output


def test_ask_json_is_the_api_object(runner):
    result = runner.invoke(cli, ["ask", "When did Eitingon die?", "--json", "--top-k", "2",
                                 "--corpus", str(ARTICLE)])
    data = json.loads(result.output)
    assert data["answer"]["text"] == "1981"
    assert len(data["passages"]) == 2 and data["passages"][0]["rank"] == 1


def test_corpus_from_environment(runner, monkeypatch):
    monkeypatch.setenv("QA_CORPUS", str(TINY))
    result = runner.invoke(cli, ["ask", "Where was Keeper born?"])
    assert result.output.startswith("Answer: Arbroath")


def test_index_reports_what_it_built(runner):
    result = runner.invoke(cli, ["index", "--corpus", str(TINY)])
    assert result.exit_code == 0
    assert "passages from 1 document(s)" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["ask", "Who?", "--corpus", "/no/such/place"], "does not exist"),
    (["ask", "   ", "--corpus", str(TINY)], "question is empty"),
    (["ask", "Who?", "--top-k", "0", "--corpus", str(TINY)], "0 is not in the range"),
    (["index", "--corpus", str(TINY / "missing.txt")], "does not exist"),
])
def test_errors_are_one_line_and_exit_non_zero(runner, args, message):
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert message in result.output and "Error" in result.output
    assert "Traceback" not in result.output


def test_missing_pipeline_is_a_clear_error(runner, monkeypatch):
    monkeypatch.setenv("QA_PIPELINE", "no_such_pipeline_xyz")
    result = runner.invoke(cli, ["ask", "Who?", "--corpus", str(TINY)])
    assert result.exit_code == 2
    assert "spaCy pipeline 'no_such_pipeline_xyz' is not installed" in result.output
