"""The FHIR terminology the app publishes: its code systems, readable by anyone."""

from flask import Blueprint

bp = Blueprint("fhir", __name__, url_prefix="/fhir")

from pinkbreast.web.fhir import views  # noqa: E402,F401  (routes register on import)
