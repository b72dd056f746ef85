"""Shared fixtures: settings on a temporary instance folder, and the database matrix.

Database tests run against SQLite, MariaDB and PostgreSQL. Without a reachable server a case is
skipped with a message; with ``CI=true`` an unreachable server is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
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
pytest_plugins = ["tests.web_fixtures", "tests.workflow"]


_RUN_DATABASES: dict[str, str] = {}


def _server_url(backend: str) -> str:
    """A database of this test run's own on the server (``pbtest_<pid>``), made on first use.

    A run of its own keeps two test runs on one machine (a developer's and a helper's, say) from
    dropping each other's tables; it is dropped when the run ends.
    """
    if backend in _RUN_DATABASES:
        return _RUN_DATABASES[backend]
    url = SERVER_URLS[backend]
    try:
        engine = sa.create_engine(
            url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
        )
        with engine.connect() as connection:
            _drop_stale_databases(connection)
            connection.execute(sa.text(f"CREATE DATABASE {_run_database_name()}"))
        engine.dispose()
    except sa.exc.OperationalError as exc:
        message = f"{backend} server not reachable at {url} ({exc.orig})"
        if IN_CI:
            pytest.fail(f"{message}; CI=true requires it", pytrace=False)
        pytest.skip(f"{message}; start it to run these cases")
    run_url = sa.make_url(url).set(database=_run_database_name())
    _RUN_DATABASES[backend] = run_url.render_as_string(hide_password=False)
    return _RUN_DATABASES[backend]


def _run_database_name() -> str:
    return f"pbtest_{os.getpid()}"


def _drop_stale_databases(connection) -> None:
    """Drop databases left by test runs whose process is gone (killed or crashed)."""
    if connection.dialect.name == "postgresql":
        names = connection.execute(sa.text("SELECT datname FROM pg_database")).scalars()
    else:
        names = connection.execute(sa.text("SHOW DATABASES")).scalars()
    for name in names:
        if name.startswith("pbtest_") and not _alive(int(name.removeprefix("pbtest_") or 0)):
            _drop(connection, name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    return pid != 0


def _drop(connection, name: str) -> None:
    force = " WITH (FORCE)" if connection.dialect.name == "postgresql" else ""
    connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name}{force}"))


@pytest.fixture(scope="session", autouse=True)
def _drop_run_databases():
    yield
    for url in _RUN_DATABASES.values():
        engine_for(url).dispose()
    engine_for.cache_clear()
    for backend in list(_RUN_DATABASES):
        engine = sa.create_engine(SERVER_URLS[backend], isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            _drop(connection, _run_database_name())
        engine.dispose()
        del _RUN_DATABASES[backend]


@contextmanager
def scratch_mariadb(name: str, *, charset: str | None = None) -> Iterator[str]:
    """URL of a fresh database ``name`` on the MariaDB server, dropped afterwards; the test
    skips (fails with ``CI=true``) when the server is unreachable."""
    server = SERVER_URLS["mariadb"]
    try:
        admin = sa.create_engine(
            sa.make_url(server).set(database=""),
            isolation_level="AUTOCOMMIT",
            connect_args={"connect_timeout": 3},
        )
        with admin.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
            suffix = f" CHARACTER SET {charset}" if charset else ""
            connection.execute(sa.text(f"CREATE DATABASE {name}{suffix}"))
    except sa.exc.OperationalError as exc:
        message = f"mariadb server not reachable at {server} ({exc.orig})"
        if IN_CI:
            pytest.fail(f"{message}; CI=true requires it", pytrace=False)
        pytest.skip(f"{message}; start it to run this test")
    try:
        yield sa.make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()


def reset_database(url: str) -> None:
    """Drop every table (ours and Alembic's) so each test starts from an empty schema."""
    engine = engine_for(url)
    engine.dispose()  # no pooled connection may hold a lock on what is dropped
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


@pytest.fixture(scope="session")
def trained_champion(tmp_path_factory):
    """``(tracking_uri, report)``: a champion trained once per test session (quick mode)."""
    import mlflow

    from pinkbreast.ml import registry
    from pinkbreast.ml.data import load_reference
    from pinkbreast.ml.train import train

    folder = tmp_path_factory.mktemp("mlflow")
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    previous = mlflow.get_tracking_uri()
    report = train(
        load_reference(), tracking_uri=uri, artifact_location=folder / "mlartifacts", quick=True
    )
    registry.forget()
    yield uri, report
    registry.forget()
    mlflow.set_tracking_uri(previous)


@pytest.fixture(scope="session")
def champion_tracking_uri(trained_champion) -> str:
    return trained_champion[0]
