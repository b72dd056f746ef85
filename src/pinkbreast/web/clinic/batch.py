"""Batch scoring from a CSV upload: validate the whole file, score, store, show, download."""

from __future__ import annotations

import io

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from pinkbreast import vocabulary
from pinkbreast.features import BY_NAME, FEATURE_NAMES
from pinkbreast.services import history, predictions, scoring
from pinkbreast.services.batch import read_samples, write_record_results
from pinkbreast.tables import FileRejected
from pinkbreast.web.access import CLINICAL_ROLES as CLINICAL
from pinkbreast.web.access import role_required
from pinkbreast.web.clinic import bp
from pinkbreast.web.clinic.forms import BatchForm
from pinkbreast.web.extensions import client_address, database
from pinkbreast.web.file_problems import problem_lines

MAX_ROWS = vocabulary.UPLOAD_MAX_ROWS
MAX_BYTES = vocabulary.UPLOAD_MAX_BYTES
SHOWN = 200


@bp.route("/batch", methods=["GET", "POST"])
@role_required(*CLINICAL)
def batch():
    form = BatchForm()
    problems: list[str] = []
    count = 0
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            abort(413)
        try:
            text = data.decode("utf-8-sig")
            samples = read_samples(text, name=upload.filename or "upload.csv", max_rows=MAX_ROWS)
        except UnicodeDecodeError:
            problems = [_("%(name)s is not UTF-8 text.", name=upload.filename or "upload.csv")]
            count = 1
        except FileRejected as exc:
            problems, count = problem_lines(exc), len(exc.problems) + exc.omitted
        else:
            return _store(samples)
    status = 400 if problems or form.errors else 200
    page = render_template(
        "clinic/batch.html",
        form=form,
        problems=problems,
        problem_count=count,
        max_rows=MAX_ROWS,
        max_megabytes=MAX_BYTES // (1024 * 1024),
    )
    return page, status


def _store(samples):
    settings = current_app.config["PINKBREAST_SETTINGS"]
    submission = predictions.Submission(
        user=current_user._get_current_object(),
        client_address=client_address(),
        source=vocabulary.BATCH,
        explain=True,  # every row, stored with its reasons
    )
    records = predictions.create_predictions(
        session=database.session,
        submission=submission,
        samples=[
            predictions.Sample(values=row, sample_ref=ref if isinstance(ref, str) else None)
            for ref, row in zip(
                samples["sample_ref"],
                samples[list(FEATURE_NAMES)].to_dict("records"),
                strict=True,
            )
        ],
        tracking_uri=settings.mlflow_tracking_uri,
    ).records
    _say_dialect(samples.attrs.get("dialect"))
    if records[0].batch_id is None:
        return redirect(url_for("clinic.result", prediction_id=records[0].id), code=303)
    return redirect(url_for("clinic.batch_result", batch_id=records[0].batch_id), code=303)


def _say_dialect(dialect: str | None) -> None:
    """Tell the person how a file that is not plain comma-separated CSV was read."""
    said = {
        "semicolon-separated values with decimal commas": _(
            "The file was read as semicolon-separated values with decimal commas."
        ),
        "tab-separated values with decimal commas": _(
            "The file was read as tab-separated values with decimal commas."
        ),
    }.get(dialect or "")
    if said:
        flash(said, "info")


def _records(batch_id: str, action: str):
    records = history.batch_records(
        session=database.session,
        user=current_user._get_current_object(),
        batch_id=batch_id,
        action=action,
        client_address=client_address(),
    )
    if not records:
        abort(404)
    return records


@bp.get("/batch/<batch_id>")
@role_required(*CLINICAL)
def batch_result(batch_id: str):
    records = _records(batch_id, "batch.view")
    counts = {zone: sum(r.zone == zone for r in records) for zone in vocabulary.ZONES}
    return render_template(
        "clinic/batch_result.html",
        records=records[:SHOWN],
        total=len(records),
        counts=counts,
        batch_id=batch_id,
        shown=SHOWN,
        features=BY_NAME,
        lang=str(get_locale() or "en"),
    )


@bp.get("/batch/<batch_id>/results.csv")
@role_required(*CLINICAL)
def batch_download(batch_id: str):
    records = _records(batch_id, "batch.download")
    buffer = io.StringIO()
    write_record_results(records, buffer, _evidence_line(records[0].model_version))
    return _csv(buffer.getvalue(), f"pinkbreast-batch-{batch_id[:8]}.csv")


def _evidence_line(version: str) -> str:
    settings = current_app.config["PINKBREAST_SETTINGS"]
    evidence = scoring.evidence(version, tracking_uri=settings.mlflow_tracking_uri)
    return "" if evidence is None else evidence.line(settings.local_prevalence)


@bp.get("/batch/template.csv")
@role_required(*CLINICAL)
def batch_template():
    return _csv(",".join(["sample_ref", *FEATURE_NAMES]) + "\n", "pinkbreast-template.csv")


def _csv(text: str, filename: str) -> Response:
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
