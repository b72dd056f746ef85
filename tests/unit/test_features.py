"""The feature schema is the one source of truth: names, spellings, labels and limits."""

import math

import pytest
from sklearn.datasets import load_breast_cancer

from pinkbreast.features import (
    BY_NAME,
    FEATURE_NAMES,
    FEATURES,
    canonical_name,
    out_of_reference,
    value_problem,
)

KAGGLE_HEADER = (
    "radius_mean,texture_mean,perimeter_mean,area_mean,smoothness_mean,compactness_mean,"
    "concavity_mean,concave points_mean,symmetry_mean,fractal_dimension_mean,radius_se,"
    "texture_se,perimeter_se,area_se,smoothness_se,compactness_se,concavity_se,"
    "concave points_se,symmetry_se,fractal_dimension_se,radius_worst,texture_worst,"
    "perimeter_worst,area_worst,smoothness_worst,compactness_worst,concavity_worst,"
    "concave points_worst,symmetry_worst,fractal_dimension_worst"
).split(",")


def test_thirty_unique_snake_case_names_in_uci_order():
    assert len(FEATURES) == 30 == len(set(FEATURE_NAMES))
    assert FEATURE_NAMES[0] == "radius_mean"
    assert FEATURE_NAMES[7] == "concave_points_mean"
    assert FEATURE_NAMES[-1] == "fractal_dimension_worst"
    assert all(name.replace("_", "").isalpha() and name.islower() for name in FEATURE_NAMES)
    assert [f.position for f in FEATURES] == list(range(30))


def test_kaggle_headers_map_in_order():
    assert [canonical_name(h) for h in KAGGLE_HEADER] == list(FEATURE_NAMES)


def test_sklearn_names_map_in_order():
    names = [canonical_name(str(n)) for n in load_breast_cancer().feature_names]
    assert names == list(FEATURE_NAMES)


def test_unknown_header_is_not_guessed():
    assert canonical_name("radius") is None
    assert canonical_name("diagnosis") is None


def test_reference_ranges_are_the_bundled_data_min_and_max():
    data = load_breast_cancer().data
    for feature, low, high in zip(FEATURES, data.min(axis=0), data.max(axis=0), strict=True):
        assert (feature.reference_min, feature.reference_max) == (low, high), feature.name
        assert feature.reference_max <= feature.maximum / 2, "hard limit too close to the data"


def test_labels_and_descriptions_exist_in_english_and_french():
    worst = BY_NAME["concavity_worst"]
    assert worst.label("en") == "Concavity (worst)"
    assert worst.label("fr") == "Concavité (valeur extrême)"
    assert "three largest" in worst.description("en")
    assert "trois plus grandes" in worst.description("fr")
    for feature in FEATURES:
        assert feature.label("en") != feature.label("fr") or feature.prop.key == "texture"
        assert feature.description("en") and feature.description("fr")


def test_no_invented_units():
    text = " ".join(f.description("en") + f.description("fr") for f in FEATURES).lower()
    assert "micromet" not in text and "µm" not in text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (14.2, None),
        ("14.2", None),
        (0, None),
        ("abc", "expected a number"),
        ("", "expected a number"),
        (None, "expected a number"),
        (True, "expected a number"),
        (math.nan, "finite"),
        ("inf", "finite"),
        (-0.5, ">= 0"),
        (101, "<= 100"),
    ],
)
def test_value_problem_names_what_was_expected(value, expected):
    problem = value_problem(value, 100.0)
    if expected is None:
        assert problem is None
    else:
        assert expected in problem


def test_out_of_reference_flags_min_max_scaled_values():
    values = {f.name: 0.5 for f in FEATURES}
    flagged = out_of_reference(values)
    assert "radius_mean" in flagged and "area_worst" in flagged
    inside = {f.name: (f.reference_min + f.reference_max) / 2 for f in FEATURES}
    assert out_of_reference(inside) == []
