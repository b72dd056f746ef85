"""Operating point, band and calibration: the arithmetic the served zones rely on."""

import math

import numpy as np
import pytest

from pinkbreast.ml.operating import (
    BENIGN,
    INDETERMINATE,
    MALIGNANT,
    OperatingPoint,
    choose_operating_point,
    conformal_cut,
    fit_platt,
    labels,
    zones,
)


def _scores(seed=0, n=400):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.4).astype(int)
    p = np.clip(rng.normal(0.25 + 0.5 * y, 0.18), 0, 1)
    return p, y


@pytest.mark.parametrize("target", [0.9, 0.95, 0.98])
def test_threshold_reaches_target_sensitivity_on_its_own_data(target):
    """Fewer than floor((n+1)(1-target)) malignant scores fall below the threshold."""
    p, y = _scores()
    point = choose_operating_point(p, y, target_sensitivity=target, coverage=0.99)
    malignant = p[y == 1]
    assert np.sum(malignant < point.threshold) < math.floor((len(malignant) + 1) * (1 - target))
    assert np.mean(labels(malignant, point)) >= target


def test_conformal_cut_is_the_floor_n_plus_1_order_statistic():
    """n = 99 scores 1..99, miss 0.05: k = floor(100 * 0.05) = 5, so the 5th smallest (5.0);
    a new exchangeable score lands below it with probability at most 5/100."""
    scores = np.arange(1.0, 100.0)
    assert conformal_cut(scores, 0.05) == 5.0
    assert conformal_cut(scores, 0.0499) == 4.0  # floor(4.99) = 4
    # n = 170, miss 0.02: floor(171 * 0.02) = 3 -> the 3rd smallest, not the 4th
    assert conformal_cut(np.arange(170.0), 0.02) == 2.0
    # too few scores to promise anything: no cut keeps the promise
    assert conformal_cut(np.arange(50.0), 0.01) == -math.inf


def test_conformal_cut_keeps_its_promise_on_fresh_exchangeable_scores():
    """Over many draws, a new score falls below the cut at most ``miss`` of the time."""
    rng = np.random.default_rng(5)
    n, miss, trials = 170, 0.02, 20000
    calibration = rng.random((trials, n))
    new = rng.random(trials)
    cuts = np.sort(calibration, axis=1)[:, math.floor((n + 1) * miss) - 1]
    assert all(conformal_cut(calibration[i], miss) == cuts[i] for i in range(20))
    rate = np.mean(new < cuts)
    assert rate <= miss + 3 * math.sqrt(miss / trials)
    assert rate == pytest.approx(3 / 171, abs=0.004)


def test_no_benign_zone_when_the_cut_cannot_promise_coverage():
    p, y = _scores(6, n=120)
    point = choose_operating_point(p, y, target_sensitivity=0.95, coverage=0.995)
    assert point.lower == 0.0 and not np.any(zones(p, point) == BENIGN)


def test_benign_coverage_tightens_only_the_benign_zone():
    p, y = _scores(7)
    same = choose_operating_point(p, y, target_sensitivity=0.95, coverage=0.95)
    strict = choose_operating_point(
        p, y, target_sensitivity=0.95, coverage=0.95, benign_coverage=0.99
    )
    assert strict.lower < same.lower and strict.upper == same.upper


def test_band_contains_threshold_and_zones_never_contradict_label():
    p, y = _scores(1)
    point = choose_operating_point(p, y, target_sensitivity=0.98, coverage=0.95)
    assert point.lower <= point.threshold <= point.upper
    grid = np.linspace(0, 1, 1001)
    zone, label = zones(grid, point), labels(grid, point)
    assert set(zone) == {BENIGN, INDETERMINATE, MALIGNANT}
    assert np.all(label[zone == BENIGN] == 0)
    assert np.all(label[zone == MALIGNANT] == 1)


def test_higher_coverage_widens_the_band():
    p, y = _scores(2)
    narrow = choose_operating_point(p, y, target_sensitivity=0.95, coverage=0.9)
    wide = choose_operating_point(p, y, target_sensitivity=0.95, coverage=0.99)
    assert wide.lower <= narrow.lower and wide.upper >= narrow.upper
    assert np.mean(zones(p, wide) == INDETERMINATE) > np.mean(zones(p, narrow) == INDETERMINATE)


def test_platt_is_increasing_and_keeps_labels_when_mapped():
    p, y = _scores(3)
    platt = fit_platt(p, y)
    assert platt.slope > 0
    grid = np.linspace(0.001, 0.999, 200)
    assert np.all(np.diff(platt(grid)) > 0)
    point = OperatingPoint(0.3, 0.2, 0.6)
    assert np.array_equal(labels(p, point), labels(platt(p), point.mapped(platt)))


def test_platt_improves_brier_of_miscalibrated_scores():
    rng = np.random.default_rng(4)
    truth = rng.random(2000)
    y = (rng.random(2000) < truth).astype(int)
    squashed = 0.5 + (truth - 0.5) * 0.4  # under-confident scores
    calibrated = fit_platt(squashed, y)(squashed)
    assert np.mean((calibrated - y) ** 2) < np.mean((squashed - y) ** 2) - 0.01
