"""The reader on hand-built passages: features, the choice of span, calibrated confidence, abstention."""

from __future__ import annotations

from dataclasses import replace

import pytest

from qa.answering.answer import COPULA_FORM, OBJECT_FORM, SUBJECT_FORM, QuestionType, classify
from qa.answering.reader import (
    FAR,
    FEATURES,
    WINDOW,
    Nearness,
    Reader,
    Reason,
    _hops,
    features,
    load_model,
)
from qa.answering.spans import Evidence, spans_of

WHEN = QuestionType("when", ("DATE", "TIME"))
WHAT = QuestionType("what", ())
# "Mercader attacked Trotsky in 1940 ." : head of every token, as spaCy's parser gives it
TEXT = "Mercader attacked Trotsky in 1940 ."
TOKENS = [(0, 8, "Mercader", False), (9, 17, "attack", False), (18, 25, "Trotsky", False),
          (26, 28, "in", False), (29, 33, "1940", False), (34, 35, ".", True)]
ARCS = [("PROPN", "nsubj", 1), ("VERB", "ROOT", 1), ("PROPN", "dobj", 1), ("ADP", "prep", 1),
        ("NUM", "pobj", 3), ("PUNCT", "punct", 1)]
TERMS = ["mercad", "attack", "trotski", None, "1940", None]


class Entity:
    def __init__(self, text, label, start):
        self.text, self.label, self.start, self.end = text, label, start, start + len(text)


ENTITIES = [Entity("Mercader", "PERSON", 0), Entity("Trotsky", "PERSON", 18), Entity("1940", "DATE", 29)]


WORDS = ("mercader", "attacked", "trotsky", "in", "1940", ".")


def evidence(matched=(1, 2), rank=1, score=5.0, coverage=1.0, title=frozenset(), idf=None):
    spans = spans_of(TEXT, ENTITIES, TOKENS, ARCS, [(0, 0), (2, 2)], TERMS)
    if idf:
        spans = [replace(s, rarity=sum(idf(t) for t in s.terms) / len(s.terms)) for s in spans]
    return Evidence(rank, score, coverage, TEXT, spans, ARCS, frozenset(matched), TERMS, WORDS, title)


def named(qtype, ev, span, asked=frozenset({"attack", "trotski"})):
    return dict(zip(FEATURES, features(qtype, asked, None, ev, span, 5.0), strict=True))


def test_candidates_are_entities_then_other_phrases():
    spans = evidence().spans
    assert [(s.text, s.label) for s in spans] == [("Mercader", "PERSON"), ("Trotsky", "PERSON"),
                                                 ("1940", "DATE")]
    assert spans[2].head == 4 and spans[2].terms == frozenset({"1940"})


@pytest.mark.parametrize(("a", "b", "hops"), [(4, 4, 0), (4, 3, 1), (4, 1, 2), (0, 4, 3), (0, 2, 2)])
def test_hops_count_edges_in_the_tree(a, b, hops):
    assert _hops(ARCS, a, b) == hops


def test_features_say_what_the_question_asks_for():
    ev = evidence()
    date, person = ev.spans[2], ev.spans[0]
    x = dict(zip(FEATURES, features(WHEN, frozenset({"attack", "trotski"}), None, ev, date, 5.0),
                 strict=True))
    assert x["fits_type"] == 1.0 and x["typed_other"] == 0.0 and x["new_words"] == 1.0
    y = dict(zip(FEATURES, features(WHEN, frozenset({"attack", "trotski"}), None, ev, person, 5.0),
                 strict=True))
    assert y["fits_type"] == 0.0 and y["typed_other"] == 1.0 and y["subject"] == 1.0
    assert x["near_parse"] == pytest.approx(1 / 3) and y["near_parse"] == pytest.approx(1 / 2)


def test_the_fitted_reader_answers_a_when_question_with_the_date():
    reading = Reader().read(WHEN, frozenset({"attack", "trotski"}), None, [evidence()], 0.0)
    assert reading.answer.text == "1940" and reading.answer.label == "DATE"
    assert TEXT[reading.answer.start:reading.answer.end] == "1940"
    assert 0.0 <= reading.answer.confidence <= 1.0


