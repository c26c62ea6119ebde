"""Whether a passage says otherwise than the question: an opposite of one of its words where the question
has the word ("small" for "large"), only dates outside the time it names, none of the kin it asks about
("Who was X's son?"), or a time of something other than the event it asks the time of ("When was X
shortened?" against "X was built in 1939"). SQuAD 2.0's unanswerable questions are often made so
(antonyms, swapped dates, changed verbs: Rajpurkar, Jia and Liang 2018, table 2)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from . import directions, modifiers, opposites, times
from .answer import OBJECT_FORM, SUBJECT_FORM, QuestionType
from .roles import asked_other_part, other_doer, swapped, undergoer_elsewhere

# English kinship nouns by relation, each with its converse (a son's father, a sister's brother: general
# English): a question about "X's son" is not answered by a passage naming no child nor parent of anyone
KIN_RELATIONS = ((frozenset({"father", "mother", "parent"}), frozenset({"son", "daughter", "child"})),
                 (frozenset({"brother", "sister"}),) * 2,
                 (frozenset({"husband", "wife", "widow", "widower", "married", "marry", "marriage"}),) * 2,
                 (frozenset({"uncle", "aunt"}), frozenset({"nephew", "niece"})),
                 (frozenset({"grandfather", "grandmother"}), frozenset({"grandson", "granddaughter"})),
                 (frozenset({"cousin"}),) * 2,
                 (frozenset({"stepfather", "stepmother"}), frozenset({"stepson", "stepdaughter"})))
KIN = {w: one | other for one, other in KIN_RELATIONS for pair in ((one, other), (other, one))
       for w in pair[0] if not w.startswith("marr")}  # each kinship noun: the words that name its relation
LENGTH_KINDS = frozenset({"how_many", "how_long"})  # "How many years ...?", "How long ...?"
NEAR = 2  # dependency edges from the opposite to a word of the question, at most


def said_otherwise(qtype, ev, tree: Callable[[], Sequence[int]]) -> str | None:
    """How the passage ``ev`` contradicts the question of type ``qtype``, or None when it does not;
    ``tree()``: each token's dependency edges to the nearest word of the question (``Nearness``)."""
    if qtype.opposites:
        forms = [opposites.forms(w) for w in ev.words]
        held = set().union(*forms)
        edges = None
        for base, word, opposite in qtype.opposites:
            if base in held or not opposite & held:
                continue
            edges = edges or tree()
            at = [i for i, f in enumerate(forms) if f & opposite and i < len(edges) and edges[i] <= NEAR]
            if at:
                return f"its passage says {ev.words[at[0]]!r} where the question says {word!r}"
    if qtype.modifiers and (otherwise := modifiers.said_otherwise(qtype.modifiers, ev)):
        return otherwise
    if qtype.numbered and (otherwise := modifiers.number_otherwise(qtype.numbered, ev)):
        return otherwise
    if qtype.directions and (otherwise := directions.said_otherwise(qtype.directions, ev)):
        return otherwise
    if qtype.times:
        dates = [t for s in ev.spans if s.label == "DATE" for t in times.in_date(s.text)]
        if dates and not any(times.overlaps(q, d) for q in qtype.times for d in dates):
            return f"its passage gives {dates[0][2]!r} where the question says {qtype.times[0][2]!r}"
    if kin := kin_unnamed(qtype.words, ev.words):
        return f"its passage names no {kin!r} nor its converse"
    if qtype.kin_of and (otherwise := kin_owner_acts(qtype.kin_of, ev)):
        return otherwise
    if qtype.event_terms and qtype.event_terms.isdisjoint(ev.token_terms):
        return f"its passage does not say {qtype.event!r} nor a synonym of it"
    return None


def point_for_length(qtype: QuestionType, ev, span) -> str | None:
    """Why a candidate naming a point in time ("22,000 years ago") does not answer a question asking a
    length of time or a count ("How many years did it take ...?") that has no "ago" itself, or None."""
    if qtype.kind not in LENGTH_KINDS or "ago" in qtype.words or not ev.words or ev.words[span.last] != "ago":
        return None
    return f"{span.text!r} names a point in time, not the length the question asks"


def sibling_named(qtype: QuestionType, ev, span) -> str | None:
    """The candidate's other proper modifier of a noun the question modifies (``modifiers``), or None."""
    return modifiers.candidate_otherwise(qtype.proper, ev, span) if qtype.proper else None


def kin_owner_acts(pairs, ev) -> str | None:
    """The name whose kin the question asks about ("Edward's son") as the subject of a matched verb in a
    passage that never names that kin: the passage tells what the person did, not their kin."""
    held = {modifiers.singular(w) for w in ev.words}
    for owner, kin in pairs:
        if modifiers.singular(kin) in held:
            continue
        for m in ev.matched:
            if (ev.words[m] == owner and m < len(ev.arcs) and ev.arcs[m][1] == "nsubj"
                    and ev.arcs[m][2] in ev.matched and ev.arcs[ev.arcs[m][2]][0] == "VERB"):
                return f"its passage has {owner!r} doing what the question says their {kin!r} does"
    return None


def kin_unnamed(asked, words) -> str | None:
    """A kinship noun of the question ``asked`` none of whose relation's terms, nor its converse's, is
    among the passage's ``words`` ("son": no "son", "daughter", "father", "mother", ...), or None."""
    kin = sorted({modifiers.singular(w) for w in asked} & KIN.keys())
    if not kin:
        return None
    held = {modifiers.singular(w) for w in words}
    return next((w for w in kin if held.isdisjoint(KIN[w])), None)


def roles_swapped(qtype: QuestionType, ev, span) -> str | None:
    """How the passage gives the question's words the candidate's part ("Who replaced X?" against
    "X replaced Y"), gives the candidate the part the question gives its own words ("Who did X marry?"
    against "Y married X's sister") or names another doer of its verb (SQuAD 2.0's entity swaps), or
    None; a passive question is left alone, and one whose wh-word comes late ("X descends from what
    sea?") is read for another doer only, its subject coming first as in "What does X descend from?"."""
    if not ev.arcs:
        return None
    if qtype.preposition and (
            otherwise := directions.stranded_otherwise(qtype.preposition, qtype.words, ev, span.head)):
        return otherwise
    if qtype.passive:
        return None
    outside = [m for m in ev.matched if not span.first <= m <= span.last]
    if not qtype.fronted:
        if (at := other_doer(ev.arcs, span.head, outside)) is not None:
            return f"its passage has {ev.words[at]!r} doing what the question says another does"
        return None
    if (at := swapped(qtype.form, ev.arcs, span.head, outside)) is not None:
        return f"its passage has {span.text!r} and {ev.words[at]!r} the other way round from the question"
    if (at := asked_other_part(qtype.form, ev.arcs, span.head, outside)) is not None:
        part = "subject" if qtype.form == OBJECT_FORM else "object"
        return (f"its passage has {span.text!r} as the {part} of {ev.words[at]!r}, not the part the "
                "question asks")
    if qtype.form == OBJECT_FORM and (at := other_doer(ev.arcs, span.head, outside)) is not None:
        return f"its passage has {ev.words[at]!r} doing what the question says another does"
    if qtype.form == SUBJECT_FORM and (at := undergoer_elsewhere(ev.arcs, span.head, outside)) is not None:
        return (f"its passage has {span.text!r} as the object of another verb than {ev.words[at]!r}, not "
                "its subject")
    if (qtype.form == SUBJECT_FORM
            and (at := other_doer(ev.arcs, span.head, outside, "dobj", "subject")) is not None):
        return f"its passage has {ev.words[at]!r} undergoing what the question says another does"
    return None

