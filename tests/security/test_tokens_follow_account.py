"""API tokens follow the account (issue 17, item 1): every change of the account's security
state revokes them (audited), administrators see and revoke them, an account holds a bounded
number of live tokens, and all of its tokens share one rate limit."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa

from pinkbreast.db.models import ApiToken, AuditEvent, User
from pinkbreast.db.session import session_scope
from pinkbreast.services import tokens
from pinkbreast.web import create_app
from tests.clock import freeze_rate_limit_clock
from tests.web_fixtures import PASSWORD
from tests.workflow import ApiClient


def _token(settings, user_id: int, name: str = "lab") -> str:
    with session_scope(settings.database_url) as session:
        plain, _ = tokens.create_token(session=session, user=session.get(User, user_id), name=name)
        return plain


def _post(auth, client, url: str, **data):
    return client.post(url, data={"csrf_token": auth.csrf_token(client), **data})


def _events(settings, action: str) -> list[AuditEvent]:
    with session_scope(settings.database_url) as session:
        query = sa.select(AuditEvent).where(AuditEvent.action == action)
        return list(session.scalars(query.order_by(AuditEvent.id)))


def _answers(app, token: str) -> int:
    return ApiClient(app.test_client(), token).get("/model").status_code


def test_a_password_change_revokes_the_accounts_tokens(app, auth, actors, settings):
    token = _token(settings, actors["clinician_a"])
    assert _answers(app, token) == 200
    client = auth.client_for("clinician_a")
    new = "another long private passphrase"
    data = {"current": PASSWORD, "password": new, "confirm": new}
    assert _post(auth, client, "/password", **data).status_code == 302
    assert _answers(app, token) == 401
    (event,) = _events(settings, "token.revoke_all")
    assert event.actor_id == actors["clinician_a"] and event.record_id == str(actors["clinician_a"])
    assert event.detail == "password change: 1 token(s) revoked"


@pytest.mark.parametrize(
    ("action", "data", "reason"),
    [
        ("reset-password", {}, "password reset"),
        ("deactivate", {}, "deactivation"),
        ("role", {"role": "auditor"}, "role change to auditor"),
    ],
)
def test_administrator_changes_revoke_the_accounts_tokens(
    app, auth, actors, settings, action, data, reason
):
    victim = actors["clinician_a"]
    token = _token(settings, victim)
    other = _token(settings, actors["clinician_b"])
    admin = auth.client_for("admin")
    _post(auth, admin, f"/admin/accounts/{victim}/{action}", **data)
    if action == "deactivate":  # reactivation does not bring the token back
        _post(auth, admin, f"/admin/accounts/{victim}/reactivate")
    assert _answers(app, token) == 401
    assert _answers(app, other) == 200  # only that account's tokens
    (event,) = _events(settings, "token.revoke_all")
    assert event.actor_id == actors["admin"] and event.detail == f"{reason}: 1 token(s) revoked"


def test_a_forced_change_after_a_reset_revokes_tokens_made_in_between(app, auth, actors, settings):
    victim = actors["clinician_a"]
    with session_scope(settings.database_url) as session:
        session.get(User, victim).must_change_password = True
        session.commit()
    token = _token(settings, victim)
    client = auth.client_for("clinician_a")
    new = "another long private passphrase"
    data = {"current": PASSWORD, "password": new, "confirm": new}
    assert _post(auth, client, "/password", **data).status_code == 302
    assert _answers(app, token) == 401
    (event,) = _events(settings, "token.revoke_all")
    assert event.detail.startswith("forced password change")


def test_administrators_see_and_revoke_a_users_tokens(app, auth, actors, settings):
    victim = actors["clinician_a"]
    token = _token(settings, victim, name="analyser-7")
    admin = auth.client_for("admin")
    page = admin.get(f"/admin/accounts/{victim}").get_data(as_text=True)
    assert "analyser-7" in page and token[:12] in page
    own = auth.client_for("clinician_a").get("/account").get_data(as_text=True)
    assert "analyser-7" in own  # the user's account page lists them too
    with session_scope(settings.database_url) as session:
        token_id = session.scalar(sa.select(ApiToken.id).where(ApiToken.user_id == victim))
    response = _post(auth, admin, f"/admin/accounts/{victim}/tokens/{token_id}/revoke")
    assert response.status_code == 303
    assert _answers(app, token) == 401
    (event,) = _events(settings, "token.revoke")
    assert event.actor_id == actors["admin"] and event.record_id == str(token_id)


def test_a_refused_revocation_is_audited(app, auth, actors, settings):
    _token(settings, actors["clinician_a"])
    with session_scope(settings.database_url) as session:
        token_id = session.scalar(sa.select(ApiToken.id))
    intruder = auth.client_for("clinician_b")
    assert _post(auth, intruder, f"/tokens/{token_id}/revoke").status_code == 404
    (event,) = _events(settings, "token.revoke")
    assert event.outcome == "denied" and event.actor_id == actors["clinician_b"]
    assert event.record_id == str(token_id)


def test_an_account_holds_a_bounded_number_of_live_tokens(app, auth, actors, settings):
    cap = app.config["PINKBREAST_SETTINGS"].api_tokens_per_user
    client = auth.client_for("clinician_a")
    statuses = [
        _post(auth, client, "/tokens", name=f"t{i}", days=30).status_code for i in range(cap + 1)
    ]
    assert statuses == [200] * cap + [400]
    with session_scope(settings.database_url) as session:
        count = session.scalar(sa.select(sa.func.count(ApiToken.id)))
    assert count == cap


def test_many_tokens_share_the_accounts_rate_limit(app_settings, actors, monkeypatch):
    settings = dataclasses.replace(app_settings, api_rate_per_minute=5, api_user_rate_per_minute=6)
    freeze_rate_limit_clock(monkeypatch)
    app = create_app(settings)
    clients = [
        ApiClient(app.test_client(), _token(settings, actors["clinician_a"], f"t{i}"))
        for i in range(4)
    ]
    statuses = [clients[i % 4].get("/model").status_code for i in range(8)]
    assert statuses == [200] * 6 + [429] * 2
