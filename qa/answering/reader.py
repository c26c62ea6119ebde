"""Read the short answer out of the top passages: candidate spans, their features, a fitted score and a
calibrated probability of being right; below the threshold, an abstention with its reason.

Candidates are the passage's named entities and the phrases its parse gave at index time
(``spans``), answered with the extent ``extent`` gives. Each is described by general features (the
kind of answer the question asks for, words not already in the question, closeness in words and in
the parse to the question's matched words, the passage's rank and match), scored by a logistic model
and calibrated by a second one, both fitted on the SQuAD 2.0 development articles by
``python -m qa.evaluation.fit`` into ``reader_model.json``. A yes/no question is answered "yes" or
"no" by ``polarity`` instead.
"""

from __future__ import annotations

import itertools
import json
import math
import operator
import os
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path

from . import contradiction, events, kinds, opposites, polarity, restated
from .answer import COPULA_FORM, OBJECT_FORM, SUBJECT_FORM, YES_NO, Answer, QuestionType, fits
from .extent import QUOTES, answer_extent, shortened
from .roles import clause, fills_asked_role
from .spans import SUBJECT, Evidence, Span

MODEL_FILE = Path(__file__).with_name("reader_model.json")
# The share of questions users ask that the article can answer, which the confidence assumes. The
# fit sees SQuAD 2.0's mix (about half unanswerable by design); questions people ask of an article
# are mostly answerable: 86 of the seed article's 100 development questions.
DEFAULT_ANSWERABLE_SHARE = 0.86
FAR = 6  # tree hops or words beyond which closeness counts as none
WHY_DETAIL = "no reason given with 'because' or 'due to', nor a purpose with 'to ...'"
HOW_DETAIL = "no manner given with 'by', 'through' or 'with', a manner adverb or a passive's predicate"
DETAILS = {"why": WHY_DETAIL, "how": HOW_DETAIL}  # what was looked for when nothing was found
CLAUSE_KINDS = frozenset({"yes_no"})  # its answer is yes or no, not a candidate: left out of the fit
OBJECT = frozenset({"dobj", "pobj", "attr", "appos", "oprd", "dative"})
COPULA_ROLES = frozenset({"attr", "appos", "nsubj", "nsubjpass", "acomp"})  # what "X is Y" names
VERBS = frozenset({"VERB", "AUX"})

FEATURES = ("bias", "fits_type", "typed_other", "entity_untyped", "phrase_untyped", "new_words",
            "all_in_question", "near_words", "near_parse", "asked_noun", "noun_beside", "first_passage",
            "third_passage", "score_ratio", "coverage", "length", "proper", "number", "subject",
            "object", "words_around", "child_of_match", "date_untyped", "apposition",
            "asked_subject", "asked_object", "asked_copula", "question_preposition", "title_only",
            "rarity", "sibling_of_match", "verb_governs", "kind_of_noun", "asked_preposition", "named_as",
            "conjunct_of_match")
# English words with which a question asks for a name ("What is X called?") and a text gives one
# ("the so-called Rhine knee", "known as Leonid"): the word or two before a name that introduce it
ASKS_NAME = frozenset({"called", "known", "named", "name", "names", "term", "termed", "nicknamed"})
INTRODUCE_NAME = frozenset({"called", "named", "termed", "dubbed", "nicknamed", "so-called", "titled"})
AS_NAME = frozenset({"known", "referred", "designated", "described", "styled"})  # "... as X"
BESIDES = frozenset({"other", "else", "besides", "another", "apart", "except"})  # "what other river?"
WINDOW = 4  # words either side of a candidate where question words count as around it
# the calibration's log-odds z, then the probability shown: sigmoid(scale * z + shift), Platt's scaling
# refitted on the answers given (``qa.evaluation.fit.recalibrated``); identity when a model has none
IDENTITY = {"scale": 1.0, "shift": 0.0}
CONFIDENCE_FEATURES = ("bias", "score", "margin", "coverage", "score_ratio", "typed", "fits_type")


