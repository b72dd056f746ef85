"""Friendly error pages for people, one JSON envelope for JSON clients, never a stack trace."""

from __future__ import annotations

import pytest

from pinkbreast.web.access import public

JSON = {"Accept": "application/json"}


@pytest.fixture
def failing_app(app):
    @app.get("/boom")
    @public
    def boom():
        raise RuntimeError("secret detail: SELECT * FROM users")

    app.config["MAX_CONTENT_LENGTH"] = 1024
    return app


@pytest.mark.parametrize(
    ("method", "path", "code", "name"),
    [
        ("GET", "/nowhere", 404, "not_found"),
        ("GET", "/logout", 405, "method_not_allowed"),
        ("GET", "/boom", 500, "internal_error"),
        ("POST", "/login", 413, "request_entity_too_large"),
        ("POST", "/language", 400, "bad_request"),
    ],
)
def test_errors_are_friendly_pages_or_json_and_never_leak(failing_app, method, path, code, name):
    client = failing_app.test_client()
    data = {"x": "y" * 4096} if code == 413 else {}
    page = client.open(path, method=method, data=data)
    text = page.get_data(as_text=True)
    assert page.status_code == code and page.mimetype == "text/html"
    assert f"Error {code}" in text
    assert "Traceback" not in text and "SELECT" not in text and "RuntimeError" not in text
    api = client.open(path, method=method, data=data, headers=JSON)
    assert api.status_code == code
    assert api.get_json()["error"]["code"] == name
    assert "SELECT" not in api.get_data(as_text=True)


def test_forbidden_and_unauthorised_for_json_clients(auth, actors):
    anonymous = auth.client_for("anonymous").get("/admin/accounts", headers=JSON)
    assert anonymous.status_code == 401 and anonymous.get_json()["error"]["code"] == "unauthorized"
    clinician = auth.client_for("clinician_a").get("/admin/accounts", headers=JSON)
    assert clinician.status_code == 403 and clinician.get_json()["error"]["code"] == "forbidden"


def test_throttled_json_clients_get_429_with_retry_after(app):
    from werkzeug.exceptions import TooManyRequests

    @app.get("/slow-down")
    @public
    def slow_down():
        raise TooManyRequests(retry_after=42)

    response = app.test_client().get("/slow-down", headers=JSON)
    assert response.status_code == 429 and response.headers["Retry-After"] == "42"
    assert response.get_json()["error"]["code"] == "too_many_requests"


def test_a_route_that_declares_no_access_rule_is_refused(app):
    @app.get("/forgot-to-declare")
    def undeclared():
        return "should never be served"

    assert app.test_client().get("/forgot-to-declare").status_code == 403
