"""Dates for tests, counted back from the clock the application reads (``utcnow``).

A fixed date such as 2026-11-20 is refused as "in the future" on a machine whose clock is
earlier, and leaves a monitoring window of 90 days once the clock is later: tests that record
outcomes use ``days_ago`` so they hold on any day.

Tests that count exact passes of a time-based limit stop that service's clock
(``freeze_rate_limit_clock``, ``freeze_throttle_clock``) instead of sleeping or racing it.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

from pinkbreast.db.models import utcnow


def today() -> date:
    return utcnow().date()


def days_ago(days: int) -> date:
    return today() - timedelta(days=days)


def freeze_rate_limit_clock(monkeypatch) -> float:
    """Stop the API rate limit's clock one second into the current minute (its window), for a
    test counting exact passes: requests can no longer straddle a window boundary however slow
    the machine is, and nothing waits. Returns the frozen instant (epoch seconds)."""
    from types import SimpleNamespace

    from pinkbreast.services import rate_limit

    frozen = time.time() // 60 * 60 + 1
    monkeypatch.setattr(rate_limit, "time", SimpleNamespace(time=lambda: frozen))
    return frozen


def freeze_throttle_clock(monkeypatch) -> datetime:
    """Stop the login throttle's clock (what it records and what it compares with) at the
    present instant, so a delay of a few seconds cannot run out on a slow machine mid-test."""
    from pinkbreast.services import throttle

    frozen = utcnow()
    monkeypatch.setattr(throttle, "utcnow", lambda: frozen)
    return frozen
