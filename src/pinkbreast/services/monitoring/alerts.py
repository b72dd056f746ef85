"""The recall alert: raised once when windowed recall falls below the threshold, resolved once
when it recovers. Each change is persisted, logged at ERROR/WARNING as JSON and notified."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pinkbreast.config.monitoring import Window
from pinkbreast.db.models import Alert, utcnow
from pinkbreast.db.session import transaction
from pinkbreast.services.monitoring.notify import Notifier
from pinkbreast.services.monitoring.performance import Performance, performance

log = logging.getLogger("pinkbreast.alerts")
RECALL_LOW = "recall_low"


@dataclass(frozen=True)
class Check:
    status: str  # "ok" | "low" | "insufficient"
    change: str | None  # "raised" | "resolved" | None
    figures: dict[str, object]
    alert: Alert | None


def figures(perf: Performance, window: Window, threshold: float) -> dict[str, object]:
    interval = perf.recall_interval
    return {
        "recall": perf.recall,
        "recall_interval_95": list(interval) if interval else None,
        "threshold": threshold,
        "confirmed_malignant_decided": perf.malignant,
        "tp": perf.tp,
        "fn": perf.fn,
        "fp": perf.fp,
        "tn": perf.tn,
        "window_days": window.days,
        "window_last_n": window.last_n,
        "min_malignant": window.min_malignant,
    }


def open_alert(session: Session, kind: str = RECALL_LOW) -> Alert | None:
    return session.scalar(sa.select(Alert).where(Alert.open_key == kind))


def check_recall(
    *, session: Session, window: Window, threshold: float, notifier: Notifier | None = None
) -> Check:
    """Compare windowed recall with ``threshold``; open or resolve the alert when it changes."""
    perf = performance(session, window)["all"]
    data = figures(perf, window, threshold)
    if perf.malignant < window.min_malignant or perf.recall is None:
        return Check("insufficient", None, data, open_alert(session))
    low = perf.recall < threshold
    current = open_alert(session)
    if low and current is None:
        alert = _raise(session, data)
        change = "raised" if alert is not None else None  # None: another worker raised it
        current = alert or open_alert(session)
    elif not low and current is not None:
        _resolve(session, current, data)
        change = "resolved"
    else:
        change = None
    if change and notifier is not None:
        notifier.send(change, RECALL_LOW, data)
    return Check("low" if low else "ok", change, data, current if low else None)


def _raise(session: Session, data: dict[str, object]) -> Alert | None:
    alert = Alert(kind=RECALL_LOW, open_key=RECALL_LOW, opened_figures=json.dumps(data))
    try:
        with transaction(session):
            session.add(alert)
    except sa.exc.IntegrityError:
        return None
    log.error(
        json.dumps({"event": "alert.raised", "kind": RECALL_LOW, "alert_id": alert.id, **data})
    )
    return alert


def _resolve(session: Session, alert: Alert, data: dict[str, object]) -> None:
    with transaction(session):
        alert.open_key = None
        alert.resolved_at = utcnow()
        alert.resolved_figures = json.dumps(data)
    log.warning(
        json.dumps({"event": "alert.resolved", "kind": RECALL_LOW, "alert_id": alert.id, **data})
    )


def alerts(session: Session, limit: int = 50) -> list[Alert]:
    return list(session.scalars(sa.select(Alert).order_by(Alert.id.desc()).limit(limit)))
