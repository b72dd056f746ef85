"""Failed-login throttling without lock-out, counted in the database.

Two counters, neither of which lets a stranger lock an account's owner out:

- **account from address** (scope ``pair``): after ``free`` failures for one account from one
  address, each further try from that address waits a delay that doubles with every failure
  (``base``, 2 x ``base``, 4 x ``base``, ... up to ``max_delay``). The owner signing in from
  another address is not slowed by someone else's failures.
- **address** (scope ``address``): a global budget of ``per_address`` failures per address and
  window, whatever the accounts tried, so one address cannot guess across many accounts.

Counting in the database (not in process memory) makes the limits hold across gunicorn workers
and across app instances behind a load balancer, and survive restarts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pinkbreast.db.models import AuditEvent, LoginFailure, as_utc, utcnow
from pinkbreast.db.session import transaction
from pinkbreast.services import audit


@dataclass(frozen=True)
class Limits:
    free: int = 3  # failures for one account from one address before delays start
    base: float = 2.0  # seconds: the first delay, doubled at each further failure
    max_delay: float = 900.0
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)


LIMITS = Limits()


class Throttled(Exception):
    """Too many recent failures: try again in ``retry_after`` seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


def pair(account: str, address: str) -> str:
    """The subject of the account-from-address counter."""
    return f"{address}|{account}"[:255]


def retry_after(
    *, session: Session, account: str, address: str, limits: Limits = LIMITS
) -> int | None:
    """Seconds to wait before another try, or ``None`` when the login may be attempted."""
    now = utcnow()
    waits = [_address_wait(session, address, limits, now)]
    if account:
        waits.append(_pair_wait(session, pair(account, address), limits, now))
    known = [wait for wait in waits if wait is not None]
    return max(known) if known else None


def _recent(
    session: Session, scope: str, subject: str, limit: int, window: timedelta, now: datetime
) -> list[datetime]:
    query = (
        sa.select(LoginFailure.attempted_at)
        .where(LoginFailure.scope == scope, LoginFailure.subject == subject[:255])
        .where(LoginFailure.attempted_at >= now - window)
        .order_by(LoginFailure.attempted_at.desc())
        .limit(limit)
    )
    return [as_utc(moment) for moment in session.scalars(query)]


def _address_wait(session: Session, address: str, limits: Limits, now: datetime) -> int | None:
    if not address:
        return None
    times = _recent(session, "address", address, limits.per_address, limits.window, now)
    if len(times) < limits.per_address:
        return None
    return max(1, int((times[-1] + limits.window - now).total_seconds()) + 1)


def delay(failures: int, limits: Limits = LIMITS) -> float:
    """Seconds to wait after ``failures`` failures for one account from one address."""
    if failures < limits.free:
        return 0.0
    return min(limits.base * 2.0 ** (failures - limits.free), limits.max_delay)


def _pair_wait(session: Session, subject: str, limits: Limits, now: datetime) -> int | None:
    cap = limits.free + math.ceil(math.log2(limits.max_delay / limits.base)) + 1
    times = _recent(session, "pair", subject, cap, limits.window, now)
    wait = (
        (times[0] + timedelta(seconds=delay(len(times), limits)) - now).total_seconds()
        if (times)
        else 0
    )
    return math.ceil(wait) if wait > 0 else None


def refuse_if_throttled(*, session: Session, account: str, address: str) -> None:
    """Raise :class:`Throttled` when this account from this address, or this address, must wait.

    The audit trail gets one ``login.throttled`` row per address and window (not one per
    refused try), naming neither the account typed nor anything else the client sent.
    """
    with transaction(session):
        wait = retry_after(session=session, account=account, address=address)
        if wait is not None and not _throttling_recorded(session, address):
            audit.record(
                session=session,
                action="login.throttled",
                allowed=False,
                client_address=address,
                detail=f"failed sign-ins from this address slowed for {LIMITS.window}",
            )
    if wait is not None:
        raise Throttled(wait)


def _throttling_recorded(session: Session, address: str) -> bool:
    """Whether this address's throttling is already in the audit trail for this window."""
    query = (
        sa.select(AuditEvent.id)
        .where(AuditEvent.action == "login.throttled")
        .where(AuditEvent.client_address == ((address or None) and address[:45]))
        .where(AuditEvent.occurred_at >= utcnow() - LIMITS.window)
        .limit(1)
    )
    return session.scalar(query) is not None


def record_failure(
    *, session: Session, account: str, address: str, limits: Limits = LIMITS
) -> None:
    """Count one failure (in the caller's transaction) and forget ones outside the window."""
    now = utcnow()
    session.add(LoginFailure(scope="pair", subject=pair(account, address), attempted_at=now))
    if address:
        session.add(LoginFailure(scope="address", subject=address[:255], attempted_at=now))
    session.execute(sa.delete(LoginFailure).where(LoginFailure.attempted_at < now - limits.window))


def clear_account(*, session: Session, account: str, address: str) -> None:
    """A successful login forgets that account's failures from that address (not the address's
    own budget)."""
    session.execute(
        sa.delete(LoginFailure).where(
            LoginFailure.scope == "pair", LoginFailure.subject == pair(account, address)
        )
    )
