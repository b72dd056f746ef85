"""How a model does on the site's confirmed cases: figures with exact intervals, by group.

Sensitivity and specificity are at the operating threshold; a case the input guard sent to
``check_input`` has no malignant/benign answer and counts as *not* called malignant (a missed
cancer if it was one: the conservative reading). ``referred`` is the share of cases in the
indeterminate or check-input zones. Intervals: exact Clopper–Pearson 95% for proportions, a
seeded percentile bootstrap (cases resampled) for the ROC AUC. ``needed_*``: how many more
malignant (benign) cases would bring the sensitivity (specificity) interval to ``width``,
if the observed proportion held. A group is *conclusive* only when both intervals are already
that narrow; otherwise the report says plainly that there are too few cases to conclude.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from pinkbreast.ml.metrics import clopper_pearson, reliability_bins
from pinkbreast.ml.names import CHECK_INPUT, INDETERMINATE, MALIGNANT

WIDTH = 0.2  # default full width of a 95% interval deemed informative
BOOTSTRAP = 1000
RELIABILITY_BINS = 5
MAX_CASES = 100_000  # cases-needed searches stop here


@dataclass(frozen=True)
class Proportion:
    value: float
    low: float
    high: float
    count: int
    n: int

    @property
    def width(self) -> float:
        return self.high - self.low

    @classmethod
    def of(cls, count: int, n: int) -> Proportion | None:
        if n == 0:
            return None
        return cls(count / n, *clopper_pearson(count, n), int(count), int(n))


@dataclass(frozen=True)
class Interval:
    value: float
    low: float
    high: float


@dataclass(frozen=True)
class GroupFigures:
    name: str
    n: int
    malignant: int
    benign: int
    sensitivity: Proportion | None
    specificity: Proportion | None
    referred: Proportion | None
    auc: Interval | None
    brier: float | None
    reliability: pd.DataFrame
    needed_malignant: int
    needed_benign: int
    width: float

    @property
    def conclusive(self) -> bool:
        return all(
            p is not None and p.width <= self.width for p in (self.sensitivity, self.specificity)
        )


@dataclass(frozen=True)
class SiteValidation:
    version: str
    overall: GroupFigures
    by_origin: list[GroupFigures]
    by_period: list[GroupFigures]
    width: float


def auc(y: np.ndarray, p: np.ndarray) -> float:
    """ROC AUC by ranks (ties count one half); NaN without both classes."""
    positives = y == 1
    n1, n0 = int(positives.sum()), int((~positives).sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    ranks = rankdata(p)
    return float((ranks[positives].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def bootstrap_auc(
    y: np.ndarray, p: np.ndarray, *, seed: int = 0, rounds: int = BOOTSTRAP
) -> Interval | None:
    """AUC with a 95% percentile bootstrap interval (resamples lacking a class are skipped)."""
    value = auc(y, p)
    if np.isnan(value):
        return None
    rng = np.random.default_rng(seed)
    draws = [auc(y[i], p[i]) for i in rng.integers(0, len(y), size=(rounds, len(y)))]
    kept = np.asarray([d for d in draws if not np.isnan(d)])
    return Interval(value, float(np.quantile(kept, 0.025)), float(np.quantile(kept, 0.975)))


def cases_for_width(proportion: float, width: float) -> int:
    """Smallest n whose Clopper–Pearson 95% interval at ``proportion`` is at most ``width``."""

    def wide(n: int) -> bool:
        low, high = clopper_pearson(proportion * n, n)
        return high - low > width

    high = 1
    while wide(high):
        if high >= MAX_CASES:
            return MAX_CASES
        high *= 2
    low = high // 2
    while low + 1 < high:
        middle = (low + high) // 2
        low, high = (middle, high) if wide(middle) else (low, middle)
    return high


def _needed(found: Proportion | None, width: float) -> int:
    proportion = 0.5 if found is None else found.value
    n = 0 if found is None else found.n
    return max(cases_for_width(proportion, width) - n, 0)


def group_figures(
    name: str,
    y: np.ndarray,
    p: np.ndarray,
    called: np.ndarray,
    zone: np.ndarray,
    *,
    width: float = WIDTH,
    seed: int = 0,
    with_auc: bool = True,
) -> GroupFigures:
    """``y``: 1 malignant; ``p``: served probability; ``called``: True when called malignant
    at the threshold; ``zone``: the served zone. One array entry per case. ``with_auc=False``
    skips the bootstrap (``auc`` None) where only the proportions are read."""
    y, p = np.asarray(y, dtype=int), np.asarray(p, dtype=float)
    called, zone = np.asarray(called, dtype=bool), np.asarray(zone, dtype=object)
    malignant, benign = y == 1, y == 0
    sensitivity = Proportion.of(int((called & malignant).sum()), int(malignant.sum()))
    specificity = Proportion.of(int((~called & benign).sum()), int(benign.sum()))
    referred = np.isin(zone, (INDETERMINATE, CHECK_INPUT))
    return GroupFigures(
        name,
        len(y),
        int(malignant.sum()),
        int(benign.sum()),
        sensitivity,
        specificity,
        Proportion.of(int(referred.sum()), len(y)),
        bootstrap_auc(y, p, seed=seed) if len(y) and with_auc else None,
        float(np.mean((p - y) ** 2)) if len(y) else None,
        reliability_bins(y, p, bins=RELIABILITY_BINS),
        _needed(sensitivity, width),
        _needed(specificity, width),
        width,
    )


def period_of(moments: pd.Series) -> pd.Series:
    """The calendar quarter of each moment, as ``2026-Q4``."""
    stamps = pd.to_datetime(moments, utc=True)
    return stamps.dt.year.astype(str) + "-Q" + stamps.dt.quarter.astype(str)


def validate(
    version: str,
    frame: pd.DataFrame,
    p: np.ndarray,
    label: np.ndarray,
    zone: np.ndarray,
    *,
    width: float = WIDTH,
) -> SiteValidation:
    """Figures of one model version on site cases ``frame`` (``diagnosis``, ``origin``,
    ``predicted_on``), overall, by origin and by quarter. ``label``: the served label."""
    y = (frame["diagnosis"].to_numpy() == "M").astype(int)
    called = np.asarray(label, dtype=object) == MALIGNANT
    p, zone = np.asarray(p, dtype=float), np.asarray(zone, dtype=object)

    def groups(keys: pd.Series) -> list[GroupFigures]:
        keys = keys.to_numpy()
        return [
            group_figures(str(k), y[keys == k], p[keys == k], called[keys == k],
                          zone[keys == k], width=width)
            for k in sorted(set(keys))
        ]  # fmt: skip

    overall = group_figures("all", y, p, called, zone, width=width)
    periods = period_of(frame["predicted_on"]) if len(frame) else frame["origin"]
    return SiteValidation(version, overall, groups(frame["origin"]), groups(periods), width)
