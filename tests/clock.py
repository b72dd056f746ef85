"""Dates for tests, counted back from the clock the application reads (``utcnow``).

A fixed date such as 2026-11-20 is refused as "in the future" on a machine whose clock is
earlier, and leaves a monitoring window of 90 days once the clock is later: tests that record
outcomes use ``days_ago`` so they hold on any day.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from pinkbreast.db.models import utcnow


def today() -> date:
    return utcnow().date()


def days_ago(days: int) -> date:
    return today() - timedelta(days=days)


def away_from_a_minute_boundary(margin: float = 20.0) -> None:
    """Wait, when needed, until the next minute has begun. The API's rate limits are a sliding
    estimate over two one-minute windows, so requests that straddle a boundary may let one more
    through (tests/api/test_rate_limit.py covers that with a fixed clock); a test counting exact
    passes on the real clock starts where its requests stay in one window."""
    into = time.time() % 60
    if into > 60 - margin:
        time.sleep(60 - into + 0.5)
