"""Failed logins slow that account from that address (growing delays) and each address (a
budget), counted in the database, without locking the owner out (issue 17, item 3)."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa

from pinkbreast.db.models import AuditEvent
from pinkbreast.db.session import session_scope
from pinkbreast.services.throttle import LIMITS, delay
from pinkbreast.web import create_app
from tests.clock import freeze_throttle_clock
from tests.web_fixtures import PASSWORD, TEST_HASH

INVALID = "Invalid username or password."


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch):
    """Delays of a few seconds are asserted: they must not run out on a slow machine."""
    freeze_throttle_clock(monkeypatch)


def _events(database_url: str, action: str) -> list[AuditEvent]:
    with session_scope(database_url) as session:
        query = sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list(session.scalars(query))


def test_wrong_passwords_are_slowed_with_growing_delays_and_audited_once(
    app, auth, actors, settings
):
    client = app.test_client()
    statuses = [
        auth.login(client, "clinician-a", f"wrong guess {n} here").status_code for n in range(10)
    ]
    allowed = LIMITS.free
    assert statuses == [200] * allowed + [429] * (10 - allowed)
    throttled = auth.login(client, "clinician-a", PASSWORD)
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) > 0
    assert [delay(n) for n in range(3, 7)] == [2.0, 4.0, 8.0, 16.0]
    failed = _events(settings.database_url, "login.failed")
    slowed = _events(settings.database_url, "login.throttled")
    assert len(failed) == allowed and len(slowed) == 1  # one row per address and window
    assert {e.outcome for e in failed + slowed} == {"denied"}
    assert {e.actor_name for e in failed} == {"clinician-a"} and slowed[0].actor_name is None
    assert all(e.client_address == "127.0.0.1" for e in failed + slowed)


def test_the_right_password_from_another_address_is_not_refused(app, auth, actors):
    """Anyone failing on an account (even as ADMIN or ' admin ') cannot lock its owner out."""
    attacker = app.test_client()
    for n, spelling in enumerate(["CLINICIAN-A", " clinician-a ", "clinician-a"] * 4):
        auth.login(attacker, spelling, f"guess number {n} here")
    assert auth.login(attacker, "clinician-a", PASSWORD).status_code == 429
    owner = app.test_client()
    response = auth.login(owner, "clinician-a", environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert response.status_code == 302


def test_a_typed_unknown_username_is_never_stored(app, auth, actors, settings):
    client = app.test_client()
    secret = "my-secret-passphrase-typed-in-the-wrong-box"
    for _ in range(6):
        auth.login(client, secret, "whatever it is")
    with session_scope(settings.database_url) as session:
        rows = list(session.scalars(sa.select(AuditEvent)))
    stored = " ".join(f"{e.actor_name} {e.detail} {e.record_id}" for e in rows)
    assert secret not in stored
    assert [e.detail for e in rows if e.action == "login.failed"] == ["unknown account"] * 3


def test_wrong_current_passwords_on_the_password_page_count(app, auth, actors):
    client = auth.client_for("clinician_a")
    new = "a new long passphrase here"
    statuses = []
    for n in range(6):
        data = {
            "csrf_token": auth.csrf_token(client, "/password"),
            "current": f"wrong current {n} here",
            "password": new,
            "confirm": new,
        }
        statuses.append(client.post("/password", data=data).status_code)
    assert statuses == [200] * LIMITS.free + [429] * (6 - LIMITS.free)


def test_the_count_is_shared_by_every_app_instance(app, auth, actors, settings):
    """Another worker/instance (a second app on the same database) sees the same counter."""
    first = app.test_client()
    for n in range(LIMITS.free):
        auth.login(first, "clinician-b", f"bad guess {n} here")
    other_app = create_app(dataclasses.replace(settings, password_hash=TEST_HASH))
    other = other_app.test_client()
    assert auth.login(other, "clinician-b", PASSWORD).status_code == 429


def test_one_address_guessing_many_accounts_is_throttled(app, auth, actors):
    client = app.test_client()
    statuses = [
        auth.login(client, f"user-{n}", "not the right one").status_code
        for n in range(LIMITS.per_address + 1)
    ]
    assert statuses[-1] == 429 and set(statuses[:-1]) == {200}
    other_address = app.test_client()
    response = auth.login(other_address, "clinician-a", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert response.status_code == 302


def test_one_message_whatever_failed(app, auth, actors, settings):
    from tests.web_fixtures import make_account

    gone = make_account(settings.database_url, "gone-away")
    admin = auth.client_for("admin")
    admin.post(f"/admin/accounts/{gone}/deactivate", data={"csrf_token": auth.csrf_token(admin)})
    pages = [
        auth.login(app.test_client(), "nobody-at-all", PASSWORD),
        auth.login(app.test_client(), "clinician-a", "a wrong password here"),
        auth.login(app.test_client(), "gone-away", PASSWORD),
    ]
    for page in pages:
        assert page.status_code == 200 and INVALID in page.get_data(as_text=True)


def test_a_successful_login_clears_the_account_counter(app, auth, actors):
    client = app.test_client()
    for n in range(LIMITS.free - 1):
        auth.login(client, "clinician-a", f"bad guess {n} here")
    assert auth.login(client, "clinician-a").status_code == 302
    auth.logout(client)
    for n in range(LIMITS.free - 1):
        assert auth.login(client, "clinician-a", f"bad guess {n} again").status_code == 200
