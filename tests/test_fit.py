"""The reader's model file is what ``python -m qa.evaluation.fit`` makes of the SQuAD development articles."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qa.answering.reader import MODEL_FILE
from qa.evaluation import fit


def test_logistic_regression_recovers_a_known_weight():
    rng = np.random.default_rng(0)
    x = np.column_stack([np.ones(4000), rng.normal(size=4000)])
    y = (rng.random(4000) < 1 / (1 + np.exp(-(0.5 + 2.0 * x[:, 1])))).astype(float)
    w = fit.logistic(x, y, l2=0.0)
    assert w == pytest.approx([0.5, 2.0], abs=0.2)


def test_the_threshold_maximises_squad_f1():
    # two right answers at 0.9 and 0.6, a wrong one at 0.7 on an unanswerable question
    assert fit.best_threshold([0.9, 0.7, 0.6], [1.0, 0.0, 1.0], [True, False, True]) == 0.6
    assert fit.best_threshold([0.9, 0.7], [1.0, 0.0], [True, False]) == 0.9


@pytest.mark.slow
def test_the_model_file_is_reproduced_by_the_fit_script():
    engine, questions = fit.build()
    made = fit.fit(engine, questions)
    kept = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert made["threshold"] == pytest.approx(kept["threshold"], abs=1e-3)
    for part in ("weights", "calibration"):
        assert made[part].keys() == kept[part].keys()
        for name, value in made[part].items():
            assert value == pytest.approx(kept[part][name], abs=1e-3), f"{part}.{name}"
