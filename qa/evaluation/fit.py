"""Fit the reader's two small logistic models on the SQuAD 2.0 development articles, and its threshold.

``python -m qa.evaluation.fit`` rewrites ``qa/answering/reader_model.json``; the tests check that it
reproduces the file. ``python -m qa.evaluation.fit --held-out`` fits on one article's questions and
scores the other's (two-fold, by article): the figure that says how much of the fit generalises,
with each fold's threshold and how many answerable questions' best candidate is right whatever it is.
1. Candidate scoring: on answerable questions, each candidate span is labelled right when its token F1
   with a gold answer is at least 0.5; the weights of ``reader.FEATURES`` are fitted to that.
2. Calibration: the best candidate of every question (unanswerable ones included) is labelled right
   when the question is answerable and the candidate right; the weights of
   ``reader.CONFIDENCE_FEATURES`` turn its features into the probability of being right; then Platt's
   scaling of that log-odds is refitted on the answers given (above the threshold, not withheld),
   whose confidence is the one users see.
3. Threshold: the probability below which abstaining gives the best SQuAD 2.0 F1 on the same data,
   over the questions whose answer can be shown (not those withheld as contradicted, which abstain).
Newton's method with a small L2 penalty: deterministic, so the file is reproducible to the digit.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from ..answering import reader as reading
from ..answering.extent import answer_extent
from . import squad
from .evaluate import RIGHT_F1

DATA = Path(__file__).resolve().parents[2] / "corpus" / "squad" / "dev-v2.0-normans-rhine.json"
L2 = 1.0  # penalty on the weights (not the bias), in units of examples
ITERATIONS = 50
HALVINGS = 30  # a step halved 30 times is 1e-9 of Newton's: it is taken, and the fit stops soon after
DIGITS = 4
THRESHOLD_DIGITS = 6  # the threshold mapped through Platt's scaling: no answer at its edge may flip


def logistic(x: np.ndarray, y: np.ndarray, l2: float = L2) -> np.ndarray:
    """Weights maximising the penalised log-likelihood of y (0/1) given the rows of x (first column 1)."""
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(ITERATIONS):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y) + penalty * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    return w


def conditional_logit(groups: list[tuple[np.ndarray, int]], l2: float = L2) -> np.ndarray:
    """Weights maximising sum log softmax(x w)[right] over the groups (one question's candidates, the
    index of its best one): a ranking fit, so what matters is beating the other candidates.

    A Newton step that would lower the likelihood is halved until it does not: from zero, full steps
    can overshoot and diverge (fitting the ranker on one SQuAD article alone did)."""
    w = np.zeros(groups[0][0].shape[1])
    loss = _logit_loss(groups, w, l2)
    for _ in range(ITERATIONS):
        gradient = l2 * w
        hessian = np.diag(np.full(len(w), float(l2)))
        for x, right in groups:
            z = x @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            mean = p @ x
            gradient += mean - x[right]
            hessian += (x * p[:, None]).T @ x - np.outer(mean, mean)
        step = np.linalg.solve(hessian, gradient)
        tried = _logit_loss(groups, w - step, l2)
        for _ in range(HALVINGS):
            if tried <= loss:
                break
            step /= 2
            tried = _logit_loss(groups, w - step, l2)
        w, loss = w - step, tried
        if np.abs(step).max() < 1e-10:
            break
    return w


def _logit_loss(groups: list[tuple[np.ndarray, int]], w: np.ndarray, l2: float) -> float:
    """The penalised negative log-likelihood that ``conditional_logit`` minimises."""
    loss = 0.5 * l2 * float(w @ w)
    for x, right in groups:
        z = x @ w
        top = z.max()
        loss -= z[right] - top - np.log(np.exp(z - top).sum())
    return float(loss)


def examples(engine, questions, reader: reading.Reader):
    """Per question: (question, its type and terms, its candidates best-scored first, each one's F1)."""
    out = []
    for q in questions:
        qtype, asked, noun, evidence = engine.prepare(q.question)
        cands = reader.candidates(qtype, asked, noun, evidence) if evidence else []
        f1s = [squad.scores(q, ev.text[s.start:s.end])[1] if q.answerable else 0.0 for _, ev, s, _ in cands]
        out.append((q, qtype, asked, cands, f1s))
    return out


def best_threshold(probabilities: list[float], answer_f1: list[float], answerable: list[bool]) -> float:
    """The abstention threshold with the best overall SQuAD 2.0 F1 (abstaining scores 1 when unanswerable)."""
    best = (-1.0, 1.0)
    for t in sorted(set(np.round(probabilities, 3).tolist()) | {1.01}):
        total = sum((f if p >= t else float(not a))
                    for p, f, a in zip(probabilities, answer_f1, answerable, strict=True))
        best = max(best, (total, -t))
    return round(-best[1], 3)


def fit(engine, questions) -> dict:
    """The model file's content fitted on ``questions`` answered by ``engine``."""
    neutral = reading.Reader.neutral()
    data = examples(engine, questions, neutral)
    groups = [(np.array([x for _, _, _, x in cands]), int(np.argmax(f1s)))
              for q, _, _, cands, f1s in data if q.answerable and cands and max(f1s) >= RIGHT_F1]
    w = conditional_logit(groups)
    weights = {name: round(float(v), DIGITS) + 0.0 for name, v in zip(reading.FEATURES, w, strict=True)}
    scorer = reading.Reader({"weights": weights,
                             "calibration": dict.fromkeys(reading.CONFIDENCE_FEATURES, 0.0),
                             "threshold": 0.0})
    tops, labels, f1_of_top, answerable, withheld = [], [], [], [], []
    for q, qtype, asked, cands, f1s in data:
        if not cands or qtype.kind in reading.CLAUSE_KINDS:  # none, or answered yes/no (polarity.py)
            continue
        scored = sorted((((reading._dot(scorer.weights, x), ev, s, x), f)
                         for (_, ev, s, x), f in zip(cands, f1s, strict=True)), key=lambda c: -c[0][0])
        ranked = [c for c, _ in scored]
        tops.append(scorer.confidence_features(qtype, ranked))
        withheld.append(bool(reading.withheld(qtype, ranked[0][1], ranked[0][2])))
        # scored as the answer given: the best candidate's extent as the reader answers it
        _, ev, span, _ = ranked[0]
        start, end = answer_extent(ev, span, asked, qtype.kind)
        f1 = squad.scores(q, ev.text[start:end])[1] if q.answerable else 0.0
        labels.append(q.answerable and f1 >= RIGHT_F1)
        f1_of_top.append(f1)
        answerable.append(q.answerable)
    c = logistic(np.array(tops), np.array(labels, dtype=float))
    calibration = {n: round(float(v), DIGITS) + 0.0
                   for n, v in zip(reading.CONFIDENCE_FEATURES, c, strict=True)}
    probabilities = [reading.sigmoid(float(np.dot([calibration[n] for n in reading.CONFIDENCE_FEATURES], x)))
                     for x in tops]
    # questions with no candidate at all abstain whatever the threshold: they do not move it; nor do
    # those whose best candidate's passage says otherwise (``reader.withheld``), which abstain too
    shown = [k for k, out in enumerate(withheld) if not out]
    threshold = best_threshold(*([values[k] for k in shown]
                                 for values in (probabilities, f1_of_top, answerable)))
    platt, threshold = recalibrated(calibration, threshold, np.array(tops), np.array(labels, dtype=float),
                                    [k for k in shown if probabilities[k] >= threshold])
    return {"fitted_on": f"{DATA.name} (SQuAD 2.0 development set, CC BY-SA 4.0): "
                         f"{len(questions)} questions, {sum(len(x) for x, _ in groups)} candidates",
            "answerable_share": round(sum(answerable) / len(answerable), DIGITS),
            "weights": weights, "calibration": calibration, "platt": platt, "threshold": threshold}


def recalibrated(calibration: dict, threshold: float, tops: np.ndarray, labels: np.ndarray,
                 given: list[int]) -> tuple[dict, float]:
    """Platt's scaling of the calibration's log-odds z, refitted on the answers it gives (those at or
    above the threshold, not withheld): a better lot than every question's best candidate, which the
    calibration was fitted on, and the confidence users see is theirs. ({"scale", "shift"}, the
    threshold in the scaled probability); monotone, so the same answers are given."""
    z = tops[given] @ np.array([calibration[n] for n in reading.CONFIDENCE_FEATURES])
    if len(given) < 2 or labels[given].min() == labels[given].max():
        return dict(reading.IDENTITY), threshold
    shift, scale = (round(float(v), DIGITS) + 0.0 for v in
                    logistic(np.column_stack([np.ones(len(z)), z]), labels[given], l2=0.0))
    if scale <= 0:
        return dict(reading.IDENTITY), threshold
    return {"scale": scale, "shift": shift}, round(reading.sigmoid(scale * reading.logit(threshold) + shift),
                                                   THRESHOLD_DIGITS)


def build(data: Path = DATA):
    """The engine over the development articles and their questions."""
    from ..cache import cache_dir
    from ..engine import Engine

    articles, questions = squad.load(data)
    folder = squad.write_corpus(articles, cache_dir())
    return Engine.from_corpus(folder, reader=reading.Reader.neutral()), questions


def held_out(engine, questions, articles=None) -> dict:
    """SQuAD 2.0's figures over every question, each answered by a reader fitted on the other
    articles' questions only (the fitted share of answerable questions kept, as ``qa eval --squad``),
    with each fold's fitted threshold and ``top_right``: the answerable questions whose best
    candidate is right whatever the threshold, a figure that a fold's threshold jump cannot move."""
    from .evaluate import engine_ask

    articles = articles if articles is not None else squad.load(DATA)[0]
    passages = squad.engine_passages(engine)
    outcomes, fitted, thresholds, top_right = [], engine.reader, {}, 0
    try:
        for document in sorted({q.document for q in questions}):
            model = fit(engine, [q for q in questions if q.document != document])
            engine.reader, thresholds[document] = reading.Reader(model), model["threshold"]
            scored = [q for q in questions if q.document == document]
            outcomes += squad.evaluate_squad(engine_ask(engine), articles, scored, passages).outcomes
            top_right += sum(squad.scores(q, _best_answer(engine, q.question))[1] >= RIGHT_F1
                             for q in scored if q.answerable)
    finally:
        engine.reader = fitted
    return {**squad.squad_summary(outcomes), "thresholds": thresholds, "top_right": top_right}


def _best_answer(engine, question: str) -> str | None:
    """The engine's best short answer to the question, however unlikely (None: no candidate)."""
    answer = engine.ask(question, min_confidence=0.0).answer
    return answer.text if answer else None


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m qa.evaluation.fit", description=(
        "Fit the reader's model on the SQuAD 2.0 development articles and write it, or with "
        "--held-out print the two-fold by-article figures instead."))
    parser.add_argument("out", nargs="?", type=Path, default=reading.MODEL_FILE,
                        help=f"where to write the model (default {reading.MODEL_FILE})")
    parser.add_argument("--held-out", action="store_true",
                        help="fit on one article, score the other, both ways; write nothing")
    args = parser.parse_args(argv)
    engine, questions = build()
    if args.held_out:
        figures = held_out(engine, questions)
        print(" ".join(f"{k} {figures[k]:.1f}" for k in ("f1", "exact", "HasAns_f1", "NoAns_f1",
                                                          "answer_nothing")),
              f"precision {figures['precision']:.3f} answered {figures['answered']}")
        print("thresholds " + " ".join(f"{d} {t:.3f}" for d, t in figures["thresholds"].items()),
              f"top_right {figures['top_right']} of {sum(q.answerable for q in questions)} answerable")
        return
    model = fit(engine, questions)
    args.out.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: threshold {model['threshold']}")


if __name__ == "__main__":
    main(sys.argv[1:])
