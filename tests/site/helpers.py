"""Rows for the site-evidence tests: accounts and confirmed predictions written directly."""

from __future__ import annotations

from datetime import date

from pinkbreast.db.models import Outcome, PredictionRecord, User, utcnow
from pinkbreast.features import FEATURE_NAMES


def user(session, name: str = "carla", role: str = "clinician") -> User:
    account = User(
        username=name,
        email=f"{name}@site.test",
        password_hash="x",
        role=role,
        status="active",
        session_token=name[0] * 32,
    )
    session.add(account)
    session.flush()
    return account


def confirmed(
    session,
    account: User,
    values: dict[str, float] | None = None,
    *,
    diagnosis: str = "M",
    source: str = "form",
    confirmed_on: date | None = None,
    probability: float = 0.5,
    zone: str = "malignant",
) -> PredictionRecord:
    """A prediction with one confirmed outcome (not committed)."""
    values = values or {name: 1.0 for name in FEATURE_NAMES}
    record = PredictionRecord(
        user_id=account.id,
        source=source,
        model_version="1",
        probability=probability,
        zone=zone,
        label="malignant" if zone != "check_input" else None,
        threshold=0.3,
        band_lower=0.2,
        band_upper=0.6,
        warnings="",
        created_at=utcnow(),
        **{name: float(values[name]) for name in FEATURE_NAMES},
    )
    session.add(record)
    session.flush()
    session.add(
        Outcome(
            prediction_id=record.id,
            diagnosis=diagnosis,
            confirmed_on=confirmed_on or date.today(),
            note="",
            recorded_by_id=account.id,
        )
    )
    session.flush()
    return record
