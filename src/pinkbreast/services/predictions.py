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
from typing import Any, TypeVarTuple, cast

import numpy as np
import pydantic_core
import sqlalchemy as sa
from sqlalchemy.orm import Session

from pinkbreast.db.bulk import insert_many, insert_one
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
from pinkbreast.services.audit import Actor
from pinkbreast.services.scoring import TOP_REASONS, Scores, champion, matrix, score
from pinkbreast.services.tokens import TokenUser
from pinkbreast.vocabulary import FORM, SEES_EVERY_PREDICTION

_Columns = TypeVarTuple("_Columns")


class PredictionNotFound(LookupError):
    """No such prediction for this user (it may exist and belong to someone else)."""


class IdempotencyConflict(ValueError):
    """The idempotency key was already used by this user for a different request."""


@dataclass(frozen=True)
class Stored:
    records: Sequence[PredictionReading]  # NewPrediction when just stored, else PredictionRecord
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
    contours: list[list[list[float]]]  # accepted nuclei's boundaries, [[x, y], ...] pixels each


@dataclass(frozen=True)
class Submission:
    """Who submits samples, from where, and how to recognise a resubmission."""

    user: User | TokenUser  # a signed-in account, or the one behind an API token
    client_address: str | None = None
    idempotency_key: str | None = None
    source: str = FORM
    explain: bool = True


def create_predictions(
    *, session: Session, submission: Submission, samples: Sequence[Sample], tracking_uri: str
) -> Stored:
    """Score and store ``samples`` in one transaction with their audit row.

    The same ``idempotency_key`` from the same user returns what was stored the first time
    instead of storing again (double click, browser resubmit, client retry); the same key with
    different samples raises :class:`IdempotencyConflict`.
    """
    if submission.idempotency_key and (done := _by_key(session, submission)):
        return _replay(done, samples)
    X = matrix([s.values for s in samples])  # every problem of every row, first
    results = score(X, tracking_uri=tracking_uri, explain=submission.explain)
    batch_id = str(uuid.uuid4()) if len(samples) > 1 else None
    texts, explanations = _explanations(results)
    rows = _rows(samples, X, results, submission, batch_id, texts)
    if rows and submission.idempotency_key:
        rows[0]["idempotency_key"] = submission.idempotency_key
    try:
        with transaction(session):
            records = _insert(session, rows, explanations)
            _keep_provenance(session, samples, records)
            _audit_creation(session, submission, records, batch_id)
    except sa.exc.IntegrityError:
        if submission.idempotency_key and (done := _by_key(session, submission)):
            return _replay(done, samples)  # a concurrent resubmission won the race
        raise
    return Stored(records, replayed=False)


def _keep_provenance(
    session: Session, samples: Sequence[Sample], records: Sequence[NewPrediction]
) -> None:
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


_TABLE = cast(sa.Table, PredictionRecord.__table__)  # a mapped class's table (typed FromClause)
_BATCH_IDS = sa.select(_TABLE.c.id).where(_TABLE.c.batch_id == sa.bindparam("batch_id"))


def _insert(
    session: Session, rows: list[dict[str, Any]], explanations: list[dict[str, Any] | None]
) -> list[NewPrediction]:
    """Store ``rows`` (column values) with Core statements on the session's connection; the
    new predictions are the rows themselves with their ids (and ``explanations``, parsed).

    No ORM object and no unit of work: measured, they took a third of the CPU of a request,
    one row or 1,000. One row is one INSERT (:func:`~pinkbreast.db.bulk.insert_one`, its id
    from the driver). A batch is one
    executemany of the driver (:func:`~pinkbreast.db.bulk.insert_many`: sqlite3's own loop,
    PyMySQL's ``INSERT … VALUES (…), (…)``, psycopg's pipeline), then one indexed read of the
    batch's ids: rows are inserted in list order, so their ids ascend in that order on every
    backend.
    """
    connection = session.connection()
    if len(rows) == 1:
        ids: Sequence[int] = [insert_one(connection, _TABLE, rows[0])]
    else:
        insert_many(connection, _TABLE, rows)
        batch = rows[0]["batch_id"]
        read = connection.execute(_BATCH_IDS.order_by(_TABLE.c.id), {"batch_id": batch})
        ids = read.scalars().all()
        if len(ids) != len(rows):
            raise RuntimeError(f"batch {batch}: {len(rows)} rows inserted, {len(ids)} read back")
    for id_, row in zip(ids, rows, strict=True):
        row["id"] = id_
    return [NewPrediction(row, data) for row, data in zip(rows, explanations, strict=True)]


