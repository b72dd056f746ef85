"""Failed-login throttling, counted in the database.

Counting in the database (not in process memory) makes the limits hold across gunicorn workers
and across app instances behind a load balancer, and survive restarts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pinkbreast.db.models import LoginFailure, as_utc, utcnow


@dataclass(frozen=True)
class Limits:
    per_account: int = 5
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)


LIMITS = Limits()


def retry_after(
    *, session: Session, account: str, address: str, limits: Limits = LIMITS
) -> int | None:
    """Seconds to wait before another try, or ``None`` when the login may be attempted."""
    now = utcnow()
    waits = [
        _wait(session, "account", account, limits.per_account, limits.window, now),
        _wait(session, "address", address, limits.per_address, limits.window, now),
    ]
    waits = [wait for wait in waits if wait is not None]
    return max(waits) if waits else None


def _wait(session, scope: str, subject: str, limit: int, window: timedelta, now: datetime):
    if not subject:
        return None
    recent = (
        sa.select(LoginFailure.attempted_at)
        .where(LoginFailure.scope == scope, LoginFailure.subject == subject[:255])
        .where(LoginFailure.attempted_at >= now - window)
        .order_by(LoginFailure.attempted_at.desc())
        .limit(limit)
    )
    times = list(session.scalars(recent))
    if len(times) < limit:
        return None
    oldest_counted = as_utc(times[-1])
    return max(1, int((oldest_counted + window - now).total_seconds()) + 1)


def record_failure(*, session: Session, account: str, address: str, limits: Limits = LIMITS):
    """Count one failure (in the caller's transaction) and forget ones outside the window."""
    now = utcnow()
    for scope, subject in (("account", account), ("address", address)):
        if subject:
            session.add(LoginFailure(scope=scope, subject=subject[:255], attempted_at=now))
    session.execute(sa.delete(LoginFailure).where(LoginFailure.attempted_at < now - limits.window))


def clear_account(*, session: Session, account: str) -> None:
    """A successful login forgets the account's failures (not the address's)."""
    session.execute(
        sa.delete(LoginFailure).where(
            LoginFailure.scope == "account", LoginFailure.subject == account[:255]
        )
    )
