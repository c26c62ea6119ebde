"""A passage that says otherwise than the question (an antonym, another time) is no answer to it: the
real pipeline's parse, the real engine, and the shipped WordNet antonyms."""

from __future__ import annotations

import pytest

from qa.answering import directions, modifiers, opposites, times, wordnet_table

ARTICLE = """River Wend

The Wend makes a sharp turn to the north near Chur. Basel is the largest city on the Wend.

William invaded Scotland in 1072 with a fleet of ships. The flow decreased sharply after the dam was built.

The spy network established by Ada Lund in the early 1930s helped the agents in atomic espionage.

At first the warm water of the Wend flows near the surface.
"""


def _engine(tmp_path_factory, name: str, text: str):
    """The real engine over one article written to a folder of its own."""
    from qa.engine import Engine

    d = tmp_path_factory.mktemp(name)
    (d / f"{name}.txt").write_text(text, encoding="utf-8")
    return Engine.from_corpus(d)


def _assert_withheld(engine, question: str, reason: str) -> None:
    """The question gets no answer, as contradicted, for a reason that says ``reason``."""
    result = engine.ask(question, min_confidence=0.0)
    assert result.answer is None and result.no_answer_code == "contradicted"
    assert reason in result.no_answer_reason


def _assert_answered(engine, question: str, answer: str, within: bool = False) -> None:
    """The question is answered ``answer`` (or, ``within``, an answer holding it), at any confidence:
    the check leaves it alone."""
    result = engine.ask(question, min_confidence=0.0)
    assert result.no_answer_code is None
    assert answer in result.answer.text if within else result.answer.text == answer


def _assert_contradicted(engine, question: str, said: str, asked: str) -> None:
    _assert_withheld(engine, question, f"says {said!r} where the question says {asked!r}")


@pytest.fixture(scope="module")
def wend(tmp_path_factory):
    return _engine(tmp_path_factory, "wend", ARTICLE)


@pytest.mark.parametrize(("question", "said", "asked"), [
    ("What does the cold water of the Wend flow near?", "warm", "cold"),  # "warm" also see "hot"
    ("Where does the Wend make a sharp turn to the south?", "north", "south"),
    ("What is the smallest city on the Wend?", "largest", "smallest"),
    ("When did the flow increase sharply?", "decreased", "increase"),
])
def test_an_opposite_of_a_question_word_in_the_passage_is_no_answer(wend, question, said, asked):
    _assert_contradicted(wend, question, said, asked)


@pytest.mark.parametrize(("question", "answer"), [
    ("Where does the Wend make a sharp turn to the north?", "Chur"),
    ("What is the largest city on the Wend?", "Basel"),
    ("Who invaded Scotland in the 11th century?", "William"),
    ("Who invaded Scotland in 1072?", "William"),
])
def test_a_passage_that_agrees_is_read_as_before(wend, question, answer):
    _assert_answered(wend, question, answer)


def test_an_opposite_far_in_the_parse_from_the_question_words_says_nothing_against_them(wend):
    result = wend.ask("What did the spy network of Ada Lund later help the agents in?", min_confidence=0.0)
    assert "early" in result.passages[0].text
    assert result.no_answer_code is None and result.answer is not None


def test_a_passage_dated_outside_the_time_the_question_names_is_no_answer(wend):
    result = wend.ask("Who invaded Scotland in the 10th century?", min_confidence=0.0)
    assert result.answer is None and result.no_answer_code == "contradicted"
    assert "gives '1072' where the question says '10th century'" in result.no_answer_reason


@pytest.mark.parametrize(("question", "spans"), [
    ("Who ruled Cyprus in the 11th century?", [(1000, 1099)]),
    ("What developed during the eleventh century?", [(1000, 1099)]),
    ("Who began a reform in the 1100s", [(1100, 1199)]),
    ("What happened in the 1980's?", [(1980, 1989)]),
    ("What country did the Normans invade in 1169?", [(1169, 1169)]),
    ("Who ruled between 1000 and 1300?", [(1000, 1000), (1300, 1300)]),
    ("Who dominated Western Europe for 380 years?", []),
    ("How many avulsions happened in the past 6000 years?", []),
])
def test_the_years_a_question_names(question, spans):
    assert [s[:2] for s in times.in_question(question)] == spans


def test_a_date_entitys_years_and_not_a_count_of_years():
    assert times.in_date("April 1191") == [(1191, 1191, "1191")]
    assert times.in_date("the 12th century") == [(1100, 1199, "12th century")]
    assert times.in_date("380 years") == []


