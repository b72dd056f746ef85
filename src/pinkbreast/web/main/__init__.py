"""Public pages and probes: home, liveness and readiness."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from pinkbreast.web.main import views  # noqa: E402,F401  (routes register on import)
