"""Every training run is recorded in MLflow: one parent run, one nested run per candidate."""

from __future__ import annotations

import hashlib

from mlflow import MlflowClient

from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml.train import version_description
from pinkbreast.services import scoring

FIGURES = {"confusion_matrix.png", "roc.png", "precision_recall.png", "reliability.png"}


def _artifacts(client, run_id, path=""):
    return {a.path.rsplit("/", 1)[-1] for a in client.list_artifacts(run_id, path)}


def test_parent_run_records_provenance_card_and_importance(trained, reference):
    uri, report = trained
    client = MlflowClient(tracking_uri=uri)
    run = client.get_run(report.run_id)
    rows = reference[["id", "diagnosis", *FEATURE_NAMES]].sort_values("id").to_csv(index=False)
    assert run.data.tags["data_fingerprint"] == hashlib.sha256(rows.encode()).hexdigest()
    assert run.data.params["winner"] == report.winner
    tags = run.data.tags
    for key in ("git_commit", "git_dirty", "python", "version.scikit-learn", "version.scipy"):
        assert tags[key] and tags[key] != "unknown", key
    assert tags["git_dirty"] in {"true", "false"}
    assert (tags["git_dirty"] == "true") == bool(tags["git_diff_sha256"])
    assert {
        "model_card.md",
        "hard_cases.json",
        "environment.txt",
        "missed_malignant_oof.csv",
        "reliability_decision_range.csv",
    } <= _artifacts(client, report.run_id)
    assert {"shap_importance.png", "reliability_decision_range.png"} <= _artifacts(
        client, report.run_id, "figures"
    )
    environment = client.download_artifacts(report.run_id, "environment.txt")
    with open(environment, encoding="utf-8") as handle:
        assert f"scipy=={tags['version.scipy']}" in handle.read().split()
    card = client.download_artifacts(report.run_id, "model_card.md")
    with open(card, encoding="utf-8") as handle:
        text = handle.read()
    assert "not a diagnosis" in text and "original_recipe" in text
    metrics = run.data.metrics
    assert f"{metrics['roc_auc']:.3f}" in text
    assert f"{metrics['oof_ece']:.4f}" in text
    promise = report.promise
    assert metrics["oof_sensitivity_at_threshold"] == promise.sensitivity.value
    assert metrics["oof_sensitivity_cp_low"] <= promise.sensitivity.value
    assert metrics["oof_malignant_in_benign_zone_cp_high"] >= promise.benign_zone.value
    assert "Clopper–Pearson" in text and "PREFER_SIMPLER" in text
    assert promise.sensitivity.text() in text and promise.benign_zone.text() in text
    # a quick run is a demo: it registers even when the promise is missed, and says so
    tags = client.get_model_version("pinkbreast", report.version).tags
    assert tags["promise_kept"] == str(not promise.shortfalls()).lower()
    assert all(shortfall in text for shortfall in promise.shortfalls())
    version = client.get_model_version("pinkbreast", report.version)
    # the description holds the card, cut to MLflow's 5,000 characters when longer; the
    # application shows the whole card
    assert version.description == version_description(text) and text == report.model_card
    assert scoring.model_summary(tracking_uri=uri)["card"] == text
    # the same card in French: every figure there, with a decimal comma
    french = scoring.model_summary(tracking_uri=uri, lang="fr")
    assert french["card_lang"] == "fr" and french["card"].startswith("# Fiche du modèle")
    assert f"{metrics['oof_ece']:.4f}".replace(".", ",") in french["card"]
    assert "Ce n’est pas un diagnostic" in french["card"] and "## Limites" in french["card"]
    assert french["card"].count("\n## ") == text.count("\n## ")  # every section


def test_one_nested_run_per_candidate_with_intervals_and_figures(trained):
    uri, report = trained
    client = MlflowClient(tracking_uri=uri)
    children = client.search_runs(
        [client.get_run(report.run_id).info.experiment_id],
        filter_string=f"tags.mlflow.parentRunId = '{report.run_id}'",
    )
    assert {c.info.run_name for c in children} == {r.name for r in report.comparison.results}
    for child in children:
        metrics = child.data.metrics
        for key in ("roc_auc", "brier", "sensitivity", "specificity"):
            assert metrics[f"{key}_ci_low"] <= metrics[key] <= metrics[f"{key}_ci_high"]
        assert "oof_indeterminate_share" in metrics and "brier_raw" in metrics
        assert FIGURES <= _artifacts(client, child.info.run_id, "figures")


def test_no_run_lands_in_the_default_experiment(trained):
    """Nested runs once fell into experiment 0, whose artifacts go to the CWD's mlruns/."""
    uri, _ = trained
    assert MlflowClient(tracking_uri=uri).search_runs(["0"]) == []
