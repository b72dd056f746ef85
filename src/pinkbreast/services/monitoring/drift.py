"""Input drift: recent inputs against the training data, feature by feature.

Two measures per feature: the two-sample Kolmogorov–Smirnov test (flagged when its p-value is
below ``alpha`` divided by the number of features — a Bonferroni correction, so 30 tests do not
raise false alarms by chance) and the Population Stability Index over the reference deciles
(flagged at ``psi_threshold``; 0.25 is the usual "major shift" level).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session

from pinkbreast.config.monitoring import DriftSettings
from pinkbreast.db.models import PredictionRecord, utcnow
from pinkbreast.features import FEATURE_NAMES
from pinkbreast.services.cases import load_frame

EPSILON = 1e-4


@dataclass(frozen=True)
class FeatureDrift:
    feature: str
    ks_statistic: float
    ks_pvalue: float
    psi: float
    flagged: bool


def psi(reference: np.ndarray, recent: np.ndarray, bins: int = 10) -> float:
    """Population Stability Index of ``recent`` against the deciles of ``reference``."""
    edges = np.unique(np.quantile(reference, np.linspace(0, 1, bins + 1)))
    edges[0], edges[-1] = -np.inf, np.inf
    expected = np.histogram(reference, edges)[0] / len(reference)
    actual = np.histogram(recent, edges)[0] / len(recent)
    expected, actual = np.clip(expected, EPSILON, None), np.clip(actual, EPSILON, None)
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def compare(
    reference: pd.DataFrame, recent: pd.DataFrame, settings: DriftSettings | None = None
) -> list[FeatureDrift]:
    """Per-feature drift of ``recent`` against ``reference`` (both with the 30 columns)."""
    from scipy.stats import ks_2samp  # half a second to import: not at app start

    settings = settings or DriftSettings()
    if len(recent) < settings.min_samples:
        return []
    alpha = settings.alpha / len(FEATURE_NAMES)
    results = []
    for name in FEATURE_NAMES:
        ref, new = reference[name].to_numpy(float), recent[name].to_numpy(float)
        test = ks_2samp(ref, new)
        index = psi(ref, new)
        flagged = test.pvalue < alpha or index >= settings.psi_threshold
        results.append(
            FeatureDrift(name, float(test.statistic), float(test.pvalue), index, flagged)
        )
    return results


_REAL = PredictionRecord.demonstration.is_(False)  # example cases are not monitored


def recent_inputs(session: Session, days: int) -> pd.DataFrame:
    columns = [getattr(PredictionRecord, name) for name in FEATURE_NAMES]
    since = utcnow() - timedelta(days=days)
    query = sa.select(*columns).where(PredictionRecord.created_at >= since, _REAL)
    rows = session.execute(query).all()
    return pd.DataFrame(rows, columns=list(FEATURE_NAMES), dtype=float)


def drift_report(
    *, session: Session, settings: DriftSettings | None = None
) -> tuple[int, list[FeatureDrift]]:
    """``(n_recent, per-feature drift)`` of the last ``settings.days`` days of predictions."""
    settings = settings or DriftSettings()
    recent = recent_inputs(session, settings.days)
    return len(recent), compare(load_frame(session), recent, settings)


def out_of_range_share(session: Session, days: int = 90) -> list[tuple[str, int, float]]:
    """Per ISO week: ``(week, predictions, share with an out-of-range warning)``."""
    since = utcnow() - timedelta(days=days)
    rows = session.execute(
        sa.select(PredictionRecord.created_at, PredictionRecord.warnings).where(
            PredictionRecord.created_at >= since, _REAL
        )
    ).all()
    weeks: dict[str, list[int]] = {}
    for created, warnings in rows:
        year, week, _ = created.isocalendar()
        counts = weeks.setdefault(f"{year}-W{week:02d}", [0, 0])
        counts[0] += 1
        counts[1] += bool(warnings)
    return [(week, n, flagged / n) for week, (n, flagged) in sorted(weeks.items())]
