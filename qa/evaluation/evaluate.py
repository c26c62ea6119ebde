"""Evaluation: ask the sample questions through any ask function and score the answers.

The metrics are pure functions of plain data, so an in-process engine and a server over HTTP (both
return ``Result.to_dict()``) are scored by one code path.
"""

from __future__ import annotations

import math
import re
import string
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace

from ..errors import QAError
from .questions import TYPES, Question, squash

RR_CUTOFF = 10
CURVE_DEPTH = 10
# figure -> (label, higher is better)
FIGURES = {
    "hit1": ("Hit@1", True), "hit3": ("Hit@3", True), "hit5": ("Hit@5", True),
    "mrr": ("MRR@10", True), "em": ("EM", True), "f1": ("F1", True),
    "abstention": ("abstention", True), "false_abstention": ("false abstention", False),
    "latency_p50_ms": ("p50 ms", False), "latency_p95_ms": ("p95 ms", False),
}
_ARTICLES = re.compile(r"\b(a|an|the)\b")

AskFn = Callable[[str, int], dict]
Progress = Callable[[Iterable], Iterable]


# ---- metrics: pure functions of plain data

def first_hit(passages: list[str], evidence: Iterable[str]) -> int | None:
    """1-based rank of the first passage containing one of the evidence strings, or None."""
    wanted = [squash(e) for e in evidence]
    for rank, text in enumerate(passages, 1):
        text = squash(text)
        if any(e in text for e in wanted):
            return rank
    return None


def hit_rate(ranks: list[int | None], k: int) -> float | None:
    """Share of questions whose first hit is within the top ``k`` (Hit@k)."""
    return _mean([r is not None and r <= k for r in ranks])


def mean_reciprocal_rank(ranks: list[int | None], cutoff: int = RR_CUTOFF) -> float | None:
    """MRR@cutoff: mean 1/rank of the first hit; 0 when it is missing or deeper than the cutoff."""
    return _mean([1 / r if r is not None and r <= cutoff else 0.0 for r in ranks])


def squad_normalise(text: str) -> str:
    """SQuAD's answer normalisation: lower-case, no punctuation (Unicode's too), no articles,
    single spaces."""
    text = "".join(ch for ch in text.lower()
                   if ch not in string.punctuation and not unicodedata.category(ch).startswith("P"))
    return " ".join(_ARTICLES.sub(" ", text).split())


def exact_match(prediction: str | None, golds: Iterable[str]) -> float:
    """1.0 when the normalised prediction equals a normalised gold; an abstention scores 0."""
    if prediction is None:
        return 0.0
    p = squad_normalise(prediction)
    return float(any(p == squad_normalise(g) for g in golds))


def token_f1(prediction: str | None, golds: Iterable[str]) -> float:
    """SQuAD's token-overlap F1, best over the gold answers; an abstention scores 0."""
    if prediction is None:
        return 0.0
    return max((_f1(prediction, g) for g in golds), default=0.0)


def _f1(prediction: str, gold: str) -> float:
    p, g = squad_normalise(prediction).split(), squad_normalise(gold).split()
    if not p or not g:
        return float(p == g)
    same = sum((Counter(p) & Counter(g)).values())
    if not same:
        return 0.0
    precision, recall = same / len(p), same / len(g)
    return 2 * precision * recall / (precision + recall)


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile with linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    s = sorted(values)
    pos = (len(s) - 1) * q / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def _mean(values: list) -> float | None:
    return sum(values) / len(values) if values else None


# ---- running and scoring

@dataclass
class Outcome:
    """One question as asked and scored: everything a failure listing or a breakdown needs."""

    id: str
    question: str
    type: str
    document: str
    answerable: bool
    paraphrase: bool
    answers: list[str]
    evidence: list[str]
    rank: int | None
    answer: str | None
    no_answer_reason: str | None
    first_passage: str | None
    em: float
    f1: float
    latency_ms: float

    def problems(self, top_k: int) -> list[str]:
        """What went wrong, in words; empty when the question was handled right."""
        if not self.answerable:
            return [] if self.answer is None else [f"answered {self.answer!r} but the article "
                                                    "cannot answer"]
        out = []
        if self.rank is None or self.rank > top_k:
            out.append(f"evidence not in the top {top_k}")
        elif self.rank > 1:
            out.append(f"evidence at rank {self.rank}")
        if self.answer is None:
            out.append(f"no answer: {self.no_answer_reason}")
        elif not self.em:
            out.append(f"wrong answer (F1 {self.f1:.2f})")
        return out


