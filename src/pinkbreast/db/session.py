"""Engines and sessions that survive a database restart."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session, sessionmaker

from pinkbreast.db.sqlite_writers import QueuedConnection
from pinkbreast.private_files import private_sqlite


def make_engine(url: str) -> sa.Engine:
    """An engine that checks connections before use (and recycles them on MySQL/MariaDB)."""
    # No rollback when a connection goes back to the pool: every connection we use is a
    # Connection (alone or under a Session), whose close() already rolls back a transaction it
    # left open; after a commit the pool's own ROLLBACK was a wasted round trip per request.
    # hide_parameters: an error's message (and so the logs) never holds the statement's values
    # (password hashes, session tokens, measurements).
    options: dict = {"pool_pre_ping": True, "pool_reset_on_return": None, "hide_parameters": True}
    backend = sa.make_url(url).get_backend_name()
    if backend == "sqlite":
        options["pool_pre_ping"] = False  # a file: no server that can restart under the pool
    private_sqlite(url)  # an embedded database is created 0600, not world-readable
    if backend in ("mysql", "mariadb"):
        options["pool_recycle"] = 3600
    if backend == "sqlite":
        # writers queue for the file instead of sleeping on SQLite's busy lock (sqlite_writers)
        options["connect_args"] = {"timeout": 30, "factory": QueuedConnection}
    engine = sa.create_engine(url, **options)
    if backend == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Foreign keys on; write-ahead log with ``synchronous=FULL`` for a database file.

    In WAL mode readers never block the writer and a commit appends to the log and syncs it
    once, instead of rewriting and syncing a rollback journal several times (the measured cost
    per commit is in benchmarks/serving.md). ``FULL`` keeps every commit durable: a prediction
    a clinician has seen, and its audit row, survive a power cut. ``NORMAL`` would be faster
    still, at the price of losing the last commits after a power cut or an operating-system
    crash, which is not a trade this product makes for a figure.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    if _is_file(cursor):
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _is_file(cursor) -> bool:
    """Whether the main database is a file (an in-memory one has no journal to choose)."""
    return any(row[1] == "main" and row[2] for row in cursor.execute("PRAGMA database_list"))


@lru_cache(maxsize=8)
def engine_for(url: str) -> sa.Engine:
    """One engine (and pool) per database URL per process."""
    return make_engine(url)


def session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(bind=engine_for(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A session for command-line work; the caller commits, anything unfinished is rolled back."""
    session = session_factory(url)()
    try:
        yield session
    finally:
        session.close()


def ping(engine: sa.Engine) -> None:
    """Raise if the database cannot answer a trivial query."""
    with engine.connect() as connection:
        connection.execute(sa.select(1))


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    """Commit what the block did, or roll all of it back if it raised."""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def rows_updated(session: Session, statement: sa.Update) -> int:
    """Run an UPDATE; how many rows it matched (a conditional update's test of who won)."""
    # an UPDATE gives a CursorResult; Session.execute is typed for any statement
    return cast(CursorResult[Any], session.execute(statement)).rowcount
