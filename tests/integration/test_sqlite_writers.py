"""Writers of one SQLite file queue on ``<database>-writer`` (pinkbreast.db.sqlite_writers):
a second writer does not start its write while the first one's transaction is open, the queue
is given back however a transaction ends, and nothing waits there while holding SQLite's lock."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import sqlite3
import stat
import threading

import pytest
import sqlalchemy as sa

from pinkbreast.db.session import make_engine
from pinkbreast.db.sqlite_writers import QueuedConnection


def _connect(path, timeout: float = 5.0) -> QueuedConnection:
    connection = sqlite3.connect(path, timeout=timeout, factory=QueuedConnection)
    assert isinstance(connection, QueuedConnection)
    return connection


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "writers.db"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)")
    setup.close()
    return path


def _queue_is_free(database) -> bool:
    """Whether another open file could take the writers' lock now."""
    fd = os.open(f"{database}-writer", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing gives back a lock this probe took
    return True


def test_a_second_writer_starts_its_insert_only_after_the_first_commits(database):
    first = _connect(database)
    started: list[str] = []
    first.execute("INSERT INTO t VALUES (1)")  # opens the write transaction, takes the queue
    assert not _queue_is_free(database)
    ready = threading.Event()

    def write():
        second = _connect(database)
        second.set_trace_callback(started.append)  # every statement SQLite begins to run
        ready.set()
        second.execute("INSERT INTO t VALUES (2)")
        second.commit()
        second.close()

    writer = threading.Thread(target=write)
    writer.start()
    ready.wait()
    writer.join(timeout=0.3)  # long enough for the INSERT to begin if it did not queue
    assert writer.is_alive(), "the second writer did not wait"
    assert not any("INSERT" in s for s in started), started  # never asked SQLite meanwhile
    first.commit()
    writer.join(timeout=30)
    assert not writer.is_alive()
    assert [s for s in started if "INSERT" in s] == ["INSERT INTO t VALUES (2)"]  # once, no retry
    assert first.execute("SELECT x FROM t ORDER BY x").fetchall() == [(1,), (2,)]
    assert _queue_is_free(database)
    first.close()


def test_the_queue_is_given_back_however_the_transaction_ends(database):
    connection = _connect(database)
    queue = connection._queue
    assert queue is not None
    connection.execute("INSERT INTO t VALUES (1)")
    assert queue.held
    connection.commit()
    assert not queue.held and _queue_is_free(database)
    connection.execute("INSERT INTO t VALUES (2)")
    connection.rollback()
    assert not queue.held and _queue_is_free(database)
    with pytest.raises(sqlite3.OperationalError):
        connection.execute("INSERT INTO missing VALUES (1)")  # fails before any transaction
    assert not queue.held and _queue_is_free(database)
    with pytest.raises(sqlite3.IntegrityError):
        connection.execute("INSERT INTO t VALUES (1)")  # fails inside its transaction
    assert connection.in_transaction and queue.held  # until the caller ends it
    connection.rollback()
    assert not queue.held
    connection.execute("UPDATE t SET x = 3 WHERE x = 1")
    connection.close()  # closing gives it back too
    assert _queue_is_free(database)
    assert stat.S_IMODE(os.stat(f"{database}-writer").st_mode) == 0o600


def test_reads_and_statements_in_an_explicit_transaction_do_not_queue(database):
    connection = _connect(database)
    queue = connection._queue
    assert queue is not None
    assert connection.execute("SELECT count(*) FROM t").fetchone() == (0,)
    assert not queue.held
    connection.execute("BEGIN IMMEDIATE")  # holds SQLite's write lock without the queue
    connection.execute("INSERT INTO t VALUES (1)")
    assert not queue.held  # a wait here could deadlock with a writer queued behind SQLite's lock
    connection.commit()
    connection.close()


def test_a_writer_that_waits_past_its_timeout_leaves_the_wait_to_sqlite(database):
    holder = os.open(f"{database}-writer", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(holder, fcntl.LOCK_EX)  # a stuck process holding the queue, not SQLite's lock
    try:
        connection = _connect(database, timeout=0.05)
        connection.execute("INSERT INTO t VALUES (1)")  # goes ahead after 0.05 s
        connection.commit()
        assert connection.execute("SELECT x FROM t").fetchall() == [(1,)]
        assert connection._queue is not None and not connection._queue.held
        connection.close()
    finally:
        os.close(holder)


def test_where_the_lock_file_cannot_be_made_writers_go_to_sqlite_directly(database):
    os.mkdir(f"{database}-writer")  # a folder where the lock file would be: it cannot open
    connection = _connect(database)
    connection.execute("INSERT INTO t VALUES (1)")  # stored, without queueing
    connection.commit()
    assert connection.execute("SELECT x FROM t").fetchall() == [(1,)]
    assert connection._queue is not None and connection._queue.unusable
    connection.close()


def test_in_memory_databases_have_no_queue(tmp_path):
    assert _connect(":memory:")._queue is None
    memory = sqlite3.connect("file:shared?mode=memory", uri=True, factory=QueuedConnection)
    assert isinstance(memory, QueuedConnection) and memory._queue is None
    named = sqlite3.connect(f"file:{tmp_path / 'u.db'}?cache=private", uri=True,
                            factory=QueuedConnection)  # fmt: skip
    assert isinstance(named, QueuedConnection) and named._queue is not None
    assert named._queue.path == tmp_path / "u.db-writer"


def _write_many(path: str, start: int, count: int) -> None:
    connection = _connect(path)
    for x in range(start, start + count):
        connection.execute("INSERT INTO t VALUES (?)", (x,))
        connection.commit()
    connection.close()


def test_two_processes_writing_in_turn_store_every_row(database):
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=_write_many, args=(str(database), i * 1000, 200))
               for i in range(2)]  # fmt: skip
    for each in writers:
        each.start()
    for each in writers:
        each.join(timeout=60)
        assert each.exitcode == 0
    with sqlite3.connect(database) as check:
        assert check.execute("SELECT count(*) FROM t").fetchone() == (400,)
    check.close()


def test_the_application_engine_queues_its_writers(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'pinkbreast.db'}")
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE t (x INTEGER)"))
        connection.execute(sa.text("INSERT INTO t VALUES (1)"))
        driver = connection.connection.driver_connection
        assert isinstance(driver, QueuedConnection) and driver._queue is not None
        assert driver._queue.held
    assert not driver._queue.held  # the engine's commit gave it back
    engine.dispose()