class Reason(Enum):
    """Why there is no short answer: a code for programs, a sentence for people."""

    NO_PASSAGE = "no passage matches the question."
    NO_CANDIDATE = "the top passages hold nothing of the kind the question asks for that is not " \
                   "already in the question."
    LOW_CONFIDENCE = "the best candidate is too unlikely to be right"
    NOT_STATED = "the top passages do not plainly say yes or no."
    CONTRADICTED = "the best candidate's passage says otherwise than the question."


@dataclass(frozen=True)
class Reading:
    answer: Answer | None
    reason: Reason | None
    detail: str | None = None

    @property
    def message(self) -> str | None:
        if self.reason is None:
            return None
        text = self.reason.value
        if not self.detail:
            return text
        return text.removesuffix(".") + f" ({self.detail})" + ("." if text.endswith(".") else "")


def _chain(arcs, a: int) -> dict[int, int]:
    """Each ancestor of a token within FAR edges (itself included), with its distance."""
    chain, i = {}, a
    for d in range(FAR + 1):
        chain.setdefault(i, d)
        if arcs[i][2] == i:
            break
        i = arcs[i][2]
    return chain


def _hops(arcs, a: int, b: int, chain: dict[int, int] | None = None) -> int:
    """Edges between two tokens in the dependency tree (FAR when further or unconnected); ``chain``
    is ``_chain(arcs, a)`` when the caller has it."""
    chain = chain if chain is not None else _chain(arcs, a)
    i = b
    for d in range(FAR + 1):
        if i in chain:
            return min(FAR, chain[i] + d)
        if arcs[i][2] == i:
            break
        i = arcs[i][2]
    return FAR


@dataclass(frozen=True)
class Nearness:
    """How near each token of a passage is to the question's matched words, once per question: a
    candidate holding none of them (most do) has its closeness features without a search."""

    words: list[int]  # tokens to the nearest matched token (FAR at most)
    tree: list[int]  # dependency edges to the nearest matched token (FAR at most)
    before: list[int]  # matched tokens before each index, and in all at the end
    parents: frozenset[int]  # the heads of matched tokens (a root is not its own)

    @classmethod
    def of(cls, ev: Evidence) -> Nearness:
        arcs = ev.arcs
        n = len(arcs)
        matched = [i for i in ev.matched if i < n]  # a passage without a parse has no arcs
        flags, words, tree = [False] * n, [FAR] * n, [FAR] * n
        for i in matched:
            flags[i], tree[i] = True, 0
        before = list(itertools.accumulate(flags, initial=0))
        for m in matched:  # the tokens less than FAR from a matched one: their distance, if nearer
            for i in range(max(0, m - FAR + 1), min(n, m + FAR)):
                apart = abs(i - m)
                if apart < words[i]:
                    words[i] = apart
        neighbours = ev.neighbours if ev.neighbours is not None else tree_neighbours(arcs)
        frontier = matched
        for d in range(1, FAR):
            reached = []
            for i in frontier:
                for j in neighbours[i]:
                    if tree[j] > d:
                        tree[j] = d
                        reached.append(j)
            frontier = reached
        return cls(words, tree, before, frozenset(arcs[i][2] for i in matched if arcs[i][2] != i))


def tree_neighbours(arcs) -> list[list[int]]:
    """Each token's head and dependents: its neighbours in the dependency tree, for ``Nearness``."""
    neighbours: list[list[int]] = [[] for _ in arcs]
    for k, (_, _, head) in enumerate(arcs):
        if head != k:
            neighbours[k].append(head)
            neighbours[head].append(k)
    return neighbours