@pytest.mark.parametrize(("word", "forms"), [
    ("decreased", {"decrease", "decreased"}), ("opening", {"open", "opening"}), ("largest", {"large"}),
    ("bigger", {"big"}), ("north", {"north"}), ("brother", set()),
])
def test_words_are_matched_to_the_antonym_table_through_wordnets_inflections(word, forms):
    assert opposites.forms(word) == forms


def test_a_question_holding_both_opposites_asks_about_neither():
    assert opposites.in_question({"large", "part"}) == (("large", "large", frozenset({"small"})),)
    assert opposites.in_question({"north", "or", "south"}) == ()


def test_the_antonym_table_is_derived_from_wordnets_data_files(tmp_path):
    (tmp_path / "data.adj").write_bytes(
        b"  1 licence header line\r\n"
        b"00000100 00 a 01 large 0 001 ! 00000200 a 0101 | above average in size\r\n"
        b"00000200 00 a 02 small 0 little 0 001 ! 00000100 a 0101 | below average in size\r\n")
    (tmp_path / "data.adv").write_bytes(
        b"  1 licence header line\r\n"
        b"00000500 02 r 01 warmly 0 001 ^ 00000600 r 0000 | in a warm way\r\n"
        b"00000600 02 r 01 hotly 0 001 ! 00000700 r 0101 | in a hot way\r\n"
        b"00000700 02 r 01 coldly 0 001 ! 00000600 r 0101 | in a cold way\r\n")
    (tmp_path / "data.verb").write_bytes(
        b"00000300 30 v 01 open 0 001 ! 00000400 v 0101 | cause to open\r\n"
        b"00000400 30 v 01 close 0 001 ! 00000300 v 0101 | cause to close\r\n")
    data = wordnet_table.antonyms(tmp_path)
    assert data == b"close\topen\ncoldly\thotly\ncoldly\twarmly\nlarge\tsmall\n"  # "warmly" also see "hotly"


SWAPS = """River Mor

The Mor flows through Baden into Lake Ise. The invading Saxons replaced the old Britons as the ruling class.

By then the Mor had captured streams down to the Kell Mountains.
"""


@pytest.fixture(scope="module")
def mor(tmp_path_factory):
    return _engine(tmp_path_factory, "mor", SWAPS)


@pytest.mark.parametrize(("question", "said"), [
    ("Who replaced the Saxons as the ruling class?", "the other way round from the question"),
    ("What does Lake Ise flow through?", "'mor' doing what the question says another does"),
    ("Lake Ise flows through what region?", "'mor' doing what the question says another does"),
    ("What captured the Kell Mountains?", "'streams' undergoing what the question says another does"),
])
def test_a_passage_giving_the_question_words_other_parts_is_no_answer(mor, question, said):
    _assert_withheld(mor, question, said)


@pytest.mark.parametrize(("question", "answer"), [
    ("Who replaced the old Britons as the ruling class?", "Saxons"),
    ("What does the Mor flow through?", "Baden"),
    ("The Mor flows through what region?", "Baden"),
    ("What captured streams down to the Kell Mountains?", "Mor"),
])
def test_a_passage_with_the_parts_the_question_gives_is_read_as_before(mor, question, answer):
    _assert_answered(mor, question, answer, within=True)


@pytest.fixture(scope="module")
def dun(tmp_path_factory):
    return _engine(tmp_path_factory, "dun",
                   "Lake Dun\n\nBefore the war, the water of the Mor ran into Lake Dun.\n")


@pytest.mark.parametrize(("question", "said", "asked"), [
    ("What ran out of Lake Dun?", "into", "out"),
    ("What ran into Lake Dun after the war?", "before", "after"),
    ("What did the water of the Mor run out of?", "into", "out"),
    ("What did the water of the Mor run through?", "into", "through"),  # a path, not the goal
])
def test_a_preposition_of_opposite_sense_over_the_question_word_is_no_answer(dun, question, said, asked):
    _assert_contradicted(dun, question, said, asked)


@pytest.mark.parametrize("question", ["What ran into Lake Dun?", "What ran into Lake Dun before the war?"])
def test_the_same_preposition_over_the_question_word_is_read_as_before(dun, question):
    result = dun.ask(question, min_confidence=0.0)
    assert result.no_answer_code is None and "Mor" in result.answer.text


