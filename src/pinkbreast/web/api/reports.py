"""API endpoints for results that leave the app: the PDF report and the FHIR R4 Bundle."""

from __future__ import annotations

from flask import Response, current_app, g, request

from pinkbreast.services import reports
from pinkbreast.web.api import bp
from pinkbreast.web.api.auth import token_required
from pinkbreast.web.api.errors import ApiError
from pinkbreast.web.clinic.reports import pdf_response
from pinkbreast.web.extensions import client_address, database

FHIR_JSON = "application/fhir+json"


def _lang() -> str:
    lang = request.args.get("lang", "en")
    unknown = set(request.args) - {"lang"}
    if lang not in reports.LANGUAGES or unknown:
        problem = f"expected one of {', '.join(reports.LANGUAGES)}"
        field = "lang"
        if unknown:
            field, problem = sorted(unknown)[0], "unknown parameter"
        raise ApiError(422, "invalid_request", "Invalid query parameters.",
                       [{"field": field, "problem": problem}])  # fmt: skip
    return lang


def _read(function, prediction_id: int, **kwargs):
    settings = current_app.config["PINKBREAST_SETTINGS"]
    try:
        return function(
            session=database.session,
            user=g.api_user,
            prediction_id=prediction_id,
            tracking_uri=settings.mlflow_tracking_uri,
            client_address=client_address(),
            recall_floor=settings.monitoring.recall_threshold,
            **kwargs,
        )
    except reports.PredictionNotFound:
        raise ApiError(404, "not_found", "No such prediction.") from None


@bp.get("/predictions/<int:prediction_id>/report.pdf")
@token_required
def get_report_pdf(prediction_id: int):
    lang = _lang()
    prevalence = current_app.config["PINKBREAST_SETTINGS"].local_prevalence
    body = _read(reports.report_pdf, prediction_id, lang=lang, prevalence=prevalence)
    return pdf_response(body, prediction_id, lang)


@bp.get("/predictions/<int:prediction_id>/fhir")
@token_required
def get_fhir(prediction_id: int):
    lang = _lang()
    base = current_app.config["PINKBREAST_SETTINGS"].fhir_base
    bundle = _read(reports.prediction_bundle, prediction_id, lang=lang, base=base)
    return Response(bundle.model_dump_json(), mimetype=FHIR_JSON)
