"""The fast inference path equals scikit-learn, on every candidate and on the served champion.

This is the regression guard of the benchmark issue: an equality test, not a timing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import joblib
import mlflow
import numpy as np
import pytest
from mlflow import MlflowClient
from sklearn.linear_model import LogisticRegression as SklearnLogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.tree import DecisionTreeClassifier

from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml import champion_lookup, fastpath, serving
from pinkbreast.ml.candidates import build_candidates
from pinkbreast.ml.data import diagnosis_to_target
from pinkbreast.ml.fastpath import plan
from pinkbreast.ml.fastpath.served import Served
from pinkbreast.ml.inputs import matrix

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


@pytest.mark.parametrize("candidate", build_candidates(42), ids=lambda c: c.name)
def test_every_candidate_s_plan_is_saved_and_read_back_with_the_same_results(
    candidate, data, tmp_path
):
    X, y = data
    pipeline = candidate.pipeline.fit(X, y)
    expected = pipeline.predict_proba(X)[:, 1]
    path = tmp_path / "fast_path.npz"
    plan.save(fastpath.lower(pipeline, FEATURE_NAMES), path, rows=X.to_numpy(), expected=expected,
              tolerance=fastpath.TOLERANCE)  # fmt: skip
    loaded = plan.load(path, tolerance=fastpath.TOLERANCE)
    # the same arithmetic as compiling the fitted pipeline, without the library's tree traversal
    in_memory = fastpath.compile_pipeline(pipeline, FEATURE_NAMES)
    assert np.array_equal(loaded(X.to_numpy()), in_memory(X.to_numpy()))
    assert np.array_equal(loaded(np.tile(X.to_numpy(), (3, 1))), np.tile(in_memory(X), 3))
    assert np.array_equal(np.load(path, allow_pickle=False)["__check_expected__"], expected)


def test_the_served_champion_uses_the_fast_path_and_matches_its_pipeline(champion, reference):
    served = champion.served
    assert served.fast_path.compiled, served.fast_path.reason
    X = reference[list(FEATURE_NAMES)].astype(float)
    plain = joblib.load(served.artifact_paths["pipeline"]).predict_proba(X)[:, 1]
    calibration = served.operating_point.get("calibration")
    if calibration:
        p = np.clip(plain, 1e-6, 1 - 1e-6)
        z = calibration["slope"] * np.log(p / (1 - p)) + calibration["intercept"]
        plain = 1 / (1 + np.exp(-z))
    assert np.max(np.abs(served.probability_array(X.to_numpy()) - plain)) <= EXACT
    scores = champion.score(matrix(X.to_dict("records")))
    assert np.max(np.abs(np.array(scores.probability) - plain)) <= EXACT


def test_the_fast_path_is_stored_with_the_model(trained, champion):
    uri, _ = trained
    mlflow.set_tracking_uri(uri)
    local = Path(mlflow.artifacts.download_artifacts(f"models:/pinkbreast/{champion.version}"))
    source = Path(fastpath.__file__).parent
    modules = sorted(p.name for p in source.glob("*.py"))
    assert modules == [
        "__init__.py",
        "guard.py",
        "linear.py",
        "plan.py",
        "rows.py",
        "served.py",
        "shapley.py",
        "shapley_kernel.py",
        "shapley_trees.py",
        "trees.py",
    ]
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


def test_the_champion_is_served_from_its_plan_like_the_mlflow_model(trained, champion, reference):
    uri, _ = trained
    assert isinstance(champion.served, Served)
    through_mlflow = serving._through_mlflow(uri)
    assert through_mlflow.version == champion.version
    X = reference[list(FEATURE_NAMES)].to_numpy(float)
    assert np.array_equal(champion.served.probability_array(X),
                          through_mlflow.served.probability_array(X))  # fmt: skip
    assert champion.score(X) == through_mlflow.score(X)


def test_the_registry_lookup_agrees_with_mlflow(trained, tmp_path):
    uri, _ = trained
    located = champion_lookup.locate(uri)
    version = MlflowClient(tracking_uri=uri).get_model_version_by_alias("pinkbreast", "champion")
    assert located.version == str(version.version)
    assert (located.folder / "artifacts" / "fast_path.npz").is_file()
    assert champion_lookup.locate(uri, alias="no-such-alias") is None
    assert champion_lookup.locate("databricks") is None  # not a SQL store: MLflow is asked
    missing = tmp_path / "mlflow.db"
    assert champion_lookup.locate(f"sqlite:///{missing}") is None
    assert champion_lookup.alias_version(uri) == located.version
    assert champion_lookup.alias_version("databricks") is None  # only MLflow can tell
    with pytest.raises(LookupError):
        champion_lookup.alias_version(f"sqlite:///{missing}")
    assert not missing.exists()  # looking did not create an empty store


def test_serving_needs_neither_mlflow_nor_scikit_learn(trained):
    uri, _ = trained
    script = (
        "import sys; from pinkbreast.ml import serving; from pinkbreast.ml.inputs import matrix; "
        f"c = serving.champion({uri!r}); "
        "print(type(c.served).__name__, c.score(matrix([dict(zip(c.served.features, "
        "[15.0, 20.0, 95.0, 700.0, 0.1, 0.1, 0.08, 0.05, 0.18, 0.06, 0.4, 1.2, 2.8, 40.0, 0.007, "
        "0.025, 0.03, 0.011, 0.02, 0.0035, 17.0, 26.0, 110.0, 900.0, 0.13, 0.25, 0.27, 0.11, 0.29, "
        "0.08]))])).zone[0] in ('benign', 'indeterminate', 'malignant'), "
        "sorted(m for m in ('mlflow', 'sklearn', 'scipy', 'lightgbm', 'joblib', 'matplotlib') "
        "if m in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True).stdout  # fmt: skip
    assert output.split() == ["Served", "True", "[]"]


def test_a_tampered_plan_is_refused_and_the_model_loads_through_mlflow(
    trained, tmp_path, monkeypatch
):
    uri, _ = trained
    located = champion_lookup.locate(uri)
    copy = tmp_path / "model"
    shutil.copytree(located.folder, copy)
    path = copy / "artifacts" / "fast_path.npz"
    with np.load(path, allow_pickle=False) as stored:
        arrays = {key: stored[key] for key in stored.files}
    arrays["__check_expected__"] = arrays["__check_expected__"] + 1e-6  # not what it computes
    np.savez(path, **arrays)
    with pytest.raises(fastpath.NotCompilable, match="differs"):
        plan.load(path, tolerance=fastpath.TOLERANCE)
    monkeypatch.setattr(
        champion_lookup, "locate", lambda _: champion_lookup.Located(located.version, copy)
    )
    assert serving._from_plan(uri) is None  # so champion() loads through MLflow instead


def test_a_plan_that_needs_the_library_is_not_stored(data, tmp_path):
    X, y = data
    rng = np.random.default_rng(0)
    noisy = DecisionTreeClassifier(random_state=0).fit(X, rng.integers(0, 2, len(X)))
    assert noisy.get_n_leaves() > 64  # QuickScorer's bit masks hold 64 leaves per tree
    expected = noisy.predict_proba(X)[:, 1]
    assert np.array_equal(fastpath.compile_pipeline(noisy, FEATURE_NAMES)(X.to_numpy()), expected)
    path = tmp_path / "fast_path.npz"
    with pytest.raises(fastpath.NotCompilable, match="64 leaves"):
        plan.save(fastpath.lower(noisy, FEATURE_NAMES), path, rows=X.to_numpy(),
                  expected=expected, tolerance=fastpath.TOLERANCE)  # fmt: skip
    assert not path.exists()
