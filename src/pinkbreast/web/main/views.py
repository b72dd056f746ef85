"""Home page, ``/healthz`` (process alive) and ``/readyz`` (dependencies reachable)."""

from __future__ import annotations

import logging

from flask import jsonify, render_template
from sqlalchemy.exc import SQLAlchemyError

from pinkbreast.db.session import ping
from pinkbreast.web.extensions import database
from pinkbreast.web.main import bp

log = logging.getLogger(__name__)


@bp.get("/")
def home():
    return render_template("home.html")


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    checks = {"database": _check_database()}
    ready = all(value == "ok" for value in checks.values())
    return jsonify(status="ready" if ready else "not ready", checks=checks), 200 if ready else 503


def _check_database() -> str:
    try:
        ping(database.engine)
    except SQLAlchemyError as exc:
        log.warning("readiness: database unreachable: %s", exc.__class__.__name__)
        return "unreachable"
    return "ok"
