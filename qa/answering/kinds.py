"""What kind of thing an English noun names, from Princeton WordNet 3.0 (``wordnet_nouns.tsv.gz``,
written by ``qa.answering.wordnet_table``; licence in ``WORDNET_LICENSE``): its lexicographer class
("location", "person", ...) and whether it is a kind of another noun ("french" of "language").

The table is read once, when the reader is built, and kept in memory; a lookup is a dict access and a
short walk. Parsed, it is kept in the cache folder as plain data (``marshal``: no code is loaded), which
reads in a fifth of the time the text takes to parse (0.03 s against 0.14 s of every start-up).
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

    def __init__(self, rows=(), state: tuple | None = None):
        self.classes: list[str] = []
        self.hypernyms: list[tuple[int, ...]] = []
        self.senses: dict[str, tuple[int, ...]] = {}
        self._above: dict[int, frozenset[int]] = {}
        if state is not None:
            self.classes, self.hypernyms, self.senses = state
        for row in rows:
            kind, key, *rest = row.rstrip("\n").split("\t")
            if kind == "S":
                self.classes.append(rest[0])
                self.hypernyms.append(tuple(int(h) for h in rest[1].split()))
            else:
                self.senses[key] = tuple(int(s) for s in rest[0].split())

    @property
    def state(self) -> tuple:
        """The parsed table as plain lists, tuples and dicts (what the cache keeps)."""
        return self.classes, self.hypernyms, self.senses

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
    """The table, from the cache folder when this very file was parsed before (``cache.parsed_once``)."""
    from ..cache import parsed_once

    return Table(state=parsed_once("wordnet", path.read_bytes(), _state))


def _state(data: bytes) -> tuple:
    return Table(gzip.decompress(data).decode("utf-8").splitlines()).state


def kind(word: str | None) -> str | None:
    return table().kind(word) if word else None


@lru_cache(maxsize=1 << 16)
def is_a(word: str | None, noun: str | None) -> bool:
    """``Table.is_a`` on the table, remembered: a question's candidates share most of their words."""
    return bool(word and noun) and table().is_a(word, noun)