def score(q: Question, result: dict, latency_ms: float) -> Outcome:
    """Score one ``Result.to_dict()`` against the question's gold evidence and answers."""
    passages = result.get("passages") or []
    answer = (result.get("answer") or {}).get("text")
    golds = list(q.answers)
    return Outcome(
        q.id, q.question, q.type, q.document or (passages[0]["document"] if passages else "?"),
        q.answerable, q.paraphrase, golds, list(q.evidence),
        first_hit([p["text"] for p in passages], q.evidence) if q.answerable else None,
        answer, result.get("no_answer_reason"), passages[0]["text"] if passages else None,
        exact_match(answer, golds), token_f1(answer, golds), latency_ms)


def summarise(outcomes: list[Outcome]) -> dict:
    """The figures of a set of outcomes; retrieval and EM/F1 over answerable questions only."""
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    ranks = [o.rank for o in answerable]
    latencies = [o.latency_ms for o in outcomes]
    return {
        "questions": len(outcomes), "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "hit1": hit_rate(ranks, 1), "hit3": hit_rate(ranks, 3), "hit5": hit_rate(ranks, 5),
        "mrr": mean_reciprocal_rank(ranks),
        "em": _mean([o.em for o in answerable]), "f1": _mean([o.f1 for o in answerable]),
        "abstention": _mean([o.answer is None for o in unanswerable]),
        "false_abstention": _mean([o.answer is None for o in answerable]),
        "latency_p50_ms": percentile(latencies, 50), "latency_p95_ms": percentile(latencies, 95),
    }


@dataclass
class Report:
    """All outcomes of one run and the views of them: summary, breakdowns, Hit@k curve, failures."""

    outcomes: list[Outcome]
    top_k: int
    meta: dict = field(default_factory=dict)

    @property
    def summary(self) -> dict:
        return summarise(self.outcomes)

    def breakdown(self, key: Callable[[Outcome], str], order: Iterable[str] = ()) -> dict:
        groups: dict[str, list[Outcome]] = {k: [] for k in order}
        for o in self.outcomes:
            groups.setdefault(key(o), []).append(o)
        return {k: summarise(v) for k, v in groups.items() if v}

    @property
    def by_type(self) -> dict[str, dict]:
        return self.breakdown(lambda o: o.type, TYPES)

    @property
    def by_document(self) -> dict[str, dict]:
        return self.breakdown(lambda o: o.document)

    @property
    def by_wording(self) -> dict[str, dict]:
        return self.breakdown(lambda o: "paraphrased" if o.paraphrase else "article's words",
                              ("article's words", "paraphrased"))

    @property
    def hit_curve(self) -> list[float | None]:
        ranks = [o.rank for o in self.outcomes if o.answerable]
        return [hit_rate(ranks, k) for k in range(1, CURVE_DEPTH + 1)]

    @property
    def failures(self) -> list[tuple[Outcome, list[str]]]:
        return [(o, p) for o in self.outcomes if (p := o.problems(self.top_k))]

    def to_dict(self) -> dict:
        return {"meta": {**self.meta, "top_k": self.top_k}, "summary": self.summary,
                "by_type": self.by_type, "by_document": self.by_document,
                "by_wording": self.by_wording, "hit_curve": self.hit_curve,
                "failures": [{**asdict(o), "problems": p} for o, p in self.failures],
                "outcomes": [asdict(o) for o in self.outcomes]}


def evaluate(ask: AskFn, questions: list[Question], top_k: int = 5,
             progress: Progress = iter, meta: dict | None = None) -> Report:
    """Ask every question, at least ``RR_CUTOFF`` passages deep so MRR@10 is exact; score it."""
    depth = max(top_k, RR_CUTOFF)
    outcomes = []
    for q in progress(questions):
        started = time.perf_counter()
        result = ask(q.question, depth)
        outcomes.append(score(q, result, (time.perf_counter() - started) * 1000))
    return Report(outcomes, top_k, dict(meta or {}))


def below_thresholds(summary: dict, limits: dict[str, float]) -> list[str]:
    """A message for each figure on the wrong side of its limit (a maximum when lower is better)."""
    messages = []
    for key, limit in limits.items():
        label, higher = FIGURES[key]
        value, option = summary.get(key), f"--{'min' if higher else 'max'}-{key.replace('_', '-')}"
        if value is None:
            messages.append(f"{label} cannot be measured on these questions, yet {option} "
                            "was given.")
        elif (value < limit) if higher else (value > limit):
            messages.append(f"{label} is {value:.3f}, {'below' if higher else 'above'} the "
                            f"threshold {limit:.3f} ({option}).")
    return messages


# ---- ask functions and configurations

def engine_ask(engine) -> AskFn:
    """An ask function over an in-process engine."""
    return lambda question, top_k: engine.ask(question, top_k).to_dict()


