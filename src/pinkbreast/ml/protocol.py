"""The training protocol applied to one training part (an outer fold, or all data at the end).

1. Inner loop: stratified ``inner_folds``-fold CV over the candidate's grid; every grid point is
   scored by the Brier score of its pooled inner out-of-fold probabilities.
2. The best point's inner out-of-fold probabilities are cross-fitted scores (each from a model
   that did not see the case, trained on ``(k - 1) / k`` of the part): they fix the operating
   point (conformal cuts, :mod:`pinkbreast.ml.operating`), the Platt calibrator, whether to
   serve it (cross-validated Brier over the same inner folds), and the figures the selection
   among candidates uses (:mod:`pinkbreast.ml.selection`). Nothing is learnt from the cases
   later scored.
3. The pipeline is refit on the whole training part with the best parameters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from imblearn.pipeline import Pipeline
from sklearn.base import clone
from sklearn.model_selection import ParameterGrid, StratifiedKFold

from pinkbreast.ml.candidates import Candidate
from pinkbreast.ml.operating import (
    OperatingPoint,
    Platt,
    choose_operating_point,
    fit_platt,
    labels,
)

Split = tuple[np.ndarray, np.ndarray]  # (training rows, held-out rows) of one split


@dataclass(frozen=True)
class TrainingProtocol:
    """The promises (``target_sensitivity``, coverages) and how the cuts are made.

    ``threshold_margin``: the threshold is cut for ``target_sensitivity + threshold_margin``.
    The conformal cut keeps its promise for each candidate, but selecting, in each part, the
    candidate with the best specificity favours the one whose threshold came out highest, which
    costs sensitivity out of fold; the margin pays for that (``docs/model.md``).
    """

    target_sensitivity: float = 0.98
    coverage: float = 0.99
    inner_folds: int = 5
    benign_coverage: float | None = None  # None: the same as ``coverage``
    threshold_margin: float = 0.005

    @property
    def benign_zone_coverage(self) -> float:
        return self.coverage if self.benign_coverage is None else self.benign_coverage

    @property
    def cut_sensitivity(self) -> float:
        return min(self.target_sensitivity + self.threshold_margin, 0.999)


@dataclass
class Fitted:
    """A pipeline refit on a training part, with what was learnt around it (raw scale)."""

    pipeline: Pipeline  # fitted
    params: dict[str, Any]
    point: OperatingPoint
    platt: Platt
    calibrated: bool  # serve ``platt(p)``: it lowered the cross-validated inner Brier score
    inner_brier: float
    benign_correct: np.ndarray  # inner OOF: each benign training case called benign (bool)

    @property
    def inner_specificity(self) -> float:
        return float(np.mean(self.benign_correct))

    def predict_raw(self, X: pd.DataFrame) -> np.ndarray:
        p: np.ndarray = self.pipeline.predict_proba(X)[:, 1]
        return p


def inner_oof(
    candidate: Candidate,
    params: Mapping[str, Any],
    X: pd.DataFrame,
    y: np.ndarray,
    splits: Sequence[Split],
) -> np.ndarray:
    """Out-of-fold probabilities of ``candidate`` with ``params`` over ``splits``."""
    oof = np.empty(len(y), dtype=float)
    for train, valid in splits:
        model = clone(candidate.pipeline).set_params(**params)
        model.fit(X.iloc[train], y[train])
        oof[valid] = model.predict_proba(X.iloc[valid])[:, 1]
    return oof


def calibration_helps(oof: np.ndarray, y: np.ndarray, splits: Sequence[Split]) -> bool:
    """True when Platt scaling, fitted on the other inner folds' scores, lowers the Brier score
    of each fold's scores pooled (the calibrate-or-not decision, made inside the part)."""
    calibrated = np.empty(len(y), dtype=float)
    for train, valid in splits:
        calibrated[valid] = fit_platt(oof[train], y[train])(oof[valid])
    return bool(np.mean((calibrated - y) ** 2) < np.mean((oof - y) ** 2))


def fit_protocol(
    candidate: Candidate, X: pd.DataFrame, y: np.ndarray, *, seed: int, protocol: TrainingProtocol
) -> Fitted:
    """Tune, choose the operating point and calibrator, and refit — on ``X, y`` only."""
    folds = StratifiedKFold(protocol.inner_folds, shuffle=True, random_state=seed)
    splits = list(folds.split(X, y))
    best: tuple[float, dict[str, Any], np.ndarray] | None = None
    for params in ParameterGrid(candidate.grid or {}):
        oof = inner_oof(candidate, params, X, y, splits)
        brier = float(np.mean((oof - y) ** 2))
        if best is None or brier < best[0]:
            best = (brier, params, oof)
    if best is None:  # not for a dict grid: ParameterGrid gives {} one (empty) setting
        raise ValueError(f"{candidate.name}: the grid {candidate.grid!r} gave no setting to try")
    brier, params, oof = best
    point = choose_operating_point(
        oof,
        y,
        target_sensitivity=protocol.cut_sensitivity,
        coverage=protocol.coverage,
        benign_coverage=protocol.benign_coverage,
    )
    pipeline = clone(candidate.pipeline).set_params(**params).fit(X, y)
    return Fitted(
        pipeline,
        dict(params),
        point,
        fit_platt(oof, y),
        calibration_helps(oof, y, splits),
        brier,
        labels(oof[y == 0], point) == 0,
    )
