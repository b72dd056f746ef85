"""Monitoring settings, read from the environment by :func:`pinkbreast.config.load_settings`:
the recall window, the drift tests, and where alerts are sent (webhook, e-mail).

Plain data only; the behaviour (checking recall, sending a notification) lives in
:mod:`pinkbreast.services.monitoring`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pinkbreast.config.values import number
from pinkbreast.redaction import redacted_repr


@dataclass(frozen=True)
class Window:
    days: int = 90
    last_n: int | None = None  # only the N most recently confirmed cases, when set
    min_malignant: int = 20


@dataclass(frozen=True)
class DriftSettings:
    days: int = 30
    alpha: float = 0.01
    psi_threshold: float = 0.25
    min_samples: int = 30


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int = 587
    sender: str = "pinkbreast@localhost"
    recipients: tuple[str, ...] = ()
    username: str | None = None
    password: str | None = None
    starttls: bool = True

    def __repr__(self) -> str:
        return redacted_repr(self, hidden=frozenset({"password"}))


@dataclass(frozen=True)
class AlertChannels:
    """Where alert changes go: a webhook, an SMTP server, both or neither."""

    webhook_url: str | None = None
    smtp: Smtp | None = None

    def __repr__(self) -> str:  # a webhook's address is often its secret (a token in the path)
        return redacted_repr(self, hidden=frozenset({"webhook_url"}))


@dataclass(frozen=True)
class MonitoringSettings:
    recall_threshold: float = 0.85
    window: Window = field(default_factory=Window)
    drift: DriftSettings = field(default_factory=DriftSettings)
    channels: AlertChannels = field(default_factory=AlertChannels)


def monitoring_from(environ: Mapping[str, str]) -> MonitoringSettings:
    """The monitoring settings of ``environ``, each range-checked (a one-line ``ConfigError``)."""
    window = Window(
        days=number(environ, "MONITOR_WINDOW_DAYS", 90, 1, 3650, int),
        last_n=number(environ, "MONITOR_LAST_N", 0, 0, 100_000, int) or None,
        min_malignant=number(environ, "MONITOR_MIN_MALIGNANT", 20, 1, 100_000, int),
    )
    drift = DriftSettings(
        days=number(environ, "DRIFT_WINDOW_DAYS", 30, 1, 3650, int),
        alpha=number(environ, "DRIFT_KS_ALPHA", 0.01, 1e-9, 0.5, float),
        psi_threshold=number(environ, "DRIFT_PSI_THRESHOLD", 0.25, 0.01, 10.0, float),
        min_samples=number(environ, "DRIFT_MIN_SAMPLES", 30, 2, 1_000_000, int),
    )
    return MonitoringSettings(
        recall_threshold=number(environ, "RECALL_ALERT_THRESHOLD", 0.85, 0.0, 1.0, float),
        window=window,
        drift=drift,
        channels=AlertChannels(
            webhook_url=environ.get("ALERT_WEBHOOK_URL") or None, smtp=_smtp(environ)
        ),
    )


def _smtp(environ: Mapping[str, str]) -> Smtp | None:
    if not environ.get("SMTP_HOST"):
        return None
    return Smtp(
        host=environ["SMTP_HOST"],
        port=number(environ, "SMTP_PORT", 587, 1, 65535, int),
        sender=environ.get("SMTP_FROM", "pinkbreast@localhost"),
        recipients=tuple(
            r.strip() for r in environ.get("ALERT_EMAILS", "").split(",") if r.strip()
        ),
        username=environ.get("SMTP_USERNAME") or None,
        password=environ.get("SMTP_PASSWORD") or None,
        starttls=environ.get("SMTP_STARTTLS", "true").lower() != "false",
    )
