"""Failed logins are throttled per account and per client address, counted in the database."""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa

from pinkbreast.db.models import AuditEvent
from pinkbreast.db.session import session_scope
from pinkbreast.services.throttle import LIMITS
from pinkbreast.web import create_app
from tests.web_fixtures import PASSWORD, TEST_HASH

INVALID = "Invalid username or password."


def _events(database_url: str, action: str) -> list[AuditEvent]:
    with session_scope(database_url) as session:
        query = sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list(session.scalars(query))


def test_twenty_wrong_passwords_are_throttled_and_audited(app, auth, actors, settings):
    client = app.test_client()
    statuses = [auth.login(client, "clinician-a", "wrong guess number one").status_code]
    statuses += [
        auth.login(client, "clinician-a", f"wrong guess {n}").status_code for n in range(19)
    ]
    allowed = LIMITS.per_account
    assert statuses == [200] * allowed + [429] * (20 - allowed)
    throttled = auth.login(client, "clinician-a", PASSWORD)
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) > 0
    failed = _events(settings.database_url, "login.failed")
    slowed = _events(settings.database_url, "login.throttled")
    assert len(failed) == allowed and len(slowed) == 20 - allowed + 1
    assert {e.outcome for e in failed + slowed} == {"denied"}
    assert {e.actor_name for e in failed + slowed} == {"clinician-a"}
    assert all(e.client_address == "127.0.0.1" for e in failed + slowed)


def test_the_count_is_shared_by_every_app_instance(app, auth, actors, settings):
    """Another worker/instance (a second app on the same database) sees the same counter."""
    first = app.test_client()
    for n in range(LIMITS.per_account):
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
    for n in range(LIMITS.per_account - 1):
        auth.login(client, "clinician-a", f"bad guess {n} here")
    assert auth.login(client, "clinician-a").status_code == 302
    auth.logout(client)
    for n in range(LIMITS.per_account - 1):
        assert auth.login(client, "clinician-a", f"bad guess {n} again").status_code == 200
