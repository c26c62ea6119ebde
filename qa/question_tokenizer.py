"""The tokenizer questions go through: the pipeline's rules on a vocabulary of its own, at bounded cost.

Whatever a client sends must not grow the process or cost more than a few milliseconds:

- spaCy's vocabulary and tokenizer cache keep every new word for good (``memory_zone`` only marks
  the lexeme map's entries deleted), so questions are tokenised on a scratch vocabulary that is
  thrown away and built anew, from the same rules, once it has learnt ``MAX_NEW_LEXEMES`` words;
- splitting prefixes and suffixes off a run without spaces costs time quadratic in its length
  (``!?.,;:`` x 160, 1,000 emoji: 200-470 ms), so a run longer than ``MAX_RUN`` characters is cut
  into runs of ``MAX_RUN`` before the tokenizer sees it. No word is that long, so a question's
  tokens are the shared tokenizer's own.
"""

from __future__ import annotations

import bisect
import re

from spacy.tokenizer import Tokenizer
from spacy.vocab import Vocab

from .nlp import Token

MAX_RUN = 64  # characters without white space the tokenizer sees at once (cost: ~3 ms per 1,000)
MAX_NEW_LEXEMES = 5_000  # words learnt before the scratch vocabulary is rebuilt (~130 ms, ~4 MiB)
MAX_QUESTIONS = 20_000  # questions before a rebuild anyway: the tokenizer cache grows with new spans
_LONG_RUN = re.compile(rf"\S{{{MAX_RUN + 1},}}")


class QuestionTokenizer:
    """Tokens (start, end, lemma, is_punct) of a question, as the pipeline's tokenizer makes them."""

    def __init__(self, tokenizer: Tokenizer):
        self._template = tokenizer
        self._rules = dict(tokenizer.rules or {})
        self.rebuilds = 0
        self._build()

    def _build(self) -> None:
        t = self._template
        vocab = Vocab(lex_attr_getters=t.vocab.lex_attr_getters, writing_system=t.vocab.writing_system)
        self._tokenizer = Tokenizer(vocab, rules=self._rules, prefix_search=t.prefix_search,
                                    suffix_search=t.suffix_search, infix_finditer=t.infix_finditer,
                                    token_match=t.token_match, url_match=t.url_match,
                                    faster_heuristics=t.faster_heuristics)
        self._base_size = len(vocab)
        self._questions = 0

    @property
    def learnt(self) -> int:
        """Words the scratch vocabulary learnt since it was last built."""
        return len(self._tokenizer.vocab) - self._base_size

    def __call__(self, text: str) -> list[Token]:
        """Tokens of ``text`` without white-space tokens; offsets are into ``text``."""
        if self.learnt >= MAX_NEW_LEXEMES or self._questions >= MAX_QUESTIONS:
            self.rebuilds += 1
            self._build()
        self._questions += 1
        cut, cuts = bounded_runs(text)
        out = []
        for t in self._tokenizer(cut):
            if not t.is_space:
                start = t.idx
                if cuts:
                    start -= bisect.bisect_right(cuts, start)
                out.append((start, start + len(t.text), t.lemma_, t.is_punct))
        return out


def bounded_runs(text: str) -> tuple[str, list[int]]:
    """``text`` with a space after every MAX_RUN characters of a longer run, and where the spaces went
    (their positions in the new text), so offsets can be mapped back."""
    if not _LONG_RUN.search(text):
        return text, []
    parts, cuts, pos, shift = [], [], 0, 0
    for m in _LONG_RUN.finditer(text):
        parts.append(text[pos:m.start()])
        run = m.group()
        for i in range(0, len(run), MAX_RUN):
            if i:
                cuts.append(m.start() + i + shift)
                parts.append(" ")
                shift += 1
            parts.append(run[i:i + MAX_RUN])
        pos = m.end()
    parts.append(text[pos:])
    return "".join(parts), cuts
