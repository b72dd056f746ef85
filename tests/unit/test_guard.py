"""The input guard: impossible values named, about 1% of reference cases tripping it out of
fold, and none of the usual input mistakes getting past it."""

from __future__ import annotations

import numpy as np
import pytest

from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml.data import load_reference
from pinkbreast.ml.fastpath.guard import CHECK_INPUT, Guard, ImpossibleValues, guarded_zones
from pinkbreast.ml.guard_fit import TRIP_RATE, fit_guard, limits_only, out_of_fold_distances
from tests.perturbations import all_mistakes, as_matrix, features


@pytest.fixture(scope="module")
def reference():
    frame = load_reference()
    return as_matrix(features(frame)), frame["diagnosis"].to_numpy(), frame


@pytest.fixture(scope="module")
def guard(reference):
    X, y, _ = reference
    return fit_guard(X, y, seed=7)


def test_about_one_percent_of_reference_cases_trip_it_out_of_fold(reference, guard):
    X, y, _ = reference
    # fresh folds (another seed than the fit's): the rate a new sample like them would meet
    oof = out_of_fold_distances(X, y, seed=2026, repeats=5)
    rate = float(np.mean(oof > guard.cut))
    assert 0.003 <= rate <= 0.025, rate
    assert guard.trip_rate == pytest.approx(TRIP_RATE, abs=0.005)
    # in sample the guard is more lenient than out of fold, never stricter
    assert np.mean(guard.distance(X) > guard.cut) <= rate


@pytest.mark.parametrize("mistake", ["rescaled to 0-1", "z-scores", "x10", "two fields swapped"])
def test_every_case_with_an_input_mistake_is_refused_or_unusual(reference, guard, mistake):
    _, _, frame = reference
    X = as_matrix(all_mistakes(frame)[mistake])
    impossible = ((X > guard.hard_max) | ((X == 0) & guard.positive)).any(axis=1)
    if impossible.any():
        with pytest.raises(ImpossibleValues):
            guard.assess(X[impossible])
    possible = X[~impossible]
    assert guard.assess(possible).unusual.all()
    assert len(possible) + impossible.sum() == 569


def test_a_single_value_far_outside_the_range_is_unusual(reference, guard):
    X, y, _ = reference
    benign = X[np.flatnonzero(y == "B")[0]].copy()
    assert not guard.assess(benign[None, :]).unusual[0]
    benign[FEATURE_NAMES.index("radius_mean")] = 40.0  # reference maximum 28.11
    assessment = guard.assess(benign[None, :])
    assert assessment.unusual[0]
    assert assessment.distance[0] > guard.cut


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (np.nan, "missing or not a number"),
        (np.inf, "expected a finite number, got infinity"),
        (-5.0, "expected a value >= 0, got -5"),
        (1e6, r"expected a value <= 100, got 1e\+06"),
    ],
)
def test_impossible_values_are_refused_with_row_and_feature(guard, value, message):
    X = np.full((3, 30), 0.1)
    X[2, 0] = value
    with pytest.raises(ImpossibleValues, match=f"row 2, radius_mean: {message}"):
        guard.assess(X)


def test_unusual_rows_lose_their_label_and_zone(guard, reference):
    X, _, _ = reference
    rows = np.vstack([X[:1], X[:1] * 3])
    assessment = guard.assess(rows)
    label, zone = guarded_zones(
        np.array(["benign", "malignant"]), np.array(["benign", "malignant"]), assessment
    )
    assert label.tolist() == ["benign", None]
    assert zone.tolist() == ["benign", CHECK_INPUT]


def test_the_stored_guard_is_the_same_guard(tmp_path, guard, reference):
    X, _, _ = reference
    guard.save(tmp_path / "guard.json")
    loaded = Guard.load(tmp_path / "guard.json")
    assert np.array_equal(loaded.distance(X), guard.distance(X))
    assert loaded.cut == guard.cut


def test_without_a_fit_only_limits_and_ranges_apply(reference):
    X, _, frame = reference
    guard = limits_only()
    assert np.isnan(guard.assess(X).distance).all()
    assert not guard.assess(X).unusual.any()
    scaled = as_matrix(all_mistakes(frame)["rescaled to 0-1"])
    assert guard.assess(scaled[(scaled > 0).all(axis=1)]).unusual.all()


def test_a_zero_size_is_impossible_but_a_zero_standard_error_is_not(guard, reference):
    X, _, _ = reference
    row = X[:1].copy()
    row[0, FEATURE_NAMES.index("radius_se")] = 0.0
    guard.assess(row)  # accepted
    row[0, FEATURE_NAMES.index("area_worst")] = 0.0
    with pytest.raises(ImpossibleValues, match=r"row 0, area_worst: expected a value > 0"):
        guard.assess(row)


def test_the_cause_of_extreme_values_is_found_without_failing(guard):
    from pinkbreast.ml.unusual import diagnose

    tiny = np.full(30, 5e-324)  # rescaling it underflows to 0, an impossible size
    tiny[FEATURE_NAMES.index("area_mean")] = 2000.0
    assert diagnose(guard, tiny).cause == "unknown"
    assert diagnose(guard, np.zeros(30) + 1e-300).cause in {"unknown", "rescaled", "standardised"}
