"""Lists of predictions: a clinician's own, or everyone's for an administrator.

Every list is a read of patient data: it is audited (``prediction.list``) in the transaction
that reads it, with the actor, the filters and the ids returned.

The filters are one model (:class:`HistoryFilter`) with one parser (:func:`parse_query`) for the
history page and the API's list: a bad value is refused by the same rule with the same message,
naming the parameter (the page answers 400, the API 422). The two differ only in spelling
(:data:`PAGE`, :data:`API`): the page's checkbox is ``awaiting`` and its empty fields mean "no
filter"; the API's flag is ``awaiting_outcome`` and it refuses an empty or unknown parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pinkbreast import sample_refs
from pinkbreast.db.models import Outcome, PredictionRecord, User
from pinkbreast.db.session import transaction
from pinkbreast.services import audit, query_params
from pinkbreast.services.predictions import sees_every_prediction, visible_to
from pinkbreast.services.query_params import InvalidParameter
from pinkbreast.vocabulary import ZONES, one_of

PER_PAGE = 25


@dataclass(frozen=True)
class HistoryFilter:
    """What a list of predictions is narrowed to; every field already checked by
    :func:`parse_query` (or set by code)."""

    since: date | None = None
    until: date | None = None  # inclusive
    zone: str = ""
    sample_ref: str = ""
    awaiting_outcome: bool = False

    def apply(self, query: sa.Select[PredictionRecord]) -> sa.Select[PredictionRecord]:
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


@dataclass(frozen=True)
class Spelling:
    """How a channel writes the filters: the name of the "awaiting outcome" flag, whether an
    empty parameter means "no filter" (an HTML form sends every field), and whether an unknown
    parameter is refused."""

    awaiting: str
    empty_is_absent: bool
    refuse_unknown: bool

    @property
    def names(self) -> tuple[str, ...]:
        return ("page", "since", "until", "zone", "sample_ref", self.awaiting)


PAGE = Spelling("awaiting", empty_is_absent=True, refuse_unknown=False)
API = Spelling("awaiting_outcome", empty_is_absent=False, refuse_unknown=True)
BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
ZONE_RULE = f"expected one of {one_of(ZONES)}"
BOOLEAN_RULE = "expected true or false"


def parse_query(args: Mapping[str, str], spelling: Spelling) -> tuple[HistoryFilter, int]:
    """The filters and page number in ``args``; :class:`InvalidParameter` names the first bad
    parameter and says what was expected."""
    if spelling.refuse_unknown and (unknown := sorted(set(args) - set(spelling.names))):
        raise InvalidParameter(unknown[0], f"unknown parameter; expected {one_of(spelling.names)}")
    given = {
        name: text
        for name in spelling.names
        if (text := args.get(name)) is not None and (text.strip() or not spelling.empty_is_absent)
    }
    zone = given.get("zone")
    if zone is not None and zone not in ZONES:
        raise InvalidParameter("zone", ZONE_RULE)
    part = given.get("sample_ref")
    if part is not None and (problem := sample_refs.part_problem(part)):  # spaces only: all
        raise InvalidParameter("sample_ref", problem)
    awaiting = given.get(spelling.awaiting, "false").strip().lower()
    if awaiting not in BOOLEANS:
        raise InvalidParameter(spelling.awaiting, BOOLEAN_RULE)
    filters = HistoryFilter(
        since=query_params.day(given, "since", empty_ok=False),
        until=query_params.day(given, "until", empty_ok=False),
        zone=zone or "",
        sample_ref=(part or "").strip(),
        awaiting_outcome=BOOLEANS[awaiting],
    )
    return filters, query_params.page(given)


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
    query = visible_to(user, filters.apply(sa.select(PredictionRecord)))
    everyone = sees_every_prediction(user)
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
    query = visible_to(
        user, sa.select(PredictionRecord).where(PredictionRecord.batch_id == batch_id)
    )
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
