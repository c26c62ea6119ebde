"""Whether a candidate restates the question's own words: "Irish culture and history" for "Who did
the Irish culture have a profound effect on?" names what the question says something of, not what
it asks. Its words are read against spaCy's English stop-word list (``spacy.lang.en.stop_words``)."""

from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

_TYPED = re.compile(r"[^\W_][\w'’-]*")
ASKING = frozenset({"what", "which", "whose", "how"})  # a wh-word whose phrase names the answer's kind
ASKED_REACH = 3  # words after such a wh-word read as its phrase ("what rift system")
ALTERNATIVES = frozenset({"other", "another", "else", "besides", "than", "except"})


def in_question(question: str) -> frozenset[tuple[str, str]]:
    """The lower-case question's pairs of adjacent words neither of which is a stop word, outside the
    phrase after its wh-word ("what rift system"); none when it asks for another of a kind."""
    words = _TYPED.findall(question)
    if ALTERNATIVES.intersection(words):
        return frozenset()
    asked = {j for i, w in enumerate(words) if w in ASKING for j in range(i + 1, i + 1 + ASKED_REACH)}
    return frozenset((a, b) for i, (a, b) in enumerate(zip(words, words[1:], strict=False))
                     if i not in asked and i + 1 not in asked and a not in STOP_WORDS and b not in STOP_WORDS)


def restates(phrases, ev, span) -> str | None:
    """The question's own two-word phrase inside the candidate, or None."""
    if not phrases:
        return None
    for i in range(span.first, min(span.last, len(ev.words) - 1)):
        if (ev.words[i], ev.words[i + 1]) in phrases:
            return f"its answer repeats the question's own words {ev.words[i]!r} {ev.words[i + 1]!r}"
    return None
