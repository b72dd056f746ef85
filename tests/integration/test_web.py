"""The minimal app: home page, liveness and readiness probes, errors and headers."""

import re

import pytest

from pinkbreast.config import load_settings
from pinkbreast.web import create_app


@pytest.fixture
def client(app_settings):
    return create_app(app_settings).test_client()


@pytest.mark.sqlite_only  # pages and headers, not SQL
def test_home_page_says_what_it_is_and_that_it_is_not_a_diagnosis(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Decision support for breast fine-needle-aspirate cytology" in page
    assert "Not a diagnosis" in page
    assert "vendor/bootstrap-5.3.9/bootstrap.min.css" in page
    # Nothing is fetched from elsewhere (no CDN): every src/href is local. (Searching the page for
    # "cdn" failed once when the random CSP nonce happened to contain those letters.)
    links = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert links and all(link.startswith(("/", "#", "?")) for link in links), links
    assert "<script>" not in page and "style=" not in page


@pytest.mark.sqlite_only  # pages and headers, not SQL
def test_vendored_bootstrap_is_served(client):
    response = client.get("/static/vendor/bootstrap-5.3.9/bootstrap.min.css")
    assert response.status_code == 200 and b"Bootstrap" in response.data


def test_probes_report_alive_and_ready(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json() == {"status": "ready", "checks": {"database": "ok", "model": "ok"}}


def test_readyz_is_503_without_a_model(settings):
    response = create_app(settings).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "ok", "model": "unavailable"}


def test_readyz_is_503_when_the_database_is_unreachable(env, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    client = create_app(load_settings()).test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"] == "unreachable"


@pytest.mark.sqlite_only  # pages and headers, not SQL
def test_unknown_page_is_a_friendly_404_and_json_for_json_clients(client):
    page = client.get("/nowhere")
    assert page.status_code == 404 and "Error 404" in page.get_data(as_text=True)
    api = client.get("/nowhere", headers={"Accept": "application/json"})
    assert api.status_code == 404
    assert api.get_json()["error"]["code"] == "not_found"


@pytest.mark.sqlite_only  # pages and headers, not SQL
def test_security_headers_on_every_response(client):
    for path in ("/", "/healthz", "/nowhere"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        for directive in (
            "default-src 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "object-src 'none'",
        ):
            assert directive in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
