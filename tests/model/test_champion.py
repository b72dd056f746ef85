"""Golden tests through the registered champion, loaded as the application loads it."""

from __future__ import annotations

import json
import math
import shutil

import mlflow
import numpy as np
import pytest

from pinkbreast.features import FEATURE_NAMES, FEATURES
from pinkbreast.ml import serving
from pinkbreast.ml.champion import Champion, FeatureOrderMismatch, _zones, array_probability
from pinkbreast.ml.inputs import InvalidInput, matrix
from pinkbreast.services import scoring

# UCI ids with their recorded diagnosis; all are far from the decision boundary. (8510426, once
# here, is not: p ~ 0.07 lies in the referral band of an operating point that keeps its promise.)
GOLDEN = {842302: "M", 842517: "M", 84300903: "M", 9047: "B", 8510653: "B", 8510824: "B"}


@pytest.mark.parametrize(("case_id", "diagnosis"), GOLDEN.items())
def test_golden_cases_get_their_known_diagnosis(champion, case, case_id, diagnosis):
    scores = champion.score(matrix([case(case_id)]))
    expected = "malignant" if diagnosis == "M" else "benign"
    assert scores.label == [expected]
    assert scores.zone == [expected]
    assert scores.warnings == [()]
    assert (scores.probability[0] > 0.5) == (diagnosis == "M")


def test_inputs_are_bound_by_name_not_position(champion, case):
    """Reordering fields changes nothing; swapping two values between fields does."""
    values = case(8510426)
    reordered = dict(reversed(list(values.items())))
    swapped = {
        **values,
        "concave_points_worst": values["symmetry_worst"],
        "symmetry_worst": values["concave_points_worst"],
    }
    base, same, changed = champion.score(matrix([values, reordered, swapped])).probability
    assert same == base
    assert abs(_logit(changed) - _logit(base)) > 0.02


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def test_min_max_scaled_values_are_flagged_out_of_distribution(champion, case, reference):
    values = case(8510426)
    scaled = {
        f.name: (values[f.name] - reference[f.name].min())
        / (reference[f.name].max() - reference[f.name].min())
        for f in FEATURES
    }
    (warnings,) = champion.score(matrix([scaled])).warnings
    assert len(warnings) >= 10
    assert "area_worst" in warnings


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda v: v.pop("area_mean"), "missing"),
        (lambda v: v.update(area_mean=math.nan), "finite"),
        (lambda v: v.update(area_mean=-1.0), ">= 0"),
        (lambda v: v.update(colour=1.0), "unknown"),
        (lambda v: v.update(area_mean="large"), "number"),
    ],
)
def test_invalid_inputs_are_refused_with_the_field_named(champion, case, change, problem):
    values = case(842302)
    change(values)
    with pytest.raises(InvalidInput) as caught:
        champion.score(matrix([values]))
    assert any(problem in p for _, _, p in caught.value.problems)


def test_pyfunc_load_model_matches_the_registry(trained, champion, reference):
    uri, _ = trained
    mlflow.set_tracking_uri(uri)
    model = mlflow.pyfunc.load_model("models:/pinkbreast@champion")
    rows = reference[list(FEATURE_NAMES)].sample(40, random_state=1)
    direct = model.predict(rows)
    served = champion.score(matrix(rows.to_dict("records")))
    np.testing.assert_allclose(direct["probability"], served.probability, rtol=0, atol=1e-9)
    assert list(direct["label"]) == served.label
    assert list(direct["zone"]) == served.zone


def test_model_carries_signature_operating_point_and_features(trained, champion, case):
    uri, report = trained
    info = mlflow.models.get_model_info("models:/pinkbreast@champion")
    assert info.signature.inputs.input_names() == list(FEATURE_NAMES)
    point = info.metadata["operating_point"]
    assert point["features"] == list(FEATURE_NAMES)
    assert point["lower"] <= point["threshold"] <= point["upper"]
    assert point["candidate"] == report.winner
    scores = champion.score(matrix([case(842302)]))
    assert scores.threshold == point["threshold"]
    assert scores.model_version == report.version


def test_champion_is_loaded_once_per_process(trained, champion):
    uri, _ = trained
    assert serving.champion(uri) is champion


def test_model_card_travels_with_the_registered_version(trained, champion):
    card = scoring.model_summary(tracking_uri=trained[0])["card"]
    assert card.startswith(f"# Pink Breast model card — `pinkbreast` version {champion.version}")
    assert "Malignant cases missed out of fold" in card and "zone per repeat" in card


def test_the_models_pinned_versions_are_checked_against_the_installed_ones(champion, monkeypatch):
    assert serving.version_mismatches(champion.served) == []  # trained in this environment
    monkeypatch.setattr(serving.metadata, "version", lambda name: "0.0")
    mismatches = serving.version_mismatches(champion.served)
    assert any(
        m.startswith("scikit-learn: model ") and m.endswith("installed 0.0") for m in mismatches
    )


class RegisteredBeforeTheFastPath:
    """What versions registered before the fast path offer: a DataFrame-only probability,
    ``predict`` and the operating point (no ``probability_array``, no ``zones``)."""

    def __init__(self, served):
        self._served, self.operating_point = served, served.operating_point
        self.pipeline, self.artifact_paths = served.pipeline, served.artifact_paths

    def probability(self, frame):
        assert list(frame.columns) == list(FEATURE_NAMES)  # bound by name, as before
        return self._served.probability(frame)

    def predict(self, context, frame):
        return self._served.predict(context, frame)


