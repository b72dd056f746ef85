"""CSRF on every state-changing route; strict headers and no inline script/style on every page."""

from __future__ import annotations

import re

import pytest
from flask import url_for

from pinkbreast.web.access import public
from tests.api.test_api import sample
from tests.security.test_access_matrix import MATRIX, TARGETS, Targets
from tests.web_fixtures import ACTORS

REQUIRED_CSP = (
    "default-src 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)

# CSRF tokens and response headers do not depend on the database: SQLite only (the queries
# behind these pages are covered on the three backends by the access matrix and service tests).
pytestmark = pytest.mark.sqlite_only


def _url(app, endpoint, method, targets):
    rule = next(r for r in app.url_map.iter_rules(endpoint=endpoint) if method in r.methods)
    values = {name: TARGETS[name](targets, method) for name in rule.arguments}
    with app.test_request_context():
        return url_for(endpoint, **values)


def test_every_post_route_refuses_a_request_without_csrf_token(app, auth, actors, app_settings):
    targets = Targets(app_settings, actors)
    client = auth.client_for("admin")
    # The API is token-authenticated (no cookie), so it has nothing for CSRF to protect.
    posts = sorted(e for m, e in MATRIX if m == "POST" and not e.startswith("api."))
    refused = {}
    for endpoint in posts:
        response = client.post(_url(app, endpoint, "POST", targets), data={"role": "admin"})
        refused[endpoint] = response.status_code
    assert refused == dict.fromkeys(posts, 400)
    assert client.get("/account").status_code == 200  # still signed in: nothing happened


def test_a_post_with_a_token_from_another_session_is_refused(app, auth, actors):
    attacker = app.test_client()
    token = auth.csrf_token(attacker, "/login")
    victim = auth.client_for("clinician_a")
    response = victim.post("/logout", data={"csrf_token": token})
    assert response.status_code == 400
    assert victim.get("/account").status_code == 200


# Generated, self-contained documents (inline styles, no script at all), served with their own
# stricter policy: "default-src 'none'; style-src 'unsafe-inline'; img-src data:".
DOCUMENTS = {"monitoring.eda"}


def test_generated_reports_get_a_policy_that_allows_no_script(app, auth, actors):
    response = auth.client_for("admin").get("/admin/monitoring/data/eda")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert "<script" not in response.get_data(as_text=True)


def _check_page(path: str, response) -> list[str]:
    problems = []
    csp = response.headers.get("Content-Security-Policy", "")
    problems += [f"{path}: CSP lacks {d}" for d in REQUIRED_CSP if d not in csp]
    if response.mimetype == "text/html":
        page = response.get_data(as_text=True)
        for name, pattern in (("script", INLINE_SCRIPT), ("style", INLINE_STYLE)):
            if pattern.search(page):
                problems.append(f"{path}: inline {name}")
        if EVENT_HANDLER.search(page):
            problems.append(f"{path}: inline event handler")
    if response.headers.get("Cache-Control") != "no-store":
        problems.append(f"{path}: not no-store")
    return problems


@pytest.mark.parametrize("actor", ACTORS)
def test_every_page_has_the_strict_headers_and_no_inline_script_or_style(
    app, auth, actors, app_settings, actor
):
    targets = Targets(app_settings, actors)
    client = auth.client_for(actor)
    paths = [
        _url(app, e, m, targets) for m, e in sorted(MATRIX) if m == "GET" and e not in DOCUMENTS
    ]
    paths += ["/nowhere", "/logout"]  # 404 and 405 pages
    problems = []
    for path in paths:
        problems += _check_page(path, client.get(path, follow_redirects=True))
    assert problems == []


def test_static_files_may_be_cached_and_hsts_is_sent_over_https(client):
    static = client.get("/static/css/app.css")
    assert static.status_code == 200 and static.headers.get("Cache-Control") != "no-store"
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("https://localhost/")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_an_api_answer_has_each_strict_header_once_and_sets_no_cookie(api):
    from pinkbreast.web.headers import HEADERS

    response = api.post("/predictions", json={"samples": [sample()]})
    assert response.status_code == 201
    names = [name.lower() for name, _ in response.headers]
    for name, value in HEADERS.items():
        assert names.count(name.lower()) == 1 and response.headers[name] == value
    assert response.headers.getlist("Cache-Control") == ["no-store"]
    assert "Set-Cookie" not in response.headers  # no session for a bearer token
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP here
    secure = api.post("/predictions", json={"samples": [sample()]}, base_url="https://localhost")
    assert secure.headers.getlist("Strict-Transport-Security") == [
        "max-age=31536000; includeSubDomains"
    ]


def test_a_header_a_view_sets_itself_is_kept_and_cache_control_is_replaced(app):
    from flask import Response

    @app.get("/__own_headers")
    @public
    def own_headers():
        return Response(
            "x", headers={"X-Frame-Options": "SAMEORIGIN", "Cache-Control": "max-age=60"}
        )

    response = app.test_client().get("/__own_headers")
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers.getlist("Cache-Control") == ["no-store"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