def test_words_of_the_question_are_never_the_answer():
    reading = Reader().read(WHEN, frozenset({"attack", "trotski", "mercad", "1940"}), None,
                            [evidence()], 0.0)
    assert reading.answer is None and reading.reason is Reason.NO_CANDIDATE


def test_below_the_threshold_there_is_an_abstention_with_the_candidate_named():
    reading = Reader().read(WHEN, frozenset({"attack", "trotski"}), None, [evidence()], 1.0)
    assert reading.answer is None and reading.reason is Reason.LOW_CONFIDENCE
    assert "'1940'" in reading.message and "1.00" in reading.message


def test_a_manner_question_reads_only_manner_phrases():
    how = classify("How did Mercader attack Trotsky?")
    reading = Reader().read(how, frozenset({"attack"}), None, [evidence()], 0.0)
    assert reading.reason is Reason.NO_CANDIDATE and "'by'" in reading.message
    manner = spans_of(TEXT, [], TOKENS, ARCS, [(3, 4)], TERMS)  # as if "in 1940" said how
    reading = Reader().read(how, frozenset({"attack"}), None, [replace(evidence(), manners=manner)], 0.0)
    assert reading.answer is not None and reading.answer.text == "in 1940"


def test_a_yes_no_question_is_read_for_its_polarity_not_for_a_phrase():
    """A hand-built passage has no token offsets to point at: no verdict, and the reason says so."""
    reading = Reader().read(classify("Did Mercader attack Trotsky?"), frozenset({"attack"}), None,
                            [evidence()], 0.0)
    assert reading.reason is Reason.NOT_STATED and "no parse" in reading.message


def test_a_why_question_reads_only_reason_phrases():
    reading = Reader().read(classify("Why did Mercader attack Trotsky?"), frozenset({"attack"}), None,
                            [evidence()], 0.0)
    assert reading.reason is Reason.NO_CANDIDATE and "'because'" in reading.message


def test_no_passage_no_answer():
    assert Reader().read(WHAT, frozenset({"x"}), None, []).reason is Reason.NO_PASSAGE


def test_a_higher_share_of_answerable_questions_raises_every_confidence():
    args = (WHEN, frozenset({"attack", "trotski"}), None, [evidence(coverage=0.5)], 0.0)
    low = Reader(answerable_share=0.3).read(*args).answer.confidence
    fitted = Reader().read(*args).answer.confidence
    high = Reader(answerable_share=0.9).read(*args).answer.confidence
    assert low < fitted < high


def test_a_model_file_missing_a_weight_says_how_to_refit():
    model = dict(load_model())
    model["weights"] = {k: v for k, v in model["weights"].items() if k != "fits_type"}
    with pytest.raises(ValueError, match="python -m qa.evaluation.fit"):
        Reader(model)


def test_the_share_of_answerable_questions_is_checked(monkeypatch):
    from qa.answering.reader import answerable_share
    from qa.errors import StartupError

    monkeypatch.setenv("QA_ANSWERABLE_SHARE", "1.5")
    with pytest.raises(StartupError, match="between 0 and 1"):
        answerable_share()
    monkeypatch.setenv("QA_ANSWERABLE_SHARE", "0.5")
    assert answerable_share() == 0.5


@pytest.mark.parametrize(("question", "form"), [
    ("Who killed Trotsky?", SUBJECT_FORM), ("What river joins the Rhine at Duisburg?", SUBJECT_FORM),
    ("What did the Germanic tribes establish?", OBJECT_FORM), ("Whom could he trust?", OBJECT_FORM),
    ("Who was Emma's brother?", COPULA_FORM), ("What is the famous rock called?", COPULA_FORM),
    ("Who?", None), ("Did Mercader attack Trotsky?", None),
    ("Who had found refuge in Mexico?", SUBJECT_FORM), ("Which river has flowed north?", SUBJECT_FORM),
    ("What had he found?", OBJECT_FORM), ("What has the river shortened?", OBJECT_FORM),
    ("Who has been the leader?", COPULA_FORM),
])
def test_the_wh_words_part_is_read_from_the_words_after_it(question, form):
    assert classify(question).form == form


