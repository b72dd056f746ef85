"""The web application: an app factory that only wires the parts together."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from pinkbreast.config import Settings, load_settings
from pinkbreast.services.passwords import make_hasher
from pinkbreast.web import access, errors, headers, i18n, labels, logs, metrics, sessions, telemetry
from pinkbreast.web.extensions import csrf, database


class App(Flask):
    """Flask, remembering which functions are plain (not ``async def``).

    Flask asks ``inspect.iscoroutinefunction`` of every hook and view on every request (11 per
    API call here; measured 2% of a stored prediction's CPU). The answer never changes for a
    function, so it is kept, for at most ``_KNOWN_MAX`` functions.
    """

    _KNOWN_MAX = 4096

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._known_sync: dict[Callable, Callable] = {}

    def ensure_sync(self, func: Callable) -> Callable:
        try:
            return self._known_sync[func]
        except (KeyError, TypeError):  # TypeError: an unhashable callable
            pass
        wrapped = super().ensure_sync(func)
        if wrapped is func and len(self._known_sync) < self._KNOWN_MAX:
            try:
                self._known_sync[func] = func
            except TypeError:
                pass
        return wrapped


def create_app(settings: Settings | None = None) -> Flask:
    """Build the application from ``settings`` (default: read from the environment)."""
    settings = settings or load_settings()
    app = App(__name__, instance_path=str(settings.instance_path))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        PINKBREAST_SETTINGS=settings,
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=settings.session_max_hours * 3600,
    )
    register_extensions(app, settings)
    register_blueprints(app)
    access.register(app)
    errors.register(app)
    headers.register(app)
    register_observability(app)
    if settings.trust_proxy:
        trusted = settings.trust_proxy
        # Flask's stubs declare wsgi_app a method; wrapping it is how its docs apply middleware
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=trusted, x_proto=trusted, x_host=trusted
        )
    return app


def register_extensions(app: Flask, settings: Settings) -> None:
    database.init_app(app, settings.database_url)
    app.extensions["pinkbreast.hasher"] = make_hasher(settings.password_hash)
    csrf.init_app(app)
    i18n.init_app(app)
    sessions.init_app(app, settings)
    labels.register(app)


def register_blueprints(app: Flask) -> None:
    from pinkbreast.web.admin import bp as admin_bp
    from pinkbreast.web.api import bp as api_bp
    from pinkbreast.web.api.docs import pages as api_docs_bp
    from pinkbreast.web.auth import bp as auth_bp
    from pinkbreast.web.clinic import bp as clinic_bp
    from pinkbreast.web.fhir import bp as fhir_bp
    from pinkbreast.web.main import bp as main_bp
    from pinkbreast.web.monitoring import bp as monitoring_bp
    from pinkbreast.web.tokens import bp as tokens_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(clinic_bp)
    app.register_blueprint(tokens_bp)
    app.register_blueprint(monitoring_bp)
    app.register_blueprint(fhir_bp)
    csrf.exempt(api_bp)  # token-authenticated: no cookie, so no cross-site request forgery
    app.register_blueprint(api_bp)
    app.register_blueprint(api_docs_bp)
    app.register_blueprint(metrics.bp)


def register_observability(app: Flask) -> None:
    logs.register(app)
    metrics.register(app)
    telemetry.register(app)
    monitoring_banner(app)


def monitoring_banner(app: Flask) -> None:
    """Administrators see an open recall alert on every page."""
    from flask_login import current_user

    from pinkbreast.services.monitoring.alerts import open_alert

    @app.context_processor
    def open_alert_for_admins():
        if getattr(current_user, "role", None) != "admin" or not current_user.is_approved:
            return {"open_alert": None}
        return {"open_alert": open_alert(database.session)}
