"""Thin views: the prediction form, the result page, confirmed outcomes and history."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pinkbreast.features import BY_NAME, PROPERTIES, STATISTICS
from pinkbreast.ml.data import load_reference
from pinkbreast.services import history, outcomes, predictions, query_params, scoring
from pinkbreast.services.image_evidence import image_evidence
from pinkbreast.vocabulary import BENIGN, CHECK_INPUT, FILTER_ZONES, MALIGNANT
from pinkbreast.web.access import CLINICAL_ROLES as CLINICAL
from pinkbreast.web.access import role_required
from pinkbreast.web.clinic import bp
from pinkbreast.web.clinic.explanation import explanation_view
from pinkbreast.web.clinic.forms import OutcomeForm, parse_number, prediction_form
from pinkbreast.web.clinic.measure import fill_from_image, image_source
from pinkbreast.web.extensions import client_address, database
from pinkbreast.web.form_data import given

READINGS = {
    BENIGN: _l("typical of benign cases"),
    MALIGNANT: _l("typical of malignant cases"),
    "both": _l("seen in both"),
    "between": _l("between the two"),
    "beyond": _l("beyond both ranges"),
}


def _image_evidence(version: str | None = None):
    """How the site's confirmed image-derived cases support the champion (the notice on values
    measured from an image); ``version``: the version that made the prediction shown."""
    settings = current_app.config["PINKBREAST_SETTINGS"]
    return image_evidence(session=database.session, tracking_uri=_tracking_uri(),
                          floor=settings.monitoring.recall_threshold, version=version)  # fmt: skip


def _tracking_uri() -> str:
    return current_app.config["PINKBREAST_SETTINGS"].mlflow_tracking_uri


def _lang() -> str:
    return str(get_locale() or "en")


def _user():
    return current_user._get_current_object()


def _examples() -> dict[str, dict[str, float]]:
    """One malignant and one benign WDBC case, for demonstrations."""
    cache = current_app.extensions.setdefault("pinkbreast.examples", {})
    if not cache:
        frame = load_reference()
        for diagnosis, key in (("M", "malignant"), ("B", "benign")):
            row = frame[frame["diagnosis"] == diagnosis].iloc[0]
            cache[key] = {name: float(row[name]) for name in frame.columns[2:]}
    return cache


@bp.route("/predict", methods=["GET", "POST"])
@role_required(*CLINICAL)
def predict():
    """The form; with "Review" a page listing the 30 values before scoring, "Edit" back to the
    form with them, "Get the estimate" scores. ``?from=ID`` fills the form from a prediction
    (edit and re-run: a new prediction, the first one kept)."""
    try:
        model = scoring.model_summary(tracking_uri=_tracking_uri())
    except scoring.ModelUnavailable:
        return render_template("clinic/no_model.html"), 503
    features = model["features"]
    form = prediction_form(features, data=_rerun_data(features))
    from_image = request.args.get("measurement")
    if from_image and request.method == "GET" and not fill_from_image(form, from_image, features):
        abort(400, "measurement: no nucleus is accepted in this image")
    action = request.form.get("action", "score")
    if action != "edit" and form.validate_on_submit():
        values = {name: float(parse_number(form[name].data)) for name in features}
        if action == "review":
            page = render_template(
                "clinic/review.html", form=form, values=values, features=BY_NAME, lang=_lang(),
                from_image=bool(from_image),
            )  # fmt: skip
            return page
        image = image_source(from_image) if from_image else None
        record = _create(form, features, image)
        return redirect(url_for("clinic.result", prediction_id=record.id), code=303)
    page = render_template(
        "clinic/predict.html",
        form=form,
        model=model,
        properties=PROPERTIES,
        statistics=STATISTICS,
        features_by_name=BY_NAME,
        examples=_examples(),
        lang=_lang(),
        from_image=bool(from_image),
        image_evidence=_image_evidence() if from_image else None,
    )
    return page, 400 if form.errors else 200


def _rerun_data(features: list[str]) -> dict | None:
    """The form's first values for ``?from=ID``: that prediction's, written the page's way."""
    if request.method != "GET" or not request.args.get("from", "").isdigit():
        return None
    record = _visible(int(request.args["from"]))
    comma = _lang() == "fr"
    data = {
        name: repr(float(record.feature_values()[name])).replace(".", "," if comma else ".")
        for name in features
    }
    return {**data, "sample_ref": record.sample_ref or "", "sample_date": record.sample_date}


def _is_example(values: dict[str, float]) -> bool:
    return any(values == example for example in _examples().values())


def _create(form, features: list[str], image=None):
    values = {name: float(parse_number(form[name].data)) for name in features}
    sample = predictions.Sample(
        values=values,
        sample_ref=form.sample_ref.data.strip(),
        sample_date=form.sample_date.data,
        demonstration=_is_example(values),
        image=image,
    )
    submission = predictions.Submission(
        user=_user(), client_address=client_address(), idempotency_key=form.token.data or None
    )
    create = predictions.create_predictions
    try:
        stored = create(
            session=database.session,
            submission=submission,
            samples=[sample],
            tracking_uri=_tracking_uri(),
        )
    except predictions.IdempotencyConflict:  # the form was edited after being submitted
        stored = create(
            session=database.session,
            submission=dataclasses.replace(submission, idempotency_key=None),
            samples=[sample],
            tracking_uri=_tracking_uri(),
        )
    return stored.records[0]


