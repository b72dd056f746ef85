"""Lists of predictions: a clinician's own, or everyone's for an administrator.

Every list is a read of patient data: it is audited (``prediction.list``) in the transaction
that reads it, with the actor, the filters and the ids returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pinkbreast.db.models import Outcome, PredictionRecord, User
from pinkbreast.db.session import transaction
from pinkbreast.ml.names import ZONES
from pinkbreast.services import audit
from pinkbreast.services.predictions import can_see_all

PER_PAGE = 25


@dataclass(frozen=True)
class HistoryFilter:
    since: date | None = None
    until: date | None = None  # inclusive
    zone: str = ""
    sample_ref: str = ""
    awaiting_outcome: bool = False

    def apply(self, query: sa.Select) -> sa.Select:
        if self.since:
            query = query.where(PredictionRecord.created_at >= _midnight(self.since))
        if self.until:
            end = _midnight(self.until + timedelta(days=1))
            query = query.where(PredictionRecord.created_at < end)
        if self.zone in ZONES:
            query = query.where(PredictionRecord.zone == self.zone)
        if self.sample_ref.strip():
            # part of the reference, whatever the case ("ab-12" finds "LAB-1234")
            part = self.sample_ref.strip().lower()
            query = query.where(
                sa.func.lower(PredictionRecord.sample_ref).contains(part, autoescape=True)
            )
        if self.awaiting_outcome:
            has_outcome = sa.select(Outcome.id).where(Outcome.prediction_id == PredictionRecord.id)
            query = query.where(~has_outcome.exists())
        return query

    def describe(self) -> str:
        """The filters in use, for the audit row (``zone=benign since=2026-01-01``)."""
        parts = [
            f"since={self.since}" if self.since else "",
            f"until={self.until}" if self.until else "",
            f"zone={self.zone}" if self.zone in ZONES else "",
            f"sample_ref={self.sample_ref.strip()}" if self.sample_ref.strip() else "",
            "awaiting_outcome" if self.awaiting_outcome else "",
        ]
        return " ".join(part for part in parts if part)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


@dataclass(frozen=True)
class Page:
    items: list[PredictionRecord]
    page: int
    total: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def list_predictions(
    *,
    session: Session,
    user: User,
    filters: HistoryFilter,
    page: int = 1,
    client_address: str | None = None,
    channel: str = "web",
) -> Page:
    """One page of the predictions ``user`` may see, the read audited with what it returned."""
    query = filters.apply(sa.select(PredictionRecord))
    everyone = can_see_all(user)
    if not everyone:
        query = query.where(PredictionRecord.user_id == user.id)
    page = max(1, page)
    with transaction(session):
        total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
        ordered = query.order_by(PredictionRecord.id.desc())
        items = list(session.scalars(ordered.offset((page - 1) * PER_PAGE).limit(PER_PAGE)))
        scope = "all users" if everyone else "own"
        audit.record(
            session=session,
            action="prediction.list",
            actor=user,
            record_type="predictions",
            client_address=client_address,
            detail=f"{channel} {scope} page={page} {filters.describe()}".strip(),
            record_ids=[item.id for item in items],
        )
    return Page(items, page, total)


def batch_records(
    *, session: Session, user: User, batch_id: str, action: str, client_address: str | None
) -> list[PredictionRecord]:
    """Every prediction of one batch, if the user may see it; empty list otherwise. The read is
    audited (``action``: ``batch.view`` or ``batch.download``) with what it returned, or as
    refused when nothing was."""
    query = sa.select(PredictionRecord).where(PredictionRecord.batch_id == batch_id)
    if not can_see_all(user):
        query = query.where(PredictionRecord.user_id == user.id)
    with transaction(session):
        records = list(session.scalars(query.order_by(PredictionRecord.id)))
        audit.record(
            session=session,
            action=action,
            actor=user,
            record_type="batch",
            record_id=batch_id,
            allowed=bool(records),
            client_address=client_address,
            record_ids=[record.id for record in records] if records else None,
        )
    return records
