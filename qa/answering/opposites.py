"""Words of opposite meaning, from Princeton WordNet 3.0's direct antonyms of adjectives, adverbs and
verbs ("large" and "small", "increase" and "decrease") and the antonyms of the senses a word's "also
see" ("warm" also see "hot": "cold"; ``wordnet_antonyms.tsv``, written by
``qa.answering.wordnet_table``, licence in ``WORDNET_LICENSE``), matched through WordNet's own
inflection rules, so that "decreased" is "decrease" but "brotherly" is not "brother"."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).with_name("wordnet_antonyms.tsv")
# WordNet's morphy detachment rules for verbs and adjectives (ending -> lemma ending), and plurals
DETACH = (("ies", "y"), ("es", "e"), ("es", ""), ("s", ""), ("ed", "e"), ("ed", ""), ("ing", "e"),
          ("ing", ""), ("er", ""), ("est", ""), ("er", "e"), ("est", "e"))


@lru_cache(maxsize=1)
def table() -> dict[str, frozenset[str]]:
    """Each word's opposites (the table gives each pair once; here both ways)."""
    out: dict[str, set[str]] = {}
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        a, b = line.split("\t")
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return {w: frozenset(o) for w, o in out.items()}


@lru_cache(maxsize=1 << 14)
def forms(word: str) -> frozenset[str]:
    """The table's words that ``word`` can be, as written or inflected ("decreased": the adjective
    "decreased" and the verb "decrease"). Kept per word: the check reads every word of a passage at each
    question, and an article's vocabulary is small."""
    words = table()
    return frozenset(({word} if word in words else set()) | detached(word, words))


def detached(word: str, known, rules=DETACH) -> set[str]:
    """The words of ``known`` that ``word`` is an inflection of by WordNet's detachment ``rules``."""
    found = set()
    for ending, base in rules:
        if word.endswith(ending) and len(word) > len(ending) + 1:
            stem = word[:-len(ending)] + base
            if stem in known:
                found.add(stem)
            elif not base and len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in known:
                found.add(stem[:-1])  # a doubled consonant: "bigger" -> "big", "stopped" -> "stop"
    return found


def in_question(words) -> tuple[tuple[str, str, frozenset[str]], ...]:
    """(table word, word as typed, opposites) of each question word with opposites, none of which the
    question has."""
    found = {w: bases for w in sorted(words) if (bases := forms(w))}
    if not found:
        return ()
    held = set().union(*found.values())
    return tuple((base, w, table()[base]) for w, bases in found.items() for base in sorted(bases)
                 if not table()[base] & held)