def _replay(records: list[PredictionRecord], samples: Sequence[Sample]) -> Stored:
    stored = [(r.sample_ref, r.feature_values()) for r in records]
    asked = [
        # float() of a value as given, as it always was (it raises on a non-number)
        (
            s.sample_ref or None,
            {name: float(cast("str | float", s.values[name])) for name in FEATURE_NAMES},
        )
        for s in samples
    ]
    if stored != asked:
        raise IdempotencyConflict("this idempotency key was used for a different request")
    return Stored(records, replayed=True)


def _by_key(session: Session, submission: Submission) -> list[PredictionRecord]:
    first = session.scalar(
        sa.select(PredictionRecord).where(
            PredictionRecord.user_id == submission.user.id,
            PredictionRecord.idempotency_key == submission.idempotency_key,
        )
    )
    if first is None or first.batch_id is None:
        return [first] if first is not None else []
    query = sa.select(PredictionRecord).where(PredictionRecord.batch_id == first.batch_id)
    return list(session.scalars(query.order_by(PredictionRecord.id)))


def _rows(
    samples: Sequence[Sample],
    X: np.ndarray,
    results: Scores,
    submission: Submission,
    batch_id: str | None,
    explanations: list[str | None],
) -> list[dict[str, Any]]:
    """The column values of each new prediction (``explanations``: the column's JSON)."""
    shared: dict[str, Any] = {
        "user_id": submission.user.id,
        "created_at": utcnow(),
        "source": submission.source,
        "batch_id": batch_id,
        "idempotency_key": None,
        "model_version": results.model_version,
        "threshold": results.threshold,
        "band_lower": results.band[0],
        "band_upper": results.band[1],
    }
    rows = []
    for i, (sample, values) in enumerate(zip(samples, X.tolist(), strict=True)):
        row = {
            **shared,
            "sample_ref": sample.sample_ref or None,
            "sample_date": sample.sample_date,
            "probability": results.probability[i],
            "zone": results.zone[i],
            "label": results.label[i],
            "warnings": ",".join(results.warnings[i]),
            "explanation": explanations[i],
            "demonstration": sample.demonstration,
        }
        row.update(zip(FEATURE_NAMES, values, strict=True))  # a row of the (n x 30) matrix
        rows.append(row)
    return rows


def _explanations(
    results: Scores,
) -> tuple[list[str | None], list[dict[str, Any] | None]]:
    """Each row's explanation as stored (JSON) and as read back from it (the same values:
    a float's JSON is its shortest exact form)."""
    if results.base_values is None or results.reasons is None:
        return [None] * len(results), [None] * len(results)
    method = results.explanation_method
    data: list[dict[str, Any] | None] = [
        {"base_value": base, "top": [list(pair) for pair in top], "method": method}
        for base, top in zip(results.base_values, results.reasons, strict=True)
    ]
    # pydantic's serialiser: the same JSON values as json.dumps (floats in their shortest exact
    # form), without its spaces, in a quarter of the time (a 1,000-row batch is 1,000 calls).
    return [pydantic_core.to_json(item).decode() for item in data], data


def _audit_creation(
    session: Session,
    submission: Submission,
    records: Sequence[NewPrediction],
    batch_id: str | None,
) -> None:
    connection = session.connection()
    if batch_id is None:
        audit.insert(
            connection,
            action="prediction.create",
            actor=submission.user,
            record_type="prediction",
            record_id=records[0].id,
            client_address=submission.client_address,
            detail=submission.source,
        )
        return
    audit.insert(
        connection,
        action="prediction.create_batch",
        actor=submission.user,
        record_type="batch",
        record_id=batch_id,
        client_address=submission.client_address,
        detail=f"{submission.source}: {len(records)} predictions, "
        f"ids {records[0].id}-{records[-1].id}",
    )


MAX_ID = 2**31 - 1  # the largest id every backend's integer column holds


def valid_id(prediction_id: int) -> bool:
    return 1 <= prediction_id <= MAX_ID


def sees_every_prediction(user: Actor) -> bool:
    """Whether ``user`` may see every account's predictions (else only their own)."""
    return user.role in SEES_EVERY_PREDICTION


def may_see(user: Actor, record: PredictionRecord | None) -> bool:
    """Whether ``user`` may see (and give the outcome of) ``record``: the one rule, in Python."""
    return record is not None and (sees_every_prediction(user) or record.user_id == user.id)


def visible_to(user: Actor, query: sa.Select[*_Columns]) -> sa.Select[*_Columns]:
    """``query`` narrowed to the predictions ``user`` may see: the same rule, in SQL."""
    if sees_every_prediction(user):
        return query
    return query.where(PredictionRecord.user_id == user.id)


def get_prediction(
    *,
    session: Session,
    user: Actor,
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
    if record is None or not allowed:
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
