"""Site validation figures: exact intervals, AUC, referred share, cases needed, the verdict."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest
from sklearn.metrics import roc_auc_score

from pinkbreast.ml import site_validation as sv
from pinkbreast.ml.metrics import clopper_pearson


def test_auc_by_ranks_matches_scikit_learn():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 200)
    p = np.round(rng.random(200), 1)  # ties
    assert sv.auc(y, p) == pytest.approx(roc_auc_score(y, p))


def test_group_figures_count_check_input_as_not_called_and_referred():
    y = np.array([1, 1, 1, 1, 0, 0, 0])
    called = np.array([True, True, False, False, False, False, True])
    zone = np.array(
        ["malignant", "indeterminate", "benign", "check_input", "benign", "benign", "malignant"]
    )
    p = np.array([0.9, 0.5, 0.1, 0.5, 0.1, 0.2, 0.8])

    figures = sv.group_figures("all", y, p, called, zone)

    assert (figures.sensitivity.count, figures.sensitivity.n) == (2, 4)
    expected = binomtest(2, 4).proportion_ci(method="exact")
    assert figures.sensitivity.low == pytest.approx(expected.low)
    assert (figures.specificity.count, figures.specificity.n) == (2, 3)
    assert (figures.referred.count, figures.referred.n) == (2, 7)
    assert figures.reliability["count"].sum() == 7
    assert not figures.conclusive


def test_cases_for_width_is_the_smallest_n():
    n = sv.cases_for_width(0.9, 0.1)
    low, high = clopper_pearson(0.9 * n, n)
    before = clopper_pearson(0.9 * (n - 1), n - 1)
    assert high - low <= 0.1 < before[1] - before[0]


def test_many_cases_are_conclusive_and_need_none():
    rng = np.random.default_rng(0)
    y = np.r_[np.ones(400), np.zeros(400)].astype(int)
    called = np.r_[rng.random(400) < 0.95, rng.random(400) < 0.1]
    p = np.where(called, 0.8, 0.2)
    figures = sv.group_figures("all", y, p, called, np.where(called, "malignant", "benign"))
    assert figures.conclusive
    assert figures.needed_malignant == figures.needed_benign == 0


def test_validate_groups_by_origin_and_quarter():
    frame = pd.DataFrame(
        {
            "diagnosis": ["M", "B", "M", "B"],
            "origin": ["typed", "typed", "image", "image"],
            "predicted_on": pd.to_datetime(
                ["2026-01-10", "2026-02-10", "2026-11-01", "2026-12-01"], utc=True
            ),
        }
    )
    label = np.array(["malignant", "benign", "benign", "benign"], dtype=object)
    result = sv.validate("3", frame, np.array([0.9, 0.1, 0.2, 0.1]), label, label)
    assert [g.name for g in result.by_origin] == ["image", "typed"]
    assert [g.name for g in result.by_period] == ["2026-Q1", "2026-Q4"]
    assert result.by_origin[0].sensitivity.value == 0.0
    assert result.overall.sensitivity.value == 0.5
