"""Bearer-token authentication and rate limiting (per token and per account, in the database)
for the API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import current_app, g, request

from pinkbreast.services import rate_limit, tokens
from pinkbreast.web.access import CLINICAL_ROLES as API_ROLES
from pinkbreast.web.access import declare
from pinkbreast.web.api.errors import ApiError
from pinkbreast.web.extensions import database


def limit() -> rate_limit.Limit:
    """``API_RATE_PER_MINUTE`` requests per token per minute, shared by every instance."""
    return rate_limit.Limit(current_app.config["PINKBREAST_SETTINGS"].api_rate_per_minute)


def user_limit() -> rate_limit.Limit:
    """``API_USER_RATE_PER_MINUTE`` requests per account per minute, all its tokens together."""
    return rate_limit.Limit(current_app.config["PINKBREAST_SETTINGS"].api_user_rate_per_minute)


def leases() -> rate_limit.Leases:
    """This process's blocks of permits (see :class:`~pinkbreast.services.rate_limit.Leases`)."""
    return current_app.extensions.setdefault("pinkbreast.api_leases", rate_limit.Leases())


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
        subject = tokens.digest(token.strip())
        wait = leases().retry_after(session=database.session, subject=subject, limit=limit())
        if wait is None:  # on top of the token's own limit: many tokens do not multiply it
            wait = leases().retry_after(
                session=database.session, subject=f"user:{user.id}", limit=user_limit()
            )
        if wait is not None:
            raise ApiError(429, "too_many_requests", "Rate limit reached.", retry_after=wait)
        g.api_user = user
        return view(*args, **kwargs)

    return declare(wrapper, "api-token")
