"""Golden tests through the registered champion, loaded as the application loads it."""

from __future__ import annotations

import math
import shutil

import mlflow
import numpy as np
import pytest

from pinkbreast.features import FEATURE_NAMES, FEATURES
from pinkbreast.ml import registry
from pinkbreast.ml.inputs import InvalidInput
from pinkbreast.services import scoring

# UCI ids with their recorded diagnosis; all are far from the decision boundary. (8510426, once
# here, is not: p ~ 0.07 lies in the referral band of an operating point that keeps its promise.)
GOLDEN = {842302: "M", 842517: "M", 84300903: "M", 9047: "B", 8510653: "B", 8510824: "B"}


@pytest.mark.parametrize(("case_id", "diagnosis"), GOLDEN.items())
def test_golden_cases_get_their_known_diagnosis(champion, case, case_id, diagnosis):
    (prediction,) = champion.predict([case(case_id)])
    expected = "malignant" if diagnosis == "M" else "benign"
    assert prediction.label == expected
    assert prediction.zone == expected
    assert prediction.warnings == ()
    assert (prediction.probability > 0.5) == (diagnosis == "M")


def test_inputs_are_bound_by_name_not_position(champion, case):
    """Reordering fields changes nothing; swapping two values between fields does."""
    values = case(8510426)
    reordered = dict(reversed(list(values.items())))
    swapped = {
        **values,
        "concave_points_worst": values["symmetry_worst"],
        "symmetry_worst": values["concave_points_worst"],
    }
    base, same, changed = champion.predict([values, reordered, swapped])
    assert same.probability == base.probability
    assert abs(_logit(changed.probability) - _logit(base.probability)) > 0.02


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def test_min_max_scaled_values_are_flagged_out_of_distribution(champion, case, reference):
    values = case(8510426)
    scaled = {
        f.name: (values[f.name] - reference[f.name].min())
        / (reference[f.name].max() - reference[f.name].min())
        for f in FEATURES
    }
    (prediction,) = champion.predict([scaled])
    assert len(prediction.warnings) >= 10
    assert "area_worst" in prediction.warnings


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
        champion.predict([values])
    assert any(problem in p for _, _, p in caught.value.problems)


def test_pyfunc_load_model_matches_the_registry(trained, champion, reference):
    uri, _ = trained
    mlflow.set_tracking_uri(uri)
    model = mlflow.pyfunc.load_model("models:/pinkbreast@champion")
    rows = reference[list(FEATURE_NAMES)].sample(40, random_state=1)
    direct = model.predict(rows)
    served = champion.predict(rows.to_dict("records"))
    np.testing.assert_allclose(
        direct["probability"], [p.probability for p in served], rtol=0, atol=1e-9
    )
    assert list(direct["label"]) == [p.label for p in served]
    assert list(direct["zone"]) == [p.zone for p in served]


def test_model_carries_signature_operating_point_and_features(trained, champion, case):
    uri, report = trained
    info = mlflow.models.get_model_info("models:/pinkbreast@champion")
    assert info.signature.inputs.input_names() == list(FEATURE_NAMES)
    point = info.metadata["operating_point"]
    assert point["features"] == list(FEATURE_NAMES)
    assert point["lower"] <= point["threshold"] <= point["upper"]
    assert point["candidate"] == report.winner
    (prediction,) = champion.predict([case(842302)])
    assert prediction.threshold == point["threshold"]
    assert prediction.model_version == report.version


def test_champion_is_loaded_once_per_process(trained, champion):
    uri, _ = trained
    assert registry.champion(uri) is champion


def test_model_card_travels_with_the_registered_version(trained, champion):
    card = scoring.model_summary(tracking_uri=trained[0])["card"]
    assert card.startswith(f"# Pink Breast model card — `pinkbreast` version {champion.version}")
    assert "Malignant cases missed out of fold" in card and "zone per repeat" in card


def test_the_models_pinned_versions_are_checked_against_the_installed_ones(champion, monkeypatch):
    assert registry.version_mismatches(champion.served) == []  # trained in this environment
    monkeypatch.setattr(registry.metadata, "version", lambda name: "0.0")
    mismatches = registry.version_mismatches(champion.served)
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
    served = registry._through_mlflow(trained[0]).served  # the pyfunc's PinkBreastModel
    old = RegisteredBeforeTheFastPath(served)
    X = reference[list(FEATURE_NAMES)].to_numpy(float)[:50]
    assert np.allclose(registry.array_probability(old)(X), served.probability_array(X))
    p = served.probability_array(X)
    for got, expected in zip(registry._zones(old, p), served.zones(p), strict=True):
        assert (got == expected).all()


def test_a_promoted_version_is_served_without_a_restart(trained, tmp_path, monkeypatch):
    """Every process reads the alias again every RECHECK_SECONDS: after a promotion, all
    workers of all instances serve the new version; a registry it cannot read changes nothing."""
    from mlflow import MlflowClient

    store = tmp_path / "mlflow.db"
    shutil.copyfile(trained[0].removeprefix("sqlite:///"), store)
    uri = f"sqlite:///{store}"
    first = registry.champion(uri)
    client = MlflowClient(tracking_uri=uri)
    kept = client.get_model_version_by_alias("pinkbreast", "champion")
    assert first.version == str(kept.version)
    promoted = client.create_model_version("pinkbreast", kept.source, run_id=kept.run_id)
    client.set_registered_model_alias("pinkbreast", "champion", promoted.version)

    assert registry.champion(uri) is first  # within the interval: no look at the registry
    monkeypatch.setattr(registry, "RECHECK_SECONDS", 0.0)
    second = registry.champion(uri)
    assert second.version == str(promoted.version) != first.version
    assert second.predict_matrix(np.full((1, 30), 1.0))[0].model_version == second.version
    assert registry.champion(uri) is second  # same alias: the loaded model is kept

    store.write_bytes(b"not a database")  # the registry cannot be read
    assert registry.champion(uri) is second  # the kept version goes on serving
