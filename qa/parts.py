"""What the engine derives from one document's passages (its ``Part``): search terms, with the
document's subject at its pronouns and an "it"/"they" subject's antecedent; answer candidates (and
reason and manner phrases, for why- and how-questions); term ids.

A part is reused by the next engine while its document is unchanged, so a change to a living corpus
costs the changed article and the index, not the whole corpus.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .answering.manners import manners
from .answering.reasons import reasons
from .answering.spans import spans_of
from .corpus import Document
from .index import Vocabulary
from .nlp import Analyzer
from .passages import Passage, is_person, subject_pronouns
from .syntax import dependents, main_subject, under

# subject pronouns that stand for the previous sentence's subject; with he and she too, Hit@1 on
# Eitingon 0.733 -> 0.721 and Curie 0.711 -> 0.689 (there they mostly mean the document's subject,
# which mark_subject_references adds); with this and these too, no figure moves
ANAPHORS = frozenset({"it", "they"})


@dataclass(frozen=True)
class Part:
    """One document's derived data, per passage where a field is a list."""

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
    words: list  # each passage's tokens, lower-cased (for the question's prepositions)
    pronouns: frozenset[str]  # the pronouns that refer to the document's subject, when it is a person
    # per passage: an "it"/"they" subject's (start, end, what it stands for, {term: word there}), or None
    antecedents: list
    reasons: list  # per passage, its phrases giving a reason or purpose: a why-question's candidates
    manners: list  # per passage, its phrases saying how something was done: a how-question's candidates
    labels: frozenset[str]  # the labels of the document's entities (the page gives each a colour)
    title_set: frozenset[str]  # the title's terms
    title_words: dict[str, str]  # each of the title's terms as the title first writes it


def derive(document: Document, passages: list[Passage], analyzer: Analyzer, vocabulary: Vocabulary,
           titles: list[tuple[str, int, int]]) -> Part:
    """Everything the engine needs of one document's passages, its terms as ids of ``vocabulary``
    (``titles``: the title's terms, normalised as questions are)."""
    own = [analyzer.terms(p.text, p.tokens) for p in passages]
    trees = [dependents(p.syntax.arcs) if p.syntax else {} for p in passages]
    terms, antecedents = _with_antecedents(passages, own, [with_subject(p, t, titles)
                                                           for p, t in zip(passages, own, strict=True)],
                                           trees)
    token_terms = [_token_terms(p, t) for p, t in zip(passages, own, strict=True)]
    ids, lengths = vocabulary.encode([[w for w, _, _ in t] for t in [titles, *terms]])
    term_ids = ids[lengths[0]:]  # after the title's
    words = [tuple(p.text[s:e].lower() for s, e, _, _ in p.tokens) for p in passages]
    parsed = list(zip(passages, token_terms, words, trees, strict=True))
    return Part(
        document, passages, titles, terms,
        [[_within(t, e.start, e.end) for e in p.entities] for p, t in zip(passages, own, strict=True)],
        token_terms,
        [spans_of(p.text, p.entities, p.tokens, p.syntax.arcs, p.syntax.phrases, tt)
         if p.syntax else [] for p, tt, _, _ in parsed],
        [{s: i for i, (s, _, _, _) in enumerate(p.tokens)} for p in passages],
        term_ids, lengths[1:], ids, words,
        subject_pronouns(passages) if is_person(document.title, passages) else frozenset(),
        antecedents,
        [spans_of(p.text, [], p.tokens, p.syntax.arcs, reasons(p.syntax.arcs, w, below), tt)
         if p.syntax else [] for p, tt, w, below in parsed],
        [spans_of(p.text, [], p.tokens, p.syntax.arcs, manners(p.syntax.arcs, w, below), tt)
         if p.syntax else [] for p, tt, w, below in parsed],
        frozenset(e.label for p in passages for e in p.entities),
        frozenset(t for t, _, _ in titles), {t: document.title[s:e] for t, s, e in reversed(titles)})


def with_subject(p: Passage, terms, subject: list[tuple[str, int, int]]):
    """A passage's terms, plus the subject's name where a pronoun refers to the subject."""
    if p.subject_ref:
        present = {t for t, _, _ in terms}
        s, e = p.subject_ref
        terms = terms + [(t, s, e) for t in dict.fromkeys(t for t, _, _ in subject)
                         if t not in present]
    return terms


def _token_terms(p: Passage, terms: list[tuple[str, int, int]]) -> list[str | None]:
    """The search term of each of the passage's tokens (None for stop words and punctuation)."""
    by_start = {s: t for t, s, _ in terms}
    return [by_start.get(s) for s, _, _, _ in p.tokens]


def _with_antecedents(passages: list[Passage], own: list, terms: list, trees: list) -> tuple[list, list]:
    """Each sentence whose main subject is "it" or "they" also holds, at the pronoun, the terms of the
    previous sentence's main subject, what the pronoun most likely stands for: "It in turn evolved into
    Modern English" is found by the words of "The Anglo-Norman language was ..." before it. Also each
    sentence's (start, end, words it stands for) of such a pronoun, or None, to show whom it refers to.
    ``trees``: each passage's ``syntax.dependents``."""
    out, found, carried, referent, named = [], [], [], "", {}
    for p, mine, t, tree in zip(passages, own, terms, trees, strict=True):
        subject = main_subject(p.syntax.arcs) if p.syntax else None
        inherited, mark = [], None
        if subject is not None:
            s, e, _, _ = p.tokens[subject]
            if p.text[s:e].lower() in ANAPHORS:
                present = {x for x, _, _ in t}
                inherited = [x for x in dict.fromkeys(carried) if x not in present]
                t = t + [(x, s, e) for x in inherited]
                mark = (s, e, referent, named) if inherited else None
        out.append(t)
        found.append(mark)
        below = sorted(under(tree, subject)) if subject is not None else []
        starts = {p.tokens[k][0] for k in below}
        carried = [x for x, s, _ in mine if s in starts] + inherited
        if below and not inherited:
            referent = p.text[p.tokens[below[0]][0]:p.tokens[below[-1]][1]]
            if referent.split(" ", 1)[0] in ("The", "A", "An"):  # capitalised as a sentence's start
                referent = referent[0].lower() + referent[1:]
            named = {}
            for x, s, e in mine:
                if s in starts:
                    named.setdefault(x, p.text[s:e])
    return out, found


def _within(terms: list[tuple[str, int, int]], start: int, end: int) -> frozenset[str]:
    """The terms of the tokens overlapping [start, end): an entity's words, normalised like the question's."""
    return frozenset(t for t, s, e in terms if s < end and start < e)
