"""The database keeps each coded column inside its vocabulary (``pinkbreast.vocabulary``), on
SQLite, MariaDB and PostgreSQL alike: a row with every word from the vocabulary is stored, and
the same row with one word outside it is refused by the check constraint."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from pinkbreast import vocabulary
from pinkbreast.db.models import Case, Outcome, PredictionRecord, User, utcnow
from pinkbreast.db.session import engine_for
from pinkbreast.features import FEATURE_NAMES


def _user(**changes) -> dict:
    row = {
        "username": "u",
        "email": "u@example.org",
        "password_hash": "x",
        "session_token": "t",
        "role": vocabulary.CLINICIAN,
        "status": vocabulary.ACTIVE,
    }
    return {**row, **changes}


def _prediction(user_id: int, **changes) -> dict:
    row = {
        "user_id": user_id,
        "source": vocabulary.FORM,
        "model_version": "1",
        "probability": 0.9,
        "zone": vocabulary.MALIGNANT,
        "label": vocabulary.MALIGNANT,
        "threshold": 0.5,
        "band_lower": 0.3,
        "band_upper": 0.7,
        "warnings": "",
        **dict.fromkeys(FEATURE_NAMES, 1.0),
    }
    return {**row, **changes}


def _case(**changes) -> dict:
    row = {
        "id": 1,
        "source": "test",
        "diagnosis": "M",
        "origin": vocabulary.REFERENCE,
        **dict.fromkeys(FEATURE_NAMES, 1.0),
    }
    return {**row, **changes}


OUTSIDE = [
    ("users", "role", "superuser"),
    ("users", "status", "banned"),
    ("predictions", "zone", "borderline"),
    ("predictions", "source", "fax"),
    ("outcomes", "diagnosis", "X"),
    # not "m": MariaDB compares with the column's case-insensitive collation and would accept it
    # (the services and the CSV reader accept only "M" and "B" before anything is written)
    ("cases", "diagnosis", "?"),
    ("cases", "origin", "scraped"),
]


def _insert(connection, table: str, column: str | None = None, value: str | None = None):
    changes = {column: value} if column else {}
    user_changes = changes if table == "users" else {}
    user_id = connection.execute(
        sa.insert(User).values(**_user(**user_changes))
    ).inserted_primary_key[0]
    if table == "predictions" or table == "outcomes":
        row = _prediction(user_id, **(changes if table == "predictions" else {}))
        prediction_id = connection.execute(
            sa.insert(PredictionRecord).values(**row)
        ).inserted_primary_key[0]
        if table == "outcomes":
            outcome = {
                "prediction_id": prediction_id,
                "diagnosis": "B",
                "confirmed_on": utcnow().date(),
                "recorded_by_id": user_id,
                **changes,
            }
            connection.execute(sa.insert(Outcome).values(**outcome))
    if table == "cases":
        connection.execute(sa.insert(Case).values(**_case(**changes)))


@pytest.mark.parametrize(("table", "column", "value"), OUTSIDE)
def test_a_word_outside_the_vocabulary_is_refused_by_the_database(
    database_url, table, column, value
):
    engine = engine_for(database_url)
    with engine.connect() as connection:
        _insert(connection, table)  # the same row, with the vocabulary's words: stored
        connection.rollback()
        # MariaDB reports a failed CHECK as error 4025, which PyMySQL files as operational
        with pytest.raises((sa.exc.IntegrityError, sa.exc.OperationalError)) as refused:
            _insert(connection, table, column, value)
        connection.rollback()
    assert f"ck_{table}_{column}" in str(refused.value.orig)  # that constraint, no other
