"""Engine: reads the corpus and builds passages and index once; ``ask`` answers a question with plain data."""

from __future__ import annotations

import contextlib
import logging
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import cache
from .answer import TOP_PASSAGES, Answer, Candidate, classify, extract, fits
from .corpus import Document, parse_sources, read_sources
from .errors import CorpusError
from .index import DEFAULT_VARIANT, K1, B, Index
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
from .passages import Entity, Passage, make_entities_consistent, mark_subject_references, parse
from .question_tokenizer import QuestionTokenizer

log = logging.getLogger(__name__)

DEFAULT_CORPUS = "corpus"
RERANK_DEPTH = 20
KEPT_QUESTION_TOKENS = 0  # no longer used: questions have a scratch vocabulary (qa/question_tokenizer.py)
ANSWER_TYPE_BONUS = 0.5  # measured: +1 pt Hit@1 on the Eitingon questions, +9 pts on the Curie ones


def corpus_path() -> str:
    """$QA_CORPUS, or the corpus/ folder of the working directory."""
    return os.environ.get("QA_CORPUS") or DEFAULT_CORPUS


@dataclass
class RankedPassage:
    rank: int
    score: float
    text: str
    document: str
    section: str
    sentence_index: int
    entities: list[Entity]
    matches: list[dict]
    explanation: list[dict]

    def to_dict(self) -> dict:
        return {"rank": self.rank, "score": round(self.score, 4), "text": self.text,
                "document": self.document, "section": self.section,
                "sentence_index": self.sentence_index,
                "entities": [e.to_dict() for e in self.entities],
                "matches": self.matches, "explanation": self.explanation}


@dataclass
class Result:
    question: str
    answer: Answer | None
    no_answer_reason: str | None
    passages: list[RankedPassage] = field(default_factory=list)
    question_type: str = "other"
    took_ms: float = 0.0

    def to_dict(self) -> dict:
        return {"question": self.question,
                "answer": self.answer.to_dict() if self.answer else None,
                "no_answer_reason": self.no_answer_reason,
                "passages": [p.to_dict() for p in self.passages],
                "took_ms": round(self.took_ms, 3)}


@dataclass(frozen=True)
class Hit:
    """A ranked passage: BM25 score, the question terms it holds, and the answer-type label it earned."""

    passage: int
    score: float
    terms: tuple[str, ...]
    answer_label: str | None = None


