"""Structured JSON logs with a request id; no clinical values are ever logged."""

from __future__ import annotations

import json
import logging
import re
import uuid

from flask import Flask, g, has_request_context, request

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            entry["request_id"] = g.get("request_id")
            entry["path"] = request.path
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry)


def configure(level: int = logging.INFO) -> None:
    """JSON lines on standard error for the app's own loggers."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("pinkbreast")
    if not any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
        logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


def register(app: Flask) -> None:
    @app.before_request
    def assign_request_id():
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex

    @app.after_request
    def echo_request_id(response):
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
        return response
