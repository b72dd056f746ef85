"""Friendly error pages for people, one JSON envelope for JSON clients, never a stack trace."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa

from pinkbreast.web import create_app
from pinkbreast.web.access import public
from pinkbreast.web.extensions import database
from tests.web_fixtures import Auth

JSON = {"Accept": "application/json"}


@pytest.fixture
def failing_app(app):
    @app.get("/boom")
    @public
    def boom():
        raise RuntimeError("secret detail: SELECT * FROM users")

    app.config["MAX_CONTENT_LENGTH"] = 1024
    return app


@pytest.mark.sqlite_only  # error pages, not SQL
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


@pytest.mark.sqlite_only  # error pages, not SQL
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


@pytest.mark.sqlite_only  # error pages, not SQL
def test_a_route_that_declares_no_access_rule_is_refused(app):
    @app.get("/forgot-to-declare")
    def undeclared():
        return "should never be served"

    assert app.test_client().get("/forgot-to-declare").status_code == 403


UNREACHABLE = "mysql+pymysql://pinkbreast:x@127.0.0.1:9/pinkbreast"  # nothing listens on port 9


def test_an_unreachable_database_is_a_clear_503_with_retry_after(auth, actors, app_settings):
    """A signed-in clinician's page, a login and an API call while the database is down: 503,
    an HTML page or the JSON envelope, Retry-After, no stack trace and no SQL."""
    browser = auth.client_for("clinician_a")  # signed in while the database answered
    down = create_app(dataclasses.replace(app_settings, database_url=UNREACHABLE))
    browser.application = down
    with browser.session_transaction() as cookie:  # the same signed session, another app
        assert cookie.get("_user_id")
    page = browser.get("/predictions")
    text = page.get_data(as_text=True)
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert page.headers["Retry-After"] == "5"
    assert "Error 503" in text and "database cannot be reached" in text
    for leak in ("Traceback", "OperationalError", "pymysql", "SELECT", "127.0.0.1:9"):
        assert leak not in text
    login = Auth(down).login(down.test_client(), "clinician-a")
    assert login.status_code == 503
    api = down.test_client().get(
        "/api/v1/predictions", headers={"Authorization": "Bearer pbk_" + "x" * 43}
    )
    assert api.status_code == 503 and api.headers["Retry-After"] == "5"
    assert api.get_json()["error"]["code"] == "database_unavailable"
    assert "OperationalError" not in api.get_data(as_text=True)


def test_a_database_bug_is_still_a_500_not_a_503(app):
    """Only unavailability is 503: an integrity error is a fault of ours, logged as such."""

    @app.get("/integrity")
    @public
    def integrity():
        raise sa.exc.IntegrityError("INSERT ...", {}, Exception("duplicate"))

    response = app.test_client().get("/integrity", headers=JSON)
    assert response.status_code == 500 and "Retry-After" not in response.headers


def test_a_connection_lost_after_the_answer_was_made_does_not_spoil_it(app, database_url):
    """The server drops the request's connection (restart, fail-over) after the view read from
    it: closing the session cannot roll back, yet the answer stands and the next request gets
    a fresh connection."""
    backend = sa.make_url(database_url).get_backend_name()
    if backend == "sqlite":
        pytest.skip("an embedded database has no connection to lose")

    @app.get("/read-then-lose")
    @public
    def read_then_lose():
        session = database.session
        if backend == "postgresql":
            pid = session.scalar(sa.select(sa.func.pg_backend_pid()))
            kill = sa.select(sa.func.pg_terminate_backend(pid))
        else:
            pid = session.scalar(sa.select(sa.func.connection_id()))
            kill = sa.text(f"KILL {int(pid)}")
        killer = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
        with killer.connect() as connection:
            connection.execute(kill)
        killer.dispose()
        return "answered"

    client = app.test_client()
    for _ in range(2):
        response = client.get("/read-then-lose")
        assert response.status_code == 200 and response.get_data(as_text=True) == "answered"
