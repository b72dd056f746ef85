"""The API rate limit is counted in the database: shared by every worker and instance, exact
under concurrency, sliding over the previous window."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from pinkbreast.db.session import session_factory
from pinkbreast.services import rate_limit
from pinkbreast.web import create_app
from tests.clock import freeze_rate_limit_clock
from tests.workflow import ApiClient, make_token

T0 = 1_800_000_000.0  # a window boundary for a 60 s period (T0 % 60 == 0)


def allowed(database_url: str, subject: str, limit: rate_limit.Limit, now: float) -> int | None:
    session = session_factory(database_url)()
    try:
        return rate_limit.retry_after(session=session, subject=subject, limit=limit, now=now)
    finally:
        session.close()


def test_two_app_instances_on_one_database_share_the_limit(clinic_settings, users, monkeypatch):
    """Three requests a minute in all: alternating between two apps, the fourth is refused."""
    freeze_rate_limit_clock(monkeypatch)  # the four requests in one window, however slow
    settings = dataclasses.replace(clinic_settings, api_rate_per_minute=3)
    first, second = create_app(settings), create_app(settings)
    token = make_token(settings, "alice")
    clients = [ApiClient(app.test_client(), token) for app in (first, second)]
    responses = [clients[i % 2].get("/predictions") for i in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    refused = responses[-1]
    assert refused.get_json()["error"]["code"] == "too_many_requests"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    bruno = ApiClient(second.test_client(), make_token(settings, "bruno"))
    assert bruno.get("/predictions").status_code == 200  # each token has its own count


def test_the_window_slides_over_the_previous_minute(database_url):
    """Four a minute: full at once, then room comes back as the last minute's weight fades."""
    limit = rate_limit.Limit(rate=4, period=60)
    calls = [allowed(database_url, "t", limit, T0 + i) for i in range(5)]
    assert calls[:4] == [None] * 4 and calls[4] == 56  # the fifth waits for the next window
    # 30 s into the next minute the previous one still weighs 4 x 0.5 = 2: two more fit.
    later = [allowed(database_url, "t", limit, T0 + 90) for _ in range(3)]
    assert later[:2] == [None, None] and later[2] is not None
    # 45 s in, it weighs 4 x 0.25 = 1: one more.
    assert allowed(database_url, "t", limit, T0 + 105) is None
    assert allowed(database_url, "t", limit, T0 + 105) is not None
    # Two minutes on, the slot of the first minute is reused from zero.
    assert [allowed(database_url, "t", limit, T0 + 240) for _ in range(4)] == [None] * 4


def test_concurrent_requests_are_counted_exactly(database_url):
    """Twelve requests at once against a limit of five: exactly five pass, on every backend."""
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite serves one server only; the race that matters is across servers")
    limit = rate_limit.Limit(rate=5, period=60)
    barrier = threading.Barrier(12)
    results: list[int | None] = []

    def request() -> None:
        barrier.wait()
        results.append(allowed(database_url, "shared", limit, T0 + 1))

    threads = [threading.Thread(target=request) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 12
    assert results.count(None) == 5


def test_leased_blocks_never_exceed_the_shared_limit(database_url):
    """Two processes taking permits in blocks of 2 (rate 100): together never more than 100
    in a window, and each database round trip serves a whole block."""
    limit = rate_limit.Limit(rate=100, period=60)
    assert rate_limit.lease_size(limit) == 2
    processes = [rate_limit.Leases(), rate_limit.Leases()]
    session = session_factory(database_url)()
    try:
        granted = [
            processes[i % 2].retry_after(session=session, subject="s", limit=limit, now=T0 + 1)
            is None
            for i in range(130)
        ]
        counted = rate_limit._hits(session, "s", int((T0 + 1) // 60))
    finally:
        session.close()
    assert sum(granted) == 100 and not any(granted[100:])
    assert counted == 100  # permits are counted in the database before they are used
    assert all(left == 0 for p in processes for _, left in p.held.values())
