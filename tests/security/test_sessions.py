"""Sessions: a copied cookie dies at logout, renewal at login, time-outs, cookie flags."""

from __future__ import annotations

import time
from http.cookies import SimpleCookie

from tests.web_fixtures import PASSWORD, make_account


def _session_cookie(client) -> str:
    return client.get_cookie("session").value


def _clone(app, cookie: str):
    copy = app.test_client()
    copy.set_cookie("session", cookie)
    return copy


def test_a_cookie_copied_before_logout_does_not_work_after_logout(app, auth, actors):
    client = auth.client_for("clinician_a")
    stolen = _session_cookie(client)
    assert _clone(app, stolen).get("/account").status_code == 200
    auth.logout(client)
    after = _clone(app, stolen).get("/account")
    assert after.status_code == 302 and "/login" in after.location
    json = _clone(app, stolen).get("/account", headers={"Accept": "application/json"})
    assert json.status_code == 401 and json.get_json()["error"]["code"] == "unauthorized"


def test_changing_the_password_ends_other_sessions_but_not_this_one(app, auth, actors):
    client = auth.client_for("clinician_a")
    other = auth.client_for("clinician_a")
    new = "another very different passphrase"
    token = auth.csrf_token(client, "/password")
    data = {"csrf_token": token, "current": PASSWORD, "password": new, "confirm": new}
    assert client.post("/password", data=data).status_code == 302
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302
    assert auth.login(app.test_client(), "clinician-a", new).status_code == 302


def test_login_starts_a_new_session_without_anything_from_before(app, auth, actors):
    client = app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    before = _session_cookie(client)
    auth.login(client, "clinician-a")
    with client.session_transaction() as session:
        assert "planted" not in session and session["_user_id"].startswith(
            f"{actors['clinician_a']}:"
        )
    assert _session_cookie(client) != before


def _age_session(client, **seconds_ago: float) -> None:
    with client.session_transaction() as session:
        for key, ago in seconds_ago.items():
            session[key] = time.time() - ago


def test_an_idle_session_expires(app, auth, actors):
    client = auth.client_for("clinician_a")
    _age_session(client, seen_at=app.config["PINKBREAST_IDLE_SECONDS"] + 5)
    response = client.get("/account")
    assert response.status_code == 302 and "/login" in response.location
    assert "session has expired" in client.get("/login").get_data(as_text=True)


def test_a_session_expires_after_the_absolute_limit_even_when_active(app, auth, actors):
    client = auth.client_for("clinician_a")
    _age_session(client, auth_at=app.config["PINKBREAST_MAX_SECONDS"] + 5, seen_at=1)
    assert client.get("/account").status_code == 302


def test_an_active_session_within_the_limits_goes_on(app, auth, actors):
    client = auth.client_for("clinician_a")
    _age_session(client, seen_at=app.config["PINKBREAST_IDLE_SECONDS"] - 60)
    assert client.get("/account").status_code == 200


def _set_cookie_header(response, name: str) -> str:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{name}="):
            return header
    raise AssertionError(f"no {name} cookie set")


def test_session_cookie_is_httponly_lax_and_secure_only_over_https(app, auth, actors):
    plain = auth.login(app.test_client(), "clinician-a")
    header = _set_cookie_header(plain, "session")
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" not in header
    secure_client = app.test_client()
    token = auth.csrf_token(secure_client, "https://localhost/login")
    data = {"csrf_token": token, "username": "clinician-a", "password": PASSWORD}
    secure = secure_client.post(
        "https://localhost/login", data=data, headers={"Referer": "https://localhost/"}
    )
    assert secure.status_code == 302
    assert "Secure" in _set_cookie_header(secure, "session")
    morsel = SimpleCookie(_set_cookie_header(secure, "session"))["session"]
    assert morsel["httponly"] and morsel["samesite"] == "Lax"


def test_a_deactivated_account_loses_its_session_at_once(app, auth, actors, settings):
    victim = make_account(settings.database_url, "short-lived")
    client = auth.client_for("admin")
    doomed = app.test_client()
    auth.login(doomed, "short-lived")
    assert doomed.get("/account").status_code == 200
    token = auth.csrf_token(client)
    client.post(f"/admin/accounts/{victim}/deactivate", data={"csrf_token": token})
    assert doomed.get("/account").status_code == 302
    assert auth.login(app.test_client(), "short-lived").status_code == 200  # refused


def test_a_session_presented_by_another_browser_is_dropped(app, auth, actors):
    client = auth.client_for("clinician_a")
    thief = _clone(app, _session_cookie(client))
    response = thief.get("/account", headers={"User-Agent": "SomethingElse/1.0"})
    assert response.status_code == 302 and "/login" in response.location


def test_after_login_next_only_goes_to_local_paths(app, auth, actors):
    for target, expected in (("/account", "/account"), ("//evil.example/", "/")):
        client = app.test_client()
        token = auth.csrf_token(client, "/login")
        data = {"csrf_token": token, "username": "clinician-a", "password": PASSWORD}
        response = client.post(f"/login?next={target}", data=data)
        assert response.location == expected
