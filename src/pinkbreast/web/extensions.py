"""Extensions, created unbound here and bound to an app with ``init_app``."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import Flask, current_app, g, request
from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from pinkbreast.db.session import engine_for, session_factory

log = logging.getLogger(__name__)
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()


class Database:
    """One engine per app; one session per request, closed when the request ends."""

    def init_app(self, app: Flask, url: str) -> None:
        app.extensions["pinkbreast.db"] = (engine_for(url), session_factory(url))
        app.teardown_appcontext(self._close)

    @property
    def engine(self) -> Engine:
        return current_app.extensions["pinkbreast.db"][0]

    @property
    def session(self) -> Session:
        state = g._get_current_object()  # one context lookup, not three (every API call)
        session = state.get("db_session")
        if session is None:
            session = state.db_session = current_app.extensions["pinkbreast.db"][1]()
        return session

    @staticmethod
    def _close(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is None:
            return
        try:
            session.close()
        except sa.exc.DBAPIError as exc:
            # The server went away since the last statement (restart, fail-over): rolling back
            # is impossible and pointless. The answer is already made; the pool drops the
            # connection, and the next request gets a fresh one.
            log.warning("database connection lost after the request: %s", type(exc.orig).__name__)
            session.invalidate()


database = Database()


def password_hasher() -> PasswordHasher:
    """The app's argon2id hasher (parameters from the settings)."""
    return current_app.extensions["pinkbreast.hasher"]


def client_address() -> str | None:
    """The client's address (the proxy's view of it only with ``PINKBREAST_TRUST_PROXY``)."""
    return request.remote_addr
