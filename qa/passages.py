"""Documents -> sentence passages with section, neighbours, entities (labels made consistent per document)
and search terms (pronoun sentences also findable by the document's subject)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.language import Language

from . import names as wordnet_names
from .answering.kinds import kind
from .columns import Columns
from .corpus import Document
from .nlp import POSSESSIVE, Token
from .syntax import Syntax, dependents, sentence_chunks, syntax_of

MALE = frozenset({"he", "him", "his", "himself"})
FEMALE = frozenset({"she", "her", "hers", "herself"})
PERSON = "PERSON"
NAMED = frozenset({PERSON, "GPE", "LOC"})  # labels whose unlabelled mentions are found by name
PARALLEL_MIN_PARAGRAPHS = 2000


@dataclass(frozen=True)
class Entity:
    text: str
    label: str
    start: int
    end: int

    def to_dict(self) -> dict:
        return {"text": self.text, "label": self.label, "start": self.start, "end": self.end}


@dataclass
class Passage:
    """One sentence of a document; ``id``, ``previous`` and ``next`` are positions in the list it was
    built in (internal); ``key`` is the public id."""

    id: int
    document: str
    section: str
    sentence_index: int
    text: str
    entities: list[Entity]
    tokens: list[Token]
    subject_ref: tuple[int, int] | None = None
    syntax: Syntax | None = None
    previous: int | None = None
    next: int | None = None

    @property
    def key(self) -> str:
        """The public id, document name and sentence index ("article:12"): it stays the same when
        other documents are added, changed or removed."""
        return passage_key(self.document, self.sentence_index)


def passage_key(document: str, sentence_index: int) -> str:
    return f"{document}:{sentence_index}"


def parse(nlp: Language, documents: list[Document], progress: bool = False,
          n_process: int | None = None) -> list[Passage]:
    """Run spaCy over every paragraph once and cut the result into sentence passages."""
    paragraphs = [(doc, para) for doc in documents for para in doc.paragraphs]
    if n_process is None:
        n_process = 2 if len(paragraphs) >= PARALLEL_MIN_PARAGRAPHS else 1
    parsed = nlp.pipe((p.text for _, p in paragraphs), batch_size=64, n_process=n_process)
    if progress:
        from tqdm import tqdm

        parsed = tqdm(parsed, total=len(paragraphs), desc="parsing", unit="para")
    passages: list[Passage] = []
    counters: Counter[str] = Counter()
    names: dict[int, str] = {}
    for (doc, para), spacy_doc in zip(paragraphs, parsed, strict=True):
        columns = Columns(spacy_doc, names)
        sents = list(spacy_doc.sents)
        ents = [(e.start, e.end, e.start_char, e.end_char, e.label_) for e in spacy_doc.ents]
        k = 0
        for sent, chunks in zip(sents, sentence_chunks(spacy_doc, sents), strict=True):
            raw = columns.text(sent.start, sent.end)
            while k < len(ents) and ents[k][0] < sent.start:
                k += 1
            mine = []
            while k < len(ents) and ents[k][1] <= sent.end:  # Span.ents: those wholly inside
                mine.append(ents[k])
                k += 1
            text = raw.strip()
            if not any(ch.isalnum() for ch in text):
                continue
            offset = columns.idx[sent.start] + (len(raw) - len(raw.lstrip()))
            passages.append(Passage(
                id=len(passages), document=doc.name, section=para.section,
                sentence_index=counters[doc.name], text=text,
                entities=[_entity(columns.string[s:e], label, s - offset) for _, _, s, e, label in mine],
                tokens=columns.tokens(sent.start, sent.end, offset),
                syntax=syntax_of(columns, sent.start, sent.end, [(c.root.i, c.start, c.end) for c in chunks])
            ))
            counters[doc.name] += 1
    link_neighbours(passages)
    return passages


def _entity(text: str, label: str, start: int) -> Entity:
    """An entity without a trailing possessive ("Richard Sorge's" -> "Richard Sorge")."""
    text = strip_possessive(text)
    return Entity(text, label, start, start + len(text))


def link_neighbours(passages: list[Passage]) -> None:
    """Point each passage at the sentences before and after it in the same document."""
    for a, b in zip(passages, passages[1:], strict=False):
        if a.document == b.document:
            a.next, b.previous = b.id, a.id


def by_document(passages: Iterable[Passage]) -> dict[str, list[Passage]]:
    groups: dict[str, list[Passage]] = defaultdict(list)
    for p in passages:
        groups[p.document].append(p)
    return groups


def make_entities_consistent(passages: list[Passage]) -> None:
    """One label per name within a document, by general rules, never by lists of names.

    A name that is part of a multi-word PERSON elsewhere in the document (its surname) is a PERSON,
    unless it is only ever labelled otherwise and WordNet's first sense of it is no person ("Norman
    Italy"); otherwise the label a name gets most often wins; unlabelled mentions of known names are
    added; then WordNet's proper names and the document's evidence revise the labels (``qa.names``).
    """
    for group in by_document(passages).values():
        votes: dict[str, Counter[str]] = defaultdict(Counter)
        persons: set[str] = set()
        for p in group:
            for e in p.entities:
                votes[e.text][e.label] += 1
                words = e.text.split()
                if e.label == PERSON and len(words) > 1:
                    persons.add(e.text)
                    if words[-1][:1].isupper() and words[-1].isalpha():
                        persons.add(words[-1])
        label_of = {}
        for text, counter in votes.items():
            ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0] != PERSON))
            if len(ranked) == 1 or ranked[0][1] > ranked[1][1] or ranked[0][0] == PERSON:
                label_of[text] = ranked[0][0]
        label_of.update((t, PERSON) for t in persons
                        if votes[t][PERSON] or not votes[t] or kind(t.lower()) in (None, PERSON.lower()))
        names = {t: label for t, label in label_of.items()
                 if label in NAMED and t.replace(" ", "").isalpha() and t[:1].isupper()}
        for p in group:
            p.entities = sorted(p.entities + list(_unlabelled_mentions(p, names)), key=lambda e: e.start)
        evidence = _evidence(group)
        label_of = {t: wordnet_names.revised(t, label, evidence[t]) for t, label in label_of.items()}
        for p in group:
            p.entities = [Entity(e.text, label_of.get(e.text, e.label), e.start, e.end)
                          for e in p.entities]


def _evidence(group: list[Passage]) -> dict[str, wordnet_names.Evidence]:
    """Each name's mentions in a document: how many follow "the", how many are the object of a
    preposition of place right before them ("in Limassol", "into the Waal") and how many stand beside a
    person noun (an apposition or compound WordNet counts a person: "sister Sofia", "King Richard")."""
    found: dict[str, wordnet_names.Evidence] = defaultdict(wordnet_names.Evidence)
    for p in group:
        if not p.entities or p.syntax is None:
            continue
        first_at = {s: k for k, (s, _, _, _) in enumerate(p.tokens)}
        last_at = {e: k for k, (_, e, _, _) in enumerate(p.tokens)}
        arcs = p.syntax.arcs
        below = dependents(arcs)
        for e in p.entities:
            first, last = first_at.get(e.start), last_at.get(e.end)
            if first is None or last is None:
                continue
            ev = found[e.text]
            ev.mentions += 1
            after_the = first > 0 and _word(p, first - 1).lower() in wordnet_names.NOT_BEFORE_PERSONS
            ev.after_the += after_the
            inside = range(first, last + 1)
            top = next((k for k in inside if arcs[k][2] not in inside or arcs[k][2] == k), last)
            _, dep, head = arcs[top]
            ev.spatial += (dep == "pobj" and head == first - 1 - after_the
                           and _word(p, head).lower() in wordnet_names.SPATIAL)
            near = {arcs[k][2] for k in inside if arcs[k][1] == "appos"}
            near.update(c for k in inside for c in below.get(k, ())
                        if arcs[c][1] in ("appos", "compound"))
            ev.beside_person += any(k not in inside and arcs[k][0] == "NOUN"
                                    and kind(_word(p, k).lower()) == "person" for k in near)
    return found


def _word(p: Passage, k: int) -> str:
    return p.text[p.tokens[k][0]:p.tokens[k][1]]


def _unlabelled_mentions(p: Passage, names: dict[str, str]) -> Iterator[Entity]:
    """Entities for whole-token mentions of a document's person and place names that the model left
    unlabelled, with the label the name has elsewhere in the document."""
    covered = [(e.start, e.end) for e in p.entities]
    for start, end, _, _ in p.tokens:
        word = strip_possessive(p.text[start:end])
        if word in names and not any(s <= start < e for s, e in covered):
            yield Entity(word, names[word], start, start + len(word))


def strip_possessive(word: str) -> str:
    """"Eitingon′s" -> "Eitingon": the tokenizer splits "'s" but not every apostrophe-like mark."""
    if not word.endswith(POSSESSIVE):
        return word
    for suffix in POSSESSIVE:
        if word.endswith(suffix) and len(word) > len(suffix):
            return word[: -len(suffix)]
    return word


def subject_pronouns(passages: list[Passage]) -> frozenset[str]:
    """The pronouns that most likely refer to the document's subject: the more frequent gender's."""
    counts = Counter()
    for p in passages:
        for start, end, _, _ in p.tokens:
            w = p.text[start:end].lower()
            counts["m"] += w in MALE
            counts["f"] += w in FEMALE
    if not counts["m"] and not counts["f"]:
        return frozenset()
    return MALE if counts["m"] >= counts["f"] else FEMALE


def is_person(title: str, group: list[Passage]) -> bool:
    """Whether a document is about a person: its title is (the end of) a PERSON entity in its text."""
    last = title.split()[-1] if title.split() else ""
    return any(e.label == PERSON and (e.text == title or e.text.split()[-1] == last)
               for p in group for e in p.entities)


def mark_subject_references(passages: list[Passage], titles: dict[str, str]) -> None:
    """Note where a sentence refers to the document's subject by pronoun ("He was active in Spain").

    Only a document about a person has its he/she sentences marked ("Aldrin joined him" in an article
    titled "Apollo 11" is not about Apollo 11). The index adds the subject's name at that spot, so the
    sentence is findable by it; the text is unchanged.
    """
    for name, group in by_document(passages).items():
        pronouns = subject_pronouns(group) if is_person(titles.get(name, ""), group) else frozenset()
        for p in group:
            p.subject_ref = next(((s, e) for s, e, _, _ in p.tokens
                                  if p.text[s:e].lower() in pronouns), None)


def build_passages(nlp, documents: list[Document], progress: bool = False) -> list[Passage]:
    """Parse the documents into passages with consistent entities and subject references."""
    passages = parse(nlp, documents, progress=progress)
    make_entities_consistent(passages)
    mark_subject_references(passages, {d.name: d.title for d in documents})
    return passages
