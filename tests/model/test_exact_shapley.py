"""Explanations are exact Shapley values: they add up, and equal brute force on small cases."""

from __future__ import annotations

from itertools import product
from math import factorial

import numpy as np
import pytest
from lightgbm import LGBMClassifier
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml import fastpath
from pinkbreast.ml.candidates import build_candidates
from pinkbreast.ml.data import diagnosis_to_target
from pinkbreast.ml.explain import background_sample
from pinkbreast.ml.explain_exact import ExactExplainer
from pinkbreast.ml.fastpath.shapley import part

FEW = ["radius_worst", "texture_mean", "concave_points_worst", "area_se", "smoothness_mean"]


@pytest.fixture(scope="module")
def data(reference):
    X = reference[list(FEATURE_NAMES)].astype(float)
    background = background_sample(reference, list(FEATURE_NAMES), seed=42).to_numpy(float)
    return X, diagnosis_to_target(reference["diagnosis"]), background


def brute_force(value, x: np.ndarray, background: np.ndarray) -> np.ndarray:
    """Shapley values by their definition: every coalition, features outside it taken from
    each background row in turn (interventional)."""
    width = len(x)
    worth = {}
    for mask in product([False, True], repeat=width):
        rows = np.where(np.array(mask), x, background)
        worth[mask] = float(np.mean(value(rows)))
    phi = np.zeros(width)
    for mask, v in worth.items():
        size = sum(mask)
        for i in range(width):
            if not mask[i]:
                with_i = tuple(True if j == i else m for j, m in enumerate(mask))
                weight = factorial(size) * factorial(width - size - 1) / factorial(width)
                phi[i] += weight * (worth[with_i] - v)
    return phi


def _small_models(seed: int = 0):
    scaled = [("scale", StandardScaler())]
    svm = CalibratedClassifierCV(
        SVC(C=1.0, random_state=seed), method="sigmoid", cv=3, ensemble=False
    )
    gbm = LGBMClassifier(n_estimators=40, num_leaves=7, random_state=seed, verbose=-1)
    return {
        "logistic": Pipeline([*scaled, ("model", LogisticRegression(max_iter=2000))]),
        "tree": Pipeline([("model", DecisionTreeClassifier(max_depth=4, random_state=seed))]),
        "forest": Pipeline(
            [
                ("scale", MinMaxScaler()),
                ("model", RandomForestClassifier(n_estimators=15, random_state=seed)),
            ]
        ),  # fmt: skip
        "lightgbm": Pipeline([("model", gbm)]),
        "svm_rbf": Pipeline([*scaled, ("model", svm)]),
    }


@pytest.mark.parametrize("name", list(_small_models()))
def test_attributions_equal_brute_force_shapley_on_five_features(name, data):
    """Linear, tree, forest, boosted and RBF-kernel models on 5 features: every one of the 32
    coalitions evaluated against every background row gives the same values to 1e-9. (A soft
    vote is not the Shapley value of its probability but members' values combined by the
    stated rule: its sum is checked below.)"""
    X, y, background = data
    columns = [FEATURE_NAMES.index(f) for f in FEW]
    pipeline = _small_models()[name].fit(X[FEW], y)
    explained = part(fastpath.lower(pipeline, FEW), background[:, columns])
    for x in X[FEW].to_numpy()[[0, 19, 200]]:
        expected = brute_force(explained.value, x, background[:, columns])
        assert np.max(np.abs(explained.phi(x[None])[0] - expected)) <= 1e-9


@pytest.mark.parametrize("candidate", build_candidates(42), ids=lambda c: c.name)
def test_every_candidate_s_attributions_add_up_to_its_output_minus_the_base(candidate, data):
    """In the stated space (log-odds or probability) and in probability points of the served
    probability, for every candidate type that can become the champion."""
    X, y, background = data
    pipeline = candidate.pipeline.fit(X, y)
    plan = fastpath.lower(pipeline, FEATURE_NAMES)
    rows = X.to_numpy()[::57]
    explained = part(plan, background)
    gap = explained.phi(rows).sum(axis=1) - (explained.value(rows) - explained.base)
    assert np.max(np.abs(gap)) <= 1e-9
    probability = fastpath.compile_plan(plan)
    calibration = {"method": "platt", "slope": 0.8, "intercept": -0.1}
    explainer = ExactExplainer(plan, background, list(FEATURE_NAMES), lambda X: _served(
        probability(X), calibration), calibration)  # fmt: skip
    p, phi = explainer.contributions(rows)
    served = _served(pipeline.predict_proba(X.iloc[::57])[:, 1], calibration)
    assert np.max(np.abs(p - served)) <= 1e-9
    assert np.max(np.abs(phi.sum(axis=1) - (p - explainer.base_value))) <= 1e-12
    assert "exact interventional Shapley" in explainer.method


def _served(raw, calibration):
    from pinkbreast.ml.fastpath.served import calibrate

    return calibrate(raw, calibration)


def test_the_method_is_registered_with_the_model_version_and_given_with_each_explanation(
    trained, champion, case
):
    """``explanation_method`` tag and ``explanation.json`` artifact: the line every
    explanation carries (and the page, API, CSV and CLI state)."""
    import json
    from pathlib import Path

    from mlflow import MlflowClient

    from pinkbreast.ml.names import MODEL_NAME

    uri, _ = trained
    version = MlflowClient(tracking_uri=uri).get_model_version(MODEL_NAME, champion.version)
    explanation = champion.explain(case(842302))
    assert version.tags["explanation_method"] == explanation.method
    stored = Path(champion.served.artifact_paths["pipeline"]).with_name("explanation.json")
    document = json.loads(stored.read_text())
    assert document == {"method": explanation.method, "exact": True, "bound": 0.0,
                        "space": document["space"], "background_rows": 40}  # fmt: skip
    assert explanation.exact and explanation.bound == 0.0


@pytest.mark.parametrize("name", list(_small_models()))
def test_the_sampled_estimate_stays_within_its_stated_bound(name, data):
    """The permutation estimate (for a model with no exact method) against brute-force Shapley
    values of the same probability, on five-feature models: within SAMPLED_BOUND per feature,
    and still adding up exactly."""
    import pandas as pd

    from pinkbreast.ml.explain import SAMPLED_BOUND, Explainer

    X, y, background = data
    columns = [list(FEATURE_NAMES).index(f) for f in FEW]
    model = _small_models()[name].fit(X[FEW], y)

    def probability(rows):
        return model.predict_proba(pd.DataFrame(rows, columns=FEW))[:, 1]

    explainer = Explainer(probability, pd.DataFrame(background[:, columns], columns=FEW))
    cases = X[FEW].to_numpy()[np.random.default_rng(0).choice(len(X), 30, replace=False)]
    errors = []
    for x in cases:
        estimate = explainer.contributions(x)
        errors.append(np.abs(estimate - brute_force(probability, x, background[:, columns])).max())
        total = explainer.base_value + estimate.sum()
        assert total == pytest.approx(probability(x[None])[0], abs=1e-9)
    assert max(errors) <= SAMPLED_BOUND
