"""API endpoints: thin views over the same services the web pages use."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from flask import current_app, g, request
from pydantic import ValidationError

from pinkbreast.db.models import NewPrediction
from pinkbreast.ml.inputs import InvalidInput
from pinkbreast.services import history, outcomes, predictions, query_params, scoring
from pinkbreast.vocabulary import API, CHECK_INPUT, FINDINGS_MAX, idempotency_key_problem
from pinkbreast.web.api import bp
from pinkbreast.web.api.auth import token_required
from pinkbreast.web.api.errors import ApiError, from_validation
from pinkbreast.web.api.schemas import OutcomeIn, PredictionIn
from pinkbreast.web.api.serialize import (
    model_out,
    new_predictions_json,
    page_out,
    prediction_out,
)
from pinkbreast.web.extensions import client_address, database


@bp.errorhandler(ApiError)
def api_error(error: ApiError):
    return error.response()


def _tracking_uri() -> str:
    return current_app.config["PINKBREAST_SETTINGS"].mlflow_tracking_uri


def _body(validate_json):
    """The JSON body as ``validate_json`` reads it (a schema's ``model_validate_json``)."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")
    try:
        return validate_json(request.get_data(cache=False))
    except ValidationError as error:
        raise from_validation(error) from error


def _model_unavailable():
    return ApiError(503, "model_unavailable", "No champion model is available yet.")


def _idempotency_key() -> str | None:
    if "Idempotency-Key" not in request.headers:
        return None
    key = request.headers["Idempotency-Key"]
    if problem := idempotency_key_problem(key):
        raise ApiError(
            422,
            "invalid_request",
            "Invalid Idempotency-Key header.",
            [{"field": "Idempotency-Key", "problem": problem}],
        )
    return key


@bp.post("/predictions")
@token_required
def create_predictions():
    given, explain = _body(PredictionIn.validate_json)
    key = _idempotency_key()
    samples = [
        predictions.Sample(
            values=s["measurements"],
            sample_ref=s.get("sample_ref"),
            sample_date=s.get("sample_date"),
        )
        for s in given
    ]
    submission = predictions.Submission(
        user=g.api_user,
        client_address=client_address(),
        idempotency_key=key,
        source=API,
        explain=explain,  # every row: exact attributions cost about as much as the score
    )
    try:
        stored = predictions.create_predictions(
            session=database.session,
            submission=submission,
            samples=samples,
            tracking_uri=_tracking_uri(),
        )
    except predictions.IdempotencyConflict:
        raise ApiError(
            409, "conflict", "This Idempotency-Key was used for another request."
        ) from None
    except InvalidInput as error:
        details = [
            {"field": f"samples[{row}].measurements.{name}", "problem": problem}
            for row, name, problem in error.problems
        ]
        raise ApiError(422, "invalid_request", "Some measurements are invalid.", details) from None
    except scoring.ModelUnavailable:
        raise _model_unavailable() from None
    checked = len(stored.records) <= FINDINGS_MAX
    evidence = _evidence(stored.records[0].model_version) if stored.records else None
    findings = [_finding(r) if checked else None for r in stored.records]
    if stored.replayed:  # records read back, perhaps with an outcome since
        pairs = zip(stored.records, findings, strict=True)
        return {"predictions": [prediction_out(r, finding, evidence) for r, finding in pairs]}, 200
    just_stored = cast("Sequence[NewPrediction]", stored.records)  # not replayed: new rows
    content = new_predictions_json(just_stored, findings, evidence)
    return current_app.response_class(content, status=201, mimetype="application/json")


def _evidence(version: str) -> dict | None:
    """The evidence behind ``version`` (None when it is not the champion's)."""
    described = scoring.evidence(version, tracking_uri=_tracking_uri())
    prevalence = current_app.config["PINKBREAST_SETTINGS"].local_prevalence
    return None if described is None else described.to_dict(prevalence)


def _finding(record):
    """What to check, for a prediction in the zone check_input (None otherwise)."""
    if record.zone != CHECK_INPUT:
        return None
    try:
        return scoring.check_input_finding(record.feature_values(), tracking_uri=_tracking_uri())
    except scoring.ModelUnavailable:
        return None


@bp.get("/predictions")
@token_required
def list_predictions():
    try:
        filters, page = history.parse_query(request.args, history.API)
    except query_params.InvalidParameter as error:
        raise ApiError(
            422,
            "invalid_request",
            "Invalid query parameters.",
            [{"field": error.field, "problem": error.problem}],
        ) from None
    listing = history.list_predictions(
        session=database.session,
        user=g.api_user,
        filters=filters,
        page=page,
        client_address=client_address(),
        channel="api",
    )
    return page_out(listing)


@bp.get("/predictions/<int:prediction_id>")
@token_required
def get_prediction(prediction_id: int):
    record = _visible(prediction_id)
    try:
        predictions.ensure_explanation(
            session=database.session, record=record, tracking_uri=_tracking_uri()
        )
    except scoring.ModelUnavailable:
        pass  # the stored result stands; only its explanation needs the model
    return prediction_out(record, _finding(record), _evidence(record.model_version))


@bp.put("/predictions/<int:prediction_id>/outcome")
@token_required
def put_outcome(prediction_id: int):
    body = _body(OutcomeIn.model_validate_json)
    try:
        outcomes.record_outcome(
            session=database.session,
            user=g.api_user,
            prediction_id=prediction_id,
            diagnosis=body.diagnosis,
            confirmed_on=body.confirmed_on,
            note=body.note,
            client_address=client_address(),
        )
    except predictions.PredictionNotFound:
        raise ApiError(404, "not_found", "No such prediction.") from None
    except outcomes.InvalidOutcome as error:
        raise ApiError(
            422,
            "invalid_request",
            "Invalid outcome.",
            [{"field": error.field, "problem": error.problem}],
        ) from None
    database.session.expire_all()
    return prediction_out(_visible(prediction_id))


def _visible(prediction_id: int):
    try:
        return predictions.get_prediction(
            session=database.session,
            user=g.api_user,
            prediction_id=prediction_id,
            client_address=client_address(),
        )
    except predictions.PredictionNotFound:
        raise ApiError(404, "not_found", "No such prediction.") from None


@bp.get("/model")
@token_required
def model():
    try:
        summary = scoring.model_summary(tracking_uri=_tracking_uri())
    except scoring.ModelUnavailable:
        raise _model_unavailable() from None
    return model_out(summary)
