"""The site's confirmed predictions adopted as labelled cases (``cases``), with provenance.

Adoption is explicit (``pinkbreast data adopt-confirmed``, the admin page), idempotent (one case
per prediction, keyed by the prediction: adopting again changes nothing) and audited in the
same transaction. A case follows its prediction's *current* outcome: a correction recorded
later updates the adopted case (:func:`follow_outcome`, called by the outcome service).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session

from pinkbreast.db.models import Case, ImageProvenance, Outcome, PredictionRecord, User, utcnow
from pinkbreast.db.session import transaction
from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml.names import IMAGE, ORIGIN_OF_SOURCE, REFERENCE, TYPED
from pinkbreast.services import audit
from pinkbreast.tables import SITE_ID_OFFSET


@dataclass(frozen=True)
class AdoptionReport:
    new: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.new + self.updated + self.unchanged


def _latest_outcomes(since: date | None) -> sa.Select[PredictionRecord, Outcome]:
    """``(prediction, its latest outcome)`` pairs, confirmed on or after ``since``."""
    latest = (
        sa.select(sa.func.max(Outcome.id).label("outcome_id"))
        .group_by(Outcome.prediction_id)
        .subquery()
    )
    query = (
        sa.select(PredictionRecord, Outcome)
        .join(Outcome, Outcome.prediction_id == PredictionRecord.id)
        .where(Outcome.id.in_(sa.select(latest.c.outcome_id)))
        .where(PredictionRecord.demonstration.is_(False))  # examples are not patients
        .order_by(PredictionRecord.id)
    )
    return query if since is None else query.where(Outcome.confirmed_on >= since)


def adopt_confirmed(
    *,
    session: Session,
    actor: User | None = None,
    actor_name: str | None = None,
    since: date | None = None,
    client_address: str | None = None,
) -> AdoptionReport:
    """Adopt every prediction with a confirmed outcome (confirmed on or after ``since``) as a
    case; update the cases whose outcome was corrected. One transaction with its audit row."""
    new = updated = unchanged = 0
    touched: list[int] = []
    with transaction(session):
        pairs = session.execute(_latest_outcomes(since)).all()
        ids = [record.id for record, _ in pairs]
        existing = {
            case.prediction_id: case
            for case in session.scalars(sa.select(Case).where(Case.prediction_id.in_(ids)))
        } if ids else {}  # fmt: skip
        measured = _measured_on_images(session, ids)
        for record, outcome in pairs:
            case = existing.get(record.id)
            if case is None:
                session.add(_new_case(record, outcome, from_image=record.id in measured))
                new += 1
            elif _apply(case, outcome):
                updated += 1
            else:
                unchanged += 1
                continue
            touched.append(record.id)
        audit.record(
            session=session,
            action="cases.adopt",
            actor=actor,
            actor_name=actor_name,
            record_type="site_cases",
            client_address=client_address,
            detail=f"{new} new, {updated} updated, {unchanged} unchanged"
            + (f"; confirmed since {since.isoformat()}" if since else ""),
            record_ids=touched,
        )
    return AdoptionReport(new, updated, unchanged)


def _measured_on_images(session: Session, ids: list[int]) -> set[int]:
    """Those of the predictions ``ids`` whose values were measured from an image."""
    if not ids:
        return set()
    query = sa.select(ImageProvenance.prediction_id).where(ImageProvenance.prediction_id.in_(ids))
    return set(session.scalars(query))


def _new_case(record: PredictionRecord, outcome: Outcome, *, from_image: bool = False) -> Case:
    """The case of a confirmed prediction; its origin says how the values were entered (an
    image measured here, whatever the channel that sent them, else the channel)."""
    case = Case(
        id=SITE_ID_OFFSET + record.id,
        source=f"prediction {record.id}",
        origin=IMAGE if from_image else ORIGIN_OF_SOURCE.get(record.source, TYPED),
        prediction_id=record.id,
        imported_at=utcnow(),
    )
    for name in FEATURE_NAMES:
        setattr(case, name, float(getattr(record, name)))
    _apply(case, outcome)
    return case


def _apply(case: Case, outcome: Outcome) -> bool:
    """Give ``case`` the outcome's diagnosis, confirmer and date; True when anything changed."""
    wanted = (outcome.diagnosis, outcome.recorded_by_id, outcome.confirmed_on)
    if (case.diagnosis, case.confirmed_by_id, case.confirmed_on) == wanted:
        return False
    case.diagnosis, case.confirmed_by_id, case.confirmed_on = wanted
    return True


def follow_outcome(*, session: Session, outcome: Outcome, actor: User) -> None:
    """Inside the caller's transaction: update the case adopted from the outcome's prediction
    (if any) to this newly recorded outcome, with its own audit row."""
    case = session.scalar(sa.select(Case).where(Case.prediction_id == outcome.prediction_id))
    if case is None or not _apply(case, outcome):
        return
    audit.record(
        session=session,
        action="case.update",
        actor=actor,
        record_type="case",
        record_id=case.id,
        detail=f"diagnosis {outcome.diagnosis} from prediction {outcome.prediction_id}",
    )


SITE_COLUMNS = ("id", "diagnosis", "origin", "prediction_id", "predicted_on", *FEATURE_NAMES)


def load_site_frame(session: Session, origin: str | None = None) -> pd.DataFrame:
    """Adopted site cases by id (only those of ``origin`` when given): ``id``, ``diagnosis``,
    ``origin``, ``prediction_id``, ``predicted_on`` (the prediction's date), then the 30
    features."""
    columns = [
        Case.id,
        Case.diagnosis,
        Case.origin,
        Case.prediction_id,
        PredictionRecord.created_at,
        *(getattr(Case, name) for name in FEATURE_NAMES),
    ]
    query = (
        sa.select(*columns)
        .join(PredictionRecord, PredictionRecord.id == Case.prediction_id)
        .where(Case.origin != REFERENCE)
        .order_by(Case.id)
    )
    if origin is not None:
        query = query.where(Case.origin == origin)
    frame = pd.DataFrame(session.execute(query).all(), columns=list(SITE_COLUMNS))
    frame["predicted_on"] = pd.to_datetime(frame["predicted_on"], utc=True)
    return frame.astype({"id": "int64", **{name: "float64" for name in FEATURE_NAMES}})


def count_site_cases(*, session: Session) -> int:
    query = sa.select(sa.func.count()).select_from(Case).where(Case.origin != REFERENCE)
    return session.scalar(query) or 0