@pytest.mark.parametrize(("question", "named"), [
    ("Who was the Soviet revolutionary?", "revolutionary"), ("Who was the assassin of Trotsky?", "assassin"),
    ("What is the capital?", "capital"), ("What is the delta delimited by?", None),
    ("When was the Rhine crisis?", None), ("Who killed Trotsky?", None), ("Who was banished?", None),
])
def test_a_copula_question_names_the_head_word_of_what_it_asks_to_identify(question, named):
    assert classify(question).named == named


@pytest.mark.parametrize("question", ["How wide is the Rhine?", "How far did the sea level drop?",
                                      "How deep is the lake?"])
def test_how_with_a_degree_word_asks_for_a_measure(question):
    qtype = classify(question)
    assert qtype.kind == "how_many" and "QUANTITY" in qtype.labels


def test_a_subject_question_prefers_the_doer():
    who = QuestionType("who", ("PERSON", "ORG"), SUBJECT_FORM, frozenset({"who", "attacked", "trotsky"}))
    ev = evidence()
    assert named(who, ev, ev.spans[0])["asked_subject"] == 1.0
    assert named(who, ev, ev.spans[1])["asked_subject"] == 0.0


def test_a_preposition_of_the_question_governing_the_candidate_counts():
    asked = QuestionType("when", ("DATE", "TIME"), OBJECT_FORM, frozenset({"what", "year", "in"}))
    ev = evidence()
    assert named(asked, ev, ev.spans[2])["question_preposition"] == 1.0
    assert named(WHEN, ev, ev.spans[2])["question_preposition"] == 0.0


def test_a_candidate_of_only_the_titles_words_is_marked_and_rarity_is_kept():
    ev = evidence(title=frozenset({"trotski"}), idf=lambda term: 0.25)
    assert named(WHAT, ev, ev.spans[1])["title_only"] == 1.0
    assert named(WHAT, ev, ev.spans[0])["title_only"] == 0.0
    assert ev.spans[0].rarity == pytest.approx(0.25) and named(WHAT, ev, ev.spans[0])["rarity"] == 0.25


def test_closeness_features_equal_a_search_over_every_matched_word(engine):
    """Nearness (distances once per passage) gives what searching each candidate's outside words does."""
    checked = 0
    for question in ("Who killed Trotsky?", "When was Eitingon arrested?", "Where did Mercader attack?",
                     "What was Sofia Eitingon's job?", "How many years was Eitingon sentenced to?"):
        _, _, _, evidence = engine.prepare(question)
        for ev in evidence:
            for span in ev.spans:
                x = dict(zip(FEATURES, features(WHEN, frozenset(), None, ev, span, 1.0), strict=True))
                outside = [i for i in ev.matched if not span.first <= i <= span.last]
                words = min((min(abs(i - span.first), abs(i - span.last)) for i in outside), default=FAR)
                parse = min((_hops(ev.arcs, span.head, i) for i in outside), default=FAR)
                around = len([i for i in outside if span.first - WINDOW <= i <= span.last + WINDOW])
                head = ev.arcs[span.head][2]
                assert x["near_words"] == pytest.approx(1 / (1 + min(words, FAR)))
                assert x["near_parse"] == pytest.approx(1 / (1 + parse))
                assert x["words_around"] == pytest.approx(around / (1 + len(outside)))
                sibling = any(ev.arcs[i][2] == head and i != head for i in outside)
                assert x["sibling_of_match"] == float(sibling)
                checked += 1
    assert checked > 50


@pytest.mark.parametrize(("question", "noun"), [
    ("What river was Petrela located by?", "river"),
    ("What major conquest did Tancred play a roll in?", "conquest"),
    ("The Rhine and what other river drained the northern flanks of the alps?", "river"),
    ("What kind of arches does Norman architecture have?", "arches"),
    ("What is the largest city the Rhine runs through?", "city"),
    ("What's the longest river in Germany?", "river"),
    ("What was the name of Bohemond's nephew?", "nephew"),
    ("Which of the tributaries in Germany contributes most?", "tributaries"),
    ("What is the glacial alpine valley known as?", "valley"),
    ("What flows through Basel?", None),
    ("What was Eitingon accused of in October 1951?", None),
    ("What else was Eitingon tasked with?", None),
    ("What did Eitingon's team forge?", None),
])
def test_the_noun_a_question_asks_for(question, noun):
    assert classify(question).noun == noun


