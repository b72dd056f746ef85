"""The training protocol applied to one training part (an outer fold, or all data at the end).

1. Inner loop: stratified ``inner_folds``-fold CV over the candidate's grid; every grid point is
   scored by the Brier score of its pooled inner out-of-fold probabilities.
2. The best point's inner out-of-fold probabilities fix the operating point (threshold, band)
   and the Platt calibrator — so nothing is ever learnt from the cases later scored.
3. The pipeline is refit on the whole training part with the best parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import ParameterGrid, StratifiedKFold

from pinkbreast.ml.candidates import Candidate
from pinkbreast.ml.operating import OperatingPoint, Platt, choose_operating_point, fit_platt


@dataclass(frozen=True)
class Settings:
    target_sensitivity: float = 0.98
    coverage: float = 0.99
    inner_folds: int = 3


@dataclass
class Fitted:
    """A pipeline refit on a training part, with what was learnt around it (raw scale)."""

    pipeline: object
    params: dict
    point: OperatingPoint
    platt: Platt
    inner_brier: float

    def predict_raw(self, X: pd.DataFrame) -> np.ndarray:
        return self.pipeline.predict_proba(X)[:, 1]


def inner_oof(candidate: Candidate, params: dict, X, y, splits) -> np.ndarray:
    """Out-of-fold probabilities of ``candidate`` with ``params`` over ``splits``."""
    oof = np.empty(len(y), dtype=float)
    for train, valid in splits:
        model = clone(candidate.pipeline).set_params(**params)
        model.fit(X.iloc[train], y[train])
        oof[valid] = model.predict_proba(X.iloc[valid])[:, 1]
    return oof


def fit_protocol(
    candidate: Candidate, X: pd.DataFrame, y: np.ndarray, *, seed: int, settings: Settings
) -> Fitted:
    """Tune, choose the operating point and calibrator, and refit — on ``X, y`` only."""
    folds = StratifiedKFold(settings.inner_folds, shuffle=True, random_state=seed)
    splits = list(folds.split(X, y))
    best: tuple[float, dict, np.ndarray] | None = None
    for params in ParameterGrid(candidate.grid or {}):
        oof = inner_oof(candidate, params, X, y, splits)
        brier = float(np.mean((oof - y) ** 2))
        if best is None or brier < best[0]:
            best = (brier, params, oof)
    brier, params, oof = best
    point = choose_operating_point(
        oof, y, target_sensitivity=settings.target_sensitivity, coverage=settings.coverage
    )
    pipeline = clone(candidate.pipeline).set_params(**params).fit(X, y)
    return Fitted(pipeline, dict(params), point, fit_platt(oof, y), brier)
