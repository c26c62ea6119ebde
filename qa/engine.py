"""Engine: reads the corpus and builds passages and index once; ``ask`` answers a question with plain data."""

from __future__ import annotations

import itertools
import logging
import os
import time
from pathlib import Path

import numpy as np

from . import cache
from .answering.answer import DEFAULT_TOP_K, classify
from .answering.evidence import EvidenceBuilder
from .answering.presentation import Presenter, listing
from .answering.reader import Reader, answerable_share
from .answering.result import Result
from .answering.retrieval import Retriever
from .corpus import Document, corpus_files
from .errors import CorpusError
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
from .parts import Part, derive
from .passages import Passage, by_document
from .question_tokenizer import QuestionTokenizer

log = logging.getLogger(__name__)

DEFAULT_CORPUS = "corpus"
RERANK_DEPTH = 20


def corpus_path() -> str:
    """$QA_CORPUS, or the corpus/ folder of the working directory."""
    return os.environ.get("QA_CORPUS") or DEFAULT_CORPUS


def corpus_recursive() -> bool:
    """$QA_CORPUS_RECURSIVE: read a corpus folder's sub-folders too (off unless 1/true/yes)."""
    return os.environ.get("QA_CORPUS_RECURSIVE", "").strip().lower() in {"1", "true", "yes", "on"}


def corpus_or_default(path: str | Path | None) -> str | Path:
    """The corpus path given, else $QA_CORPUS or ./corpus, named in the error when there is none."""
    if path is None and not os.environ.get("QA_CORPUS") and not Path(DEFAULT_CORPUS).exists():
        raise CorpusError(f"no corpus given, and there is no {DEFAULT_CORPUS}/ folder in {Path.cwd()}: "
                          "pass --corpus PATH or set QA_CORPUS to a .txt file or a folder of them.")
    return path or corpus_path()


