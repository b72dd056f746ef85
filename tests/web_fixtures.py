"""Fixtures for the web app: ``app``, ``client``, ``auth``, ``actors`` (one account per actor).

Loaded for every test through ``pytest_plugins`` in ``tests/conftest.py``.

Password hashing uses cheap argon2id parameters here only; the product's are in ``config.py``.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from argon2 import Parameters, Type

from pinkbreast.db.models import User
from pinkbreast.db.session import session_scope, transaction
from pinkbreast.services.accounts import new_user
from pinkbreast.services.passwords import make_hasher
from pinkbreast.web import create_app

TEST_HASH = Parameters(
    type=Type.ID, version=19, salt_len=16, hash_len=32, time_cost=1, memory_cost=64, parallelism=1
)
PASSWORD = "plain words make a long passphrase"
ACTORS = ("anonymous", "pending", "clinician_a", "clinician_b", "auditor", "admin")
_ACCOUNTS = {
    "pending": ("clinician", "pending"),
    "clinician_a": ("clinician", "active"),
    "clinician_b": ("clinician", "active"),
    "auditor": ("auditor", "active"),
    "admin": ("admin", "active"),
}
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def make_account(database_url: str, username: str, role="clinician", status="active") -> int:
    """Add an account with ``PASSWORD``; return its id."""
    with session_scope(database_url) as session, transaction(session):
        user = new_user(
            session,
            make_hasher(TEST_HASH),
            username,
            f"{username}@example.org",
            PASSWORD,
            role=role,
            status=status,
        )
        return user.id


def load_user(database_url: str, user_id: int) -> User:
    with session_scope(database_url) as session:
        return session.get(User, user_id)


@pytest.fixture
def app_settings(settings, champion_tracking_uri):
    """The test settings with cheap hashing and the session's trained champion."""
    return dataclasses.replace(
        settings, password_hash=TEST_HASH, mlflow_tracking_uri=champion_tracking_uri
    )


@pytest.fixture
def app(app_settings):
    app = create_app(app_settings)
    app.config.update(TESTING=True)
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def username(actor: str) -> str:
    return actor.replace("_", "-")


@pytest.fixture
def actors(settings) -> dict[str, int]:
    """One account per signed-in actor of the access matrix: actor -> user id (the five made
    by ``new_user`` like ``make_account``'s, in one transaction)."""
    hasher = make_hasher(TEST_HASH)
    with session_scope(settings.database_url) as session, transaction(session):
        users = {
            actor: new_user(
                session,
                hasher,
                username(actor),
                f"{username(actor)}@example.org",
                PASSWORD,
                role=role,
                status=status,
            )
            for actor, (role, status) in _ACCOUNTS.items()
        }
        return {actor: user.id for actor, user in users.items()}


class Auth:
    """Log clients in and out the way a browser does (with the page's CSRF token)."""

    def __init__(self, app):
        self.app = app

    @staticmethod
    def csrf_token(client, path: str = "/") -> str:
        match = _CSRF.search(client.get(path).get_data(as_text=True))
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def login(self, client, username: str, password: str = PASSWORD, **kwargs):
        token = self.csrf_token(client, "/login")
        data = {"csrf_token": token, "username": username, "password": password}
        return client.post("/login", data=data, **kwargs)

    def logout(self, client):
        return client.post("/logout", data={"csrf_token": self.csrf_token(client)})

    def client_for(self, actor: str):
        """A new client signed in as ``actor`` (``anonymous``: not signed in)."""
        client = self.app.test_client()
        if actor != "anonymous":
            response = self.login(client, username(actor))
            assert response.status_code == 302, f"{actor} could not log in"
        return client


@pytest.fixture
def auth(app) -> Auth:
    return Auth(app)
