"""Who may use which route. Every view declares it; a view that does not is refused (403).

* ``@public`` — anyone, signed in or not (home, probes, login, register, language).
* ``@signed_in`` — any signed-in account, even one awaiting approval (logout).
* ``@role_required("admin", ...)`` — an *approved* account with one of the roles. An account
  that must change its password is sent to do so first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from flask import Flask, abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pinkbreast import vocabulary
from pinkbreast.services import audit
from pinkbreast.web.extensions import client_address, database, login_manager

log = logging.getLogger(__name__)
PUBLIC = "public"
CLINICAL_ROLES = vocabulary.CLINICAL_ROLES  # who makes and reads predictions
SIGNED_IN = "signed-in"
PASSWORD_CHANGE_ENDPOINTS = {"auth.change_password"}


_ACCESS = "access"  # the attribute of a view function holding its rule (declared_access)


def declare(view: Callable, access: str | tuple[str, ...]) -> Callable:
    """Mark ``view`` with the access rule it enforces; a route without one is refused."""
    setattr(view, _ACCESS, access)
    return view


def public(view: Callable) -> Callable:
    return declare(view, PUBLIC)


def signed_in(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return declare(wrapper, SIGNED_IN)


def role_required(*roles: str) -> Callable[[Callable], Callable]:
    if unknown := set(roles) - set(vocabulary.ROLES):  # a misspelt role would lock everyone out
        raise ValueError(f"unknown role {sorted(unknown)[0]!r}: expected {vocabulary.ROLES}")

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.is_approved or current_user.role not in roles:
                _deny()
            if (
                current_user.must_change_password
                and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS
            ):
                return redirect(url_for("auth.change_password"))
            return view(*args, **kwargs)

        return declare(wrapper, tuple(roles))

    return decorate


def _deny():
    audit.access_denied(
        session=database.session,
        actor=current_user._get_current_object(),
        route=request.endpoint,
        request_line=f"{request.method} {request.path}",
        client_address=client_address(),
    )
    if not current_user.is_approved:
        abort(
            403,
            _(
                "Your account is awaiting approval by an administrator: you can use this "
                "page once it is approved."
            ),
        )
    abort(403)


def declared_access(app: Flask, endpoint: str):
    """What ``endpoint`` declared (``None``: nothing, so it is refused)."""
    if endpoint == "static" or endpoint.endswith(".static"):
        return PUBLIC
    return getattr(app.view_functions.get(endpoint), _ACCESS, None)


def register(app: Flask) -> None:
    @app.before_request
    def refuse_undeclared_routes():
        if request.endpoint and declared_access(app, request.endpoint) is None:
            log.error("route %s declares no access rule: refused", request.endpoint)
            abort(403)