def test_the_goal_the_question_strands_its_preposition_for_is_read_as_before(dun):
    result = dun.ask("What did the water of the Mor run into?", min_confidence=0.0)
    assert result.no_answer_code is None and "Lake Dun" in result.answer.text


@pytest.fixture(scope="module")
def eden(tmp_path_factory):
    return _engine(tmp_path_factory, "eden", "River Eden\n\n"
                   "From the flood onwards, the slow uplift of the hills caused a deep rift to form.\n")


def test_from_a_time_onwards_is_after_it_against_a_question_asking_before(eden):
    _assert_contradicted(eden, "What did the slow uplift of the hills cause before the flood?", "since",
                         "before")


@pytest.mark.parametrize("question", ["What did the slow uplift of the hills cause after the flood?",
                                      "What did the slow uplift of the hills cause since the flood?"])
def test_from_a_time_onwards_is_read_as_before_for_a_question_asking_after(eden, question):
    result = eden.ask(question, min_confidence=0.0)
    assert result.no_answer_code is None and "rift" in result.answer.text


def test_the_words_after_a_preposition_of_time_or_direction_are_read_from_the_question():
    assert directions.in_question("What flows out of the former bay before 1900?") == (("out", "former"),)
    assert directions.in_question("Who came after the conquest?") == (("after", "conquest"),)


@pytest.fixture(scope="module")
def tay(tmp_path_factory):
    return _engine(tmp_path_factory, "tay", "River Tay\n\nThe Old Bridge over the Tay was built in 1939. "
                   "In 1992 the court annulled the toll and cleared the bridge's name.\n")


@pytest.mark.parametrize(("question", "asked"), [
    ("In what year was the Old Bridge over the Tay shortened?", "shortened"),
    ("When was the Old Bridge over the Tay painted?", "painted"),
])
def test_a_time_of_another_event_than_the_one_asked_is_no_answer(tay, question, asked):
    _assert_withheld(tay, question, f"does not say {asked!r} nor a synonym of it")


@pytest.mark.parametrize(("question", "answer"), [
    ("When was the Old Bridge over the Tay built?", "1939"),
    ("In what year was the Old Bridge over the Tay constructed?", "1939"),  # a WordNet synonym
    ("When was the toll on the Tay bridge overturned?", "1992"),  # "annul", one of its senses
    ("When was the Old Bridge over the Tay built by the town?", "1939"),  # words after it: not read
    ("When was the Old Bridge over the Tay used?", "1939"),  # a stop word, never searched: not checked
])
def test_a_time_of_the_event_asked_or_a_synonym_of_it_is_read_as_before(tay, question, answer):
    _assert_answered(tay, question, answer)


@pytest.fixture(scope="module")
def lorn(tmp_path_factory):
    return _engine(tmp_path_factory, "lorn", "Kings of Lorn\n\nPrince Robert married the sister of Duke Alan "
                   "in 1070. The army of Duke Alan defeated Earl Hugh at Lorn.\n\nLater the Tain changes its "
                   "name and becomes the Avon.\n")


@pytest.mark.parametrize(("question", "said"), [
    ("Who did Duke Alan marry?", "'Prince Robert' as the subject of 'married'"),
    ("What does the Avon change its name to?", "'Tain' as the subject of 'changes'"),
    ("Who defeated Duke Alan?", "'Earl Hugh' as the object of 'defeated'"),
])
def test_a_candidate_in_the_part_the_question_gives_its_own_words_is_no_answer(lorn, question, said):
    _assert_withheld(lorn, question, f"its passage has {said}, not the part the question asks")


@pytest.mark.parametrize(("question", "answer"), [
    ("Who married the sister of Duke Alan?", "Prince Robert"),
    ("Who did Duke Alan defeat?", "Earl Hugh"),
    ("What does the Tain change its name to?", "Avon"),
])
def test_a_candidate_in_the_part_the_question_asks_is_read_as_before(lorn, question, answer):
    _assert_answered(lorn, question, answer, within=True)


@pytest.fixture(scope="module")
def fyne(tmp_path_factory):
    return _engine(tmp_path_factory, "fyne", "River Fyne\n\nThe Fyne then flows into the former bay "
                   "Aberlady. Duncan ruled Lorn with his brother Angus.\n\nEthne, the wife of Angus, "
                   "founded the abbey at Lorn.\n")


