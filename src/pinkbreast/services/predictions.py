"""Predictions on record: create (scored, stored and audited together), read, list, outcomes.

A clinician sees and changes only their own predictions; an administrator sees all. Someone
else's prediction is reported as not found (no hint that it exists), and the attempt is audited.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pinkbreast.db.models import (
    ImageProvenance,
    NewPrediction,
    PredictionReading,
    PredictionRecord,
    User,
    utcnow,
)
from pinkbreast.db.session import transaction
from pinkbreast.features import FEATURE_NAMES
from pinkbreast.services import audit
from pinkbreast.services.scoring import TOP_REASONS, Scored, champion, score
from pinkbreast.services.tokens import TokenUser
from pinkbreast.vocabulary import FORM, SEES_EVERY_PREDICTION


class PredictionNotFound(LookupError):
    """No such prediction for this user (it may exist and belong to someone else)."""


class IdempotencyConflict(ValueError):
    """The idempotency key was already used by this user for a different request."""


@dataclass(frozen=True)
class Stored:
    records: list[PredictionReading]  # NewPrediction when just stored, else PredictionRecord
    replayed: bool  # True when an earlier request with the same key is being answered again


@dataclass(frozen=True)
class Sample:
    values: Mapping[str, object]
    sample_ref: str | None = None
    sample_date: date | None = None
    demonstration: bool = False  # an example case entered to try the tool, not a patient
    image: ImageSource | None = None  # measured from an image: where the values came from


@dataclass(frozen=True)
class ImageSource:
    """The image behind a sample's values (pinkbreast.imaging), kept as provenance."""

    sha256: str
    name: str
    width: int
    height: int
    pixel_size_um: float
    method_version: str
    code_version: str
    contours: list  # accepted nuclei's boundaries, [[x, y], ...] pixels each


@dataclass(frozen=True)
class Request:
    """Who asks, from where, and how to recognise a resubmission."""

    user: User | TokenUser  # a signed-in account, or the one behind an API token
    client_address: str | None = None
    idempotency_key: str | None = None
    source: str = FORM
    explain: bool = True


def create_predictions(
    *, session: Session, request: Request, samples: Sequence[Sample], tracking_uri: str
) -> Stored:
    """Score and store ``samples`` in one transaction with their audit row.

    The same ``idempotency_key`` from the same user returns what was stored the first time
    instead of storing again (double click, browser resubmit, client retry); the same key with
    different samples raises :class:`IdempotencyConflict`.
    """
    if request.idempotency_key and (done := _by_key(session, request)):
        return _replay(done, samples)
    results = score([s.values for s in samples], tracking_uri=tracking_uri, explain=request.explain)
    batch_id = str(uuid.uuid4()) if len(samples) > 1 else None
    rows = [_row(s, r, request, batch_id) for s, r in zip(samples, results, strict=True)]
    if rows and request.idempotency_key:
        rows[0]["idempotency_key"] = request.idempotency_key
    try:
        with transaction(session):
            records = _insert(session, rows)
            _keep_provenance(session, samples, records)
            _audit_creation(session, request, records, batch_id)
    except sa.exc.IntegrityError:
        if request.idempotency_key and (done := _by_key(session, request)):
            return _replay(done, samples)  # a concurrent resubmission won the race
        raise
    return Stored(records, replayed=False)


def _keep_provenance(session: Session, samples: Sequence[Sample], records) -> None:
    for sample, record in zip(samples, records, strict=True):
        if (image := sample.image) is not None:
            session.add(
                ImageProvenance(
                    prediction_id=record.id,
                    image_sha256=image.sha256,
                    image_name=image.name[:200],
                    width=image.width,
                    height=image.height,
                    pixel_size_um=image.pixel_size_um,
                    method_version=image.method_version,
                    code_version=image.code_version,
                    nuclei=len(image.contours),
                    contours=json.dumps(image.contours, separators=(",", ":")),
                )
            )
    session.flush()


def image_provenance(*, session: Session, prediction_id: int) -> ImageProvenance | None:
    """Where a prediction's values came from, when they were measured on an image."""
    return session.scalar(
        sa.select(ImageProvenance).where(ImageProvenance.prediction_id == prediction_id)
    )


_TABLE = PredictionRecord.__table__
_INSERT = sa.insert(_TABLE)
_INSERT_RETURNING = _INSERT.returning(_TABLE.c.id, sort_by_parameter_order=True)


def _insert(session: Session, rows: list[dict]) -> list[NewPrediction]:
    """Store ``rows`` (column values) with Core statements on the session's connection.

    No ORM object and no unit of work: measured, they took a third of the CPU of a request,
    one row or 1,000. One row is one INSERT (its id from the driver); a
    batch, where the backend has INSERT … RETURNING (PostgreSQL, MariaDB >= 10.5, SQLite >=
    3.35), one statement returning the ids in order; elsewhere (MySQL) one INSERT per row.
    """
    connection = session.connection()
    dialect = connection.dialect
    if len(rows) > 1 and dialect.insert_returning and dialect.use_insertmanyvalues:
        ids = connection.execute(_INSERT_RETURNING, rows).scalars().all()
    else:
        ids = [connection.execute(_INSERT, row).inserted_primary_key[0] for row in rows]
    return [NewPrediction({"id": id_, **row}) for id_, row in zip(ids, rows, strict=True)]


