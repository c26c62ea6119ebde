"""Names' labels checked against WordNet's proper names and a document's evidence (qa.names)."""

from __future__ import annotations

import gzip

import pytest

from qa import names
from qa.answering import wordnet_table
from qa.corpus import parse_document
from qa.names import Evidence


def test_names_table_is_small_licensed_and_packaged():
    assert names.TABLE.stat().st_size < 200_000
    notice = names.TABLE.with_name("WORDNET_LICENSE").read_text(encoding="utf-8")
    assert "wordnet_names.tsv.gz" in notice and "instance" in notice


def test_wordnet_knows_proper_names_with_every_senses_label():
    assert names.known("Normandy") == {"LOC"}
    assert names.known("Italy") == {"GPE"}
    assert names.known("the North Sea") == {"LOC"}
    assert names.known("Rhine") == {"LOC", "PERSON"}  # the river and J. B. Rhine
    assert names.known("Trotsky") == {"PERSON"}
    assert names.known("Eitingon") == frozenset()
    assert names.known("normandy") == frozenset()  # names are matched as written


@pytest.mark.parametrize(("name", "label", "evidence", "expected"), [
    ("Normandy", "PERSON", Evidence(mentions=3), "LOC"),  # WordNet knows it only as a region
    ("Italy", "ORG", Evidence(mentions=1), "GPE"),
    ("Sofia", "PERSON", Evidence(mentions=2), "GPE"),
    ("Sofia", "PERSON", Evidence(mentions=2, beside_person=1), "PERSON"),  # "his sister Sofia"
    ("Rhine", "PERSON", Evidence(mentions=4, after_the=3), "LOC"),  # "the Rhine"
    ("Rhine", "PERSON", Evidence(mentions=4, after_the=2), "PERSON"),
    ("Trotsky", "ORG", Evidence(mentions=2), "ORG"),  # only ever relabelled as a place
    ("Italy", "NORP", Evidence(mentions=2), "NORP"),  # nationalities are the pipeline's to tell
    ("Italy", "GPE", Evidence(mentions=2), "GPE"),
    ("Waal", "PERSON", Evidence(mentions=4, spatial=2), "LOC"),  # "into the Waal", "along the Waal"
    ("Waal", "ORG", Evidence(mentions=4, spatial=1), "ORG"),
    ("Waal", "PERSON", Evidence(mentions=1, spatial=1), "PERSON"),  # one mention is too little
    ("Mercader", "PERSON", Evidence(mentions=4, after_the=4), "PERSON"),
])
def test_a_label_is_revised_only_on_clear_evidence(name, label, evidence, expected):
    assert names.revised(name, label, evidence) == expected


def test_the_generator_keeps_capitalised_instances_with_their_labels(tmp_path):
    """A tiny WordNet: a river and a city (under an administrative district) as instances."""
    (tmp_path / "lexnames").write_bytes(b"03\tnoun.Tops\t1\r\n15\tnoun.location\t1\r\n"
                                        b"17\tnoun.object\t1\r\n")
    (tmp_path / "data.noun").write_bytes(
        b"  1 This software and database is being provided to you\r\n"
        b"00000100 15 n 01 administrative_district 0 000 | a district\r\n"
        b"00000200 15 n 01 city 0 001 @ 00000100 n 0000 | a large town\r\n"
        b"00000300 17 n 01 river 0 000 | a stream\r\n"
        b"00000400 15 n 02 Cologne 0 Koeln 0 001 @i 00000200 n 0000 | a city\r\n"
        b"00000500 17 n 01 Rhine 0 001 @i 00000300 n 0000 | a river\r\n"
        b"00000600 17 n 01 North_Sea 0 001 @i 00000300 n 0000 | a sea\r\n")
    data = wordnet_table.names(tmp_path)
    assert data == wordnet_table.names(tmp_path)
    assert gzip.decompress(data).decode() == "Cologne\tGPE\nKoeln\tGPE\nNorth Sea\tLOC\nRhine\tLOC\n"


def test_indexed_passages_carry_the_revised_labels(nlp):
    from qa.passages import build_passages

    text = ("Rivers\n\nThe Rhine flows past Basel. Barges carry coal on the Rhine. The Rhine reaches the "
            "sea near Rotterdam. William landed in Normandy. Normandy lies in France. Her sister Sofia "
            "was a doctor. Sofia was arrested in 1952.\n")
    passages = build_passages(nlp, [parse_document(text, "rivers")])
    labels = {(e.text, e.label) for p in passages for e in p.entities}
    assert {("Rhine", "LOC"), ("Normandy", "LOC"), ("Sofia", "PERSON")} <= labels
    assert not {("Rhine", "PERSON"), ("Normandy", "PERSON"), ("Sofia", "GPE")} & labels
    for p in passages:
        assert all(p.text[e.start:e.end] == e.text for e in p.entities)
        assert [e.start for e in p.entities] == sorted(e.start for e in p.entities)