def test_a_preposition_of_opposite_sense_over_an_unsearched_word_of_the_question_is_no_answer(fyne):
    _assert_contradicted(fyne, "What flows out of the former bay Aberlady?", "into", "out")  # "former"
    assert fyne.ask("What flows into the former bay Aberlady?", min_confidence=0.0).answer.text == "Fyne"


@pytest.mark.parametrize("question", ["Who was Duncan's son?", "Who was the son of Duncan?"])
def test_a_passage_naming_none_of_the_kin_the_question_asks_about_is_no_answer(fyne, question):
    _assert_withheld(fyne, question, "its passage names no 'son' nor its converse")


@pytest.mark.parametrize(("question", "answer"), [
    ("Who ruled Lorn with his brothers?", "Duncan"),
    ("Who was Ethne's husband?", "Angus"),  # "the wife of Angus": the converse relation
])
def test_a_passage_naming_the_kin_asked_about_or_its_converse_is_read_as_before(fyne, question, answer):
    assert fyne.ask(question, min_confidence=0.0).answer.text == answer


MODIFIED = """River Kell

The Kell has a darker colour than the Mor, its lighter load coming from the hills.
Its name comes from the French words Kelle and Kel.

The first bridge over the Kell was built by Aldo Venn in 1320 for King Osric III.
Oda Marr served as a Byzantine general in 1050.

The distinct identity of the Saxons emerged in the 9th century. Some Saxons joined Danish forces in 878.

The German states of Bavaria and Hesse lie on the Kell, and the Austrian state of Tyrol lies to its south.
"""


@pytest.fixture(scope="module")
def kell(tmp_path_factory):
    return _engine(tmp_path_factory, "kell", MODIFIED)


@pytest.mark.parametrize(("question", "said", "asked"), [
    ("What has a lighter colour than the Mor?", "darker", "lighter"),  # WordNet: "light" against "dark"
    ("What name comes from the English words Kelle and Kel?", "french", "english"),
    ("When did Oda Marr serve as a Norman general?", "byzantine", "norman"),
    ("When did the Frankish identity emerge?", "saxons", "frankish"),  # "the identity of the Saxons"
    ("When did some Saxons join Saxon forces?", "danish", "saxon"),  # a verb ends the modifiers
])
def test_another_value_of_a_question_words_modifier_on_the_same_noun_is_no_answer(kell, question, said,
                                                                                  asked):
    _assert_contradicted(kell, question, said, asked)


@pytest.mark.parametrize(("question", "answer"), [
    ("When did Oda Marr serve as a Byzantine general?", "1050"),
    ("Who built the first bridge over the Kell?", "Aldo Venn"),
    ("What German state lies on the Kell besides Bavaria?", "Hesse"),  # "states" is the noun "state"
    ("When did the Saxon identity emerge?", "the 9th century"),  # the Saxons' is the Saxon identity
])
def test_the_same_value_of_a_modifier_on_the_noun_is_read_as_before(kell, question, answer):
    _assert_answered(kell, question, answer)


def test_a_question_reads_words_with_opposites_and_proper_adjectives_before_their_nouns():
    assert modifiers.in_question("What has a lighter colour than the Mor?") == (
        ("lighter", "colour", False), ("lighter", "than", False))
    assert modifiers.in_question("What name is in the English words?") == (("english", "words", True),)
    assert modifiers.in_question("Where does the cold and warm water meet?") == ()  # both opposites


def test_another_numeral_after_a_name_the_question_numbers_is_no_answer(kell):
    _assert_withheld(kell, "When was the first bridge over the Kell built for King Osric II?",
                     "says Osric 'III' where the question says 'II'")


def test_the_numeral_the_question_gives_is_read_as_before(kell):
    result = kell.ask("When was the first bridge over the Kell built for King Osric III?", min_confidence=0.0)
    assert result.no_answer_code is None and result.answer.text == "1320"


def test_a_question_reads_the_roman_numerals_after_names():
    assert modifiers.numbered("Who did Louis XIV and Pope Gregory VII meet?") == (("louis", "xiv"),
                                                                                ("gregory", "vii"))
    assert modifiers.numbered("Did I see Henry I?") == ()  # "I", the pronoun or a numeral, is left alone


@pytest.fixture(scope="module")
def ure(tmp_path_factory):
    return _engine(tmp_path_factory, "ure", "River Ure\n\nThe valley of the Ure began to warm up "
                   "12,000 years ago. The thaw of the valley took 3,000 years.\n")


