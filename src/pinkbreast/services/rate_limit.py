"""The API rate limit (requests per token per minute), counted in the database.

Like failed-login throttling (``throttle.py``), the count lives in the database so that every
gunicorn worker of every instance shares one limit; a counter in process memory would multiply
it by the number of workers and instances.

The window slides: a request is allowed while ``current + previous × (1 − elapsed / period)``
stays below the rate, where ``current`` and ``previous`` are the counts of this fixed window and
the one before, and ``elapsed`` is how far into this window we are (the sliding-window estimate
of Cloudflare's and Nginx's limiters; it assumes the previous window's requests were spread
evenly). Each token has two rows, one per parity of the window number, reused forever. A request
costs one read and one conditional ``UPDATE ... SET hits = hits + 1`` by primary key: concurrent
requests on several instances are counted exactly (the row lock serialises them), with no range
locks and no rows to prune. Window numbers come from each instance's clock, so instances should
keep time with NTP (a skew of a second moves a window boundary by a second).

One database transaction per request costs more than the rest of an API call, so
:class:`Leases` lets a process take permits in blocks (``lease_size``: 1/50 of the rate, at most
100): the block is counted in the database before any of it is used, so the shared limit is
never exceeded; permits a process still holds when its window ends are lost, so a client can be
refused up to ``(processes - 1) x (block - 1)`` requests early (2% of the rate per process). With
the default 120 requests a minute the block is 2.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pinkbreast.db.models import ApiRateWindow
from pinkbreast.db.session import rows_updated, transaction

TABLE = cast(sa.Table, ApiRateWindow.__table__)  # a mapped class's table (typed FromClause)


@dataclass(frozen=True)
class Limit:
    rate: int  # requests allowed per period
    period: float = 60.0  # seconds


def lease_size(limit: Limit) -> int:
    return max(1, min(limit.rate // 50, 100))


@dataclass
class Leases:
    """Permits this process took from the database counter and has not used yet."""

    held: dict[str, tuple[int, int]] = field(default_factory=dict)  # subject -> window, left
    lock: threading.Lock = field(default_factory=threading.Lock)

    def retry_after(
        self, *, session: Session, subject: str, limit: Limit, now: float | None = None
    ) -> int | None:
        """Like :func:`retry_after`, from a held block when there is one."""
        now = time.time() if now is None else now
        window = int(now // limit.period)
        with self.lock:
            held_window, left = self.held.get(subject, (window, 0))
            if held_window == window and left > 0:
                self.held[subject] = (window, left - 1)
                return None
        block = lease_size(limit)
        if (
            block > 1
            and retry_after(session=session, subject=subject, limit=limit, now=now, permits=block)
            is None
        ):
            with self.lock:
                self.held[subject] = (window, block - 1)
            return None
        return retry_after(session=session, subject=subject, limit=limit, now=now)


def retry_after(
    *, session: Session, subject: str, limit: Limit, now: float | None = None, permits: int = 1
) -> int | None:
    """Count ``permits`` requests of ``subject``; ``None`` if allowed, else the seconds to wait.

    A refused request is not counted. Commits its own transaction.
    """
    now = time.time() if now is None else now
    window = int(now // limit.period)
    elapsed = now - window * limit.period
    for _ in range(2):  # the second pass only after creating the token's two rows
        with transaction(session):
            previous = _hits(session, subject, window - 1)
            cap = math.ceil(limit.rate - previous * (1 - elapsed / limit.period))
            if cap >= permits and _count(session, subject, window, cap - permits + 1, permits):
                return None
            current = _hits(session, subject, window)
        # With cap > 0, an UPDATE that matched nothing while this window counts nothing
        # means the token has no rows yet; otherwise the limit is reached.
        if cap <= 0 or current:
            return _wait(current, previous, elapsed, limit)
        _create_rows(session, subject)
    return _wait(current, previous, elapsed, limit)


def _hits(session: Session, subject: str, window: int) -> int:
    query = sa.select(TABLE.c.hits).where(
        TABLE.c.subject == subject, TABLE.c.slot == window % 2, TABLE.c.window_start == window
    )
    return session.scalar(query) or 0


def _count(session: Session, subject: str, window: int, cap: int, permits: int = 1) -> bool:
    """Add ``permits`` to this window's count if it is below ``cap``; a stale slot restarts at
    ``permits``."""
    statement = (
        sa.update(TABLE)
        .where(TABLE.c.subject == subject, TABLE.c.slot == window % 2)
        .where(sa.or_(TABLE.c.window_start != window, TABLE.c.hits < cap))
        # hits first: MySQL/MariaDB evaluate SET left to right with the values already set
        .ordered_values(
            (
                TABLE.c.hits,
                sa.case((TABLE.c.window_start == window, TABLE.c.hits + permits), else_=permits),
            ),
            (TABLE.c.window_start, window),
        )
    )
    return rows_updated(session, statement) == 1


def _create_rows(session: Session, subject: str) -> None:
    """The token's first request: its two rows (another request may make them first)."""
    rows = [{"subject": subject, "slot": slot, "window_start": -1, "hits": 0} for slot in (0, 1)]
    try:
        with transaction(session):
            session.execute(sa.insert(TABLE), rows)
    except sa.exc.IntegrityError:
        pass  # made by a concurrent request: exactly what was wanted


def _wait(current: int, previous: int, elapsed: float, limit: Limit) -> int:
    """Seconds until the sliding estimate leaves room for one more request."""
    rate, period = limit.rate, limit.period
    if current < rate and previous:
        # later in this window, once the previous window's weight has fallen enough
        moment = period * (1 - (rate - current) / previous)
    else:
        # in the next window, once this window's weight has fallen enough
        moment = period + period * max(0.0, 1 - rate / max(current, 1))
    return max(1, math.ceil(moment - elapsed))
