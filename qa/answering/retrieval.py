"""Retrieve and rank: BM25's candidates within the chosen documents, their context credit, answer-type
and role labels and document prior, handed to ``rank.rerank``; the engine's per-passage data, read only."""

from __future__ import annotations

import re

import numpy as np

from ..errors import NotFound
from ..index import Index
from ..passages import Passage
from .answer import fits
from .rank import CONTEXT_WEIGHT, Ranked, document_shares, rerank
from .roles import fills_asked_role
from .spans import Span

_WORD = re.compile(r"\w+")


def matched(passage_terms: list[list[tuple[str, int, int]]], r: Ranked) -> list[tuple[str, int, int]]:
    """Where the ranked passage holds the question's terms: (term, start, end) in its text."""
    return [(t, s, e) for t, s, e in passage_terms[r.passage] if t in r.terms]


class Retriever:
    """Ranks a question's passages over one engine's index and per-passage columns (shared, not copied)."""

    def __init__(self, passages: list[Passage], index: Index, document_index: Index | None,
                 document_names: list[str], title_terms: dict[str, frozenset[str]],
                 by_pronoun: dict[str, list[str]], previous: np.ndarray,
                 passage_terms: list, entity_terms: list, token_terms: list, token_at: list,
                 spans: list[list[Span]]):
        """``previous``: each passage's predecessor in its document, -1 for none (for the context credit);
        ``by_pronoun``: the documents whose subject each he/she/his/her can refer to; ``token_terms``:
        each passage's own terms by token (a term in its ``passage_terms`` but not there is a pronoun's)."""
        self.passages = passages
        self.index = index
        self.document_index = document_index
        self.document_names = document_names
        self.title_terms = title_terms
        self.by_pronoun = by_pronoun
        self.previous = previous
        self.passage_terms = passage_terms
        self.entity_terms = entity_terms
        self.token_terms = token_terms
        self.token_at = token_at
        self.spans = spans
        # per passage, made the first time it is ranked: its entities' labels, so that a passage with
        # none of the asked kind is passed over at once, and the terms it holds only through a pronoun
        self._labels: dict[int, frozenset[str]] = {}
        self._referred: dict[int, dict[str, float]] = {}  # with their BM25 weight there
        self._tokens: dict[int, list[tuple[str, int]]] = {}  # and (term, token) of its tokens' terms
        self._labelled: dict[int, list[Span]] = {}  # and its candidates with a label

    def allowed(self, documents: list[str] | None) -> frozenset[str] | None:
        """The chosen documents, checked; None means all of them."""
        if not documents:
            return None
        if unknown := [d for d in documents if d not in self.title_terms]:
            raise NotFound(f"no document named {unknown[0]!r}: use one of "
                           f"{', '.join(self.document_names)}.", documents=self.document_names)
        return frozenset(documents)

    def referred(self, text: str) -> list[str]:
        """The title terms of the documents a question's he/she/his/her can refer to (their subject is
        a person referred to that way), when that is some documents but not all; else none."""
        if len(self.document_names) < 2:  # one document is all of them
            return []
        words = set(_WORD.findall(text.lower()))
        referred = list(dict.fromkeys(name for w in sorted(words) for name in self.by_pronoun.get(w, ())))
        if not referred or len(referred) == len(self.document_names):
            return []
        return [t for name in referred for t in sorted(self.title_terms[name])]

    def search(self, terms: list[str], depth: int, allowed: frozenset[str] | None) -> list:
        """BM25's best ``depth`` passages, within the allowed documents (searched deeper until found)."""
        if allowed is None:
            return self.index.search(terms, depth)
        limit = depth
        while True:
            found = self.index.search(terms, limit)
            kept = [h for h in found if self.passages[h.passage].document in allowed]
            if len(kept) >= depth or len(found) < limit:
                return kept[:depth]
            limit *= 8

    def rank(self, terms: list[str], depth: int, qtype, asked: set[str],
             allowed: frozenset[str] | None, referred: list[str] = ()) -> list[Ranked]:
        """BM25 candidates, with the answer-type bonus and the document prior (for which a pronoun
        counts as the name of the subjects it can refer to), best first."""
        found = self.search(terms, depth, allowed)
        shares = {}
        if self.document_index is not None:
            scores = dict.fromkeys(self.document_names, 0.0)
            for h in self.document_index.search(terms + list(referred), len(self.document_names)):
                scores[self.document_names[h.passage]] = h.score
            if allowed is not None:
                scores = {n: s for n, s in scores.items() if n in allowed}
            shares = document_shares(scores)
        out = []
        context = self.context(terms, found)
        for h, (credit, credited) in zip(found, context, strict=True):
            p = self.passages[h.passage]
            label = None
            if qtype.labels and not self.labels(h.passage).isdisjoint(qtype.labels):
                label = next((e.label for e, w in zip(p.entities, self.entity_terms[h.passage], strict=True)
                              if fits(qtype, e) and not (w and w <= asked)), None)
            out.append(Ranked(h.passage, h.score, h.terms, label, shares.get(p.document, 1.0),
                              self.role_label(qtype, h, asked) if label or qtype.defines else None,
                              credit, credited))
        return rerank(out, self.referred_weight)

    def labels(self, passage: int) -> frozenset[str]:
        """The labels of the passage's entities."""
        labels = self._labels.get(passage)
        if labels is None:
            labels = self._labels[passage] = frozenset(e.label for e in self.passages[passage].entities)
        return labels

    def labelled(self, passage: int) -> list[Span]:
        """The passage's candidates that are entities (have a label), in order."""
        spans = self._labelled.get(passage)
        if spans is None:
            spans = self._labelled[passage] = [s for s in self.spans[passage] if s.label]
        return spans

    def matched_tokens(self, hit) -> list[int]:
        """The tokens holding the hit's terms (for a pronoun's term, the pronoun), in the passage's order
        (a list: cheaper than a generator to make a set of)."""
        pairs = self._tokens.get(hit.passage)
        if pairs is None:
            at = self.token_at[hit.passage]
            pairs = self._tokens[hit.passage] = [(t, at[s]) for t, s, _ in self.passage_terms[hit.passage]
                                                 if s in at]
        terms = hit.terms
        return [i for t, i in pairs if t in terms]

    def referred_weight(self, hit: Ranked) -> float:
        """The BM25 weight of the hit's matched terms that its passage holds only through a pronoun."""
        only = self._referred.get(hit.passage)
        if only is None:
            held = frozenset(t for t, _, _ in self.passage_terms[hit.passage]).difference(
                self.token_terms[hit.passage])
            only = self._referred[hit.passage] = {t: self.index.held_weights(t, [hit.passage])[0]
                                                  for t in held}
        if not only:
            return 0.0
        return sum((only[t] for t in hit.terms if t in only), 0.0)

    def context(self, terms: list[str], found: list) -> list[tuple[float, tuple[str, ...]]]:
        """Each hit's credit for the question terms it lacks that the sentence before it holds (a share
        of their BM25 weight there: the sentence may go on about what that one named), and those terms."""
        if not found:
            return []
        before = self.previous[[h.passage for h in found]].tolist()
        credit = [0.0] * len(found)
        credited: list[list[str]] = [[] for _ in found]
        for t in terms:
            lacking = [i for i, h in enumerate(found) if t not in h.terms and before[i] >= 0]
            if not lacking:
                continue
            for i, weight in zip(lacking, self.index.held_weights(t, [before[i] for i in lacking]),
                                 strict=True):
                if weight:
                    credit[i] += weight
                    credited[i].append(t)
        return [(c * CONTEXT_WEIGHT, tuple(ts)) for c, ts in zip(credit, credited, strict=True)]

    def role_label(self, qtype, hit, asked: set[str]) -> str | None:
        """The label of a candidate of the asked kind that plays the wh-word's part in the passage
        ("description" for a phrase saying what the name a "Who was X?" asks about is)."""
        p = self.passages[hit.passage]
        if p.syntax is None or qtype.form is None:
            return None
        matched = None  # the tokens holding the hit's terms, found when a candidate needs them
        labels = qtype.labels
        for span in self.spans[hit.passage] if qtype.defines else self.labelled(hit.passage):
            if not (qtype.defines or span.label in labels and fits(qtype, span)) or (
                    span.terms and span.terms <= asked):
                continue
            if matched is None:
                matched = set(self.matched_tokens(hit))
            if fills_asked_role(qtype.form, p.syntax.arcs, span.head,
                                [m for m in matched if not span.first <= m <= span.last]):
                return span.label or "description"
        return None
