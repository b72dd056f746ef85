"""Monitoring settings, read from the environment by :func:`pinkbreast.config.load_settings`.

Plain data only (no database or scientific imports), so reading the settings stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from pinkbreast.services.monitoring.notify import Notifier, Smtp


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
class MonitoringSettings:
    recall_threshold: float = 0.85
    window: Window = field(default_factory=Window)
    drift: DriftSettings = field(default_factory=DriftSettings)
    notifier: Notifier = field(default_factory=Notifier)


def monitoring_from(environ: Mapping[str, str], number: Callable) -> MonitoringSettings:
    """``number(environ, NAME, default, low, high, kind)`` parses and range-checks one value."""
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
    smtp = None
    if environ.get("SMTP_HOST"):
        smtp = Smtp(
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
    return MonitoringSettings(
        recall_threshold=number(environ, "RECALL_ALERT_THRESHOLD", 0.85, 0.0, 1.0, float),
        window=window,
        drift=drift,
        notifier=Notifier(webhook_url=environ.get("ALERT_WEBHOOK_URL") or None, smtp=smtp),
    )
