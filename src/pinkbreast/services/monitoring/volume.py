"""How many predictions are stored, by zone and model version (demonstrations left out)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pinkbreast.db.models import PredictionRecord


def zone_counts(session: Session) -> dict[tuple[str, str], int]:
    """``{(zone, model_version): count}`` of every stored prediction that is not a
    demonstration: the one query behind the dashboard's volume chart and ``/metrics``."""
    query = (
        sa.select(PredictionRecord.zone, PredictionRecord.model_version, sa.func.count())
        .where(PredictionRecord.demonstration.is_(False))
        .group_by(PredictionRecord.zone, PredictionRecord.model_version)
    )
    return {(zone, version): count for zone, version, count in session.execute(query)}


def by_zone(counts: dict[tuple[str, str], int]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for (zone, _version), count in counts.items():
        totals[zone] = totals.get(zone, 0) + count
    return totals
