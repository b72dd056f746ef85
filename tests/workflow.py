"""Fixtures for the clinical workflow and the API: accounts alice, bruno and admin, signed in.

Loaded for every test module through ``pytest_plugins`` in ``tests/conftest.py``.
"""

from __future__ import annotations

import re

import pytest

from pinkbreast.db.session import session_factory
from pinkbreast.services import accounts
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
