"""The result as a document: the PDF report, downloaded from the result page."""

from __future__ import annotations

from flask import Response, abort, current_app, request
from flask_babel import get_locale
from flask_login import current_user

from pinkbreast.services import reports
from pinkbreast.web.access import CLINICAL_ROLES as CLINICAL
from pinkbreast.web.access import role_required
from pinkbreast.web.clinic import bp
from pinkbreast.web.extensions import client_address, database


def pdf_response(body: bytes, prediction_id: int, lang: str) -> Response:
    name = f"pinkbreast-report-{prediction_id}-{lang}.pdf"
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/predictions/<int:prediction_id>/report.pdf")
@role_required(*CLINICAL)
def report_pdf(prediction_id: int):
    """``?lang=en|fr``; the interface language without it."""
    lang = request.args.get("lang") or str(get_locale() or "en")
    if lang not in reports.LANGUAGES:
        abort(400)  # the error page asks to go back and try again
    try:
        body = reports.report_pdf(
            session=database.session,
            user=current_user._get_current_object(),
            prediction_id=prediction_id,
            lang=lang,
            tracking_uri=current_app.config["PINKBREAST_SETTINGS"].mlflow_tracking_uri,
            client_address=client_address(),
            prevalence=current_app.config["PINKBREAST_SETTINGS"].local_prevalence,
            recall_floor=current_app.config["PINKBREAST_SETTINGS"].monitoring.recall_threshold,
        )
    except reports.PredictionNotFound:
        abort(404)
    return pdf_response(body, prediction_id, lang)