def features(qtype: QuestionType, asked: frozenset[str], noun: str | None, ev: Evidence,
             span: Span, top_score: float, near: Nearness | None = None) -> list[float]:
    """The feature vector of one candidate for one question, in the order of ``FEATURES`` (``near``:
    ``Nearness.of(ev)``, when the caller scores several candidates of one passage)."""
    typed = bool(qtype.labels)
    first, last, head, terms, arcs = span.first, span.last, span.head, span.terms, ev.arcs
    fit = span.label is not None and typed and fits(qtype, span)
    overlap = len(terms & asked) / len(terms) if terms else 1.0
    head_pos, head_dep, head_head = arcs[head]
    near = near or Nearness.of(ev)
    total = near.before[-1]
    inside = near.before[last + 1] - near.before[first]
    if total and not inside:  # every matched token is outside: no search needed
        words, parse = min(near.words[first], near.words[last]), near.tree[head]
        around = (near.before[min(len(arcs), last + WINDOW + 1)] - near.before[max(0, first - WINDOW)]) \
            / (1 + total)
        sibling = head_head in near.parents
    elif total and len(ev.matched) > inside:
        outside = [i for i in ev.matched if i < first or i > last]
        words = min(first - i if i < first else i - last for i in outside)
        chain = _chain(arcs, head)
        parse = min(_hops(arcs, head, i, chain) for i in outside)
        around = sum(1 for i in outside if first - WINDOW <= i <= last + WINDOW) / (1 + len(outside))
        sibling = any(arcs[i][2] == head_head and i != head_head for i in outside)
    else:
        words, parse, around, sibling = FAR, FAR, 0.0, False
    governs = head_head in ev.matched and head_head != head
    kind_of_noun = qtype.noun is not None and any(kinds.is_a(w, qtype.noun)
                                                  for w in ev.words[first:last + 1])
    governor = arcs[head_head][2]
    asked_preposition = (head_dep == "pobj" and qtype.preposition is not None and bool(ev.words)
                         and ev.words[head_head] == qtype.preposition and governor in ev.matched
                         and (qtype.governor is None or ev.token_terms[governor] == qtype.governor))
    named_as = not qtype.words.isdisjoint(ASKS_NAME) and _introduced_as_name(ev, span)
    besides = not qtype.words.isdisjoint(BESIDES)
    return [
        1.0, 1.0 if fit else 0.0, 1.0 if typed and not fit else 0.0,
        1.0 if not typed and span.label is not None else 0.0,
        1.0 if not typed and span.label is None else 0.0,
        1.0 - overlap, 1.0 if terms and overlap == 1.0 else 0.0,
        1.0 / (1.0 + min(words, FAR)), 1.0 / (1.0 + parse),
        1.0 if noun is not None and noun in terms else 0.0,
        1.0 if noun is not None and noun not in terms and _beside(ev, span, head_head, noun) else 0.0,
        1.0 if ev.rank == 1 else 0.0, 1.0 if ev.rank >= 3 else 0.0,
        ev.score / top_score if top_score else 0.0,
        ev.coverage, span.log_length, 1.0 if head_pos == "PROPN" else 0.0,
        1.0 if head_pos == "NUM" else 0.0, 1.0 if head_dep in SUBJECT else 0.0,
        1.0 if head_dep in OBJECT else 0.0,
        around, 1.0 if governs else 0.0,
        1.0 if not typed and (span.label or span.within) in ("DATE", "TIME", "CARDINAL") else 0.0,
        1.0 if span.aside else 0.0,
        1.0 if qtype.form == SUBJECT_FORM and span.doer else 0.0,
        1.0 if qtype.form == OBJECT_FORM and head_dep in OBJECT else 0.0,
        1.0 if qtype.form == COPULA_FORM and head_dep in COPULA_ROLES else 0.0,
        1.0 if head_dep == "pobj" and ev.words and ev.words[head_head] in qtype.words else 0.0,
        1.0 if terms and terms <= ev.title else 0.0,
        span.rarity,
        1.0 if sibling else 0.0,
        1.0 if governs and arcs[head_head][0] in VERBS else 0.0,
        1.0 if kind_of_noun else 0.0,
        1.0 if asked_preposition else 0.0,
        1.0 if named_as else 0.0,
        1.0 if besides and _conjunct_of_match(ev, span, head_dep, head_head) else 0.0,
    ]


