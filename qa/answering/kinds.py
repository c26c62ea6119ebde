"""What kind of thing an English noun names, from Princeton WordNet 3.0 (``wordnet_nouns.tsv.gz``,
written by ``qa.answering.wordnet_table``; licence in ``WORDNET_LICENSE``): its lexicographer class
("location", "person", ...) and whether it is a kind of another noun ("french" of "language").

The table is read once, when the reader is built, and kept in memory; a lookup is a dict access and a
short walk. Parsed, it is kept in the cache folder as plain data (``marshal``: no code is loaded), which
reads in a fraction of the time the text takes to parse: 0.03 s with spaCy loaded, where the parse takes
0.19 s and the earlier layout of tuples 0.08 s, most of it collections rescanning spaCy's objects.
"""

from __future__ import annotations

import gzip
from array import array
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).with_name("wordnet_nouns.tsv.gz")
LAYOUT = 2  # of ``Table.state`` in the cache folder: 2 packs senses in ints and hypernyms in an array
# WordNet's suffix rules for English noun plurals (its morphy): ending -> singular ending
PLURALS = (("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"),
           ("ies", "y"), ("s", ""))


class Table:
    """Each word's first senses (synset ids) and each synset's class and hypernyms.

    Kept compact, as few objects as the lookups need: a word's senses packed in one int, the synsets'
    classes as one byte each and their hypernyms in one array, so that reading the table back at
    start-up makes some 60,000 objects, not 200,000 (half the time, and no collection rescans them)."""

    def __init__(self, rows=(), state: tuple | None = None):
        self._above: dict[int, frozenset[int]] = {}
        if state is None:
            state = _compact(rows)
        self.bits, self.names, classes, starts, hypernyms, self.senses = state
        self._classes = classes
        self._starts = array("i", starts)
        self._hypernyms = array("i", hypernyms)
        self._mask = (1 << self.bits) - 1

    @property
    def state(self) -> tuple:
        """The parsed table as plain data: ints, strings, bytes and a dict (what the cache keeps)."""
        return (self.bits, self.names, self._classes, self._starts.tobytes(), self._hypernyms.tobytes(),
                self.senses)

    @property
    def classes(self) -> list[str]:
        """Each synset's lexicographer class."""
        return [self.names[c] for c in self._classes]

    def hypernyms(self, synset: int) -> array:
        """The synsets directly above one, by hypernym or instance links."""
        return self._hypernyms[self._starts[synset]:self._starts[synset + 1]]

    def _senses(self, packed: int) -> tuple[int, ...]:
        out = []
        while packed:
            out.append((packed & self._mask) - 1)
            packed >>= self.bits
        return tuple(out)

    def lookup(self, word: str) -> tuple[int, ...]:
        """The word's senses, most frequent first, as itself or as a regular plural's singular."""
        found = self.senses.get(word)
        if found is not None:
            return self._senses(found)
        for ending, singular in PLURALS:
            if word.endswith(ending) and len(word) > len(ending) + 1:
                found = self.senses.get(word[:-len(ending)] + singular)
                if found is not None:
                    return self._senses(found)
        return ()

    def kind(self, word: str) -> str | None:
        """The lexicographer class of the word's most frequent sense ("city" -> "location")."""
        senses = self.lookup(word)
        return self.names[self._classes[senses[0]]] if senses else None

    def ancestors(self, synset: int) -> frozenset[int]:
        """Every synset above this one by hypernym or instance links, itself left out (kept once found)."""
        found = self._above.get(synset)
        if found is None:
            out: set[int] = set()
            for h in self.hypernyms(synset):
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

    return Table(state=parsed_once("wordnet", path.read_bytes(), _state, LAYOUT))


def _compact(rows) -> tuple:
    """The table's rows ("S" synset: class, hypernyms; "W" word: senses) as ``Table.state``."""
    names: dict[str, int] = {}
    classes, starts, hypernyms, senses = bytearray(), array("i", [0]), array("i"), {}
    words = []
    for row in rows:
        kind, key, *rest = row.rstrip("\n").split("\t")
        if kind == "S":
            classes.append(names.setdefault(rest[0], len(names)))
            hypernyms.extend(int(h) for h in rest[1].split())
            starts.append(len(hypernyms))
        else:
            words.append((key, [int(x) for x in rest[0].split()]))
    bits = (len(classes) + 1).bit_length()
    for key, ids in words:
        senses[key] = sum((i + 1) << (bits * k) for k, i in enumerate(ids))
    return bits, list(names), bytes(classes), starts.tobytes(), hypernyms.tobytes(), senses


def _state(data: bytes) -> tuple:
    return Table(gzip.decompress(data).decode("utf-8").splitlines()).state


def kind(word: str | None) -> str | None:
    return table().kind(word) if word else None


@lru_cache(maxsize=1 << 16)
def is_a(word: str | None, noun: str | None) -> bool:
    """``Table.is_a`` on the table, remembered: a question's candidates share most of their words."""
    return bool(word and noun) and table().is_a(word, noun)