def test_a_candidate_that_is_a_kind_of_the_asked_noun_is_marked(engine):
    """"Mexico" is a country in WordNet, "his way" and "Mercader" are not (the real pipeline's parse)."""
    qtype, asked, noun, evidence = engine.prepare("In which country did Trotsky live in exile?")
    at = FEATURES.index("kind_of_noun")
    marked = {s.text: x[at] for _, _, s, x in engine.reader.candidates(qtype, asked, noun, evidence)}
    assert marked["Mexico"] == 1.0
    assert marked["his way"] == marked["Mercader"] == 0.0


def test_a_passage_without_a_parse_is_read_without_candidates():
    """The synthetic 100k-passage corpus of the benchmarks has no parse: matched words but no arcs."""
    bare = Evidence(1, 5.0, 1.0, TEXT, [], [], frozenset({0, 1}), TERMS, WORDS)
    assert Reader().read(WHEN, frozenset({"attack"}), None, [bare], 0.0).reason is Reason.NO_CANDIDATE
    near = Nearness.of(bare)
    assert near.words == near.tree == [] and near.before == [0] and near.parents == frozenset()


@pytest.mark.parametrize(("question", "preposition", "governor"), [
    ("What was Eitingon accused of in October 1951?", "of", "accused"),
    ("What is the Rhine delimited by?", "by", "delimited"),
    ("What did the Rhine discharge through, to the sea?", "through", "discharge"),
    ("In what country is Normandy located?", "in", None),
    ("What did Eitingon's team forge at the end of the 1920s?", None, None),
    ("Who killed Trotsky?", None, None),
])
def test_the_preposition_whose_object_a_question_asks_for(question, preposition, governor):
    q = classify(question)
    assert (q.preposition, q.governor) == (preposition, governor)


def test_the_object_of_the_stranded_preposition_is_marked(engine):
    """"accused of [what]": the object of "of" beside the matched "accused", not another preposition's."""
    qtype, asked, noun, evidence = engine.prepare("What was Eitingon accused of in October 1951?")
    assert qtype.governor == engine.question_terms("accused")[0]
    at = FEATURES.index("asked_preposition")
    marked = {s.text: x[at] for _, _, s, x in engine.reader.candidates(qtype, asked, noun, evidence)}
    assert marked["a Zionist plot"] == 1.0
    assert marked["the government"] == 0.0


def test_a_phrase_inside_a_date_counts_as_a_date_for_an_untyped_question():
    """"October" of "October 1951" is no answer to "What rank ...?" any more than the date is."""
    text = "In October 1951 he was arrested ."
    tokens = [(0, 2, "in", False), (3, 10, "October", False), (11, 15, "1951", False), (16, 18, "he", False),
              (19, 22, "be", False), (23, 31, "arrest", False), (32, 33, ".", True)]
    arcs = [("ADP", "prep", 5), ("PROPN", "pobj", 0), ("NUM", "nummod", 1), ("PRON", "nsubjpass", 5),
            ("AUX", "auxpass", 5), ("VERB", "ROOT", 5), ("PUNCT", "punct", 5)]
    terms = [None, "octob", "1951", None, None, "arrest", None]
    spans = spans_of(text, [Entity("October 1951", "DATE", 3)], tokens, arcs, [(1, 1)], terms)
    october = next(s for s in spans if s.text == "October")
    assert october.label is None and october.within == "DATE"
    ev = Evidence(1, 5.0, 1.0, text, spans, arcs, frozenset({5}), terms, tuple(text.lower().split()))
    x = dict(zip(FEATURES, features(WHAT, frozenset({"arrest"}), None, ev, october, 5.0), strict=True))
    assert x["date_untyped"] == 1.0


