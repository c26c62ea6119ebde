"""Engine: reads the corpus and builds passages and index once; ``ask`` answers a question with plain data."""

from __future__ import annotations

import itertools
import logging
import math
import os
import re
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from . import cache
from .answering.answer import DEFAULT_TOP_K, TOP_PASSAGES, classify, fits
from .answering.explain import explain
from .answering.rank import CONTEXT_WEIGHT, Ranked, document_shares, rerank
from .answering.reader import Evidence, Reader, Span, answerable_share, tree_neighbours
from .answering.result import Neighbour, RankedPassage, Result
from .answering.roles import fills_asked_role
from .corpus import Document, corpus_files
from .errors import CorpusError, NotFound
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
from .passages import Passage, by_document, strip_possessive
from .question_tokenizer import QuestionTokenizer

log = logging.getLogger(__name__)

DEFAULT_CORPUS = "corpus"
RERANK_DEPTH = 20
# the least document share (rank.py) a passage's document needs for an answer to be read from it: 1 reads
# from the best-matching document only, as DrQA reads the top documents; measured on SQuAD dev F1:
# 48.0 at 0, 0.75 and 0.9, 48.2 at 1 (and no unanswerable question answered from another article)
READ_SHARE = 1.0
_WORD = re.compile(r"\w+")


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
        self._titled: dict[str, set[str]] = {}
        for name, title in self.title_terms.items():
            for t in title:
                self._titled.setdefault(t, set()).add(name)
        self._by_pronoun: dict[str, list[str]] = {}
        for name, pronouns in self.subject_pronouns.items():
            for w in pronouns:
                self._by_pronoun.setdefault(w, []).append(name)
        self.words = _chained(p.words for p in parts)
        self.passage_terms = _chained(p.passage_terms for p in parts)
        self.entity_terms = _chained(p.entity_terms for p in parts)
        self.token_terms = _chained(p.token_terms for p in parts)
        self.spans = _chained(p.spans for p in parts)
        # each passage's candidates of every kind: entities and phrases, reasons (why?), manners (how?)
        self.pools = {"spans": self.spans, "reasons": _chained(p.reasons for p in parts),
                      "manners": _chained(p.manners for p in parts)}
        self._token_at = _chained(p.token_at for p in parts)
        self._antecedents = _chained(p.antecedents for p in parts)
        self._title_words = {p.document.name: p.title_words for p in parts}
        self._top_idf = 0.0  # set once the index is built: the highest idf, for candidates' rarity
        # the candidates (and reason and manner phrases) of passages read so far, with their rarity set
        self._rarity: dict[tuple[int, str], list[Span]] = {}
        self._trees: dict[int, list[list[int]]] = {}  # and their dependency trees, as neighbour lists
        if len(self.passage_terms) != len(passages):
            raise ValueError("passages must be grouped by document, in the documents' order")
        passage_of, document_of = self._reused(previous if same else None)
        self.index = Index([], variant, k1, b, encoded=(
            _joined([p.term_ids for p in parts]), _joined([p.lengths for p in parts], np.int64),
            self.vocabulary), reuse=passage_of)
        self.document_names = [d.name for d in documents]
        # each passage's predecessor in its document, -1 for none: for the context credit (_context)
        sizes = np.array([len(p.passages) for p in parts], dtype=np.int64)
        self._previous = np.arange(len(passages), dtype=np.int64) - 1
        self._previous[(np.cumsum(sizes) - sizes)[sizes > 0]] = -1
        self.document_index = self._document_index(parts, document_of) if len(documents) > 1 else None
        self.reader = reader or (previous.reader if previous is not None else
                                 Reader(answerable_share=answerable_share()))
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
        allowed = self._allowed(documents)
        text, qtype, terms, known, ranked = self._retrieve(question, max(top_k, RERANK_DEPTH), allowed)
        result = Result(question, None, None, question_type=qtype.kind)
        if not terms:
            result.no_answer_code = "no_terms"
            result.no_answer_reason = ("the question has no searchable words (only stop words or "
                                       "punctuation): ask with content words.")
        elif not known:
            result.no_answer_code = "no_match"
            typed = list(self._question_words(question).values())
            result.no_answer_reason = (f"none of the question's words ({_listing(typed)}) occur in "
                                       "the corpus: try other words.")
        else:
            # the answer is read from the same top passages whatever top_k (as it was fitted), and the
            # passage it comes from is always shown
            qtype, asked, noun, evidence = self.reading_inputs(qtype, terms, ranked, self._readable(terms))
            reading = self.reader.read(qtype, asked, noun, evidence, min_confidence)
            result.answer, result.no_answer_reason = reading.answer, reading.message
            result.no_answer_code = reading.reason.name.lower() if reading.reason else None
            shown = max(top_k, reading.answer.passage_rank if reading.answer else 0)
            result.passages = [self._ranked(rank, r, context, explain)
                               for rank, r in enumerate(ranked[:shown], 1)]
        result.took_ms = (time.perf_counter() - started) * 1000
        return result

    def _readable(self, terms: list[str]):
        """Which ranked passages an answer may be read from: those of the documents the question names
        (when it names some) and of the best-matching document (READ_SHARE). The reader is fitted on
        every top passage (``prepare``): which ones may answer is decided here, after."""
        named = self._named(terms)
        return lambda r: (r.document_share >= READ_SHARE
                          and (named is None or self.passages[r.passage].document in named))

    def _named(self, terms: list[str]) -> frozenset[str] | None:
        """The documents whose subjects (title words) the question names, when it names some but not
        all: an answer comes from those only, so that "Where was Eitingon born?" is never answered
        from a sentence about someone else in another article. None: any document."""
        if len(self.documents) < 2:
            return None
        named = frozenset(name for t in terms for name in self._titled.get(t, ()))
        return named if named and len(named) < len(self.documents) else None

    def reading_inputs(self, qtype, terms: list[str], ranked: list[Ranked], readable=None):
        """What the reader is given: the question's type (with its governor as a search term), its
        terms (with the subject's name when the question names it), the noun it asks for, and the
        evidence of the top passages, only those ``readable`` says when it is given."""
        noun = self.analyzer.term(qtype.noun, qtype.noun, False) if qtype.noun else None
        if qtype.governor:
            qtype = replace(qtype, governor=self.analyzer.term(qtype.governor, qtype.governor, False))
        asked = frozenset(terms)
        if ranked:
            subject = self.title_terms[self.passages[ranked[0].passage].document]
            asked = asked | subject if asked & subject else asked
        weights = {t: self._idf(t) for t in terms}
        evidence = [self._evidence(rank, r, self._coverage(weights, r))
                    for rank, r in enumerate(ranked[:TOP_PASSAGES], 1) if readable is None or readable(r)]
        return qtype, asked, noun, evidence

    def _coverage(self, weights: dict[str, float], r: Ranked) -> float:
        """The idf-weighted share of the question's terms the passage holds, leaving out its document's
        title words, which say which article, not which sentence (alone, a biography names its subject
        everywhere and their idf is near 0; in a folder it is high and would inflate the confidence)."""
        title = self.title_terms[self.passages[r.passage].document]
        kept = {t: w for t, w in weights.items() if t not in title} or weights
        return sum(w for t, w in kept.items() if t in r.terms) / (sum(kept.values()) or 1.0)

    def _retrieve(self, question: str, depth: int, allowed: frozenset[str] | None):
        """Analyse the question and rank passages for it: (text, type, terms, known terms, ranked)."""
        text = plain(question)
        qtype = classify(text)
        terms = self.question_terms(question)
        known = [t for t in terms if t in self.index]
        ranked = self._rank(known, depth, qtype, set(terms), allowed, self._referred(text)) if known else []
        return text, qtype, terms, known, ranked

    def _referred(self, text: str) -> list[str]:
        """The title terms of the documents a question's he/she/his/her can refer to (their subject is
        a person referred to that way), when that is some documents but not all; else none."""
        words = set(_WORD.findall(text.lower()))
        referred = list(dict.fromkeys(name for w in sorted(words) for name in self._by_pronoun.get(w, ())))
        if not referred or len(referred) == len(self.documents):
            return []
        return [t for name in referred for t in sorted(self.title_terms[name])]

    def prepare(self, question: str):
        """(question type, asked terms, noun, evidence) as ``ask`` computes them: for fitting the reader."""
        text, qtype, terms, _, ranked = self._retrieve(without_surrogates(question.strip()), RERANK_DEPTH,
                                                       None)
        return self.reading_inputs(qtype, terms, ranked)

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
              allowed: frozenset[str] | None, referred: list[str] = ()) -> list[Ranked]:
        """BM25 candidates, with the answer-type bonus and the document prior (for which a pronoun
        counts as the name of the subjects it can refer to), best first."""
        found = self._search(terms, depth, allowed)
        shares = {}
        if self.document_index is not None:
            scores = dict.fromkeys(self.document_names, 0.0)
            for h in self.document_index.search(terms + list(referred), len(self.document_names)):
                scores[self.document_names[h.passage]] = h.score
            if allowed is not None:
                scores = {n: s for n, s in scores.items() if n in allowed}
            shares = document_shares(scores)
        out = []
        context = self._context(terms, found)
        for h, (credit, credited) in zip(found, context, strict=True):
            p = self.passages[h.passage]
            label = None
            if qtype.labels:
                label = next((e.label for e, w in zip(p.entities, self.entity_terms[h.passage], strict=True)
                              if fits(qtype, e) and not (w and w <= asked)), None)
            out.append(Ranked(h.passage, h.score, h.terms, label, shares.get(p.document, 1.0),
                              self._role_label(qtype, h, asked) if label or qtype.defines else None,
                              credit, credited))
        return rerank(out)

    def _context(self, terms: list[str], found: list) -> list[tuple[float, tuple[str, ...]]]:
        """Each hit's credit for the question terms it lacks that the sentence before it holds (a share
        of their BM25 weight there: the sentence may go on about what that one named), and those terms."""
        if not found:
            return []
        before = self._previous[[h.passage for h in found]].tolist()
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

    def _role_label(self, qtype, hit, asked: set[str]) -> str | None:
        """The label of a candidate of the asked kind that plays the wh-word's part in the passage
        ("description" for a phrase saying what the name a "Who was X?" asks about is)."""
        p = self.passages[hit.passage]
        if p.syntax is None or qtype.form is None:
            return None
        at = self._token_at[hit.passage]
        matched = {at[s] for t, s, _ in self.passage_terms[hit.passage] if t in hit.terms and s in at}
        for span in self.spans[hit.passage]:
            wanted = qtype.defines or span.label and fits(qtype, span)
            if (wanted and not (span.terms and span.terms <= asked)
                    and fills_asked_role(qtype.form, p.syntax.arcs, span.head,
                                         [m for m in matched if not span.first <= m <= span.last])):
                return span.label or "description"
        return None

    def _matched(self, r: Ranked) -> list[tuple[str, int, int]]:
        return [(t, s, e) for t, s, e in self.passage_terms[r.passage] if t in r.terms]

    def _evidence(self, rank: int, r: Ranked, coverage: float) -> Evidence:
        """What the reader needs of one ranked passage (``coverage``: idf-weighted share of the
        question's terms it holds), all computed at index time but the match."""
        p = self.passages[r.passage]
        at = self._token_at[r.passage]
        matched = frozenset(at[s] for _, s, _ in self._matched(r) if s in at)
        arcs = p.syntax.arcs if p.syntax else []
        return Evidence(rank, r.score, coverage, p.text, self._rare(r.passage), arcs, matched,
                        self.token_terms[r.passage], self.words[r.passage], self.title_terms[p.document],
                        self._rare(r.passage, "reasons"), self._rare(r.passage, "manners"), p.tokens,
                        self._tree(r.passage, arcs))

    def _tree(self, passage: int, arcs: list) -> list[list[int]]:
        """The passage's dependency tree as neighbour lists, made the first time it is read."""
        tree = self._trees.get(passage)
        if tree is None:
            tree = self._trees[passage] = tree_neighbours(arcs)
        return tree

    def _rare(self, passage: int, pool: str = "spans") -> list[Span]:
        """The passage's candidates of one pool (``self.pools``: entities and phrases, reasons or
        manners) with their rarity (mean idf of their terms as a share of the highest), from this
        corpus's idf: spans are kept per document, unchanged across rebuilds, while idf moves with
        every article added, so it is set here, once per passage, pool and engine."""
        spans = self._rarity.get((passage, pool))
        if spans is None:
            if not self._top_idf:
                self._top_idf = self._idf("") or 1.0
            spans = [replace(s, rarity=sum(self._idf(t) for t in s.terms) / len(s.terms) / self._top_idf)
                     if s.terms else s for s in self.pools[pool][passage]]
            self._rarity[(passage, pool)] = spans
        return spans

    def _idf(self, term: str) -> float:
        """The term's idf; a term the corpus lacks weighs as much as the rarest possible one."""
        idf = self.index.idf(term)
        if idf is None:
            n = self.index.size
            idf = math.log(1 + (n + 0.5) / 0.5)
        return idf

    def _ranked(self, rank: int, r: Ranked, context: int = 0, explained: bool = True) -> RankedPassage:
        p = self.passages[r.passage]
        matches = [self._match(r.passage, t, s, e) for t, s, e in self._matched(r)]
        why = explain(self.index, r, self._written(r, matches)) if explained else None
        ranked = RankedPassage(rank, r.score, p.text, p.document, p.section, p.sentence_index, p.entities,
                               matches, why, p.key, self.titles[p.document])
        if context:
            ranked.before = self._neighbours(r.passage, context, -1)[::-1]
            ranked.after = self._neighbours(r.passage, context, 1)
        return ranked

    def _written(self, r: Ranked, matches: list[dict]) -> dict[str, str]:
        """Each matched term, quoted, as the passage writes it (context terms as the sentence before
        does): "'died'", or for a pronoun "'Eitingon', as 'He' (Nahum Eitingon),"."""
        words: dict[str, str] = {}
        for m in matches:
            words.setdefault(m["term"], self._shown(r.passage, m))
        before = int(self._previous[r.passage])
        if r.context_terms and before >= 0:
            wanted = set(r.context_terms) - set(words)
            for t, s, e in self.passage_terms[before]:
                if t in wanted:
                    words.setdefault(t, self._shown(before, self._match(before, t, s, e)))
        return words

    def _shown(self, i: int, match: dict) -> str:
        p = self.passages[i]
        word = p.text[match["start"]:match["end"]]
        if "refers_to" not in match:
            return f"'{word}'"
        antecedent = self._antecedents[i]
        if antecedent is not None and antecedent[0] == match["start"]:
            names = antecedent[3]
        else:
            names = self._title_words[p.document]
        return f"'{names.get(match['term'], match['term'])}', as '{word}' ({match['refers_to']}),"

    def _neighbours(self, at: int, n: int, step: int) -> list[Neighbour]:
        """Up to ``n`` sentences of the same document on one side of position ``at``, nearest first
        (the engine keeps each document's passages together, in reading order)."""
        document, out = self.passages[at].document, []
        for i in range(at + step, at + step * (n + 1), step):
            if not 0 <= i < len(self.passages) or self.passages[i].document != document:
                break
            q = self.passages[i]
            out.append(Neighbour(q.key, q.sentence_index, q.text))
        return out

    def _match(self, i: int, term: str, start: int, end: int) -> dict:
        """Where a question term occurs in passage ``i``: the word without a possessive ("Eitingon′s" ->
        "Eitingon"), and for a pronoun that stands for the document's subject or for the previous
        sentence's ("It" for "The Anglo-Norman language"), what it refers to."""
        p = self.passages[i]
        match = {"term": term, "start": start, "end": start + len(strip_possessive(p.text[start:end]))}
        antecedent = self._antecedents[i]
        if p.subject_ref == (start, end):
            match["refers_to"] = self.titles[p.document]
        elif antecedent is not None and antecedent[:2] == (start, end):
            match["refers_to"] = antecedent[2]
        return match


def _chained(lists) -> list:
    """One list of the items of each list in turn."""
    return list(itertools.chain.from_iterable(lists))


def _joined(arrays: list[np.ndarray], dtype=np.int32) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)


def _listing(terms: list[str], most: int = 8, width: int = 30) -> str:
    """A short, readable list of terms for a message, however long the question was."""
    shown = [t if len(t) <= width else t[: width - 1] + "…" for t in terms[:most]]
    return ", ".join(shown) + (f" and {len(terms) - most} more" if len(terms) > most else "")
