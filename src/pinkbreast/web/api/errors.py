"""The API's one error envelope: ``{"error": {"code", "message", "details": [...]}}``."""

from __future__ import annotations

from flask import jsonify
from pydantic import ValidationError


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: list[dict] | None = None,
        retry_after: int | None = None,
    ):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details = details or []
        self.retry_after = retry_after

    def response(self):
        body = {"error": {"code": self.code, "message": self.message, "details": self.details}}
        headers = {}
        if self.status == 401:
            headers["WWW-Authenticate"] = 'Bearer realm="pinkbreast"'
        if self.retry_after:
            headers["Retry-After"] = str(self.retry_after)
        return jsonify(body), self.status, headers


def field_path(location: tuple) -> str:
    """``("samples", 0, "radius_mean")`` -> ``samples[0].radius_mean``."""
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"


def from_validation(error: ValidationError) -> ApiError:
    details = [{"field": field_path(e["loc"]), "problem": e["msg"]} for e in error.errors()]
    return ApiError(422, "invalid_request", "The request does not match the contract.", details)
