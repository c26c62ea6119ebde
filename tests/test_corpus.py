"""Reading articles: title, sections, paragraphs, markup cleanup and refusal of bad files."""

from __future__ import annotations

import pytest

from qa.corpus import LEAD_SECTION, clean, is_heading, parse_document, read_corpus
from qa.errors import CorpusError

from .conftest import ARTICLE, TINY


@pytest.mark.parametrize(("raw", "cleaned"), [
    (":ru:Серебрянский, Яков Исаакович|Yakov Serebryansky, but", "Yakov Serebryansky, but"),
    ("Leonid Aleksandrovich Eitingon , was", "Leonid Aleksandrovich Eitingon, was"),
    ("see [[Leon Trotsky|Trotsky]] and [[Mexico]]", "see Trotsky and Mexico"),
    (", the Soviet revolutionary, had been", "the Soviet revolutionary, had been"),
    ("U.S.–USSR relations in 1933.", "U.S.–USSR relations in 1933."),
    ("Eitingon′s close friend", "Eitingon′s close friend"),
    ("a ratio of 3 : 1 stays", "a ratio of 3 : 1 stays"),
])
def test_clean_removes_markup_residue_and_nothing_else(raw, cleaned):
    assert clean(raw) == cleaned


@pytest.mark.parametrize(("block", "heading"), [
    (["Career"], True),
    (["Assassination of Trotsky"], True),
    (["Doctors' Plot"], True),
    (["Books"], True),
    (["Nahum Eitingon died in 1981."], False),
    (["He said: go"], True),
    (["A long line that keeps going with many words and never stops at all even so"], False),
    (["Career", "Second line"], False),
])
def test_heading_detection(block, heading):
    assert is_heading(block) is heading


def test_article_structure():
    [doc] = read_corpus(ARTICLE)
    assert doc.name == "article"
    assert doc.title == "Nahum Eitingon"
    assert doc.sections == [LEAD_SECTION, "Career", "Assassination of Trotsky", "Doctors' Plot"]
    texts = [p.text for p in doc.paragraphs]
    assert not any(t.startswith(("Career", "Books", "Doctors' Plot")) for t in texts)
    assert all(":ru:" not in t and " ," not in t for t in texts)
    assert any("under Yakov Serebryansky, but" in t for t in texts)


def _is_subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(ch in chars for ch in short)


def test_cleanup_only_deletes_and_keeps_every_word():
    lines = [line.strip() for line in ARTICLE.read_text(encoding="utf-8").splitlines()]
    [doc] = read_corpus(ARTICLE)
    assert len(doc.paragraphs) == 11
    for p in doc.paragraphs:
        raw = next(line for line in lines if line.endswith(p.text[-30:]))
        assert _is_subsequence(p.text, raw)
        assert len(raw) - len(p.text) < 60


def test_folder_corpus_is_one_document_per_file(tmp_path):
    (tmp_path / "b.txt").write_text("Beta\n\nBeta text here.\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Alpha\n\nAlpha text here.\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    docs = read_corpus(tmp_path)
    assert [(d.name, d.title) for d in docs] == [("a", "Alpha"), ("b", "Beta")]


def test_crlf_and_bom_are_read():
    doc = parse_document("\ufeffTitle\r\n\r\nHeading\r\n\r\nA sentence.\r\n".lstrip("\ufeff"), "x")
    assert doc.title == "Title"
    assert [(p.section, p.text) for p in doc.paragraphs] == [("Heading", "A sentence.")]


@pytest.mark.parametrize(("setup", "message"), [
    (lambda d: d / "missing.txt", "does not exist"),
    (lambda d: (d / "e.txt").write_text("") and d / "e.txt" or d / "e.txt", "is empty"),
    (lambda d: d, "has no .txt files"),
    (lambda d: (d / "b.txt").write_bytes(b"\x89PNG\x00\x01") and d / "b.txt", "binary"),
    (lambda d: (d / "l.txt").write_bytes("Café\n\nNaïve text.".encode("latin-1")) and d / "l.txt",
     "not UTF-8"),
    (lambda d: (d / "h.txt").write_text("Title\n\nCareer\n\nBooks\n") and d / "h.txt",
     "no paragraphs"),
])
def test_bad_corpus_is_refused_with_a_clear_message(tmp_path, setup, message):
    with pytest.raises(CorpusError, match=message):
        read_corpus(setup(tmp_path))


def test_unreadable_file(tmp_path):
    import os

    f = tmp_path / "secret.txt"
    f.write_text("T\n\nText.\n")
    f.chmod(0)
    if os.access(f, os.R_OK):
        pytest.skip("running as a user who can read any file (root)")
    with pytest.raises(CorpusError, match="permission"):
        read_corpus(f)


def test_tiny_corpus_trailing_empty_heading_yields_nothing():
    [doc] = read_corpus(TINY)
    assert doc.sections == [LEAD_SECTION, "Early life", "Career", "Later life"]


def test_a_file_that_fails_to_read_is_refused_not_raised():
    with pytest.raises(CorpusError, match="cannot read /proc/self/mem"):
        read_corpus("/proc/self/mem")


def test_a_named_pipe_is_refused_instead_of_hanging(tmp_path):
    import os

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(CorpusError, match="not a regular file"):
        read_corpus(fifo)


def test_a_device_is_refused_instead_of_read_without_end():
    with pytest.raises(CorpusError, match="not a regular file"):
        read_corpus("/dev/zero")


def test_a_symlink_loop_is_named_as_such(tmp_path):
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    with pytest.raises(CorpusError, match="symbolic link to nothing"):
        read_corpus(loop)


def test_a_link_out_of_the_corpus_folder_is_skipped_with_a_warning_naming_it(corpus, tmp_path, caplog):
    secret = tmp_path / "secret.txt"
    secret.write_text("Secret\n\nThe password is swordfish.\n", encoding="utf-8")
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    (corpus / "secret.txt").symlink_to(secret)
    (corpus / "again.txt").symlink_to(corpus / "lighthouse.txt")  # a link within the folder is fine
    with caplog.at_level("WARNING", logger="qa.corpus"):
        documents = read_corpus(corpus)
    assert [d.name for d in documents] == ["again", "lighthouse"]
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert "passwd.txt" in warned and "/etc/passwd" in warned and "secret.txt" in warned
    assert "outside the corpus folder" in warned


def test_a_folder_of_only_outside_links_is_refused_saying_so(tmp_path):
    folder = tmp_path / "links"
    folder.mkdir()
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    with pytest.raises(CorpusError, match=r"no \.txt files \(1 link\(s\) out of it skipped\)"):
        read_corpus(folder)
