"""The WordNet verb table behind the changed-event check: a participle's verbs and wordings, the event a
time question asks about, and the generator's output."""

from __future__ import annotations

import gzip

import pytest

from qa.answering import events, wordnet_table
from qa.answering.answer import classify


@pytest.mark.parametrize(("word", "verbs"), [
    ("born", {"bear"}),  # verb.exc
    ("shortened", {"shorten"}),
    ("stopped", {"stop"}),  # a doubled consonant
    ("found", {"find", "found"}),
    ("xylophoned", set()),
])
def test_a_forms_verbs_through_wordnets_exceptions_and_detachment_rules(word, verbs):
    assert events.verbs(word) == verbs


def test_the_wordings_of_an_event_are_its_verbs_synonyms_derived_and_irregular_forms():
    assert {"annul", "annulment", "reverse", "overturn"} <= events.wordings("overturned")
    assert {"birth", "bear", "bore"} <= events.wordings("born")
    assert {"construct", "construction", "made"} <= events.wordings("built")
    assert "shorten" not in events.wordings("built")
    assert events.wordings("xylophoned") == {"xylophoned"}


@pytest.mark.parametrize(("question", "event"), [
    ("When was the Old Bridge shortened?", "shortened"),
    ("In what year was St. Elizabeth born?", "born"),
    ("What year was the encyclopedia written?", "written"),
    ("When was Eitingon put on trial?", None),  # words after it name the event with it
    ("When did the war end?", None),  # not a passive: which word is the verb is not known unparsed
    ("Where was the bridge built?", None),  # not a time question
    ("When was Eitingon?", None),
])
def test_the_event_a_time_question_asks_the_time_of(question, event):
    assert classify(question).event == event


def test_the_verb_table_is_derived_from_wordnets_data_files(tmp_path):
    (tmp_path / "data.verb").write_bytes(
        b"  1 licence header line\r\n"
        b"00000100 30 v 02 discover 0 find 0 001 + 00000300 n 0101 | get to know\r\n"
        b"00000200 30 v 02 build 0 make_up 0 000 | make by combining materials\r\n")
    (tmp_path / "data.noun").write_bytes(
        b"  1 licence header line\r\n"
        b"00000300 04 n 01 discovery 0 001 + 00000100 v 0101 | the act of discovering\r\n")
    for pos in ("adj", "adv"):
        (tmp_path / f"data.{pos}").write_bytes(b"  1 licence header line\r\n")
    (tmp_path / "verb.exc").write_bytes(b"built build\r\nfound find\r\nmade_up make_up\r\n")
    data = wordnet_table.verbs(tmp_path)
    assert data == wordnet_table.verbs(tmp_path)
    assert gzip.decompress(data).decode() == (
        "S\t0\tdiscover discovery find\nS\t1\tbuild\nW\tbuild\t1\nW\tdiscover\t0\nW\tfind\t0\n"
        "X\tbuilt\tbuild\nX\tfound\tfind\n")


def test_the_verb_table_is_small_licensed_and_packaged():
    assert events.TABLE.stat().st_size < 500_000
    notice = events.TABLE.with_name("WORDNET_LICENSE").read_text(encoding="utf-8")
    assert "wordnet_verbs.tsv.gz" in notice


def test_the_parsed_verb_table_is_kept_in_the_cache_folder_beside_the_noun_table(cache_dir):
    from qa.answering import kinds

    events.table.cache_clear()
    kinds.table.cache_clear()
    try:
        parsed = events.table()
        kinds.table()  # the noun table's file leaves the verb table's alone, and the other way round
        [kept] = list(cache_dir.glob("wordnet_verbs-*.marshal"))
        assert len(list(cache_dir.glob("wordnet-*.marshal"))) == 1
        events.table.cache_clear()
        cached = events.table()
        assert cached is not parsed and cached == parsed and "annul" in events.wordings("overturned")
        kept.write_bytes(b"not marshal data")  # a damaged file is parsed again and replaced
        events.table.cache_clear()
        assert events.table() == parsed and kept.read_bytes() != b"not marshal data"
    finally:
        events.table.cache_clear()
        kinds.table.cache_clear()
