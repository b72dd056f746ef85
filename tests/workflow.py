"""Fixtures for the clinical workflow and the API: accounts alice, bruno and admin, signed in,
and API clients with their bearer tokens.

Loaded for every test module through ``pytest_plugins`` in ``tests/conftest.py``.
"""

from __future__ import annotations

import re

import pytest

from pinkbreast.db.models import User
from pinkbreast.db.session import session_factory
from pinkbreast.services import accounts, tokens
from pinkbreast.services.passwords import make_hasher
from tests.web_fixtures import TEST_HASH

PASSWORDS = {
    "admin": "grand-piano-silver-lake",
    "alice": "quiet-harbour-lantern-91",
    "bruno": "copper-meadow-whistle-47",
}


@pytest.fixture
def clinic_settings(app_settings):
    return app_settings


@pytest.fixture
def users(clinic_settings):
    """An administrator and two approved clinicians, alice and bruno."""
    session = session_factory(clinic_settings.database_url)()
    hasher = make_hasher(TEST_HASH)
    made = {}
    with session.begin():
        for name, role in (("admin", "admin"), ("alice", "clinician"), ("bruno", "clinician")):
            made[name] = accounts.new_user(
                session,
                hasher,
                name,
                f"{name}@hospital.test",
                PASSWORDS[name],
                role=role,
                status="active",
            )
    ids = {name: user.id for name, user in made.items()}
    session.close()
    return ids


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, "the page has no CSRF token"
    return match.group(1)


def login(app, username: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login",
        data={
            "username": username,
            "password": PASSWORDS[username],
            "csrf_token": csrf_token(page),
        },
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    return client


@pytest.fixture
def alice(app, users):
    return login(app, "alice")


@pytest.fixture
def bruno(app, users):
    return login(app, "bruno")


@pytest.fixture
def admin(app, users):
    return login(app, "admin")


def make_token(settings, username: str, days: int = 30) -> str:
    session = session_factory(settings.database_url)()
    try:
        user = session.query(User).filter_by(username=username).one()
        plain, _ = tokens.create_token(session=session, user=user, name="tests", days=days)
        return plain
    finally:
        session.close()


@pytest.fixture
def api(app, users, clinic_settings):
    """A client for alice's token: ``api.get/post/put(path, ...)`` with the header set."""
    return ApiClient(app.test_client(), make_token(clinic_settings, "alice"))


@pytest.fixture
def api_bruno(app, users, clinic_settings):
    return ApiClient(app.test_client(), make_token(clinic_settings, "bruno"))


class ApiClient:
    def __init__(self, client, token: str):
        self.client, self.token = client, token

    def _headers(self, headers):
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def get(self, path, headers=None, **kwargs):
        return self.client.get("/api/v1" + path, headers=self._headers(headers), **kwargs)

    def post(self, path, headers=None, **kwargs):
        return self.client.post("/api/v1" + path, headers=self._headers(headers), **kwargs)

    def put(self, path, headers=None, **kwargs):
        return self.client.put("/api/v1" + path, headers=self._headers(headers), **kwargs)
