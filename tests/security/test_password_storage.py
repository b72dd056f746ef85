"""Stored passwords are argon2id hashes, never the password; weak ones are refused on register."""

from __future__ import annotations

import sqlalchemy as sa
from argon2 import PasswordHasher

from pinkbreast.db.models import User
from pinkbreast.db.session import engine_for, session_scope
from tests.web_fixtures import PASSWORD, TEST_HASH


def _register(client, auth, username: str, password: str):
    token = auth.csrf_token(client, "/register")
    data = {
        "csrf_token": token,
        "username": username,
        "email": f"{username}@example.org",
        "password": password,
        "confirm": password,
    }
    return client.post("/register", data=data)


def test_the_password_column_holds_an_argon2id_hash_never_the_password(client, auth, settings):
    assert _register(client, auth, "new-doctor", PASSWORD).status_code == 302
    with engine_for(settings.database_url).connect() as connection:
        row = connection.execute(sa.select(User.__table__)).mappings().one()
    assert all(PASSWORD not in str(value) for value in row.values())
    stored = row["password_hash"]
    assert stored.startswith("$argon2id$v=19$")
    assert PasswordHasher().verify(stored, PASSWORD)


def test_a_login_rehashes_a_password_stored_with_older_parameters(app, auth, actors, settings):
    old = PasswordHasher(time_cost=1, memory_cost=32, parallelism=1).hash(PASSWORD)
    with session_scope(settings.database_url) as session:
        session.get(User, actors["clinician_a"]).password_hash = old
        session.commit()
    assert auth.login(app.test_client(), "clinician-a").status_code == 302
    with session_scope(settings.database_url) as session:
        stored = session.get(User, actors["clinician_a"]).password_hash
    assert stored != old and f"m={TEST_HASH.memory_cost}," in stored


def test_registration_refuses_weak_passwords_and_says_why(client, auth, settings):
    page = _register(client, auth, "nurse-jo", "password1234").get_data(as_text=True)
    assert "too common" in page
    page = _register(client, auth, "nurse-jo", "short").get_data(as_text=True)
    assert "at least 12 characters" in page
    page = _register(client, auth, "nurse-jo", "nurse-jo forever and ever").get_data(as_text=True)
    assert "must not contain your username" in page
    with session_scope(settings.database_url) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
