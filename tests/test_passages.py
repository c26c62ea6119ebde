"""Sentence passages from the real spaCy pipeline: splitting, neighbours, consistent entities."""

from __future__ import annotations

from collections import Counter

import pytest


@pytest.fixture(scope="module")
def passages(engine):
    return engine.passages


def test_article_is_split_into_sentences(passages):
    texts = [p.text for p in passages]
    assert len(texts) == 38
    assert "Nahum Eitingon died in 1981." in texts
    assert "Beria was arrested in June 1953 and executed." in texts
    assert not any(t.startswith(("Career", "Doctors' Plot", "Assassination of Trotsky", "Books"))
                   for t in texts)


def test_passages_know_document_section_index_and_neighbours(passages):
    died = next(p for p in passages if p.text == "Nahum Eitingon died in 1981.")
    assert (died.document, died.section) == ("article", "Doctors' Plot")
    assert passages[died.previous].text.startswith("After his release he worked")
    assert passages[died.next].text.startswith("In 1992 the Russian Supreme Court")
    assert passages[0].previous is None and passages[-1].next is None
    assert [p.sentence_index for p in passages] == list(range(len(passages)))


def test_entity_offsets_point_into_the_passage(passages):
    for p in passages:
        for e in p.entities:
            assert p.text[e.start:e.end] == e.text


def _labels(passages, name):
    return Counter(e.label for p in passages for e in p.entities if e.text == name)


@pytest.mark.parametrize("name", ["Eitingon", "Mercader", "Sudoplatov", "Beria", "Sofia"])
def test_names_have_one_label_per_document(passages, name):
    assert _labels(passages, name) and set(_labels(passages, name)) == {"PERSON"}


def test_every_mention_of_the_subject_is_an_entity(passages):
    for p in passages:
        for start in (i for i in range(len(p.text)) if p.text.startswith("Eitingon", i)):
            assert any(e.start <= start < e.end for e in p.entities), p.text


def test_possessive_is_not_part_of_a_name(passages):
    names = {e.text for p in passages for e in p.entities}
    assert "Richard Sorge" in names and "Richard Sorge's" not in names


def test_consistency_rule_is_general_not_a_list(tiny_engine):
    keeper = Counter(e.label for p in tiny_engine.passages for e in p.entities
                     if e.text == "Keeper")
    assert set(keeper) == {"PERSON"}


def test_pronoun_sentences_refer_to_the_subject(engine):
    spain = next(p for p in engine.passages if p.text.startswith("He was active in Spain"))
    assert spain.subject_ref == (0, 2)
    sofia = next(p for p in engine.passages if p.text.startswith("As a doctor, she"))
    assert sofia.subject_ref is None


def test_noun_chunks_taken_once_per_paragraph_are_each_sentences_own(nlp):
    from qa.syntax import of_sentence, sentence_chunks

    doc = nlp("Eitingon, a Belarusian Jew, joined the Cheka in 1920. He took part in numerous operations "
              "with other Chekists. The Ruhr, which joins the Rhine in Duisburg, is a clean river.")
    per_sentence = sentence_chunks(doc)
    assert [[c.text for c in chunks] for chunks in per_sentence] == [
        [c.text for c in sent.noun_chunks] for sent in doc.sents]
    assert all(of_sentence(s, c) == of_sentence(s) for s, c in zip(doc.sents, per_sentence, strict=True))
    assert len(per_sentence) == 3 and all(per_sentence)
