"""Shared fixtures: settings on a temporary instance folder, and the database matrix.

Database tests run against SQLite, MariaDB and PostgreSQL. Without a reachable server a case is
skipped with a message; with ``CI=true`` an unreachable server is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from pinkbreast.cli.db import alembic_config, upgrade
from pinkbreast.config import Settings, load_settings
from pinkbreast.db.session import engine_for, session_factory
from pinkbreast.private_files import FILE_MODE, private_folder

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

# Tiers: ``make test`` runs what is not marked with one of these; ``make test-slow`` runs them
# (``.ci/run`` runs both); ``pytest -m e2e`` (say) runs one alone. Markers are in pyproject.toml.
SLOW_TIERS = ("slow", "spark", "e2e", "subprocess", "contract")
_TIER_OF_FOLDER = {"e2e": "e2e", "spark": "spark"}


def pytest_collection_modifyitems(config, items) -> None:
    """Every test in tests/e2e is ``e2e`` and in tests/spark ``spark``, new files included; the
    MariaDB and PostgreSQL cases of a ``sqlite_only`` test are not collected."""
    here = Path(__file__).parent
    kept, dropped = [], []
    for item in items:
        try:
            folder = item.path.relative_to(here).parts[0]
        except ValueError:
            folder = ""
        if folder in _TIER_OF_FOLDER:
            item.add_marker(_TIER_OF_FOLDER[folder])
        backend = getattr(item, "callspec", None) and item.callspec.params.get("empty_database_url")
        if item.get_closest_marker("sqlite_only") and backend not in (None, "sqlite"):
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


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
    _MIGRATED.pop(url, None)


# Server databases migrated to head in this run: URL -> the tables migrating made. A test that
# changes the schema (downgrades, drops a table) is noticed by the next one, which migrates again.
_MIGRATED: dict[str, frozenset[str]] = {}


@lru_cache(maxsize=1)
def _head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def _schema(connection) -> tuple[frozenset[str], str | None]:
    """The tables of the connected database and its Alembic revision (None: not migrated)."""
    tables = frozenset(sa.inspect(connection).get_table_names())
    if "alembic_version" not in tables:
        return tables, None
    version = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    return tables, version


def _emptied(connection, tables: frozenset[str]) -> None:
    """Remove every row (identity counters restart at 1); the schema and its revision stay."""
    names = sorted(tables - {"alembic_version"})
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SET lock_timeout = '30s'"))
        connection.execute(sa.text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
        return
    connection.execute(sa.text("SET SESSION lock_wait_timeout = 30"))
    # MariaDB truncates one table at a time (each a DDL statement): only those used since.
    used = connection.execute(
        sa.text(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()"
            " AND auto_increment > 1"
            + "".join(
                f" UNION SELECT '{name}' FROM DUAL WHERE EXISTS (SELECT 1 FROM {name})"
                for name in names
            )
        )
    ).scalars()
    names = sorted(set(used) - {"alembic_version"})
    connection.execute(sa.text("SET FOREIGN_KEY_CHECKS = 0"))
    try:
        for name in names:
            connection.execute(sa.text(f"TRUNCATE TABLE {name}"))
    finally:
        connection.execute(sa.text("SET FOREIGN_KEY_CHECKS = 1"))


def clean_migrated_database(url: str) -> None:
    """Leave the server database at ``url`` migrated to head with no rows.

    Migrating is done once per backend per run; between tests every table is truncated, which
    isolates tests whose services commit their own transactions (a rollback could not).
    """
    engine = engine_for(url)
    engine.dispose()  # no pooled connection may hold a lock on what is truncated
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        tables, version = _schema(connection)
        intact = url in _MIGRATED and tables == _MIGRATED[url] and version == _head_revision()
        if intact:
            _emptied(connection, tables)
    engine.dispose()
    if not intact:
        reset_database(url)
        upgrade(url)
        with engine.connect() as connection:
            _MIGRATED[url] = _schema(connection)[0]
        engine.dispose()


@pytest.fixture(scope="session")
def _migrated_sqlite(tmp_path_factory) -> Path:
    """A SQLite file migrated to head once per run, copied for each test that needs one."""
    path = tmp_path_factory.mktemp("migrated") / "template.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    engine_for(url).dispose()
    return path


def _migrated_sqlite_copy(url: str, request) -> None:
    path = Path(sa.make_url(url).database)
    template = request.getfixturevalue("_migrated_sqlite")
    private_folder(path.parent)
    with open(path, "xb") as target:  # a file already there is an error, never overwritten
        os.chmod(path, FILE_MODE)
        target.write(template.read_bytes())


def _is_fresh_sqlite_file(url: str) -> bool:
    parsed = sa.make_url(url)
    return (
        parsed.get_backend_name() == "sqlite"
        and parsed.database not in (None, "", ":memory:")
        and not Path(parsed.database).exists()
    )


@pytest.fixture(params=BACKENDS)
def empty_database_url(request, tmp_path: Path) -> str:
    """A database URL with no tables, one per backend.

    When the test also uses ``database_url`` the server database is instead handed over migrated
    and emptied (``clean_migrated_database``): ``database_url`` then has nothing left to do.
    """
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    url = _server_url(request.param)
    if "database_url" in request.fixturenames:
        clean_migrated_database(url)
    else:
        reset_database(url)
    return url


@pytest.fixture
def database_url(empty_database_url: str, request) -> str:
    """A database URL migrated to the current schema, with no rows."""
    if _is_fresh_sqlite_file(empty_database_url):
        _migrated_sqlite_copy(empty_database_url, request)
    elif empty_database_url in _MIGRATED:
        pass  # empty_database_url has just emptied it
    elif empty_database_url in _RUN_DATABASES.values():
        clean_migrated_database(empty_database_url)
    else:
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
def trained_champion(tmp_path_factory, request):
    """``(tracking_uri, report)``: a champion trained once per test session (quick mode).

    Under pytest-xdist the workers share the one run: the first trains it, each works on its
    own copy of the store (``tests/shared_champion.py``).
    """
    import mlflow

    from pinkbreast.ml import serving
    from tests import shared_champion

    folder = tmp_path_factory.mktemp("mlflow")
    previous = mlflow.get_tracking_uri()
    if not hasattr(request.config, "workerinput"):  # not an xdist worker
        report = shared_champion.train_into(folder)
    else:
        shared = tmp_path_factory.getbasetemp().parent / "quick-champion"
        report = shared_champion.shared_training(shared, folder)
    uri = shared_champion.tracking_uri(folder)
    mlflow.set_tracking_uri(uri)  # as train() leaves it
    serving.forget()
    yield uri, report
    serving.forget()
    mlflow.set_tracking_uri(previous)


@pytest.fixture(scope="session")
def champion_tracking_uri(trained_champion) -> str:
    return trained_champion[0]
