"""The reader's inputs: the question's terms as the reader sees them, and the ``Evidence`` of each top
passage an answer may be read from (its coverage, candidates with their rarity, parse and match)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

from ..index import Index
from ..nlp import Analyzer
from ..passages import Passage
from . import events
from .answer import TOP_PASSAGES
from .rank import Ranked
from .reader import tree_neighbours
from .spans import Evidence, Span, phrase_terms

# the least document share (rank.py) a passage's document needs for an answer to be read from it: 1 reads
# from the best-matching document only, as DrQA reads the top documents; measured on SQuAD dev F1:
# 48.0 at 0, 0.75 and 0.9, 48.2 at 1 (and no unanswerable question answered from another article)
READ_SHARE = 1.0


class EvidenceBuilder:
    """Makes the reader's inputs from one engine's index and per-passage columns (shared, not copied);
    the candidates' rarity and the dependency trees are made the first time a passage is read."""

    def __init__(self, passages: list[Passage], index: Index, analyzer: Analyzer, document_count: int,
                 title_terms: dict[str, frozenset[str]], titled: dict[str, set[str]], token_terms: list,
                 words: list, pools: dict[str, list[list[Span]]],
                 matched_tokens: Callable[[Ranked], list[int]]):
        """``titled``: the documents each title term names; ``pools``: each passage's candidates of
        every kind (entities and phrases, reasons for why?, manners for how?); ``matched_tokens``: the
        tokens of a ranked passage that hold its matched terms (``Retriever.matched_tokens``)."""
        self.passages = passages
        self.index = index
        self.analyzer = analyzer
        self.document_count = document_count
        self.title_terms = title_terms
        self.titled = titled
        self.token_terms = token_terms
        self.words = words
        self.pools = pools
        self.matched_tokens = matched_tokens
        self._top_idf = 0.0  # the highest idf, for candidates' rarity, set at the first read
        # the candidates (and reason and manner phrases) of passages read so far, with their rarity set
        self._rarity: dict[tuple[int, str], list[Span]] = {}
        self._trees: dict[int, list[list[int]]] = {}  # and their dependency trees, as neighbour lists
        self._phrases: dict[int, list[frozenset[str]]] = {}  # and each token's phrase terms

    def readable(self, terms: list[str]):
        """Which ranked passages an answer may be read from: those of the documents the question names
        (when it names some) and of the best-matching document (READ_SHARE). The reader is fitted on
        every top passage (``Engine.prepare``): which ones may answer is decided here, after."""
        named = self.named(terms)
        return lambda r: (r.document_share >= READ_SHARE
                          and (named is None or self.passages[r.passage].document in named))

    def named(self, terms: list[str]) -> frozenset[str] | None:
        """The documents whose subjects (title words) the question names, when it names some but not
        all: an answer comes from those only, so that "Where was Eitingon born?" is never answered
        from a sentence about someone else in another article. None: any document."""
        if self.document_count < 2:
            return None
        named = frozenset(name for t in terms for name in self.titled.get(t, ()))
        return named if named and len(named) < self.document_count else None

    def inputs(self, qtype, terms: list[str], ranked: list[Ranked], readable=None):
        """What the reader is given: the question's type (with its governor as a search term), its
        terms (with the subject's name when the question names it), the noun it asks for, and the
        evidence of the top passages, only those ``readable`` says when it is given."""
        noun = self.analyzer.term(qtype.noun, qtype.noun, False) if qtype.noun else None
        if qtype.governor:
            qtype = replace(qtype, governor=self.analyzer.term(qtype.governor, qtype.governor, False))
        if qtype.event and self.analyzer.term(qtype.event, qtype.event, False) and events.verbs(qtype.event):
            qtype = replace(qtype, event_terms=frozenset(
                t for w in events.wordings(qtype.event) if (t := self.analyzer.term(w, w, False))))
        asked = frozenset(terms)
        if ranked:
            subject = self.title_terms[self.passages[ranked[0].passage].document]
            asked = asked | subject if asked & subject else asked
        weights = {t: self.idf(t) for t in terms}
        kept: dict[str, tuple[dict[str, float], float]] = {}
        evidence = [self._evidence(rank, r, self._coverage(weights, r, kept))
                    for rank, r in enumerate(ranked[:TOP_PASSAGES], 1) if readable is None or readable(r)]
        return qtype, asked, noun, evidence

    def _coverage(self, weights: dict[str, float], r: Ranked,
                  kept_by_document: dict[str, tuple[dict[str, float], float]]) -> float:
        """The idf-weighted share of the question's terms the passage holds, leaving out its document's
        title words, which say which article, not which sentence (alone, a biography names its subject
        everywhere and their idf is near 0; in a folder it is high and would inflate the confidence).
        ``kept_by_document``: the weights kept and their sum, per document, filled as they are made."""
        document = self.passages[r.passage].document
        found = kept_by_document.get(document)
        if found is None:
            title = self.title_terms[document]
            kept = {t: w for t, w in weights.items() if t not in title} or weights
            found = kept_by_document[document] = (kept, sum(kept.values()) or 1.0)
        kept, total = found
        return sum(w for t, w in kept.items() if t in r.terms) / total

    def _evidence(self, rank: int, r: Ranked, coverage: float) -> Evidence:
        """What the reader needs of one ranked passage (``coverage``: idf-weighted share of the
        question's terms it holds), all computed at index time but the match."""
        p = self.passages[r.passage]
        held = frozenset(self.matched_tokens(r))
        arcs = p.syntax.arcs if p.syntax else []
        return Evidence(rank, r.score, coverage, p.text, self.rare(r.passage), arcs, held,
                        self.token_terms[r.passage], self.words[r.passage], self.title_terms[p.document],
                        self.rare(r.passage, "reasons"), self.rare(r.passage, "manners"), p.tokens,
                        self._tree(r.passage, arcs), self._phrase_terms(r.passage, len(p.tokens)))

    def _tree(self, passage: int, arcs: list) -> list[list[int]]:
        """The passage's dependency tree as neighbour lists, made the first time it is read."""
        tree = self._trees.get(passage)
        if tree is None:
            tree = self._trees[passage] = tree_neighbours(arcs)
        return tree

    def _phrase_terms(self, passage: int, n: int) -> list[frozenset[str]]:
        """Each token's terms of the phrase holding it (``spans.phrase_terms``), made the first time."""
        terms = self._phrases.get(passage)
        if terms is None:
            terms = self._phrases[passage] = phrase_terms(self.rare(passage), n)
        return terms

    def rare(self, passage: int, pool: str = "spans") -> list[Span]:
        """The passage's candidates of one pool (``self.pools``: entities and phrases, reasons or
        manners) with their rarity (mean idf of their terms as a share of the highest), from this
        corpus's idf: spans are kept per document, unchanged across rebuilds, while idf moves with
        every article added, so it is set here, once per passage, pool and engine."""
        spans = self._rarity.get((passage, pool))
        if spans is None:
            if not self._top_idf:
                self._top_idf = self.idf("") or 1.0
            spans = [replace(s, rarity=sum(self.idf(t) for t in s.terms) / len(s.terms) / self._top_idf)
                     if s.terms else s for s in self.pools[pool][passage]]
            self._rarity[(passage, pool)] = spans
        return spans

    def idf(self, term: str) -> float:
        """The term's idf; a term the corpus lacks weighs as much as the rarest possible one."""
        idf = self.index.idf(term)
        if idf is None:
            n = self.index.size
            idf = math.log(1 + (n + 0.5) / 0.5)
        return idf
