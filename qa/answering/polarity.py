"""Yes or no for a yes/no question, read from a top passage's stored parse (never parsed again).

"yes" when a passage holds most of what the question asks and does not negate it; "no" when the
clause saying it is negated an odd number of times: by "not"/"n't"/"never", by "no", "neither", "nor"
on one of its core parts, by "without" over it, by a verb of denial heading it or taking it as its
complement ("refused to leave", "denied that she had", with "did not deny" undoing it), or by a noun
of denial in it ("steadfast in his denial"). Otherwise there is no verdict, and the reason says why.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..syntax import dependents, under

MIN_COVERAGE = 0.5  # the least idf-weighted share of the question's words the passage must hold
# The negative implicative verbs of Karttunen ("Implicative verbs", Language 47, 1971) and Nairn,
# Condoravdi & Karttunen ("Computing relative polarity for textual inference", 2006) - fail, neglect,
# decline, refuse, refrain, avoid - with the verbs of denial deny and reject: whoever does them does
# not do what follows. Inflections and the nouns of the same meaning are listed, not stemmed.
_DENIALS = """
    fail fails failed failing failure neglect neglects neglected neglecting decline declines declined
    declining refuse refuses refused refusing refusal refrain refrains refrained refraining avoid
    avoids avoided avoiding deny denies denied denying denial reject rejects rejected rejecting
    rejection"""
DENIALS = frozenset(_DENIALS.split())
NEGATIVES = frozenset({"no", "neither", "nor", "none", "nobody", "nothing"})  # on a core part
SENTENTIAL = frozenset({"not", "n't", "n’t", "never"})
CORE = frozenset({"nsubj", "nsubjpass", "dobj", "attr", "dative"})
SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
RELATIVES = frozenset({"who", "which", "that"})
# a subject pronoun may stand for what the question names (the index reads he/she as the article's
# subject and it/they as the previous sentence's, but marks the word only where the sentence lacks it)
PERSONAL = frozenset({"he", "she", "it", "they"})
# The seed article's yes/no questions (corpus/article.questions.jsonl: 9, 8 answerable) get one "yes"
# and one "no" from these rules, both right; with so few, the chance of being right is Laplace's rule of
# succession, (right + 1) / (given + 2), per verdict: 2/3. SQuAD, which calibrates the rest, has none.
CONFIDENCE = {"yes": 0.667, "no": 0.667}


@dataclass(frozen=True)
class Verdict:
    """"yes" or "no", the passage it is read from, and the characters it rests on there."""

    text: str
    evidence: object  # spans.Evidence
    start: int
    end: int


def verdict(evidence: list, question_words: frozenset[str], passive: bool) -> Verdict | str:
    """The verdict of the best-covered top passage, or why there is none (a detail for the reason);
    ``passive``: the question is "be" and a past participle, so its subject is the passage's object."""
    if question_words & SENTENTIAL or any(w.endswith(("n't", "n’t")) for w in question_words):
        return "a negative question's yes and no are ambiguous in English"
    ev = max(evidence, key=lambda e: (e.coverage, -e.rank))
    if ev.coverage < MIN_COVERAGE:
        return f"the best passage holds {ev.coverage:.0%} of the question's words, under half"
    if not ev.arcs or not ev.tokens:
        return "the passage has no parse to read it from"
    parse = _Parse(ev, question_words)
    if not parse.matched:
        return "the passage's matched words have no place in its parse"
    verbs = [m for m in parse.matched if ev.arcs[m][0] in ("VERB", "AUX") and ev.arcs[m][1] not in
             ("aux", "auxpass")]
    own = [v for v in verbs if parse.says_of_asked(v, passive)]
    focus = ({parse.clause(v) for v in own}
             or {parse.clause(m) for m in parse.matched if ev.arcs[m][1] in SUBJECTS}
             or {c for c in {parse.clause(m) for m in parse.matched} if parse.says_of_asked(c, passive)})
    for c in sorted(focus):
        negator = parse.negated(c)
        if negator is not None:
            return Verdict("no", ev, *ev.tokens[negator][:2])
    if not focus or verbs and not own:
        return "it says that of someone or something the question does not name"
    inside = [m for m in parse.matched if parse.clause(m) in focus] + sorted(focus)
    return Verdict("yes", ev, ev.tokens[min(inside)][0], ev.tokens[max(inside)][1])


