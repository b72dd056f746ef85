"""Fitting the input guard (:mod:`pinkbreast.ml.fastpath.guard`) on the training cases.

The distance is the Mahalanobis distance of ``log(1 + x)`` with the classical mean and
covariance. Measured on the 569 reference cases (``docs/model.md``, "Input guard"): robust
covariance (minimum covariance determinant) and an isolation forest were no better at catching
rescaled, standardised, ×10 or swapped inputs, and the isolation forest missed most swaps.

The cut is the ``1 - trip_rate`` quantile of *out-of-fold* distances (repeated stratified
K-fold: each case's distance to a fit that never saw it), so a new sample like the reference
cases trips it at about ``trip_rate``; the guard served is then fitted on all cases.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from pinkbreast.features import FEATURE_NAMES, FEATURES
from pinkbreast.ml.fastpath.guard import Guard

TRIP_RATE = 0.01
FOLDS = 5
REPEATS = 3


def limits_only() -> Guard:
    """A guard with the hard limits and reference ranges but no distance (models registered
    before the guard existed)."""
    return Guard(
        FEATURE_NAMES,
        np.array([f.maximum for f in FEATURES]),
        np.array([f.reference_min for f in FEATURES]),
        np.array([f.reference_max for f in FEATURES]),
        positive=np.array([f.positive for f in FEATURES]),
    )


def _moments(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    logs = np.log1p(X)
    return logs.mean(axis=0), np.linalg.pinv(np.cov(logs, rowvar=False), hermitian=True)


def out_of_fold_distances(
    X: np.ndarray, y: np.ndarray, *, seed: int, folds: int = FOLDS, repeats: int = REPEATS
) -> np.ndarray:
    """Each case's distance to guards fitted without it: ``repeats`` x ``len(X)`` values."""
    from sklearn.model_selection import RepeatedStratifiedKFold  # not when only serving

    base = limits_only()
    distances = np.empty((repeats, len(X)))
    splits = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=seed)
    for index, (train, test) in enumerate(splits.split(X, y)):
        center, precision = _moments(X[train])
        fold = Guard(base.features, base.hard_max, base.reference_min, base.reference_max,
                     center, precision, positive=base.positive)  # fmt: skip
        distances[index // folds, test] = fold.distance(X[test])
    return distances


def fit_guard(
    X: npt.ArrayLike, y: npt.ArrayLike, *, seed: int, trip_rate: float = TRIP_RATE
) -> Guard:
    """The guard for a model trained on ``X`` (raw values, canonical order) and ``y``."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    oof = out_of_fold_distances(X, y, seed=seed)
    cut = float(np.quantile(oof, 1 - trip_rate))
    center, precision = _moments(X)
    base = limits_only()
    achieved = float(np.mean(oof > cut))
    return Guard(base.features, base.hard_max, base.reference_min, base.reference_max,
                 center, precision, cut, achieved, base.positive)  # fmt: skip
