"""Evaluation: metric tables, question-file errors, in-process and HTTP scoring, ``qa eval``."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from qa.cli import cli
from qa.corpus import read_corpus
from qa.errors import InvalidQuestionsFile, QAError
from qa.evaluation.evaluate import (
    Outcome,
    Report,
    below_thresholds,
    engine_ask,
    evaluate,
    exact_match,
    first_hit,
    hit_rate,
    http_ask,
    mean_reciprocal_rank,
    percentile,
    score,
    squad_normalise,
    summarise,
    token_f1,
)
from qa.evaluation.questions import (
    Question,
    load_questions,
    locate_evidence,
    parse_question,
    question_files,
)

from .conftest import TINY

TINY_QUESTIONS = [
    {"id": "t1", "question": "Where was Ada Keeper born?", "type": "where",
     "evidence": ["Keeper was born in Arbroath in 1841."], "answers": ["Arbroath"]},
    {"id": "t2", "question": "When did Keeper join the Northern Lighthouse Board?", "type": "when",
     "evidence": ["In 1865, Keeper joined the  Northern Lighthouse Board"], "answers": ["1865"]},
    {"id": "t3", "question": "How many fishermen did she save?", "type": "how_many",
     "evidence": ["rescued seven fishermen"], "answers": ["seven", "7"], "paraphrase": True},
    {"id": "t4", "question": "What was her father's trade?", "type": "what",
     "evidence": ["Her father worked as a cooper"], "answers": ["a cooper"], "paraphrase": True},
    {"id": "t5", "question": "When did Ada Keeper win an Olympic medal?", "type": "when",
     "evidence": [], "answers": []},
]


def write_questions(path, rows) -> str:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows),
                    encoding="utf-8")
    return str(path)


def outcome(answerable=True, rank=1, answer="x", em=1.0, f1=1.0, latency=1.0, **kw) -> Outcome:
    fields = dict(id="q", question="?", type="who", document="d", answerable=answerable,
                  paraphrase=False, answers=["x"] if answerable else [], evidence=[], rank=rank,
                  answer=answer, no_answer_reason=None if answer else "why not",
                  first_passage="p", em=em, f1=f1, latency_ms=latency)
    return Outcome(**{**fields, **kw})


# ---- metrics


@pytest.mark.parametrize(("text", "normalised"), [
    ("The Cheka", "cheka"),
    ("  an   Apple  pie ", "apple pie"),
    ("Max Eitingon's", "max eitingons"),
    ("“Illegal”!", "illegal"),
    ("U.S.", "us"),
    ("Theatre", "theatre"),
    ("a", ""),
])
def test_squad_normalise(text, normalised):
    assert squad_normalise(text) == normalised


@pytest.mark.parametrize(("prediction", "golds", "em", "f1"), [
    ("Max Eitingon", ["Max Eitingon", "Max"], 1.0, 1.0),
    ("the Cheka", ["Cheka"], 1.0, 1.0),
    ("Eitingon", ["Max Eitingon"], 0.0, 2 / 3),
    ("Max Eitingon", ["Eitingon", "Max Eitingon"], 1.0, 1.0),
    ("in Mexico City", ["Mexico"], 0.0, 0.5),
    ("Moscow", ["Mexico"], 0.0, 0.0),
    (None, ["Mexico"], 0.0, 0.0),
    ("Mexico", [], 0.0, 0.0),
    ("the", ["a"], 1.0, 1.0),
])
def test_exact_match_and_token_f1(prediction, golds, em, f1):
    assert exact_match(prediction, golds) == em
    assert token_f1(prediction, golds) == pytest.approx(f1)


@pytest.mark.parametrize(("passages", "evidence", "rank"), [
    (["a b", "He joined   the Cheka.", "c"], ["joined the Cheka"], 2),
    (["first", "second"], ["nowhere", "second"], 2),
    (["x joined\nthe Cheka"], ["joined the Cheka"], 1),
    (["a", "b"], ["c"], None),
    ([], ["c"], None),
])
def test_first_hit(passages, evidence, rank):
    assert first_hit(passages, evidence) == rank


@pytest.mark.parametrize(("ranks", "k", "rate"), [
    ([1, 3, None, 2], 1, 0.25),
    ([1, 3, None, 2], 3, 0.75),
    ([1, 3, None, 2], 10, 0.75),
    ([None], 5, 0.0),
    ([], 1, None),
])
def test_hit_rate(ranks, k, rate):
    assert hit_rate(ranks, k) == rate


@pytest.mark.parametrize(("ranks", "mrr"), [
    ([1, 2, None, 11], (1 + 0.5) / 4),
    ([10], 0.1),
    ([4, 4], 0.25),
    ([], None),
])
def test_mean_reciprocal_rank(ranks, mrr):
    assert mean_reciprocal_rank(ranks) == pytest.approx(mrr)


@pytest.mark.parametrize(("values", "q", "expected"), [
    ([1, 2, 3, 4], 50, 2.5),
    ([4, 1, 3, 2], 95, 3.85),
    ([7], 95, 7),
    ([1, 2, 3], 0, 1),
    ([1, 2, 3], 100, 3),
    ([], 50, None),
])
def test_percentile(values, q, expected):
    assert percentile(values, q) == pytest.approx(expected)


def test_summary_scores_retrieval_and_answers_on_answerable_questions_only():
    outcomes = [outcome(rank=1), outcome(rank=3, answer=None, em=0, f1=0),
                outcome(answerable=False, rank=None, answer=None, em=0, f1=0),
                outcome(answerable=False, rank=None, answer="wrong", em=0, f1=0)]
    s = summarise(outcomes)
    assert (s["questions"], s["answerable"], s["unanswerable"]) == (4, 2, 2)
    assert (s["hit1"], s["hit3"], s["mrr"]) == (0.5, 1.0, pytest.approx(2 / 3))
    assert (s["em"], s["f1"]) == (0.5, 0.5)
    assert (s["abstention"], s["false_abstention"]) == (0.5, 0.5)


def test_summary_of_nothing_is_undefined_not_zero():
    s = summarise([outcome(answerable=False, rank=None, answer=None)])
    assert s["hit1"] is None and s["em"] is None and s["abstention"] == 1.0


@pytest.mark.parametrize(("kw", "problems"), [
    ({}, []),
    ({"rank": 2}, ["evidence at rank 2"]),
    ({"rank": 7}, ["evidence not in the top 5"]),
    ({"rank": None, "answer": None, "em": 0}, ["evidence not in the top 5", "no answer: why not"]),
    ({"answer": "y", "em": 0, "f1": 0.5}, ["wrong answer (F1 0.50)"]),
    ({"answerable": False, "answer": None}, []),
    ({"answerable": False, "answer": "1902"}, ["answered '1902' but the article cannot answer"]),
])
def test_problems_name_what_went_wrong(kw, problems):
    assert outcome(**kw).problems(top_k=5) == problems


def test_report_breaks_down_by_type_document_and_wording():
    report = Report([outcome(type="when"), outcome(type="who", document="e", paraphrase=True,
                                                   rank=None, answer=None, em=0, f1=0)], top_k=5)
    assert list(report.by_type) == ["who", "when"]
    assert report.by_document["e"]["hit1"] == 0.0 and report.by_document["d"]["hit1"] == 1.0
    assert report.by_wording["paraphrased"]["questions"] == 1
    assert report.hit_curve == [0.5] * 10
    assert [o.type for o, _ in report.failures] == ["who"]


@pytest.mark.parametrize(("limits", "messages"), [
    ({"hit1": 0.5, "f1": 0.4}, []),
    ({"hit1": 0.6}, ["Hit@1 is 0.500, below the threshold 0.600 (--min-hit1)."]),
    ({"false_abstention": 0.1},
     ["false abstention is 0.200, above the threshold 0.100 (--max-false-abstention)."]),
    ({"abstention": 0.5},
     ["abstention cannot be measured on these questions, yet --min-abstention was given."]),
])
def test_below_thresholds(limits, messages):
    summary = {"hit1": 0.5, "f1": 0.4, "false_abstention": 0.2, "abstention": None}
    assert below_thresholds(summary, limits) == messages


def test_score_reads_the_api_shape():
    q = Question("q", "Who?", "who", ("brother of Max",), ("Max Eitingon",))
    result = {"answer": {"text": "Max Eitingon"}, "no_answer_reason": None,
              "passages": [{"text": "Other.", "document": "a"},
                           {"text": "He is the brother of Max Eitingon.", "document": "a"}]}
    o = score(q, result, 2.0)
    assert (o.rank, o.answer, o.em, o.f1, o.document, o.first_passage) == \
        (2, "Max Eitingon", 1.0, 1.0, "a", "Other.")
    nothing = score(q, {"answer": None, "no_answer_reason": "none", "passages": []}, 1.0)
    assert (nothing.rank, nothing.answer, nothing.em, nothing.first_passage) == \
        (None, None, 0, None)


# ---- question files

GOOD = {"id": "q1", "question": "Who?", "type": "who", "evidence": ["e"], "answers": ["a"]}


@pytest.mark.parametrize(("line", "fragment"), [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "expected a JSON object"),
    (json.dumps({k: v for k, v in GOOD.items() if k != "answers"}), "missing answers"),
    (json.dumps({**GOOD, "evidense": []}), "unknown field(s) evidense"),
    (json.dumps({**GOOD, "id": ""}), "'id' must be a non-empty string"),
    (json.dumps({**GOOD, "question": 3}), "'question' must be a non-empty string"),
    (json.dumps({**GOOD, "type": "how"}), "type 'how' is not one of who, when"),
    (json.dumps({**GOOD, "evidence": "e"}), "'evidence' must be a list of non-empty strings"),
    (json.dumps({**GOOD, "answers": [""]}), "'answers' must be a list of non-empty strings"),
    (json.dumps({**GOOD, "answers": []}), "give both evidence and answers"),
    (json.dumps({**GOOD, "paraphrase": "yes"}), "'paraphrase' must be true or false"),
    (json.dumps({**GOOD, "document": 1}), "'document' must be a document name"),
])
def test_bad_lines_name_file_line_and_the_fix(tmp_path, line, fragment):
    path = write_questions(tmp_path / "x.questions.jsonl", [GOOD | {"id": "q0"}, "", line])
    with pytest.raises(InvalidQuestionsFile) as err:
        load_questions([path])
    assert err.value.detail.startswith(f"{path}:3: ")
    assert fragment in err.value.detail


def test_duplicate_ids_name_both_lines(tmp_path):
    path = write_questions(tmp_path / "q.jsonl", [GOOD, GOOD])
    with pytest.raises(InvalidQuestionsFile,
                       match=rf"{path}:2: id 'q1' is already used at {path}:1"):
        load_questions([path])


@pytest.mark.parametrize(("content", "fragment"), [
    (b"", "holds no questions"),
    (b"\n  \n", "holds no questions"),
    (b"\xff\xfe{}", "not UTF-8"),
])
def test_unusable_files(tmp_path, content, fragment):
    path = tmp_path / "q.jsonl"
    path.write_bytes(content)
    with pytest.raises(InvalidQuestionsFile, match=fragment):
        load_questions([path])


def test_missing_file(tmp_path):
    with pytest.raises(InvalidQuestionsFile, match="no such file"):
        load_questions([tmp_path / "nope.jsonl"])


def test_question_defaults_and_document_from_the_file_name():
    q = parse_question(json.dumps(GOOD), "f:1", "lighthouse")
    assert (q.paraphrase, q.document, q.source, q.answerable) == (False, "lighthouse", "f:1", True)
    assert parse_question(json.dumps({**GOOD, "document": "x"}), "f:1", "y").document == "x"


def test_question_files_beside_each_article_then_the_folder_file(tmp_path):
    (tmp_path / "a.txt").write_text("A\n\nText.\n")
    (tmp_path / "b.txt").write_text("B\n\nText.\n")
    with pytest.raises(InvalidQuestionsFile, match="write a.questions.jsonl beside a.txt"):
        question_files(tmp_path)
    (tmp_path / "questions.jsonl").write_text("")
    assert question_files(tmp_path) == [tmp_path / "questions.jsonl"]
    assert question_files(tmp_path / "a.txt") == [tmp_path / "questions.jsonl"]
    (tmp_path / "b.questions.jsonl").write_text("")
    assert question_files(tmp_path) == [tmp_path / "b.questions.jsonl"]


def test_evidence_must_be_in_the_corpus_and_gives_the_document(tmp_path):
    documents = read_corpus(TINY)
    q = parse_question(json.dumps({**GOOD, "evidence": ["born in  Arbroath"]}), "f:1")
    assert locate_evidence([q], documents)[0].document == "lighthouse"
    wrong = parse_question(json.dumps({**GOOD, "evidence": ["born in Glasgow"]}), "f:7")
    with pytest.raises(InvalidQuestionsFile, match="f:7: evidence 'born in Glasgow' is not in"):
        locate_evidence([wrong], documents)


def test_the_sample_question_files_are_valid():
    for corpus in ("corpus", "corpus/generalisation"):
        questions = locate_evidence(load_questions(question_files(corpus)), read_corpus(corpus))
        assert len(questions) >= 20 and any(not q.answerable for q in questions)


# ---- running: in-process and over HTTP


@pytest.fixture(scope="module")
def tiny_questions(tmp_path_factory):
    path = write_questions(tmp_path_factory.mktemp("q") / "lighthouse.questions.jsonl",
                           TINY_QUESTIONS)
    return path, load_questions([path])


class _Api(BaseHTTPRequestHandler):
    engine = None

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path != "/api/ask":
            return self._send(404, {"detail": "no such endpoint"})
        if not body.get("question"):
            return self._send(400, {"detail": "question is required"})
        self._send(200, self.engine.ask(body["question"], body["top_k"]).to_dict())

    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(tiny_engine):
    """A minimal real HTTP server returning the API's shape from the real tiny engine."""
    handler = type("Api", (_Api,), {"engine": tiny_engine})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _without_latency(report):
    return [{**o.__dict__, "latency_ms": 0} for o in report.outcomes]


