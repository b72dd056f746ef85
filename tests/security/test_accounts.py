"""Approval, roles, the last administrator, password resets and forced password changes."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from pinkbreast.db.models import AuditEvent, User
from pinkbreast.db.session import session_scope
from pinkbreast.services import administration
from pinkbreast.services.accounts import AccountError
from tests.web_fixtures import PASSWORD, load_user, make_account

PROTECTED_PAGES = ("/account", "/password", "/admin/accounts", "/admin/audit")


def _post(auth, client, url: str, **data):
    return client.post(url, data={"csrf_token": auth.csrf_token(client), **data})


def test_a_pending_account_can_do_nothing_until_approved(app, auth, actors):
    client = app.test_client()
    token = auth.csrf_token(client, "/register")
    form = {"username": "dr-new", "email": "new@example.org", "password": PASSWORD}
    client.post("/register", data={"csrf_token": token, "confirm": PASSWORD, **form})
    assert auth.login(client, "dr-new").status_code == 302
    assert "awaiting approval" in client.get("/").get_data(as_text=True)
    assert [client.get(page).status_code for page in PROTECTED_PAGES] == [403] * 4
    admin = auth.client_for("admin")
    user_id = load_user_id(app, "dr-new")
    assert _post(auth, admin, f"/admin/accounts/{user_id}/approve").status_code == 302
    assert client.get("/account").status_code == 200
    assert client.get("/admin/accounts").status_code == 403


def load_user_id(app, username: str) -> int:
    settings = app.config["PINKBREAST_SETTINGS"]
    with session_scope(settings.database_url) as session:
        return session.scalar(sa.select(User.id).where(User.username == username))


def test_the_last_administrator_cannot_be_deactivated_or_demoted(app, auth, actors, settings):
    admin = auth.client_for("admin")
    me = actors["admin"]
    page = _post(auth, admin, f"/admin/accounts/{me}/deactivate")
    assert page.status_code == 302
    assert "last administrator" in admin.get(page.location).get_data(as_text=True)
    _post(auth, admin, f"/admin/accounts/{me}/role", role="clinician")
    user = load_user(settings.database_url, me)
    assert (user.role, user.status) == ("admin", "active")
    with session_scope(settings.database_url) as session:
        denied = session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.outcome == "denied")
        ).all()
    assert "account.deactivate" in denied and "account.role:clinician" in denied


def test_an_administrator_can_be_demoted_when_another_remains(app, auth, actors, settings):
    second = make_account(settings.database_url, "second-admin", role="admin")
    admin = auth.client_for("admin")
    _post(auth, admin, f"/admin/accounts/{second}/role", role="auditor")
    assert load_user(settings.database_url, second).role == "auditor"
    with session_scope(settings.database_url) as session:
        actor = session.get(User, actors["admin"])
        with pytest.raises(AccountError, match="last_admin"):
            administration.deactivate(session=session, actor=actor, user_id=actor.id)


def test_a_reset_password_is_shown_once_and_must_be_changed(app, auth, actors, settings):
    victim = auth.client_for("clinician_a")
    admin = auth.client_for("admin")
    page = _post(auth, admin, f"/admin/accounts/{actors['clinician_a']}/reset-password")
    temporary = re.search(r'<code class="pb-secret">([^<]+)</code>', page.get_data(as_text=True))
    assert page.status_code == 200 and temporary
    assert victim.get("/account").status_code == 302  # the old session ended
    client = app.test_client()
    response = auth.login(client, "clinician-a", temporary.group(1))
    assert response.status_code == 302 and response.location.endswith("/password")
    assert client.get("/account").location.endswith("/password")
    new = "a fresh and private passphrase"
    token = auth.csrf_token(client, "/password")
    data = {"csrf_token": token, "current": temporary.group(1), "password": new, "confirm": new}
    assert client.post("/password", data=data).status_code == 302
    assert client.get("/account").status_code == 200
    assert not load_user(settings.database_url, actors["clinician_a"]).must_change_password


def test_an_unknown_account_is_a_404_for_administrators(auth, actors):
    admin = auth.client_for("admin")
    assert admin.get("/admin/accounts/999999").status_code == 404
    assert _post(auth, admin, "/admin/accounts/999999/approve").status_code == 404


def test_account_changes_are_audited_with_who_what_and_where(app, auth, actors, settings):
    target = make_account(settings.database_url, "to-approve", status="pending")
    admin = auth.client_for("admin")
    _post(auth, admin, f"/admin/accounts/{target}/approve")
    with session_scope(settings.database_url) as session:
        event = session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "account.approve")
        ).one()
    assert (event.actor_id, event.actor_name) == (actors["admin"], "admin")
    assert (event.record_type, event.record_id, event.outcome) == ("user", str(target), "allowed")
    assert event.client_address == "127.0.0.1" and event.occurred_at is not None
