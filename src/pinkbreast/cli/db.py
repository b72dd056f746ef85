"""``pinkbreast db``: schema migrations (Alembic)."""

from __future__ import annotations

import click
from alembic import command
from alembic.config import Config

from pinkbreast.config import load_settings


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", "pinkbreast.db:migrations")
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


@click.group()
def db() -> None:
    """Create or migrate the database schema."""


@db.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    upgrade(load_settings().database_url, revision)
    click.echo(f"Database at revision {revision}.")


@db.command("downgrade")
@click.argument("revision")
def downgrade_command(revision: str) -> None:
    """Revert migrations down to REVISION ("base" removes every table)."""
    command.downgrade(alembic_config(load_settings().database_url), revision)
    click.echo(f"Database at revision {revision}.")


@db.command("current")
def current_command() -> None:
    """Show the revision the database is at."""
    command.current(alembic_config(load_settings().database_url))
