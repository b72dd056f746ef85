"""Home page, guide, language switch, ``/healthz`` (process alive) and ``/readyz``
(dependencies up). ``/metrics`` is in :mod:`pinkbreast.web.metrics`."""

from __future__ import annotations

import logging
from importlib import resources

from flask import jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from markdown_it import MarkdownIt
from sqlalchemy.exc import SQLAlchemyError

from pinkbreast.db.session import ping
from pinkbreast.web.access import public
from pinkbreast.web.auth.forms import ConfirmForm
from pinkbreast.web.extensions import database
from pinkbreast.web.i18n import remember_language
from pinkbreast.web.main import bp
from pinkbreast.web.redirects import safe_next

log = logging.getLogger(__name__)
_MARKDOWN = MarkdownIt("commonmark", {"html": False})


@bp.get("/")
@public
def home():
    return render_template("home.html")


@bp.get("/guide")
@public
def guide():
    """The clinician's guide (``docs/clinician-guide*.md`` link here), in the page's language."""
    lang = str(get_locale() or "en")
    name = "clinician-guide.fr.md" if lang == "fr" else "clinician-guide.md"
    text = resources.files("pinkbreast.web").joinpath("guide", name).read_text("utf-8")
    return render_template("guide.html", guide_html=_MARKDOWN.render(text))


@bp.post("/language")
@public
def language():
    """Switch the interface language (a form in the navbar, so it carries a CSRF token)."""
    target = safe_next(request.form.get("next"), url_for("main.home"))
    response = redirect(target)
    if ConfirmForm().validate_on_submit():
        remember_language(response, request.form.get("lang", ""))
    return response


@bp.get("/healthz")
@public
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
@public
def readyz():
    checks = {"database": _check_database(), "model": _check_model()}
    ready = all(value == "ok" for value in checks.values())
    return jsonify(status="ready" if ready else "not ready", checks=checks), 200 if ready else 503


def _check_model() -> str:
    """Loads the champion on the first call, so a ready worker answers without a cold start."""
    from flask import current_app

    from pinkbreast.services.scoring import ModelUnavailable, champion

    try:
        champion(current_app.config["PINKBREAST_SETTINGS"].mlflow_tracking_uri)
    except ModelUnavailable:
        return "unavailable"
    return "ok"


def _check_database() -> str:
    try:
        ping(database.engine)
    except SQLAlchemyError as exc:
        log.warning("readiness: database unreachable: %s", exc.__class__.__name__)
        return "unreachable"
    return "ok"
