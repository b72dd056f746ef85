"""The audit trail: one append-only row per security-relevant action.

``record`` adds the row to the caller's session, ``insert`` writes it on the caller's
connection; neither commits: the caller's transaction writes the action and its audit row
together, or neither.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypedDict, Unpack, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pinkbreast.db.bulk import insert_one
from pinkbreast.db.models import AuditEvent, User, as_utc, utcnow
from pinkbreast.db.session import transaction
from pinkbreast.spreadsheet import spreadsheet_safe
from pinkbreast.vocabulary import AUDIT_OUTCOMES

OUTCOMES = AUDIT_OUTCOMES
CSV_COLUMNS = (
    "id",
    "occurred_at",
    "actor_id",
    "actor_name",
    "action",
    "record_type",
    "record_id",
    "outcome",
    "client_address",
    "detail",
    "record_ids",
)


class Actor(Protocol):
    """Who acts: a signed-in :class:`~pinkbreast.db.models.User`, or the
    :class:`~pinkbreast.services.tokens.TokenUser` behind an API token."""

    @property
    def id(self) -> int: ...
    @property
    def username(self) -> str: ...
    @property
    def role(self) -> str: ...


class AuditFields(TypedDict, total=False):
    """The keyword arguments of :func:`values` (``action`` required)."""

    action: str
    actor: Actor | None
    actor_name: str | None
    record_type: str | None
    record_id: object
    allowed: bool
    client_address: str | None
    detail: str | None
    record_ids: Iterable[object] | None


class AppendOnly(RuntimeError):
    """An audit row was about to be changed or deleted."""


@sa.event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _context: object, _instances: object) -> None:
    """No code path (ours or a later feature's) may update or delete an audit row via the ORM."""
    for row in (*session.dirty, *session.deleted):
        if isinstance(row, AuditEvent):
            raise AppendOnly(f"audit event {row.id} cannot be changed or deleted")


_TABLE = cast(sa.Table, AuditEvent.__table__)  # a mapped class's table (typed FromClause)


def record(*, session: Session, **fields: Unpack[AuditFields]) -> AuditEvent:
    """Add one audit row to ``session`` (committed with the caller's transaction).

    ``fields`` are those of :func:`values`.
    """
    event = AuditEvent(**values(**fields))
    session.add(event)
    return event


def access_denied(
    *,
    session: Session,
    actor: User,
    route: str | None,
    request_line: str,
    client_address: str | None,
) -> None:
    """Record, and commit, a refused request: ``route`` (its endpoint) and ``request_line``
    (method and path)."""
    with transaction(session):
        record(
            session=session,
            action="access.denied",
            actor=actor,
            record_type="route",
            record_id=route,
            allowed=False,
            client_address=client_address,
            detail=request_line,
        )


def insert(connection: sa.Connection, **fields: Unpack[AuditFields]) -> None:
    """Write one audit row on ``connection``, inside its open transaction (no ORM unit of work:
    the prediction API's hot path). ``fields`` are those of :func:`values`."""
    insert_one(connection, _TABLE, values(**fields))


def values(
    *,
    action: str,
    actor: Actor | None = None,
    actor_name: str | None = None,
    record_type: str | None = None,
    record_id: object = None,
    allowed: bool = True,
    client_address: str | None = None,
    detail: str | None = None,
    record_ids: Iterable[object] | None = None,
) -> dict[str, Any]:
    """The column values of one audit row, cut to the columns' lengths.

    ``record_ids``: every record a read returned (a list, an export), stored as ``,1,2,``.
    """
    name = actor.username if actor is not None else actor_name or None
    return {
        "occurred_at": utcnow(),
        "actor_id": actor.id if actor is not None else None,
        "actor_name": name and name[:64],
        "action": action,
        "record_type": record_type,
        "record_id": None if record_id is None else str(record_id)[:64],
        "outcome": OUTCOMES[0] if allowed else OUTCOMES[1],
        "client_address": (client_address or None) and client_address[:45],
        "detail": (detail or None) and detail[:255],
        "record_ids": None if record_ids is None else "," + "".join(f"{i}," for i in record_ids),
    }


def shown_ids(stored: str | None) -> str:
    """``record_ids`` as people read it: ``12, 13``."""
    return ", ".join(part for part in (stored or "").split(",") if part)


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""
    outcome: str = ""
    since: datetime | None = None
    until: datetime | None = None
    prediction: str = ""  # a prediction id: rows that read it alone or among the ids of a list

    def apply(self, query: sa.Select[AuditEvent]) -> sa.Select[AuditEvent]:
        if self.actor:
            query = query.where(AuditEvent.actor_name == self.actor.strip().casefold())
        if self.action:
            query = query.where(AuditEvent.action.startswith(self.action.strip()))
        if self.outcome in OUTCOMES:
            query = query.where(AuditEvent.outcome == self.outcome)
        if self.since is not None:
            query = query.where(AuditEvent.occurred_at >= self.since)
        if self.until is not None:
            query = query.where(AuditEvent.occurred_at < self.until)
        if prediction := self.prediction.strip()[:64]:
            query = query.where(
                sa.or_(
                    sa.and_(
                        AuditEvent.record_type == "prediction", AuditEvent.record_id == prediction
                    ),
                    AuditEvent.record_ids.contains(f",{prediction},", autoescape=True),
                )
            )
        return query


def list_events(
    *, session: Session, filters: AuditFilter, page: int = 1, per_page: int = 50
) -> tuple[list[AuditEvent], bool]:
    """One page of events, newest first, and whether a next page exists."""
    query = filters.apply(sa.select(AuditEvent)).order_by(AuditEvent.id.desc())
    offset = (max(page, 1) - 1) * per_page
    rows = list(session.scalars(query.offset(offset).limit(per_page + 1)))
    return rows[:per_page], len(rows) > per_page


def iter_events(*, session: Session, filters: AuditFilter) -> Iterator[AuditEvent]:
    query = filters.apply(sa.select(AuditEvent)).order_by(AuditEvent.id)
    yield from session.scalars(query.execution_options(yield_per=500))


def export_csv(
    *, session: Session, filters: AuditFilter, actor: User, client_address: str | None = None
) -> str:
    """The filtered events as CSV; the export itself is audited."""
    body = "".join(csv_lines(iter_events(session=session, filters=filters)))
    with transaction(session):
        record(
            session=session,
            action="audit.export",
            actor=actor,
            record_type="audit_events",
            client_address=client_address,
        )
    return body


def csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    """The CSV export, header first, one line at a time (for a streamed response)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield flush()
    for event in events:
        writer.writerow([spreadsheet_safe(cell) for cell in _cells(event)])
        yield flush()


def _cells(event: AuditEvent) -> list[object]:
    occurred = as_utc(event.occurred_at).isoformat(timespec="seconds")
    return [getattr(event, column) for column in CSV_COLUMNS[:1]] + [
        occurred,
        *(getattr(event, column) for column in CSV_COLUMNS[2:-1]),
        shown_ids(event.record_ids),
    ]
