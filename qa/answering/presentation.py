"""What the user is shown of a ranked passage: its matches (with what a pronoun refers to), the
explanation in the passage's own words, and the sentences around it; and short term listings."""

from __future__ import annotations

import numpy as np

from ..index import Index
from ..passages import Passage, strip_possessive
from .explain import explain
from .rank import Ranked
from .result import Neighbour, RankedPassage
from .retrieval import matched


def listing(terms: list[str], most: int = 8, width: int = 30) -> str:
    """A short, readable list of terms for a message, however long the question was."""
    shown = [t if len(t) <= width else t[: width - 1] + "…" for t in terms[:most]]
    return ", ".join(shown) + (f" and {len(terms) - most} more" if len(terms) > most else "")


class Presenter:
    """Turns ranked passages into ``RankedPassage``s from one engine's index and per-passage columns
    (shared, not copied)."""

    def __init__(self, passages: list[Passage], index: Index, titles: dict[str, str],
                 title_words: dict[str, dict[str, str]], previous: np.ndarray, passage_terms: list,
                 antecedents: list):
        """``previous``: each passage's predecessor in its document, -1 for none; ``antecedents``: each
        passage's "it"/"they" subject's antecedent, if any; ``title_words``: each title's word by term."""
        self.passages = passages
        self.index = index
        self.titles = titles
        self.title_words = title_words
        self.previous = previous
        self.passage_terms = passage_terms
        self.antecedents = antecedents

    def ranked(self, rank: int, r: Ranked, context: int = 0, explained: bool = True) -> RankedPassage:
        """The passage as shown: matches, the explanation when ``explained``, ``context`` sentences
        before and after it."""
        p = self.passages[r.passage]
        matches = [self._match(r.passage, t, s, e) for t, s, e in matched(self.passage_terms, r)]
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
        before = int(self.previous[r.passage])
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
        antecedent = self.antecedents[i]
        if antecedent is not None and antecedent[0] == match["start"]:
            names = antecedent[3]
        else:
            names = self.title_words[p.document]
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
        antecedent = self.antecedents[i]
        if p.subject_ref == (start, end):
            match["refers_to"] = self.titles[p.document]
        elif antecedent is not None and antecedent[:2] == (start, end):
            match["refers_to"] = antecedent[2]
        return match
