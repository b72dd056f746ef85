"""The "Measure from an image" page: upload, review the outlined nuclei, use the 30 values."""

from __future__ import annotations

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from pinkbreast import __version__, sample_refs
from pinkbreast.features import FEATURES, PROPERTIES, STATISTICS
from pinkbreast.numbers import NumberProblem, parse_decimal
from pinkbreast.services import measure_drafts, measuring
from pinkbreast.web.access import CLINICAL_ROLES as CLINICAL
from pinkbreast.web.access import role_required
from pinkbreast.web.clinic import bp
from pinkbreast.web.clinic.forms import MeasureForm, decimal_comma


def _instance():
    return current_app.config["PINKBREAST_SETTINGS"].instance_path


@bp.route("/measure", methods=["GET", "POST"])
@role_required(*CLINICAL)
def measure_upload():
    form = MeasureForm()
    default = current_app.config["PINKBREAST_SETTINGS"].pixel_size_um
    problem = None
    if form.validate_on_submit():
        upload = form.image.data
        data = upload.read()
        name = upload.filename or "image"
        try:
            size = _pixel_size(form.pixel_size.data, default)
            measuring.checked_image(data, name=name)  # measured on the review page
        except measuring.MeasurementRefused as exc:
            problem = exc.problem
        else:
            draft = measure_drafts.save_draft(instance=_instance(), user_id=current_user.id,
                                              name=name, data=data, pixel_size_um=size)  # fmt: skip
            return redirect(url_for("clinic.measure_review", token=draft.token), code=303)
    status = 400 if problem or form.errors else 200
    page = render_template("clinic/measure.html", form=form, problem=problem, default=default)
    return page, status


def _pixel_size(text: str | None, default: float) -> float:
    if not text or not text.strip():
        return default
    try:
        value = parse_decimal(text, decimal_comma=decimal_comma())
    except NumberProblem:
        raise measuring.MeasurementRefused(
            "pixel_size_um", _("The pixel size must be a number of micrometres.")
        ) from None
    return measuring.pixel_size(repr(value), default)


def _draft(token: str):
    try:
        return measure_drafts.load_draft(instance=_instance(), token=token, user_id=current_user.id)
    except measure_drafts.DraftNotFound:
        abort(404)


def measured(token: str):
    """The draft and its measurement as the reviewer left it (the detection kept with the
    draft after the first time)."""
    draft, data = _draft(token)
    found = measure_drafts.kept_found(instance=_instance(), draft=draft)
    if not measuring.still_valid(found, draft.pixel_size_um):
        found = measuring.detection(data, name=draft.name, pixel_size_um=draft.pixel_size_um)
        measure_drafts.keep_found(instance=_instance(), draft=draft, found=found)
    result = measuring.measure_upload(
        data, name=draft.name, pixel_size_um=draft.pixel_size_um, found=found,
        seeds=[tuple(s) for s in draft.seeds], excluded=draft.excluded, require_nuclei=False,
    )  # fmt: skip
    return draft, result


def _live(draft, result):
    from pinkbreast.imaging.measure import MIN_NUCLEI

    return render_template("clinic/_measure_live.html", draft=draft, result=result,
                           properties=PROPERTIES, statistics=STATISTICS, features=FEATURES,
                           min_nuclei=MIN_NUCLEI)  # fmt: skip


@bp.get("/measure/<token>")
@role_required(*CLINICAL)
def measure_review(token: str):
    draft, result = measured(token)
    live = Markup(_live(draft, result))  # rendered by our own template, escaped there
    return render_template("clinic/measure_review.html", draft=draft, result=result, live=live)


@bp.post("/measure/<token>")
@role_required(*CLINICAL)
def measure_update(token: str):
    """JSON ``{"excluded": [numbers], "seeds": [[x, y], ...]}``: the reviewer's choices; the
    answer is the page's updated part (outline, tables, summaries)."""
    draft, _data = _draft(token)
    body = request.get_json(silent=True)
    excluded, seeds = _choices(body)
    measure_drafts.update_draft(instance=_instance(), draft=draft, excluded=excluded, seeds=seeds)
    draft, result = measured(token)
    return _live(draft, result)


def _choices(body) -> tuple[list[int], list[list[float]]]:
    if not isinstance(body, dict) or set(body) - {"excluded", "seeds"}:
        abort(400, "body: expected {excluded: [numbers], seeds: [[x, y], ...]}")
    try:
        return measuring.reviewer_choices(body.get("excluded", []), body.get("seeds", []))
    except measuring.MeasurementRefused as exc:
        abort(400, f"{exc.field}: {exc.problem}")


@bp.get("/measure/<token>/image.png")
@role_required(*CLINICAL)
def measure_image(token: str):
    from pinkbreast.imaging.reading import read_image, to_png

    draft, data = _draft(token)
    return Response(to_png(read_image(data, name=draft.name)), mimetype="image/png")


def fill_from_image(form, token: str, features: list[str]) -> bool:
    """Fill the prediction ``form`` with the reviewed measurement ``token`` (the owner's only);
    False when no nucleus is accepted."""
    draft, result = measured(token)
    values = result.features
    if values is None:
        return False
    for name in features:
        form[name].data = format_decimal(values[name], "0.############")
    stem = draft.name.rsplit(".", 1)[0]
    if not form.sample_ref.data and sample_refs.problem(stem) is None:
        form.sample_ref.data = stem
    return True


def image_source(token: str):
    """The reviewed measurement ``token`` as a prediction's provenance; its image is kept."""
    from pinkbreast.services.predictions import ImageSource

    draft, data = _draft(token)
    result = measuring.measure_upload(
        data, name=draft.name, pixel_size_um=draft.pixel_size_um,
        seeds=[tuple(s) for s in draft.seeds], excluded=draft.excluded, require_nuclei=False,
    )  # fmt: skip
    measure_drafts.keep_image(instance=_instance(), sha256=result.sha256, data=data)
    return ImageSource(
        sha256=result.sha256,
        name=draft.name,
        width=result.width,
        height=result.height,
        pixel_size_um=result.pixel_size_um,
        method_version=result.version,
        code_version=__version__,
        contours=[n.to_dict()["contour"] for n in result.accepted],
    )
