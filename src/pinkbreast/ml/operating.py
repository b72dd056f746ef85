"""Operating point, indeterminate band and probability calibration, all learnt from
out-of-fold probabilities of a *training* part (never from the cases being scored).

Threshold
    The smallest cut that keeps the conformal miss rate at or under ``1 - target``: with the
    malignant training probabilities sorted ascending, at most ``floor((n + 1) * (1 - target))``
    of them fall below it. Label = malignant when ``p >= threshold``.
Band (three zones)
    Class-conditional ("Mondrian") split conformal with coverage ``c``: the benign zone is
    ``p < lower`` where ``lower`` lets at most ``floor((n_M + 1)(1 - c))`` malignant training
    cases through, and the malignant zone is ``p > upper`` where ``upper`` lets at most
    ``floor((n_B + 1)(1 - c))`` benign training cases through. Between them: indeterminate,
    refer. Conditioning on the class bounds the miss rate of each definite call separately,
    which a marginal band would not do for the minority (malignant) class. The band always
    contains the threshold, so a definite zone never contradicts the label.
Calibration
    Platt scaling on the logit, ``sigmoid(a * logit(p) + b)``, fitted on the same out-of-fold
    probabilities. It is strictly increasing (``a > 0``), so labels and zones do not change.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

EPS = 1e-6
BENIGN, INDETERMINATE, MALIGNANT = "benign", "indeterminate", "malignant"


@dataclass(frozen=True)
class Platt:
    """``sigmoid(slope * logit(p) + intercept)``; identity when slope=1, intercept=0."""

    slope: float = 1.0
    intercept: float = 0.0

    def __call__(self, p: np.ndarray | float) -> np.ndarray:
        logit = _logit(np.asarray(p, dtype=float))
        return 1.0 / (1.0 + np.exp(-(self.slope * logit + self.intercept)))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, EPS, 1 - EPS)
    return np.log(p / (1 - p))


def fit_platt(p: np.ndarray, y: np.ndarray) -> Platt:
    """Platt scaling on held-out probabilities; identity if the fit is not increasing."""
    model = LogisticRegression(C=1e4, max_iter=1000).fit(_logit(p)[:, None], y)
    slope, intercept = float(model.coef_[0, 0]), float(model.intercept_[0])
    return Platt(slope, intercept) if slope > 0 else Platt()


def _conformal_cut(scores: np.ndarray, miss: float) -> float:
    """The ``k``-th smallest score with ``k = floor((n + 1) * miss)`` (0-based)."""
    ordered = np.sort(scores)
    k = min(math.floor((len(ordered) + 1) * miss + 1e-9), len(ordered) - 1)
    return float(ordered[k])


@dataclass(frozen=True)
class OperatingPoint:
    threshold: float
    lower: float
    upper: float

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    def mapped(self, transform) -> OperatingPoint:
        """The same point on another increasing probability scale (e.g. after calibration)."""
        return OperatingPoint(*(float(transform(v)) for v in asdict(self).values()))


def choose_operating_point(
    p: np.ndarray, y: np.ndarray, *, target_sensitivity: float, coverage: float
) -> OperatingPoint:
    """Threshold and band from training-part out-of-fold probabilities ``p`` (labels ``y``)."""
    malignant, benign = p[y == 1], p[y == 0]
    threshold = _conformal_cut(malignant, 1 - target_sensitivity)
    lower = _conformal_cut(malignant, 1 - coverage)
    upper = -_conformal_cut(-benign, 1 - coverage)
    return OperatingPoint(threshold, min(lower, threshold), max(upper, threshold))


def labels(p: np.ndarray, point: OperatingPoint) -> np.ndarray:
    return (np.asarray(p) >= point.threshold).astype(int)


def zones(p: np.ndarray, point: OperatingPoint) -> np.ndarray:
    p = np.asarray(p)
    out = np.full(p.shape, INDETERMINATE, dtype=object)
    out[p < point.lower] = BENIGN
    out[p > point.upper] = MALIGNANT
    return out
