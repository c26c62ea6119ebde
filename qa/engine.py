"""Engine: reads the corpus and builds passages and index once; ``ask`` answers a question with plain data."""

from __future__ import annotations

import logging
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import cache
from .answer import TOP_PASSAGES, asked_noun, classify, fits
from .corpus import Document, corpus_files
from .errors import CorpusError, NotFound
from .explain import explain
from .index import DEFAULT_VARIANT, K1, B, Index, Vocabulary
from .library import Entry, Library
from .nlp import (
    DEFAULT_NORMALISATION,
    Analyzer,
    Normalisation,
    load_pipeline,
    pipeline_id,
    pipeline_name,
    plain,
    without_surrogates,
)
from .passages import Passage, by_document, make_entities_consistent, mark_subject_references, parse
from .question_tokenizer import QuestionTokenizer
from .rank import Ranked, document_shares, rerank
from .reader import Evidence, Reader, answerable_share, spans_of
from .result import RankedPassage, Result

log = logging.getLogger(__name__)

DEFAULT_CORPUS = "corpus"
RERANK_DEPTH = 20


def corpus_path() -> str:
    """$QA_CORPUS, or the corpus/ folder of the working directory."""
    return os.environ.get("QA_CORPUS") or DEFAULT_CORPUS


@dataclass(frozen=True)
class Part:
    """What the engine derives from one document's passages, reused by the next engine while the
    document is unchanged: a change costs the changed article and the index, not the whole corpus."""

    document: Document
    passages: list[Passage]
    title_terms: list[tuple[str, int, int]]
    passage_terms: list
    entity_terms: list
    token_terms: list
    spans: list
    token_at: list
    term_ids: np.ndarray  # every passage's terms as ids of the engine's Vocabulary, one after another
    lengths: np.ndarray  # each passage's number of terms
    document_ids: np.ndarray  # the title's and every passage's term ids: the document index's row


