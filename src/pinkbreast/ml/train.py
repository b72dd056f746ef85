"""Compare and select (nested) -> check the promise -> log to MLflow -> register the champion.

``--quick`` (``quick=True``) runs 4 candidates (original recipe, logistic regression, decision
tree, RBF SVM) with one grid point each, 2 repeats x 5 folds, and no learning curves (times in
``benchmarks/training.md``). Its intervals are wider, the LightGBM, forest, PCA and ensemble
rows are missing, and its winner may differ; it is meant for ``make run`` on a fresh install
and for tests, not for reporting, so it registers even when its promise is missed.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
from mlflow import MlflowClient

from pinkbreast.ml import evidence, explain, figures, tracking
from pinkbreast.ml.candidates import build_candidates
from pinkbreast.ml.champion import build_explainer
from pinkbreast.ml.evaluate import Comparison, CVConfig, Progress, compare
from pinkbreast.ml.metrics import reliability_bins
from pinkbreast.ml.model_card import DECISION_FIGURE, render
from pinkbreast.ml.model_card import LANGUAGES as CARD_LANGUAGES
from pinkbreast.ml.names import ALIAS, CARD_CONTINUES, MODEL_NAME, card_artifact
from pinkbreast.ml.promise import Promise, measure
from pinkbreast.ml.registration import (
    ChampionRefused,
    ServedPoint,
    has_champion,
    operating_document,
    register_champion,
)
from pinkbreast.ml.serving import load_served
from pinkbreast.private_files import private_sqlite

logger = logging.getLogger(__name__)
AfterRegister = Callable[[Comparison, pd.DataFrame, str], None]
QUICK_REPEATS = 2
SHAP_ROWS = 100
DECISION_RANGE = (0.05, 0.95)
DECISION_BINS = 9  # 0.1 wide


@dataclass
class TrainReport:
    comparison: Comparison
    version: str
    run_id: str
    seconds: float
    model_card: str
    promise: Promise

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
    alias: str = ALIAS,
    strata: str | None = None,
    after_register: AfterRegister | None = None,
) -> TrainReport:
    """Run the whole comparison and register the champion as ``pinkbreast@champion``.

    The run is logged in full even when registration refuses the champion
    (:class:`~pinkbreast.ml.registration.ChampionRefused`, raised after the run is closed).
    ``quick`` runs are demos: they register even when the promise is missed, and say so.
    ``alias``: the alias the registered version gets (a challenger's leaves ``champion``
    alone); ``strata``: see :func:`~pinkbreast.ml.evaluate.compare`; ``after_register`` runs
    inside the MLflow run once the version is registered (a challenger's paired comparison).
    """
    started = time.perf_counter()
    frame = frame.sort_values("id", kind="stable").reset_index(drop=True)
    config = config or CVConfig()
    config = quick_config(config) if quick else config
    private_sqlite(tracking_uri)  # a local MLflow store is created 0600
    mlflow.set_tracking_uri(tracking_uri)
    experiment_id = tracking.ensure_experiment(tracking_uri, artifact_location)
    candidates = build_candidates(config.seed, quick=quick)
    comparison = compare(frame, candidates, config, progress=progress, strata=strata)
    fitted, procedure = comparison.champion_fit, comparison.procedure
    logger.info("Champion %s (selected on all %d cases)", comparison.winner, len(frame))
    _, label, zone = procedure.by_repeat
    promise = measure(
        label,
        zone,
        comparison.y,
        target=config.protocol.target_sensitivity,
        benign_coverage=config.protocol.benign_zone_coverage,
    )
    document = operating_document(
        ServedPoint.of(fitted, fitted.calibrated),
        candidate=comparison.winner,
        params=fitted.params,
        protocol=config.protocol,
    )
    benign_cases = comparison.y == 0
    document["evidence"] = evidence.describe(
        frame["diagnosis"],
        {
            "sensitivity": promise.sensitivity.value,
            "specificity": float(np.mean(label[:, benign_cases] == 0)),
        },
    )
    provenance = tracking.provenance(frame)
    by_name = {c.name: c for c in candidates}
    registered: str | ChampionRefused  # the version registered, or why registration refused it
    with mlflow.start_run(experiment_id=experiment_id, run_name="train") as parent:
        _log_parent(config, quick, comparison, provenance)
        for result in comparison.results:
            with mlflow.start_run(experiment_id=experiment_id, run_name=result.name, nested=True):
                tracking.log_candidate(
                    result, by_name[result.name], comparison, frame, learning=not quick
                )
        mlflow.log_metrics({**tracking.metric_dict(procedure), **promise.to_dict()})
        calibration = _log_calibration(comparison)
        try:
            registered, model_uri = register_champion(
                fitted,
                document,
                frame,
                seed=config.seed,
                promise=promise,
                enforce=not quick,
                alias=alias,
            )
        except ChampionRefused as exc:
            registered = exc
            mlflow.set_tag("champion_refused", str(exc))
        else:
            _log_global_importance(model_uri, frame, config.seed)
            if after_register is not None:
                after_register(comparison, frame, registered)
        version = None if isinstance(registered, ChampionRefused) else registered
        cards = {
            lang: render(
                comparison,
                document=document,
                version=version,
                provenance=provenance,
                promise=promise,
                calibration=calibration,
                run_id=parent.info.run_id,
                quick=quick,
                lang=lang,
            )
            for lang in CARD_LANGUAGES
        }
        card = cards["en"]
        for lang, text in cards.items():
            mlflow.log_text(text, card_artifact(lang))
        if version is not None:
            MlflowClient().update_model_version(
                MODEL_NAME, version, description=version_description(card)
            )
    seconds = time.perf_counter() - started
    if isinstance(registered, ChampionRefused):
        raise registered
    logger.info("Registered pinkbreast version %s in %.0f s", registered, seconds)
    return TrainReport(comparison, registered, parent.info.run_id, seconds, card, promise)


DESCRIPTION_MAX = 5000  # MLflow's model_versions.description is VARCHAR(5000) on SQL stores


def version_description(card: str) -> str:
    """The card as a registered version's description: whole when it fits MLflow's column
    (PostgreSQL and MySQL stores refuse longer text), else cut at a section and pointing to the
    whole card, which every run logs as ``model_card.md``."""
    if len(card) <= DESCRIPTION_MAX:
        return card
    note = "\n\n" + CARD_CONTINUES
    room = DESCRIPTION_MAX - len(note)
    cut = card.rfind("\n## ", 0, room)
    return card[: cut if cut > 0 else room] + note


def _log_parent(
    config: CVConfig, quick: bool, comparison: Comparison, provenance: dict[str, str]
) -> None:
    protocol = config.protocol
    mlflow.log_params(
        {
            "repeats": config.repeats,
            "folds": config.folds,
            "inner_folds": protocol.inner_folds,
            "seed": config.seed,
            "target_sensitivity": protocol.target_sensitivity,
            "coverage": protocol.coverage,
            "benign_coverage": protocol.benign_zone_coverage,
            "quick": quick,
            "n_cases": len(comparison.y),
            "n_malignant": int(comparison.y.sum()),
            "winner": comparison.winner,
            "selected_per_fold": json.dumps(dict(comparison.selected_counts().most_common())),
            "data_fingerprint": provenance["fingerprint"],
        }
    )
    tracking.log_provenance(provenance)
    missed = comparison.missed_cases()
    mlflow.log_dict({"hard_cases": [int(i) for i in missed["id"]]}, "hard_cases.json")
    mlflow.log_text(missed.to_csv(index=False), "missed_malignant_oof.csv")


def _log_calibration(comparison: Comparison) -> pd.DataFrame:
    """ECE and the 0.05-0.95 reliability table and figure of the procedure (out of fold)."""
    y, p = comparison.procedure.pooled_served(comparison.y)
    bins = reliability_bins(y, p, bins=DECISION_BINS, low=DECISION_RANGE[0], high=DECISION_RANGE[1])
    title = f"Reliability {DECISION_RANGE[0]:g}-{DECISION_RANGE[1]:g} (out of fold, all repeats)"
    mlflow.log_figure(figures.decision_range_figure(bins, title), DECISION_FIGURE)
    mlflow.log_text(bins.to_csv(index=False), "reliability_decision_range.csv")
    return bins


def _log_global_importance(model_uri: str, frame: pd.DataFrame, seed: int) -> None:
    """Global SHAP importance computed on the served model just logged, by the method its
    predictions are explained with."""
    served, _ = load_served(model_uri)
    explainer = build_explainer(served)
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