def test_in_process_and_http_are_scored_alike(tiny_engine, tiny_questions, server):
    _, questions = tiny_questions
    local = evaluate(engine_ask(tiny_engine), questions)
    remote = evaluate(http_ask(server), questions)
    assert _without_latency(local) == _without_latency(remote)
    s = local.summary
    assert (s["questions"], s["answerable"], s["unanswerable"]) == (5, 4, 1)
    first = local.outcomes[0]
    assert (first.rank, first.answer, first.em) == (1, "Arbroath", 1.0)
    assert local.outcomes[3].answer is None and local.outcomes[3].problems(5)


def test_http_errors_are_clear(server):
    with pytest.raises(QAError, match="answered HTTP 400 \\(question is required\\)"):
        http_ask(server)("", 5)
    with pytest.raises(QAError, match="answered HTTP 404"):
        http_ask(server + "/nothing-here")("Who?", 5)
    with pytest.raises(QAError, match="cannot reach http://127.0.0.1:9/api/ask"):
        http_ask("http://127.0.0.1:9", timeout=2)("Who?", 5)


# ---- the command


def test_eval_writes_the_reports(tiny_questions, tmp_path):
    path, _ = tiny_questions
    result = CliRunner().invoke(cli, ["eval", "--corpus", str(TINY), "--questions", path,
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "Hit@1" in result.stdout and "Per question type" in result.stdout
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["summary"]["questions"] == 5
    assert report["by_document"]["lighthouse"]["questions"] == 5
    assert {f["id"] for f in report["failures"]} >= {"t4"}
    md = (tmp_path / "out" / "report.md").read_text()
    assert "## Failures" in md and "What was her father's trade?" in md
    assert (tmp_path / "out" / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_eval_fails_below_a_threshold_naming_it(tiny_questions, tmp_path):
    path, _ = tiny_questions
    args = ["eval", "--corpus", str(TINY), "--questions", path, "--out", str(tmp_path)]
    ok = CliRunner().invoke(cli, [*args, "--min-hit1", "0.5", "--max-false-abstention", "1"])
    assert ok.exit_code == 0, ok.output
    low = CliRunner().invoke(cli, [*args, "--min-em", "0.99", "--min-hit1", "0.5"])
    assert low.exit_code == 1
    assert "Error: below the quality thresholds" in low.output
    assert "EM is 0.750, below the threshold 0.990 (--min-em)" in low.output
    assert "Hit@1" not in low.output.split("Error:")[1]


def test_eval_over_http(tiny_questions, server, tmp_path):
    path, _ = tiny_questions
    result = CliRunner().invoke(cli, ["eval", "--url", server, "--questions", path,
                                      "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert server in json.loads((tmp_path / "report.json").read_text())["meta"]["target"]


@pytest.mark.parametrize(("args", "code", "fragment"), [
    (["--url", "localhost:8000"], 2, "http://HOST:PORT"),
    (["--url", "http://127.0.0.1:9", "--compare"], 2, "drop --url"),
    (["--url", "http://127.0.0.1:9"], 1, "Error: cannot reach http://127.0.0.1:9/api/ask"),
    (["--questions", "missing.jsonl"], 2, "Error: missing.jsonl: no such file"),
])
def test_eval_usage_errors(tiny_questions, tmp_path, args, code, fragment):
    result = CliRunner().invoke(cli, ["eval", "--corpus", str(TINY), "--out", str(tmp_path),
                                      "--questions", tiny_questions[0], *args])
    assert result.exit_code == code, result.output
    assert fragment in result.output
    assert "Traceback" not in result.output


def test_eval_bad_question_file_exits_2(tmp_path):
    path = write_questions(tmp_path / "q.jsonl", [GOOD, {**GOOD, "id": "q2", "type": "how"}])
    result = CliRunner().invoke(cli, ["eval", "--corpus", str(TINY), "--questions", path,
                                      "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert f"Error: {path}:2: type 'how' is not one of" in result.output


def test_eval_compare_puts_configurations_side_by_side(tiny_questions, tmp_path):
    path, _ = tiny_questions
    result = CliRunner().invoke(cli, ["eval", "--compare", "--corpus", str(TINY), "--questions",
                                      path, "--out", str(tmp_path), "--min-hit1", "0.5"])
    assert result.exit_code == 0, result.output
    rows = json.loads((tmp_path / "compare.json").read_text())["configurations"]
    names = [r["name"] for r in rows]
    assert names[:2] == ["naive baseline (rank-bm25 README)", "default"]
    assert {"default − stemming", "default, lemmas instead of stems",
            "default, BM25+"} <= set(names)
    assert rows[0]["variant"] == "okapi" and rows[0]["normalisation"]["whitespace"]
    assert all(r["summary"]["questions"] == 5 for r in rows)
    assert "| naive baseline (rank-bm25 README) |" in (tmp_path / "compare.md").read_text()
    assert "◀ best" in result.stdout and "(−" in result.stdout
    assert all(name in result.stdout for name in names)


def test_compare_marks_the_best_row_and_each_row_s_difference_to_the_default():
    from qa.evaluation.report import versus_default

    rows = [{"name": "default", "summary": {"f1": 0.5, "p": 2.0}},
            {"name": "worse", "summary": {"f1": 0.4, "p": 1.0}},
            {"name": "better", "summary": {"f1": 0.625, "p": 3.0}}]
    columns = [("f1", "F1", True, lambda k, v: f"{v:.3f}"), ("p", "p ms", False, lambda k, v: f"{v:.1f}")]
    table = versus_default(rows, columns, ("f1",)).splitlines()
    assert table[2].split() == ["default", "0.500", "2.0"]
    assert table[3].split() == ["worse", "0.400", "(−0.100)", "1.0", "(−1.0)*"]
    assert table[4].split() == ["better", "◀", "best", "0.625", "(+0.125)*", "3.0", "(+1.0)"]


def test_eval_compare_on_a_squad_file(tmp_path):
    squad = tmp_path / "tiny-squad.json"
    squad.write_text(json.dumps({"version": "v2.0", "data": [{"title": "Keeper", "paragraphs": [{
        "context": "Keeper was born in Arbroath in 1901. He kept the lighthouse.",
        "qas": [{"id": "a", "question": "Where was Keeper born?", "is_impossible": False,
                 "answers": [{"text": "Arbroath", "answer_start": 19}]},
                {"id": "b", "question": "What did Keeper paint?", "is_impossible": True,
                 "answers": []}]}]}]}), encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", "--squad", str(squad), "--compare", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    rows = json.loads((tmp_path / "squad-compare.json").read_text())["configurations"]
    assert [r["name"] for r in rows][:2] == ["naive baseline (rank-bm25 README)", "default"]
    assert all(r["summary"]["total"] == 2 for r in rows)
    assert "◀ best" in (tmp_path / "squad-compare.md").read_text()
