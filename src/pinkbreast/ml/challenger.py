"""A challenger: trained on the reference cases plus the adopted site cases, registered under
the alias ``challenger`` (``champion`` is not touched), and compared with the champion.

Site cases are pooled with the reference cases *without weights*: the same repeated nested CV,
promise check and registration as the champion's. The outer folds are stratified by diagnosis x
origin, so each test part holds site cases (and site cancers) in the same proportion as the
whole; the operating threshold and band are cut on the pooled inner out-of-fold scores, so the
site's malignant cases count toward the sensitivity target in proportion to their number. The
input guard is fitted on all training cases, site cases included. The paired comparison with the
champion (:mod:`pinkbreast.ml.paired`) is logged with the run as ``comparison.json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import mlflow
import pandas as pd
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from pinkbreast.ml.candidates import Candidate, build_candidates
from pinkbreast.ml.evaluate import Comparison, CVConfig, Progress
from pinkbreast.ml.names import ALIAS, CHALLENGER, MODEL_NAME, REFERENCE
from pinkbreast.ml.paired import PairedComparison, compare_paired
from pinkbreast.ml.train import TrainReport, train

COMPARISON_ARTIFACT = "comparison.json"


class ChallengerImpossible(RuntimeError):
    """No site cases, or no champion to challenge."""


@dataclass
class ChallengerReport:
    training: TrainReport
    comparison: PairedComparison


def training_frame(reference: pd.DataFrame, site: pd.DataFrame) -> pd.DataFrame:
    """Reference and site cases in one frame with their ``origin``."""
    columns = [c for c in reference.columns if c != "origin"]
    return pd.concat(
        [reference[columns].assign(origin=REFERENCE), site[[*columns, "origin"]]],
        ignore_index=True,
    )


def champion_candidate(seed: int, name: str) -> Candidate:
    for quick in (True, False):
        for candidate in build_candidates(seed, quick=quick):
            if candidate.name == name:
                return candidate
    raise ChallengerImpossible(f"the champion's candidate {name!r} is not among the candidates")


def train_challenger(
    reference: pd.DataFrame,
    site: pd.DataFrame,
    *,
    tracking_uri: str,
    artifact_location: str | Path,
    config: CVConfig | None = None,
    quick: bool = False,
    progress: Progress | None = None,
) -> ChallengerReport:
    if site.empty:
        raise ChallengerImpossible(
            "no adopted site cases: run `pinkbreast data adopt-confirmed` first"
        )
    mlflow.set_tracking_uri(tracking_uri)
    try:
        champion = MlflowClient().get_model_version_by_alias(MODEL_NAME, ALIAS)
    except MlflowException as exc:
        raise ChallengerImpossible("no champion to challenge: train one first") from exc
    config = config or CVConfig()
    found: list[PairedComparison] = []

    def after_register(comparison: Comparison, frame: pd.DataFrame, version: str) -> None:
        candidate = champion_candidate(config.seed, champion.tags.get("candidate", ""))
        paired = compare_paired(
            comparison,
            frame,
            (frame["origin"] != REFERENCE).to_numpy(),
            candidate,
            comparison.config.protocol,
            champion_version=str(champion.version),
            challenger_version=version,
            n_jobs=config.n_jobs,
        )
        mlflow.log_dict(paired.to_dict(), COMPARISON_ARTIFACT)
        client = MlflowClient()
        client.set_model_version_tag(MODEL_NAME, version, "site_cases", str(len(site)))
        client.set_model_version_tag(
            MODEL_NAME, version, "promotion_rule_met", str(paired.rule_met).lower()
        )
        found.append(paired)

    report = train(
        training_frame(reference, site),
        tracking_uri=tracking_uri,
        artifact_location=artifact_location,
        config=config,
        quick=quick,
        progress=progress,
        alias=CHALLENGER,
        strata="origin",
        after_register=after_register,
    )
    return ChallengerReport(report, found[0])


def load_comparison(tracking_uri: str, alias: str = CHALLENGER) -> PairedComparison | None:
    """The comparison logged with the version ``alias`` names; None when there is none."""
    mlflow.set_tracking_uri(tracking_uri)
    try:
        version = MlflowClient().get_model_version_by_alias(MODEL_NAME, alias)
        data = mlflow.artifacts.load_dict(f"runs:/{version.run_id}/{COMPARISON_ARTIFACT}")
    except (MlflowException, OSError):
        return None
    return PairedComparison.from_dict(data)