def _conjunct_of_match(ev: Evidence, span: Span, head_dep: str, head_head: int) -> bool:
    """Whether the candidate is coordinated with a matched word ("viniculture and tourism" for
    "Besides viniculture, what ...?"): the question names one of a list and asks for another."""
    arcs = ev.arcs
    mine = _coordination(arcs, span.head)
    return any(_coordination(arcs, m) == mine and not span.first <= m <= span.last
               for m in ev.matched if m < len(arcs) and (arcs[m][1] == "conj" or head_dep == "conj"))


def _coordination(arcs, i: int) -> int:
    """The first item of the list ("A, B and C") the token is an item of: itself when it is in none."""
    while arcs[i][1] == "conj" and arcs[i][2] != i:
        i = arcs[i][2]
    return i


def _introduced_as_name(ev: Evidence, span: Span) -> bool:
    """Whether the passage gives the span as a name: after "called", "known as" and the like, or in
    quotation marks."""
    before = ev.words[max(0, span.first - 2):span.first] if ev.words else ()
    if before[-1:] and before[-1] in INTRODUCE_NAME or before[-1:] == ("as",) and before[:1] and \
            before[0] in AS_NAME:
        return True
    text = ev.text
    opened = text[span.start] in QUOTES or text[:span.start].rstrip()[-1:] in QUOTES
    return opened and (text[span.end - 1] in QUOTES or text[span.end:span.end + 1] in QUOTES)


def _agent_not_asked(qtype: QuestionType, ev: Evidence, head: int) -> bool:
    """Whether the token is a passive's "by X" that grammar rules out: a passive question ("Who was
    banished ...?") asks for the one acted on, not the agent of the verb it names; one asking for a
    subject ("Who found refuge ...?") wants the subject of the verb it names, which, when that verb is
    coordinated with the passive ("X was banished by S and found refuge"), is X, never S. (Widened to
    every question form, the rule cost Eitingon F1 0.421 -> 0.409 and Curie a false abstention.)"""
    arcs = ev.arcs
    governor = arcs[head][2]
    if not (arcs[head][1] == "pobj" and arcs[governor][1] == "agent"):
        return False
    verb = arcs[governor][2]
    if qtype.passive:
        return verb in ev.matched
    if qtype.form != SUBJECT_FORM or verb in ev.matched:
        return False
    return any(arcs[m][0] in VERBS and arcs[m][1] == "conj" and arcs[m][2] == verb for m in ev.matched)


def _someone_else(qtype: QuestionType, ev: Evidence, span: Span) -> bool:
    """Whether grammar says the candidate is not what "Who was X?" asks to identify: X's head word
    is one core argument of a clause and the candidate another (its subject against its object, or
    a passive's "by" phrase), which name two different things unless the clause says "himself"."""
    if qtype.named is None or not ev.words:
        return False
    mine = _core_role(ev.arcs, span.head)
    if mine is None:
        return False
    return any(ev.words[m] == qtype.named and not span.first <= m <= span.last
               and _core_role(ev.arcs, m) not in (None, mine) and _core_role(ev.arcs, m)[1] == mine[1]
               for m in ev.matched)


def _names_asked_one(ev: Evidence, span: Span) -> bool:
    """Whether the candidate is a person's name that runs on into a matched name, as a compound of it
    ("Leonid" of "Leonid Eitingon's friend", split by the recogniser): it is part of the name the
    question gives, the one it asks about, never the answer."""
    nxt = span.last + 1
    if span.label != "PERSON" or nxt not in ev.matched or ev.arcs[span.head][1:] != ("compound", nxt):
        return False
    return any(s.label == "PERSON" and s.first <= nxt <= s.last for s in ev.spans)


