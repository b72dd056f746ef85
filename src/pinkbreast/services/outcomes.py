"""Confirmed outcomes (histopathology): the ground truth monitoring computes recall from.

Recording again adds a row: the previous values stay in the history.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from pinkbreast.db.models import Outcome, PredictionRecord, User, utcnow
from pinkbreast.db.session import transaction
from pinkbreast.services import audit, site_cases
from pinkbreast.services.predictions import PredictionNotFound, may_see, valid_id
from pinkbreast.vocabulary import DIAGNOSES, NOTE_MAX


class InvalidOutcome(ValueError):
    def __init__(self, field: str, problem: str):
        self.field, self.problem = field, problem
        super().__init__(f"{field}: {problem}")


def record_outcome(
    *,
    session: Session,
    user: User,
    prediction_id: int,
    diagnosis: str,
    confirmed_on: date,
    note: str = "",
    client_address: str | None = None,
) -> Outcome:
    """Add the confirmed diagnosis ("M" or "B") of a prediction the user may change."""
    _check(diagnosis, confirmed_on, note)
    record = session.get(PredictionRecord, prediction_id) if valid_id(prediction_id) else None
    allowed = may_see(user, record)
    with transaction(session):
        outcome = None
        if allowed:
            outcome = Outcome(
                prediction_id=prediction_id,
                diagnosis=diagnosis,
                confirmed_on=confirmed_on,
                note=note.strip(),
                recorded_by_id=user.id,
                recorded_at=utcnow(),
            )
            session.add(outcome)
            session.flush()
            site_cases.follow_outcome(session=session, outcome=outcome, actor=user)
        audit.record(
            session=session,
            action="outcome.record",
            actor=user,
            record_type="prediction",
            record_id=prediction_id,
            allowed=allowed,
            client_address=client_address,
            detail=f"diagnosis {diagnosis}" if allowed else None,
        )
    if outcome is None:
        raise PredictionNotFound(prediction_id)
    return outcome


def _check(diagnosis: str, confirmed_on: date, note: str) -> None:
    if diagnosis not in DIAGNOSES:
        raise InvalidOutcome("diagnosis", "expected M (malignant) or B (benign)")
    if confirmed_on > utcnow().date():
        raise InvalidOutcome("confirmed_on", "the date cannot be in the future")
    if len(note) > NOTE_MAX:
        raise InvalidOutcome("note", f"at most {NOTE_MAX} characters")
