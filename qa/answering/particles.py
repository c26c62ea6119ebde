"""The whole name an answer is part of ("Wijk" of "Wijk bij Duurstede", "Edward" of "Edward the Confessor",
"Rhein" of "Alter Rhein"): an entity recogniser trained on English news cuts European names short."""

from __future__ import annotations

PROPER = "PROPN"
# Lower-case words inside German, Dutch, French and English place and personal names ("Frankfurt am
# Main", "Bergen op Zoom", "Millingen aan de Rijn", "Stratford upon Avon"), from those languages' naming
# conventions
JOINERS = frozenset({"am", "an", "im", "bei", "bij", "aan", "op", "sur", "sous", "upon", "de", "der", "den",
                     "la", "le", "van", "von", "zu", "zum", "zur", "ter", "te"})
EPITHET = "the"  # "Edward the Confessor": a byname, one capitalised word after it


def whole_name(words, text: str, tokens, arcs, first: int, last: int) -> tuple[int, int]:
    """The token extent [first, last] widened over particles into the proper nouns either side (a lone
    proper noun first to its run of them); the same extent when nothing joins it to another."""
    n = len(arcs)
    if not words or n == 0 or arcs[first][0] != PROPER and arcs[last][0] != PROPER:
        return first, last

    def joiner(i: int) -> bool:
        return words[i] in JOINERS and text[tokens[i][0]].islower()

    if arcs[last][0] == PROPER:
        i = last + 1
        while i < n and joiner(i):
            i += 1
        name = i
        while i < n and arcs[i][0] == PROPER:
            i += 1
        if name > last + 1 and i > name:
            last = i - 1
        elif last + 2 < n and words[last + 1] == EPITHET and text[tokens[last + 2][0]].isupper():
            last = _epithet(words, tokens, arcs, last)
    if first == last:
        first, last = _run(arcs, first)
    if arcs[first][0] == PROPER:
        i = first - 1
        while i >= 0 and joiner(i):
            i -= 1
        name = i
        while i >= 0 and arcs[i][0] == PROPER:
            i -= 1
        if name < first - 1 and i < name:
            first = i + 1
    return first, last


def _epithet(words, tokens, arcs, last: int) -> int:
    """The last token of "the Confessor" (or "the Lion-hearted", split at its hyphen) after the name
    ending at ``last`` when the parse joins the two, else ``last``: "gave Rollo the Duchy" is two
    objects of one verb, not a byname."""
    end, n = last + 2, len(arcs)
    while end + 2 < n and words[end + 1] == "-" and tokens[end][1] == tokens[end + 1][0] \
            and tokens[end + 1][1] == tokens[end + 2][0]:
        end += 2
    head = arcs[last + 1][2]  # the word "the" is the article of
    joined = head == end and arcs[end][2] == last or arcs[last][2] == end == head
    return end if joined else last


def _run(arcs, i: int) -> tuple[int, int]:
    """The run of proper nouns a lone one stands in, each hanging on another of the run or the run on
    it ("III" of "King Charles III"): one word of a name the recogniser split is not the name."""
    first = last = i

    def joins(k: int, run: range) -> bool:
        return 0 <= k < len(arcs) and arcs[k][0] == PROPER and (arcs[k][2] in run or
                                                                 any(arcs[j][2] == k for j in run))

    while joins(last + 1, range(first, last + 1)):
        last += 1
    while joins(first - 1, range(first, last + 1)):
        first -= 1
    return first, last
