"""Whether a candidate in a passage plays the part the question's wh-word plays, beside the question's
matched words: "Who killed Trotsky?" wants the subject of a verb whose object is a matched word.

Read from the dependency arcs stored at index time (``qa.syntax``); verbs joined by "and" count as one
clause ("Mercader attacked and fatally wounded Trotsky"), and a passive's "by" phrase as its subject.
"""

from __future__ import annotations

from ..syntax import descends
from .answer import COPULA_FORM, OBJECT_FORM, SUBJECT_FORM

SUBJECTS = frozenset({"nsubj", "csubj"})
OBJECTS = frozenset({"dobj", "nsubjpass", "dative", "oprd"})
CLIMB = 3  # links from a candidate's head through conjuncts and compounds to its phrase's head, at most
PASSIVE = frozenset({"nsubjpass", "auxpass", "agent"})


def clause(arcs, verb: int) -> int:
    """The first verb of a coordination, which the others share their subject with."""
    while arcs[verb][1] == "conj" and arcs[verb][2] != verb:
        verb = arcs[verb][2]
    return verb


def role(arcs, i: int) -> tuple[str, int] | None:
    """("subject" | "object" | "attr", the clause's verb) of token ``i``, or None for other parts."""
    dep, head = arcs[i][1], arcs[i][2]
    if dep in SUBJECTS:
        return "subject", clause(arcs, head)
    if dep == "attr":
        return "attr", clause(arcs, head)
    if dep in OBJECTS:
        return "object", clause(arcs, head)
    if dep == "pobj" and arcs[head][1] == "agent":
        return "subject", clause(arcs, arcs[head][2])
    if dep == "pobj" and arcs[head][1] == "prep" and arcs[arcs[head][2]][0] in ("VERB", "AUX"):
        return "object", clause(arcs, arcs[head][2])
    return None


def fills_asked_role(form: str | None, arcs, head: int, matched) -> bool:
    """Whether the candidate headed at ``head`` is what the question's form asks for: the subject of
    a clause with a matched object, the object of one with a matched subject, or the other side of a
    copula (or apposition) from a matched word."""
    mine = role(arcs, head)
    if form == COPULA_FORM:
        if any(arcs[m][1] == "appos" and arcs[m][2] == head or arcs[head][1] == "appos" and arcs[head][2] == m
               for m in matched):
            return True
        want = {"subject": "attr", "attr": "subject"}
    elif form == SUBJECT_FORM:
        want = {"subject": "object"}
    elif form == OBJECT_FORM:
        want = {"object": "subject"}
    else:
        return False
    if mine is None or mine[0] not in want:
        return False
    for m in matched:
        theirs = role(arcs, m)
        if m != head and theirs == (want[mine[0]], mine[1]):
            return True
    return False


def swapped(form: str | None, arcs, head: int, matched) -> int | None:
    """A matched word holding the part the question gives its own words while the candidate headed at
    ``head`` holds the one the wh-word asks for the other way round, in a clause whose verb is matched:
    "Who replaced X?" read from "X replaced Y" (Y: an object, X: the subject). None when there is none."""
    mine = role(arcs, head)
    want = {SUBJECT_FORM: ("object", "subject"), OBJECT_FORM: ("subject", "object")}.get(form)
    if mine is None or want is None or mine[0] != want[0]:
        return None
    verb = mine[1]
    if any(a[1] in PASSIVE and a[2] == verb for a in arcs):
        return None  # a passive's parts are read from the question's voice, which is not parsed
    if not any(m == verb or arcs[m][1] == "conj" and clause(arcs, m) == verb for m in matched):
        return None
    return next((m for m in matched if m != head and role(arcs, m) == (want[1], verb)), None)


def other_doer(arcs, head: int, matched, part: str = "nsubj", mine_as: str | None = None) -> int | None:
    """The ``part`` (subject; or object, when the candidate is the subject: ``mine_as``) of the matched
    active verb of the candidate headed at ``head`` when it is a noun none of whose words is matched:
    "What does X flow into?" read from "Y flows into Z" names another doer."""
    mine = role(arcs, head)
    if mine is None or mine_as is not None and mine[0] != mine_as:
        return None
    verb = mine[1]
    if verb not in matched or any(a[1] in PASSIVE and a[2] == verb for a in arcs):
        return None
    subject = next((i for i, a in enumerate(arcs) if a[1] == part and a[2] == verb), None)
    if subject is None or subject == head or arcs[subject][0] not in ("NOUN", "PROPN"):
        return None
    return None if any(descends(arcs, m, subject, 8) for m in matched) else subject


def asked_other_part(form: str | None, arcs, head: int, matched) -> int | None:
    """The matched active verb whose subject the candidate headed at ``head`` is when the question asks
    its object ("Who did X marry?" against "Y married X's sister"), or whose direct object it is when
    the question asks its subject ("Old Norse" of "replaced the religion and Old Norse language"): the
    candidate then plays the part the question's own words play."""
    want = {OBJECT_FORM: SUBJECTS, SUBJECT_FORM: frozenset({"dobj"})}.get(form)
    for _ in range(CLIMB):  # up from a conjunct or a compound's part to its phrase's head
        if arcs[head][1] not in ("conj", "compound") or arcs[head][2] == head:
            break
        head = arcs[head][2]
    if want is None or arcs[head][1] not in want:
        return None
    verb = arcs[head][2]
    if verb not in matched or any(a[1] in PASSIVE and a[2] == verb for a in arcs):
        return None
    return verb


def undergoer_elsewhere(arcs, head: int, matched) -> int | None:
    """The matched verb of a passage whose candidate headed at ``head`` is the direct object of another,
    unmatched verb ("Who attacked X?" against "They joined the fleet that had conquered Corfu and
    attacked X"): what a verb acts on is not the doer a subject question asks of the matched one."""
    if arcs[head][1] != "dobj" or arcs[head][2] in matched:
        return None
    return next((m for m in sorted(matched) if arcs[m][0] == "VERB"), None)
