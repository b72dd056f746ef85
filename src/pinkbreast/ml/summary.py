"""Turn outer-fold results (of one candidate, or of the selection) into summaries and vectors."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pinkbreast.ml.metrics import (
    corrected_interval,
    expected_calibration_error,
    fold_metrics,
    threshold_metrics,
    zone_metrics,
)
from pinkbreast.ml.operating import BENIGN

if TYPE_CHECKING:  # evaluate builds the results summarised here
    from pinkbreast.ml.evaluate import FoldResult


@dataclass
class CandidateResult:
    name: str
    description: str
    calibrated_share: float  # share of outer folds that served Platt-calibrated probabilities
    summary: dict[str, tuple[float, float, float]]  # metric -> (mean, low, high)
    pooled: dict[str, float]  # out-of-fold values pooled over every repeat
    oof_proba: np.ndarray  # served-scale probability, averaged over repeats
    oof_raw: np.ndarray  # uncalibrated probability, averaged over repeats
    benign_call_share: np.ndarray  # share of repeats in which each case was called benign
    params: Counter[str]  # chosen inner-loop parameters (JSON), counted over outer folds
    thresholds: list[float]  # served-scale threshold of each outer fold
    folds: list[FoldResult]
    by_repeat: tuple[np.ndarray, np.ndarray, np.ndarray]  # (probability, label, zone): repeats x n

    @property
    def calibrated(self) -> bool:
        return self.calibrated_share > 0.5

    def usual_params(self) -> dict[str, Any]:
        """The inner-loop choice made most often over the outer folds."""
        chosen: dict[str, Any] = json.loads(self.params.most_common(1)[0][0])
        return chosen

    def pooled_served(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(y, p)`` over every outer test case of every repeat, served scale."""
        p = self.by_repeat[0]
        return np.tile(y, len(p)), p.ravel()

    def missed_cases(self, ids: np.ndarray, y: np.ndarray) -> pd.DataFrame:
        """Malignant cases called benign in at least one repeat, with each repeat's
        out-of-fold probability and zone (most often missed first)."""
        p, label, zone = self.by_repeat
        missed = ((label == 0) & (y == 1)).sum(axis=0)
        rows = np.flatnonzero(missed > 0)
        table = pd.DataFrame({"id": ids[rows].astype(int), "missed": missed[rows]})
        for r in range(len(p)):
            table[f"p{r + 1}"] = p[r, rows]
            table[f"zone{r + 1}"] = zone[r, rows]
        return table.sort_values(["missed", "id"], ascending=[False, True]).reset_index(drop=True)


def summarise(
    name: str, description: str, folds: list[FoldResult], y: np.ndarray, repeats: int
) -> CandidateResult:
    per_fold = []
    for f in folds:
        metrics = fold_metrics(y[f.test_index], f.p_raw, f.p_cal, f.pred)
        metrics["brier"] = metrics["brier_calibrated" if f.calibrated else "brier_raw"]
        per_fold.append(metrics)
    ratio = len(folds[0].test_index) / folds[0].n_train
    summary = {key: corrected_interval([m[key] for m in per_fold], ratio) for key in per_fold[0]}
    p = np.full((repeats, len(y)), np.nan)
    raw = np.full((repeats, len(y)), np.nan)
    label = np.zeros((repeats, len(y)), dtype=int)
    zone = np.empty((repeats, len(y)), dtype=object)
    for f in folds:
        p[f.repeat, f.test_index] = f.p_served
        raw[f.repeat, f.test_index] = f.p_raw
        label[f.repeat, f.test_index] = f.pred
        zone[f.repeat, f.test_index] = f.zone
    ys, ps = np.tile(y, repeats), p.ravel()
    pooled = {
        **threshold_metrics(ys, label.ravel()),
        **zone_metrics(ys, zone.ravel()),
        "brier": float(np.mean((ps - ys) ** 2)),
        "ece": expected_calibration_error(ys, ps),
        "benign_zone_malignant": float(np.mean(zone.ravel()[ys == 1] == BENIGN)),
    }
    thresholds = [
        f.point.mapped(f.platt).threshold if f.calibrated else f.point.threshold for f in folds
    ]
    return CandidateResult(
        name,
        description,
        float(np.mean([f.calibrated for f in folds])),
        summary,
        pooled,
        p.mean(axis=0),
        raw.mean(axis=0),
        (label == 0).mean(axis=0),
        Counter(json.dumps(f.params, sort_keys=True) for f in folds),
        thresholds,
        folds,
        (p, label, zone),
    )
