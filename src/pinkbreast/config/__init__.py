"""Settings read from the environment.

Development gets embedded defaults (a SQLite file and a generated secret under ``instance/``);
production refuses to start without an explicit ``SECRET_KEY`` and ``DATABASE_URL``.
Nothing here runs at import time. One value is parsed by :mod:`.values`; the monitoring
settings are in :mod:`.monitoring`.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import Parameters, profiles

from pinkbreast.config.monitoring import MonitoringSettings, monitoring_from
from pinkbreast.config.values import ConfigError, integer, networks, number
from pinkbreast.imaging import scale
from pinkbreast.private_files import private_folder
from pinkbreast.redaction import redacted_repr

ENVIRONMENTS = ("development", "production")
DEFAULT_FHIR_BASE = "http://localhost:8000/fhir"
DEFAULT_METRICS_ALLOW = "127.0.0.1/32,::1/128"


@dataclass(frozen=True)
class Settings:
    env: str
    instance_path: Path
    database_url: str
    secret_key: str
    mlflow_tracking_uri: str
    session_idle_minutes: int = 30
    session_max_hours: int = 12
    trust_proxy: int = 0
    # RFC 9106's second recommended profile (argon2id, 64 MiB, t=3, p=4): above OWASP/ASVS
    # minimums. Not read from the environment; only tests replace it with cheaper parameters.
    password_hash: Parameters = field(default_factory=lambda: profiles.RFC_9106_LOW_MEMORY)
    monitoring: MonitoringSettings = field(default_factory=MonitoringSettings)
    metrics_token: str | None = None
    api_rate_per_minute: int = 120
    api_user_rate_per_minute: int = 240  # all of an account's tokens together
    api_tokens_per_user: int = 10  # live (unrevoked, unexpired) tokens an account may hold
    metrics_allow: tuple[str, ...] = ("127.0.0.1/32", "::1/128")
    # Prevalence of malignancy among the site's samples, for the predictive values shown with
    # every answer (pinkbreast.ml.evidence); None: the training cases' prevalence.
    local_prevalence: float | None = None
    fhir_base: str = DEFAULT_FHIR_BASE  # names the FHIR code systems and identifiers
    # µm per pixel of the site's camera, when an image comes without one (docs/imaging.md)
    pixel_size_um: float = scale.DEFAULT_PIXEL_SIZE_UM
    # Administrators needed to change the served model: 2 (one proposes, another approves) or
    # 1 (a single-person installation: the proposer may approve, with a warning).
    promotion_reviewers: int = 2

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    def __repr__(self) -> str:
        return redacted_repr(
            self, hidden=_SECRET_FIELDS, urls=frozenset({"database_url", "mlflow_tracking_uri"})
        )


_SECRET_FIELDS = frozenset({"secret_key", "metrics_token"})


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
    return Settings(
        env,
        instance,
        database_url,
        secret_key,
        tracking,
        session_idle_minutes=integer(environ, "SESSION_IDLE_MINUTES", 30, 1, 24 * 60),
        session_max_hours=integer(environ, "SESSION_MAX_HOURS", 12, 1, 7 * 24),
        trust_proxy=integer(environ, "PINKBREAST_TRUST_PROXY", 0, 0, 5),
        monitoring=monitoring_from(environ),
        metrics_token=environ.get("PINKBREAST_METRICS_TOKEN") or None,
        api_rate_per_minute=integer(environ, "API_RATE_PER_MINUTE", 120, 1, 100_000),
        api_user_rate_per_minute=integer(environ, "API_USER_RATE_PER_MINUTE", 240, 1, 100_000),
        api_tokens_per_user=integer(environ, "API_TOKENS_PER_USER", 10, 1, 1000),
        metrics_allow=networks(environ, "PINKBREAST_METRICS_ALLOW", DEFAULT_METRICS_ALLOW),
        local_prevalence=number(environ, "PINKBREAST_LOCAL_PREVALENCE", None, 0.001, 0.999, float),
        fhir_base=_fhir_base(environ.get("PINKBREAST_FHIR_BASE", "").strip()),
        pixel_size_um=number(
            environ,
            "PINKBREAST_PIXEL_SIZE_UM",
            scale.DEFAULT_PIXEL_SIZE_UM,
            scale.MIN_PIXEL_SIZE_UM,
            scale.MAX_PIXEL_SIZE_UM,
            float,
        ),  # fmt: skip
        promotion_reviewers=integer(environ, "PINKBREAST_PROMOTION_REVIEWERS", 2, 1, 2),
    )


def _fhir_base(text: str) -> str:
    """The absolute address (http, https or urn) that names this deployment's FHIR resources."""
    if not text:
        return DEFAULT_FHIR_BASE
    if not text.startswith(("http://", "https://", "urn:")) or any(c.isspace() for c in text):
        raise ConfigError(
            f"PINKBREAST_FHIR_BASE must be an absolute http(s) or urn address (got {text!r})."
        )
    return text.rstrip("/")


# The instance folder receives the Prometheus files of every worker (1 MiB each, memory-mapped:
# a full disk there kills workers with SIGBUS) and, for `prepare`, a model and its MLflow store.
MIN_FREE_BYTES = 16 * 2**20


def ensure_instance(path: Path, *, min_free: int = MIN_FREE_BYTES) -> None:
    """Create the instance folder and prove it usable (a file can be written, there is room).

    Raises a one-line ``ConfigError`` naming the folder when it is read-only, full or cannot
    be made, so ``prepare``/``serve`` stop before anything half-starts.
    """
    try:
        private_folder(path)  # 0700 when created here
        with tempfile.NamedTemporaryFile(dir=path, prefix=".probe-") as probe:
            probe.write(b"probe")
            probe.flush()
            os.fsync(probe.fileno())
        free = shutil.disk_usage(path).free
    except OSError as exc:
        raise ConfigError(f"The instance folder {path} is not writable: {exc.strerror}.") from exc
    if free < min_free:
        raise ConfigError(
            f"The instance folder {path} is almost full: {free // 2**20} MiB free, "
            f"at least {min_free // 2**20} MiB needed."
        )


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