def test_a_point_in_time_is_no_answer_to_a_question_asking_a_length_of_time(ure):
    _assert_withheld(ure, "How many years did it take for the valley of the Ure to warm up?",
                     "names a point in time, not the length the question asks")


@pytest.mark.parametrize(("question", "answer"), [
    ("How many years ago did the valley of the Ure begin to warm up?", "12,000 years ago"),
    ("How many years did the thaw of the valley take?", "3,000 years"),
])
def test_a_point_in_time_asked_with_ago_or_a_length_is_read_as_before(ure, question, answer):
    _assert_answered(ure, question, answer)


@pytest.fixture(scope="module")
def avon(tmp_path_factory):
    return _engine(tmp_path_factory, "avon", "River Avon\n\nThe raiders joined the fleet that had conquered "
                   "Corfu and attacked Dyrrachium from the sea.\n\n"
                   "Bohemond besieged Durres and took Valona.\n")


def test_the_object_of_another_verb_is_no_answer_to_who_did_the_matched_one(avon):
    _assert_withheld(avon, "Who attacked Dyrrachium from the sea?",
                     "has 'Corfu' as the object of another verb than 'attacked', not its subject")


def test_the_subject_of_the_matched_verb_is_read_as_before(avon):
    result = avon.ask("Who besieged Durres?", min_confidence=0.0)
    assert result.no_answer_code is None and result.answer.text == "Bohemond"


SIBLINGS = """Sea of Tarn

During the last cold phase the Welsh Channel, the Breton Channel and most of the Tarn Sea were dry land,
because the sea level was about 120 m lower than today.

The Pictish language was eventually absorbed into the Gaelic language of the settlers.
"""


@pytest.fixture(scope="module")
def tarn(tmp_path_factory):
    return _engine(tmp_path_factory, "tarn", SIBLINGS)


@pytest.mark.parametrize(("question", "said", "asked"), [
    ("What is the sea level of the Breton Channel?", "welsh", "breton"),
    ("What is the sea level of the Welsh Channel?", "breton", "welsh"),
])
def test_a_candidate_naming_a_sibling_of_what_the_question_names_is_no_answer(tarn, question, said, asked):
    _assert_withheld(tarn, question, f"says {said!r} 'channel' where the question says {asked!r} 'channel'")


@pytest.mark.parametrize(("question", "answer"), [
    ("Besides the Breton Channel, what else was dry land?", "the Welsh Channel"),  # asks for a sibling
    ("What language was absorbed into the Gaelic language?", "Pictish"),  # the asked noun is the sibling's
])
def test_a_sibling_the_question_asks_for_is_read_as_before(tarn, question, answer):
    _assert_answered(tarn, question, answer, within=True)


def test_a_question_reads_each_proper_modifier_and_the_word_after_it():
    assert modifiers.proper_pairs("What is the sea level of the Irish Channel?") == (("irish", "channel"),)
    assert modifiers.proper_pairs("What was absorbed into the Anglo-Norman language?") == (
        ("norman", "language"),)
    assert modifiers.proper_pairs("The Rhine and what other river drained the Alps?") == ()
    asked = modifiers.proper_pairs("The Mediterranean Sea descends from what sea?")
    assert ("mediterranean", "sea") not in asked


OWNERS = """Oswin Darr

When finally Oswin Darr returned from his father's refuge in 1041, he brought a Norman-educated mind.

Edda Holm's daughter sailed to Iceland in 1077.
"""


@pytest.fixture(scope="module")
def darr(tmp_path_factory):
    return _engine(tmp_path_factory, "darr", OWNERS)


def test_the_person_whose_kin_the_question_asks_about_doing_it_is_no_answer(darr):
    _assert_withheld(darr, "When did Oswin Darr's son return from his father's refuge?",
                     "has 'darr' doing what the question says their 'son' does")


@pytest.mark.parametrize(("question", "answer"), [
    ("When did Oswin Darr return from his father's refuge?", "1041"),  # no kin asked about
    ("When did Edda Holm's daughter sail to Iceland?", "1077"),  # the passage names the kin
])
def test_the_kin_doing_it_or_no_kin_asked_is_read_as_before(darr, question, answer):
    result = darr.ask(question, min_confidence=0.0)
    assert result.no_answer_code is None and result.answer.text == answer


def test_a_question_reads_the_names_whose_kin_it_asks_about():
    from qa.answering.answer import kin_of

    assert kin_of("When did Edward the Confessor's son return?") == (("confessor", "son"),)
    assert kin_of("When did Edward's army return?") == ()
