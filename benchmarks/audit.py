"""The cost of auditing list reads (issue 17): one page of predictions as the history page and
``GET /api/v1/predictions`` read it — the read and its ``prediction.list`` audit row, one
transaction — against the same read without the row, measured in the same run, alternating,
on the bench database (MariaDB). The audit row is never skipped in the product: the peer exists
only here, to price it.
"""

from __future__ import annotations

import statistics
import time

from benchmarks.common import say, write_result
from benchmarks.instance import Instance

PAGES = 300  # timed reads of each kind
STORED = 500  # predictions in the table while reading


def run(instance: Instance, *, pages: int = PAGES) -> dict:
    from benchmarks.reports import _predictions
    from pinkbreast.db.session import session_scope

    with session_scope(instance.env["DATABASE_URL"]) as session:
        _, user = _predictions(session, instance, STORED)
        say(f"audit: {pages} list reads with their audit row, {pages} without, alternating")
        audited, plain = [], []
        for _ in range(pages):
            audited.append(_timed(lambda: _audited(session, user)))
            plain.append(_timed(lambda: _plain(session, user)))
    result = {
        "pages": pages,
        "stored": STORED,
        "audited_ms": _summary(audited),
        "read_only_ms": _summary(plain),
        "ratio_median": statistics.median(audited) / statistics.median(plain),
    }
    path = write_result("audit", result)
    say(f"audit: {path}")
    return result


def _audited(session, user) -> None:
    from pinkbreast.services import history

    history.list_predictions(
        session=session, user=user, filters=history.HistoryFilter(), channel="bench"
    )


def _plain(session, user) -> None:
    """What list_predictions reads, in one transaction, without the audit row."""
    import sqlalchemy as sa

    from pinkbreast.db.models import PredictionRecord
    from pinkbreast.db.session import transaction
    from pinkbreast.services.history import PER_PAGE

    query = sa.select(PredictionRecord).where(PredictionRecord.user_id == user.id)
    with transaction(session):
        session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
        ordered = query.order_by(PredictionRecord.id.desc()).limit(PER_PAGE)
        [item.id for item in session.scalars(ordered)]


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def _summary(times: list[float]) -> dict:
    ordered = sorted(times)
    return {
        "median": statistics.median(ordered),
        "p95": ordered[int(0.95 * (len(ordered) - 1))],
        "fastest": ordered[0],
    }
