"""Phrases that say how something was done, the short answers of manner "How ...?" questions, from a
sentence's stored parse.

English grammar marks manner and means in a few ways, each found here by its dependency arcs:
- a verb's "by", "through", "via" or "with" phrase: "by" with a gerund and what depends on it ("by
  marrying the duke's daughter"); the object alone of a common noun ("through stream capture" ->
  "stream capture", "created by erosion" -> "erosion"). A proper noun or pronoun there, or a noun
  WordNet classes as a person, a time or a place, names a doer, a companion, a time or a route ("by
  Mercader", "with his wife", "by the Pliocene period", "via Switzerland"), not a manner;
- "in a ... way/manner/fashion" of a verb;
- a manner adverb of a verb ("secretly applied", "fatally wounding"), with its own modifiers;
- the predicate of a passive verb, the verb with what follows it ("were all imprisoned in cold, dark
  cells and tortured"): how the subject was treated.
"""

from __future__ import annotations

from ..syntax import BREAKS, Arc, Phrase, dependents, extent, under
from . import kinds

MEANS = frozenset({"by", "through", "via", "with"})
MANNER_NOUNS = frozenset({"way", "manner", "fashion"})  # "in a secret way"
# Adverbs in -ly that say when, how often, how much, or what the speaker thinks, not how: the time,
# frequency, degree, focus, stance and linking classes of English grammars' adverbs (Quirk et al.,
# A Comprehensive Grammar of the English Language, 1985, ch. 8; Biber et al., Longman Grammar of
# Spoken and Written English, 1999, §10.2), listed here as their common -ly members.
_NOT_MANNER = """
    recently lately currently presently formerly previously originally initially finally eventually
    subsequently immediately shortly early briefly temporarily simultaneously instantly ultimately
    daily weekly monthly yearly annually nightly hourly
    usually normally generally frequently occasionally rarely regularly repeatedly constantly
    continually continuously typically commonly periodically infrequently
    only nearly mostly largely mainly partly partially fully entirely completely totally highly
    greatly slightly barely hardly scarcely merely fairly really truly extremely particularly
    especially relatively approximately roughly exactly precisely increasingly considerably
    significantly substantially wholly utterly virtually practically essentially primarily chiefly
    principally predominantly exclusively solely purely simply mostly heavily deeply strongly
    apparently allegedly reportedly supposedly probably possibly likely certainly clearly obviously
    evidently presumably undoubtedly surely actually fortunately unfortunately ironically
    interestingly notably additionally consequently accordingly similarly likewise conversely
    alternatively respectively traditionally historically reputedly seemingly arguably
    admittedly incidentally importantly namely directly
"""
NOT_MANNER = frozenset(_NOT_MANNER.split())
# what may follow a passive verb in its predicate: complements, modifiers and a coordinated verb
PREDICATE = frozenset({"prep", "agent", "advmod", "acomp", "oprd", "xcomp", "cc", "conj", "npadvmod",
                       "dobj", "dative", "attr", "prt"})
NOUNS = frozenset({"NOUN"})  # common nouns: a manner or means, not a doer, a companion or a route
NOT_MEANS = frozenset({"person", "time", "location"})  # WordNet's classes of who, when and where
MAX_MANNER_TOKENS = 12


def manners(arcs: list[Arc], words: tuple[str, ...], below: dict[int, list[int]] | None = None
            ) -> list[Phrase]:
    """Token extents [first, last] of the sentence's manner and means phrases, in sentence order
    (``below``: ``dependents(arcs)``, when the caller has it)."""
    below = dependents(arcs) if below is None else below
    out: list[Phrase] = []
    for i, (pos, dep, head) in enumerate(arcs):
        if head == i or arcs[head][0] != "VERB":
            continue
        if dep in ("prep", "agent"):
            objects = below.get(i, [])
            gerund = [k for k in objects if arcs[k][1] == "pcomp" and arcs[k][0] == "VERB"]
            nouns = [k for k in objects if _means(arcs, words, k)]
            if words[i] == "by" and gerund:
                out.append((i, extent(below, words, gerund[0])[1]))
            elif words[i] in MEANS and nouns:
                out.append(extent(below, words, nouns[0]))
            elif words[i] == "in" and nouns and words[nouns[0]] in MANNER_NOUNS:
                out.append((i, extent(below, words, nouns[0])[1]))
        elif dep == "advmod" and pos == "ADV" and _manner_adverb(words[i]):
            out.append(extent(below, words, i))
    # a passive's predicate says how when no manner phrase inside it says so more precisely
    predicates = [p for v, (pos, _, _) in enumerate(arcs)
                  if pos == "VERB" and (p := _passive_predicate(arcs, words, below, v))]
    out += [(v, last) for v, last in predicates if not any(v <= a and b <= last for a, b in out)]
    return sorted({(first, last) for first, last in out if last - first + 1 <= MAX_MANNER_TOKENS})


def _means(arcs: list[Arc], words: tuple[str, ...], k: int) -> bool:
    """Whether a preposition's object can name a manner or a means: a common noun that WordNet does
    not class as a person, a time or a place (not "Mercader", "1200", "his wife", "the period")."""
    return arcs[k][1] == "pobj" and arcs[k][0] in NOUNS and kinds.kind(words[k]) not in NOT_MEANS


def _manner_adverb(word: str) -> bool:
    """Whether an adverb is one of manner: formed in -ly and not of another class ("recently")."""
    return len(word) > 4 and word.endswith("ly") and word not in NOT_MANNER


def _passive_predicate(arcs: list[Arc], words: tuple[str, ...], below: dict[int, list[int]],
                       verb: int) -> Phrase | None:
    """The passive verb and what follows it in its clause, up to a break, a new clause, its doer or a
    phrase of time or place ("founded in 1200" says when); None when the token is no passive verb or
    nothing of manner follows it."""
    children = below.get(verb, [])
    if arcs[verb][0] != "VERB" or not any(arcs[k][1] == "auxpass" for k in children):
        return None
    last = verb
    for k in sorted(c for c in children if c > verb):
        dep = arcs[k][1]
        if (dep not in PREDICATE or dep == "agent"  # "killed by Mercader" says who
                or dep == "prep" and not any(_means(arcs, words, o) for o in below.get(k, ()))
                or dep == "conj" and any(arcs[c][1] in ("nsubj", "nsubjpass") for c in below.get(k, ()))):
            break
        last = max(under(below, k))
    while last > verb and (words[last] in BREAKS or arcs[last][1] == "cc"):
        last -= 1
    return (verb, last) if last > verb else None

