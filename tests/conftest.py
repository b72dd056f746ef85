"""Shared fixtures: settings on a temporary instance folder, and the database matrix.

Database tests run against SQLite, MariaDB and PostgreSQL. Without a reachable server a case is
skipped with a message; with ``CI=true`` an unreachable server is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from pinkbreast.cli.db import upgrade
from pinkbreast.config import Settings, load_settings
from pinkbreast.db.session import engine_for, session_factory

SERVER_URLS = {
    "mariadb": os.environ.get("TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test"),
    "postgresql": os.environ.get(
        "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    ),
}
BACKENDS = ("sqlite", "mariadb", "postgresql")
IN_CI = os.environ.get("CI", "").lower() == "true"


def _server_url(backend: str) -> str:
    url = SERVER_URLS[backend]
    try:
        with sa.create_engine(url, connect_args={"connect_timeout": 3}).connect() as connection:
            connection.execute(sa.select(1))
    except sa.exc.OperationalError as exc:
        message = f"{backend} server not reachable at {url} ({exc.orig})"
        if IN_CI:
            pytest.fail(f"{message}; CI=true requires it", pytrace=False)
        pytest.skip(f"{message}; start it to run these cases")
    return url


def reset_database(url: str) -> None:
    """Drop every table (ours and Alembic's) so each test starts from an empty schema."""
    engine = engine_for(url)
    metadata = sa.MetaData()
    metadata.reflect(bind=engine)
    metadata.drop_all(bind=engine)
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def empty_database_url(request, tmp_path: Path) -> str:
    """A database URL with no tables, one per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    url = _server_url(request.param)
    reset_database(url)
    return url


@pytest.fixture
def database_url(empty_database_url: str) -> str:
    """A database URL migrated to the current schema."""
    upgrade(empty_database_url)
    return empty_database_url


@pytest.fixture
def session(database_url: str):
    session = session_factory(database_url)()
    yield session
    session.close()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """An environment pointing the app at a temporary instance folder (SQLite default)."""
    for name in ("DATABASE_URL", "SECRET_KEY", "PINKBREAST_ENV", "MLFLOW_TRACKING_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PINKBREAST_INSTANCE", str(tmp_path / "instance"))
    return {"PINKBREAST_INSTANCE": str(tmp_path / "instance")}


@pytest.fixture
def settings(env: dict[str, str], database_url: str, monkeypatch) -> Settings:
    monkeypatch.setenv("DATABASE_URL", database_url)
    return load_settings()
