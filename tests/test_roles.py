"""The wh-word's part in a passage, on hand-built dependency arcs (no pipeline load)."""

from __future__ import annotations

import pytest

from qa.answering.answer import COPULA_FORM, OBJECT_FORM, SUBJECT_FORM
from qa.answering.roles import asked_other_part, fills_asked_role, role

# "Mercader attacked and fatally wounded Trotsky": coordinated verbs share the subject
ACTIVE = [("PROPN", "nsubj", 1), ("VERB", "ROOT", 1), ("CCONJ", "cc", 1), ("ADV", "advmod", 4),
          ("VERB", "conj", 1), ("PROPN", "dobj", 4)]
# "Trotsky was killed by Mercader": the passive's "by" phrase is its doer
PASSIVE = [("PROPN", "nsubjpass", 2), ("AUX", "auxpass", 2), ("VERB", "ROOT", 2), ("ADP", "agent", 2),
           ("PROPN", "pobj", 3)]
# "Sofia , a doctor , was arrested": an apposition names what Sofia is
APPOSED = [("PROPN", "nsubjpass", 6), ("PUNCT", "punct", 0), ("DET", "det", 3), ("NOUN", "appos", 0),
           ("PUNCT", "punct", 0), ("AUX", "auxpass", 6), ("VERB", "ROOT", 6)]


@pytest.mark.parametrize(("arcs", "token", "part"), [
    (ACTIVE, 0, ("subject", 1)), (ACTIVE, 5, ("object", 1)), (ACTIVE, 3, None),
    (PASSIVE, 4, ("subject", 2)), (PASSIVE, 0, ("object", 2)),
])
def test_the_part_a_token_plays_in_its_clause(arcs, token, part):
    assert role(arcs, token) == part


@pytest.mark.parametrize(("form", "arcs", "head", "matched", "fills"), [
    (SUBJECT_FORM, ACTIVE, 0, {5}, True),  # Who wounded Trotsky? -> Mercader
    (SUBJECT_FORM, ACTIVE, 5, {0}, False),  # Trotsky is the object, not the doer
    (OBJECT_FORM, ACTIVE, 5, {0}, True),  # Whom did Mercader wound? -> Trotsky
    (SUBJECT_FORM, PASSIVE, 4, {0}, True),  # Who killed Trotsky? -> by Mercader
    (OBJECT_FORM, PASSIVE, 4, {0}, False),
    (COPULA_FORM, APPOSED, 3, {0}, True),  # Who was Sofia? -> a doctor
    (None, ACTIVE, 0, {5}, False),
])
def test_a_candidate_fills_the_part_the_question_asks_about(form, arcs, head, matched, fills):
    assert fills_asked_role(form, arcs, head, matched) is fills


# "They replaced the religion and Old Norse language": "Old Norse" is part of the object's conjunct
REPLACED = [("PRON", "nsubj", 1), ("VERB", "ROOT", 1), ("DET", "det", 3), ("NOUN", "dobj", 1),
            ("CCONJ", "cc", 3), ("PROPN", "compound", 6), ("PROPN", "compound", 7), ("NOUN", "conj", 3)]


@pytest.mark.parametrize(("head", "verb"), [(6, 1), (7, 1), (3, 1), (0, None)])
def test_a_part_of_the_matched_verbs_object_is_not_the_subject_a_question_asks(head, verb):
    assert asked_other_part(SUBJECT_FORM, REPLACED, head, {1}) == verb
