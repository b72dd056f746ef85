"""The fast inference path equals scikit-learn, on every candidate and on the served champion.

This is the regression guard of the benchmark issue: an equality test, not a timing.
"""

from __future__ import annotations

from pathlib import Path

import mlflow
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression as SklearnLogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml import fastpath
from pinkbreast.ml.candidates import build_candidates
from pinkbreast.ml.data import diagnosis_to_target

EXACT = 1e-6  # the bar; the compiled path is in fact within ~1e-14


@pytest.fixture(scope="module")
def data(reference):
    X = reference[list(FEATURE_NAMES)].astype(float)
    return X, diagnosis_to_target(reference["diagnosis"])


@pytest.mark.parametrize("candidate", build_candidates(42), ids=lambda c: c.name)
def test_every_candidate_compiles_to_the_same_probabilities(candidate, data):
    X, y = data
    pipeline = candidate.pipeline.fit(X, y)
    expected = pipeline.predict_proba(X)[:, 1]
    compiled = fastpath.compile_pipeline(pipeline, FEATURE_NAMES)
    got = compiled(X.to_numpy())
    assert got.shape == (len(X),) == (569,)
    assert np.max(np.abs(got - expected)) <= EXACT
    # one row at a time too (the API's case), and in big blocks (the CLI's case)
    one_by_one = np.concatenate([compiled(row[None]) for row in X.to_numpy()])
    assert np.array_equal(one_by_one, got)  # to the last bit, whatever the batch size
    assert np.array_equal(compiled(np.asfortranarray(X.to_numpy())), got)  # any memory layout
    big = np.tile(X.to_numpy(), (4, 1))  # 2,276 rows: more than one block
    assert np.array_equal(compiled(big), np.tile(got, 4))


def test_the_served_champion_uses_the_fast_path_and_matches_its_pipeline(champion, reference):
    served = champion.served
    assert served.fast_path.compiled, served.fast_path.reason
    X = reference[list(FEATURE_NAMES)].astype(float)
    plain = served.pipeline.predict_proba(X)[:, 1]
    calibration = served.operating_point.get("calibration")
    if calibration:
        p = np.clip(plain, 1e-6, 1 - 1e-6)
        z = calibration["slope"] * np.log(p / (1 - p)) + calibration["intercept"]
        plain = 1 / (1 + np.exp(-z))
    assert np.max(np.abs(served.probability_array(X.to_numpy()) - plain)) <= EXACT
    predictions = champion.predict(X.to_dict("records"))
    assert np.max(np.abs(np.array([p.probability for p in predictions]) - plain)) <= EXACT


def test_the_fast_path_is_stored_with_the_model(trained, champion):
    uri, _ = trained
    mlflow.set_tracking_uri(uri)
    local = Path(mlflow.artifacts.download_artifacts(f"models:/pinkbreast/{champion.version}"))
    source = Path(fastpath.__file__).parent
    modules = sorted(p.name for p in source.glob("*.py"))
    assert modules == ["__init__.py", "linear.py", "rows.py", "trees.py"]
    for name in modules:
        assert (local / "code" / "fastpath" / name).read_text() == (source / name).read_text()


def test_an_unknown_step_falls_back_to_the_plain_pipeline(data):
    X, y = data
    pipeline = Pipeline([("scale", StandardScaler()), ("knn", KNeighborsClassifier())]).fit(X, y)
    with pytest.raises(fastpath.NotCompilable, match="KNeighborsClassifier"):
        fastpath.compile_pipeline(pipeline, FEATURE_NAMES)
    checked = fastpath.compile_checked(pipeline, FEATURE_NAMES, X.to_numpy()[:40])
    assert not checked.compiled
    assert "KNeighborsClassifier" in checked.reason
    assert np.array_equal(checked.probability(X.to_numpy()), pipeline.predict_proba(X)[:, 1])


def test_a_clipping_scaler_is_not_treated_as_affine(data):
    X, y = data
    pipeline = Pipeline(
        [("scale", MinMaxScaler(clip=True)), ("model", SklearnLogisticRegression())]
    ).fit(X, y)
    checked = fastpath.compile_checked(pipeline, FEATURE_NAMES, X.to_numpy())
    assert not checked.compiled and "clip" in checked.reason


class LogisticRegression(SklearnLogisticRegression):
    """Same name, different arithmetic: what the compiled path would get wrong."""

    def predict_proba(self, X):
        return np.clip(super().predict_proba(X) + [[-0.01, 0.01]], 0, 1)


def test_a_compiled_path_that_disagrees_is_refused(data):
    X, y = data
    pipeline = Pipeline([("scale", StandardScaler()), ("model", LogisticRegression())]).fit(X, y)
    checked = fastpath.compile_checked(pipeline, FEATURE_NAMES, X.to_numpy()[:40])
    assert not checked.compiled
    assert "differs" in checked.reason
    assert np.array_equal(checked.probability(X.to_numpy()), pipeline.predict_proba(X)[:, 1])
