"""Whether a candidate in a passage plays the part the question's wh-word plays, beside the question's
matched words: "Who killed Trotsky?" wants the subject of a verb whose object is a matched word.

Read from the dependency arcs stored at index time (``qa.syntax``); verbs joined by "and" count as one
clause ("Mercader attacked and fatally wounded Trotsky"), and a passive's "by" phrase as its subject.
"""

from __future__ import annotations

from .answer import COPULA_FORM, OBJECT_FORM, SUBJECT_FORM

SUBJECTS = frozenset({"nsubj", "csubj"})
OBJECTS = frozenset({"dobj", "nsubjpass", "dative", "oprd"})


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
