"""The recall alert: raised exactly once when recall falls, resolved exactly once on recovery."""

import json
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from click.testing import CliRunner

from pinkbreast.cli import cli
from pinkbreast.config.monitoring import AlertChannels, Window
from pinkbreast.db.models import Alert, Outcome, PredictionRecord, User, utcnow
from pinkbreast.db.session import session_factory
from pinkbreast.features import FEATURE_NAMES
from pinkbreast.services.monitoring import alerts
from pinkbreast.services.monitoring.notify import Notifier
from pinkbreast.services.monitoring.performance import wilson
from tests.smtp_sink import smtp_sink


class Hook(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Hook.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    Hook.received = []
    server = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/alerts", Hook.received
    server.shutdown()


def _user(session) -> User:
    user = User(
        username="stream",
        email="s@h.test",
        password_hash="x",
        role="clinician",
        status="active",
        session_token="t" * 32,
    )
    session.add(user)
    session.flush()
    return user


def _confirmed(session, user, zone: str, diagnosis: str) -> None:
    record = PredictionRecord(
        user_id=user.id,
        source="api",
        model_version="1",
        probability=0.5,
        zone=zone,
        label=zone if zone != "indeterminate" else "malignant",
        threshold=0.3,
        band_lower=0.2,
        band_upper=0.6,
        warnings="",
        created_at=utcnow(),
        **{name: 1.0 for name in FEATURE_NAMES},
    )
    session.add(record)
    session.flush()
    session.add(
        Outcome(
            prediction_id=record.id,
            diagnosis=diagnosis,
            confirmed_on=date.today(),
            note="",
            recorded_by_id=user.id,
        )
    )
    session.commit()


def _stream(session, user, caught: int, missed: int) -> None:
    for _ in range(caught):
        _confirmed(session, user, "malignant", "M")
    for _ in range(missed):
        _confirmed(session, user, "benign", "M")


def test_recall_drop_raises_one_alert_and_recovery_resolves_it_once(
    session, settings, webhook, monkeypatch
):
    url, received = webhook
    window = Window(days=90, last_n=40, min_malignant=20)
    notifier = Notifier(AlertChannels(webhook_url=url))
    user = _user(session)
    session.commit()

    def check():
        return alerts.check_recall(
            session=session, window=window, threshold=0.85, notifier=notifier
        )

    _stream(session, user, caught=19, missed=1)  # recall 0.95
    assert check().status == "ok"
    _stream(session, user, caught=13, missed=7)  # last 40: 32/40 = 0.80
    first = check()
    assert (first.status, first.change) == ("low", "raised")
    assert first.figures["recall"] == pytest.approx(0.80)
    assert check().change is None and check().status == "low"  # deduplicated
    assert session.query(Alert).count() == 1

    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("RECALL_ALERT_THRESHOLD", "0.85")
    monkeypatch.setenv("MONITOR_LAST_N", "40")
    result = CliRunner().invoke(cli, ["monitor", "check"])
    assert result.exit_code == 1 and '"status": "low"' in result.output

    _stream(session, user, caught=40, missed=0)  # recovery
    resolved = check()
    assert (resolved.status, resolved.change) == ("ok", "resolved")
    assert check().change is None
    assert CliRunner().invoke(cli, ["monitor", "check"]).exit_code == 0
    alert = session.query(Alert).one()
    assert alert.resolved_at is not None and alert.open_key is None
    assert [event["event"] for event in received] == ["alert.raised", "alert.resolved"]


def test_recall_is_not_judged_on_too_few_malignant_cases(session):
    user = _user(session)
    session.commit()
    _stream(session, user, caught=1, missed=4)
    result = alerts.check_recall(session=session, window=Window(min_malignant=20), threshold=0.85)
    assert result.status == "insufficient" and result.change is None


def test_indeterminate_cases_are_reported_apart(session):
    from pinkbreast.services.monitoring.performance import performance

    user = _user(session)
    session.commit()
    _confirmed(session, user, "indeterminate", "M")
    _confirmed(session, user, "indeterminate", "B")
    _confirmed(session, user, "malignant", "M")
    perf = performance(session, Window())["all"]
    assert perf.indeterminate == {"M": 1, "B": 1} and (perf.tp, perf.fn) == (1, 0)


def test_wilson_interval_matches_the_textbook_value():
    low, high = wilson(32, 40)
    assert low == pytest.approx(0.6518, abs=1e-3) and high == pytest.approx(0.8950, abs=1e-3)
    assert wilson(0, 0) is None


def _concurrently(database_url: str, action) -> list:
    """Run ``action(session)`` in two threads at once, each with its own connection (as two
    app instances would); return both results."""
    barrier = threading.Barrier(2)
    results: list = []

    def run() -> None:
        session = session_factory(database_url)()
        try:
            barrier.wait()
            results.append(action(session))
        finally:
            session.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 2
    return results


def test_two_instances_raising_the_same_alert_at_once_open_one(session, database_url):
    """The unique open_key, not a prior read, deduplicates: even when both instances have
    checked that no alert is open, one insert wins and the other is told it lost."""
    window = Window(days=90, last_n=40, min_malignant=20)
    user = _user(session)
    session.commit()
    _stream(session, user, caught=12, missed=8)  # recall 0.60
    data = alerts.check_recall(session=session, window=window, threshold=0.85).figures
    session.query(Alert).delete()
    session.commit()

    raised = _concurrently(database_url, lambda s: alerts._raise(s, data))
    assert sorted(alert is None for alert in raised) == [False, True]
    assert session.query(Alert).filter(Alert.open_key.isnot(None)).count() == 1

    session.query(Alert).delete()
    session.commit()
    checks = _concurrently(
        database_url, lambda s: alerts.check_recall(session=s, window=window, threshold=0.85)
    )
    assert sorted(str(check.change) for check in checks) == ["None", "raised"]
    assert {check.status for check in checks} == {"low"}
    assert session.query(Alert).count() == 1


@pytest.mark.sqlite_only  # the channels, not SQL (the alert query runs on all three above)
def test_an_alert_change_is_also_mailed_to_the_administrators(session, webhook, caplog):
    """Both channels configured: the webhook and every recipient get the raised alert, with
    the recall in the subject; a failing channel does not stop the other one."""
    url, posted = webhook
    window = Window(days=90, last_n=40, min_malignant=20)
    user = _user(session)
    session.commit()
    recipients = ("lab-admin@example.org", "it@example.org")
    with smtp_sink(sender="alerts@example.org", recipients=recipients) as (smtp, mailed):
        notifier = Notifier(AlertChannels(webhook_url=url, smtp=smtp))
        _stream(session, user, caught=13, missed=7)
        result = alerts.check_recall(
            session=session, window=window, threshold=0.85, notifier=notifier
        )
    assert (result.status, result.change) == ("low", "raised")
    assert [event["event"] for event in posted] == ["alert.raised"]
    (message,) = mailed
    assert "Subject: [Pink Breast] alert.raised: recall 0.65" in message
    assert "To: lab-admin@example.org, it@example.org" in message
    assert '"event": "alert.raised"' in message

    broken = Notifier(AlertChannels(webhook_url="http://127.0.0.1:9/nowhere", smtp=smtp))
    broken.send("resolved", "recall", {"recall": 0.9})  # nobody listens any more: logged only
    logged = caplog.text
    assert "alert.webhook_failed" in logged and "alert.email_failed" in logged
