"""Performance on confirmed cases over a rolling window, per model version.

The confusion matrix counts *decided* cases: the model said malignant or benign. Cases in the
indeterminate zone (or whose input had to be checked) were referred for work-up, not decided;
they are reported separately with what they turned out to be. Recall (sensitivity) = malignant
cases called malignant / malignant cases decided. Recall is judged only once enough confirmed
malignant cases are in the window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pinkbreast.config.monitoring import Window
from pinkbreast.db.models import Outcome, PredictionRecord, utcnow
from pinkbreast.ml.names import DEFINITE_ZONES

Z95 = 1.959963984540054


@dataclass
class Performance:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0
    indeterminate: dict[str, int] = field(default_factory=lambda: {"M": 0, "B": 0})

    @property
    def malignant(self) -> int:
        return self.tp + self.fn

    @property
    def confirmed(self) -> int:
        return self.tp + self.fn + self.fp + self.tn + sum(self.indeterminate.values())

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def specificity(self) -> float | None:
        return _ratio(self.tn, self.tn + self.fp)

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall_interval(self) -> tuple[float, float] | None:
        return wilson(self.tp, self.tp + self.fn)

    def add(self, zone: str, diagnosis: str) -> None:
        if zone not in DEFINITE_ZONES:  # referred (indeterminate or check the input)
            self.indeterminate[diagnosis] += 1
        elif diagnosis == "M":
            if zone == "malignant":
                self.tp += 1
            else:
                self.fn += 1
        elif zone == "malignant":
            self.fp += 1
        else:
            self.tn += 1


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def wilson(successes: int, total: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval for a proportion (95% by default)."""
    if total == 0:
        return None
    p = successes / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return max(0.0, centre - half), min(1.0, centre + half)


def confirmed_cases(
    session: Session, window: Window, now: datetime | None = None
) -> list[tuple[str, str, str, datetime]]:
    """``(model_version, zone, diagnosis, created_at)`` of predictions with a confirmed outcome.

    The current outcome of a prediction is its latest recorded one. The window is the last
    ``days`` days of predictions, further limited to the ``last_n`` latest confirmations.
    """
    now = now or utcnow()
    latest = (
        sa.select(Outcome.prediction_id, sa.func.max(Outcome.id).label("outcome_id"))
        .group_by(Outcome.prediction_id)
        .subquery()
    )
    query = (
        sa.select(
            PredictionRecord.model_version,
            PredictionRecord.zone,
            Outcome.diagnosis,
            PredictionRecord.created_at,
        )
        .join(latest, latest.c.prediction_id == PredictionRecord.id)
        .join(Outcome, Outcome.id == latest.c.outcome_id)
        .where(PredictionRecord.created_at >= now - timedelta(days=window.days))
        .where(PredictionRecord.created_at <= now)
        .where(PredictionRecord.demonstration.is_(False))  # example cases are not monitored
        .where(Outcome.recorded_at <= now)
        .order_by(Outcome.id.desc())
    )
    if window.last_n:
        query = query.limit(window.last_n)
    rows = session.execute(query)
    return [(version, zone, diagnosis, created) for version, zone, diagnosis, created in rows]


def performance(
    session: Session, window: Window, now: datetime | None = None
) -> dict[str, Performance]:
    """Performance per model version, plus ``"all"`` over every version in the window."""
    result: dict[str, Performance] = {"all": Performance()}
    for version, zone, diagnosis, _created in confirmed_cases(session, window, now):
        result["all"].add(zone, diagnosis)
        result.setdefault(version, Performance()).add(zone, diagnosis)
    return result


def over_time(
    session: Session, window: Window, *, weeks: int = 12, now: datetime | None = None
) -> list[tuple[datetime, Performance]]:
    """The windowed performance as it stood at the end of each of the last ``weeks`` weeks."""
    now = now or utcnow()
    ends = [now - timedelta(weeks=k) for k in range(weeks - 1, -1, -1)]
    return [(end, performance(session, window, end)["all"]) for end in ends]