def _replay(records: list[PredictionRecord], samples: Sequence[Sample]) -> Stored:
    stored = [(r.sample_ref, r.feature_values()) for r in records]
    asked = [
        (s.sample_ref or None, {name: float(s.values[name]) for name in FEATURE_NAMES})
        for s in samples
    ]
    if stored != asked:
        raise IdempotencyConflict("this idempotency key was used for a different request")
    return Stored(records, replayed=True)


def _by_key(session: Session, request: Request) -> list[PredictionRecord]:
    first = session.scalar(
        sa.select(PredictionRecord).where(
            PredictionRecord.user_id == request.user.id,
            PredictionRecord.idempotency_key == request.idempotency_key,
        )
    )
    if first is None or first.batch_id is None:
        return [first] if first is not None else []
    query = sa.select(PredictionRecord).where(PredictionRecord.batch_id == first.batch_id)
    return list(session.scalars(query.order_by(PredictionRecord.id)))


def _row(sample: Sample, result: Scored, request: Request, batch_id) -> dict:
    """The column values of one new prediction."""
    return {
        "user_id": request.user.id,
        "created_at": utcnow(),
        "source": request.source,
        "batch_id": batch_id,
        "idempotency_key": None,
        "sample_ref": sample.sample_ref or None,
        "sample_date": sample.sample_date,
        "model_version": result.model_version,
        "probability": result.probability,
        "zone": result.zone,
        "label": result.label,
        "threshold": result.threshold,
        "band_lower": result.band[0],
        "band_upper": result.band[1],
        "warnings": ",".join(result.warnings),
        "explanation": _explanation_json(result),
        "demonstration": sample.demonstration,
        **result.values,
    }


def _explanation_json(result: Scored) -> str | None:
    if result.base_value is None:
        return None
    document = {"base_value": result.base_value, "top": list(result.reasons)}
    return json.dumps(document | {"method": result.explanation_method})


def _audit_creation(session, request: Request, records, batch_id) -> None:
    connection = session.connection()
    if batch_id is None:
        audit.insert(
            connection,
            action="prediction.create",
            actor=request.user,
            record_type="prediction",
            record_id=records[0].id,
            client_address=request.client_address,
            detail=request.source,
        )
        return
    audit.insert(
        connection,
        action="prediction.create_batch",
        actor=request.user,
        record_type="batch",
        record_id=batch_id,
        client_address=request.client_address,
        detail=f"{request.source}: {len(records)} predictions, "
        f"ids {records[0].id}-{records[-1].id}",
    )


MAX_ID = 2**31 - 1  # the largest id every backend's integer column holds


def valid_id(prediction_id: int) -> bool:
    return 1 <= prediction_id <= MAX_ID


def sees_every_prediction(user: User) -> bool:
    """Whether ``user`` may see every account's predictions (else only their own)."""
    return user.role in SEES_EVERY_PREDICTION


def may_see(user: User, record: PredictionRecord | None) -> bool:
    """Whether ``user`` may see (and give the outcome of) ``record``: the one rule, in Python."""
    return record is not None and (sees_every_prediction(user) or record.user_id == user.id)


def visible_to(user: User, query: sa.Select) -> sa.Select:
    """``query`` narrowed to the predictions ``user`` may see: the same rule, in SQL."""
    if sees_every_prediction(user):
        return query
    return query.where(PredictionRecord.user_id == user.id)


def get_prediction(
    *,
    session: Session,
    user: User,
    prediction_id: int,
    client_address: str | None = None,
    action: str = "prediction.view",
    detail: str | None = None,
) -> PredictionRecord:
    """A prediction the user may see, with its view audited; :class:`PredictionNotFound` else.

    ``action`` and ``detail`` name the kind of view in the audit row (a page, a PDF report, a
    FHIR export): every way of reading a result follows the same rule.
    """
    record = session.get(PredictionRecord, prediction_id) if valid_id(prediction_id) else None
    allowed = may_see(user, record)
    with transaction(session):
        audit.record(
            session=session,
            action=action,
            actor=user,
            record_type="prediction",
            record_id=prediction_id,
            allowed=allowed,
            client_address=client_address,
            detail=detail,
        )
    if not allowed:
        raise PredictionNotFound(prediction_id)
    return record


def ensure_explanation(*, session: Session, record: PredictionRecord, tracking_uri: str) -> None:
    """Explain a stored prediction that was scored without one (batch rows), and keep it.

    Only when the model that scored it is still the champion: an explanation must come from
    the model that made the prediction.
    """
    if record.explanation is not None:
        return
    model = champion(tracking_uri)
    if model.version != record.model_version:
        return
    explanation = model.explain(record.feature_values())
    with transaction(session):
        record.explanation = json.dumps(
            {"base_value": explanation.base_value, "top": explanation.top(TOP_REASONS),
             "method": explanation.method}
        )  # fmt: skip
