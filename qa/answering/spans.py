"""A passage as the reader sees it and its candidate answers: named entities and the phrases its parse
gave at index time (``qa.syntax``), each with its extent, parse head, label and terms."""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

SUBJECT = frozenset({"nsubj", "nsubjpass", "csubj"})


@dataclass(frozen=True)
class Span:
    """A candidate answer in a passage: character and token extent, parse head, entity label, terms."""

    text: str
    start: int
    end: int
    first: int
    last: int
    head: int
    label: str | None
    terms: frozenset[str]
    rarity: float = 0.0  # mean idf of its terms as a share of the highest idf: specific vs common words
    aside: bool = False  # in apposition, in brackets or between commas: naming what it stands beside
    doer: bool = False  # its head is the doer of its verb (subject, or a passive's "by X")
    within: str | None = None  # a phrase's: the label of the entity it lies inside ("October" of a DATE)

    @property
    def log_length(self) -> float:
        return math.log1p(self.last - self.first + 1)


@dataclass(frozen=True)
class Evidence:
    """One ranked passage as the reader sees it."""

    rank: int
    score: float
    coverage: float  # idf-weighted share of the question's terms the passage holds
    text: str
    spans: list[Span]
    arcs: list  # of syntax.Arc
    matched: frozenset[int]  # token indexes holding a question term
    token_terms: list  # each token's search term, or None
    words: tuple[str, ...] = ()  # each token's lower-case text (prepositions are stop words: no term)
    title: frozenset[str] = frozenset()  # the terms of the passage's document title
    reasons: list[Span] = field(default_factory=list)  # phrases giving a reason or purpose (why?)
    manners: list[Span] = field(default_factory=list)  # phrases saying how something was done (how?)
    tokens: list = field(default_factory=list)  # each token's (start, end, ...) in the text (yes/no)
    neighbours: list | None = None  # ``tree_neighbours(arcs)``, when the caller keeps them per passage
    phrase_terms: list | None = None  # ``phrase_terms(spans, ...)``, when the caller keeps them per passage


def spans_of(text: str, entities, tokens, arcs, phrases, token_terms) -> list[Span]:
    """Every candidate of one passage (entities first, then parse phrases of other extents); their
    rarity depends on the whole corpus, so it is set when one is read (``EvidenceBuilder.rare``)."""
    out, seen = [], set()

    def span(start: int, end: int, first: int, last: int, label: str | None,
             within: str | None = None) -> Span:
        return span_over(text, arcs, token_terms, start, end, first, last, label, within)

    extents = []
    if entities and arcs:
        starts, ends = [s for s, _, _, _ in tokens], [t for _, t, _, _ in tokens]
        for e in entities:
            # the tokens it overlaps, a run of them: tokens are in order and apart
            first, stop = bisect.bisect_right(ends, e.start), bisect.bisect_left(starts, e.end)
            if first < stop:
                out.append(span(e.start, e.end, first, stop - 1, e.label))
                seen.add((tokens[first][0], tokens[stop - 1][1]))
                extents.append((e.start, e.end, e.label))
    for first, last in phrases:
        start, end = tokens[first][0], tokens[last][1]
        if (start, end) not in seen and any(token_terms[first:last + 1]):
            within = next((label for s, e, label in extents if s <= start and end <= e), None)
            out.append(span(start, end, first, last, None, within))
            seen.add((start, end))
    return out


def span_over(text: str, arcs, token_terms, start: int, end: int, first: int, last: int, label: str | None,
              within: str | None = None, rarity: float = 0.0) -> Span:
    """The candidate over tokens [first, last] (characters [start, end)), its head read off the parse."""
    head = next((i for i in range(first, last + 1)
                 if not first <= arcs[i][2] <= last or arcs[i][2] == i), last)
    words = frozenset(t for t in token_terms[first:last + 1] if t)
    aside = arcs[head][1] == "appos" or _bracketed(text, start, end)
    return Span(text[start:end], start, end, first, last, head, label, words, rarity=rarity, aside=aside,
                doer=subject_like(arcs, head), within=within)


def subject_like(arcs, head: int) -> bool:
    """Whether the token is the doer of its verb: its subject, or the agent of a passive ("by X"), or
    in apposition to one ("the head of the services, Lavrentiy Beria, issued ...")."""
    while arcs[head][1] == "appos" and arcs[head][2] != head:
        head = arcs[head][2]
    if arcs[head][1] in SUBJECT:
        return True
    governor = arcs[head][2]
    return arcs[head][1] == "pobj" and arcs[governor][1] == "agent"


def _bracketed(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] stands in brackets or between commas, as an aside naming something."""
    while start > 0 and text[start - 1].isspace():  # as text[:start].rstrip(), without the copy
        start -= 1
    while end < len(text) and text[end].isspace():
        end += 1
    return (text[start - 1:start], text[end:end + 1]) in (("(", ")"), (",", ","))


def phrase_terms(spans: list[Span], n: int) -> list[frozenset[str]]:
    """Each of ``n`` tokens' terms of the first unlabelled phrase in ``spans`` that holds it (none:
    empty): what ``_beside`` asks of every candidate, made once per passage instead."""
    out: list[frozenset[str] | None] = [None] * n
    for s in spans:
        if s.label is None:
            for i in range(s.first, min(s.last + 1, n)):
                if out[i] is None:
                    out[i] = s.terms
    return [t if t is not None else frozenset() for t in out]
