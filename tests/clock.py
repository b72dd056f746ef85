"""Dates for tests, counted back from the clock the application reads (``utcnow``).

A fixed date such as 2026-11-20 is refused as "in the future" on a machine whose clock is
earlier, and leaves a monitoring window of 90 days once the clock is later: tests that record
outcomes use ``days_ago`` so they hold on any day.
"""

from __future__ import annotations

from datetime import date, timedelta

from pinkbreast.db.models import utcnow


def today() -> date:
    return utcnow().date()


def days_ago(days: int) -> date:
    return today() - timedelta(days=days)
