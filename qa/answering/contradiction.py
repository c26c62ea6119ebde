"""Whether a passage says otherwise than the question: an opposite of one of its words where the question
has the word ("small" for "large"), or only dates outside the time it names. SQuAD 2.0's unanswerable
questions are often made so (antonyms, swapped dates: Rajpurkar, Jia and Liang 2018, table 2)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from . import opposites, times

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
    if qtype.times:
        dates = [t for s in ev.spans if s.label == "DATE" for t in times.in_date(s.text)]
        if dates and not any(times.overlaps(q, d) for q in qtype.times for d in dates):
            return f"its passage gives {dates[0][2]!r} where the question says {qtype.times[0][2]!r}"
    return None
