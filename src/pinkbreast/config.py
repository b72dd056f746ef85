"""Settings read from the environment.

Development gets embedded defaults (a SQLite file and a generated secret under ``instance/``);
production refuses to start without an explicit ``SECRET_KEY`` and ``DATABASE_URL``.
Nothing here runs at import time.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ENVIRONMENTS = ("development", "production")


class ConfigError(RuntimeError):
    """The environment cannot run the application; the message is one line for a person."""


@dataclass(frozen=True)
class Settings:
    env: str
    instance_path: Path
    database_url: str
    secret_key: str
    mlflow_tracking_uri: str

    @property
    def is_production(self) -> bool:
        return self.env == "production"


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build the settings from ``environ`` (default: ``os.environ``)."""
    environ = os.environ if environ is None else environ
    env = environ.get("PINKBREAST_ENV", "development").strip().lower()
    if env not in ENVIRONMENTS:
        raise ConfigError(f"PINKBREAST_ENV must be one of {', '.join(ENVIRONMENTS)} (got {env!r}).")
    instance = Path(environ.get("PINKBREAST_INSTANCE", "instance")).resolve()
    if env == "production":
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not environ.get(name)]
        if missing:
            raise ConfigError(
                f"Production mode needs {' and '.join(missing)} set in the environment."
            )
    database_url = environ.get("DATABASE_URL") or f"sqlite:///{instance / 'pinkbreast.db'}"
    secret_key = environ.get("SECRET_KEY") or _development_secret(instance)
    tracking = environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{instance / 'mlflow.db'}"
    return Settings(env, instance, database_url, secret_key, tracking)


def ensure_instance(path: Path) -> None:
    """Create the instance folder, with a clear error when that is impossible."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"Cannot create the instance folder {path}: {exc.strerror}.") from exc


def _development_secret(instance: Path) -> str:
    """A secret generated once and kept in ``instance/secret_key`` (mode 0600)."""
    ensure_instance(instance)
    key_file = instance / "secret_key"
    try:
        if key_file.exists():
            return key_file.read_text(encoding="ascii").strip()
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        key = secrets.token_hex(32)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key)
        return key
    except OSError as exc:
        raise ConfigError(f"Cannot read or write {key_file}: {exc.strerror}.") from exc
