"""Reference/training cases: import (all-or-nothing, idempotent by id, audited in the same
transaction), counts, the exploratory report, loading."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session

from pinkbreast.db.models import Case, User, utcnow
from pinkbreast.db.session import transaction
from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml.names import REFERENCE
from pinkbreast.services import audit

COLUMNS = ("id", "diagnosis", *FEATURE_NAMES)
# one case as pandas gives it (to_dict("records")): "id", "diagnosis" and the 30 values
Record = Mapping[str, Any]
_CHUNK = 500


@dataclass(frozen=True)
class ImportReport:
    new: int
    unchanged: int
    updated: int

    @property
    def total(self) -> int:
        return self.new + self.unchanged + self.updated


def import_cases(
    *,
    session: Session,
    frame: pd.DataFrame,
    source: str,
    actor: User | None = None,
    actor_name: str | None = None,
    client_address: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Insert new ids, update changed ones, leave identical ones, and record who imported what
    (``cases.import``: ``actor``, or ``actor_name`` such as ``"cli"``): one transaction for all,
    so a failed import leaves neither cases nor audit row."""
    records = frame[list(COLUMNS)].to_dict("records")
    new = unchanged = updated = 0
    now = utcnow()
    with transaction(session):
        for chunk in _chunks(records, _CHUNK):
            ids = [int(r["id"]) for r in chunk]
            existing = {c.id: c for c in session.scalars(sa.select(Case).where(Case.id.in_(ids)))}
            for record in chunk:
                case = existing.get(int(record["id"]))
                if case is None:
                    session.add(_new_case(record, source, now))
                    new += 1
                elif _same(case, record):
                    unchanged += 1
                else:
                    _update(case, record, source, now)
                    updated += 1
            session.flush()
            if progress:
                progress(len(chunk))
        audit.record(
            session=session,
            action="cases.import",
            actor=actor,
            actor_name=actor_name,
            record_type="cases",
            client_address=client_address,
            detail=f"{source}: {new} new, {updated} updated",
        )
    return ImportReport(new, unchanged, updated)


def _chunks(items: list[Record], size: int) -> Iterable[list[Record]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _new_case(record: Record, source: str, now: datetime) -> Case:
    case = Case(id=int(record["id"]), source=source, imported_at=now)
    _update(case, record, source, now)
    return case


def _same(case: Case, record: Record) -> bool:
    return case.diagnosis == record["diagnosis"] and all(
        getattr(case, name) == float(record[name]) for name in FEATURE_NAMES
    )


def _update(case: Case, record: Record, source: str, now: datetime) -> None:
    case.diagnosis = record["diagnosis"]
    case.source = source
    case.imported_at = now
    for name in FEATURE_NAMES:
        setattr(case, name, float(record[name]))


def count_cases(*, session: Session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Case)) or 0


def counts_by_diagnosis(*, session: Session) -> dict[str, int]:
    """How many cases of each diagnosis ("M", "B") the table holds."""
    query = sa.select(Case.diagnosis, sa.func.count()).group_by(Case.diagnosis)
    return dict(session.execute(query).tuples().all())


def write_eda_report(
    *, session: Session, path: Path, actor: User, client_address: str | None
) -> Path:
    """Write the exploratory report of the reference cases to ``path``, its opening audited
    (``cases.eda``)."""
    from pinkbreast.ml.eda import write_report  # plotting: loaded only when asked

    written = write_report(load_frame(session), path)
    with transaction(session):
        audit.record(
            session=session,
            action="cases.eda",
            actor=actor,
            record_type="cases",
            client_address=client_address,
        )
    return written


def load_frame(session: Session, *, origins: tuple[str, ...] = (REFERENCE,)) -> pd.DataFrame:
    """Cases of ``origins`` (default: the reference cases alone) ordered by id: ``id``,
    ``diagnosis`` ("M"/"B"), then the 30 features. Adopted site cases join the training of a
    challenger only (``pinkbreast train --challenger``)."""
    columns = [getattr(Case, name) for name in COLUMNS]
    query = sa.select(*columns).where(Case.origin.in_(origins)).order_by(Case.id)
    rows = session.execute(query).all()
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.astype({"id": "int64", **{name: "float64" for name in FEATURE_NAMES}})