class _Parse:
    """One passage's arcs with the question's matched tokens, asked about clause by clause."""

    def __init__(self, ev, question_words: frozenset[str]):
        self.ev, self.arcs, self.words = ev, ev.arcs, ev.words
        self.matched = sorted(i for i in ev.matched if i < len(ev.arcs))
        self.asked = question_words
        self.below = dependents(self.arcs)
        self.heads = [self._head(i) for i in range(len(self.arcs))]

    def _head(self, i: int) -> int:
        """The verb whose clause token ``i`` belongs to: itself or its nearest verb ancestor that is
        not an auxiliary or a preposition ("including"), else the root; a coordinated verb heads its
        own clause."""
        for _ in range(len(self.arcs)):
            pos, dep, head = self.arcs[i]
            if pos in ("VERB", "AUX") and dep not in ("aux", "auxpass", "prep") or head == i:
                return i
            i = head
        return i

    def clause(self, i: int) -> int:
        return self.heads[i]

    def says_of_asked(self, verb: int, passive: bool) -> bool:
        """Whether the verb is said of what the question names: its subject (or that of the verb it is
        coordinated with or completes, or a relative pronoun's noun) or one named as included in it
        is matched or is a personal pronoun, or the question is passive and its object is matched."""
        v = verb
        while not (subjects := [k for k in self.below.get(v, ()) if self.arcs[k][1] in SUBJECTS]):
            if self.arcs[v][1] not in ("conj", "xcomp") or self.arcs[v][2] == v:
                return True
            v = self.arcs[v][2]
        if any(self._names_match(k) or self.words[k] in PERSONAL or self.words[k] in RELATIVES
               and self.arcs[v][1] == "relcl" and self._names_match(self.arcs[v][2]) for k in subjects):
            return True
        if any(self._names_match(j) for k in self.below.get(v, ()) if self.words[k] == "including"
               for j in self.below.get(k, ())):  # "all were released, including Sofia"
            return True
        return passive and any(self.arcs[k][1] in ("dobj", "dative") and k in self.ev.matched
                               for k in self.below.get(verb, ()))

    def _names_match(self, k: int) -> bool:
        """Whether token ``k`` or a name in apposition to it ("his sister Sofia") is matched."""
        return k in self.ev.matched or any(self.arcs[j][1] == "appos" and j in self.ev.matched
                                           for j in self.below.get(k, ()))

    def negated(self, c: int) -> int | None:
        """The first token negating clause ``c`` when it and the clauses taking it as complement
        negate it an odd number of times, else None."""
        count, first = 0, None
        while True:
            found = self._negator(c)
            if found is not None:
                count, first = count + 1, first if first is not None else found
            dep, head = self.arcs[c][1], self.arcs[c][2]
            if dep == "pcomp" and self.words[head] == "without" and "without" not in self.asked:
                count, first = count + 1, first if first is not None else head
            if dep not in ("xcomp", "ccomp") or head == c:
                break
            c = self.heads[head]
        return first if count % 2 else None

    def _negator(self, c: int) -> int | None:
        """A token negating clause ``c`` once: a denial verb heading it cancels a "not" in it."""
        denies = self.words[c] in DENIALS and c not in self.ev.matched
        others = [i for i in range(len(self.arcs)) if i != c and self.heads[i] == c and self._negates(i)]
        if denies != bool(others):
            return c if denies else others[0]
        return None

    def _negates(self, i: int) -> bool:
        word, (pos, dep, head) = self.words[i], self.arcs[i]
        if i in self.ev.matched or word in self.asked:
            return False
        if dep == "neg" or word in SENTENTIAL and dep == "advmod":
            return True
        if word in NEGATIVES:
            return dep in CORE or self.arcs[head][1] in CORE or head in self.ev.matched
        if word == "without":
            return any(self._holds_match(k) for k in self.below.get(i, ()))
        return word in DENIALS and pos == "NOUN"

    def _holds_match(self, top: int) -> bool:
        return not self.ev.matched.isdisjoint(under(self.below, top))
