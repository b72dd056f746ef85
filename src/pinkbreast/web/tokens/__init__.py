"""The API for people: each user's tokens (created, shown once, revoked); the API docs page is
in :mod:`pinkbreast.web.api.docs`."""

from flask import Blueprint

bp = Blueprint("tokens", __name__)

from pinkbreast.web.tokens import views  # noqa: E402,F401  (routes register on import)
