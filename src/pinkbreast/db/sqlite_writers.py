"""SQLite writers that queue for the database instead of sleeping on a busy lock.

Several processes write one SQLite file (the web workers, the command line). When a write
finds the database's write lock taken, SQLite's busy handler sleeps — 1 ms, then 2, 5, 10 ms …
— and tries again, while a prediction's whole write transaction (two INSERTs and a commit)
takes a fraction of that first sleep. On the default install at 8 clients, half the requests
of the two workers found the lock taken and slept for a lock that was soon free again
(measured: benchmarks/serving.md).

:class:`QueuedConnection` is a ``sqlite3.Connection`` that takes an advisory lock on a file
beside the database (``<database>-writer``) just before the statement that opens its write
transaction, and gives it back once that transaction is committed or rolled back: writers
wait for each other there, woken within ``POLL_MIN`` seconds of the lock coming free. SQLite's
own locking still decides who writes; this only orders the writers before they ask. A
connection that already holds a transaction when it first writes (one opened by an explicit
``BEGIN``) does not queue, so no connection ever waits here while holding a lock of SQLite's.
A writer that waits longer than the connection's ``timeout`` goes ahead and leaves the wait
to SQLite (its "database is locked" error after the same timeout); where the lock file cannot
be opened or locked, writers do not queue (logged once per connection).
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import time
from pathlib import Path

from pinkbreast.private_files import FILE_MODE

log = logging.getLogger(__name__)
POLL_MIN = 0.000_05  # first wait when the lock is taken (s); it doubles up to POLL_MAX
POLL_MAX = 0.001
# the statements before which sqlite3 opens a transaction (Python 3.11's implicit BEGIN)
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _file_of(database: str | bytes | os.PathLike, uri: bool) -> Path | None:
    """The database file's path, or None for an in-memory or temporary database."""
    name = os.fsdecode(database)
    if uri and name.startswith("file:"):
        name, _, query = name[len("file:") :].partition("?")
        if "mode=memory" in query:
            return None
    if name in ("", ":memory:"):
        return None
    return Path(name)


class WriterQueue:
    """An exclusive ``flock`` on ``<database>-writer``, taken and given back by one connection.

    Each connection opens the file itself: ``flock`` locks belong to an open file, so two
    connections of one process exclude each other too. (A connection must not cross a
    ``fork``: gunicorn's workers open their own, the app is not preloaded.)"""

    def __init__(self, database: Path, timeout: float) -> None:
        self.path = database.with_name(database.name + "-writer")
        self.timeout = timeout
        self._fd: int | None = None
        self.held = False
        self.unusable = False  # the lock file cannot be opened or locked: never queue

    def take(self) -> None:
        if self.held or self.unusable:
            return
        try:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
            self.held = self._wait(self._fd)
        except OSError as exc:  # no lock file here (read-only folder, no locks on this disk)
            self.unusable = True
            log.warning("writers of %s do not queue (%s): SQLite's busy wait", self.path, exc)

    def _wait(self, fd: int) -> bool:
        """Whether the lock was taken before the timeout (else SQLite's busy handler decides)."""
        deadline = time.monotonic() + self.timeout
        wait = POLL_MIN
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(wait)
                wait = min(2 * wait, POLL_MAX)

    def give_back(self) -> None:
        if self.held:
            self.held = False
            fcntl.flock(self._fd, fcntl.LOCK_UN)  # type: ignore[arg-type]  # held: fd is open

    def close(self) -> None:
        self.give_back()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class QueuedCursor(sqlite3.Cursor):
    connection: QueuedConnection

    def execute(self, sql, parameters=(), /):
        self.connection._before(sql)
        try:
            return super().execute(sql, parameters)
        finally:
            self.connection._after()

    def executemany(self, sql, seq_of_parameters, /):
        self.connection._before(sql)
        try:
            return super().executemany(sql, seq_of_parameters)
        finally:
            self.connection._after()


class QueuedConnection(sqlite3.Connection):
    """A ``sqlite3.Connection`` whose write transactions queue on :class:`WriterQueue`.

    Pass it as ``factory`` to ``sqlite3.connect`` (SQLAlchemy: ``connect_args``)."""

    def __init__(self, database, timeout: float = 5.0, *args, **kwargs) -> None:
        super().__init__(database, timeout, *args, **kwargs)
        path = _file_of(database, kwargs.get("uri", False))
        self._queue = WriterQueue(path, timeout) if path is not None else None

    def cursor(self, factory=None):
        return super().cursor(factory or QueuedCursor)

    # sqlite3's own shortcuts make a plain cursor: these make a queued one
    def execute(self, sql, parameters=(), /):
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql, seq_of_parameters, /):
        return self.cursor().executemany(sql, seq_of_parameters)

    def _before(self, sql: str) -> None:
        queue = self._queue
        if (
            queue is not None
            and not self.in_transaction
            and sql.lstrip()[:7].upper().startswith(_WRITES)
        ):
            queue.take()

    def _after(self) -> None:
        if self._queue is not None and not self.in_transaction:
            # the statement ran outside a transaction, or failed before opening one
            self._queue.give_back()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._after()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._after()

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self._queue is not None:
                self._queue.close()
