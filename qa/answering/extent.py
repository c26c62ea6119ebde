"""The extent a candidate is answered with: the question's words at its edges left out, widened to the
whole name, a number's unit or a number the tokeniser split off, without a possessive determiner or a
stray quotation mark. SQuAD's answers are the shortest span that answers; the fit scores the same."""

from __future__ import annotations

from . import kinds, particles
from .spans import Evidence, Span, span_over

# English possessive and demonstrative determiners ("its valley", "this sea"): an answer leaves them
# out as it leaves out "the" and "a"
DETERMINERS = frozenset({"its", "their", "his", "her", "our", "my", "your", "this", "that", "these", "those"})


QUOTES = frozenset("\"'“”‘’«»")
CLAUSE_ANSWERS = frozenset({"why", "how"})  # a reason or a manner: read as a clause, determiner and all


def trimmed(ev: Evidence, span: Span, asked: frozenset[str]) -> Span | None:
    """The phrase without the question's words at its edges ("the famous rock Lorelei" for "What is the
    famous rock ...?" -> "Lorelei", "the 11th century" for "In what century ...?" -> "11th"): a SQuAD
    answer is the shortest span that answers, and what the question already says answers nothing."""
    if span.label is not None or span.terms.isdisjoint(asked) or span.terms <= asked or not ev.tokens:
        return None
    terms = ev.token_terms
    first, last = span.first, span.last
    while first < last and (terms[first] is None or terms[first] in asked):
        first += 1
    while last > first and (terms[last] is None or terms[last] in asked):
        last -= 1
    if (first, last) == (span.first, span.last):
        return None
    start, end = ev.tokens[first][0], ev.tokens[last][1]
    return span_over(ev.text, ev.arcs, terms, start, end, first, last, None, span.within, span.rarity)


def shortened(ev: Evidence, asked: frozenset[str]) -> list[Span]:
    """The passage's phrases ``trimmed`` of the question's words, each extent once and none already a
    candidate."""
    seen, out = {(s.start, s.end) for s in ev.spans}, []
    for span in ev.spans:
        short = trimmed(ev, span, asked)
        if short is not None and (short.start, short.end) not in seen:
            seen.add((short.start, short.end))
            out.append(short)
    return out


def answer_extent(ev: Evidence, span: Span, asked: frozenset[str] = frozenset(),
                  kind: str | None = None) -> tuple[int, int]:
    """The character extent the candidate is answered with (``asked``: the question's terms, ``kind``:
    its kind): widened to the whole name when it is part of one (``particles.whole_name``), past the
    question's words before the name it gives (``_named_after_asked``) and, but for a reason or a
    manner, which reads as a clause, past a determiner; the fit scores the same extent."""
    if not ev.tokens or not ev.arcs:
        return span.start, span.end
    span = _named_after_asked(ev, span, asked)
    first, last = particles.whole_name(ev.words, ev.text, ev.tokens, ev.arcs, span.first, span.last)
    last = _with_unit(ev, span, last)
    first = _with_number(ev, first, last)
    if span.label is None and kind not in CLAUSE_ANSWERS:
        first = _without_determiner(ev, first, last)
    first, last = _balanced(ev.words, first, last)
    return ev.tokens[first][0] if first != span.first else span.start, \
        ev.tokens[last][1] if last != span.last else span.end


def _named_after_asked(ev: Evidence, span: Span, asked: frozenset[str]) -> Span:
    """The candidate past the question's words before a name or an "of" phrase ("the famous rock
    Lorelei" for "What is the famous rock called?" -> "Lorelei", "the tradition of singing" for "What
    tradition ...?" -> "singing"): the question gives the kind, the rest names it."""
    short = trimmed(ev, span, asked) if asked else None
    if short is not None and short.last == span.last and (
            ev.arcs[short.head][0] == "PROPN" or ev.words[short.first - 1] == "of"):
        return short
    return span


OPENERS = {"(": ")", "[": "]"}


MAX_QUOTED_WIDENING = 6  # tokens an answer is widened over to the quotation mark that closes its own


def _balanced(words: tuple[str, ...], first: int, last: int) -> tuple[int, int]:
    """The extent without a stray quotation mark at its edge ('"natural borders' -> 'natural borders'),
    on to the mark closing one it opens ('to mean "Norseman' -> 'to mean "Norseman, Viking"'), and cut
    before a bracket it does not close ("geography (1st century BC" -> "geography")."""
    marks = [j for j in range(first, last + 1) if words[j] in QUOTES]
    if len(marks) % 2 and first < last:
        if marks[0] == first:
            first += 1
        elif marks[-1] == last:
            last -= 1
        else:
            closing = next((j for j in range(last + 1, min(len(words), last + 1 + MAX_QUOTED_WIDENING))
                            if words[j] in QUOTES), None)
            last = closing if closing is not None else last
    for j in range(first + 1, last + 1):
        if words[j] in OPENERS and OPENERS[words[j]] not in words[j + 1:last + 1]:
            last = _before(words, first, j)
            break
    return first, last


def _before(words: tuple[str, ...], first: int, j: int) -> int:
    """The last token before ``j`` but the commas and semicolons that end there."""
    last = j - 1
    while last > first and words[last] in (",", ";", ":"):
        last -= 1
    return last


def _without_determiner(ev: Evidence, first: int, last: int) -> int:
    """The first token of a phrase past a possessive or demonstrative determiner ("its valley" ->
    "valley"): what it says, the passage's context says, as with "the" and "a"."""
    while first < last and ev.words[first] in DETERMINERS and ev.arcs[first][1] in ("poss", "det"):
        first += 1
    return first


def _with_unit(ev: Evidence, span: Span, last: int) -> int:
    """The last token of a number widened over the unit it counts ("400" of "400 m" -> "400 m"): the
    number alone leaves out what it measures; a unit is a noun WordNet classes as a quantity."""
    after = last + 1
    if (span.label == "CARDINAL" and after < len(ev.arcs) and ev.arcs[last][2] == after
            and ev.arcs[after][0] in ("NOUN", "PROPN") and kinds.kind(ev.words[after]) == "quantity"):
        return after
    return last


def _with_number(ev: Evidence, first: int, last: int) -> int:
    """The first token of a phrase widened over a number the tokeniser left out of it, one that holds
    a digit and depends on the phrase ("~11,700" of "~11,700 years ago", tagged as punctuation)."""
    before = first - 1
    if (before >= 0 and first <= ev.arcs[before][2] <= last and ev.arcs[before][0] != "NUM"
            and any(c.isdigit() for c in ev.words[before])):
        return before
    return first
