"""The reader's model file is what ``python -m qa.evaluation.fit`` makes of the SQuAD development articles."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qa.answering.reader import CONFIDENCE_FEATURES, MODEL_FILE, sigmoid
from qa.evaluation import fit


def test_logistic_regression_recovers_a_known_weight():
    rng = np.random.default_rng(0)
    x = np.column_stack([np.ones(4000), rng.normal(size=4000)])
    y = (rng.random(4000) < 1 / (1 + np.exp(-(0.5 + 2.0 * x[:, 1])))).astype(float)
    w = fit.logistic(x, y, l2=0.0)
    assert w == pytest.approx([0.5, 2.0], abs=0.2)


def test_the_conditional_logit_recovers_a_known_weight():
    rng = np.random.default_rng(0)
    groups = []
    for _ in range(2000):
        x = rng.normal(size=(10, 2))
        p = np.exp(x @ [1.5, -0.5])
        groups.append((x, int(rng.choice(10, p=p / p.sum()))))
    assert fit.conditional_logit(groups, l2=0.0) == pytest.approx([1.5, -0.5], abs=0.1)


def test_the_conditional_logit_does_not_overshoot_from_zero():
    """The right candidate alone holds the feature in every group: its weight is large and positive.
    Plain Newton steps from zero overshoot here and end near 0 (0.013)."""
    rng = np.random.default_rng(0)
    groups = []
    for _ in range(50):
        x = np.zeros((20, 1))
        right = int(rng.integers(20))
        x[right, 0] = 1.0
        groups.append((x + rng.normal(size=(20, 1)) * 0.01, right))
    [w] = fit.conditional_logit(groups)
    assert w > 4.0


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
    for part in ("weights", "calibration", "platt"):
        assert made[part].keys() == kept[part].keys()
        for name, value in made[part].items():
            assert value == pytest.approx(kept[part][name], abs=1e-3), f"{part}.{name}"


@pytest.mark.slow
def test_the_held_out_figure_scores_each_article_with_a_reader_fitted_on_the_other_only(capsys):
    engine, questions = fit.build()
    fitted = engine.reader
    figures = fit.held_out(engine, questions)
    assert engine.reader is fitted
    assert figures["total"] == len(questions) == 706
    # fitted on one article, the reader scores a little above what answering nothing does (50.8
    # against 45.3 since phrases are trimmed of the question's words and listed items count)
    assert 45.3 < figures["f1"] < 60.0 and figures["answer_nothing"] == pytest.approx(45.3, abs=0.1)
    # each fold's threshold is its own fit's; a threshold only withholds the best candidate, so the
    # answers right above it are among those right whatever it is (196 of 386)
    assert figures["thresholds"].keys() == {"normans", "rhine"}
    assert all(0.0 < t < 1.0 for t in figures["thresholds"].values())
    answerable = sum(q.answerable for q in questions)
    assert figures["HasAns_exact"] / 100 * answerable <= figures["top_right"] < answerable
    fit.main(["--held-out"])
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"f1 {figures['f1']:.1f} ")
    thresholds = " ".join(f"{d} {t:.3f}" for d, t in figures["thresholds"].items())
    assert out[1] == f"thresholds {thresholds} top_right {figures['top_right']} of {answerable} answerable"


def test_the_fit_command_rejects_an_unknown_option_before_it_builds_anything(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stop:
        fit.main(["--heldout"])
    assert stop.value.code == 2 and "unrecognized arguments: --heldout" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        fit.main(["--help"])
    assert stop.value.code == 0 and "--held-out" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []


def test_platt_scaling_fits_the_answers_given_and_keeps_which_they_are():
    """Answers given at 0.3-0.5 that are right 80% of the time get a confidence near 0.8, and the
    threshold moves with them, so exactly the same questions are answered."""
    rng = np.random.default_rng(0)
    z = rng.uniform(-1.0, 0.0, 400)  # log-odds: probabilities 0.27-0.5
    tops = np.column_stack([np.ones_like(z), z, np.zeros((len(z), len(CONFIDENCE_FEATURES) - 2))])
    labels = (rng.uniform(size=len(z)) < 0.8).astype(float)
    calibration = dict.fromkeys(CONFIDENCE_FEATURES, 0.0) | {CONFIDENCE_FEATURES[1]: 1.0}
    threshold = 0.4
    given = [k for k in range(len(z)) if sigmoid(z[k]) >= threshold]
    platt, moved = fit.recalibrated(calibration, threshold, tops, labels, given)
    shown = [sigmoid(platt["scale"] * z[k] + platt["shift"]) for k in range(len(z))]
    assert abs(np.mean([shown[k] for k in given]) - labels[given].mean()) < 0.02
    assert [k for k in range(len(z)) if shown[k] >= moved] == given
