"""Turn the outer-fold results of one candidate into summaries and out-of-fold vectors."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import numpy as np

from pinkbreast.ml.candidates import Candidate
from pinkbreast.ml.metrics import (
    corrected_interval,
    fold_metrics,
    threshold_metrics,
    zone_metrics,
)


@dataclass
class CandidateResult:
    name: str
    description: str
    calibrated: bool  # whether the Platt-calibrated probabilities are served
    summary: dict[str, tuple[float, float, float]]  # metric -> (mean, low, high)
    pooled: dict[str, float]  # out-of-fold values pooled over every repeat
    oof_proba: np.ndarray  # served-scale probability, averaged over repeats
    oof_raw: np.ndarray  # uncalibrated probability, averaged over repeats
    benign_call_share: np.ndarray  # share of repeats in which each case was called benign
    params: Counter  # chosen inner-loop parameters (JSON), counted over outer folds
    thresholds: list[float]  # served-scale threshold of each outer fold
    folds: list

    def usual_params(self) -> dict:
        """The inner-loop choice made most often over the outer folds."""
        return json.loads(self.params.most_common(1)[0][0])


def summarise(candidate: Candidate, folds: list, y: np.ndarray, repeats: int) -> CandidateResult:
    per_fold = [fold_metrics(y[f.test_index], f.p_raw, f.p_cal, f.pred) for f in folds]
    raw = np.mean([m["brier_raw"] for m in per_fold])
    calibrated = bool(np.mean([m["brier_calibrated"] for m in per_fold]) < raw)
    for m in per_fold:
        m["brier"] = m["brier_calibrated"] if calibrated else m["brier_raw"]
    ratio = len(folds[0].test_index) / folds[0].n_train
    summary = {key: corrected_interval([m[key] for m in per_fold], ratio) for key in per_fold[0]}
    proba_sum, raw_sum, benign_calls = np.zeros(len(y)), np.zeros(len(y)), np.zeros(len(y))
    all_y, all_pred, all_zone, all_p = [], [], [], []
    for f in folds:
        served = f.p_cal if calibrated else f.p_raw
        proba_sum[f.test_index] += served
        raw_sum[f.test_index] += f.p_raw
        benign_calls[f.test_index] += f.pred == 0
        all_y.append(y[f.test_index])
        all_pred.append(f.pred)
        all_zone.append(f.zone)
        all_p.append(served)
    ys, ps = np.concatenate(all_y), np.concatenate(all_p)
    pooled = {
        **threshold_metrics(ys, np.concatenate(all_pred)),
        **zone_metrics(ys, np.concatenate(all_zone)),
        "brier": float(np.mean((ps - ys) ** 2)),
    }
    thresholds = [
        f.point.mapped(f.platt).threshold if calibrated else f.point.threshold for f in folds
    ]
    return CandidateResult(
        candidate.name,
        candidate.description,
        calibrated,
        summary,
        pooled,
        proba_sum / repeats,
        raw_sum / repeats,
        benign_calls / repeats,
        Counter(json.dumps(f.params, sort_keys=True) for f in folds),
        thresholds,
        folds,
    )