def test_a_name_the_passage_introduces_is_marked_for_a_question_asking_for_a_name(engine):
    """"known as Leonid ..." gives a name; "Nahum Isaakovich Eitingon" beside it is not introduced as
    one (and "Nahum Isaakovich" alone, part of the name the question gives, is no candidate)."""
    qtype, asked, noun, evidence = engine.prepare("What other name was Nahum Eitingon known by?")
    at = FEATURES.index("named_as")
    marked = {s.text: x[at] for _, _, s, x in engine.reader.candidates(qtype, asked, noun, evidence)}
    assert marked["Leonid Aleksandrovich Eitingon"] == 1.0
    assert marked["Nahum Isaakovich Eitingon"] == 0.0 and "Nahum Isaakovich" not in marked
    plain = classify("Who was Nahum Eitingon's brother?")
    x = dict(zip(FEATURES, features(plain, asked, noun, evidence[0], evidence[0].spans[0], 5.0), strict=True))
    assert x["named_as"] == 0.0


def test_a_quoted_phrase_is_introduced_as_a_name():
    text = 'The bend is the "Rhine knee" at Basel .'
    words = tuple(text.lower().split())
    tokens, at = [], 0
    for w in text.split():
        start = text.index(w, at)
        tokens.append((start, start + len(w), w, not w[0].isalnum()))
        at = start + len(w)
    quoted = text.index('"Rhine')
    span = replace(spans_of(text, [Entity('"Rhine knee"', "WORK_OF_ART", quoted)], tokens,
                            [("X", "dep", 0)] * len(tokens), [], [None] * len(tokens))[0])
    ev = Evidence(1, 5.0, 1.0, text, [span], [("X", "dep", 0)] * len(tokens), frozenset({1}),
                  [None] * len(tokens), words)
    called = classify("What is the bend called?")
    x = dict(zip(FEATURES, features(called, frozenset(), None, ev, span, 5.0), strict=True))
    assert x["named_as"] == 1.0


def test_a_name_in_apposition_to_the_subject_is_its_doer(engine):
    """"the head of ... services Lavrentiy Beria issued an order": Beria does what the head does."""
    qtype, asked, noun, evidence = engine.prepare("Who ordered the release of the accused Zionist plotters?")
    spans = {s.text: s for ev in evidence for s in ev.spans}
    assert spans["Lavrentiy Beria"].doer and not spans["Stalin"].doer


def test_a_first_name_running_on_into_the_asked_name_is_not_an_answer(engine):
    """"Gen Pavel Sudoplatov, who was Leonid Eitingon′s close friend": the recogniser splits "Leonid"
    off the name the question gives; that part names the one asked about, not his friend."""
    qtype, asked, noun, evidence = engine.prepare("Who was Eitingon's close friend in Soviet intelligence?")
    ranked = engine.reader.candidates(qtype, asked, noun, evidence)
    assert "Leonid" in {s.text for s in evidence[0].spans}
    assert "Leonid" not in {s.text for _, ev, s, _ in ranked if ev.rank == 1}
    assert ranked[0][2].text == "Gen Pavel Sudoplatov"


def _reading(tmp_path, text: str, question: str):
    """The reader's candidates for a question over a one-article corpus, parsed by the real pipeline."""
    from qa.engine import Engine

    (tmp_path / "probe.txt").write_text(f"Probe\n\n{text}\n", encoding="utf-8")
    engine = Engine.from_corpus(tmp_path)
    qtype, asked, noun, evidence = engine.prepare(question)
    return evidence, engine.reader.candidates(qtype, asked, noun, evidence)


def test_a_phrase_is_also_a_candidate_without_the_question_s_words_at_its_edges(tmp_path):
    """"silver chains" for "What were the chains made of?": the chains are given, "silver" answers."""
    evidence, ranked = _reading(tmp_path, "The prisoner was confined with silver chains in the tower.",
                                "What were the prisoner's chains made of?")
    texts = [s.text for _, _, s, _ in ranked]
    assert "silver chains" in texts and "silver" in texts
    assert "silver" not in {s.text for ev in evidence for s in ev.spans}  # the reader's, per question
    assert "the tower" in texts and "tower" not in texts  # nothing asked at its edges, nothing cut


def test_a_candidate_listed_with_a_matched_word_counts_when_the_question_asks_for_another(tmp_path):
    """"Besides viniculture, what ...?" names one item of "viniculture and tourism" and wants the other."""
    text = "The dominant economic sectors in the valley are viniculture and tourism."
    at = FEATURES.index("conjunct_of_match")
    question = "Besides viniculture, what is a dominant economic sector of the valley?"
    _, ranked = _reading(tmp_path, text, question)
    marked = {s.text: x[at] for _, _, s, x in ranked}
    assert marked["tourism"] == 1.0 and set(marked.values()) == {0.0, 1.0}
    assert ranked[0][2].text == "tourism"
    _, plain = _reading(tmp_path, text, "What is a dominant economic sector of the valley?")
    assert {s.text: x[at] for _, _, s, x in plain}["tourism"] == 0.0


