"""A name's entity label checked against WordNet 3.0's proper names and the document's own evidence.

The names table (``answering/wordnet_names.tsv.gz``, written by ``qa.answering.wordnet_table`` from
WordNet's instance nouns; licence in ``answering/WORDNET_LICENSE``) gives the labels a name's senses
have ("Normandy": LOC; "Rhine": LOC or PERSON). A name WordNet knows only as a place is a place; one it
knows as a person and a place is a place when most mentions follow "the" ("the Rhine"); one it does not
know is a place when most mentions are objects of a preposition of place ("at Fußach").
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).parent / "answering" / "wordnet_names.tsv.gz"
PERSON = "PERSON"
MIN_MENTIONS = 2  # a name WordNet does not know is judged by the document only from this many mentions
PLACES = frozenset({"GPE", "LOC", "FAC"})
# the pipeline's labels that a clash with WordNet or the document may revise; dates, numbers,
# nationalities and languages are told by their form, which the pipeline reads well
REVISABLE = frozenset({"PERSON", "ORG", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"})
# words that never stand right before a person's name in English prose
NOT_BEFORE_PERSONS = frozenset({"the"})
# prepositions of place only (never of a recipient or source, as "to" and "from" are)
SPATIAL = frozenset({"in", "at", "near", "into", "through", "along", "across", "via", "onto",
                     "throughout", "beyond", "upstream", "downstream"})


def coarse_label(label: str) -> str:
    """The coarse kind of an entity label: every place label is one kind ("where" takes each)."""
    return "place" if label in PLACES else label


@lru_cache(maxsize=1)
def table() -> dict[str, frozenset[str]]:
    """Each WordNet instance name and the labels of its senses, read once."""
    rows = gzip.decompress(TABLE.read_bytes()).decode("utf-8").splitlines()
    return {name: frozenset(labels.split()) for name, labels in (r.split("\t") for r in rows)}


def known(name: str) -> frozenset[str]:
    """The labels WordNet's senses of a name have, without a leading "the" ("the North Sea")."""
    for article in ("the ", "The "):
        if name.startswith(article):
            name = name[len(article):]
    return table().get(name, frozenset())


@dataclass
class Evidence:
    """What a document's mentions of one name show: how many, how many follow "the", how many are the
    object of a preposition of place, how many stand beside a person noun ("his sister Sofia")."""

    mentions: int = 0
    after_the: int = 0
    spatial: int = 0
    beside_person: int = 0


def revised(name: str, label: str, evidence: Evidence) -> str:
    """The name's label after WordNet and the document's evidence; the label itself when they agree
    with it, disagree among themselves or say nothing."""
    if label not in REVISABLE:
        return label
    senses = known(name)
    kinds = {coarse_label(s) for s in senses}
    if label == PERSON and evidence.beside_person:
        return label
    if coarse_label(label) == "place":
        return label
    if kinds == {"place"} or ("place" in kinds and label == PERSON
                              and 2 * evidence.after_the > evidence.mentions):
        return _place(senses)
    if not kinds and evidence.mentions >= MIN_MENTIONS and 2 * evidence.spatial >= evidence.mentions:
        return "LOC"
    return label


def _place(senses: Iterable[str]) -> str:
    """A GPE when one of the senses is a country, state or city, else LOC."""
    return "GPE" if "GPE" in senses else "LOC" if "LOC" in senses else "FAC"
