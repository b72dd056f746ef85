"""The administrators' monitoring dashboard."""

from flask import Blueprint

bp = Blueprint("monitoring", __name__, url_prefix="/admin/monitoring")

from pinkbreast.web.monitoring import data, views  # noqa: E402,F401  (routes register on import)
