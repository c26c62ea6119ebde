"""SQuAD 2.0 files: read them, write their articles as a corpus folder, score answers the official way.

The metric functions mirror the official evaluation script for SQuAD 2.0 (``evaluate-v2.0.py``,
Rajpurkar et al. 2018): the same normalisation, exact match and F1, best over the gold answers, and an
empty prediction (no answer) scoring 1 on an unanswerable question, so figures compare with published ones.
"""

from __future__ import annotations

import collections
import hashlib
import json
import re
import string
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import InvalidQuestionsFile
from .evaluate import RIGHT_F1, AskFn, Progress, hit_rate, mean_reciprocal_rank, percentile, reliability

WH_TYPES = ("what", "which", "who", "when", "where", "how many", "how much", "how", "why", "other")
_WH = re.compile(r"\b(what|which|who|whom|whose|when|where|why|how(?: many| much)?)\b")
_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_NAME = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Article:
    name: str
    title: str
    contexts: tuple[str, ...]


@dataclass(frozen=True)
class SquadQuestion:
    """One question; ``answers`` and ``starts`` are empty when it is unanswerable by design."""

    id: str
    question: str
    document: str
    paragraph: int
    answers: tuple[str, ...]
    starts: tuple[int, ...]

    @property
    def answerable(self) -> bool:
        return bool(self.answers)

    @property
    def type(self) -> str:
        return wh_type(self.question)


def wh_type(question: str) -> str:
    """The question's bucket for the per-type figures: its first wh-word ("how many" apart)."""
    m = _WH.search(question.lower())
    if not m:
        return "other"
    word = m.group(1)
    return {"whom": "who", "whose": "who"}.get(word, word)


def load(path: str | Path) -> tuple[list[Article], list[SquadQuestion]]:
    """The articles and questions of a SQuAD 2.0 JSON file; a file of another shape is refused clearly."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InvalidQuestionsFile(f"{path}: no such file; give a SQuAD 2.0 JSON file.") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InvalidQuestionsFile(f"{path}: not a readable JSON file ({type(exc).__name__}); "
                                   "give a SQuAD 2.0 JSON file such as dev-v2.0.json.") from None
    try:
        articles, questions, names = [], [], collections.Counter()
        for article in data["data"]:
            name = _NAME.sub("_", article["title"].lower()).strip("_") or "article"
            names[name] += 1
            if names[name] > 1:
                name = f"{name}_{names[name]}"
            contexts = []
            for i, para in enumerate(article["paragraphs"]):
                contexts.append(" ".join(para["context"].split()))
                for qa in para["qas"]:
                    impossible = bool(qa.get("is_impossible", False))
                    answers = [] if impossible else qa["answers"]
                    questions.append(SquadQuestion(
                        str(qa["id"]), qa["question"].strip(), name, i,
                        tuple(a["text"] for a in answers), tuple(int(a["answer_start"]) for a in answers)))
            articles.append(Article(name, " ".join(article["title"].replace("_", " ").split()),
                                    tuple(contexts)))
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise InvalidQuestionsFile(
            f"{path}: not in SQuAD 2.0's format (missing or wrong {exc}); expected "
            '{"data": [{"title": ..., "paragraphs": [{"context": ..., "qas": [{"id": ..., '
            '"question": ..., "answers": [{"text": ..., "answer_start": ...}], '
            '"is_impossible": ...}]}]}]}.') from None
    if not questions:
        raise InvalidQuestionsFile(f"{path}: holds no questions.")
    return articles, questions


def corpus_text(article: Article) -> str:
    """One article in the corpus file format: the title line, then blank-line separated paragraphs."""
    return "\n\n".join((article.title, *article.contexts)) + "\n"


def write_corpus(articles: list[Article], root: Path) -> Path:
    """The articles as a corpus folder under ``root``, named by their content so it is written (and
    parsed) once; an existing, complete folder is reused."""
    texts = {a.name: corpus_text(a) for a in articles}
    key = hashlib.sha256(json.dumps(texts, sort_keys=True).encode()).hexdigest()[:16]
    folder = root / f"squad-{key}"
    if all((folder / f"{n}.txt").is_file() for n in texts):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        tmp = folder / f".{name}.txt.tmp"
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(folder / f"{name}.txt")
    return folder


def sentence_spans(articles: list[Article], passages: list[dict]) -> dict[tuple[str, int], list]:
    """Where each passage lies in the original paragraphs: (document, paragraph) -> [(start, end,
    sentence_index)], found by aligning the passage texts with the contexts in reading order."""
    contexts = {a.name: a.contexts for a in articles}
    spans: dict[tuple[str, int], list] = collections.defaultdict(list)
    cursor: dict[str, tuple[int, int]] = {}
    for p in passages:
        doc = p["document"]
        if doc not in contexts:
            continue
        para, offset = cursor.get(doc, (0, 0))
        for i in range(para, min(para + 2, len(contexts[doc]))):
            at = contexts[doc][i].find(p["text"], offset if i == para else 0)
            if at >= 0:
                spans[(doc, i)].append((at, at + len(p["text"]), p["sentence_index"]))
                cursor[doc] = (i, at + len(p["text"]))
                break
    return spans


def gold_sentences(q: SquadQuestion, spans: dict[tuple[str, int], list]) -> set[tuple[str, int]]:
    """The (document, sentence_index) of every sentence that holds a gold answer's start."""
    return {(q.document, index) for start in q.starts
            for s, e, index in spans.get((q.document, q.paragraph), ()) if s <= start < e}