class Engine:
    """Everything needed to answer questions about one corpus, built once and then read-only."""

    def __init__(self, documents: list[Document], passages: list[Passage], nlp, model: str,
                 normalisation: Normalisation = DEFAULT_NORMALISATION,
                 variant: str = DEFAULT_VARIANT, k1: float = K1, b: float = B):
        self.documents = documents
        self.passages = passages
        self.model = model
        self.nlp = nlp
        self.analyzer = Analyzer(frozenset(nlp.Defaults.stop_words), normalisation)
        self._question_nlp = nlp if normalisation.lemma else nlp.tokenizer
        self._kept_spans: set[str] = set()
        self._kept_tokens_left = KEPT_QUESTION_TOKENS
        titles = {d.name: self._terms(d.title) for d in documents}
        self.title_terms = {name: frozenset(t for t, _, _ in terms) for name, terms in titles.items()}
        own_terms = [self.analyzer.terms(p.text, p.tokens) for p in passages]
        self.passage_terms = [self._with_subject(p, terms, titles[p.document])
                              for p, terms in zip(passages, own_terms, strict=True)]
        self.entity_terms = [[_within(terms, e.start, e.end) for e in p.entities]
                             for p, terms in zip(passages, own_terms, strict=True)]
        self.index = Index([[t for t, _, _ in terms] for terms in self.passage_terms], variant, k1, b)
        self.analyzer.freeze()

    @classmethod
    def from_corpus(cls, path: str | Path | None = None, *, pipeline: str | None = None,
                    use_cache: bool = True, progress: bool = False,
                    normalisation: Normalisation = DEFAULT_NORMALISATION,
                    variant: str = DEFAULT_VARIANT, k1: float = K1, b: float = B) -> Engine:
        """Read, parse (or load from the cache) and index a corpus; raises StartupError subclasses."""
        sources = read_sources(path or corpus_path())
        documents = parse_sources(sources)
        name = pipeline or pipeline_name()
        nlp = load_pipeline(name)
        key = cache.fingerprint(sources, pipeline_id(nlp))
        file = cache.cache_file(cache.cache_dir(), key)
        passages = cache.load(file, key) if use_cache else None
        if passages is None:
            with cache.build_lock(file) if use_cache else contextlib.nullcontext():
                passages = cache.load(file, key) if use_cache else None
                if passages is None:
                    started = time.perf_counter()
                    passages = build_passages(nlp, documents, progress)
                    log.info("parsed %d passages from %d document(s) in %.1f s", len(passages),
                             len(documents), time.perf_counter() - started)
                    if use_cache:
                        cache.save(file, key, passages)
        if not passages:
            raise CorpusError("the corpus has no sentences to search: add article text.")
        return cls(documents, passages, nlp, pipeline_id(nlp), normalisation, variant, k1, b)

    def _terms(self, text: str) -> list[tuple[str, int, int]]:
        """Terms of a question or title, from the pipeline's tokenizer rules on a scratch vocabulary.

        Questions never reach the shared vocabulary, so memory stays bounded whatever clients send,
        and long runs without spaces are cut first, so their cost is too (qa/question_tokenizer.py).
        With lemmas the whole pipeline runs, its additions freed again (memory zone): ``qa eval`` only.
        """
        if self._question_nlp is self.nlp:
            with self.nlp.memory_zone():
                return self._analyse(text, self._question_nlp(text))
        tokenizer = getattr(self, "_question_tokenizer", None)
        if tokenizer is None:
            tokenizer = self._question_tokenizer = QuestionTokenizer(self.nlp.tokenizer)
        return self.analyzer.terms(text, tokenizer(text))

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

    def ask(self, question: str, top_k: int = 3) -> Result:
        """Rank passages for ``question`` and look for a short answer in the best of them."""
        started = time.perf_counter()
        question = without_surrogates(question.strip())
        qtype = classify(plain(question))
        terms = self.question_terms(question)
        result = Result(question, None, None, question_type=qtype.kind)
        known = [t for t in terms if t in self.index]
        if not terms:
            result.no_answer_reason = ("the question has no searchable words (only stop words or "
                                       "punctuation): ask with content words.")
        elif not known:
            result.no_answer_reason = (f"none of the question's words ({_listing(terms)}) occur in "
                                       "the corpus: try other words.")
        else:
            found = self.index.search(known, max(top_k, RERANK_DEPTH))
            asked = set(terms)
            hits = self._rerank([Hit(h.passage, h.score, h.terms) for h in found], qtype, asked)
            weights = {t: self._idf(t) for t in terms}
            total = sum(weights.values())
            candidates, ranked = [], []
            for rank, hit in enumerate(hits[:max(top_k, TOP_PASSAGES)], 1):
                p = self.passages[hit.passage]
                matched = [(t, s, e) for t, s, e in self.passage_terms[hit.passage] if t in hit.terms]
                subject = self.title_terms[p.document]
                candidates.append(Candidate(
                    rank, hit.score, p.entities, self.entity_terms[hit.passage],
                    asked | subject if asked & subject else asked,
                    [(s, e) for _, s, e in matched], sum(weights[t] for t in hit.terms) / total))
                if rank <= top_k:
                    ranked.append(self._ranked(rank, hit, matched))
            result.passages = ranked
            result.answer, result.no_answer_reason = extract(qtype, candidates)
        result.took_ms = (time.perf_counter() - started) * 1000
        return result

    def _rerank(self, hits: list[Hit], qtype, question_terms: set[str]) -> list[Hit]:
        """Passages holding an entity of the kind the question asks for (a DATE for "when") go first."""
        if not qtype.labels:
            return hits
        out = []
        for hit in hits:
            label = next((e.label for e, w in zip(self.passages[hit.passage].entities,
                                                  self.entity_terms[hit.passage], strict=True)
                          if fits(qtype, e) and not (w and w <= question_terms)), None)
            out.append(Hit(hit.passage, hit.score * (1 + ANSWER_TYPE_BONUS), hit.terms, label)
                       if label else hit)
        return sorted(out, key=lambda h: (-h.score, h.passage))

    def _idf(self, term: str) -> float:
        """The term's idf; a term the corpus lacks weighs as much as the rarest possible one."""
        idf = self.index.bm25.idf.get(term)
        if idf is None:
            n = self.index.size
            idf = math.log(1 + (n + 0.5) / 0.5)
        return idf

    def _ranked(self, rank: int, hit, matched) -> RankedPassage:
        p = self.passages[hit.passage]
        explanation = []
        bm25 = 0.0
        for term in hit.terms:
            score, tf, idf = self.index.contribution(term, hit.passage)
            bm25 += score
            df = self.index.document_frequency(term)
            explanation.append({
                "kind": "term", "term": term, "score": round(score, 4), "count": tf,
                "idf": round(idf, 4), "passages_with_term": df,
                "text": (f"'{term}' occurs {tf}× in this passage and in {df} of {self.index.size} "
                         f"passages (idf {idf:.2f}): +{score:.2f}"),
            })
        if hit.answer_label:
            bonus = hit.score - bm25
            explanation.append({
                "kind": "answer_type", "term": hit.answer_label, "score": round(bonus, 4),
                "count": None, "idf": None, "passages_with_term": None,
                "text": (f"holds a {hit.answer_label}, the kind of answer the question asks for: "
                         f"+{ANSWER_TYPE_BONUS:.0%} = +{bonus:.2f}"),
            })
        return RankedPassage(rank, hit.score, p.text, p.document, p.section, p.sentence_index,
                             p.entities, [{"term": t, "start": s, "end": e} for t, s, e in matched],
                             explanation)


def _listing(terms: list[str], most: int = 8, width: int = 30) -> str:
    """A short, readable list of terms for a message, however long the question was."""
    shown = [t if len(t) <= width else t[: width - 1] + "…" for t in terms[:most]]
    return ", ".join(shown) + (f" and {len(terms) - most} more" if len(terms) > most else "")


def _within(terms: list[tuple[str, int, int]], start: int, end: int) -> frozenset[str]:
    """The terms of the tokens overlapping [start, end): an entity's words, normalised like the question's."""
    return frozenset(t for t, s, e in terms if s < end and start < e)


def build_passages(nlp, documents: list[Document], progress: bool = False) -> list[Passage]:
    """Parse the documents into passages with consistent entities and subject references."""
    passages = parse(nlp, documents, progress=progress)
    make_entities_consistent(passages)
    mark_subject_references(passages)
    return passages
