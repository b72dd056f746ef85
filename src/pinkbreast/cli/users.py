"""``pinkbreast users``: accounts from the command line."""

from __future__ import annotations

import click

from pinkbreast.config import Settings, load_settings
from pinkbreast.db.models import ROLES
from pinkbreast.db.session import session_scope
from pinkbreast.services.accounts import AccountError
from pinkbreast.services.administration import create_account, ensure_first_admin
from pinkbreast.services.passwords import make_hasher


@click.group()
def users() -> None:
    """Manage accounts (the web pages under /admin do the rest)."""


@users.command("create-admin")
@click.argument("username")
@click.option("--email", required=True, help="The administrator's e-mail address.")
def create_admin_command(username: str, email: str) -> None:
    """Create an active administrator USERNAME. The password is asked for, never an argument."""
    _create(username, email, "admin")
    click.echo(f"Administrator {username.strip().casefold()} created.")


@users.command("create")
@click.argument("username")
@click.option("--email", required=True, help="The person's e-mail address.")
@click.option(
    "--role", type=click.Choice(ROLES), default="clinician", show_default=True, help="Their role."
)
def create_command(username: str, email: str, role: str) -> None:
    """Create an active (approved) account USERNAME with ROLE; the password is prompted for.

    For onboarding a team without the register-then-approve round trip. The password is asked
    for twice and checked against the same policy as the web pages; it is never an argument.
    """
    _create(username, email, role)
    click.echo(f"Account {username.strip().casefold()} ({role}) created.")


def _create(username: str, email: str, role: str) -> None:
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    settings = load_settings()
    with session_scope(settings.database_url) as session:
        try:
            create_account(
                session=session,
                hasher=make_hasher(settings.password_hash),
                username=username,
                email=email,
                password=password,
                role=role,
            )
        except AccountError as exc:
            problems = ", ".join(code.replace("_", " ") for code in exc.problems)
            raise click.ClickException(f"Not created: {problems}.") from exc


def first_admin(settings: Settings) -> None:
    """Create ``admin`` when no administrator exists, and show its password this once."""
    with session_scope(settings.database_url) as session:
        password = ensure_first_admin(session=session, hasher=make_hasher(settings.password_hash))
    if password is None:
        return
    click.echo("")
    click.echo("First administrator created:  username: admin   password: " + password)
    click.echo("This password is shown only now; it must be changed at the first login.")
    click.echo("")