# ---- the official metrics

def normalize_answer(s: str) -> str:
    """Lower text and remove punctuation, articles and extra white space (the official script's)."""
    s = "".join(ch for ch in s.lower() if ch not in set(string.punctuation))
    return " ".join(_ARTICLES.sub(" ", s).split())


def compute_exact(gold: str, prediction: str) -> int:
    return int(normalize_answer(gold) == normalize_answer(prediction))


def compute_f1(gold: str, prediction: str) -> float:
    gold_toks, pred_toks = normalize_answer(gold).split(), normalize_answer(prediction).split()
    common = collections.Counter(gold_toks) & collections.Counter(pred_toks)
    same = sum(common.values())
    if not gold_toks or not pred_toks:
        return float(gold_toks == pred_toks)
    if same == 0:
        return 0.0
    precision, recall = same / len(pred_toks), same / len(gold_toks)
    return 2 * precision * recall / (precision + recall)


def scores(q: SquadQuestion, prediction: str | None) -> tuple[float, float]:
    """(exact, F1) of one prediction, best over the gold answers; None means no answer ("")."""
    golds = [a for a in q.answers if normalize_answer(a)] or [""]
    pred = prediction or ""
    return (max(compute_exact(g, pred) for g in golds), max(compute_f1(g, pred) for g in golds))


# ---- asking and scoring

@dataclass
class SquadOutcome:
    """One question as asked and scored: the official exact/F1, the sentence rank, the confidence."""

    id: str
    question: str
    type: str
    document: str
    answerable: bool
    answers: list[str]
    answer: str | None
    confidence: float | None
    no_answer_reason: str | None
    exact: float
    f1: float
    rank: int | None
    latency_ms: float


def evaluate_squad(ask: AskFn, articles: list[Article], questions: list[SquadQuestion],
                   passages: list[dict], progress: Progress = iter, meta: dict | None = None,
                   depth: int = 10) -> SquadReport:
    """Ask every question ``depth`` passages deep and score it against its gold answers and sentences."""
    spans = sentence_spans(articles, passages)
    outcomes = []
    for q in progress(questions):
        started = time.perf_counter()
        result = ask(q.question, depth)
        latency = (time.perf_counter() - started) * 1000
        answer = result.get("answer") or {}
        gold = gold_sentences(q, spans)
        ranked = [(p["document"], p["sentence_index"]) for p in result.get("passages") or []]
        rank = next((r for r, key in enumerate(ranked, 1) if key in gold), None)
        exact, f1 = scores(q, answer.get("text"))
        outcomes.append(SquadOutcome(q.id, q.question, q.type, q.document, q.answerable,
                                     list(q.answers), answer.get("text"), answer.get("confidence"),
                                     result.get("no_answer_reason"), exact, f1, rank, latency))
    return SquadReport(outcomes, dict(meta or {}))