def test_versions_registered_before_the_fast_path_still_serve(trained, reference):
    served = serving._through_mlflow(trained[0]).served  # the pyfunc's PinkBreastModel
    old = RegisteredBeforeTheFastPath(served)
    X = reference[list(FEATURE_NAMES)].to_numpy(float)[:50]
    assert np.allclose(array_probability(old)(X), served.probability_array(X))
    p = served.probability_array(X)
    for got, expected in zip(_zones(old, p), served.zones(p), strict=True):
        assert (got == expected).all()


def test_a_promoted_version_is_served_without_a_restart(trained, tmp_path, monkeypatch):
    """Every process reads the alias again every RECHECK_SECONDS: after a promotion, all
    workers of all instances serve the new version; a registry it cannot read changes nothing."""
    from mlflow import MlflowClient

    store = tmp_path / "mlflow.db"
    shutil.copyfile(trained[0].removeprefix("sqlite:///"), store)
    uri = f"sqlite:///{store}"
    first = serving.champion(uri)
    client = MlflowClient(tracking_uri=uri)
    kept = client.get_model_version_by_alias("pinkbreast", "champion")
    assert first.version == str(kept.version)
    promoted = client.create_model_version("pinkbreast", kept.source, run_id=kept.run_id)
    client.set_registered_model_alias("pinkbreast", "champion", promoted.version)

    assert serving.champion(uri) is first  # within the interval: no look at the registry
    monkeypatch.setattr(serving, "RECHECK_SECONDS", 0.0)
    second = serving.champion(uri)
    assert second.version == str(promoted.version) != first.version
    assert second.score(np.full((1, 30), 1.0)).model_version == second.version
    assert serving.champion(uri) is second  # same alias: the loaded model is kept

    store.write_bytes(b"not a database")  # the registry cannot be read
    assert serving.champion(uri) is second  # the kept version goes on serving


def _swapped(features: list[str], first: int, second: int) -> list[str]:
    altered = list(features)
    altered[first], altered[second] = altered[second], altered[first]
    return altered


def test_a_model_whose_feature_order_differs_from_the_schema_is_refused_when_loaded(
    trained, tmp_path
):
    """A registered version whose stored features are in another order would get values in
    the wrong columns: loading it fails, naming the first position that differs, and the
    service says so instead of serving it."""
    import sqlite3

    from pinkbreast.ml import champion_lookup

    located = champion_lookup.locate(trained[0])
    folder = tmp_path / "model"
    shutil.copytree(located.folder, folder)
    assert serving.from_plan_folder(folder, "7").version == "7"  # the copy itself loads

    path = folder / "artifacts" / "operating_point.json"
    point = json.loads(path.read_text())
    point["features"] = _swapped(point["features"], 3, 4)
    path.write_text(json.dumps(point))
    with pytest.raises(FeatureOrderMismatch) as refused:
        serving.from_plan_folder(folder, "7")
    message = str(refused.value)
    assert "model version 7" in message
    assert f"at position 4 the model has {FEATURE_NAMES[4]!r}" in message
    assert f"pinkbreast.features has {FEATURE_NAMES[3]!r}" in message

    store = tmp_path / "mlflow.db"  # a registry whose champion is the altered copy
    shutil.copyfile(trained[0].removeprefix("sqlite:///"), store)
    with sqlite3.connect(store) as connection:
        connection.execute(
            "UPDATE model_versions SET storage_location = ? WHERE version = ?",
            (folder.as_uri(), located.version),
        )
    with pytest.raises(scoring.ModelUnavailable, match="at position 4 the model has"):
        scoring.champion(f"sqlite:///{store}")


def test_a_pyfunc_model_with_a_feature_missing_is_refused(trained):
    served = serving._through_mlflow(trained[0]).served  # the pyfunc's PinkBreastModel
    served.features = served.features[:-1]
    with pytest.raises(FeatureOrderMismatch, match="position 30 the model has 'nothing'"):
        Champion(served, "3")


def test_a_champion_explained_by_the_sampled_estimate_gives_each_row_its_own_reasons(
    champion, case
):
    """A model with no exact method (the sampled estimate, which explains one row at a time):
    a batch's reasons are each row's own, with the sampled method's name."""
    import dataclasses

    import pandas as pd

    from pinkbreast.ml.explain import Explainer

    background = pd.read_csv(champion.served.artifact_paths["background"])[list(FEATURE_NAMES)]
    sampled = Explainer(array_probability(champion.served), background, permutations=1)
    model = dataclasses.replace(champion, _explainer=sampled)
    X = matrix([case(842302), case(9047), case(8510426)])
    scores = model.score(X, explain=True)
    alone = [sampled.explain(dict(zip(FEATURE_NAMES, row, strict=True))) for row in X]
    assert scores.reasons == [tuple(e.top(scoring.TOP_REASONS)) for e in alone]
    assert scores.explanation_method == alone[0].method != champion.explainer().method
    assert scores.base_values == [sampled.base_value] * 3
