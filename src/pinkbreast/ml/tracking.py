"""What every training run records in MLflow: provenance, per-candidate runs and figures."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from urllib.parse import urlsplit

import mlflow
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from mlflow import MlflowClient
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold, learning_curve

from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml import figures
from pinkbreast.ml.candidates import Candidate
from pinkbreast.ml.evaluate import Comparison, split_xy
from pinkbreast.ml.metrics import INTERVAL, confusion
from pinkbreast.ml.provenance import environment, package_commit, python_version, runtime_versions
from pinkbreast.ml.summary import CandidateResult

EXPERIMENT = "pinkbreast"


def fingerprint(frame: pd.DataFrame) -> str:
    """sha256 of the training rows (id, diagnosis, 30 features; sorted by id; CSV text)."""
    rows = frame[["id", "diagnosis", *FEATURE_NAMES]].sort_values("id")
    return hashlib.sha256(rows.to_csv(index=False).encode("utf-8")).hexdigest()


def provenance(frame: pd.DataFrame) -> dict[str, str]:
    """Data fingerprint, the package's commit (dirty flag, diff hash), Python, and the versions
    of the runtime libraries (tags ``version.<name>``); the whole environment is logged apart."""
    return {
        "fingerprint": fingerprint(frame),
        **package_commit(),
        "python": python_version(),
        **{f"version.{name}": v for name, v in runtime_versions().items()},
    }


def log_provenance(provenance: dict[str, str]) -> None:
    """Tags on the active run, plus ``environment.txt`` (every installed distribution)."""
    mlflow.set_tags({k: v for k, v in provenance.items() if k != "fingerprint"})
    mlflow.set_tag("data_fingerprint", provenance["fingerprint"])
    frozen = "".join(f"{name}=={version}\n" for name, version in environment().items())
    mlflow.log_text(f"# {python_version()}\n{frozen}", "environment.txt")


def ensure_experiment(tracking_uri: str, artifact_location: str | Path) -> str:
    """The ``pinkbreast`` experiment id; created on first use.

    With a local store (SQLite or a folder) artifacts go under ``artifact_location`` (the
    instance folder), never the working directory's ``mlruns/``. A tracking server keeps its
    own artifact root.
    """
    client = MlflowClient()
    experiment = client.get_experiment_by_name(EXPERIMENT)
    if experiment is not None:
        return experiment.experiment_id
    if urlsplit(tracking_uri).scheme in ("http", "https", "databricks"):
        return client.create_experiment(EXPERIMENT)
    location = str(artifact_location)
    if "://" not in location:
        Path(location).mkdir(parents=True, exist_ok=True)
        location = Path(location).resolve().as_uri()
    return client.create_experiment(EXPERIMENT, artifact_location=location)


def metric_dict(result: CandidateResult) -> dict[str, float]:
    """Means with interval bounds, plus the pooled out-of-fold values at the operating point."""
    out: dict[str, float] = {}
    for key, (mean, low, high) in result.summary.items():
        out.update({key: mean, f"{key}_ci_low": low, f"{key}_ci_high": high})
    out.update({f"oof_{key}": value for key, value in result.pooled.items()})
    out["threshold_median"] = float(np.median(result.thresholds))
    return {k: float(v) for k, v in out.items() if np.isfinite(v)}


def log_candidate(
    result: CandidateResult,
    candidate: Candidate,
    comparison: Comparison,
    frame: pd.DataFrame,
    learning: bool,
) -> None:
    """One nested run: parameters, metrics with intervals, figures, out-of-fold predictions."""
    y = comparison.y
    mlflow.log_params(
        {
            "candidate": result.name,
            "grid": json.dumps(candidate.grid, sort_keys=True),
            "usual_params": json.dumps(result.usual_params(), sort_keys=True),
            "calibrated_share": result.calibrated_share,
            "interval": INTERVAL,
        }
    )
    mlflow.set_tag("mlflow.note.content", result.description)
    mlflow.log_metrics(metric_dict(result))
    counts = np.zeros((2, 2))
    for fold in result.folds:
        tn, fp, fn, tp = confusion(y[fold.test_index], fold.pred)
        counts += np.array([[tn, fp], [fn, tp]])
    name = result.name
    drawn = {
        "confusion_matrix.png": figures.confusion_figure(
            counts / comparison.config.repeats, f"{name}: mean confusion per repeat"
        ),
        "roc.png": figures.roc_figure(y, result.oof_proba, f"{name}: ROC (out of fold)"),
        "precision_recall.png": figures.pr_figure(y, result.oof_proba, f"{name}: PR (OOF)"),
        "reliability.png": figures.reliability_figure(
            y, {"raw": result.oof_raw, "Platt": _calibrated(result)}, f"{name}: reliability"
        ),
    }
    if learning:
        drawn["learning_curve.png"] = _learning(candidate, result, frame, comparison)
    for filename, figure in drawn.items():
        mlflow.log_figure(figure, f"figures/{filename}")
    oof = pd.DataFrame(
        {
            "id": comparison.ids,
            "malignant": y,
            "probability": result.oof_proba,
            "benign_call_share": result.benign_call_share,
        }
    )
    mlflow.log_text(oof.to_csv(index=False), "oof_predictions.csv")


def _calibrated(result: CandidateResult) -> np.ndarray:
    total, count = np.zeros(len(result.oof_raw)), np.zeros(len(result.oof_raw))
    for fold in result.folds:
        total[fold.test_index] += fold.p_cal
        count[fold.test_index] += 1
    return total / np.maximum(count, 1)


def _learning(
    candidate: Candidate, result: CandidateResult, frame: pd.DataFrame, comparison: Comparison
) -> Figure:
    X, y = split_xy(frame)  # ``frame`` is in id order, like ``comparison.y``
    config = comparison.config
    model = clone(candidate.pipeline).set_params(**result.usual_params())
    sizes, train, test = learning_curve(
        model,
        X,
        y,
        cv=StratifiedKFold(5, shuffle=True, random_state=config.seed),
        train_sizes=np.linspace(0.2, 1.0, 5),
        scoring="roc_auc",
        n_jobs=config.n_jobs,
    )
    return figures.learning_curve_figure(sizes, train, test, f"{result.name}: learning curve")
