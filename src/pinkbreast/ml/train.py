"""Compare -> select -> refit -> log to MLflow -> register the champion.

``--quick`` (``quick=True``) runs 4 candidates (original recipe, logistic regression, decision
tree, RBF SVM) with one grid point each, 2 repeats x 5 folds, and no learning curves: about
30 s instead of about 3 minutes on two cores (see ``benchmarks/training.md``). Its intervals
are wider, the LightGBM, forest, PCA and ensemble rows are missing, and its winner may differ;
it is meant for ``make run`` on a fresh install and for tests, not for reporting.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from pathlib import Path

import mlflow
import pandas as pd
from mlflow import MlflowClient

from pinkbreast.ml import evidence, explain, tracking
from pinkbreast.ml.candidates import build_candidates
from pinkbreast.ml.evaluate import Comparison, CVConfig, Progress, compare, split_xy
from pinkbreast.ml.model_card import render
from pinkbreast.ml.protocol import fit_protocol
from pinkbreast.ml.registration import (
    MODEL_NAME,
    ServedPoint,
    has_champion,
    operating_document,
    register_champion,
)
from pinkbreast.ml.registry import load_served

logger = logging.getLogger(__name__)
QUICK_REPEATS = 2
SHAP_ROWS = 100


@dataclass
class TrainReport:
    comparison: Comparison
    version: str
    run_id: str
    seconds: float
    model_card: str

    @property
    def winner(self) -> str:
        return self.comparison.winner


def quick_config(config: CVConfig) -> CVConfig:
    return replace(config, repeats=min(config.repeats, QUICK_REPEATS))


def train(
    frame: pd.DataFrame,
    *,
    tracking_uri: str,
    artifact_location: str | Path,
    config: CVConfig | None = None,
    quick: bool = False,
    progress: Progress | None = None,
) -> TrainReport:
    """Run the whole comparison and register the winner as ``pinkbreast@champion``."""
    started = time.perf_counter()
    frame = frame.sort_values("id", kind="stable").reset_index(drop=True)
    config = config or CVConfig()
    config = quick_config(config) if quick else config
    mlflow.set_tracking_uri(tracking_uri)
    experiment_id = tracking.ensure_experiment(tracking_uri, artifact_location)
    candidates = build_candidates(config.seed, quick=quick)
    comparison = compare(frame, candidates, config, progress=progress)
    winner = comparison.result(comparison.winner)
    logger.info("Winner %s; refitting on all %d cases", winner.name, len(frame))
    X, y = split_xy(frame)
    by_name = {c.name: c for c in candidates}
    fitted = fit_protocol(by_name[winner.name], X, y, seed=config.seed, settings=config.settings)
    document = operating_document(
        ServedPoint.of(fitted, winner.calibrated),
        candidate=winner.name,
        params=fitted.params,
        settings=config.settings,
    )
    document["evidence"] = evidence.describe(frame["diagnosis"], winner.pooled)
    provenance = {
        "fingerprint": tracking.fingerprint(frame),
        "git_commit": tracking.git_commit(),
        **{f"version.{k}": v for k, v in tracking.library_versions().items()},
    }
    with mlflow.start_run(experiment_id=experiment_id, run_name="train") as parent:
        _log_parent(config, quick, comparison, provenance)
        for result in comparison.results:
            with mlflow.start_run(experiment_id=experiment_id, run_name=result.name, nested=True):
                tracking.log_candidate(
                    result, by_name[result.name], comparison, frame, learning=not quick
                )
        mlflow.log_metrics(tracking.metric_dict(winner))
        version, model_uri = register_champion(fitted, document, frame, seed=config.seed)
        _log_global_importance(model_uri, frame, config.seed)
        card = render(comparison, document=document, version=version, provenance=provenance)
        mlflow.log_text(card, "model_card.md")
        MlflowClient().update_model_version(MODEL_NAME, version, description=card)
    seconds = time.perf_counter() - started
    logger.info("Registered pinkbreast version %s in %.0f s", version, seconds)
    return TrainReport(comparison, version, parent.info.run_id, seconds, card)


def _log_parent(config: CVConfig, quick: bool, comparison: Comparison, provenance: dict) -> None:
    settings = config.settings
    mlflow.log_params(
        {
            "repeats": config.repeats,
            "folds": config.folds,
            "inner_folds": settings.inner_folds,
            "seed": config.seed,
            "target_sensitivity": settings.target_sensitivity,
            "coverage": settings.coverage,
            "quick": quick,
            "n_cases": len(comparison.y),
            "n_malignant": int(comparison.y.sum()),
            "winner": comparison.winner,
            "data_fingerprint": provenance["fingerprint"],
        }
    )
    mlflow.set_tags({k: v for k, v in provenance.items() if k != "fingerprint"})
    mlflow.set_tag("data_fingerprint", provenance["fingerprint"])
    mlflow.log_dict({"hard_cases": comparison.hard_cases()}, "hard_cases.json")


def _log_global_importance(model_uri: str, frame: pd.DataFrame, seed: int) -> None:
    """Global SHAP importance computed on the served model just logged."""
    served, background = load_served(model_uri)
    explainer = explain.Explainer(served.probability_array, background, seed=seed)
    rows = frame.sample(n=min(SHAP_ROWS, len(frame)), random_state=seed)
    importance = explain.global_importance(explainer, rows)
    mlflow.log_figure(explain.importance_figure(importance), "figures/shap_importance.png")
    mlflow.log_text(importance.to_csv(header=["mean_abs_shap"]), "shap_importance.csv")


def ensure_champion(
    frame: pd.DataFrame,
    *,
    tracking_uri: str,
    artifact_location: str | Path,
    quick: bool = True,
    progress: Progress | None = None,
) -> bool:
    """Train and register a champion only when none exists; True if it trained."""
    mlflow.set_tracking_uri(tracking_uri)
    if has_champion():
        return False
    train(
        frame,
        tracking_uri=tracking_uri,
        artifact_location=artifact_location,
        quick=quick,
        progress=progress,
    )
    return True
