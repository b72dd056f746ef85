"""Operating point, indeterminate band and probability calibration, all learnt from
out-of-fold probabilities of a *training* part (never from the cases being scored).

The probabilities are cross-fitted: each comes from a model that did not see the case (see
:mod:`pinkbreast.ml.protocol` and ``docs/model.md``), so they stand in for the served model's
scores on new cases. Every cut is a conformal quantile (:func:`conformal_cut`): for ``n``
exchangeable scores and a miss budget ``a``, a new score falls strictly below the
``floor((n + 1) * a)``-th smallest (1-based) with probability at most ``a``.

Threshold
    The conformal cut of the malignant training probabilities with budget ``1 - target``.
    Label = malignant when ``p >= threshold``.
Band (three zones)
    Class-conditional ("Mondrian") split conformal with coverage ``c``: the benign zone is
    ``p < lower``, the cut of the malignant probabilities with budget ``1 - c`` (benign zone
    coverage), and the malignant zone is ``p > upper``, the mirrored cut of the benign
    probabilities with budget ``1 - c``. Between them: indeterminate,
    refer. Conditioning on the class bounds the miss rate of each definite call separately,
    which a marginal band would not do for the minority (malignant) class. The band always
    contains the threshold, so a definite zone never contradicts the label.
Calibration
    Platt scaling on the logit, ``sigmoid(a * logit(p) + b)``, fitted on the same out-of-fold
    probabilities. It is strictly increasing (``a > 0``), so labels and zones do not change.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import SupportsFloat

import numpy as np
from sklearn.linear_model import LogisticRegression

from pinkbreast.vocabulary import BENIGN, INDETERMINATE, MALIGNANT

EPS = 1e-6


@dataclass(frozen=True)
class Platt:
    """``sigmoid(slope * logit(p) + intercept)``; identity when slope=1, intercept=0."""

    slope: float = 1.0
    intercept: float = 0.0

    def __call__(self, p: np.ndarray | float) -> np.ndarray:
        logit = _logit(np.asarray(p, dtype=float))
        calibrated: np.ndarray = 1.0 / (1.0 + np.exp(-(self.slope * logit + self.intercept)))
        return calibrated


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, EPS, 1 - EPS)
    logit: np.ndarray = np.log(p / (1 - p))
    return logit


def fit_platt(p: np.ndarray, y: np.ndarray) -> Platt:
    """Platt scaling on held-out probabilities; identity if the fit is not increasing."""
    model = LogisticRegression(C=1e4, max_iter=1000).fit(_logit(p)[:, None], y)
    slope, intercept = float(model.coef_[0, 0]), float(model.intercept_[0])
    return Platt(slope, intercept) if slope > 0 else Platt()


def conformal_cut(scores: np.ndarray, miss: float) -> float:
    """The ``k``-th smallest score (1-based) with ``k = floor((n + 1) * miss)``.

    A new score exchangeable with ``scores`` is strictly below it with probability at most
    ``k / (n + 1) <= miss`` (at most ``k - 1`` calibration scores can be below a new score
    that is below the ``k``-th). With ``k = 0`` no cut keeps the promise: ``-inf``.
    """
    ordered = np.sort(np.asarray(scores, dtype=float))
    k = min(math.floor((len(ordered) + 1) * miss + 1e-9), len(ordered))
    return float(ordered[k - 1]) if k >= 1 else -math.inf


@dataclass(frozen=True)
class OperatingPoint:
    threshold: float
    lower: float
    upper: float

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    def mapped(self, transform: Callable[[float], SupportsFloat]) -> OperatingPoint:
        """The same point on another increasing probability scale (e.g. after calibration)."""
        return OperatingPoint(*(float(transform(v)) for v in asdict(self).values()))


def choose_operating_point(
    p: np.ndarray,
    y: np.ndarray,
    *,
    target_sensitivity: float,
    coverage: float,
    benign_coverage: float | None = None,
) -> OperatingPoint:
    """Threshold and band from training-part out-of-fold probabilities ``p`` (labels ``y``).

    ``benign_coverage`` (default: ``coverage``) bounds the malignant cases let into the benign
    zone; ``coverage`` bounds the benign cases let into the malignant zone.
    """
    malignant, benign = p[y == 1], p[y == 0]
    benign_coverage = coverage if benign_coverage is None else benign_coverage
    threshold = max(conformal_cut(malignant, 1 - target_sensitivity), 0.0)
    lower = max(conformal_cut(malignant, 1 - benign_coverage), 0.0)
    upper = min(-conformal_cut(-benign, 1 - coverage), 1.0)
    return OperatingPoint(threshold, min(lower, threshold), max(upper, threshold))


def labels(p: np.ndarray, point: OperatingPoint) -> np.ndarray:
    return (np.asarray(p) >= point.threshold).astype(int)


def zones(p: np.ndarray, point: OperatingPoint) -> np.ndarray:
    p = np.asarray(p)
    out = np.full(p.shape, INDETERMINATE, dtype=object)
    out[p < point.lower] = BENIGN
    out[p > point.upper] = MALIGNANT
    return out
