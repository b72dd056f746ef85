"""Errors for people: friendly HTML pages, or one JSON envelope for clients that ask for JSON.

This is the one place that chooses between HTML and JSON. No stack trace, SQL or exception
text ever reaches a client: unexpected errors are logged and answered with a generic 500. A
database that cannot be reached (stopped, restarting, failing over) is not a bug: it is answered
with 503 and ``Retry-After``, and the next request reconnects by itself (``pool_pre_ping``).
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask, Response, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

TITLES = {
    400: _l("Bad request"),
    401: _l("Login required"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    413: _l("Too large"),
    429: _l("Too many attempts"),
    500: _l("Server error"),
    503: _l("Service unavailable"),
}
MESSAGES = {
    400: _l("The request could not be understood. Please go back and try again."),
    401: _l("Please log in to continue."),
    403: _l("You do not have permission to use this page."),
    404: _l("This page does not exist."),
    405: _l("This action is not possible on this page."),
    413: _l("What you sent is too large."),
    429: _l("Too many attempts. Please wait a few minutes before trying again."),
    500: _l("Something went wrong on our side. It has been logged; please try again later."),
    503: _l(
        "The service is briefly unavailable: the database cannot be reached. "
        "Please try again in a minute."
    ),
}
RETRY_AFTER_SECONDS = 5  # a database restart or fail-over usually takes seconds
CSRF_MESSAGE = _l("This form has expired or did not come from this site. Reload it and retry.")


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.path.startswith("/api/") or best == "application/json"


def error_response(code: int, name: str, message: str | None = None, headers=None):
    message = str(message or MESSAGES.get(code) or MESSAGES[500])
    response: Response | str  # JSON for API clients, else the HTML page
    if wants_json():
        response = jsonify({"error": {"code": name, "message": message, "details": []}})
    else:
        title = TITLES.get(code, TITLES[500])
        response = render_template("errors/error.html", code=code, title=title, message=message)
    return response, code, headers or {}


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 500
        name = (exc.name or "error").lower().replace(" ", "_")
        message = CSRF_MESSAGE if isinstance(exc, CSRFError) else None
        if code in (400, 403) and message is None and exc.description != type(exc).description:
            message = exc.description  # our own abort(400, "field: problem") names the field
        retry = getattr(exc, "retry_after", None)
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
        if retry:
            headers["Retry-After"] = str(retry)
        return error_response(code, name, message, headers)

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal_error")

    @app.errorhandler(sa.exc.DBAPIError)
    def database_error(exc: sa.exc.DBAPIError):
        if not database_unavailable(exc):
            return unexpected_error(exc)
        return database_unavailable_response(exc)

    @app.errorhandler(sa.exc.TimeoutError)
    def pool_exhausted(exc: sa.exc.TimeoutError):
        return database_unavailable_response(exc)


def database_unavailable(exc: sa.exc.DBAPIError) -> bool:
    """Lost or refused connection, server going away, lock time-out: worth a retry later.

    Integrity and programming errors are bugs or bad data, not unavailability: they stay 500s.
    """
    transient = (sa.exc.OperationalError, sa.exc.InterfaceError)
    return isinstance(exc, transient) or exc.connection_invalidated


def database_unavailable_response(exc: Exception):
    reason = getattr(exc, "orig", None) or exc
    log.warning(
        "database unavailable on %s %s: %s: %s",
        request.method,
        request.path,
        type(reason).__name__,
        str(reason).splitlines()[0][:200] if str(reason) else "",
    )
    # The page must not reach for the database again: the signed-in account (navbar, admin
    # banner) would be loaded from it. It is drawn as for a visitor.
    g._login_user = AnonymousUserMixin()
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return error_response(503, "database_unavailable", headers=headers)
