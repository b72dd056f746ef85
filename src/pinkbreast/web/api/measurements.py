"""``POST /api/v1/measurements``: an aspirate image in, the 30 features and the nuclei out."""

from __future__ import annotations

from flask import current_app, request

from pinkbreast.services.measuring import MeasurementRefused, measure_upload, pixel_size
from pinkbreast.web.api import bp
from pinkbreast.web.api.auth import token_required
from pinkbreast.web.api.errors import ApiError

FIELDS = {"image", "pixel_size_um"}


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
    default = current_app.config["PINKBREAST_SETTINGS"].pixel_size_um
    try:
        size = pixel_size(request.form.get("pixel_size_um"), default)
        result = measure_upload(upload.read(), name=upload.filename, pixel_size_um=size)
    except MeasurementRefused as exc:
        raise _invalid(exc.field, exc.problem) from None
    return result.to_dict()


def _invalid(field: str, problem: str) -> ApiError:
    return ApiError(422, "invalid_request", "The image cannot be measured.",
                    [{"field": field, "problem": problem}])  # fmt: skip
