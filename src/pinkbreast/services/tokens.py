"""API tokens: shown once at creation, stored as a SHA-256 digest, expiring, revocable.

Tokens are 256-bit random values, so a fast digest is enough (no password-style stretching):
guessing is hopeless and a stolen table reveals no usable token.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pinkbreast.db.models import ApiToken, User, as_utc, utcnow
from pinkbreast.db.models.accounts import APPROVED
from pinkbreast.db.session import transaction
from pinkbreast.services import audit
from pinkbreast.vocabulary import ADMIN

PREFIX = "pbk_"
MAX_DAYS = 365
NAME_MAX = 64
MAX_LIVE = 10  # live tokens per account unless the caller passes another cap
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(ValueError):
    """A token request that cannot be honoured (bad name or lifetime, unknown token)."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    *,
    session: Session,
    user: User,
    name: str,
    days: int = 90,
    client_address: str | None = None,
    max_live: int = MAX_LIVE,
) -> tuple[str, ApiToken]:
    """A new token for ``user``: the plain value (to show once) and its stored record.

    Refused (``TokenError``) when the account already holds ``max_live`` live tokens; the
    account's row is locked while counting so concurrent creations cannot pass the cap together.
    """
    name = name.strip()
    if not 1 <= len(name) <= NAME_MAX:
        raise TokenError(f"name: expected 1 to {NAME_MAX} characters")
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(f"days: expected a whole number from 1 to {MAX_DAYS}")
    plain = PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(
        user_id=user.id,
        name=name,
        prefix=plain[:12],
        digest=digest(plain),
        expires_at=utcnow() + timedelta(days=days),
    )
    with transaction(session):
        session.scalar(sa.select(User.id).where(User.id == user.id).with_for_update())
        if count_live(session=session, user_id=user.id) >= max_live:
            raise TokenError(f"tokens: at most {max_live} live tokens; revoke one first")
        session.add(record)
        session.flush()
        audit.record(
            session=session,
            action="token.create",
            actor=user,
            record_type="api_token",
            record_id=record.id,
            client_address=client_address,
            detail=name,
        )
    return plain, record


def _live(user_id: int) -> tuple[sa.ColumnElement[bool], ...]:
    return (
        ApiToken.user_id == user_id,
        ApiToken.revoked_at.is_(None),
        ApiToken.expires_at > utcnow(),
    )


def count_live(*, session: Session, user_id: int) -> int:
    return session.scalar(sa.select(sa.func.count(ApiToken.id)).where(*_live(user_id))) or 0


def list_tokens(*, session: Session, user: User) -> list[ApiToken]:
    query = sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
    return list(session.scalars(query))


def revoke_all(
    *,
    session: Session,
    user_id: int,
    reason: str,
    actor: User | None = None,
    client_address: str | None = None,
) -> int:
    """Revoke every live token of an account (in the caller's transaction), audited.

    Called on every change of the account's security state (password change or reset, forced
    change, deactivation, role change): a token never outlives the state it was issued under.
    """
    live = list(session.scalars(sa.select(ApiToken).where(*_live(user_id))))
    now = utcnow()
    for token in live:
        token.revoked_at = now
    if live:
        audit.record(
            session=session,
            action="token.revoke_all",
            actor=actor,
            actor_name=None if actor else "system",
            record_type="user",
            record_id=user_id,
            client_address=client_address,
            detail=f"{reason}: {len(live)} token(s) revoked",
        )
    return len(live)


def revoke_token(
    *, session: Session, user: User, token_id: int, client_address: str | None = None
) -> ApiToken:
    """Revoke one of the user's own tokens (administrators may revoke anyone's).

    A refusal (unknown token, or someone else's) is audited like other refused accesses.
    """
    record = session.get(ApiToken, token_id)
    if record is None or (record.user_id != user.id and user.role != ADMIN):
        with transaction(session):
            audit.record(
                session=session,
                action="token.revoke",
                actor=user,
                record_type="api_token",
                record_id=token_id,
                allowed=False,
                client_address=client_address,
                detail="not the actor's token" if record is not None else "no such token",
            )
        raise TokenError("no such token")
    with transaction(session):
        if record.revoked_at is None:
            record.revoked_at = utcnow()
        audit.record(
            session=session,
            action="token.revoke",
            actor=user,
            record_type="api_token",
            record_id=record.id,
            client_address=client_address,
        )
    return record


@dataclass(frozen=True)
class TokenUser:
    """The approved account behind a valid token: what an API request needs of it."""

    id: int
    username: str
    role: str


# mapped classes' tables (typed FromClause)
_TOKENS, _USERS = cast(sa.Table, ApiToken.__table__), cast(sa.Table, User.__table__)
_LOOKUP = (
    sa.select(
        _TOKENS.c.id,
        _TOKENS.c.expires_at,
        _TOKENS.c.last_used_at,
        _TOKENS.c.revoked_at,
        _USERS.c.id.label("user_id"),
        _USERS.c.username,
        _USERS.c.role,
        _USERS.c.status,
    )
    .join(_USERS, _USERS.c.id == _TOKENS.c.user_id)
    .where(_TOKENS.c.digest == sa.bindparam("digest"))
)


def authenticate(*, session: Session, token: str) -> TokenUser | None:
    """The approved user behind a valid token (not revoked, not expired), else None.

    One Core query for the token and its user (every API request makes it).
    """
    if not token.startswith(PREFIX) or len(token) > 128:
        return None
    row = session.connection().execute(_LOOKUP, {"digest": digest(token)}).first()
    now = utcnow()
    if row is None or row.revoked_at is not None or as_utc(row.expires_at) <= now:
        return None
    if row.status != APPROVED:  # User.is_approved, without loading the User
        return None
    if row.last_used_at is None or now - as_utc(row.last_used_at) > LAST_USED_RESOLUTION:
        with transaction(session):  # at most one write a minute per token
            session.execute(
                sa.update(_TOKENS).where(_TOKENS.c.id == row.id).values(last_used_at=now)
            )
    return TokenUser(row.user_id, row.username, row.role)
