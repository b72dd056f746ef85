"""``insert_many`` stores what ``connection.execute(insert, rows)`` stores, value for value, on
SQLite, MariaDB and PostgreSQL (dates and times, booleans, NULLs, text that needs quoting,
floats to the last digit), in list order, inside the caller's transaction."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from pinkbreast import vocabulary
from pinkbreast.db.bulk import insert_many, insert_one
from pinkbreast.db.models import PredictionRecord, User
from pinkbreast.db.session import engine_for
from pinkbreast.features import FEATURE_NAMES

TABLE = PredictionRecord.__table__


def _rows(user_id: int, batch: str) -> list[dict]:
    moment = datetime(2026, 12, 4, 16, 30, 1, 123456, tzinfo=UTC)
    rows = []
    for i in range(7):
        rows.append(
            {
                "user_id": user_id,
                "created_at": moment,
                "source": vocabulary.API,
                "batch_id": batch,
                "idempotency_key": "key-1" if i == 0 else None,
                "sample_ref": [None, "O'Brien \\ 1", "é-2", "R3", "R4", "R5", "R6"][i],
                "sample_date": date(2026, 1, i + 1) if i % 2 else None,
                "model_version": "12",
                "probability": [0.1, 1 / 3, 2.5e-300, 0.999999999999, 1e-5, 0.5, 0.0][i],
                "zone": vocabulary.CHECK_INPUT if i == 2 else vocabulary.MALIGNANT,
                "label": None if i == 2 else vocabulary.MALIGNANT,
                "threshold": 0.4321,
                "band_lower": 0.2,
                "band_upper": 0.8,
                "warnings": "radius_mean,area_se" if i == 3 else "",
                "explanation": None if i == 4 else '{"base_value": 0.1, "top": [], "method": "m"}',
                "demonstration": i == 5,
                **{name: 1 / (k + 3) + i * 1e6 for k, name in enumerate(FEATURE_NAMES)},
            }
        )
    return rows


COLUMNS = [c.name for c in TABLE.columns if c.name not in ("id", "batch_id")]


def _stored(connection, batch: str) -> list[tuple]:
    """The rows as the driver reads them (SQLite's date texts, not values parsed from them)."""
    query = sa.text(
        f"SELECT {', '.join(COLUMNS)} FROM predictions WHERE batch_id = :batch ORDER BY id"
    )
    return [tuple(row) for row in connection.execute(query, {"batch": batch})]


@pytest.fixture
def user_id(database_url) -> int:
    with engine_for(database_url).begin() as connection:
        return connection.execute(
            sa.insert(User.__table__).values(
                username="bulk",
                email="bulk@example.org",
                password_hash="x",
                session_token="t",
                role=vocabulary.CLINICIAN,
                status=vocabulary.ACTIVE,
            )
        ).inserted_primary_key[0]


def test_insert_many_stores_what_execute_stores(database_url, user_id):
    engine = engine_for(database_url)
    with engine.begin() as connection:
        connection.execute(sa.insert(TABLE), _rows(user_id, "by-execute"))
        rows = _rows(user_id, "by-insert-many")
        for row in rows:
            row["idempotency_key"] = row["idempotency_key"] and "key-2"
        sent = []
        with _statements_sent(engine, sent):
            insert_many(connection, TABLE, rows)
    with engine.connect() as connection:
        by_execute, by_bulk = (
            _stored(connection, "by-execute"),
            _stored(connection, "by-insert-many"),
        )
    key = COLUMNS.index("idempotency_key")
    assert len(by_bulk) == 7
    assert [r[:key] + r[key + 1 :] for r in by_bulk] == [r[:key] + r[key + 1 :] for r in by_execute]
    assert [r[key] for r in by_bulk] == ["key-2", *[None] * 6]
    if engine.dialect.driver == "pymysql":  # the rows' text built by mysql_rows, sent as is
        assert sent == [(False, "INSERT INTO predictions (")]
    else:  # the driver's executemany
        assert sent == [(True, "INSERT INTO predictions (")]


@contextmanager
def _statements_sent(engine, sent: list):
    def record(_conn, _cursor, statement, _parameters, _context, executemany):
        sent.append((executemany, statement[:25]))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def test_insert_many_is_part_of_the_callers_transaction(database_url, user_id):
    engine = engine_for(database_url)
    with pytest.raises(RuntimeError), engine.begin() as connection:
        insert_many(connection, TABLE, _rows(user_id, "rolled-back"))
        raise RuntimeError("the caller fails after the insert")
    with engine.connect() as connection:
        assert _stored(connection, "rolled-back") == []


def test_insert_many_refuses_rows_that_leave_a_default_to_sqlalchemy(database_url, user_id):
    rows = _rows(user_id, "no-created-at")
    for row in rows:
        del row["created_at"]  # its default is computed by SQLAlchemy, not by the database
    with (
        pytest.raises(ValueError, match="one executemany"),
        engine_for(database_url).begin() as connection,
    ):
        insert_many(connection, TABLE, rows)


def test_insert_one_stores_what_execute_stores_and_returns_the_new_id(database_url, user_id):
    engine = engine_for(database_url)
    by_execute, by_one = _rows(user_id, "by-execute"), _rows(user_id, "by-insert-one")
    with engine.begin() as connection:
        expected = [connection.execute(sa.insert(TABLE), row).inserted_primary_key[0]
                    for row in by_execute]  # fmt: skip
        for row in by_one:
            row["idempotency_key"] = row["idempotency_key"] and "key-3"
        ids = [insert_one(connection, TABLE, row) for row in by_one]
    with engine.connect() as connection:
        stored_execute, stored_one = (
            _stored(connection, "by-execute"),
            _stored(connection, "by-insert-one"),
        )
        read_ids = (
            connection.execute(
                sa.select(TABLE.c.id)
                .where(TABLE.c.batch_id == "by-insert-one")
                .order_by(TABLE.c.id)
            )
            .scalars()
            .all()
        )
    key = COLUMNS.index("idempotency_key")
    assert [r[:key] + r[key + 1 :] for r in stored_one] == [
        r[:key] + r[key + 1 :] for r in stored_execute
    ]
    assert ids == read_ids and all(isinstance(i, int) for i in ids)
    assert ids[0] == expected[-1] + 1  # the next ids, in order


def test_insert_one_keeps_sqlalchemys_integrity_error(database_url, user_id):
    """The idempotent create catches ``sa.exc.IntegrityError`` (a concurrent resubmission)."""
    row = _rows(user_id, "twice")[0]
    with engine_for(database_url).begin() as connection:
        insert_one(connection, TABLE, row)
    with pytest.raises(sa.exc.IntegrityError), engine_for(database_url).begin() as connection:
        insert_one(connection, TABLE, row)  # the same user and idempotency key again
    with engine_for(database_url).connect() as connection:
        assert len(_stored(connection, "twice")) == 1


def test_a_failed_batch_keeps_its_values_out_of_the_error(database_url, user_id):
    """``hide_parameters``: no error message (and so no log) holds a statement's values, also
    where the driver's rows are sent as text (MariaDB, ``mysql_rows``)."""
    rows = _rows(user_id, "duplicate-key")
    rows[1]["idempotency_key"] = rows[0]["idempotency_key"]  # the unique key, twice
    with (
        pytest.raises(sa.exc.IntegrityError) as raised,
        engine_for(database_url).begin() as connection,
    ):
        insert_many(connection, TABLE, rows)
    message = str(raised.value)
    assert "INSERT INTO predictions" in message
    assert "O'Brien" not in message and "O\\'Brien" not in message  # a row's sample reference
    assert "1000000.25" not in message  # a row's measurement (1/4 + 1e6)
    with engine_for(database_url).connect() as connection:
        assert _stored(connection, "duplicate-key") == []
