"""``pinkbreast tokens``: API tokens for integrations (laboratory systems, analysis stations)."""

from __future__ import annotations

import click

from pinkbreast.config import load_settings
from pinkbreast.db.session import session_scope
from pinkbreast.services import accounts, tokens


def _user(session, username: str):
    user = accounts.find_user(session=session, username=username)
    if user is None:
        raise click.BadParameter(f"no account named {username!r}", param_hint="--user")
    return user


@click.group("tokens")
def tokens_group() -> None:
    """Create, list and revoke API tokens."""


@tokens_group.command("create")
@click.option("--user", "username", required=True, help="Account the token acts for.")
@click.option("--name", required=True, help="What the token is for (e.g. 'LIS bridge').")
@click.option("--days", type=click.IntRange(1, tokens.MAX_DAYS), default=90, show_default=True)
def create(username: str, name: str, days: int) -> None:
    """Create a token and print it once (only its digest is stored)."""
    settings = load_settings()
    with session_scope(settings.database_url) as session:
        try:
            plain, record = tokens.create_token(
                session=session,
                user=_user(session, username),
                name=name,
                days=days,
                client_address="cli",
                max_live=settings.api_tokens_per_user,
            )
        except tokens.TokenError as exc:
            raise click.UsageError(str(exc)) from exc
        click.echo(f"Token {record.id} for {username}, expires {record.expires_at:%Y-%m-%d}.")
        click.echo("Copy it now; it will not be shown again:", err=True)
        click.echo(plain)


@tokens_group.command("list")
@click.option("--user", "username", required=True)
def list_command(username: str) -> None:
    """List a user's tokens (never the token values)."""
    with session_scope(load_settings().database_url) as session:
        for t in tokens.list_tokens(session=session, user=_user(session, username)):
            state = "revoked" if t.revoked_at else "active"
            used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
            click.echo(
                f"{t.id:>5}  {t.prefix}…  {state:<8} expires {t.expires_at:%Y-%m-%d}  "
                f"last used {used}  {t.name}"
            )


@tokens_group.command("revoke")
@click.argument("token_id", type=int)
@click.option("--user", "username", required=True, help="The token's owner, or an admin.")
def revoke(token_id: int, username: str) -> None:
    """Revoke token TOKEN_ID."""
    with session_scope(load_settings().database_url) as session:
        try:
            tokens.revoke_token(
                session=session,
                user=_user(session, username),
                token_id=token_id,
                client_address="cli",
            )
        except tokens.TokenError as exc:
            raise click.BadParameter(str(exc), param_hint="TOKEN_ID") from exc
    click.echo(f"Token {token_id} revoked.")