def answers_reliability(outcomes: list[SquadOutcome]) -> dict:
    """The reliability of the answers given: right means answerable and F1 >= RIGHT_F1."""
    return reliability((o.confidence or 0.0, o.answerable and o.f1 >= RIGHT_F1)
                       for o in outcomes if o.answer is not None)


def squad_summary(outcomes: list[SquadOutcome]) -> dict:
    """SQuAD 2.0's official figures (percent, the script's names) with sentence retrieval, the
    "answer nothing" baseline and the reliability of the answers given."""
    has = [o for o in outcomes if o.answerable]
    no = [o for o in outcomes if not o.answerable]

    def pct(values):
        return 100 * sum(values) / len(values) if values else None

    ranks = [o.rank for o in has]
    reliable = answers_reliability(outcomes)
    return {
        "total": len(outcomes), "exact": pct([o.exact for o in outcomes]),
        "f1": pct([o.f1 for o in outcomes]),
        "HasAns_total": len(has), "HasAns_exact": pct([o.exact for o in has]),
        "HasAns_f1": pct([o.f1 for o in has]),
        "NoAns_total": len(no), "NoAns_exact": pct([o.exact for o in no]),
        "NoAns_f1": pct([o.f1 for o in no]),
        "answer_nothing": pct([not o.answerable for o in outcomes]),
        "hit1": hit_rate(ranks, 1), "hit3": hit_rate(ranks, 3), "mrr": mean_reciprocal_rank(ranks),
        "answered": reliable["answers"], "precision": reliable["precision"],
        "calibration_gap": reliable["calibration_gap"],
        "latency_p50_ms": percentile([o.latency_ms for o in outcomes], 50),
    }


@dataclass
class SquadReport:
    outcomes: list[SquadOutcome]
    meta: dict = field(default_factory=dict)

    @property
    def summary(self) -> dict:
        return squad_summary(self.outcomes)

    @property
    def by_type(self) -> dict[str, dict]:
        groups: dict[str, list[SquadOutcome]] = {t: [] for t in WH_TYPES}
        for o in self.outcomes:
            groups[o.type].append(o)
        return {t: squad_summary(v) for t, v in groups.items() if v}

    @property
    def reliability(self) -> dict:
        return answers_reliability(self.outcomes)

    def to_dict(self) -> dict:
        return {"meta": self.meta, "summary": self.summary, "by_type": self.by_type,
                "reliability": self.reliability, "outcomes": [asdict(o) for o in self.outcomes]}


def engine_passages(engine) -> list[dict]:
    """The engine's passages as the API lists them (document, sentence_index, text)."""
    return [{"document": p.document, "sentence_index": p.sentence_index, "text": p.text}
            for p in engine.passages]


def http_passages(url: str, documents: Iterable[str], timeout: float = 30.0) -> list[dict]:
    """Every passage of the documents through a running server's ``GET /api/passages``."""
    import requests

    from ..errors import QAError

    out = []
    for name in documents:
        offset = 0
        while True:
            try:
                r = requests.get(url.rstrip("/") + "/api/passages", timeout=timeout,
                                 params={"document": name, "offset": offset, "limit": 1000})
            except requests.RequestException as exc:
                raise QAError(f"cannot reach {url} ({type(exc).__name__}): start the server.") from None
            if r.status_code == 404:
                raise QAError(f"{url} does not serve the document {name!r}: serve the SQuAD "
                              "articles' folder (qa serve --corpus FOLDER, the folder qa eval names).")
            body = r.json()
            out += body["passages"]
            offset += len(body["passages"])
            if not body["passages"] or offset >= body["total"]:
                break
    return out
