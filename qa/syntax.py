"""What the reader needs of a sentence's parse, taken once at index time and cached: per token its
part of speech, dependency label and head, and the phrases that can be short answers.

Phrases are spaCy's noun chunks, coordinations of them ("Denmark, Iceland and Norway") and a chunk
with its "of" complement ("the Duke of Normandy"); named entities are added by the reader.
"""

from __future__ import annotations

from dataclasses import dataclass

from .columns import Columns

Arc = tuple[str, str, int]  # (coarse part of speech, dependency label, head's token index)
Phrase = tuple[int, int]  # token indexes [first, last] of the passage's non-space tokens
MAX_PHRASE_TOKENS = 12


@dataclass(frozen=True)
class Syntax:
    arcs: list[Arc]
    phrases: list[Phrase]


def of_sentence(sent, noun_chunks=None) -> Syntax:
    """The arcs and answer phrases of a spaCy sentence, indexed like its passage's tokens (spaces skipped);
    ``noun_chunks``: the sentence's, when the caller has them (``sentence_chunks``)."""
    chunks = sent.noun_chunks if noun_chunks is None else noun_chunks
    return syntax_of(Columns(sent.doc), sent.start, sent.end, [(c.root.i, c.start, c.end) for c in chunks])


def syntax_of(doc: Columns, start: int, end: int, noun_chunks: list[tuple[int, int, int]]) -> Syntax:
    """``of_sentence`` for tokens [start, end) of a Doc read into ``Columns``, its noun chunks given
    as (root, start, end) token indexes."""
    space, head = doc.space, doc.head
    position = {}
    for i in range(start, end):
        if not space[i]:
            position[i] = len(position)
    arcs = [(doc.pos[i], doc.dep[i], position.get(head[i], position[i]))
            for i in range(start, end) if not space[i]]
    chunks = {root: (first, stop) for root, first, stop in noun_chunks}
    phrases: set[Phrase] = set()

    def add(first: int, last: int) -> None:
        while first <= last and space[first]:
            first += 1
        if first in position and last in position and 0 < last - first + 1 <= MAX_PHRASE_TOKENS:
            phrases.add((position[first], position[last]))

    dep, children = doc.dep, doc.children
    for root, (first, stop) in chunks.items():
        add(first, stop - 1)
        conj = [c for c in children[root] if dep[c] == "conj" and c in chunks]
        if conj:
            add(first, chunks[conj[-1]][1] - 1)
        for prep in children[root]:
            if dep[prep] == "prep" and doc.lower[prep] == "of":
                objects = [c for c in children[prep] if dep[c] == "pobj" and c in chunks]
                if objects:
                    add(first, chunks[objects[0]][1] - 1)
    return Syntax(arcs, sorted(phrases))


def sentence_chunks(doc, sents: list | None = None) -> list[list]:
    """Each sentence's noun chunks, from one pass over the doc: ``Span.noun_chunks`` runs the doc's
    chunk iterator over the whole doc for every sentence, which made parsing quadratic in a
    paragraph's length (a fifth of a 20,000-sentence build). ``sents``: the doc's, when known."""
    sents = list(doc.sents) if sents is None else sents
    out: list[list] = [[] for _ in sents]
    k = 0
    for chunk in doc.noun_chunks:
        while k < len(sents) and sents[k].end <= chunk.start:
            k += 1
        if k < len(sents) and sents[k].start <= chunk.start and chunk.end <= sents[k].end:
            out[k].append(chunk)
    return out


SUBJECTS = ("nsubj", "nsubjpass")


def main_subject(arcs: list[Arc]) -> int | None:
    """The token index of the subject of the sentence's root verb, if it has one."""
    root = next((k for k, (_, dep, _) in enumerate(arcs) if dep == "ROOT"), None)
    return next((k for k, (_, dep, head) in enumerate(arcs)
                 if head == root and dep in SUBJECTS and k != root), None) if root is not None else None


BREAKS = frozenset({",", ";", ":", "(", ")", "[", "]", "—", "–"})  # a phrase read off the parse ends here


def dependents(arcs: list[Arc]) -> dict[int, list[int]]:
    """Each token's dependents (by index, in sentence order), for walking down the tree."""
    below: dict[int, list[int]] = {}
    for k, (_, _, head) in enumerate(arcs):
        if head != k:
            below.setdefault(head, []).append(k)
    return below


def under(below: dict[int, list[int]], top: int, skip: int | None = None) -> set[int]:
    """``top`` and every token below it (``below``: ``dependents``), leaving out ``skip``'s branch."""
    found, todo = set(), [top]
    while todo:
        k = todo.pop()
        if k not in found and k != skip:
            found.add(k)
            todo.extend(below.get(k, ()))
    return found


def extent(below: dict[int, list[int]], words: tuple[str, ...], top: int, skip: int | None = None) -> Phrase:
    """The [first, last] token extent of ``top``'s subtree (without ``skip``'s), cut at the first break
    after ``top``: a reason or manner phrase ends at its clause's comma or bracket."""
    found = under(below, top, skip)
    last = top
    while last + 1 in found and words[last + 1] not in BREAKS:
        last += 1
    return min(found), last


def descends(arcs: list[Arc], i: int, top: int, depth: int) -> bool:
    """Whether token ``i`` is ``top`` or lies in its phrase, within ``depth`` arcs up from ``i``."""
    for _ in range(depth):
        if i == top:
            return True
        if arcs[i][2] == i:
            return False
        i = arcs[i][2]
    return False


def subtree(arcs: list[Arc], top: int) -> set[int]:
    """The token indexes of ``top`` and everything that depends on it."""
    return under(dependents(arcs), top)