def _describes(ev: Evidence, span: Span) -> bool:
    """Whether the candidate says what a matched name is: "X was a physicist", "X, the revolutionary"
    (a "Who was X?" asks for that, never for another name beside X)."""
    outside = ev.matched - set(range(span.first, span.last + 1))
    return bool(ev.arcs) and fills_asked_role(COPULA_FORM, ev.arcs, span.head, outside)


def _core_role(arcs, i: int) -> tuple[str, int] | None:
    """("doer" | "undergoer", the clause's verb) of a subject, direct object or passive's "by X"."""
    dep, head = arcs[i][1], arcs[i][2]
    if dep in ("nsubj", "csubj"):
        return "doer", clause(arcs, head)
    if dep in ("dobj", "nsubjpass", "dative"):
        return "undergoer", clause(arcs, head)
    if dep == "pobj" and arcs[head][1] == "agent":
        return "doer", clause(arcs, arcs[head][2])
    return None


def _beside(ev: Evidence, span: Span, head: int, noun: str) -> bool:
    """Whether the noun is a term of the phrase the span's head hangs on or of the two words either side
    of it."""
    terms = ev.token_terms
    return (noun in _terms_at(ev, head) or noun in terms[max(0, span.first - 2):span.first]
            or noun in terms[span.last + 1:span.last + 3])


def _terms_at(ev: Evidence, i: int) -> frozenset[str]:
    if ev.phrase_terms is not None:
        return ev.phrase_terms[i] if i < len(ev.phrase_terms) else frozenset()
    return next((s.terms for s in ev.spans if s.first <= i <= s.last and s.label is None), frozenset())


def _dot(weights: list[float], x: list[float]) -> float:
    if len(weights) != len(x):
        raise ValueError(f"{len(x)} features for {len(weights)} weights")
    return sum(map(operator.mul, weights, x))


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0


def answerable_share() -> float:
    """$QA_ANSWERABLE_SHARE (a number between 0 and 1, exclusive) or the default."""
    from ..errors import StartupError

    raw = os.environ.get("QA_ANSWERABLE_SHARE")
    if not raw:
        return DEFAULT_ANSWERABLE_SHARE
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.0 < value < 1.0:
        raise StartupError(f"QA_ANSWERABLE_SHARE is {raw!r}: give a number between 0 and 1, e.g. 0.86 "
                           "(the share of questions the articles can answer).")
    return value


def logit(p: float) -> float:
    return math.log(p / (1.0 - p))


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_FILE) -> dict:
    """The fitted weights and threshold (written by ``python -m qa.evaluation.fit``)."""
    return json.loads(path.read_text(encoding="utf-8"))


def withheld(qtype: QuestionType, ev: Evidence, span: Span) -> str | None:
    """How the best candidate's passage contradicts the question (it is then no answer), or None."""
    return (contradiction.said_otherwise(qtype, ev, lambda: Nearness.of(ev).tree)
            or contradiction.roles_swapped(qtype, ev, span)
            or contradiction.point_for_length(qtype, ev, span)
            or contradiction.sibling_named(qtype, ev, span)
            or restated.restates(qtype.phrases, ev, span))


