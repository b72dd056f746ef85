"""The competing pipelines: one imblearn Pipeline each, on the 30 canonical columns."""

import pytest
from imblearn.pipeline import Pipeline
from sklearn.base import clone
from sklearn.model_selection import ParameterGrid

from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml.candidates import ORIGINAL_FEATURES, build_candidates
from pinkbreast.ml.data import diagnosis_to_target, load_reference

REQUIRED = {
    "original_recipe",
    "logistic_regression",
    "pca_logistic_regression",
    "decision_tree",
    "random_forest",
    "lightgbm",
    "svm_rbf",
    "soft_voting",
}


def test_full_set_holds_every_required_candidate():
    candidates = build_candidates(0)
    assert {c.name for c in candidates} == REQUIRED
    assert all(isinstance(c.pipeline, Pipeline) for c in candidates)


def test_original_recipe_keeps_its_eleven_features_by_canonical_name():
    assert len(set(ORIGINAL_FEATURES)) == 11
    assert set(ORIGINAL_FEATURES) <= set(FEATURE_NAMES)
    recipe = next(c for c in build_candidates(0) if c.name == "original_recipe")
    assert [name for name, _ in recipe.pipeline.steps] == ["select", "scale", "resample", "model"]


@pytest.mark.parametrize("quick", [False, True])
def test_every_grid_point_is_a_valid_parameter_setting(quick):
    for candidate in build_candidates(0, quick=quick):
        for params in ParameterGrid(candidate.grid):
            clone(candidate.pipeline).set_params(**params)
        if quick:
            assert len(ParameterGrid(candidate.grid)) == 1


def test_original_recipe_fits_on_named_columns_and_ignores_the_others():
    frame = load_reference()
    X, y = frame[list(FEATURE_NAMES)], diagnosis_to_target(frame["diagnosis"])
    recipe = next(c for c in build_candidates(0, quick=True) if c.name == "original_recipe")
    model = clone(recipe.pipeline).fit(X, y)
    changed = X.copy()
    changed["smoothness_se"] = 0.0  # not one of the 11
    assert (model.predict_proba(changed) == model.predict_proba(X)).all()
