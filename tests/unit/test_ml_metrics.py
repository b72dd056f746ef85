"""Metrics and intervals used in every report."""

import numpy as np
import pytest

from pinkbreast.ml.metrics import (
    confusion,
    corrected_interval,
    threshold_metrics,
    zone_metrics,
)


def test_confusion_uses_malignant_as_positive():
    y = np.array([1, 1, 1, 0, 0])
    pred = np.array([1, 0, 1, 0, 1])
    assert confusion(y, pred) == (1, 1, 1, 2)
    metrics = threshold_metrics(y, pred)
    assert metrics["sensitivity"] == pytest.approx(2 / 3)
    assert metrics["specificity"] == pytest.approx(1 / 2)
    assert metrics["precision"] == pytest.approx(2 / 3)


def test_corrected_interval_is_wider_than_naive_and_clipped():
    values = [0.95, 0.97, 0.99, 0.96, 0.98] * 10
    mean, low, high = corrected_interval(values, test_train_ratio=0.25)
    naive = 2.01 * np.std(values, ddof=1) / np.sqrt(len(values))
    assert mean == pytest.approx(np.mean(values))
    assert (high - low) / 2 > 3 * naive
    assert high <= 1.0
    assert corrected_interval([0.999, 1.0, 1.0, 0.99], 0.25)[2] == 1.0


def test_zone_metrics_count_only_definite_calls():
    y = np.array([1, 1, 0, 0, 1])
    zone = np.array(["malignant", "indeterminate", "benign", "malignant", "benign"])
    out = zone_metrics(y, zone)
    assert out["indeterminate_share"] == pytest.approx(0.2)
    assert out["definite_sensitivity"] == pytest.approx(0.5)
    assert out["definite_specificity"] == pytest.approx(0.5)
