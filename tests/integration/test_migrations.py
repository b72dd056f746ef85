"""Alembic migrations go up, down and up again on every backend, and match the models."""

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from pinkbreast.cli.db import alembic_config
from pinkbreast.db.models import Base
from pinkbreast.db.session import engine_for


def _tables(url: str) -> set[str]:
    return set(sa.inspect(engine_for(url)).get_table_names())


def test_upgrade_downgrade_upgrade(empty_database_url):
    config = alembic_config(empty_database_url)
    command.upgrade(config, "head")
    assert {"cases", "alembic_version"} <= _tables(empty_database_url)
    command.downgrade(config, "base")
    assert _tables(empty_database_url) <= {"alembic_version"}
    command.upgrade(config, "head")
    assert "cases" in _tables(empty_database_url)


def test_models_and_migrations_agree(database_url):
    with engine_for(database_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