class Reader:
    """Scores candidates with the fitted model and turns the best into a calibrated answer."""

    def __init__(self, model: dict | None = None, answerable_share: float | None = None):
        model = model or load_model()
        try:
            fitted_share = float(model.get("answerable_share", 0.5))
            self.weights = [float(model["weights"][f]) for f in FEATURES]
            self.calibration = [float(model["calibration"][f]) for f in CONFIDENCE_FEATURES]
            self.threshold = float(model["threshold"])
            platt = model.get("platt", IDENTITY)
            self.scale, self.shift = float(platt["scale"]), float(platt["shift"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"the reader model lacks or garbles {exc}: refit it with "
                             "`python -m qa.evaluation.fit`.") from None
        share = fitted_share if answerable_share is None else answerable_share
        self.prior_shift = logit(share) - logit(fitted_share)
        kinds.table()  # read at start-up, not by the first question
        opposites.table()
        events.table()

    @classmethod
    def neutral(cls) -> Reader:
        """A reader with every weight 0: what fitting starts from."""
        return cls({"weights": dict.fromkeys(FEATURES, 0.0),
                    "calibration": dict.fromkeys(CONFIDENCE_FEATURES, 0.0), "threshold": 0.0})

    def candidates(self, qtype: QuestionType, asked: frozenset[str], noun: str | None,
                   evidence: list[Evidence]) -> list[tuple[float, Evidence, Span, list[float]]]:
        """(score, passage, span, features) of every candidate, best first."""
        top = evidence[0].score if evidence else 0.0
        out = []
        for ev in evidence:
            pool = ev.reasons if qtype.kind == "why" else ev.manners if qtype.kind == "how" else ev.spans
            near = Nearness.of(ev) if pool else None
            if pool is ev.spans:
                pool = pool + shortened(ev, asked)
            for span in pool:
                if span.terms and span.terms <= asked:
                    continue
                if (qtype.kind != "how" and _agent_not_asked(qtype, ev, span.head)  # "created by erosion"
                        or _someone_else(qtype, ev, span) or _names_asked_one(ev, span)
                        or qtype.defines and not _describes(ev, span)):
                    continue
                x = features(qtype, asked, noun, ev, span, top, near)
                out.append((_dot(self.weights, x), ev, span, x))
        out.sort(key=lambda c: -c[0])
        return out

    def confidence_features(self, qtype: QuestionType, ranked) -> list[float]:
        best, ev = ranked[0][0], ranked[0][1]
        margin = best - ranked[1][0] if len(ranked) > 1 else 3.0
        x = ranked[0][3]
        return [1.0, best, min(margin, 3.0), ev.coverage, x[FEATURES.index("score_ratio")],
                float(bool(qtype.labels)), x[FEATURES.index("fits_type")]]

    def read(self, qtype: QuestionType, asked: frozenset[str], noun: str | None,
             evidence: list[Evidence], min_confidence: float | None = None) -> Reading:
        """The best candidate as an answer with its probability of being right, or why there is none."""
        if not evidence:
            return Reading(None, Reason.NO_PASSAGE)
        if qtype.kind == "yes_no":
            return self._yes_or_no(qtype, evidence, min_confidence)
        ranked = self.candidates(qtype, asked, noun, evidence)
        if not ranked:
            return Reading(None, Reason.NO_CANDIDATE, DETAILS.get(qtype.kind))
        _, ev, span, _ = ranked[0]
        if otherwise := withheld(qtype, ev, span):
            return Reading(None, Reason.CONTRADICTED, otherwise)
        p = sigmoid(self.scale * (_dot(self.calibration, self.confidence_features(qtype, ranked))
                                  + self.prior_shift) + self.shift)
        start, end = answer_extent(ev, span, asked, qtype.kind)
        return self._offered(Answer(ev.text[start:end], span.label or "PHRASE", ev.rank, start, end,
                                    round(p, 3)), p, min_confidence)

    def _offered(self, answer: Answer, p: float, min_confidence: float | None) -> Reading:
        """The answer, or an abstention when its probability ``p`` (unrounded) is below the threshold."""
        floor = self.threshold if min_confidence is None else min_confidence
        if p < floor:
            return Reading(None, Reason.LOW_CONFIDENCE,
                           f"{answer.text!r}, right with probability {p:.2f}, below {floor:.2f}")
        return Reading(answer, None)

    def _yes_or_no(self, qtype: QuestionType, evidence: list[Evidence],
                   min_confidence: float | None) -> Reading:
        """"yes" or "no" from the grammar of the best-covered passage (polarity.py), with the confidence
        measured for that verdict, or why there is none."""
        found = polarity.verdict(evidence, qtype.words, qtype.passive)
        if isinstance(found, str):
            return Reading(None, Reason.NOT_STATED, found)
        p = polarity.CONFIDENCE[found.text]
        return self._offered(Answer(found.text, YES_NO, found.evidence.rank, found.start, found.end, p),
                             p, min_confidence)
