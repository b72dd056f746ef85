"""Per-fold metrics and their summaries; exact binomial intervals; calibration (ECE, bins).

Interval: the Nadeau–Bengio corrected resampled t-interval over the ``J = repeats x folds``
outer-fold values, ``mean ± t(0.975, J-1) * sd * sqrt(1/J + n_test/n_train)``. Plain t-intervals
over CV folds are too narrow because folds share training cases; the correction widens them to
account for that overlap (Nadeau & Bengio 2003; Bouckaert & Frank 2004). Bounds are clipped
to [0, 1], the range of every metric here.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.metrics import roc_auc_score

from pinkbreast.ml.operating import BENIGN, INDETERMINATE, MALIGNANT

METRICS = (
    "roc_auc",
    "sensitivity",
    "specificity",
    "precision",
    "f1",
    "accuracy",
    "brier",
    "brier_raw",
    "brier_calibrated",
)
INTERVAL = "95% Nadeau-Bengio corrected t-interval over outer folds"


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den else float("nan")


def confusion(y: np.ndarray, pred: np.ndarray) -> tuple[int, int, int, int]:
    """``(tn, fp, fn, tp)`` with malignant = 1."""
    y, pred = np.asarray(y), np.asarray(pred)
    tp = int(np.sum((y == 1) & (pred == 1)))
    tn = int(np.sum((y == 0) & (pred == 0)))
    return tn, int(np.sum((y == 0) & (pred == 1))), int(np.sum((y == 1) & (pred == 0))), tp


def threshold_metrics(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    tn, fp, fn, tp = confusion(y, pred)
    precision = _ratio(tp, tp + fp)
    sensitivity = _ratio(tp, tp + fn)
    return {
        "sensitivity": sensitivity,
        "specificity": _ratio(tn, tn + fp),
        "precision": precision,
        "f1": _ratio(2 * tp, 2 * tp + fp + fn),
        "accuracy": _ratio(tp + tn, len(y)),
    }


def fold_metrics(
    y: np.ndarray, p_raw: np.ndarray, p_cal: np.ndarray, pred: np.ndarray
) -> dict[str, float]:
    """Every metric of one outer fold (AUC and Brier from probabilities, others at threshold)."""
    return {
        "roc_auc": float(roc_auc_score(y, p_cal)),
        **threshold_metrics(y, pred),
        "brier_raw": float(np.mean((p_raw - y) ** 2)),
        "brier_calibrated": float(np.mean((p_cal - y) ** 2)),
    }


def corrected_interval(values: list[float], test_train_ratio: float) -> tuple[float, float, float]:
    """``(mean, low, high)`` by the Nadeau–Bengio corrected t-interval."""
    kept = np.asarray([v for v in values if not math.isnan(v)], dtype=float)
    mean = float(kept.mean())
    if len(kept) < 2:
        return mean, mean, mean
    scale = kept.std(ddof=1) * math.sqrt(1 / len(kept) + test_train_ratio)
    half = float(stats.t.ppf(0.975, len(kept) - 1) * scale)
    return mean, max(mean - half, 0.0), min(mean + half, 1.0)  # every metric lies in [0, 1]


def zone_metrics(y: np.ndarray, zone: np.ndarray) -> dict[str, float]:
    """Share referred, and sensitivity/specificity among the definite calls."""
    y, zone = np.asarray(y), np.asarray(zone)
    definite = zone != INDETERMINATE
    return {
        "indeterminate_share": float(np.mean(~definite)),
        "definite_sensitivity": _ratio(
            np.sum((y == 1) & (zone == MALIGNANT)), np.sum((y == 1) & definite)
        ),
        "definite_specificity": _ratio(
            np.sum((y == 0) & (zone == BENIGN)), np.sum((y == 0) & definite)
        ),
    }


def clopper_pearson(successes: float, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper–Pearson) interval of a binomial proportion, from beta quantiles.

    ``successes`` may be fractional (an average count over repeats of the same cases); for an
    integer it equals ``binomtest(k, n).proportion_ci(method="exact")``.
    """
    tail = (1 - level) / 2
    low = 0.0 if successes <= 0 else stats.beta.ppf(tail, successes, n - successes + 1)
    high = 1.0 if successes >= n else stats.beta.ppf(1 - tail, successes + 1, n - successes)
    return float(low), float(high)


def reliability_bins(
    y: np.ndarray, p: np.ndarray, *, bins: int = 10, low: float = 0.0, high: float = 1.0
) -> pd.DataFrame:
    """Equal-width bins of ``[low, high]`` (the last one closed): ``low``, ``high``, ``count``,
    ``mean_predicted``, ``observed`` (share malignant); cases outside the range are left out."""
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    edges = np.linspace(low, high, bins + 1)
    inside = (p >= low) & (p <= high)
    index = np.clip(np.searchsorted(edges, p[inside], side="right") - 1, 0, bins - 1)
    rows = []
    for b in range(bins):
        chosen = index == b
        count = int(chosen.sum())
        rows.append(
            {
                "low": float(edges[b]),
                "high": float(edges[b + 1]),
                "count": count,
                "mean_predicted": float(p[inside][chosen].mean()) if count else float("nan"),
                "observed": float(y[inside][chosen].mean()) if count else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """ECE over ``bins`` equal-width bins of [0, 1]: sum of ``count / N * |observed - mean p|``."""
    table = reliability_bins(y, p, bins=bins)
    used = table[table["count"] > 0]
    gap = (used["observed"] - used["mean_predicted"]).abs()
    return float((used["count"] * gap).sum() / len(np.asarray(p)))