def test_the_phrase_terms_kept_per_passage_are_what_a_scan_of_its_phrases_finds(engine):
    from qa.answering.reader import _terms_at

    seen = 0
    for question in ("Who killed Trotsky?", "What weapon was Trotsky murdered with?",
                     "Where was Eitingon born?", "When did Stalin die?"):
        _, _, _, evidence = engine.prepare(question)
        for ev in evidence:
            assert ev.phrase_terms is not None
            scanned = replace(ev, phrase_terms=None)
            for i in range(len(ev.tokens)):
                assert _terms_at(ev, i) == _terms_at(scanned, i)
                seen += bool(_terms_at(ev, i))
    assert seen > 50


@pytest.mark.parametrize(("text", "question", "part", "whole"), [
    ("The river changes its name at Wijk bij Duurstede and flows on to the sea as the Lek.",
     "Where does the river change its name?", "Wijk", "Wijk bij Duurstede"),
    ("The gorge between Rüdesheim am Rhein and Koblenz is listed as a heritage site.",
     "The gorge is between Koblenz and what other town?", "Rhein", "Rüdesheim am Rhein"),
])
def test_a_name_cut_at_its_particle_is_answered_whole(tmp_path, text, question, part, whole):
    """The recogniser ends "Wijk bij Duurstede" at "bij": the best candidate is the part, the answer all."""
    _, ranked = _reading(tmp_path, text, question)
    assert ranked[0][2].text == part
    from qa.engine import Engine

    assert Engine.from_corpus(tmp_path).ask(question, min_confidence=0.0).answer.text == whole


def test_a_byname_is_joined_only_where_the_parse_joins_it(tmp_path):
    """"Edward the Confessor" is one name; "gave Rollo the Duchy" gives two objects of one verb."""
    from qa.answering.particles import whole_name

    evidence, _ = _reading(tmp_path, "In 911 the king gave Rollo the Duchy. England was later ruled by "
                                     "Edward the Confessor.", "Who was given the Duchy and ruled England?")
    for word, words in (("rollo", 0), ("edward", 2)):
        ev = next(e for e in evidence if word in e.words)
        at = ev.words.index(word)
        assert whole_name(ev.words, ev.text, ev.tokens, ev.arcs, at, at) == (at, at + words)


def test_a_lone_proper_noun_is_widened_to_the_run_of_proper_nouns_it_stands_in(tmp_path):
    """"Rhein" of "the Alter Rhein" is one word of a name; "Rollo" beside "911" is a name of its own."""
    from qa.answering.particles import whole_name

    evidence, _ = _reading(tmp_path, "In 911 Rollo signed a treaty with King Charles III. The delta is "
                                     "delimited in the west by the Alter Rhein.",
                           "Who signed a treaty, and what delimits the delta in the west?")
    assert "Rhein" in {s.text for ev in evidence for s in ev.spans}  # the recogniser's cut
    names = {"iii": ["king", "charles", "iii"], "rhein": ["alter", "rhein"], "rollo": ["rollo"]}
    for word, name in names.items():
        ev = next(e for e in evidence if word in e.words)
        at = ev.words.index(word)
        first, last = whole_name(ev.words, ev.text, ev.tokens, ev.arcs, at, at)
        assert list(ev.words[first:last + 1]) == name


def test_a_number_is_answered_with_the_unit_it_counts(tmp_path):
    """The recogniser gives "400" of "400 m" as the number: the answer is "400 m", a count of people
    stays a number alone (the unit is a noun WordNet classes as a quantity; "people" is not one)."""
    from qa.answering.extent import answer_extent

    evidence, ranked = _reading(tmp_path, "The river has an average width of 400 m near the border. "
                                          "The town had 400 people in 1900.",
                                "How wide is the river near the border, and how many people lived there?")
    given = {}
    for ev in evidence:
        for span in ev.spans:
            if span.label == "CARDINAL" and span.text == "400":
                start, end = answer_extent(ev, span)
                given[ev.text[span.end:span.end + 3]] = ev.text[start:end]
    assert given == {" m ": "400 m", " pe": "400"}


