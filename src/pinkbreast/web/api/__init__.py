"""The JSON API, versioned under ``/api/v1``: bearer tokens, one contract, one error envelope."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from pinkbreast.web.api import docs, measurements, reports, views  # noqa: E402,F401  (routes)
