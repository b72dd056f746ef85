"""Results that leave the app: a prediction's PDF report and FHIR record, for one reader (web
page, API) or for the hospital's batch file (command line).

Reading a report follows the rule of reading the result (someone else's prediction is not
found) and is audited like it, as ``prediction.report`` (PDF) or ``prediction.fhir``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from typing import TypedDict, TypeVarTuple

import sqlalchemy as sa
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.domainresource import DomainResource
from sqlalchemy.orm import Session

from pinkbreast.db.models import PredictionRecord, User, as_utc, utcnow
from pinkbreast.db.session import transaction
from pinkbreast.ml.evidence import Evidence
from pinkbreast.reports.content import LANGUAGES, ReportContent, UnknownLanguage, report_content
from pinkbreast.reports.fhir import batch_bundle, report_resources
from pinkbreast.reports.pdf import render_pdf
from pinkbreast.services import audit, predictions, scoring
from pinkbreast.services.image_evidence import ImageEvidence, image_evidence, validated
from pinkbreast.services.predictions import PredictionNotFound
from pinkbreast.services.tokens import TokenUser

__all__ = ["LANGUAGES", "PredictionNotFound", "UnknownLanguage"]
_CHUNK = 200
_Ts = TypeVarTuple("_Ts")


def report_pdf(
    *,
    session: Session,
    user: User | TokenUser,
    prediction_id: int,
    lang: str,
    tracking_uri: str | None = None,
    client_address: str | None = None,
    generated_at: datetime | None = None,
    prevalence: float | None = None,
    recall_floor: float | None = None,
) -> bytes:
    """The PDF report of a prediction the user may see; :class:`PredictionNotFound` else.
    ``prevalence``: the site's, for the predictive values of the evidence line;
    ``recall_floor``: the site's recall alert threshold, which the site's image-derived cases
    must support before an image-derived result loses its warning (None: it keeps it)."""
    record = _readable(session, user, prediction_id, lang, "prediction.report", client_address)
    _explain(session, record, tracking_uri)
    content = report_content(
        record,
        lang=lang,
        evidence=_evidence(record, tracking_uri),
        prevalence=prevalence,
        **_images(session, tracking_uri, recall_floor)(record),
    )
    return render_pdf(content, generated_at=_at(generated_at))


class ImageFacts(TypedDict):
    """What a report says about the image a prediction's values were measured from."""

    image_sha256: str | None
    image_validated: bool


def _images(
    session: Session, tracking_uri: str | None, recall_floor: float | None
) -> Callable[[PredictionRecord], ImageFacts]:
    """For each record: the image its values were measured from (if they were) and whether the
    site's confirmed image-derived cases support the version that made it (the champion's;
    looked up once, at the first image-derived record)."""
    found: list[ImageEvidence | None] = []

    def facts(record: PredictionRecord) -> ImageFacts:
        sha = _image_sha256(session, record.id)
        if sha is None:
            return {"image_sha256": None, "image_validated": False}
        if not found:
            found.append(
                image_evidence(session=session, tracking_uri=tracking_uri, floor=recall_floor)
                if tracking_uri is not None and recall_floor is not None
                else None
            )
        return {"image_sha256": sha, "image_validated": validated(found[0], record.model_version)}

    return facts


def _image_sha256(session: Session, prediction_id: int) -> str | None:
    """The image a prediction's values were measured from, if they were."""
    from pinkbreast.db.models import ImageProvenance

    query = sa.select(ImageProvenance.image_sha256).where(
        ImageProvenance.prediction_id == prediction_id
    )
    return session.scalar(query)


def prediction_bundle(
    *,
    session: Session,
    user: User | TokenUser,
    prediction_id: int,
    lang: str,
    base: str,
    tracking_uri: str | None = None,
    client_address: str | None = None,
    generated_at: datetime | None = None,
    recall_floor: float | None = None,
) -> Bundle:
    """One prediction as a FHIR ``batch`` Bundle (its PDF inside) for a user who may see it."""
    record = _readable(session, user, prediction_id, lang, "prediction.fhir", client_address)
    _explain(session, record, tracking_uri)
    at = _at(generated_at)
    images = _images(session, tracking_uri, recall_floor)
    content = report_content(record, lang=lang, **images(record))
    return batch_bundle([_resources(content, base, at)], timestamp=at)


def _readable(
    session: Session,
    user: User | TokenUser,
    prediction_id: int,
    lang: str,
    action: str,
    client_address: str | None,
) -> PredictionRecord:
    if lang not in LANGUAGES:
        raise UnknownLanguage(lang)
    return predictions.get_prediction(
        session=session,
        user=user,
        prediction_id=prediction_id,
        client_address=client_address,
        action=action,
        detail=lang,
    )


