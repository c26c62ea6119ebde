"""The phrases a finder of ``qa.answering`` (reasons, manners) reads off the real pipeline's parse."""

from __future__ import annotations

from qa.syntax import of_sentence


def phrases(nlp, text: str, find) -> list[str]:
    """The text of each [first, last] extent ``find(arcs, words)`` gives for the first sentence."""
    sent = next(nlp(text).sents)
    tokens = [t for t in sent if not t.is_space]
    words = tuple(t.lower_ for t in tokens)
    return [" ".join(t.text for t in tokens[first:last + 1])
            for first, last in find(of_sentence(sent).arcs, words)]