def test_a_number_the_tokeniser_left_out_of_a_date_is_given_with_it(tmp_path):
    """spaCy tokenises "~11,700" as punctuation and the recogniser's date is "years ago": the answer
    takes the number back, as the parse hangs it on the date."""
    from qa.answering.extent import answer_extent

    evidence, _ = _reading(tmp_path, "At the begin of the Holocene (~11,700 years ago), the river occupied "
                                     "its valley.", "When did the river occupy its valley?")
    dates = [(ev, s) for ev in evidence for s in ev.spans if s.label == "DATE"]
    assert [s.text for _, s in dates] == ["years ago"]
    ev, span = dates[0]
    start, end = answer_extent(ev, span)
    assert ev.text[start:end] == "~11,700 years ago"


def test_a_phrase_is_answered_without_its_possessive_or_demonstrative_determiner(tmp_path):
    """"its Late-Glacial valley" is answered "Late-Glacial valley", as "the valley" would be "valley" in
    SQuAD's scoring; a name keeps every word the recogniser gave it."""
    from qa.answering.extent import answer_extent

    evidence, ranked = _reading(tmp_path, "During the Holocene the river occupied its Late-Glacial valley.",
                                "Where did the river flow during the Holocene?")
    given = {ev.text[s.start:s.end]: ev.text[slice(*answer_extent(ev, s))] for _, ev, s, _ in ranked}
    assert given["its Late-Glacial valley"] == "Late-Glacial valley"
    assert all(given[t] == t for t in given if not t.startswith("its "))


@pytest.mark.parametrize(("text", "question", "phrase", "answer"), [
    ("The river flows around the famous rock Lorelei.", "What is the famous rock called that the river "
     "flows around?", "the famous rock Lorelei", "Lorelei"),
    ("The monks were known for the tradition of singing.", "What tradition were the monks known for?",
     "the tradition of singing", "singing"),
    ("The monks founded a Latin monastery.", "What monastery did the monks found?", "a Latin monastery",
     "a Latin monastery"),
])
def test_a_phrase_is_answered_past_the_question_s_words_before_the_name_it_gives(tmp_path, text, question,
                                                                                   phrase, answer):
    """The question gives the kind ("the famous rock", "the tradition of"), the rest names it; a kind
    the question gives after the answer's words stays ("a Latin monastery", not "Latin")."""
    from qa.answering.extent import answer_extent
    from qa.engine import Engine

    (tmp_path / "probe.txt").write_text(f"Probe\n\n{text}\n", encoding="utf-8")
    engine = Engine.from_corpus(tmp_path)
    _, asked, _, evidence = engine.prepare(question)
    span = next(s for s in evidence[0].spans if s.text == phrase)
    assert evidence[0].text[slice(*answer_extent(evidence[0], span, asked))] == answer


def test_an_answer_never_opens_a_quotation_or_a_bracket_it_does_not_close(tmp_path):
    """The parse's phrases may end inside a quotation or a bracket ('Viking"', "geography (1st century"):
    the answer given leaves the stray mark out, or stops before the bracket."""
    from qa.answering.extent import answer_extent

    evidence, _ = _reading(tmp_path, "It was adapted in Roman-era geography (1st century BC) as Rhenus, "
                                     "to mean \"Norseman, Viking\". The aim was \"natural borders\" on the "
                                     "river.",
                           "How was it adapted, and what was the aim on the river?")

    def balanced(text: str) -> bool:
        return text.count('"') % 2 == 0 and text.count("(") == text.count(")")

    spans = [(ev, s) for ev in evidence for s in ev.spans + ev.reasons + ev.manners]
    assert any(not balanced(s.text) for _, s in spans)
    assert all(balanced(ev.text[slice(*answer_extent(ev, s))]) for ev, s in spans)
    given = {s.text: ev.text[slice(*answer_extent(ev, s))] for ev, s in spans}
    assert given['to mean "Norseman'] == 'to mean "Norseman, Viking"'  # on to the mark that closes it
