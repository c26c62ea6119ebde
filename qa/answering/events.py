"""The words a passage may name an event with: a verb's WordNet 3.0 synonyms over all its senses and
their derivationally related forms ("overturned": "annul", "reverse"; "discovered": "discovery"), from
``wordnet_verbs.tsv.gz`` (written by ``qa.answering.wordnet_table``, licence in ``WORDNET_LICENSE``), a
form read through verb.exc and WordNet's detachment rules ("born" -> "bear", "shortened" -> "shorten")."""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from .opposites import detached

TABLE = Path(__file__).with_name("wordnet_verbs.tsv.gz")
DETACH = (("ies", "y"), ("es", "e"), ("es", ""), ("s", ""), ("ed", "e"), ("ed", ""), ("ing", "e"),
          ("ing", ""))  # WordNet's morphy rules for verbs


@lru_cache(maxsize=1)
def table() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """(each verb's words over all its senses, each irregular form's verbs, each verb's irregular forms),
    from the cache folder when this very file was parsed before (``cache.parsed_once``)."""
    from ..cache import parsed_once

    return parsed_once("wordnet_verbs", TABLE.read_bytes(), _parsed)


def _parsed(data: bytes):
    synsets: dict[str, list[str]] = {}
    senses: dict[str, list[str]] = {}
    irregular: dict[str, list[str]] = {}
    for line in gzip.decompress(data).decode("utf-8").splitlines():
        kind, key, rest = line.split("\t")
        if kind == "S":
            synsets[key] = rest.split()
        elif kind == "W":
            senses[key] = rest.split()
        else:
            irregular.setdefault(key, []).append(rest)
    words = {w: tuple(sorted({x for s in ids for x in synsets[s]})) for w, ids in senses.items()}
    inflected: dict[str, list[str]] = {}
    for form, lemmas in irregular.items():
        for lemma in lemmas:
            inflected.setdefault(lemma, []).append(form)
    return words, {f: tuple(v) for f, v in irregular.items()}, {v: tuple(f) for v, f in inflected.items()}


def verbs(word: str) -> frozenset[str]:
    """The verbs ``word`` can be a form of ("found": "find" and "found")."""
    words, irregular, _ = table()
    found = set(irregular.get(word, ())) | ({word} if word in words else set())
    return frozenset(found | detached(word, words, DETACH))


@lru_cache(maxsize=1 << 12)
def wordings(word: str) -> frozenset[str]:
    """``word`` and every word that can name what its verbs name: their synonyms, derived forms and
    irregular forms ("born": "bear", "birth", "borne", "deliver", ...)."""
    words, _, inflected = table()
    out = {word}
    for verb in verbs(word):
        for w in words[verb]:
            out.add(w)
            out.update(inflected.get(w, ()))
    return frozenset(out)
