"""A parsed spaCy Doc's token attributes read once, with one ``Doc.to_array``, into plain lists.

Reading them through ``Token`` objects made a new object at every token, head and child looked at (a
sentence's text alone iterates its tokens), most of the index build's time after spaCy itself.
"""

from __future__ import annotations

import numpy as np
from spacy.attrs import DEP, HEAD, IDX, IS_PUNCT, IS_SPACE, LEMMA, LENGTH, LOWER, POS

ATTRS = (IDX, LENGTH, LEMMA, IS_PUNCT, IS_SPACE, POS, DEP, LOWER, HEAD)


class Columns:
    """Each token's offset, length, lemma, punctuation and space flags, part of speech, dependency
    label, lower-case form, head and dependents (in order) of one Doc; ``names`` maps string ids to
    their strings (shared across docs, so each string is looked up once)."""

    def __init__(self, doc, names: dict[int, str] | None = None):
        self.string = doc.text  # Doc.text joins every token's text anew at each read
        self._strings = doc.vocab.strings
        self._names = {} if names is None else names
        n = len(doc)
        table = doc.to_array(list(ATTRS)).reshape(n, len(ATTRS))
        self.idx, self.length, lemma, punct, space, pos, dep, lower = (table[:, k].tolist()
                                                                       for k in range(8))
        self.head = (table[:, 8].view(np.int64) + np.arange(n, dtype=np.int64)).tolist()
        self.lemma, self.pos, self.dep = self._named(lemma), self._named(pos), self._named(dep)
        self.lower = self._named(lower)
        self.punct, self.space = [bool(x) for x in punct], [bool(x) for x in space]
        self.children: list[list[int]] = [[] for _ in range(n)]
        for k, h in enumerate(self.head):
            if h != k:
                self.children[h].append(k)

    def _named(self, ids: list[int]) -> list[str]:
        names, out = self._names, []
        for i in ids:
            name = names.get(i)
            if name is None:
                name = names[i] = self._strings[i]
            out.append(name)
        return out

    def text(self, start: int, end: int) -> str:
        """The text of tokens [start, end), as ``Span.text``: without the last token's trailing space."""
        if start >= end:
            return ""
        return self.string[self.idx[start]:self.idx[end - 1] + self.length[end - 1]]

    def tokens(self, start: int, end: int, offset: int = 0) -> list[tuple[int, int, str, bool]]:
        """(start, end, lemma, is_punct) of tokens [start, end) but spaces, offsets from ``offset``:
        a passage's ``nlp.Token`` tuples."""
        idx, length, lemma, punct = self.idx, self.length, self.lemma, self.punct
        return [(idx[i] - offset, idx[i] - offset + length[i], lemma[i], punct[i])
                for i in range(start, end) if not self.space[i]]
