"""``POST /api/v1/measurements``: an aspirate image in, the 30 features and the nuclei out."""

from __future__ import annotations

import json

from flask import current_app, request

from pinkbreast.services.image_evidence import image_evidence
from pinkbreast.services.measuring import (
    MeasurementRefused,
    measure_upload,
    pixel_size,
    reviewer_choices,
)
from pinkbreast.web.api import bp
from pinkbreast.web.api.auth import token_required
from pinkbreast.web.api.errors import ApiError
from pinkbreast.web.extensions import database

FIELDS = {"image", "pixel_size_um", "excluded", "seeds"}


@bp.post("/measurements")
@token_required
def create_measurement():
    if request.mimetype != "multipart/form-data":
        raise ApiError(415, "unsupported_media_type",
                       "Send the image as multipart/form-data (field image).")  # fmt: skip
    unknown = (set(request.form) | set(request.files)) - FIELDS
    if unknown:
        raise _invalid(sorted(unknown)[0], "unknown field")
    upload = request.files.get("image")
    if upload is None or not upload.filename:
        raise _invalid("image", "an image file is required (PNG, JPEG or TIFF)")
    settings = current_app.config["PINKBREAST_SETTINGS"]
    try:
        size = pixel_size(request.form.get("pixel_size_um"), settings.pixel_size_um)
        excluded, seeds = reviewer_choices(_json_field("excluded"), _json_field("seeds"))
        result = measure_upload(upload.read(), name=upload.filename, pixel_size_um=size,
                                seeds=[(x, y) for x, y in seeds], excluded=excluded)  # fmt: skip
    except MeasurementRefused as exc:
        raise _invalid(exc.field, exc.problem) from None
    body = result.to_dict()
    evidence = image_evidence(session=database.session, tracking_uri=settings.mlflow_tracking_uri,
                              floor=settings.monitoring.recall_threshold)  # fmt: skip
    body["site_validated"] = False
    if evidence is not None and evidence.adequate:
        body["site_validated"] = True
        body["notice"] = VALIDATED_NOTICE.format(version=evidence.version)
    return body


VALIDATED_NOTICE = (
    "Measured from the image by Pink Breast, not by Xcyt; this site's own confirmed "
    "image-derived cases support the current model (version {version}) on such measurements."
)


def _json_field(name: str) -> object:
    """A list given as JSON text in a multipart field (absent or blank: none)."""
    text = request.form.get(name, "").strip()
    if not text:
        return []
    try:
        return json.loads(text)
    except ValueError:
        raise _invalid(name, "expected a JSON list") from None


def _invalid(field: str, problem: str) -> ApiError:
    return ApiError(422, "invalid_request", "The image cannot be measured.",
                    [{"field": field, "problem": problem}])  # fmt: skip