def _explain(session: Session, record: PredictionRecord, tracking_uri: str | None) -> None:
    """Explain a batch row on first reading, as the result page does (needs the model)."""
    if tracking_uri is None:
        return
    try:
        predictions.ensure_explanation(session=session, record=record, tracking_uri=tracking_uri)
    except scoring.ModelUnavailable:
        pass  # the report still states the stored result; only its explanation needs the model


def _evidence(record: PredictionRecord, tracking_uri: str | None) -> Evidence | None:
    """What the model version that made the prediction was learnt from, when it is known."""
    if tracking_uri is None:
        return None
    return scoring.evidence(record.model_version, tracking_uri=tracking_uri)


def _at(generated_at: datetime | None) -> datetime:
    return as_utc(generated_at) if generated_at is not None else utcnow()


def _resources(content: ReportContent, base: str, at: datetime) -> list[DomainResource]:
    return report_resources(content, render_pdf(content, generated_at=at), base=base)


def report_pdf_for_operator(
    *,
    session: Session,
    prediction_id: int,
    lang: str,
    generated_at: datetime | None = None,
    tracking_uri: str | None = None,
    recall_floor: float | None = None,
) -> bytes:
    """``pinkbreast report``: any prediction, for whoever runs the command; audited."""
    if lang not in LANGUAGES:
        raise UnknownLanguage(lang)
    valid = predictions.valid_id(prediction_id)
    record = session.get(PredictionRecord, prediction_id) if valid else None
    with transaction(session):
        audit.record(
            session=session,
            action="prediction.report",
            actor_name="cli",
            record_type="prediction",
            record_id=prediction_id,
            allowed=record is not None,
            detail=lang,
        )
    if record is None:
        raise PredictionNotFound(prediction_id)
    images = _images(session, tracking_uri, recall_floor)
    content = report_content(record, lang=lang, **images(record))
    return render_pdf(content, generated_at=_at(generated_at))


def count_since(*, session: Session, since: date | None) -> int:
    query = sa.select(sa.func.count()).select_from(PredictionRecord)
    return session.scalar(_since(query, since)) or 0


def export_bundle(
    *,
    session: Session,
    since: date | None,
    lang: str,
    base: str,
    progress: Callable[[int], None] | None = None,
    generated_at: datetime | None = None,
    tracking_uri: str | None = None,
    recall_floor: float | None = None,
) -> tuple[Bundle, int]:
    """Every prediction made on or after ``since`` (all without it) in one ``batch`` Bundle,
    in id order, and how many; audited. ``progress`` is called after each prediction."""
    if lang not in LANGUAGES:
        raise UnknownLanguage(lang)
    at = _at(generated_at)
    count = 0
    images = _images(session, tracking_uri, recall_floor)

    def reports() -> Iterator[list[DomainResource]]:
        nonlocal count
        for record in _in_id_order(session, since):
            yield _resources(report_content(record, lang=lang, **images(record)), base, at)
            count += 1
            if progress:
                progress(1)

    bundle = batch_bundle(reports(), timestamp=at)
    with transaction(session):
        audit.record(
            session=session,
            action="predictions.export_fhir",
            actor_name="cli",
            record_type="predictions",
            detail=f"{count} predictions" + (f" since {since.isoformat()}" if since else ""),
        )
    return bundle, count


def _in_id_order(session: Session, since: date | None) -> Iterator[PredictionRecord]:
    """Predictions by id, ``_CHUNK`` rows per query, each chunk read whole: a streamed cursor
    would be cut short on MariaDB when loading a row's outcomes issues a query of its own."""
    last = 0
    while True:
        query = _since(sa.select(PredictionRecord), since).where(PredictionRecord.id > last)
        chunk = session.scalars(query.order_by(PredictionRecord.id).limit(_CHUNK)).all()
        yield from chunk
        if len(chunk) < _CHUNK:
            return
        last = chunk[-1].id
        session.expunge_all()  # the rows already written out are not kept in memory


def _since(query: sa.Select[*_Ts], since: date | None) -> sa.Select[*_Ts]:
    """The predictions an export covers: made on or after ``since``, demonstrations left out."""
    query = query.where(PredictionRecord.demonstration.is_(False))
    if since is None:
        return query
    start = datetime.combine(since, time.min, tzinfo=as_utc(utcnow()).tzinfo)
    return query.where(PredictionRecord.created_at >= start)
