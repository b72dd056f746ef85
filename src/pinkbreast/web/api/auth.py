"""Bearer-token authentication and per-token rate limiting for the API."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from functools import wraps

from flask import current_app, g, request

from pinkbreast.services import tokens
from pinkbreast.web.access import CLINICAL_ROLES as API_ROLES
from pinkbreast.web.api.errors import ApiError
from pinkbreast.web.extensions import database

PERIOD = 60.0  # seconds


class RateLimiter:
    """A sliding window per token, in this process (see the README on several instances)."""

    def __init__(self, rate: int, period: float = PERIOD):
        self.rate, self.period = rate, period
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, key: str) -> int | None:
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.period:
                hits.popleft()
            if len(hits) >= self.rate:
                return int(hits[0] + self.period - now) + 1
            hits.append(now)
            return None


def limiter() -> RateLimiter:
    """This app's limiter (``API_RATE_PER_MINUTE`` requests per token per minute)."""
    extensions = current_app.extensions
    if "pinkbreast.api_limiter" not in extensions:
        rate = current_app.config["PINKBREAST_SETTINGS"].api_rate_per_minute
        extensions["pinkbreast.api_limiter"] = RateLimiter(rate, PERIOD)
    return extensions["pinkbreast.api_limiter"]


def token_required(view: Callable) -> Callable:
    """The request must carry ``Authorization: Bearer <token>`` of an approved clinician/admin."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "unauthorized", "A bearer token is required.")
        user = tokens.authenticate(session=database.session, token=token.strip())
        if user is None:
            raise ApiError(401, "unauthorized", "The token is invalid, expired or revoked.")
        if user.role not in API_ROLES:
            raise ApiError(403, "forbidden", "This account may not use the prediction API.")
        if (wait := limiter().retry_after(tokens.digest(token.strip()))) is not None:
            raise ApiError(429, "too_many_requests", "Rate limit reached.", retry_after=wait)
        g.api_user = user
        return view(*args, **kwargs)

    wrapper.access = "api-token"
    return wrapper
