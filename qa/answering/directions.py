"""Prepositions of opposite sense, before and after in time, towards and away in space ("before the
conquest" against "after the conquest", "flows into the bay" against "flows out of the bay"), and of a
motion's path against its goal ("flows through the lake" against "flows into the lake"): an English
grammar's classes (Quirk et al. 1985, ch. 9), so a passage can be checked against the question."""

from __future__ import annotations

import re

from ..syntax import descends

EARLIER = frozenset({"before", "until", "till", "prior"})
LATER = frozenset({"after", "since", "subsequent", "following"})
TOWARDS = frozenset({"into", "onto", "toward", "towards", "to"})
AWAY = frozenset({"from", "out"})
OPPOSED = {**dict.fromkeys(EARLIER, LATER), **dict.fromkeys(LATER, EARLIER),
           **dict.fromkeys(TOWARDS, AWAY), **dict.fromkeys(AWAY, TOWARDS)}
# prepositions of the path a motion passes along, against those of its goal (Quirk et al. 1985, 9.17-9.27):
# "flows through the lake" does not say what it flows into
PATH = frozenset({"through", "around", "along", "across", "past", "via"})
OTHER_COURSE = {**dict.fromkeys(TOWARDS, PATH), **dict.fromkeys(PATH, TOWARDS)}
ONWARDS = frozenset({"onwards", "onward"})  # "from X onwards": since X (Quirk et al. 1985, 9.36)
SKIPPED = frozenset({"of", "to", "the", "a", "an", "its", "their", "his", "her"})
_WORD = re.compile(r"[a-z0-9][a-z0-9'’-]*")


def in_question(q: str) -> tuple[tuple[str, str], ...]:
    """(preposition, the first word after it but articles and "of"/"to") of each one with an opposite:
    "flow out of the former bay" -> ("out", "former")."""
    words = _WORD.findall(q.lower())
    out = []
    for i, w in enumerate(words):
        if w in OPPOSED:
            after = next((x for x in words[i + 1:] if x not in SKIPPED), None)
            if after is not None and not after[0].isdigit():  # a year's before and after: times.py
                out.append((w, after))
    return tuple(out)


def said_otherwise(pairs, ev) -> str | None:
    """The passage's preposition of opposite sense over the word the question's follows (searched or
    not: "former"), when it has none of the question's own over it: "flows into the bay" for "flow out
    of the bay"."""
    for preposition, word in pairs:
        over = [i for i in range(len(ev.arcs)) if ev.words[i] in OPPOSED
                and any(w == word and descends(ev.arcs, t, i, 6) for t, w in enumerate(ev.words))]
        said = {"since" if ev.words[i] == "from" and _onwards(ev.arcs, ev.words, i) else ev.words[i]
                for i in over}
        if preposition not in said and said & OPPOSED[preposition]:
            return f"its passage says {sorted(said & OPPOSED[preposition])[0]!r} where the question says " \
                   f"{preposition!r}"
    return None


def stranded_otherwise(preposition: str | None, words: frozenset[str], ev, head: int) -> str | None:
    """The candidate headed at ``head`` as the object of a preposition of opposite sense to the one
    the question strands ("What sea does it flow out of?" against "it flows into the North Sea"), or
    of a path where it asks for a goal or the other way round ("What does it flow into?" against "it
    flows around the rock")."""
    asked = "out" if preposition == "of" and "out" in words else preposition
    if (asked not in OPPOSED and asked not in OTHER_COURSE) or ev.arcs[head][1] != "pobj":
        return None
    said = ev.words[ev.arcs[head][2]]
    if said in OPPOSED.get(asked, ()) or said in OTHER_COURSE.get(asked, ()):
        return f"its passage says {said!r} where the question says {asked!r}"
    return None


def _onwards(arcs, words, i: int) -> bool:
    """Whether the "from" at ``i`` has an "onwards" after it, in its phrase or on the word it hangs on."""
    return any(words[j] in ONWARDS and (descends(arcs, j, i, 3) or arcs[j][2] == arcs[i][2])
               for j in range(i + 1, min(len(arcs), i + 8)))
