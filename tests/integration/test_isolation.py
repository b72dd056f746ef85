"""The database fixtures isolate tests: each starts at the current schema with no rows (ids from
1), whatever the test before it committed or did to the schema (tests/conftest.py)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from pinkbreast.cli.db import alembic_config
from pinkbreast.db.models import Base, User
from pinkbreast.db.session import engine_for, session_scope
from tests.web_fixtures import make_account


def _counts(url: str) -> dict[str, int]:
    with engine_for(url).connect() as connection:
        return {
            table.name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar()
            for table in Base.metadata.sorted_tables
        }


def _revision(url: str) -> str:
    with engine_for(url).connect() as connection:
        return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _head() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def test_a_test_commits_rows(database_url):
    first = make_account(database_url, "first")
    second = make_account(database_url, "second")
    assert (first, second) == (1, 2)
    assert _counts(database_url)["users"] == 2


def test_the_next_test_starts_empty_at_head_with_ids_from_one(database_url):
    assert set(_counts(database_url).values()) == {0}
    assert _revision(database_url) == _head()
    assert make_account(database_url, "again") == 1  # identity counters restart too


def test_a_test_may_take_the_schema_down(database_url):
    command.downgrade(alembic_config(database_url), "base")
    engine_for(database_url).dispose()
    assert "users" not in sa.inspect(engine_for(database_url)).get_table_names()


def test_the_next_test_gets_the_schema_back(database_url):
    assert _revision(database_url) == _head()
    assert set(_counts(database_url).values()) == {0}
    with session_scope(database_url) as session:
        assert session.scalars(sa.select(User)).all() == []


def test_an_empty_database_has_no_tables_even_after_a_migrated_one(empty_database_url):
    assert sa.inspect(engine_for(empty_database_url)).get_table_names() == []
