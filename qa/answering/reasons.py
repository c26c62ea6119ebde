"""Phrases that give a reason or a purpose, the short answers of "Why ...?", from a sentence's stored parse.

English grammar marks them in a few ways, each found here by its dependency arcs:
- "because of X", "due to X", "owing to X", "thanks to X": X with what depends on it;
- "because ...": the clause "because" introduces, without "because";
- "to ..." as an adverbial clause ("waited outside, to provide a getaway") or after "in order":
  "to", the verb and its object.
"""

from __future__ import annotations

from ..syntax import Arc, Phrase, dependents, extent

CAUSAL = frozenset({"because", "due", "owing", "thanks"})  # followed by "of"/"to" and their object
MAX_REASON_TOKENS = 20


def reasons(arcs: list[Arc], words: tuple[str, ...], below: dict[int, list[int]] | None = None
            ) -> list[Phrase]:
    """Token extents [first, last] of the sentence's reason and purpose phrases, in sentence order
    (``below``: ``dependents(arcs)``, when the caller has it)."""
    below = dependents(arcs) if below is None else below
    out = []
    for i, (_, dep, head) in enumerate(arcs):
        word = words[i]
        if word in CAUSAL and words[i + 1:i + 2] in (("of",), ("to",)):  # "due to X": X hangs on either
            out += [extent(below, words, k) for k in below.get(i, []) + below.get(i + 1, [])
                    if arcs[k][1] == "pobj"][:1]
        elif word == "because" and dep == "mark" and arcs[head][1] == "advcl":
            out.append(extent(below, words, head, skip=i))
        elif word == "to" and dep == "aux" and _purpose(arcs, words, head):
            objects = [k for k in below.get(head, ()) if arcs[k][1] == "dobj"]
            out.append((i, extent(below, words, objects[0] if objects else head)[1]))
    return [(first, last) for first, last in out if last - first + 1 <= MAX_REASON_TOKENS]


def _purpose(arcs: list[Arc], words: tuple[str, ...], verb: int) -> bool:
    """Whether the verb heads a purpose clause: adverbial ("..., to provide"), or after "in order"."""
    dep, head = arcs[verb][1], arcs[verb][2]
    return dep == "advcl" or (dep == "acl" and words[head] == "order"
                              and words[arcs[head][2]] == "in")
