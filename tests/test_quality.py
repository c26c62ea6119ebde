"""The quality gate: answer quality on the sample questions never drops below what was measured.

The floors are the figures the default engine reached when the gate was written, rounded down to
three decimals (false abstention, where lower is better, rounded up). Raise them when the engine
improves; do not loosen them without a reason in the commit message.
"""

from __future__ import annotations

import pytest

from qa.evaluate import FIGURES, engine_ask, evaluate
from qa.questions import load_questions, question_files

from .conftest import ROOT

SETS = {"article": ROOT / "corpus", "marie_curie": ROOT / "corpus" / "generalisation"}

# Raised after the engine improved (answer types from the first wh-word, BM25 k1=1.2/b=0.5):
# 100 Eitingon questions, 52 Marie Curie questions.
FLOORS = {
    "article": {"hit1": 0.709, "hit3": 0.802, "hit5": 0.848, "mrr": 0.761, "em": 0.418,
                "f1": 0.424, "abstention": 0.928},
    "marie_curie": {"hit1": 0.688, "hit3": 0.711, "hit5": 0.777, "mrr": 0.717, "em": 0.311,
                    "f1": 0.333, "abstention": 0.857},
}
CEILINGS = {
    "article": {"false_abstention": 0.454},
    "marie_curie": {"false_abstention": 0.600},
}


@pytest.fixture(scope="session")
def curie_engine():
    """The engine over the second, held-out article."""
    from qa.engine import Engine

    return Engine.from_corpus(SETS["marie_curie"])


@pytest.fixture(scope="session")
def summaries(engine, curie_engine):
    """The evaluation summary of each question set, computed once per session."""
    engines = {"article": engine, "marie_curie": curie_engine}
    return {name: evaluate(engine_ask(engines[name]),
                           load_questions(question_files(corpus))).summary
            for name, corpus in SETS.items()}


@pytest.mark.parametrize(("name", "figure", "floor"),
                         [(n, f, v) for n, floors in FLOORS.items() for f, v in floors.items()])
def test_figure_stays_at_or_above_its_floor(summaries, name, figure, floor):
    value = summaries[name][figure]
    assert value >= floor, (f"{FIGURES[figure][0]} on the {name} questions fell to {value:.3f}, "
                            f"below the gate {floor:.3f}: run `qa eval` and read the failures.")


@pytest.mark.parametrize(("name", "figure", "ceiling"),
                         [(n, f, v) for n, cs in CEILINGS.items() for f, v in cs.items()])
def test_figure_stays_at_or_below_its_ceiling(summaries, name, figure, ceiling):
    value = summaries[name][figure]
    assert value <= ceiling, (f"{FIGURES[figure][0]} on the {name} questions rose to {value:.3f}, "
                              f"above the gate {ceiling:.3f}: run `qa eval` and read the failures.")

