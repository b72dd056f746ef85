"""Pooled connections go back to the pool outside any transaction, without a ROLLBACK of the
pool's own (``pool_reset_on_return=None``): whatever a request did, the next one starts fresh."""

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pinkbreast.db.models import AuditEvent
from pinkbreast.db.session import make_engine
from pinkbreast.services import audit


def _in_transaction(driver_connection) -> bool:
    """What the driver itself knows: sqlite3, psycopg or PyMySQL."""
    if hasattr(driver_connection, "in_transaction"):  # sqlite3
        return driver_connection.in_transaction
    if hasattr(driver_connection, "info"):  # psycopg
        import psycopg

        return driver_connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE
    from pymysql.constants import SERVER_STATUS

    return bool(driver_connection.server_status & SERVER_STATUS.SERVER_STATUS_IN_TRANS)


def _returned_idle(engine: sa.Engine) -> bool:
    raw = engine.raw_connection()
    try:
        return not _in_transaction(raw.driver_connection)
    finally:
        raw.close()


def _events(engine: sa.Engine) -> int:
    with Session(engine) as session:  # read only: closed without a commit
        return session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


def test_a_connection_goes_back_to_the_pool_outside_any_transaction(database_url):
    engine, writer = make_engine(database_url), make_engine(database_url)
    try:
        before = _events(engine)  # a read left its transaction (a snapshot on MariaDB) open
        assert _returned_idle(engine)
        with writer.begin() as connection:
            audit.insert(connection, action="test.other_process")
        assert _events(engine) == before + 1  # the reused connection sees the new row
        with Session(engine) as session, session.begin():
            audit.insert(session.connection(), action="test.committed")
        assert _returned_idle(engine)
        with Session(engine) as session:
            audit.insert(session.connection(), action="test.abandoned")  # no commit
        assert _returned_idle(engine) and _events(engine) == before + 2
        assert (engine.pool.checkedout(), engine.pool.checkedin()) == (0, 1)  # one, reused
    finally:
        engine.dispose()
        writer.dispose()
