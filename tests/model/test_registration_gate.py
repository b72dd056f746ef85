"""Registration refuses a champion whose procedure misses its promise out of fold."""

from __future__ import annotations

import mlflow
import numpy as np
import pytest
from mlflow import MlflowClient

from pinkbreast.ml.promise import measure
from pinkbreast.ml.registration import ChampionRefused, register_champion


def _missed_promise(y: np.ndarray):
    """Out-of-fold calls that miss 8 malignant cases per repeat (sensitivity 204/212)."""
    labels = np.tile(y, (2, 1))
    malignant = np.flatnonzero(y == 1)[:8]
    labels[:, malignant] = 0
    zones = np.where(labels == 1, "malignant", "indeterminate").astype(object)
    return measure(labels, zones, y, target=0.98, benign_coverage=0.99)


def test_a_champion_missing_the_target_is_not_registered(trained, reference):
    uri, report = trained
    client = MlflowClient(tracking_uri=uri)
    before = len(client.search_model_versions("name = 'pinkbreast'"))
    promise = _missed_promise(report.comparison.y)
    mlflow.set_tracking_uri(uri)
    experiment = client.get_run(report.run_id).info.experiment_id
    with mlflow.start_run(experiment_id=experiment) as run:
        with pytest.raises(ChampionRefused) as refused:
            register_champion(
                report.comparison.champion_fit, {}, reference, seed=0, promise=promise
            )
    client.delete_run(run.info.run_id)  # leave the session's store as the training left it
    assert "sensitivity 0.9623" in str(refused.value)
    assert "0.0177 below the target 0.98" in str(refused.value)
    assert len(client.search_model_versions("name = 'pinkbreast'")) == before
    champion = client.get_model_version_by_alias("pinkbreast", "champion")
    assert str(champion.version) == report.version
