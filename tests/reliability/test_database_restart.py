"""A database restart in the middle of the load: clear 503s during the outage, recovery without
touching the app, and no partial or duplicated rows.

The server is a private MariaDB instance (its own datadir and port, ``private_mariadb``): the
machine's shared server is used by other test runs and by developers, and stopping it would
break them. It is stopped with SIGTERM (a clean shutdown, as `systemctl restart` or a managed
database's maintenance does), kept down for a few seconds, and started again on the same data.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
import requests
import sqlalchemy as sa

from pinkbreast.db.models import AuditEvent, Outcome, PredictionRecord
from pinkbreast.db.session import engine_for, session_scope
from tests.reliability.clinicians import ApiUser, Browser, Ledger, run_all, warm_up
from tests.reliability.servers import (
    create_clinicians,
    create_token,
    gunicorn,
    production_env,
    run_cli,
)

pytestmark = pytest.mark.reliability

BROWSERS, INTEGRATIONS = 8, 4
BEFORE, OUTAGE, AFTER = 8.0, 8.0, 14.0  # seconds of load before, during and after the outage
GRACE = 5.0  # seconds after the server is back within which the app must have recovered
THINK = (0.2, 0.6)


class Outage(threading.Thread):
    """Stops the database ``BEFORE`` seconds in, starts it again ``OUTAGE`` seconds later."""

    def __init__(self, database):
        super().__init__()
        self.database = database
        self.stopped = self.restarted = 0.0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            time.sleep(BEFORE)
            self.stopped = time.monotonic()
            self.database.stop()
            time.sleep(OUTAGE)
            self.database.start()
            self.restarted = time.monotonic()
        except BaseException as exc:  # reported by the test, not lost in a thread
            self.error = exc


def test_requests_during_a_database_restart_get_503_and_the_app_recovers(
    tmp_path, private_mariadb, champion_tracking_uri
):
    env = production_env(
        tmp_path,
        private_mariadb.url,
        champion_tracking_uri,
        WEB_CONCURRENCY="2",
        API_RATE_PER_MINUTE="100000",  # this test is about the database, not the rate limit
        API_USER_RATE_PER_MINUTE="100000",
    )
    run_cli(env, "db", "upgrade")
    browsers = [f"doctor{i}" for i in range(BROWSERS)]
    systems = [f"labsystem{i}" for i in range(INTEGRATIONS)]
    create_clinicians(env, [*browsers, *systems])
    tokens = {name: create_token(env, name) for name in systems}
    ledger = Ledger()
    with gunicorn(tmp_path, env) as server:
        warm_up(server.base, tokens[systems[0]], 2)
        clients = [Browser(server.base, name, ledger, seed=i) for i, name in enumerate(browsers)]
        clients += [
            ApiUser(server.base, name, tokens[name], ledger, seed=100 + i)
            for i, name in enumerate(systems)
        ]
        outage = Outage(private_mariadb)
        outage.start()
        run_all(clients, BEFORE + OUTAGE + AFTER, THINK)
        outage.join()
        assert outage.error is None, outage.error
        ready = requests.get(f"{server.base}/readyz", timeout=30).status_code
    log = server.log_text()
    db = stored(private_mariadb.url)

    assert ready == 200
    assert ledger.anomalies == []
    check_answers(ledger, outage)
    check_rows(ledger, db)
    assert "Error handling request" not in log  # gunicorn met no exception the app let out
    assert log.count("Booting worker") == 2  # and no worker died on the way


def check_answers(ledger: Ledger, outage: Outage) -> None:
    """503 with Retry-After (HTML for browsers, the JSON envelope for the API) during the
    outage only; nothing else went wrong; every client was served again after it."""
    samples = ledger.samples
    assert [s for s in samples if s.status is None] == []  # gunicorn itself never failed
    failures = [s for s in samples if s.status >= 500]
    assert failures, "no request met the outage: it tested nothing"
    assert {s.status for s in failures} == {503}
    for sample in failures:
        assert sample.retry_after == "5"
        assert "Traceback" not in sample.body and "OperationalError" not in sample.body
        if sample.action.startswith("api"):
            assert sample.content_type == "application/json"
            assert '"code":"database_unavailable"' in sample.body.replace(" ", "")
        else:
            assert sample.content_type.startswith("text/html")
            assert "Error 503" in sample.body and "database cannot be reached" in sample.body
    assert {s.action.startswith("api") for s in failures} == {True, False}
    # a 503 is right only for a request in flight while the database was down (or within the
    # grace after): one that started before the stop can reach the database after it
    outside = [
        s
        for s in failures
        if s.started + s.seconds < outage.stopped or s.started > outage.restarted + GRACE
    ]
    assert outside == [], outside[:3]
    others = [s for s in samples if not s.expected and s.status != 503]
    assert others == [], others[:3]
    recovered = {s.who for s in samples if s.started > outage.restarted + GRACE and s.expected}
    assert recovered == {s.who for s in samples}


def stored(url: str) -> dict:
    with session_scope(url) as session:
        rows = session.scalars(sa.select(PredictionRecord))
        predictions = {r.id: (r.user.username, r.sample_ref) for r in rows}
        audit = sa.select(AuditEvent.action, AuditEvent.record_id).where(
            AuditEvent.outcome == "allowed"
        )
        events = Counter(tuple(row) for row in session.execute(audit))
        outcomes = Counter(session.scalars(sa.select(Outcome.prediction_id)))
    engine_for(url).dispose()
    return {"predictions": predictions, "events": events, "outcomes": outcomes}


def check_rows(ledger: Ledger, db: dict) -> None:
    """Acknowledged rows stored once, as sent; any other row is a submission still unanswered
    when the load stopped; every row has its audit entry (one transaction wrote both)."""
    predictions = {i: row for i, row in db["predictions"].items() if row[1] != "WARM-UP"}
    for prediction_id, sent in ledger.acknowledged.items():
        assert predictions.get(prediction_id) == sent
    extra = {row for i, row in predictions.items() if i not in ledger.acknowledged}
    assert extra <= set(ledger.unanswered)
    assert max(Counter(ref for _, ref in predictions.values()).values()) == 1
    created = {int(i) for (action, i), _ in db["events"].items() if action == "prediction.create"}
    assert set(db["predictions"]) <= created
    recorded = Counter(
        {int(i): n for (action, i), n in db["events"].items() if action == "outcome.record"}
    )
    assert db["outcomes"] == recorded
    assert Counter(ledger.outcomes) <= db["outcomes"]
