"""Registration, login, logout, password change and the account page."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from pinkbreast.web.auth import views  # noqa: E402,F401  (routes register on import)
