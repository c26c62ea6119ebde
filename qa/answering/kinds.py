"""What kind of thing an English noun names, from Princeton WordNet 3.0 (``wordnet_nouns.tsv.gz``,
written by ``qa.answering.wordnet_table``; licence in ``WORDNET_LICENSE``): its lexicographer class
("location", "person", ...) and whether it is a kind of another noun ("french" of "language").

The table is read once, when the reader is built, and kept in memory; a lookup is a dict access and a
short walk.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).with_name("wordnet_nouns.tsv.gz")
# WordNet's suffix rules for English noun plurals (its morphy): ending -> singular ending
PLURALS = (("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"),
           ("ies", "y"), ("s", ""))


class Table:
    """Each word's first senses (synset ids) and each synset's class and hypernyms."""

    def __init__(self, rows):
        self.classes: list[str] = []
        self.hypernyms: list[tuple[int, ...]] = []
        self.senses: dict[str, tuple[int, ...]] = {}
        self._above: dict[int, frozenset[int]] = {}
        for row in rows:
            kind, key, *rest = row.rstrip("\n").split("\t")
            if kind == "S":
                self.classes.append(rest[0])
                self.hypernyms.append(tuple(int(h) for h in rest[1].split()))
            else:
                self.senses[key] = tuple(int(s) for s in rest[0].split())

    def lookup(self, word: str) -> tuple[int, ...]:
        """The word's senses, most frequent first, as itself or as a regular plural's singular."""
        found = self.senses.get(word)
        if found is not None:
            return found
        for ending, singular in PLURALS:
            if word.endswith(ending) and len(word) > len(ending) + 1:
                found = self.senses.get(word[:-len(ending)] + singular)
                if found is not None:
                    return found
        return ()

    def kind(self, word: str) -> str | None:
        """The lexicographer class of the word's most frequent sense ("city" -> "location")."""
        senses = self.lookup(word)
        return self.classes[senses[0]] if senses else None

    def ancestors(self, synset: int) -> frozenset[int]:
        """Every synset above this one by hypernym or instance links, itself left out (kept once found)."""
        found = self._above.get(synset)
        if found is None:
            out: set[int] = set()
            for h in self.hypernyms[synset]:
                out.add(h)
                out |= self.ancestors(h)
            found = self._above[synset] = frozenset(out)
        return found

    def is_a(self, word: str, noun: str, senses: int = 2) -> bool:
        """Whether one of the word's first ``senses`` senses is a kind or an instance of any sense
        of ``noun`` ("french" of "language", "paris" of "city"); a word is not a kind of itself."""
        wanted = set(self.lookup(noun))
        return bool(wanted) and any(wanted & self.ancestors(s) for s in self.lookup(word)[:senses])


@lru_cache(maxsize=1)
def table(path: Path = TABLE) -> Table:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return Table(f)


def kind(word: str | None) -> str | None:
    return table().kind(word) if word else None


def is_a(word: str | None, noun: str | None) -> bool:
    return bool(word and noun) and table().is_a(word, noun)