class Engine:
    """Everything needed to answer questions about one corpus, built once and then read-only."""

    def __init__(self, documents: list[Document], passages: list[Passage], nlp, model: str,
                 normalisation: Normalisation = DEFAULT_NORMALISATION,
                 variant: str = DEFAULT_VARIANT, k1: float = K1, b: float = B,
                 reader: Reader | None = None, previous: Engine | None = None,
                 groups: dict[str, list[Passage]] | None = None):
        """``previous``: an engine whose derived data and index are reused for unchanged documents;
        ``groups``: each document's passages, when known (the library's entries), else found here."""
        self.documents = documents
        self.passages = passages
        self.cached = False  # True when from_corpus loaded the passages from the on-disk cache
        self.model = model
        self.nlp = nlp
        self.settings = {"normalisation": normalisation, "variant": variant, "k1": k1, "b": b}
        self.library: Library | None = None
        self.entries: dict[str, Entry] = {}
        self.analyzer = Analyzer(frozenset(nlp.Defaults.stop_words), normalisation)
        self._question_nlp = nlp if normalisation.lemma else nlp.tokenizer
        # questions are tokenised on the event loop while a rebuild beside it tokenises new titles: a
        # tokenizer for each, handed on from engine to engine (one costs 60 ms to build)
        inherit = previous is not None and previous.nlp is nlp
        self._question_tokenizer = (previous._question_tokenizer if inherit
                                    else QuestionTokenizer(nlp.tokenizer))
        self._title_tokenizer = previous._title_tokenizer if inherit else None  # (tokenizer, lock)
        self._beside = inherit  # built while another engine of this pipeline answers questions
        same = previous is not None and previous.settings == self.settings
        reusable = previous.parts if same else {}
        self.vocabulary = Vocabulary(previous.vocabulary if same else None)
        if groups is None:
            groups = by_document(passages)
        self.parts = {d.name: self._part(d, groups.get(d.name, []), reusable.get(d.name))
                      for d in documents}
        parts = list(self.parts.values())
        self.titles = {d.name: d.title for d in documents}
        self.title_terms = {p.document.name: p.title_set for p in parts}
        self.subject_pronouns = {p.document.name: p.pronouns for p in parts}
        # inverted once per engine, so a question costs its own words, not the number of documents
        titled: dict[str, set[str]] = {}
        for name, title in self.title_terms.items():
            for t in title:
                titled.setdefault(t, set()).add(name)
        by_pronoun: dict[str, list[str]] = {}
        for name, pronouns in self.subject_pronouns.items():
            for w in pronouns:
                by_pronoun.setdefault(w, []).append(name)
        self.words = _chained(p.words for p in parts)
        self.passage_terms = _chained(p.passage_terms for p in parts)
        self.entity_terms = _chained(p.entity_terms for p in parts)
        self.token_terms = _chained(p.token_terms for p in parts)
        self.spans = _chained(p.spans for p in parts)
        # each passage's candidates of every kind: entities and phrases, reasons (why?), manners (how?)
        self.pools = {"spans": self.spans, "reasons": _chained(p.reasons for p in parts),
                      "manners": _chained(p.manners for p in parts)}
        token_at = _chained(p.token_at for p in parts)
        if len(self.passage_terms) != len(passages):
            raise ValueError("passages must be grouped by document, in the documents' order")
        passage_of, document_of = self._reused(previous if same else None)
        sizes = np.array([len(p.passages) for p in parts], dtype=np.int64)
        # each article's sentences are normalised against its own mean length, as it alone would be
        self.index = Index([], variant, k1, b, encoded=(
            _joined([p.term_ids for p in parts]), _joined([p.lengths for p in parts], np.int64),
            self.vocabulary), reuse=passage_of,
            groups=np.repeat(np.arange(len(parts)), sizes) if len(parts) > 1 else None)
        self.document_names = [d.name for d in documents]
        # each passage's predecessor in its document, -1 for none: for the context credit (retrieval.py)
        # and for showing the words credited (presentation.py)
        before = np.arange(len(passages), dtype=np.int64) - 1
        before[(np.cumsum(sizes) - sizes)[sizes > 0]] = -1
        self.document_index = self._document_index(parts, document_of) if len(documents) > 1 else None
        self.reader = reader or (previous.reader if previous is not None else
                                 Reader(answerable_share=answerable_share()))
        # the stages of ``ask``, over the columns above
        self.retriever = Retriever(passages, self.index, self.document_index, self.document_names,
                                   self.title_terms, by_pronoun, before, self.passage_terms,
                                   self.entity_terms, self.token_terms, token_at, self.spans)
        self.evidence = EvidenceBuilder(passages, self.index, self.analyzer, len(documents), self.title_terms,
                                        titled, self.token_terms, self.words, self.pools,
                                        self.retriever.matched_tokens)
        self.presenter = Presenter(passages, self.index, self.titles,
                                   {p.document.name: p.title_words for p in parts}, before,
                                   self.passage_terms, _chained(p.antecedents for p in parts))
        self.analyzer.freeze()

    def document_passages(self) -> dict[str, list[Passage]]:
        """Each document's passages in order, by name, in the documents' order (none: an empty list)."""
        return {name: part.passages for name, part in self.parts.items()}

    def _part(self, document: Document, passages: list[Passage], old: Part | None) -> Part:
        """The document's derived data: the previous engine's when it is the same document and passages."""
        if old is not None and (old.document is document or old.document == document) and (
                old.passages is passages or len(old.passages) == len(passages)
                and all(a is b for a, b in zip(old.passages, passages, strict=True))):
            return old
        return derive(document, passages, self.analyzer, self.vocabulary, self._title_terms(document.title))

    def _title_terms(self, title: str) -> list[tuple[str, int, int]]:
        """A title's terms, normalised as questions are. A rebuild tokenises them with a tokenizer of
        its own (built at the first rebuild, then handed on), under a lock between real threads: the
        question tokenizer is answering on the event loop meanwhile."""
        if not self._beside or self._question_nlp is self.nlp:
            return self._terms(title)
        if self._title_tokenizer is None:
            from gevent import monkey

            self._title_tokenizer = (QuestionTokenizer(self.nlp.tokenizer),
                                     monkey.get_original("_thread", "allocate_lock")())
        tokenizer, lock = self._title_tokenizer
        with lock:
            return self.analyzer.terms(title, tokenizer(title))

    def _document_index(self, parts: list[Part], reuse: tuple[Index, np.ndarray] | None) -> Index:
        """BM25 over whole documents (title and every sentence), DrQA's document retriever's job."""
        lengths = np.array([len(p.document_ids) for p in parts], dtype=np.int64)
        return Index([], self.index.variant, self.index.k1, self.index.b,
                     encoded=(_joined([p.document_ids for p in parts]), lengths, self.vocabulary),
                     reuse=reuse)

    def _reused(self, previous: Engine | None):
        """For each index, ``previous``'s and where each passage (document) of this engine was in it
        (-1 where its part is new), so that the unchanged documents' postings are kept, not counted."""
        if previous is None:
            return None, None
        start, at = 0, {}  # each previous document's first passage and its own position
        for name, part in previous.parts.items():
            at[name] = (start, len(at))
            start += len(part.passages)
        passages, documents = [], []
        for name, part in self.parts.items():
            old = at.get(name) if previous.parts.get(name) is part else None
            n = len(part.passages)
            passages.append(np.arange(old[0], old[0] + n) if old else np.full(n, -1))
            documents.append(old[1] if old else -1)
        passage_of = (previous.index, _joined(passages, np.int64))
        document_of = ((previous.document_index, np.array(documents, dtype=np.int64))
                       if previous.document_index is not None else None)
        return passage_of, document_of

    @classmethod
    def from_corpus(cls, path: str | Path | None = None, *, pipeline: str | None = None,
                    use_cache: bool = True, progress: bool = False,
                    normalisation: Normalisation = DEFAULT_NORMALISATION,
                    variant: str = DEFAULT_VARIANT, k1: float = K1, b: float = B,
                    reader: Reader | None = None, recursive: bool | None = None) -> Engine:
        """Read, parse (or load from the cache) and index a corpus; raises StartupError subclasses.

        ``recursive`` reads a folder's sub-folders too (None: $QA_CORPUS_RECURSIVE)."""
        path = corpus_or_default(path)
        recursive = corpus_recursive() if recursive is None else recursive
        corpus_files(path, recursive)  # a missing or empty corpus is reported before the pipeline loads
        nlp = load_pipeline(pipeline or pipeline_name())
        store = cache.Store() if use_cache else None
        library = Library(path, nlp, pipeline_id(nlp), store, progress, recursive)
        entries = library.load()
        if store is not None and not library.parsed:
            log.info("loaded %d document(s) from the cache %s", len(entries), store.path)
        engine = cls.from_entries(entries, nlp, normalisation=normalisation, variant=variant, k1=k1,
                                  b=b, reader=reader)
        engine.library = library
        engine.cached = store is not None and not library.parsed
        return engine

    @classmethod
    def from_entries(cls, entries: dict[str, Entry], nlp, previous: Engine | None = None,
                     **settings) -> Engine:
        """An engine over these documents; parts of ``previous`` for unchanged documents are reused."""
        passages = [p for e in entries.values() for p in e.passages]
        if not passages:
            raise CorpusError("the corpus has no sentences to search: add article text.")
        engine = cls([e.document for e in entries.values()], passages, nlp, pipeline_id(nlp),
                     previous=previous, groups={name: e.passages for name, e in entries.items()},
                     **settings)
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

    def question_terms(self, question: str) -> list[str]:
        """The question's search terms, normalised exactly like the passages'."""
        return list(self._question_words(question))

    def _question_words(self, question: str) -> dict[str, str]:
        """Each search term of the question with the word it was typed as (the first, if several)."""
        text = plain(without_surrogates(question))
        words: dict[str, str] = {}
        for t, s, e in self._terms(text):
            words.setdefault(t, text[s:e])
        return words

    def ask(self, question: str, top_k: int = DEFAULT_TOP_K, documents: list[str] | None = None,
            min_confidence: float | None = None, context: int = 0, explain: bool = True) -> Result:
        """Rank passages for ``question`` (within ``documents`` if given) and read a short answer from
        the best of them; ``min_confidence`` overrides the fitted threshold for answering; ``context``
        sentences before and after each passage are added, and ``explain=False`` leaves out why each
        passage scored what it did."""
        started = time.perf_counter()
        question = without_surrogates(question.strip())
        allowed = self.retriever.allowed(documents)
        text, qtype, terms, known, ranked = self._retrieve(question, max(top_k, RERANK_DEPTH), allowed)
        result = Result(question, None, None, question_type=qtype.kind)
        if not terms:
            result.no_answer_code = "no_terms"
            result.no_answer_reason = ("the question has no searchable words (only stop words or "
                                       "punctuation): ask with content words.")
        elif not known:
            result.no_answer_code = "no_match"
            typed = list(self._question_words(question).values())
            result.no_answer_reason = (f"none of the question's words ({listing(typed)}) occur in "
                                       "the corpus: try other words.")
        else:
            # the answer is read from the same top passages whatever top_k (as it was fitted), and the
            # passage it comes from is always shown
            qtype, asked, noun, evidence = self.evidence.inputs(qtype, terms, ranked,
                                                                self.evidence.readable(terms))
            reading = self.reader.read(qtype, asked, noun, evidence, min_confidence)
            result.answer, result.no_answer_reason = reading.answer, reading.message
            result.no_answer_code = reading.reason.name.lower() if reading.reason else None
            shown = max(top_k, reading.answer.passage_rank if reading.answer else 0)
            result.passages = [self.presenter.ranked(rank, r, context, explain)
                               for rank, r in enumerate(ranked[:shown], 1)]
        result.took_ms = (time.perf_counter() - started) * 1000
        return result

    def _retrieve(self, question: str, depth: int, allowed: frozenset[str] | None):
        """Analyse the question and rank passages for it: (text, type, terms, known terms, ranked)."""
        text = plain(question)
        qtype = classify(text)
        terms = self.question_terms(question)
        known = [t for t in terms if t in self.index]
        ranked = (self.retriever.rank(known, depth, qtype, set(terms), allowed, self.retriever.referred(text))
                  if known else [])
        return text, qtype, terms, known, ranked

    def prepare(self, question: str):
        """(question type, asked terms, noun, evidence) as ``ask`` computes them: for fitting the reader."""
        text, qtype, terms, _, ranked = self._retrieve(without_surrogates(question.strip()), RERANK_DEPTH,
                                                       None)
        return self.evidence.inputs(qtype, terms, ranked)


def _chained(lists) -> list:
    """One list of the items of each list in turn."""
    return list(itertools.chain.from_iterable(lists))


def _joined(arrays: list[np.ndarray], dtype=np.int32) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)