class Engine:
    """Everything needed to answer questions about one corpus, built once and then read-only."""

    def __init__(self, documents: list[Document], passages: list[Passage], nlp, model: str,
                 normalisation: Normalisation = DEFAULT_NORMALISATION,
                 variant: str = DEFAULT_VARIANT, k1: float = K1, b: float = B,
                 reader: Reader | None = None, previous: Engine | None = None):
        self.documents = documents
        self.passages = passages
        self.model = model
        self.nlp = nlp
        self.settings = {"normalisation": normalisation, "variant": variant, "k1": k1, "b": b}
        self.library: Library | None = None
        self.entries: dict[str, Entry] = {}
        self.analyzer = Analyzer(frozenset(nlp.Defaults.stop_words), normalisation)
        self._question_nlp = nlp if normalisation.lemma else nlp.tokenizer
        self._question_tokenizer = QuestionTokenizer(nlp.tokenizer)
        same = previous is not None and previous.settings == self.settings
        reusable = previous.parts if same else {}
        self.vocabulary = Vocabulary(previous.vocabulary if same else None)
        groups = by_document(passages)
        self.parts = {d.name: self._part(d, groups.get(d.name, []), reusable.get(d.name))
                      for d in documents}
        parts = list(self.parts.values())
        self.title_terms = {p.document.name: frozenset(t for t, _, _ in p.title_terms) for p in parts}
        self.passage_terms = [t for p in parts for t in p.passage_terms]
        self.entity_terms = [t for p in parts for t in p.entity_terms]
        self.token_terms = [t for p in parts for t in p.token_terms]
        self.spans = [s for p in parts for s in p.spans]
        self._token_at = [a for p in parts for a in p.token_at]
        if len(self.passage_terms) != len(passages):
            raise ValueError("passages must be grouped by document, in the documents' order")
        self.index = Index([], variant, k1, b, encoded=(
            _joined([p.term_ids for p in parts]), _joined([p.lengths for p in parts], np.int64),
            self.vocabulary))
        self.document_names = [d.name for d in documents]
        self.document_index = self._document_index(parts) if len(documents) > 1 else None
        self.reader = reader or (previous.reader if previous is not None else
                                 Reader(answerable_share=answerable_share()))
        self.analyzer.freeze()

    def _part(self, document: Document, passages: list[Passage], old: Part | None) -> Part:
        """The document's derived data: the previous engine's when it is the same document and passages."""
        if (old is not None and old.document == document and len(old.passages) == len(passages)
                and all(a is b for a, b in zip(old.passages, passages, strict=True))):
            return old
        titles = self._terms(document.title)
        own = [self.analyzer.terms(p.text, p.tokens) for p in passages]
        terms = [self._with_subject(p, t, titles) for p, t in zip(passages, own, strict=True)]
        token_terms = [_token_terms(p, t) for p, t in zip(passages, own, strict=True)]
        ids, lengths = self.vocabulary.encode([[w for w, _, _ in t] for t in [titles, *terms]])
        term_ids = ids[lengths[0]:]  # after the title's
        return Part(
            document, passages, titles, terms,
            [[_within(t, e.start, e.end) for e in p.entities] for p, t in zip(passages, own, strict=True)],
            token_terms,
            [spans_of(p.text, p.entities, p.tokens, p.syntax.arcs, p.syntax.phrases, words)
             if p.syntax else [] for p, words in zip(passages, token_terms, strict=True)],
            [{s: i for i, (s, _, _, _) in enumerate(p.tokens)} for p in passages],
            term_ids, lengths[1:], ids)

    def _document_index(self, parts: list[Part]) -> Index:
        """BM25 over whole documents (title and every sentence), DrQA's document retriever's job."""
        lengths = np.array([len(p.document_ids) for p in parts], dtype=np.int64)
        return Index([], self.index.variant, self.index.k1, self.index.b,
                     encoded=(_joined([p.document_ids for p in parts]), lengths, self.vocabulary))

    @classmethod
    def from_corpus(cls, path: str | Path | None = None, *, pipeline: str | None = None,
                    use_cache: bool = True, progress: bool = False,
                    normalisation: Normalisation = DEFAULT_NORMALISATION,
                    variant: str = DEFAULT_VARIANT, k1: float = K1, b: float = B,
                    reader: Reader | None = None) -> Engine:
        """Read, parse (or load from the cache) and index a corpus; raises StartupError subclasses."""
        path = path or corpus_path()
        corpus_files(path)  # a missing or empty corpus is reported before the pipeline loads
        nlp = load_pipeline(pipeline or pipeline_name())
        library = Library(path, nlp, pipeline_id(nlp), cache.Store() if use_cache else None, progress)
        entries = library.load()
        engine = cls.from_entries(entries, nlp, normalisation=normalisation, variant=variant, k1=k1,
                                  b=b, reader=reader)
        engine.library = library
        return engine

    @classmethod
    def from_entries(cls, entries: dict[str, Entry], nlp, previous: Engine | None = None,
                     **settings) -> Engine:
        """An engine over these documents; parts of ``previous`` for unchanged documents are reused."""
        passages = [p for e in entries.values() for p in e.passages]
        if not passages:
            raise CorpusError("the corpus has no sentences to search: add article text.")
        engine = cls([e.document for e in entries.values()], passages, nlp, pipeline_id(nlp),
                     previous=previous, **settings)
        engine.entries = entries
        return engine

    def rebuilt(self, entries: dict[str, Entry]) -> Engine:
        """A new engine over changed entries, with this one's settings and library, built beside it."""
        engine = Engine.from_entries(entries, self.nlp, previous=self, reader=self.reader,
                                     **self.settings)
        engine.library = self.library
        return engine

    def _terms(self, text: str) -> list[tuple[str, int, int]]:
        """Terms of a question or title, from the pipeline's tokenizer rules on a scratch vocabulary.

        Questions never reach the shared vocabulary, so memory stays bounded whatever clients send,
        and long runs without spaces are cut first, so their cost is too (qa/question_tokenizer.py).
        With lemmas the whole pipeline runs, its additions freed again (memory zone): ``qa eval`` only.
        """
        if self._question_nlp is self.nlp:
            with self.nlp.memory_zone():
                return self._analyse(text, self._question_nlp(text))
        return self.analyzer.terms(text, self._question_tokenizer(text))

    def _analyse(self, text: str, doc) -> list[tuple[str, int, int]]:
        return self.analyzer.terms(text, [(t.idx, t.idx + len(t.text), t.lemma_, t.is_punct)
                                          for t in doc if not t.is_space])

    def _with_subject(self, p: Passage, terms, subject: list[tuple[str, int, int]]):
        """A passage's terms, plus the subject's name where a pronoun refers to the subject."""
        if p.subject_ref:
            present = {t for t, _, _ in terms}
            s, e = p.subject_ref
            terms = terms + [(t, s, e) for t in dict.fromkeys(t for t, _, _ in subject)
                             if t not in present]
        return terms

    def question_terms(self, question: str) -> list[str]:
        """The question's search terms, normalised exactly like the passages'."""
        return list(dict.fromkeys(t for t, _, _ in self._terms(plain(without_surrogates(question)))))

    def ask(self, question: str, top_k: int = 3, documents: list[str] | None = None,
            min_confidence: float | None = None) -> Result:
        """Rank passages for ``question`` (within ``documents`` if given) and read a short answer from
        the best of them; ``min_confidence`` overrides the fitted threshold for answering."""
        started = time.perf_counter()
        question = without_surrogates(question.strip())
        allowed = self._allowed(documents)
        text, qtype, terms, known, ranked = self._retrieve(question, max(top_k, RERANK_DEPTH), allowed)
        result = Result(question, None, None, question_type=qtype.kind)
        if not terms:
            result.no_answer_code = "no_terms"
            result.no_answer_reason = ("the question has no searchable words (only stop words or "
                                       "punctuation): ask with content words.")
        elif not known:
            result.no_answer_code = "no_match"
            result.no_answer_reason = (f"none of the question's words ({_listing(terms)}) occur in "
                                       "the corpus: try other words.")
        else:
            result.passages = [self._ranked(rank, r) for rank, r in enumerate(ranked[:top_k], 1)]
            asked, noun, evidence = self.reading_inputs(text, terms, ranked[:top_k])
            reading = self.reader.read(qtype, asked, noun, evidence, min_confidence)
            result.answer, result.no_answer_reason = reading.answer, reading.message
            result.no_answer_code = reading.reason.name.lower() if reading.reason else None
        result.took_ms = (time.perf_counter() - started) * 1000
        return result

    def reading_inputs(self, text: str, terms: list[str], ranked: list[Ranked]):
        """What the reader is given: the question's terms (with the subject's name when the question
        names it), the noun it asks for, and the evidence of the top passages (so the answer always
        comes from a passage the result shows)."""
        noun = asked_noun(text)
        noun = self.analyzer.term(noun, noun, False) if noun else None
        asked = frozenset(terms)
        if ranked:
            subject = self.title_terms[self.passages[ranked[0].passage].document]
            asked = asked | subject if asked & subject else asked
        weights = {t: self._idf(t) for t in terms}
        total = sum(weights.values()) or 1.0
        evidence = [self._evidence(rank, r, sum(weights[t] for t in r.terms) / total)
                    for rank, r in enumerate(ranked[:TOP_PASSAGES], 1)]
        return asked, noun, evidence

    def _retrieve(self, question: str, depth: int, allowed: frozenset[str] | None):
        """Analyse the question and rank passages for it: (text, type, terms, known terms, ranked)."""
        text = plain(question)
        qtype = classify(text)
        terms = self.question_terms(question)
        known = [t for t in terms if t in self.index]
        ranked = self._rank(known, depth, qtype, set(terms), allowed) if known else []
        return text, qtype, terms, known, ranked

    def prepare(self, question: str):
        """(question type, asked terms, noun, evidence) as ``ask`` computes them: for fitting the reader."""
        text, qtype, terms, _, ranked = self._retrieve(without_surrogates(question.strip()), RERANK_DEPTH,
                                                       None)
        return (qtype, *self.reading_inputs(text, terms, ranked))

    def _allowed(self, documents: list[str] | None) -> frozenset[str] | None:
        """The chosen documents, checked; None means all of them."""
        if not documents:
            return None
        if unknown := [d for d in documents if d not in self.title_terms]:
            raise NotFound(f"no document named {unknown[0]!r}: use one of "
                           f"{', '.join(self.document_names)}.", documents=self.document_names)
        return frozenset(documents)

    def _search(self, terms: list[str], depth: int, allowed: frozenset[str] | None) -> list:
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

    def _rank(self, terms: list[str], depth: int, qtype, asked: set[str],
              allowed: frozenset[str] | None) -> list[Ranked]:
        """BM25 candidates, with the answer-type bonus and the document prior, best first."""
        found = self._search(terms, depth, allowed)
        shares = {}
        if self.document_index is not None:
            scores = dict.fromkeys(self.document_names, 0.0)
            for h in self.document_index.search(terms, len(self.document_names)):
                scores[self.document_names[h.passage]] = h.score
            if allowed is not None:
                scores = {n: s for n, s in scores.items() if n in allowed}
            shares = document_shares(scores)
        out = []
        for h in found:
            p = self.passages[h.passage]
            label = None
            if qtype.labels:
                label = next((e.label for e, w in zip(p.entities, self.entity_terms[h.passage], strict=True)
                              if fits(qtype, e) and not (w and w <= asked)), None)
            out.append(Ranked(h.passage, h.score, h.terms, label, shares.get(p.document, 1.0)))
        return rerank(out)

    def _matched(self, r: Ranked) -> list[tuple[str, int, int]]:
        return [(t, s, e) for t, s, e in self.passage_terms[r.passage] if t in r.terms]

    def _evidence(self, rank: int, r: Ranked, coverage: float) -> Evidence:
        """What the reader needs of one ranked passage (``coverage``: idf-weighted share of the
        question's terms it holds), all computed at index time but the match."""
        p = self.passages[r.passage]
        at = self._token_at[r.passage]
        matched = frozenset(at[s] for _, s, _ in self._matched(r) if s in at)
        arcs = p.syntax.arcs if p.syntax else []
        return Evidence(rank, r.score, coverage, p.text, self.spans[r.passage], arcs, matched,
                        self.token_terms[r.passage])

    def _idf(self, term: str) -> float:
        """The term's idf; a term the corpus lacks weighs as much as the rarest possible one."""
        idf = self.index.bm25.idf.get(term)
        if idf is None:
            n = self.index.size
            idf = math.log(1 + (n + 0.5) / 0.5)
        return idf

    def _ranked(self, rank: int, r: Ranked) -> RankedPassage:
        p = self.passages[r.passage]
        return RankedPassage(rank, r.score, p.text, p.document, p.section, p.sentence_index,
                             p.entities, [{"term": t, "start": s, "end": e} for t, s, e in self._matched(r)],
                             explain(self.index, r))


def _joined(arrays: list[np.ndarray], dtype=np.int32) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)


def _listing(terms: list[str], most: int = 8, width: int = 30) -> str:
    """A short, readable list of terms for a message, however long the question was."""
    shown = [t if len(t) <= width else t[: width - 1] + "…" for t in terms[:most]]
    return ", ".join(shown) + (f" and {len(terms) - most} more" if len(terms) > most else "")


def _token_terms(p: Passage, terms: list[tuple[str, int, int]]) -> list[str | None]:
    """The search term of each of the passage's tokens (None for stop words and punctuation)."""
    by_start = {s: t for t, s, _ in terms}
    return [by_start.get(s) for s, _, _, _ in p.tokens]


def _within(terms: list[tuple[str, int, int]], start: int, end: int) -> frozenset[str]:
    """The terms of the tokens overlapping [start, end): an entity's words, normalised like the question's."""
    return frozenset(t for t, s, e in terms if s < end and start < e)


def build_passages(nlp, documents: list[Document], progress: bool = False) -> list[Passage]:
    """Parse the documents into passages with consistent entities and subject references."""
    passages = parse(nlp, documents, progress=progress)
    make_entities_consistent(passages)
    mark_subject_references(passages, {d.name: d.title for d in documents})
    return passages
