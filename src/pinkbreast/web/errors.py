"""Errors for people: friendly HTML pages, or one JSON envelope for clients that ask for JSON."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.path.startswith("/api/") or best == "application/json"


def error_response(code: int, name: str, message: str):
    if wants_json():
        body = {"error": {"code": name, "message": message, "details": []}}
        return jsonify(body), code
    return render_template("errors/error.html", code=code, message=message), code


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 500
        name = (exc.name or "error").lower().replace(" ", "_")
        return error_response(code, name, exc.description or exc.name)

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        generic = InternalServerError()
        return error_response(500, "internal_error", generic.description)