@bp.get("/predictions/<int:prediction_id>")
@role_required(*CLINICAL)
def result(prediction_id: int):
    record = _visible(prediction_id)
    try:
        predictions.ensure_explanation(
            session=database.session, record=record, tracking_uri=_tracking_uri()
        )
    except scoring.ModelUnavailable:
        pass  # the page still shows the stored result; the explanation needs the model
    return _render_result(record, OutcomeForm())


def _render_result(record, outcome_form: OutcomeForm, status: int = 200):
    explanation = record.explanation_data
    why = None
    if explanation:
        values = record.feature_values()
        every = scoring.all_contributions(
            values, record.model_version, tracking_uri=_tracking_uri()
        )
        shown = {**explanation, "top": every} if every else explanation
        why = explanation_view(shown, values, record.probability)
    finding, evidence_line = None, None
    settings = current_app.config["PINKBREAST_SETTINGS"]
    if evidence := scoring.evidence(record.model_version, tracking_uri=_tracking_uri()):
        evidence_line = evidence.line(settings.local_prevalence, _lang())
    if record.zone == CHECK_INPUT:
        try:
            finding = scoring.check_input_finding(
                record.feature_values(), tracking_uri=_tracking_uri()
            )
        except scoring.ModelUnavailable:
            pass  # the zone and the range warnings still say what to check
    provenance = predictions.image_provenance(session=database.session, prediction_id=record.id)
    page = render_template(
        "clinic/result.html",
        record=record,
        provenance=provenance,
        image_evidence=_image_evidence(record.model_version) if provenance else None,
        contours=json.loads(provenance.contours) if provenance else None,
        finding=finding,
        evidence_line=evidence_line,
        explanation=explanation,
        why=why,
        readings=READINGS,
        outcome_form=outcome_form,
        features=BY_NAME,
        lang=_lang(),
    )
    return page, status


@bp.get("/predictions/<int:prediction_id>/image.png")
@role_required(*CLINICAL)
def prediction_image(prediction_id: int):
    """The image a prediction was measured on (its owner and administrators, audited as a
    read of the prediction)."""
    from pinkbreast.imaging.reading import read_image, to_png
    from pinkbreast.services.measure_drafts import DraftNotFound, kept_image

    record = _visible(prediction_id)
    provenance = predictions.image_provenance(session=database.session, prediction_id=record.id)
    if provenance is None:
        abort(404)
    instance = current_app.config["PINKBREAST_SETTINGS"].instance_path
    try:
        data = kept_image(instance=instance, sha256=provenance.image_sha256)
    except DraftNotFound:
        abort(404)
    return Response(to_png(read_image(data, name=provenance.image_name)), mimetype="image/png")


@bp.post("/predictions/<int:prediction_id>/outcome")
@role_required(*CLINICAL)
def record_outcome(prediction_id: int):
    form = OutcomeForm()
    if not form.validate_on_submit():
        return _render_result(_visible(prediction_id), form, 400)
    try:
        outcomes.record_outcome(
            session=database.session,
            user=_user(),
            prediction_id=prediction_id,
            diagnosis=form.diagnosis.data,
            confirmed_on=given(form.confirmed_on.data),
            note=form.note.data or "",
            client_address=client_address(),
        )
    except predictions.PredictionNotFound:
        abort(404)
    flash(_("Confirmed outcome recorded."), "success")
    return redirect(url_for("clinic.result", prediction_id=prediction_id), code=303)


@bp.get("/predictions")
@role_required(*CLINICAL)
def history_page():
    """The list, filtered; a bad filter value is refused (400) on the page itself, above the
    filter form, naming the parameter with the rule's message (the API's 422 says the same)."""
    try:
        filters, page = history.parse_query(request.args, history.PAGE)
    except query_params.InvalidParameter as error:
        refusal = render_template(
            "clinic/history.html",
            problem=f"{error.field}: {error.problem}",
            filters=history.HistoryFilter(),
            zones=FILTER_ZONES,
        )
        return refusal, 400
    listing = history.list_predictions(
        session=database.session,
        user=_user(),
        filters=filters,
        page=page,
        client_address=client_address(),
    )

    def page_url(number: int) -> str:
        arguments: dict[str, Any] = {**request.args.to_dict(), "page": number}
        return url_for("clinic.history_page", **arguments)

    return render_template(
        "clinic/history.html",
        listing=listing,
        filters=filters,
        page_url=page_url,
        everyone=predictions.sees_every_prediction(_user()),
        zones=FILTER_ZONES,
    )


def _visible(prediction_id: int):
    try:
        return predictions.get_prediction(
            session=database.session,
            user=_user(),
            prediction_id=prediction_id,
            client_address=client_address(),
        )
    except predictions.PredictionNotFound:
        abort(404)