def http_ask(url: str, timeout: float = 30.0) -> AskFn:
    """An ask function over a running server's ``POST /api/ask``: what an outside client sees."""
    import requests

    endpoint = url.rstrip("/") + "/api/ask"
    session = requests.Session()

    def ask(question: str, top_k: int) -> dict:
        try:
            r = session.post(endpoint, json={"question": question, "top_k": top_k}, timeout=timeout)
        except requests.RequestException as exc:
            raise QAError(f"cannot reach {endpoint} ({type(exc).__name__}): start the server "
                          "(`qa serve`) or fix --url.") from None
        try:
            body = r.json()
        except ValueError:
            body = None
        if r.status_code != 200 or not isinstance(body, dict) or "passages" not in body:
            detail = body.get("detail") if isinstance(body, dict) else r.text[:200]
            raise QAError(f"{endpoint} answered HTTP {r.status_code} ({detail}) instead of an "
                          "answer: is --url an article-qa server?")
        return body

    return ask


def configurations() -> list[tuple]:
    """(name, Normalisation, BM25 variant[, BM25 k1/b]) for ``qa eval --compare``: the naive
    baseline, the default, each normalisation step added to the baseline and taken out of the
    default, and the BM25 parameters."""
    from ..index import DEFAULT_VARIANT
    from ..nlp import DEFAULT_NORMALISATION as D
    from ..nlp import Normalisation

    base = Normalisation(whitespace=True, lowercase=True, drop_stop=False, drop_punct=False,
                         stem=False)
    return [
        ("naive baseline (rank-bm25 README)", base, "okapi"),
        ("default", D, DEFAULT_VARIANT),
        ("baseline + spaCy tokenizer", replace(base, whitespace=False), "okapi"),
        ("baseline + stop words dropped", replace(base, drop_stop=True), "okapi"),
        ("baseline + punctuation dropped", replace(base, drop_punct=True), "okapi"),
        ("baseline + stemming", replace(base, stem=True), "okapi"),
        ("baseline + Lucene idf", base, "lucene"),
        ("default − stemming", replace(D, stem=False), DEFAULT_VARIANT),
        ("default, lemmas instead of stems", replace(D, stem=False, lemma=True), DEFAULT_VARIANT),
        ("default − stop-word removal", replace(D, drop_stop=False), DEFAULT_VARIANT),
        ("default − lower-casing", replace(D, lowercase=False), DEFAULT_VARIANT),
        ("default − punctuation removal", replace(D, drop_punct=False), DEFAULT_VARIANT),
        ("default, whitespace split", replace(D, whitespace=True), DEFAULT_VARIANT),
        ("default, Okapi idf", D, "okapi"),
        ("default, BM25+", D, "plus"),
        ("default, BM25L", D, "l"),
        ("default, rank-bm25's k1=1.5 b=0.75", D, DEFAULT_VARIANT, {"k1": 1.5, "b": 0.75}),
        ("default, b=0.75", D, DEFAULT_VARIANT, {"b": 0.75}),
        ("default, b=0.3", D, DEFAULT_VARIANT, {"b": 0.3}),
        ("default, k1=2.0", D, DEFAULT_VARIANT, {"k1": 2.0}),
    ]


def compare(make_ask: Callable[..., AskFn], summarise: Callable[[AskFn], dict]) -> list[dict]:
    """Every configuration scored the same way (``summarise`` asks the questions and returns the
    summary): one row (name, settings, summary) each."""
    rows = []
    for name, normalisation, variant, *params in configurations():
        bm25 = params[0] if params else {}
        rows.append({"name": name, "normalisation": asdict(normalisation), "variant": variant,
                     "bm25": bm25, "summary": summarise(make_ask(normalisation, variant, **bm25))})
    return rows


# ---- reliability of the answers given

RELIABILITY_BUCKETS = 10
RIGHT_F1 = 0.5  # an answer counts as right at token F1 >= 0.5 (a common SQuAD convention)


def reliability(answers: Iterable[tuple[float, bool]]) -> dict:
    """Answers given, bucketed by confidence (0-0.1 ... 0.9-1) with the share right in each; the
    calibration gap (mean |confidence - share right|, weighted by answers) and the precision."""
    buckets = [{"low": i / RELIABILITY_BUCKETS, "high": (i + 1) / RELIABILITY_BUCKETS, "answers": 0,
                "confidence": 0.0, "right": 0} for i in range(RELIABILITY_BUCKETS)]
    for confidence, right in answers:
        b = buckets[min(int(confidence * RELIABILITY_BUCKETS), RELIABILITY_BUCKETS - 1)]
        b["answers"] += 1
        b["confidence"] += confidence
        b["right"] += bool(right)
    total = sum(b["answers"] for b in buckets)
    for b in buckets:
        n = b["answers"]
        b["confidence"] = b["confidence"] / n if n else None
        b["share_right"] = b["right"] / n if n else None
    gap = sum(b["answers"] * abs(b["confidence"] - b["share_right"]) for b in buckets
              if b["answers"]) / total if total else None
    return {"buckets": buckets, "answers": total, "calibration_gap": gap,
            "precision": sum(b["right"] for b in buckets) / total if total else None}
