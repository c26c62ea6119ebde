"""What the reader needs of a sentence's parse, taken once at index time and cached: per token its
part of speech, dependency label and head, and the phrases that can be short answers.

Phrases are spaCy's noun chunks, coordinations of them ("Denmark, Iceland and Norway") and a chunk
with its "of" complement ("the Duke of Normandy"); named entities are added by the reader.
"""

from __future__ import annotations

from dataclasses import dataclass

Arc = tuple[str, str, int]  # (coarse part of speech, dependency label, head's token index)
Phrase = tuple[int, int]  # token indexes [first, last] of the passage's non-space tokens
MAX_PHRASE_TOKENS = 12


@dataclass(frozen=True)
class Syntax:
    arcs: list[Arc]
    phrases: list[Phrase]


def of_sentence(sent, noun_chunks=None) -> Syntax:
    """The arcs and answer phrases of a spaCy sentence, indexed like ``nlp.tokens_of`` (spaces skipped);
    ``noun_chunks``: the sentence's, when the caller has them (``sentence_chunks``)."""
    position = {}
    for t in sent:
        if not t.is_space:
            position[t.i] = len(position)
    arcs = [(t.pos_, t.dep_, position.get(t.head.i, position[t.i])) for t in sent if not t.is_space]
    chunks = {c.root.i: c for c in (sent.noun_chunks if noun_chunks is None else noun_chunks)}
    phrases: set[Phrase] = set()

    def add(first: int, last: int) -> None:
        while first <= last and sent.doc[first].is_space:
            first += 1
        if first in position and last in position and 0 < last - first + 1 <= MAX_PHRASE_TOKENS:
            phrases.add((position[first], position[last]))

    for root, chunk in chunks.items():
        add(chunk.start, chunk.end - 1)
        token = sent.doc[root]
        conj = [c for c in token.children if c.dep_ == "conj" and c.i in chunks]
        if conj:
            add(chunk.start, chunks[conj[-1].i].end - 1)
        for prep in token.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                objects = [c for c in prep.children if c.dep_ == "pobj" and c.i in chunks]
                if objects:
                    add(chunk.start, chunks[objects[0].i].end - 1)
    return Syntax(arcs, sorted(phrases))


def sentence_chunks(doc) -> list[list]:
    """Each sentence's noun chunks, from one pass over the doc: ``Span.noun_chunks`` runs the doc's
    chunk iterator over the whole doc for every sentence, which made parsing quadratic in a
    paragraph's length (a fifth of a 20,000-sentence build)."""
    sents = list(doc.sents)
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


def subtree(arcs: list[Arc], top: int) -> set[int]:
    """The token indexes of ``top`` and everything that depends on it."""
    return under(dependents(arcs), top)
