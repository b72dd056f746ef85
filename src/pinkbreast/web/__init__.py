"""The web application: an app factory that only wires the parts together."""

from __future__ import annotations

from flask import Flask

from pinkbreast.config import Settings, load_settings
from pinkbreast.web import errors, headers
from pinkbreast.web.extensions import database


def create_app(settings: Settings | None = None) -> Flask:
    """Build the application from ``settings`` (default: read from the environment)."""
    settings = settings or load_settings()
    app = Flask(__name__, instance_path=str(settings.instance_path))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        PINKBREAST_SETTINGS=settings,
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
    )
    register_extensions(app, settings)
    register_blueprints(app)
    errors.register(app)
    headers.register(app)
    return app


def register_extensions(app: Flask, settings: Settings) -> None:
    database.init_app(app, settings.database_url)


def register_blueprints(app: Flask) -> None:
    from pinkbreast.web.main import bp as main_bp

    app.register_blueprint(main_bp)
